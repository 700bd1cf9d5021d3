//! `/login`: where everyone signs in, agents and customers alike (same origin, same session).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::auth::LoginRequest;

use ui::api;
use ui::components::feedback::{ErrorNotice, Loading};
use ui::paths::{desk_equivalent, href, leave, portal_equivalent};
use ui::route;
use ui::session::Session;
use ui::site::Site;
use ui::task::Task;

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = Session::get();
    let site = Site::get();

    // Where the guard sent the visitor from. Only same-site paths: `//evil.example` or a full URL
    // here would turn the sign-in page into an open redirect.
    let next = move || {
        untrack(|| route::query_value("next"))
            .filter(|path| path.starts_with('/') && !path.starts_with("//"))
            .unwrap_or_else(|| "/tickets".to_owned())
    };

    // Signed in by this form, or by a session restored at start-up: either way, move on — an
    // agent to the desk (a page load: the portal has no desk screens), a customer within the
    // portal, to the portal's page even when they were sent here from a desk address.
    Effect::new(move |_| {
        if session.is_ready() && session.is_signed_in() {
            if session.is_staff() {
                leave(&desk_equivalent(&next()));
            } else {
                route::navigate_with(&portal_equivalent(&next()), true, true);
            }
        }
    });

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let login = Task::<()>::new();
    let pending = login.pending();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let call = api::login(&LoginRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        });
        login.run(async move {
            session.sign_in(call.read(None).await?);
            Ok(())
        });
    };

    view! {
        <section class="page page-narrow" aria-labelledby="login-heading">
            <h1 id="login-heading">"Sign in"</h1>
            <Show
                when=move || session.is_ready()
                fallback=|| view! { <Loading label="Checking for an existing session…"/> }
            >
                <form class="stack" on:submit=on_submit data-testid="login-form">
                    <div class="field">
                        <label for="login-username">"User name or email"</label>
                        <input
                            id="login-username"
                            name="username"
                            autocomplete="username"
                            required
                            prop:value=move || username.get()
                            on:input=move |ev| username.set(event_target_value(&ev))
                        />
                    </div>
                    <div class="field">
                        <label for="login-password">"Password"</label>
                        <input
                            id="login-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    </div>
                    {move || login.value().get().and_then(Result::err).map(|error| view! {
                        <ErrorNotice error/>
                    })}
                    <button type="submit" disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
                <ul class="links" aria-label="Other ways in">
                    <li><a href=href("/forgot")>"Forgot your password?"</a></li>
                        <Show when=move || site.allow_registrations()>
                            <li><a href=href("/register")>"Create an account"</a></li>
                        </Show>
                        <Show when=move || site.allow_guest_tickets()>
                            <li><a href=href("/guest")>"File a ticket without an account"</a></li>
                        </Show>
                </ul>
            </Show>
        </section>
    }
}
