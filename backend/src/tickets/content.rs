//! What people write into tickets: message bodies (text or HTML, possibly sent as osTicket data
//! URLs) and attachments (data URLs), turned into safe, stored form.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use base64::Engine as _;
use sha2::{Digest, Sha256};
use shared::tickets::AttachmentUpload;
use shared::validate::MessageBody;

use crate::core::auth::Actor;
use crate::core::error::{ApiError, ApiResult};

/// A body ready to store: HTML is sanitised; text is kept as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub text: String,
    /// "text" or "html".
    pub format: &'static str,
}

/// Parses a message as osTicket does: plain text, or a data URL whose type says text or HTML.
/// Text that contains markup is treated as HTML and sanitised, so no stored body can carry a
/// script, whichever way a client later renders it.
pub fn parse_body(field: &str, raw: &str) -> ApiResult<Body> {
    let (text, declared_html) = if raw.starts_with("data:") {
        let decoded = DataUrl::parse(raw).map_err(|e| ApiError::field(field, e))?;
        let text =
            String::from_utf8(decoded.bytes).map_err(|_| ApiError::field(field, "the data URL is not UTF-8 text"))?;
        (text, decoded.mime.eq_ignore_ascii_case("text/html"))
    } else {
        (raw.to_owned(), false)
    };
    let text = MessageBody::parse(&text).map_err(|e| ApiError::field(field, e))?.into_inner();
    if declared_html || looks_like_html(&text) {
        let clean = sanitize(&text);
        if clean.trim().is_empty() {
            return Err(ApiError::field(field, "must not be empty once unsafe HTML is removed"));
        }
        Ok(Body { text: clean, format: "html" })
    } else {
        Ok(Body { text, format: "text" })
    }
}

/// A Markdown message (`"format": "markdown"`): kept as the sanitised HTML it stands for
/// (`shared::markdown`), which every reader and mail then shows as any HTML message.
pub fn parse_markdown(field: &str, raw: &str) -> ApiResult<Body> {
    let text = MessageBody::parse(raw).map_err(|e| ApiError::field(field, e))?.into_inner();
    let clean = sanitize(&shared::markdown::to_html(&text));
    if clean.trim().is_empty() {
        return Err(ApiError::field(field, "must not be empty once unsafe HTML is removed"));
    }
    Ok(Body { text: clean, format: "html" })
}

/// ammonia's default policy (no scripts, styles, event handlers, forms or unsafe URLs) plus `cid:`
/// images: a picture that travels with its message (a mail's inline part, or a file attached to the
/// same message, by its name; see [`link_pictures`]). A `cid:` address loads nothing by itself; the
/// readers show the attachment it names, the mail carries it as an inline part.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(policy);

fn policy<'a>() -> ammonia::Builder<'a> {
    let mut builder = ammonia::Builder::default();
    builder.add_url_schemes(["cid"]);
    builder
}

/// HTML as it may be stored and mailed.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// The names of the pictures an HTML body shows from its own attachments (`<img src="cid:…">`),
/// percent-decoded, in order.
pub fn inline_pictures(html: &str) -> Vec<String> {
    let found = Arc::new(Mutex::new(Vec::new()));
    let mut builder = policy();
    let into = found.clone();
    builder.attribute_filter(move |element, attribute, value| {
        let cid = value.trim().get(..4).is_some_and(|scheme| scheme.eq_ignore_ascii_case("cid:"));
        if element == "img" && attribute == "src" && cid {
            let name = percent_encoding::percent_decode_str(&value.trim()[4..]).decode_utf8_lossy().into_owned();
            into.lock().unwrap_or_else(|e| e.into_inner()).push(name);
        }
        Some(value.into())
    });
    builder.clean(html);
    let names = found.lock().unwrap_or_else(|e| e.into_inner());
    names.clone()
}

/// Names each attached file the body shows as a picture (`<img src="cid:screenshot.png">`, by the
/// file's exact name) with that name, so the readers and the mail put it in its place. A picture that
/// names none of the message's files is a 422 on `field`: the message would show a hole.
pub fn link_pictures(field: &str, body: &Body, uploads: &mut [Upload]) -> ApiResult<()> {
    if body.format != "html" {
        return Ok(());
    }
    for name in inline_pictures(&body.text) {
        // By the exact name: a file's name is already safe (`safe_filename`), so the name that
        // becomes its content id, and a mail's Content-ID, is too.
        let Some(upload) = uploads.iter_mut().find(|u| u.filename == name) else {
            return Err(ApiError::field(
                field,
                format!("shows the picture cid:{name}, which is not one of the message's attachments"),
            ));
        };
        upload.content_id = Some(name);
    }
    Ok(())
}

/// The body with the actor's signature below it (as mail does: after a `-- ` line); unchanged
/// when they have none.
pub fn signed(body: Body, actor: &Actor) -> Body {
    let Some(signature) = actor.user().map(|u| u.signature.trim()).filter(|s| !s.is_empty()) else {
        return body;
    };
    let text = match body.format {
        "html" => format!("{}<p>-- <br>{}</p>", body.text, ammonia::clean_text(signature).replace("&#10;", "<br>")),
        _ => format!("{}\n\n-- \n{signature}", body.text),
    };
    Body { text, ..body }
}

