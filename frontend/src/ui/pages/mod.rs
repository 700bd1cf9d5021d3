//! The screens both apps show, each routed by the desk and by the portal: the desk passes its
//! agents' tools in (the ticket's side panel, bulk changes, saved views), the portal does not.

pub mod account;
pub mod home;
pub mod new_ticket;
pub mod ticket;
pub mod ticket_list;
