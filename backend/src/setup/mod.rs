//! The first run (the first administrator), the desk's settings page, and self-registration.

pub mod routes;
pub mod rules;
pub mod settings;

use crate::core::http::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(routes::routes);
}
