//! The portal's routes. Pages that need a signed-in person are behind `RequireSignIn`, which also
//! sends agents on to the desk.

use leptos::prelude::*;
use ui::components::catalog::Catalog;
use ui::components::feedback::Loading;
use ui::components::require_sign_in::RequireSignIn;
use ui::components::ticket_actions::customer_side;
use ui::pages::account::{AccountPage, ConfirmPage, ForgotPage, ResetPage};
use ui::pages::home::HomePage;
use ui::pages::new_ticket::NewTicketPage;
use ui::pages::ticket::TicketPage;
use ui::paths::{desk_equivalent, here, href, leave, DESK};
use ui::route;
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

/// The portal's pages by path. Matched here rather than by leptos_router (see `ui::route`); a
/// memo of the page, so that a new query string (a filter, the next page) keeps the page and only
/// its data changes.
pub fn routes() -> AnyView {
    let page = Memo::new(move |_| Page::of(&route::path()));
    (move || page.get().view()).into_any()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Login,
    Register,
    Guest,
    Forgot,
    Reset,
    Confirm,
    Account,
    Home,
    Tickets,
    NewTicket,
    Ticket,
    NotFound,
}

impl Page {
    fn of(path: &str) -> Page {
        match path.trim_end_matches('/') {
            "/login" => Page::Login,
            "/register" => Page::Register,
            "/guest" => Page::Guest,
            "/forgot" => Page::Forgot,
            "/reset" => Page::Reset,
            "/confirm" => Page::Confirm,
            "/account" => Page::Account,
            "" => Page::Home,
            "/tickets" => Page::Tickets,
            // Before the ticket, which would otherwise take "new" for a ticket number.
            "/tickets/new" => Page::NewTicket,
            other => match other.strip_prefix("/tickets/") {
                Some(number) if !number.is_empty() && !number.contains('/') => Page::Ticket,
                _ => Page::NotFound,
            },
        }
    }

    fn view(self) -> AnyView {
        match self {
            Page::Login => view! { <LoginPage/> }.into_any(),
            Page::Register => view! { <RegisterPage/> }.into_any(),
            Page::Guest => view! { <GuestTicketPage/> }.into_any(),
            Page::Forgot => view! { <ForgotPage/> }.into_any(),
            Page::Reset => view! { <ResetPage/> }.into_any(),
            Page::Confirm => view! { <ConfirmPage/> }.into_any(),
            Page::Account => view! { <RequireSignIn><AccountPage/></RequireSignIn> }.into_any(),
            Page::Home => view! { <RequireSignIn><HomePage/></RequireSignIn> }.into_any(),
            Page::Tickets => view! { <RequireSignIn><MyTicketsPage/></RequireSignIn> }.into_any(),
            Page::NewTicket => view! { <RequireSignIn><NewTicketPage/></RequireSignIn> }.into_any(),
            Page::Ticket => view! {
                <RequireSignIn><TicketPage side=customer_side catalog=Catalog::none/></RequireSignIn>
            }
            .into_any(),
            Page::NotFound => view! { <NotFound/> }.into_any(),
        }
    }
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
                <p><a href=href("/tickets")>"Go to the tickets"</a></p>
            </section>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn paths_find_their_pages() {
        assert_eq!(Page::of("/"), Page::Home);
        assert_eq!(Page::of("/login"), Page::Login);
        assert_eq!(Page::of("/tickets/"), Page::Tickets);
        assert_eq!(Page::of("/tickets/new"), Page::NewTicket);
        assert_eq!(Page::of("/tickets/TCK-1"), Page::Ticket);
        assert_eq!(Page::of("/tickets/TCK-1/x"), Page::NotFound);
        assert_eq!(Page::of("/admin"), Page::NotFound);
    }
}
