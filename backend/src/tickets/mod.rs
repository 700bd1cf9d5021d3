//! The ticket core: who may see which ticket (`find`), creating one (`create`), changing it
//! (`change`), what it looks like in the API (`view`), bodies and attachments (`content`), and
//! its HTTP endpoints (`routes`, `attachments`). Rules take a connection and an actor, never a
//! request, so tests call them without HTTP.

pub mod attachments;
pub mod change;
pub mod content;
pub mod create;
pub mod find;
pub mod routes;
pub mod rows;
pub mod view;

use actix_web::web;
use utoipa::OpenApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(routes::routes).configure(attachments::routes);
}

#[derive(OpenApi)]
#[openapi(paths(
    routes::list_tickets,
    routes::create_ticket,
    routes::get_ticket,
    routes::update_ticket,
    routes::close_ticket,
    routes::reopen_ticket,
    routes::follow_ticket,
    routes::unfollow_ticket,
    routes::bulk_update,
    attachments::download,
))]
pub struct Doc;
