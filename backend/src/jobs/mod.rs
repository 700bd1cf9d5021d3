//! The administrator's view of the job worker (`core::jobs` runs the jobs): every job with its
//! state and last error, and "run again" for a failed or unsure one.

pub mod routes;
pub mod view;

use actix_web::web;
use utoipa::OpenApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(routes::routes);
}

#[derive(OpenApi)]
#[openapi(paths(routes::list_jobs, routes::retry_job))]
pub struct Doc;
