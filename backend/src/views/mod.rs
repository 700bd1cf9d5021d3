//! Saved views: an agent's named ticket-list queries, private to their owner.

pub mod routes;
pub mod rules;

use crate::core::http::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(routes::routes);
}
