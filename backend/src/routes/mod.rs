//! HTTP: one file per resource. Handlers extract, authorise, call the domain and respond.

pub mod account;
pub mod apikeys;
pub mod attachments;
pub mod auth;
pub mod body;
pub mod catalog;
pub mod health;
pub mod mail;
pub mod paging;
pub mod scp;
pub mod setup;
pub mod spa;
pub mod tickets;
pub mod users;
pub mod views;
pub mod workflow;

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse, Resource, ResponseError};
use utoipa::OpenApi;

use crate::error::ApiError;

/// A resource whose unsupported methods get a JSON 405 naming the allowed ones, in its message
/// and in the `Allow` header that RFC 9110 requires.
pub fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    let allowed = req.match_pattern().and_then(|pattern| allowed_methods().get(&pattern).cloned()).unwrap_or_default();
    let mut response = ApiError::MethodNotAllowed(format!(
        "{} is not supported on {}; use {}",
        req.method(),
        req.path(),
        allowed.replace(", ", " or ")
    ))
    .error_response();
    if let Ok(value) = header::HeaderValue::from_str(&allowed) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// The methods of each path template, as the OpenAPI document lists them (a test keeps every
/// route in it), e.g. "/api/tickets.json/{number}" → "GET, PUT, POST, DELETE".
fn allowed_methods() -> &'static HashMap<String, String> {
    static ALLOWED: OnceLock<HashMap<String, String>> = OnceLock::new();
    ALLOWED.get_or_init(|| {
        crate::openapi::ApiDoc::openapi()
            .paths
            .paths
            .into_iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                let list: Vec<&str> = methods.iter().filter(|(_, has)| *has).map(|(m, _)| *m).collect();
                (path, list.join(", "))
            })
            .collect()
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(health::routes)
        .configure(auth::routes)
        .configure(account::routes)
        .configure(mail::routes)
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
