//! One module per screen; each is a route in `app.rs`.

pub mod account;
pub mod admin;
pub mod guest_ticket;
pub mod home;
pub mod login;
pub mod new_ticket;
pub mod register;
pub mod setup;
pub mod ticket;
pub mod ticket_list;
