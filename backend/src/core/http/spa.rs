//! The single-page app, embedded in the binary at build time from frontend/dist. Any path that
//! is not an API path and not a file gets index.html, so the SPA's router handles it
//! (history-mode routing).

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use base64::Engine as _;
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use crate::core::error::ApiError;

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
            .insert_header((header::CONTENT_SECURITY_POLICY, content_security_policy(&index.data)))
            .insert_header((header::X_FRAME_OPTIONS, "DENY"))
            .body(index.data.into_owned())),
        None => Ok(HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("This oxidesk was built without its web app: run `make build` (Trunk) and rebuild.")),
    }
}

/// The SPA's Content-Security-Policy: scripts only from this server, plus the one inline loader
/// Trunk writes into index.html, allowed by its hash rather than by 'unsafe-inline'. WebAssembly
/// needs 'wasm-unsafe-eval' to compile; nothing may frame the desk. Worked out once: the embedded
/// index.html does not change while the server runs.
fn content_security_policy(index: &[u8]) -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        let hashes: String = inline_scripts(&String::from_utf8_lossy(index))
            .map(|script| format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script))))
            .collect();
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'"
        )
    })
}

/// The bodies of the document's inline `<script>` elements, exactly as the browser hashes them.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, after) = rest.split_once('>')?;
        let (body, _) = after.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_and_external_ones_skipped() {
        let html = "<head><script src=\"/a.js\"></script>\n<script type=\"module\">\nimport x;\n</script></head>";
        assert_eq!(inline_scripts(html).collect::<Vec<_>>(), vec!["\nimport x;\n"]);
    }
}
