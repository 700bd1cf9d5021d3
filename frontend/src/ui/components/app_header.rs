//! The bar at the top: where you are, where you can go, and how to sign out.

use leptos::prelude::*;

use crate::api;
use crate::components::feedback::ErrorNotice;
use crate::paths::href;
use crate::paths::leave;
use crate::route::current;
use crate::session::Session;
use crate::site::Site;
use crate::task::Task;

/// `tools`: what the app shows beside the signed-in person (the desk's bell).
#[component]
pub fn AppHeader(tools: Option<fn() -> AnyView>) -> impl IntoView {
    let session = Session::get();
    let site = Site::get();
    let is_manager =
        Memo::new(move |_| session.user().is_some_and(|user| user.level >= shared::AccessLevel::UserManager));
    let sign_out = Task::<()>::new();
    let start_sign_out = move || {
        sign_out.run(async move {
            // Only forget the token once the server has dropped the refresh cookie; otherwise
            // the next reload would silently sign the visitor back in.
            api::logout().await?;
            // The sign-in page is the portal's: a page load, which also drops the desk and the
            // session held in this page. (Clearing the session here as well would first redraw
            // this page as signed out, and its own redirect would race the load.)
            leave("/login");
            Ok(())
        })
    };
    let pending = sign_out.pending();

    view! {
        <header class="app-header">
            <div class="app-header-inner">
                <a href=href("/") class="brand" data-testid="site-name" aria-current=current("/", false)>{move || site.name()}</a>
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
                        <a href=href("/tickets") aria-current=current("/tickets", true)>"Tickets"</a>
                        <a href=href("/tickets/new") aria-current=current("/tickets/new", true)>"New ticket"</a>
                        <Show when=move || is_manager.get()>
                            <a href=href("/admin") aria-current=current("/admin", false)>"Admin"</a>
                        </Show>
                    </nav>
                    <div class="account">
                        {tools.map(|tools| tools())}
                        <a href=href("/account") class="who" title="Your account" data-testid="current-user" aria-current=current("/account", false)>
                            {move || session.user().map(|u| u.fullname).unwrap_or_default()}
                        </a>
                        <button
                            type="button"
                            class="secondary"
                            disabled=move || pending.get()
                            on:click=move |_| {
                                start_sign_out();
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