fn looks_like_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// An RFC 2397 data URL, decoded.
#[derive(Debug)]
pub struct DataUrl {
    pub mime: String,
    pub bytes: Vec<u8>,
}

impl DataUrl {
    pub fn parse(url: &str) -> Result<DataUrl, String> {
        let rest = url.strip_prefix("data:").ok_or("is not a data URL (data:…)")?;
        let (meta, data) = rest.split_once(',').ok_or("is not a valid data URL: no comma")?;
        let mut parts = meta.split(';');
        let mime = parts.next().filter(|m| !m.is_empty()).unwrap_or("text/plain").trim();
        if !mime.contains('/') || mime.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("has an invalid media type {mime:?}"));
        }
        let is_base64 = parts.any(|p| p.eq_ignore_ascii_case("base64"));
        let bytes = if is_base64 {
            let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact.as_bytes())
                .map_err(|_| "is not valid base64".to_string())?
        } else {
            percent_encoding::percent_decode_str(data).collect()
        };
        Ok(DataUrl { mime: mime.to_ascii_lowercase(), bytes })
    }
}

/// An attachment decoded and checked, not yet stored.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
    /// The name the message's HTML shows it by (`cid:…`), when it is shown inside the message.
    pub content_id: Option<String>,
}

/// Files one message may carry: each becomes a file on disk and a row, so thousands of tiny ones
/// would cost more than their bytes.
pub const MAX_FILES: usize = 20;

/// All of one message's files together may be this many times the per-file limit (30 MB by default).
const TOTAL_IN_FILE_LIMITS: usize = 3;

/// Decodes osTicket's `[{"name.ext": "data:…"}]` list. Anything invalid, or more than
/// [`MAX_FILES`] files, is a 422 naming the attachment(s); a file over `max_bytes`, or files over
/// three times that together, is a 413.
pub fn decode_uploads(list: &[AttachmentUpload], max_bytes: usize) -> ApiResult<Vec<Upload>> {
    if list.iter().map(AttachmentUpload::len).sum::<usize>() > MAX_FILES {
        return Err(ApiError::field("attachments", format!("at most {MAX_FILES} files per message")));
    }
    let mut uploads = Vec::new();
    let mut total = 0;
    for (index, item) in list.iter().enumerate() {
        if item.is_empty() {
            return Err(ApiError::field(&format!("attachments[{index}]"), "must name a file"));
        }
        for (name, url) in item {
            let field = format!("attachments[{index}]");
            // A quick bound before decoding: base64 is 4/3 of the bytes it carries.
            if url.len() / 4 * 3 > max_bytes + 3 {
                return Err(too_large(name, max_bytes));
            }
            let decoded = DataUrl::parse(url).map_err(|e| ApiError::field(&field, format!("{name}: {e}")))?;
            if decoded.bytes.len() > max_bytes {
                return Err(too_large(name, max_bytes));
            }
            total += decoded.bytes.len();
            if total > max_bytes * TOTAL_IN_FILE_LIMITS {
                return Err(ApiError::PayloadTooLarge(format!(
                    "The attachments together are larger than the limit of {} KiB",
                    max_bytes * TOTAL_IN_FILE_LIMITS / 1024
                )));
            }
            let filename = safe_filename(name).ok_or_else(|| ApiError::field(&field, "has no usable file name"))?;
            uploads.push(Upload {
                filename,
                content_type: decoded.mime,
                sha256: hex::encode(Sha256::digest(&decoded.bytes)),
                bytes: decoded.bytes,
                content_id: None,
            });
        }
    }
    Ok(uploads)
}

fn too_large(name: &str, max_bytes: usize) -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "Attachment {:?} is larger than the limit of {} KiB",
        safe_filename(name).unwrap_or_default(),
        max_bytes / 1024
    ))
}

/// The last path component, without control characters or characters that are special in
/// headers and file systems; None when nothing is left.
pub fn safe_filename(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !"\"<>:|?*;".contains(*c))
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(200)
        .collect();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// Where content with this hash lives: files are stored once per content (`ab/cd/abcd…`).
pub fn blob_path(root: &Path, sha256: &str) -> PathBuf {
    match (sha256.get(0..2), sha256.get(2..4)) {
        (Some(a), Some(b)) => root.join(a).join(b).join(sha256),
        _ => root.join(sha256),
    }
}

