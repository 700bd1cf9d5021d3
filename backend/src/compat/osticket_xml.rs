//! osTicket's XML create (`POST /api/tickets.xml`, osTicket's `setup/doc/api/tickets.md`): the
//! `<ticket>` document becomes the body of the JSON create and goes through the same handler, so
//! it answers as that does (201 with the number, or the ticket as JSON).
//!
//! The document: a root `<ticket>` whose simple fields are attributes or child elements alike
//! (`<ticket alert="false"><name>…</name>` — osTicket's parser makes no difference), a
//! `<message type="text/html">` (plain text without `type`), and `<attachments>` of
//! `<file name="…" type="…" encoding="base64">…</file>`. Field names are the JSON create's
//! (`topicId`, `priority`, and osTicket's `priorityId` for it); unknown elements are skipped, as
//! osTicket skips them.

use actix_web::{post, web, HttpRequest, HttpResponse};
use base64::Engine as _;
use serde_json::{Map, Value};
use shared::tickets::{CreatedFormat, Ticket, TicketCreate, TicketCreateQuery};
use shared::ApiErrorBody;

use crate::core::auth::guards::{Welcome, Writing};
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::{self, RawBody};
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;
use crate::tickets::routes::{created_format, file_ticket};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_from_xml);
}

/// A document has a few dozen nodes; a bound keeps a hostile one from costing memory.
const MAX_NODES: u32 = 10_000;

/// Open a ticket from osTicket's XML (`<ticket>…</ticket>`). The same fields, rules and answers
/// as the JSON create. With credentials any Content-Type is read (osTicket's scripts send
/// several); without, only an XML one, so that no form of another site can file a ticket.
#[utoipa::path(
    tag = "tickets", params(TicketCreateQuery),
    request_body(content = inline(crate::core::http::Binary), content_type = "application/xml",
        description = "osTicket's `<ticket>` document: fields as attributes or child elements, `<message type=\"text/html\">`, `<attachments><file name=\"a.txt\" type=\"text/plain\" encoding=\"base64\">…</file></attachments>`",
        example = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ticket alert=\"true\" autorespond=\"true\" source=\"API\">\n  <name>Angry User</name>\n  <email>api@example.com</email>\n  <subject>Testing API</subject>\n  <message type=\"text/plain\"><![CDATA[Message content here]]></message>\n</ticket>"),
    responses(
        (status = 201, description = "Created: the ticket with `?format=json` (or `Accept: application/json`), else its number as text/plain",
         content((Ticket = "application/json"), (String = "text/plain", example = "TCK-1042"))),
        (status = 400, description = "Not an osTicket XML document (the parser's error and where)", body = ApiErrorBody),
        (status = 401, description = "No or bad credentials (or none, unless guest tickets are allowed)", body = ApiErrorBody),
        (status = 403, description = "The key lacks the write (or impersonate) scope", body = ApiErrorBody),
        (status = 413, description = "An attachment or the body is too large", body = ApiErrorBody),
        (status = 415, description = "Without credentials the body must say it is XML", body = ApiErrorBody),
        (status = 422, description = "Missing or invalid fields, or a `format` other than json or text", body = ApiErrorBody),
        (status = 429, description = "Too many guest tickets from this address", body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["authorized_user"]), ())
)]
#[post("/api/tickets.xml")]
pub async fn create_from_xml(
    state: web::Data<AppState>,
    Welcome(visitor, _): Welcome<Writing>,
    answer: web::Query<TicketCreateQuery>,
    body: RawBody,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let essence = body.essence();
    if visitor.0.is_none() && !(essence.ends_with("/xml") || essence.ends_with("+xml")) {
        return Err(ApiError::UnsupportedMediaType(format!(
            "Send XML with Content-Type: application/xml (got {:?})",
            body.content_type.as_deref().unwrap_or("nothing")
        )));
    }
    let wants_json = created_format(&answer, &req)? == CreatedFormat::Json;
    let ticket = ticket_from_xml(&body.bytes)?;
    file_ticket(state, visitor, ticket, wants_json, &req).await
}

