//! The routes, and what every page shares: the session and the header.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::components::app_header::AppHeader;
use crate::components::require_sign_in::RequireSignIn;
use crate::pages::home::HomePage;
use crate::pages::login::LoginPage;
use crate::pages::new_ticket::NewTicketPage;
use crate::pages::ticket::TicketPage;
use crate::pages::ticket_list::TicketListPage;
use crate::session::Session;

#[component]
pub fn App() -> impl IntoView {
    Session::provide();
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <AppHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/") view=|| view! { <RequireSignIn><HomePage/></RequireSignIn> }/>
                    <Route path=path!("/tickets") view=|| view! { <RequireSignIn><TicketListPage/></RequireSignIn> }/>
                    // Before `:number`, which would otherwise take "new" for a ticket number.
                    <Route path=path!("/tickets/new") view=|| view! { <RequireSignIn><NewTicketPage/></RequireSignIn> }/>
                    <Route path=path!("/tickets/:number") view=|| view! { <RequireSignIn><TicketPage/></RequireSignIn> }/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p><A href="/tickets">"Go to the tickets"</A></p>
        </section>
    }
}
