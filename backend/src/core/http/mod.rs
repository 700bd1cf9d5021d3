//! What every feature's HTTP layer shares: the JSON body extractor (`body`), paging (`paging`),
//! the web app (`spa`), the health check, the registration of routes with their documentation
//! (`ServiceConfig`), the 405 answer for unsupported methods (`refuse_other_methods`), and the
//! documented schema of raw bytes (`Binary`).

pub mod body;
pub mod client;
pub mod headers;
pub mod health;
pub mod limits;
pub mod paging;
pub mod spa;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use crate::core::error::ApiError;

/// Where a feature registers its handlers: `cfg.service(handler)` binds the handler's route (its
/// actix macro, `#[get("/api/…")]`) and its OpenAPI operation (its `#[utoipa::path]`) in one call,
/// so no route goes undocumented and no operation unserved. Re-exported so that features do not
/// name the crate; never call its `route` (that registers a route without a document).
pub use utoipa_actix_web::service_config::ServiceConfig;

// In the OpenAPI document, a body that is bytes of its own media type (a mail, an attachment):
// `type: string, format: binary`, which generators turn into a file or bytes, not text or JSON.
// Documentation only (`inline(Binary)` in an annotation): handlers read and send the bytes. Line
// comments, not doc comments: utoipa would copy a doc comment into every body's schema.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Binary(pub Vec<u8>);

/// Gives every documented path a last resource that answers any method its handlers did not
/// take with a JSON 405 naming the allowed ones, in its message and in the `Allow` header that
/// RFC 9110 requires. Registered after the features: a handler's resource (one method each)
/// lets requests of other methods through to the next resource of the same path, this one.
pub fn refuse_other_methods(cfg: &mut web::ServiceConfig, document: &utoipa::openapi::OpenApi) {
    for (path, item) in &document.paths.paths {
        let allow = allowed_methods(item);
        cfg.service(web::resource(path.as_str()).to(move |req: HttpRequest| {
            let allow = allow.clone();
            async move { method_not_allowed(&req, &allow) }
        }));
    }
}

/// The methods of a path, in the order the 405s have always listed them (GET, PUT, POST,
/// DELETE, PATCH), e.g. "GET, PUT, POST, DELETE" for a ticket.
fn allowed_methods(item: &utoipa::openapi::PathItem) -> String {
    let methods = [
        ("GET", item.get.is_some()),
        ("PUT", item.put.is_some()),
        ("POST", item.post.is_some()),
        ("DELETE", item.delete.is_some()),
        ("PATCH", item.patch.is_some()),
    ];
    methods.iter().filter(|(_, has)| *has).map(|(m, _)| *m).collect::<Vec<_>>().join(", ")
}

fn method_not_allowed(req: &HttpRequest, allowed: &str) -> HttpResponse {
    let mut response = ApiError::MethodNotAllowed(format!(
        "{} is not supported on {}; use {}",
        req.method(),
        req.path(),
        allowed.replace(", ", " or ")
    ))
    .error_response();
    if let Ok(value) = header::HeaderValue::from_str(allowed) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::routes);
}
