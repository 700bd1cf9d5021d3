//! Other products' APIs over the same rules: each parses the other product's request, calls the
//! feature's rules and renders the other product's answer. osTicket's ticket API is Oxidesk's own
//! (tickets::routes); its staff endpoints under /api/scp/ are here.

pub mod osticket;

use actix_web::web;
use utoipa::OpenApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(osticket::routes);
}

#[derive(OpenApi)]
#[openapi(paths(
    osticket::staff_tickets,
    osticket::client_tickets,
    osticket::ticket_info,
    osticket::staff_reply,
    osticket::ticket_index,
))]
pub struct Doc;
