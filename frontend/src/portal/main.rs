//! The customers' portal, at the root of the site: sign-in (for everyone), registration, the guest
//! form, password reset and email confirmation, the first-run setup, and for customers their
//! tickets, a ticket, a new ticket and their account. Agents who sign in here go on to the desk.

mod app;
mod guest_ticket;
mod login;
mod register;
mod setup;
mod tickets;

fn main() {
    ui::components::shell::start("", setup::setup_page, app::routes);
}
