//! The web's usual defences on every answer, whichever handler made it: `DefaultHeaders` in
//! startup.rs adds the plain ones (nosniff, referrer policy, no-store); this adds what depends on
//! the answer or the request — a Content-Security-Policy and frame protection on every HTML
//! document whose handler set none (the OpenAPI explorer under /api/docs/; the web apps set
//! their own, stricter one in `spa`), and HSTS when the client came over HTTPS through a trusted
//! proxy (`client::is_https`: this server itself speaks plain HTTP).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

use super::client::is_https;

/// For documents that bring no policy of their own: their own scripts and styles (the API
/// explorer's inline styles), nothing from elsewhere, never in a frame.
const DOCUMENT_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A year, as browsers' preload lists ask.
const HSTS: &str = "max-age=31536000";

pub async fn defend(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let https = is_https(req.request());
    let mut answer = next.call(req).await?;
    let headers = answer.headers_mut();
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
    if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCUMENT_POLICY));
    }
    if html && !headers.contains_key(header::X_FRAME_OPTIONS) {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    Ok(answer)
}