/// Writes the bytes under their hash unless already there. Written to a temporary name and
/// renamed, so a crash never leaves a half-written file under a real name.
pub fn store(root: &Path, upload: &Upload) -> std::io::Result<()> {
    let path = blob_path(root, &upload.sha256);
    if path.exists() {
        return Ok(());
    }
    let dir = path.parent().ok_or_else(|| std::io::Error::other("attachment path has no parent"))?;
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{}.{}.tmp", upload.sha256, std::process::id()));
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(&upload.bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_text_unless_they_carry_markup() {
        assert_eq!(parse_body("m", "a < b and c > d").unwrap().format, "text");
        let html = parse_body("m", "Hi <b>there</b><script>alert(1)</script><img src=x onerror=alert(2)>").unwrap();
        assert_eq!(html.format, "html");
        assert!(!html.text.contains("script") && !html.text.contains("onerror"), "{}", html.text);
        assert!(html.text.contains("<b>there</b>"));
        assert!(parse_body("m", "<script>alert(1)</script>").is_err());
    }

    #[test]
    fn osticket_data_url_messages() {
        let b = parse_body("m", "data:text/html,<p>Hello%20world</p>").unwrap();
        assert_eq!(b, Body { text: "<p>Hello world</p>".into(), format: "html" });
        let b = parse_body("m", "data:text/plain;charset=utf-8;base64,SGVsbG8=").unwrap();
        assert_eq!(b, Body { text: "Hello".into(), format: "text" });
        assert!(parse_body("m", "data:text/plain;base64,***").is_err());
    }

    #[test]
    fn uploads_decode_and_enforce_the_limit() {
        let ok = [AttachmentUpload::from([("../../etc/passwd".into(), "data:text/plain;base64,SGVsbG8=".into())])];
        let u = decode_uploads(&ok, 100).unwrap();
        assert_eq!(u[0].filename, "passwd");
        assert_eq!(u[0].bytes, b"Hello");
        let err = decode_uploads(&ok, 4).unwrap_err();
        assert!(matches!(err, ApiError::PayloadTooLarge(_)));
        let bad = [AttachmentUpload::from([("a.txt".into(), "not a data url".into())])];
        assert!(matches!(decode_uploads(&bad, 100), Err(ApiError::InvalidFields(_))));
        // 81 bytes each under a per-file limit of 100: three fit in 300 together, four do not; 21
        // files are too many whatever their size.
        let file =
            |i: usize| AttachmentUpload::from([(format!("{i}.txt"), format!("data:;base64,{}", "eHh4".repeat(27)))]);
        let files = |n: usize| (0..n).map(file).collect::<Vec<_>>();
        assert_eq!(decode_uploads(&files(3), 100).unwrap().len(), 3);
        assert!(matches!(decode_uploads(&files(4), 100), Err(ApiError::PayloadTooLarge(_))));
        assert_eq!(decode_uploads(&files(MAX_FILES), 1000).unwrap().len(), MAX_FILES);
        assert!(matches!(decode_uploads(&files(MAX_FILES + 1), 1000), Err(ApiError::InvalidFields(_))));
    }

    #[test]
    fn filenames_are_made_safe() {
        assert_eq!(safe_filename("..\\..\\boot.ini").as_deref(), Some("boot.ini"));
        assert_eq!(safe_filename("a\r\nb\".txt").as_deref(), Some("ab.txt"));
        assert_eq!(safe_filename("../.."), None);
    }

    #[test]
    fn pictures_in_the_text_are_the_message_s_own_files() {
        let png = |name: &str| AttachmentUpload::from([(name.into(), "data:image/png;base64,iVBORw0K".into())]);
        let body =
            parse_markdown("message", "See ![screen](cid:pasted-1.png) and ![two](<cid:my%20shot.png>)").unwrap();
        assert!(body.text.contains(r#"<img src="cid:pasted-1.png" alt="screen">"#), "{}", body.text);
        assert_eq!(inline_pictures(&body.text), ["pasted-1.png", "my shot.png"]);
        let mut uploads = decode_uploads(&[png("pasted-1.png"), png("my shot.png"), png("other.png")], 1000).unwrap();
        link_pictures("message", &body, &mut uploads).unwrap();
        let ids: Vec<_> = uploads.iter().map(|u| u.content_id.as_deref()).collect();
        assert_eq!(ids, [Some("pasted-1.png"), Some("my shot.png"), None]);

        // A picture the message does not carry, in Markdown or HTML, is refused by name.
        let mut only_other = decode_uploads(&[png("other.png")], 1000).unwrap();
        let err = link_pictures("message", &body, &mut only_other).unwrap_err();
        assert!(matches!(&err, ApiError::InvalidFields(f) if f["message"].contains("cid:pasted-1.png")), "{err:?}");
        let html = parse_body("message", r#"<p>Hi <IMG SRC="CID:logo@x"></p>"#).unwrap();
        assert!(link_pictures("message", &html, &mut []).is_err());
        // Text never names a picture, nor does a link or a remote image.
        let text = parse_body("message", "cid:pasted-1.png").unwrap();
        assert!(link_pictures("message", &text, &mut []).is_ok());
        let others = parse_body("message", r#"<a href="cid:x">x</a><img src="https://e.test/cid:x">"#).unwrap();
        assert_eq!(inline_pictures(&others.text), Vec::<String>::new());
    }
}
