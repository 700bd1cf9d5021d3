//! `/login`: where everyone signs in, agents and customers alike (same origin, same session).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use shared::auth::LoginRequest;

use ui::api;
use ui::components::feedback::{ErrorNotice, Loading};
use ui::paths::{desk_equivalent, leave, portal_equivalent};
use ui::session::Session;
use ui::site::Site;

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = Session::get();
    let site = Site::get();
    let query = use_query_map();
    let navigate = use_navigate();

    // Where the guard sent the visitor from. Only same-site paths: `//evil.example` or a full URL
    // here would turn the sign-in page into an open redirect.
    let next = move || {
        query
            .read_untracked()
            .get("next")
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
                navigate(&portal_equivalent(&next()), NavigateOptions { replace: true, ..Default::default() });
            }
        }
    });

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let login = Action::new_local(move |credentials: &LoginRequest| {
        let credentials = credentials.clone();
        async move {
            let response = api::login(&credentials).await?;
            session.sign_in(response);
            Ok::<(), api::ApiError>(())
        }
    });
    let pending = login.pending();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        login.dispatch(LoginRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
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
                    <li><A href="/forgot">"Forgot your password?"</A></li>
                        <Show when=move || site.allow_registrations()>
                            <li><A href="/register">"Create an account"</A></li>
                        </Show>
                        <Show when=move || site.allow_guest_tickets()>
                            <li><A href="/guest">"File a ticket without an account"</A></li>
                        </Show>
                </ul>
            </Show>
        </section>
    }
}
