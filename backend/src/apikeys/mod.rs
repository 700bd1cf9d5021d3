//! API keys for programs: created with their scopes and network, listed, revoked (administrators).
//! Checking a key on each request is the core's (`core::auth::apikeys`).

pub mod routes;
pub mod rules;

use crate::core::http::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(routes::routes);
}
