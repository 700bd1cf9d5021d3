//! Clients (NodePoint's clients directory, ITFlow's clients): the organisations tickets — and
//! later invoices and assets — hang on, their contacts, and the timeline of their events.
//! `directory` keeps clients and their mail domains, `contacts` their people, `events` the
//! timeline, `tickets` what a ticket's client and contact are; `routes` is the HTTP API.

pub mod contacts;
pub mod directory;
pub mod events;
pub mod routes;
pub mod rows;
pub mod tickets;

pub fn configure(cfg: &mut crate::core::http::ServiceConfig) {
    routes::routes(cfg);
}
