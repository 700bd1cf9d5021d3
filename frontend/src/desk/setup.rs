//! First run (NodePoint's "initial configuration"): while no administrator exists, every route
//! of the desk shows this page (the portal sends every visitor here). It creates the administrator, sets the basics, and signs the new
//! administrator in.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::settings::{check_site_name, check_ticket_prefix, SettingsUpdate, SetupRequest};
use shared::validate::{check_password, Email, PersonName, Username};

use ui::api;
use ui::components::feedback::ErrorNotice;
use ui::components::form::{show_server_errors, CheckField, Checks, FieldErrors, TextField, VisibilityChoice};
use ui::session::Session;
use ui::site::Site;

#[component]
pub fn SetupPage() -> impl IntoView {
    let site = Site::get();
    let session = Session::get();
    let defaults = site.settings().unwrap_or_else(shared::settings::Settings::new_install);

    let username = RwSignal::new("admin".to_owned());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let site_name = RwSignal::new(defaults.site_name.clone());
    let prefix = RwSignal::new(defaults.ticket_prefix.clone());
    let visibility = RwSignal::new(defaults.visibility);
    let registrations = RwSignal::new(defaults.allow_registrations);
    let guests = RwSignal::new(defaults.allow_guest_tickets);
    let errors = RwSignal::new(FieldErrors::new());

    let submit = Action::new_local(move |request: &SetupRequest| {
        let request = request.clone();
        async move {
            match api::setup(&request).await {
                Ok(response) => {
                    session.sign_in(response);
                    // The gate lifts once the settings say an administrator exists.
                    site.reload();
                    ui::route::navigate("/admin/settings");
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    if error.status() == Some(409) {
                        // Someone else finished the setup meanwhile: show the sign-in page.
                        site.reload();
                    }
                    Err(error)
                }
            }
        }
    });
    let pending = submit.pending();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let user = checks.check("username", "setup-username", "User name", Username::parse(&username.get_untracked()));
        let full = checks.check("name", "setup-name", "Full name", PersonName::parse(&name.get_untracked()));
        let mail = checks.check("email", "setup-email", "Email", Email::parse(&email.get_untracked()));
        let pass = password.get_untracked();
        checks.check("password", "setup-password", "Password", check_password(&pass));
        if pass != confirm.get_untracked() {
            checks.fail("password_confirmation", "setup-confirm", "The two passwords differ.".into());
        }
        checks.check("site_name", "setup-site-name", "Site name", check_site_name(&site_name.get_untracked()));
        let pre = prefix.get_untracked().trim().to_owned();
        checks.check("ticket_prefix", "setup-prefix", "Ticket prefix", check_ticket_prefix(&pre));
        if !checks.finish(errors) {
            return;
        }
        let (Some(user), Some(full), Some(mail)) = (user, full, mail) else {
            return;
        };
        submit.dispatch(SetupRequest {
            username: user.into_inner(),
            name: full.into_inner(),
            email: mail.into_inner(),
            password: pass,
            settings: SettingsUpdate {
                site_name: Some(site_name.get_untracked().trim().to_owned()),
                ticket_prefix: Some(pre),
                visibility: Some(visibility.get_untracked().as_str().to_owned()),
                allow_registrations: Some(registrations.get_untracked()),
                allow_guest_tickets: Some(guests.get_untracked()),
                ..Default::default()
            },
        });
    };

    view! {
        <section class="page page-narrow" aria-labelledby="setup-heading">
            <h1 id="setup-heading">"Welcome: set up your help desk"</h1>
            <p class="lead">
                "This help desk has no administrator yet. Create the administrator account and "
                "choose the basics; every setting can be changed later under Admin › Settings."
            </p>
            <form class="stack" on:submit=on_submit novalidate data-testid="setup-form">
                <fieldset class="group">
                    <legend>"Administrator"</legend>
                    <TextField id="setup-username" name="username" label="User name" value=username errors
                        autocomplete="username" required=true maxlength=20
                        hint="3 to 20 letters, digits, dots and dashes."/>
                    <TextField id="setup-name" name="name" label="Full name" value=name errors
                        autocomplete="name" required=true/>
                    <TextField id="setup-email" name="email" label="Email" value=email errors
                        input_type="email" autocomplete="email" required=true/>
                    <TextField id="setup-password" name="password" label="Password" value=password errors
                        input_type="password" autocomplete="new-password" required=true
                        hint="At least 8 characters. Keep it safe: it is needed to change the settings."/>
                    <TextField id="setup-confirm" name="password_confirmation" label="Confirm password"
                        value=confirm errors input_type="password" autocomplete="new-password" required=true/>
                </fieldset>
                <fieldset class="group">
                    <legend>"Help desk"</legend>
                    <TextField id="setup-site-name" name="site_name" label="Site name" value=site_name errors
                        required=true hint="Shown at the top left of every page."/>
                    <TextField id="setup-prefix" name="ticket_prefix" label="Ticket prefix" value=prefix errors
                        required=true maxlength=10
                        hint="Starts every ticket number, e.g. IT-1042. Letters, digits, dashes."/>
                    <VisibilityChoice name="setup-visibility" value=visibility/>
                    <CheckField id="setup-registrations" label="Allow registrations" checked=registrations
                        hint="Visitors may create their own customer account from the sign-in page."/>
                    <CheckField id="setup-guests" label="Allow guest tickets" checked=guests
                        hint="Visitors may file a ticket with only their name and email address."/>
                </fieldset>
                {move || submit.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Setting up…" } else { "Create administrator and start" }}
                </button>
            </form>
        </section>
    }
}

/// The page as the shell shows it while no administrator exists.
pub fn setup_page() -> AnyView {
    view! { <SetupPage/> }.into_any()
}
