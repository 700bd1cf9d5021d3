//! Email in and out. Out: changes queue mail in the outbox (`notify`, `outbox`) in their own
//! transaction, each with a `mail.send` job that delivers it over SMTP (`deliver`, `smtp`) with
//! retries, never twice. In: the fetcher (`fetch`) reads the IMAP mailbox and the MTA pipes mail
//! to `POST /api/tickets.email`; both hand each message to `inbound`, which makes it a ticket or a
//! reply exactly once.

pub mod deliver;
pub mod fetch;
pub mod imap;
pub mod inbound;
pub mod notify;
pub mod outbox;
pub mod outgoing_html;
pub mod parse;
pub mod routes;
pub mod settings;
pub mod smtp;
pub mod templates;
pub mod thread;
pub mod tls;
pub mod trust;

use crate::core::http::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(routes::routes);
}

/// The first line of every ticket mail: what a customer writes above it is their reply; the
/// fetcher cuts the quoted rest.
pub const REPLY_MARKER: &str = "##- Please type your reply above this line -##";
