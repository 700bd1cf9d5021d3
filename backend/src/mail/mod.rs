//! Email in and out. Out: changes queue mail in the outbox (`notify`, `outbox`) in their own
//! transaction; the worker (`worker`) delivers it over SMTP (`smtp`) with retries, never twice.
//! In: the worker fetches the IMAP mailbox and the MTA pipes mail to `POST /api/tickets.email`;
//! both hand each message to `inbound`, which makes it a ticket or a reply exactly once.

pub mod imap;
pub mod inbound;
pub mod notify;
pub mod outbox;
pub mod parse;
pub mod settings;
pub mod smtp;
pub mod templates;
pub mod thread;
pub mod tls;
pub mod worker;

/// The first line of every ticket mail: what a customer writes above it is their reply; the
/// fetcher cuts the quoted rest.
pub const REPLY_MARKER: &str = "##- Please type your reply above this line -##";
