//! `/register`: a visitor opens an account (when the settings allow registrations). They are
//! signed in at once, or told to open the link mailed to them first.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::auth::RegisterRequest;
use shared::validate::{check_password, Email, PersonName, Username};

use ui::api;
use ui::components::feedback::{ErrorNotice, Loading};
use ui::components::form::{show_server_errors, Checks, FieldErrors, TextField};
use ui::paths::href;
use ui::route;
use ui::session::Session;
use ui::site::Site;
use ui::task::Task;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let site = Site::get();
    let session = Session::get();

    // Already signed in (or just registered): nothing to do here.
    Effect::new(move |_| {
        if session.is_ready() && session.is_signed_in() {
            route::navigate_with("/tickets", true, true);
        }
    });

    let username = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    // Set when the account waits for its address to be confirmed: what to tell the person.
    let pending_note = RwSignal::new(None::<String>);

    let register = Task::<()>::new();
    let pending = register.pending();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut checks = Checks::default();
        let user =
            checks.check("username", "register-username", "User name", Username::parse(&username.get_untracked()));
        let full = checks.check("name", "register-name", "Name", PersonName::parse(&name.get_untracked()));
        let mail = checks.check("email", "register-email", "Email", Email::parse(&email.get_untracked()));
        let pass = password.get_untracked();
        checks.check("password", "register-password", "Password", check_password(&pass));
        if pass != confirm.get_untracked() {
            checks.fail("password_confirmation", "register-confirm", "The two passwords differ.".into());
        }
        if !checks.finish(errors) {
            return;
        }
        let (Some(user), Some(full), Some(mail)) = (user, full, mail) else {
            return;
        };
        let request = RegisterRequest {
            username: user.into_inner(),
            name: full.into_inner(),
            email: mail.into_inner(),
            password: pass,
        };
        register.run(async move {
            match api::register(&request).await {
                Ok(api::Registration::SignedIn(response)) => {
                    session.sign_in(*response);
                    Ok(())
                }
                Ok(api::Registration::Pending(registered)) => {
                    pending_note.set(Some(registered.message));
                    Ok(())
                }
                Err(error) => {
                    show_server_errors(&error, errors);
                    Err(error)
                }
            }
        });
    };

    view! {
        <section class="page page-narrow" aria-labelledby="register-heading">
            <h1 id="register-heading">"Create an account"</h1>
            <Show
                when=move || site.allow_registrations()
                fallback=|| view! {
                    <p>"This help desk does not take new registrations. "
                       "Ask its staff for an account, or " <a href=href("/login")>"sign in"</a>"."</p>
                }
            >
                <Show when=move || session.is_ready() fallback=|| view! { <Loading label="Checking for an existing session…"/> }>
                  <Show when=move || pending_note.get().is_none() fallback=move || view! {
                    <div class="notice" role="status" data-testid="register-pending">
                        <p><strong>"Almost there."</strong> " " {move || pending_note.get().unwrap_or_default()}</p>
                        <p><a href=href("/login")>"Go to sign in"</a></p>
                    </div>
                  }>
                    <form class="stack" on:submit=on_submit novalidate data-testid="register-form">
                        <TextField id="register-username" name="username" label="User name" value=username errors
                            autocomplete="username" required=true maxlength=20
                            hint="3 to 20 letters, digits, dots and dashes."/>
                        <TextField id="register-name" name="name" label="Name" value=name errors
                            autocomplete="name" required=true/>
                        <TextField id="register-email" name="email" label="Email" value=email errors
                            input_type="email" autocomplete="email" required=true/>
                        <TextField id="register-password" name="password" label="Password" value=password errors
                            input_type="password" autocomplete="new-password" required=true
                            hint="At least 8 characters, and not a common password."/>
                        <TextField id="register-confirm" name="password_confirmation" label="Confirm password"
                            value=confirm errors input_type="password" autocomplete="new-password" required=true/>
                        {move || register.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error/> })}
                        <button type="submit" disabled=move || pending.get()>
                            {move || if pending.get() { "Creating the account…" } else { "Create account" }}
                        </button>
                    </form>
                    <p class="muted">"Already have an account? " <a href=href("/login")>"Sign in"</a></p>
                  </Show>
                </Show>
            </Show>
        </section>
    }
}
