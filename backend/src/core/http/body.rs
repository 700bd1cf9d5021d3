//! The one way request bodies are read: JSON (or no body at all, which reads as `{}`), bounded in
//! size, with each kind of failure mapped to its status — 415 wrong type, 413 too large,
//! 400 malformed, 422 a field of the wrong type.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::core::error::ApiError;
use crate::core::state::AppState;

pub struct JsonBody<T>(pub T);

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: DeserializeOwned + Default + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<JsonBody<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let raw = RawBody::from_request(req, payload);
        Box::pin(async move {
            let RawBody { bytes, content_type } = raw.await?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(JsonBody(T::default()));
            }
            // A body is JSON only when it says so: one without a type is refused like one of
            // another type, so no request that a page of another site can make reads as JSON.
            match content_type {
                Some(ct) if is_json(&ct) => parse(&bytes).map(JsonBody),
                Some(ct) => Err(ApiError::UnsupportedMediaType(format!(
                    "Send JSON with Content-Type: application/json (got {ct:?})"
                ))),
                None => Err(ApiError::UnsupportedMediaType(
                    "Send JSON with Content-Type: application/json (the request has no Content-Type)".into(),
                )),
            }
        })
    }
}

/// A body of any type (a mail, osTicket's XML), read whole within the same bound as JSON bodies.
pub struct RawBody {
    pub bytes: web::Bytes,
    /// The Content-Type header as sent (`"invalid"` when it is not text).
    pub content_type: Option<String>,
}

impl RawBody {
    /// Whether the body is empty or only whitespace.
    pub fn is_blank(&self) -> bool {
        self.bytes.iter().all(u8::is_ascii_whitespace)
    }

    /// The media type without parameters, in lower case (`""` when none was sent).
    pub fn essence(&self) -> String {
        self.content_type.as_deref().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase()
    }
}

impl FromRequest for RawBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<RawBody, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let limit = req.app_data::<web::Data<AppState>>().map(|s| s.config.max_json_bytes()).unwrap_or(2 * 1024 * 1024);
        let content_type = req.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("invalid").to_owned());
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared_length.is_some_and(|n| n > limit) {
                return Err(too_large(limit));
            }
            let mut bytes = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(super::limits::read_error)?;
                if bytes.len() + chunk.len() > limit {
                    return Err(too_large(limit));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(RawBody { bytes: bytes.freeze(), content_type })
        })
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::PayloadTooLarge(format!("The request body is larger than {} KiB", limit / 1024))
}

/// Every body of this API is a JSON object.
/// No body the API takes nests deeper than a few levels; serde_json skips unknown fields without
/// a depth limit, so a deeper body is refused before it is read.
const MAX_NESTING: usize = 32;

/// Whether arrays and objects nest deeper than `max` (brackets inside strings do not count).
fn nests_deeper_than(bytes: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in bytes {
        match (in_string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'[' | b'{') => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            (false, b']' | b'}') => depth = depth.saturating_sub(1),
            (false, _) => {}
        }
    }
    false
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if nests_deeper_than(bytes, MAX_NESTING) {
        return Err(ApiError::BadRequest(format!("Malformed JSON: nested deeper than {MAX_NESTING} levels")));
    }
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {}
        Some(b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9') => {
            return Err(ApiError::BadRequest("Expected a JSON object".into()))
        }
        _ => return Err(ApiError::BadRequest("Malformed JSON: expected a JSON object".into())),
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data if path != "." => ApiError::field(&path, inner.to_string()),
            serde_json::error::Category::Data => ApiError::BadRequest(format!("Expected a JSON object: {inner}")),
            _ => ApiError::BadRequest(format!("Malformed JSON: {inner}")),
        }
    })?;
    de.end().map_err(|e| ApiError::BadRequest(format!("Malformed JSON: {e}")))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::tickets::TicketCreate;

    #[test]
    fn errors_by_kind() {
        assert!(matches!(parse::<TicketCreate>(b"{\"subject\": "), Err(ApiError::BadRequest(_))));
        assert!(matches!(parse::<TicketCreate>(b"[1,2]"), Err(ApiError::BadRequest(_))));
        assert!(matches!(parse::<TicketCreate>(b"{} trailing"), Err(ApiError::BadRequest(_))));
        match parse::<TicketCreate>(br#"{"subject": 5}"#) {
            Err(ApiError::InvalidFields(f)) => assert!(f.contains_key("subject"), "{f:?}"),
            other => panic!("{other:?}"),
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(1000), "]".repeat(1000));
        assert!(matches!(parse::<serde_json::Value>(deep.as_bytes()), Err(ApiError::BadRequest(_))));
        // Unknown fields are skipped without serde_json's depth limit: the nesting check refuses them.
        let unknown = format!("{{\"subject\": \"s\", \"x\": {}{}}}", "[".repeat(40), "]".repeat(40));
        assert!(matches!(parse::<TicketCreate>(unknown.as_bytes()), Err(ApiError::BadRequest(_))));
        let quoted = format!("{{\"subject\": \"{}\\\"{}\"}}", "[".repeat(100), "{".repeat(100));
        assert!(parse::<TicketCreate>(quoted.as_bytes()).is_ok(), "brackets inside strings are text");
        assert!(is_json("application/json; charset=utf-8") && is_json("application/merge-patch+json"));
        assert!(!is_json("text/plain") && !is_json("application/x-www-form-urlencoded"));
    }
}
