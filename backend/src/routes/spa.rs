//! The single-page app, embedded in the binary at build time from frontend/dist. Any path that
//! is not an API path and not a file gets index.html, so the SPA's router handles it
//! (history-mode routing).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use rust_embed::RustEmbed;

use crate::error::ApiError;

#[derive(RustEmbed)]
#[folder = "../frontend/dist"]
#[allow_missing = true]
struct Assets;

pub async fn serve(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path().trim_start_matches('/');
    if path.starts_with("api/") || path == "api" {
        return Err(ApiError::NotFound("endpoint"));
    }
    if let Some(file) = Assets::get(path).filter(|_| !path.is_empty()) {
        // Trunk puts a content hash in asset names, so they may be cached for good.
        let cache = if path.ends_with(".html") { "no-cache" } else { "public, max-age=31536000, immutable" };
        return Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, file.metadata.mimetype()))
            .insert_header((header::CACHE_CONTROL, cache))
            .body(file.data.into_owned()));
    }
    match Assets::get("index.html") {
        Some(index) => Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(index.data.into_owned())),
        None => Ok(HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("This oxidesk was built without its web app: run `make build` (Trunk) and rebuild.")),
    }
}
