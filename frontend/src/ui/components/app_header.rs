//! The bar at the top: where you are, where you can go, and how to sign out.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::feedback::ErrorNotice;
use crate::paths::leave;
use crate::session::Session;
use crate::site::Site;

#[component]
pub fn AppHeader() -> impl IntoView {
    let session = Session::get();
    let site = Site::get();
    let is_manager =
        Memo::new(move |_| session.user().is_some_and(|user| user.level >= shared::AccessLevel::UserManager));
    let sign_out = Action::new_local(move |_: &()| {
        async move {
            // Only forget the token once the server has dropped the refresh cookie; otherwise
            // the next reload would silently sign the visitor back in.
            api::logout().await?;
            // The sign-in page is the portal's: a page load, which also drops the desk.
            leave("/login");
            session.sign_out();
            Ok::<(), api::ApiError>(())
        }
    });
    let pending = sign_out.pending();

    view! {
        <header class="app-header">
            <div class="app-header-inner">
                <A href="/" {..} class="brand" data-testid="site-name">{move || site.name()}</A>
                <Show when=move || {
                    session.is_ready()
                        && !session.is_signed_in()
                        && site.with(|s| s.is_some_and(|s| !s.setup_needed))
                }>
                    <div class="account">
                        <a href="/login">"Sign in"</a>
                    </div>
                </Show>
                <Show when=move || session.is_signed_in()>
                    <nav aria-label="Main">
                        <A href="/tickets" exact=true>"Tickets"</A>
                        <A href="/tickets/new" exact=true>"New ticket"</A>
                        <Show when=move || is_manager.get()>
                            <A href="/admin">"Admin"</A>
                        </Show>
                    </nav>
                    <div class="account">
                        <A href="/account" {..} class="who" title="Your account" data-testid="current-user">
                            {move || session.user().map(|u| u.fullname).unwrap_or_default()}
                        </A>
                        <button
                            type="button"
                            class="secondary"
                            disabled=move || pending.get()
                            on:click=move |_| {
                                sign_out.dispatch(());
                            }
                        >
                            {move || if pending.get() { "Signing out…" } else { "Sign out" }}
                        </button>
                    </div>
                </Show>
            </div>
            {move || {
                sign_out.value().get().and_then(Result::err).map(|error| view! {
                    <div class="app-header-inner"><ErrorNotice error/></div>
                })
            }}
        </header>
    }
}
