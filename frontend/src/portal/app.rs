//! The portal's routes. Pages that need a signed-in person are behind `RequireSignIn`, which also
//! sends agents on to the desk.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes, A};
use leptos_router::path;
use ui::components::catalog::Catalog;
use ui::components::feedback::Loading;
use ui::components::require_sign_in::RequireSignIn;
use ui::components::ticket_actions::customer_side;
use ui::pages::account::{AccountPage, ConfirmPage, ForgotPage, ResetPage};
use ui::pages::home::HomePage;
use ui::pages::new_ticket::NewTicketPage;
use ui::pages::ticket::TicketPage;
use ui::paths::{desk_equivalent, here, leave, DESK};
use ui::session::Session;

use crate::guest_ticket::GuestTicketPage;
use crate::login::LoginPage;
use crate::register::RegisterPage;
use crate::tickets::MyTicketsPage;

/// No administrator yet: the first-run setup is the desk's (an administrator runs it).
pub fn setup_elsewhere() -> AnyView {
    leave(&format!("{DESK}/setup"));
    view! { <Loading label="Opening the first-run setup…"/> }.into_any()
}

pub fn routes() -> AnyView {
    view! {
        <Routes fallback=NotFound>
            <Route path=path!("/login") view=LoginPage/>
            <Route path=path!("/register") view=RegisterPage/>
            <Route path=path!("/guest") view=GuestTicketPage/>
            <Route path=path!("/forgot") view=ForgotPage/>
            <Route path=path!("/reset") view=ResetPage/>
            <Route path=path!("/confirm") view=ConfirmPage/>
            <Route path=path!("/account") view=|| view! { <RequireSignIn><AccountPage/></RequireSignIn> }/>
            <Route path=path!("/") view=|| view! { <RequireSignIn><HomePage/></RequireSignIn> }/>
            <Route path=path!("/tickets") view=|| view! { <RequireSignIn><MyTicketsPage/></RequireSignIn> }/>
            // Before `:number`, which would otherwise take "new" for a ticket number.
            <Route path=path!("/tickets/new") view=|| view! { <RequireSignIn><NewTicketPage/></RequireSignIn> }/>
            <Route path=path!("/tickets/:number") view=|| view! { <RequireSignIn><TicketPage side=customer_side catalog=Catalog::none/></RequireSignIn> }/>
        </Routes>
    }
    .into_any()
}

/// Not a portal page. For an agent it may be one of the desk's under its old address (`/admin`
/// before the desk moved under `/desk/`), so agents are sent on; everyone else is told.
#[component]
fn NotFound() -> impl IntoView {
    let session = Session::get();
    let staff = Memo::new(move |_| session.is_ready() && session.is_staff());
    move || {
        if staff.get() {
            leave(&desk_equivalent(&here()));
        }
        view! {
            <section class="page">
                <h1>"Page not found"</h1>
                <p><A href="/tickets">"Go to the tickets"</A></p>
            </section>
        }
    }
}