/// osTicket's `<ticket>` document as the JSON create's body.
pub fn ticket_from_xml(bytes: &[u8]) -> ApiResult<TicketCreate> {
    let text = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(ApiError::BadRequest("XML error: the body is empty".into()));
    }
    let options = roxmltree::ParsingOptions { nodes_limit: MAX_NODES, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(&text, options)
        .map_err(|e| ApiError::BadRequest(format!("XML error: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "ticket" {
        return Err(ApiError::BadRequest(format!(
            "XML error: the root element must be <ticket>, not <{}>",
            root.tag_name().name()
        )));
    }
    let mut fields = Map::new();
    for attribute in root.attributes() {
        put(&mut fields, attribute.name(), Value::String(attribute.value().trim().to_owned()))?;
    }
    for element in root.children().filter(roxmltree::Node::is_element) {
        let (name, value) = match element.tag_name().name() {
            "message" => ("message", Value::String(message(&element))),
            "attachments" => ("attachments", Value::Array(files(&element)?)),
            "phone" => ("phone", Value::String(phone(&element))),
            "priorityId" => ("priority", Value::String(text_of(&element))),
            other => (other, Value::String(text_of(&element))),
        };
        put(&mut fields, name, value)?;
    }
    let json = serde_json::to_vec(&Value::Object(fields)).map_err(|e| ApiError::Internal(e.to_string()))?;
    body::parse(&json)
}

/// The document's text: UTF-8 (with or without a byte order mark), or ISO-8859-1 when its
/// declaration says so — the encodings osTicket's parser reads.
fn decode(bytes: &[u8]) -> ApiResult<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(100)]).to_ascii_lowercase();
    let declared = head.strip_prefix("<?xml").and_then(|d| d.split("?>").next()).unwrap_or("");
    if declared.contains("iso-8859-1") || declared.contains("latin1") {
        return Ok(bytes.iter().map(|&b| char::from(b)).collect());
    }
    String::from_utf8(bytes.to_vec())
        .map_err(|e| ApiError::BadRequest(format!("XML error: the document is not UTF-8 ({e})")))
}

/// A field given twice (as an attribute and an element, or two elements) is ambiguous.
fn put(fields: &mut Map<String, Value>, name: &str, value: Value) -> ApiResult<()> {
    match fields.insert(name.to_owned(), value) {
        Some(_) => Err(ApiError::field(name, "is given more than once")),
        None => Ok(()),
    }
}

/// An element's text (CDATA included), without the indentation around it.
fn text_of(element: &roxmltree::Node<'_, '_>) -> String {
    let text: String = element.children().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
    text.trim().to_owned()
}

/// The message as the data URL the JSON create reads, so that its type survives: HTML when
/// `type="text/html"`, else plain text (a plain text starting with `data:` stays text).
fn message(element: &roxmltree::Node<'_, '_>) -> String {
    let mime = match element.attribute("type").map(str::trim) {
        Some(t) if t.eq_ignore_ascii_case("text/html") => "text/html",
        _ => "text/plain",
    };
    let text = text_of(element);
    format!("data:{mime};charset=utf-8;base64,{}", base64::engine::general_purpose::STANDARD.encode(text))
}

/// osTicket documents `<phone ext="123">`; the extension joins the number as `X123`, the way
/// osTicket writes one.
fn phone(element: &roxmltree::Node<'_, '_>) -> String {
    let number = text_of(element);
    match element.attribute("ext").map(str::trim).filter(|e| !e.is_empty()) {
        Some(ext) => format!("{number}X{ext}"),
        None => number,
    }
}

