//! One module per screen; each is a route in `app.rs`.

pub mod home;
pub mod login;
pub mod new_ticket;
pub mod ticket;
pub mod ticket_list;
