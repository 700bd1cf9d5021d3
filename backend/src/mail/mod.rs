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
pub mod parse;
pub mod routes;
pub mod settings;
pub mod smtp;
pub mod templates;
pub mod thread;
pub mod tls;

use actix_web::web;
use utoipa::OpenApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(routes::routes);
}

#[derive(OpenApi)]
#[openapi(paths(
    routes::list_outbox,
    routes::retry_mail,
    routes::get_mail_settings,
    routes::update_mail_settings,
    routes::send_test_mail,
    routes::list_templates,
    routes::update_template,
    routes::reset_template,
    routes::preview_template,
    routes::test_imap,
    routes::list_inbound,
    routes::inbound_raw,
    routes::retry_inbound,
    routes::discard_inbound,
    routes::pipe_mail,
))]
pub struct Doc;

/// The first line of every ticket mail: what a customer writes above it is their reply; the
/// fetcher cuts the quoted rest.
pub const REPLY_MARKER: &str = "##- Please type your reply above this line -##";
