//! Saved views: an agent's named ticket-list queries, private to their owner.

pub mod routes;
pub mod rules;

use actix_web::web;
use utoipa::OpenApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(routes::routes);
}

#[derive(OpenApi)]
#[openapi(paths(routes::list_views, routes::create_view, routes::delete_view))]
pub struct Doc;
