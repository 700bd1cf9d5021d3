//! What every feature's HTTP layer shares: the JSON body extractor (`body`), paging (`paging`),
//! the web app (`spa`), the health check, and resources that answer unsupported methods with 405.

pub mod body;
pub mod health;
pub mod paging;
pub mod spa;

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse, Resource, ResponseError};
use utoipa::OpenApi;

use crate::core::error::ApiError;

/// A resource whose unsupported methods get a JSON 405 naming the allowed ones, in its message
/// and in the `Allow` header that RFC 9110 requires.
pub fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    let allowed = req
        .match_pattern()
        .and_then(|pattern| req.app_data::<web::Data<AllowedMethods>>()?.0.get(&pattern).cloned())
        .unwrap_or_default();
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
/// route in it), e.g. "/api/tickets.json/{number}" → "GET, PUT, POST, DELETE". Built once by
/// startup from the document and kept as app data.
pub struct AllowedMethods(HashMap<String, String>);

impl AllowedMethods {
    pub fn of(document: &utoipa::openapi::OpenApi) -> AllowedMethods {
        AllowedMethods(
            document
                .paths
                .paths
                .iter()
                .map(|(path, item)| {
                    let methods = [
                        ("GET", item.get.is_some()),
                        ("PUT", item.put.is_some()),
                        ("POST", item.post.is_some()),
                        ("DELETE", item.delete.is_some()),
                        ("PATCH", item.patch.is_some()),
                    ];
                    let list: Vec<&str> = methods.iter().filter(|(_, has)| *has).map(|(m, _)| *m).collect();
                    (path.clone(), list.join(", "))
                })
                .collect(),
        )
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(health::routes);
}

#[derive(OpenApi)]
#[openapi(paths(health::health))]
pub struct Doc;