/// `<file name="…" type="…" encoding="base64">` elements as the JSON create's
/// `[{"name": "data:type;base64,…"}]`; a file without `encoding` is its text.
fn files(attachments: &roxmltree::Node<'_, '_>) -> ApiResult<Vec<Value>> {
    let files = attachments.children().filter(|n| n.is_element() && n.tag_name().name() == "file");
    files
        .enumerate()
        .map(|(i, file)| {
            let name = file
                .attribute("name")
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .ok_or_else(|| ApiError::field(&format!("attachments[{i}]"), "a <file> needs a name attribute"))?;
            let mime = file.attribute("type").map(str::trim).unwrap_or("");
            let data = match file.attribute("encoding").map(str::trim) {
                Some(e) if e.eq_ignore_ascii_case("base64") => {
                    // Base64 in XML is usually wrapped over lines.
                    file.children()
                        .filter_map(|n| n.text())
                        .flat_map(str::chars)
                        .filter(|c| !c.is_whitespace())
                        .collect()
                }
                Some(other) if !other.is_empty() => {
                    return Err(ApiError::field(
                        &format!("attachments[{i}]"),
                        format!("{name}: encoding {other:?} is not supported (base64, or none for text)"),
                    ))
                }
                _ => base64::engine::general_purpose::STANDARD.encode(text_of(&file)),
            };
            let mut entry = Map::new();
            entry.insert(name.to_owned(), Value::String(format!("data:{mime};base64,{data}")));
            Ok(Value::Object(entry))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::content::{parse_body, DataUrl};

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ticket alert="false" autorespond="true" source="API">
    <name>Angry User</name>
    <email>api@osticket.com</email>
    <subject>Testing API</subject>
    <phone ext="123">318-555-8634</phone>
    <message type="text/html"><![CDATA[<p>Message <b>here</b></p>]]></message>
    <attachments>
        <file name="file.txt" type="text/plain"><![CDATA[ File content ]]></file>
        <file name="image.gif" type="image/gif" encoding="base64">R0lGOD
            lhAQABAAAAACw=</file>
    </attachments>
    <ip>123.211.233.122</ip>
    <topicId>2</topicId>
    <priorityId>3</priorityId>
    <custom_field>skipped</custom_field>
</ticket>"#;

    #[test]
    fn osticket_documented_example() {
        let t = ticket_from_xml(DOC.as_bytes()).unwrap();
        assert_eq!(t.name.as_deref(), Some("Angry User"));
        assert_eq!(t.email.as_deref(), Some("api@osticket.com"));
        assert_eq!(t.subject.as_deref(), Some("Testing API"));
        assert_eq!(t.phone.as_deref(), Some("318-555-8634X123"));
        assert_eq!((t.alert, t.autorespond, t.source.as_deref()), (Some(false), Some(true), Some("API")));
        assert_eq!((t.topic_id, t.priority.as_deref(), t.ip.as_deref()), (Some(2), Some("3"), Some("123.211.233.122")));
        let body = parse_body("message", t.message.as_deref().unwrap()).unwrap();
        assert!(body.format == "html" && body.text.contains("<b>here</b>"), "{body:?}");
        let files: Vec<(String, DataUrl)> =
            t.attachments.iter().flat_map(|a| a.iter().map(|(n, u)| (n.clone(), DataUrl::parse(u).unwrap()))).collect();
        assert_eq!(files[0].0, "file.txt");
        assert_eq!((files[0].1.mime.as_str(), files[0].1.bytes.as_slice()), ("text/plain", b"File content".as_slice()));
        assert_eq!((files[1].0.as_str(), files[1].1.mime.as_str()), ("image.gif", "image/gif"));
        assert!(files[1].1.bytes.starts_with(b"GIF8"));
    }

    #[test]
    fn attributes_and_elements_alike() {
        let t = ticket_from_xml(
            br#"<ticket name="A" email="a@example.com" subject="S"><message>data:x</message></ticket>"#,
        )
        .unwrap();
        assert_eq!((t.name.as_deref(), t.subject.as_deref()), (Some("A"), Some("S")));
        let body = parse_body("message", t.message.as_deref().unwrap()).unwrap();
        assert!(body.format == "text" && body.text == "data:x", "plain text stays text: {body:?}");
        let latin = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><ticket><name>Ren\xe9</name></ticket>";
        assert_eq!(ticket_from_xml(latin).unwrap().name.as_deref(), Some("René"));
    }

    #[test]
    fn bad_documents() {
        let bad_request =
            |doc: &[u8]| matches!(ticket_from_xml(doc), Err(ApiError::BadRequest(m)) if m.starts_with("XML error"));
        assert!(bad_request(b""));
        assert!(bad_request(b"  \n"));
        assert!(bad_request(b"<ticket><name>x</ticket>"), "mismatched tag");
        assert!(bad_request(b"<tickets><name>x</name></tickets>"), "another root");
        assert!(bad_request(b"{\"subject\": \"json\"}"));
        assert!(bad_request(b"<ticket>\xff</ticket>"), "not UTF-8");
        let laughs = br#"<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><ticket><name>&b;</name></ticket>"#;
        assert!(bad_request(laughs), "no DTDs");
        let many = format!("<ticket>{}</ticket>", "<x/>".repeat(MAX_NODES as usize));
        assert!(bad_request(many.as_bytes()), "too many nodes");
        let field = |doc: &[u8], name: &str| matches!(ticket_from_xml(doc), Err(ApiError::InvalidFields(f)) if f.contains_key(name));
        assert!(field(br#"<ticket subject="a"><subject>b</subject></ticket>"#, "subject"));
        assert!(field(b"<ticket><alert>maybe</alert></ticket>", "alert"));
        assert!(field(b"<ticket><topicId>two</topicId></ticket>", "topicId"));
        assert!(field(b"<ticket><attachments><file>x</file></attachments></ticket>", "attachments[0]"));
        assert!(field(
            b"<ticket><attachments><file name=\"a\" encoding=\"uu\">x</file></attachments></ticket>",
            "attachments[0]"
        ));
    }
}
