//! The customers' portal, at the root of the site: sign-in (for everyone), registration, the guest
//! form, password reset and email confirmation, and for customers their tickets, a ticket, a new
//! ticket and their account. Agents who sign in here go on to the desk; so does the administrator
//! of a fresh install, to the desk's first-run setup.

mod app;
mod guest_ticket;
mod login;
mod register;
mod tickets;

fn main() {
    ui::components::shell::start("", app::setup_elsewhere, app::routes, None);
}
