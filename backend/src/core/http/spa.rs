//! The two web apps, embedded in the binary at build time from frontend/dist (scripts/spa.sh):
//! the customers' portal at the top, the agents' desk under `/desk/`. Any path that is not an API
//! path and not a file gets the document of the app it belongs to, so that app's router handles it
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

/// The desk's prefix: paths under it get the desk's document, every other path the portal's.
const DESK: &str = "desk";

pub async fn serve(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path().trim_start_matches('/');
    if path.starts_with("api/") || path == "api" {
        return Err(ApiError::NotFound("endpoint"));
    }
    let in_desk = path == DESK || path.starts_with("desk/");
    if !path.is_empty() && !path.ends_with('/') && !path.ends_with(".html") {
        if let Some(response) = asset(&req, path) {
            return Ok(response);
        }
    }
    // Only agents download the desk. A customer's browser (the session marker cookie says so)
    // goes to the portal's page, a browser without a session to the sign-in page, before the
    // desk's document would make either download it. Only a shortcut: the desk's guard does the
    // same, and the API decides what anyone may see. `/desk/setup` is where the portal sends the
    // first visitor of a fresh install (the first-run setup is the desk's).
    if in_desk && path != "desk/setup" {
        let marker = req.cookie(crate::core::auth::sessions::SESSION_MARKER).map(|c| c.value().to_owned());
        let target = match marker.as_deref() {
            Some("desk") => None,
            Some("portal") => {
                let rest = path.strip_prefix(DESK).unwrap_or_default().trim_start_matches('/');
                Some(match req.query_string() {
                    "" => format!("/{rest}"),
                    query => format!("/{rest}?{query}"),
                })
            }
            _ => {
                let here = match req.query_string() {
                    "" => format!("/{path}"),
                    query => format!("/{path}?{query}"),
                };
                Some(format!("/login?next={}", encode_component(&here)))
            }
        };
        if let Some(target) = target {
            return Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .finish());
        }
    }
    let (document, policy) = if in_desk { ("desk/index.html", &DESK_POLICY) } else { ("index.html", &PORTAL_POLICY) };
    match Assets::get(document) {
        Some(index) => Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header((header::CONTENT_SECURITY_POLICY, content_security_policy(policy, &index.data)))
            .insert_header((header::X_FRAME_OPTIONS, "DENY"))
            .body(index.data.into_owned())),
        None => Ok(HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("This oxidesk was built without its web app: run `make build` (Trunk) and rebuild.")),
    }
}

/// A file of the built apps. scripts/spa.sh writes a `.br` and a `.gz` beside each script, style
/// sheet and WASM: the smallest one the browser accepts is sent, with its Content-Encoding.
fn asset(req: &HttpRequest, path: &str) -> Option<HttpResponse> {
    let file = Assets::get(path)?;
    let accepted = req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    let compressed = [("br", ".br"), ("gzip", ".gz")]
        .into_iter()
        .filter(|(coding, _)| accepts(accepted, coding))
        .find_map(|(coding, suffix)| Some((coding, Assets::get(&format!("{path}{suffix}"))?)));
    let precompressed = compressed.is_some() || Assets::get(&format!("{path}.gz")).is_some();
    let mut response = HttpResponse::Ok();
    // Trunk puts a content hash in asset names, so they may be cached for good.
    response
        .insert_header((header::CONTENT_TYPE, file.metadata.mimetype()))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"));
    if precompressed {
        response.insert_header((header::VARY, "Accept-Encoding"));
    }
    Some(match compressed {
        Some((coding, body)) => response.insert_header((header::CONTENT_ENCODING, coding)).body(body.data.into_owned()),
        None => response.body(file.data.into_owned()),
    })
}

/// A path and query as one query parameter's value (RFC 3986 unreserved characters and `/` stay).
fn encode_component(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether an Accept-Encoding header takes `coding` (listed without `q=0`).
fn accepts(header: &str, coding: &str) -> bool {
    header.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        parts.next().is_some_and(|name| name.eq_ignore_ascii_case(coding))
            && !parts.any(|p| p.strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0))
    })
}

static PORTAL_POLICY: OnceLock<String> = OnceLock::new();
static DESK_POLICY: OnceLock<String> = OnceLock::new();

/// A document's Content-Security-Policy: scripts only from this server, plus the one inline loader
/// Trunk writes into each index.html, allowed by its hash rather than by 'unsafe-inline'.
/// WebAssembly needs 'wasm-unsafe-eval' to compile; nothing may frame the desk. Images may come
/// from `https:` anywhere: a message's remote images load when its reader asks for them ("Show
/// remote images"), and until then the web app keeps them out of the page (`ui::message_html`);
/// `http:` images stay refused. Worked out once per document: the embedded files do not change
/// while the server runs.
fn content_security_policy(cell: &'static OnceLock<String>, index: &[u8]) -> &'static str {
    cell.get_or_init(|| {
        let hashes: String = inline_scripts(&String::from_utf8_lossy(index))
            .map(|script| {
                format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script)))
            })
            .collect();
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: blob: https:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
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

    #[test]
    fn a_desk_address_becomes_the_sign_in_pages_next() {
        assert_eq!(encode_component("/desk/tickets?status=open&q=a b"), "/desk/tickets%3Fstatus%3Dopen%26q%3Da%20b");
    }

    #[test]
    fn accepted_encodings_are_read_with_their_weights() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=1.0, br;q=0.5", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(accepts("GZIP", "gzip"));
        assert!(!accepts("", "gzip"));
        assert!(!accepts("brotli", "br"));
    }
}
