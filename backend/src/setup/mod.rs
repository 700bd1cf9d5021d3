//! The first run (the first administrator), the desk's settings page, and self-registration.

pub mod routes;
pub mod rules;
pub mod settings;

use actix_web::web;
use utoipa::OpenApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(routes::routes);
}

#[derive(OpenApi)]
#[openapi(paths(routes::get_settings, routes::update_settings, routes::setup, routes::register))]
pub struct Doc;
