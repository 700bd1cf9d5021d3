//! The administrator's view of the job worker (`core::jobs` runs the jobs): every job with its
//! state and last error, and "run again" for a failed or unsure one.

pub mod routes;
pub mod view;

use crate::core::http::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(routes::routes);
}
