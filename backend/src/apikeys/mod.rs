//! API keys for programs: created with their scopes and network, listed, revoked (administrators).
//! Checking a key on each request is the core's (`core::auth::apikeys`).

pub mod routes;
pub mod rules;

use actix_web::web;
use utoipa::OpenApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(routes::routes);
}

#[derive(OpenApi)]
#[openapi(paths(routes::list_keys, routes::create_key, routes::revoke_key))]
pub struct Doc;
