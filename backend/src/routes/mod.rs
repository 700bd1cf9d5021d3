//! HTTP: one file per resource. Handlers extract, authorise, call the domain and respond.

pub mod account;
pub mod apikeys;
pub mod attachments;
pub mod auth;
pub mod body;
pub mod catalog;
pub mod health;
pub mod outbox;
pub mod paging;
pub mod scp;
pub mod setup;
pub mod spa;
pub mod tickets;
pub mod users;
pub mod views;
pub mod workflow;

use actix_web::{web, HttpRequest, HttpResponse, Resource};

use crate::error::ApiError;

/// A resource whose unsupported methods get a JSON 405 naming the allowed ones.
pub fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed(format!("{} is not supported on {}", req.method(), req.path())))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(health::routes)
        .configure(auth::routes)
        .configure(account::routes)
        .configure(outbox::routes)
        .configure(tickets::routes)
        .configure(catalog::routes)
        .configure(workflow::routes)
        .configure(apikeys::routes)
        .configure(users::routes)
        .configure(scp::routes)
        .configure(setup::routes)
        .configure(views::routes)
        .configure(attachments::routes);
}
