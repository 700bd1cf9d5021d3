//! Inbound mail parsing: turns one raw RFC 822 message (bytes from IMAP or an MTA pipe) into what
//! the helpdesk needs to open a ticket or add a reply.
//!
//! The module is pure (no I/O, no database): [`parse`] either returns a [`Parsed`] message or a
//! [`Malformed`] error that tells the caller to quarantine the raw bytes. Whether a parsed mail is an
//! auto-reply, bounce or bulk mail is reported in [`Parsed::auto`]; acting on it (not creating a
//! ticket, not notifying) is the caller's decision.
//!
//! Built on `mail-parser` 0.11 (MIME, RFC 2047/2231, charsets via `full_encoding`) and `ammonia`
//! (HTML sanitising). Nothing here panics on input-derived data; sizes are capped.

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::html::html_to_text;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{Encoding, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

/// First line of every notification we send. Everything from this line on in a reply is our own
/// quoted notification, so it is the most reliable place to cut a reply.
pub use super::REPLY_MARKER;

/// Largest raw message accepted. mail-parser stores offsets as `u32`, and anything bigger than this
/// is almost certainly not a support request; the caller quarantines it.
pub const MAX_RAW_BYTES: usize = 64 * 1024 * 1024;

/// Largest body text kept (for [`Body::text`] and [`Parsed::full_text`] each). Longer text is cut
/// on a char boundary and [`Body::truncated`] is set, so a 50 MB log pasted into a mail cannot
/// bloat the ticket table.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Longest attachment file name kept, in characters (the extension is preserved when cutting).
pub const MAX_FILENAME_CHARS: usize = 200;

/// Longest Message-ID kept verbatim (RFC 5322 lines are at most 998 bytes; real ids are < 100).
pub const MAX_ID_BYTES: usize = 250;

/// Most In-Reply-To / References ids kept: the last ones, i.e. the nearest ancestors, which are
/// the ones threading needs; bounds the size of the caller's lookup query.
pub const MAX_REFERENCES: usize = 100;

/// Characters never allowed in a stored file name (path separators, shell and Windows specials).
const FORBIDDEN_FILENAME_CHARS: &[char] = &['"', '<', '>', ':', '|', '?', '*', ';', '/', '\\'];

/// A message that parsed well enough to become a ticket or a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// Message-ID without `<>`, trimmed: the dedup key. When the header is missing it is
    /// synthesised as `sha256-<hex of the raw bytes>@missing.oxidesk`, so re-fetching the same
    /// bytes dedups; ids over [`MAX_ID_BYTES`] become `sha256-<hex of the id>@long.oxidesk`.
    pub message_id: String,
    /// `In-Reply-To` ids without `<>`: the primary key for threading a reply onto a ticket
    /// (long ids hashed like `message_id`).
    pub in_reply_to: Vec<String>,
    /// `References` ids without `<>`, in header order (the last [`MAX_REFERENCES`]): fallback for
    /// threading.
    pub references: Vec<String>,
    /// Subject, RFC 2047 decoded, control characters removed, trimmed; "" when missing.
    pub subject: String,
    /// First usable `From` address: who the ticket or reply belongs to.
    pub from: Sender,
    /// Set when the mail must not create tickets or trigger notifications (auto-reply, bounce,
    /// mailing list, our own mail looping back), with the reason for the log.
    pub auto: Option<AutoKind>,
    /// What the customer actually wrote: the body with quoted history removed.
    pub body: Body,
    /// The whole text body, untrimmed (capped at [`MAX_BODY_BYTES`]), for a "show quoted text"
    /// view. For HTML-only mail this is mail-parser's HTML→text conversion.
    pub full_text: String,
    /// Every attachment mail-parser reports, including inline images and attached messages.
    pub attachments: Vec<Attachment>,
    /// The topmost `Authentication-Results` field (RFC 8601), unfolded: the one the last
    /// receiving server added (servers add theirs on top). Lower ones may be the sender's own
    /// and are left out; whether to believe its server is the caller's decision (`trust`).
    pub authentication_results: Option<String>,
}

/// The sender of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// Address, trimmed and lowercased so it can be matched against user e-mail addresses.
    pub address: String,
    /// Display name, decoded and trimmed; `None` when absent or empty.
    pub name: Option<String>,
}

/// Why a mail counts as automatic. Callers may treat the categories differently (for example,
/// flag a customer's address as invalid on a bounce), but none of them should open a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoCategory {
    /// Our own notification came back (`X-Loop: oxidesk`): must never be processed, or we loop.
    Loop,
    /// Delivery status / disposition report, or a mail from MAILER-DAEMON / a null sender.
    Bounce,
    /// Out-of-office or other auto-responder (RFC 3834 `Auto-Submitted` and vendor headers).
    AutoReply,
    /// Mailing-list or bulk mail (`List-Id`, `List-Unsubscribe`, `Precedence: bulk|list|junk`).
    Bulk,
}

/// Classification of an automatic mail plus a human-readable reason for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoKind {
    /// Broad class of automatic mail.
    pub category: AutoCategory,
    /// The header (or subject rule) that triggered, e.g. `Auto-Submitted: auto-replied`.
    pub reason: String,
}

/// The reply text to store on the ticket.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// Plain text (`html == false`) or sanitised HTML (`html == true`); "" when the mail has no
    /// body at all (an attachment-only mail is fine; the caller decides).
    pub text: String,
    /// True when `text` is sanitised HTML (the mail had no real text/plain part).
    pub html: bool,
    /// True when the body was longer than [`MAX_BODY_BYTES`] and was cut.
    pub truncated: bool,
}

/// One attachment, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Safe file name: last path component, no control or special characters, no leading dots,
    /// at most [`MAX_FILENAME_CHARS`] chars; never empty (`attachment-N.ext` / `message-N.eml`).
    pub filename: String,
    /// Lowercase `type/subtype`, `application/octet-stream` when missing or unusable.
    pub content_type: String,
    /// Charset parameter of text attachments (lowercase), so the file can be served correctly:
    /// `bytes` are the original bytes, not re-encoded to UTF-8.
    pub charset: Option<String>,
    /// Decoded content (transfer encoding removed).
    pub bytes: Vec<u8>,
    /// True for `Content-Disposition: inline`, or no disposition but a Content-ID (an image the
    /// HTML body references via `cid:`).
    pub inline: bool,
    /// Content-ID without `<>`, to resolve `cid:` references in the HTML body.
    pub content_id: Option<String>,
}

/// Why a raw message cannot be processed; the caller quarantines it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    /// Zero bytes or only whitespace.
    #[error("empty message")]
    Empty,
    /// Larger than [`MAX_RAW_BYTES`].
    #[error("message too large: {size} bytes (limit {max})")]
    TooLarge {
        /// Size of the raw message.
        size: usize,
        /// The limit it exceeded.
        max: usize,
    },
    /// Not a mail at all (binary garbage): not a single well-formed header field.
    #[error("not an e-mail message: no header fields found")]
    NoHeaders,
    /// No `From` header, or none of its entries is an address containing '@'.
    #[error("no usable sender: From header missing or without a valid address")]
    NoSender,
}

/// Parses one raw message. See the module docs and NOTES.md for the rules.
pub fn parse(raw: &[u8]) -> Result<Parsed, Malformed> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(Malformed::Empty);
    }
    if raw.len() > MAX_RAW_BYTES {
        return Err(Malformed::TooLarge { size: raw.len(), max: MAX_RAW_BYTES });
    }
    let msg = MessageParser::default().parse(raw).ok_or(Malformed::NoHeaders)?;
    if !msg.headers().iter().any(|h| is_field_name(h.name())) {
        return Err(Malformed::NoHeaders);
    }
    let from = sender(&msg).ok_or(Malformed::NoSender)?;
    let subject = msg.subject().map(clean_subject).unwrap_or_default();
    let headers = raw_headers(&msg);
    let auto = detect_auto(&headers, &msg, &from, &subject);
    let (body, full_text) = extract_body(&msg, is_forward(&subject));
    let authentication_results = header_values(&headers, "Authentication-Results").next().map(str::to_owned);
    Ok(Parsed {
        message_id: message_id(&msg, raw),
        in_reply_to: message_ids(msg.in_reply_to()),
        references: message_ids(msg.references()),
        subject,
        from,
        auto,
        body,
        full_text,
        attachments: attachments(&msg),
        authentication_results,
    })
}

// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

/// Whether the bytes begin as a mail does: a header field (`Name: value`), after the `From `
/// envelope line an MTA may put before it (mbox). Checks the first line or two only. The name
/// must look as mail software writes them (a letter, then letters, digits, `-` or `_`): RFC 5322
/// allows more, which would let a JSON or XML body pass for a mail.
pub fn has_headers(raw: &[u8]) -> bool {
    let mut lines = raw.split(|&b| b == b'\n');
    let first = lines.next().unwrap_or_default();
    let line = if first.starts_with(b"From ") { lines.next().unwrap_or_default() } else { first };
    line.iter().position(|&b| b == b':').is_some_and(|colon| {
        let name = line[..colon].trim_ascii_end();
        name.first().is_some_and(u8::is_ascii_alphabetic)
            && name.len() <= 100
            && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// RFC 5322 field name: printable ASCII without ':' (and not absurdly long). mail-parser turns
/// binary garbage into one "header" whose name is the whole blob, so "has headers" needs this.
fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 100 && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
}

/// All top-level header fields as (name, unfolded trimmed raw value). Raw values (lossy UTF-8)
/// rather than mail-parser's typed values, because some headers we test (List-Id, Return-Path)
/// are parsed into address structures that no longer show the original text.
fn raw_headers(msg: &Message<'_>) -> Vec<(String, String)> {
    let raw: &[u8] = msg.raw_message.as_ref();
    msg.headers()
        .iter()
        .map(|h| {
            let bytes = raw.get(h.offset_start() as usize..h.offset_end() as usize).unwrap_or_default();
            let value = String::from_utf8_lossy(bytes);
            let words: Vec<&str> = value.split_whitespace().collect();
            let value: String = words.join(" ").chars().filter(|c| !c.is_control()).collect();
            (h.name().to_string(), value)
        })
        .collect()
}

/// Values of every header with this name (case-insensitive), in order.
fn header_values<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// Message-ID without brackets, or a stable synthetic one derived from the raw bytes so that the
/// dedup table still recognises a re-fetched copy of the same mail.
fn message_id(msg: &Message<'_>, raw: &[u8]) -> String {
    msg.message_id()
        .map(storable_id)
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| format!("sha256-{}@missing.oxidesk", hex::encode(Sha256::digest(raw))))
}

/// Ids of an In-Reply-To / References header, brackets removed, empty entries dropped; only the
/// last [`MAX_REFERENCES`] (the most recent ancestors), so a lookup stays one small query.
fn message_ids(value: &HeaderValue<'_>) -> Vec<String> {
    let ids: Vec<String> =
        value.as_text_list().unwrap_or_default().iter().map(|id| storable_id(id)).filter(|id| !id.is_empty()).collect();
    let skip = ids.len().saturating_sub(MAX_REFERENCES);
    ids.into_iter().skip(skip).collect()
}

/// [`clean_id`], and ids longer than [`MAX_ID_BYTES`] replaced by `sha256-<hex>@long.oxidesk`: a
/// 10 kB Message-ID would not fit a PostgreSQL btree index entry (inbound_mail.message_id is
/// UNIQUE), making the mail fail on every fetch. Hashing keeps equal ids equal.
fn storable_id(id: &str) -> String {
    let id = clean_id(id);
    if id.len() <= MAX_ID_BYTES {
        return id;
    }
    format!("sha256-{}@long.oxidesk", hex::encode(Sha256::digest(id.as_bytes())))
}

/// Strips whitespace, control characters and the angle brackets around a message id.
fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

/// Subjects end up in list views and mail headers of our notifications: drop control characters
/// (tabs and line breaks become spaces so words don't merge).
fn clean_subject(subject: &str) -> String {
    subject
        .chars()
        .filter_map(|c| match c {
            '\t' | '\r' | '\n' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// First From entry with a usable address (lowercased, contains '@' with text on both sides).
fn sender(msg: &Message<'_>) -> Option<Sender> {
    msg.from()?.iter().find_map(|addr| {
        let address = usable_address(addr.address()?)?;
        let name = addr
            .name()
            .map(|n| n.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_string())
            .filter(|n| !n.is_empty());
        Some(Sender { address, name })
    })
}

/// Lowercased address when it looks like one: `local@domain`, no whitespace, controls or brackets.
fn usable_address(address: &str) -> Option<String> {
    let address = address.trim().to_lowercase();
    let (local, domain) = address.rsplit_once('@')?;
    let bad = |c: char| c.is_whitespace() || c.is_control() || c == '<' || c == '>';
    (!local.is_empty() && !domain.is_empty() && !address.contains(bad)).then_some(address)
}

// ---------------------------------------------------------------------------------------------
// Auto-reply / bounce / bulk detection
// ---------------------------------------------------------------------------------------------

/// Headers are the signal; checks run in the order loop → bounce → auto-reply → bulk so the most
/// specific category wins (a bounce usually also carries `Auto-Submitted`). The subject is only
/// used together with a weak header signal, see [`auto_by_subject`].
fn detect_auto(headers: &[(String, String)], msg: &Message<'_>, from: &Sender, subject: &str) -> Option<AutoKind> {
    auto_loop(headers)
        .or_else(|| auto_bounce(headers, msg, from))
        .or_else(|| auto_reply(headers))
        .or_else(|| auto_bulk(headers))
        .or_else(|| auto_by_subject(headers, from, subject))
}

fn auto(category: AutoCategory, reason: String) -> Option<AutoKind> {
    Some(AutoKind { category, reason })
}

/// Our notifications carry `X-Loop: oxidesk`; seeing it inbound means our own mail came back.
fn auto_loop(headers: &[(String, String)]) -> Option<AutoKind> {
    header_values(headers, "X-Loop")
        .find(|v| v.to_lowercase().contains("oxidesk"))
        .and_then(|v| auto(AutoCategory::Loop, format!("X-Loop: {v}")))
}

/// Delivery reports: multipart/report (DSN/MDN), null Return-Path, MAILER-DAEMON/postmaster
/// senders, and Exim/Gmail's `X-Failed-Recipients`.
fn auto_bounce(headers: &[(String, String)], msg: &Message<'_>, from: &Sender) -> Option<AutoKind> {
    if let Some(ct) = msg.root_part().content_type() {
        if ct.ctype().eq_ignore_ascii_case("multipart")
            && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
        {
            let kind = ct.attribute("report-type").unwrap_or("unknown");
            return auto(AutoCategory::Bounce, format!("Content-Type: multipart/report ({kind})"));
        }
    }
    if header_values(headers, "Return-Path").any(|v| v.replace(char::is_whitespace, "") == "<>") {
        return auto(AutoCategory::Bounce, "Return-Path: <>".into());
    }
    let local = from.address.split('@').next().unwrap_or_default();
    if local == "mailer-daemon" || local == "postmaster" {
        return auto(AutoCategory::Bounce, format!("From: {}", from.address));
    }
    header_values(headers, "X-Failed-Recipients")
        .next()
        .and_then(|v| auto(AutoCategory::Bounce, format!("X-Failed-Recipients: {v}")))
}

/// RFC 3834 `Auto-Submitted` (anything but "no"), vendor auto-responder headers, Exchange's
/// `X-Auto-Response-Suppress` with All/OOF/AutoReply, and `Precedence: auto_reply`.
fn auto_reply(headers: &[(String, String)]) -> Option<AutoKind> {
    let reply = |reason: String| auto(AutoCategory::AutoReply, reason);
    for (name, value) in headers {
        let lower = value.to_lowercase();
        if name.eq_ignore_ascii_case("Auto-Submitted") {
            // "no", "no; comment" and "no (comment)" are human mail; anything else (even empty) is not
            let token = lower.split([';', '(', ' ']).find(|t| !t.is_empty());
            if token != Some("no") {
                return reply(format!("Auto-Submitted: {value}"));
            }
        } else if ["X-Autoreply", "X-Autorespond", "X-Autoresponder"].iter().any(|h| name.eq_ignore_ascii_case(h)) {
            return reply(format!("{name}: {value}"));
        } else if name.eq_ignore_ascii_case("X-Auto-Response-Suppress") {
            let strong = lower.split([',', ';', ' ']).any(|t| matches!(t.trim(), "all" | "oof" | "autoreply"));
            if strong {
                return reply(format!("X-Auto-Response-Suppress: {value}"));
            }
        } else if name.eq_ignore_ascii_case("Precedence") && lower == "auto_reply" {
            return reply(format!("Precedence: {value}"));
        }
    }
    None
}

/// Mailing lists and bulk senders.
fn auto_bulk(headers: &[(String, String)]) -> Option<AutoKind> {
    let bulk = |reason: String| auto(AutoCategory::Bulk, reason);
    if let Some(v) =
        header_values(headers, "Precedence").find(|v| matches!(v.to_lowercase().as_str(), "bulk" | "junk" | "list"))
    {
        return bulk(format!("Precedence: {v}"));
    }
    for name in ["List-Id", "List-Unsubscribe"] {
        if let Some(v) = header_values(headers, name).next() {
            return bulk(format!("{name}: {v}"));
        }
    }
    None
}

/// Subject prefixes of auto-replies, lowercase, matched at the start of the subject.
const AUTO_REPLY_SUBJECTS: &[&str] = &[
    "auto:",
    "automatic reply",
    "autoreply",
    "auto-reply",
    "auto reply",
    "out of office",
    "out of the office",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "respuesta automática",
    "risposta automatica",
    "automatisch antwoord",
    "odpowiedź automatyczna",
    "resposta automática",
];

/// Subject prefixes of non-delivery reports, lowercase.
const BOUNCE_SUBJECTS: &[&str] = &[
    "undeliverable",
    "undelivered mail",
    "delivery status notification",
    "mail delivery failed",
    "delivery failure",
    "returned mail:",
    "failure notice",
    "unzustellbar",
    "nicht zustellbar",
];

/// Local parts of "do not reply" senders; a weak signal only (monitoring systems send real
/// tickets from such addresses).
const NOREPLY_LOCAL_PARTS: &[&str] = &["noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply"];

/// A typical auto-reply subject alone is NOT enough (people forward "Undeliverable: …" mails to
/// support on purpose, or write "Out of office from Monday, please …"). It counts only together
/// with a weak header signal that alone would not be enough either: any other
/// `X-Auto-Response-Suppress` value, `X-Autogenerated`, or a no-reply sender.
fn auto_by_subject(headers: &[(String, String)], from: &Sender, subject: &str) -> Option<AutoKind> {
    let lower = subject.to_lowercase();
    let category = if AUTO_REPLY_SUBJECTS.iter().any(|p| lower.starts_with(p)) {
        AutoCategory::AutoReply
    } else if BOUNCE_SUBJECTS.iter().any(|p| lower.starts_with(p)) {
        AutoCategory::Bounce
    } else {
        return None;
    };
    let local = from.address.split('@').next().unwrap_or_default();
    let weak = ["X-Auto-Response-Suppress", "X-Autogenerated"]
        .iter()
        .find_map(|name| header_values(headers, name).next().map(|v| format!("{name}: {v}")))
        .or_else(|| NOREPLY_LOCAL_PARTS.contains(&local).then(|| format!("From: {}", from.address)))?;
    auto(category, format!("Subject: {subject} + {weak}"))
}

// ---------------------------------------------------------------------------------------------
// Body
// ---------------------------------------------------------------------------------------------

/// Forwarded mail is content the agent needs (often the reason for the ticket), so for those
/// subjects only our own marker is cut, not attribution lines, Outlook headers or signatures.
const FORWARD_PREFIXES: &[&str] = &["fwd:", "fw:", "wg:", "tr:", "rv:", "doorst:"];

fn is_forward(subject: &str) -> bool {
    let lower = subject.to_lowercase();
    FORWARD_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// Picks the body: real text/plain parts first, else the real HTML parts (trimmed and sanitised);
/// but the HTML when it shows pictures the mail carries (`cid:`, a pasted screenshot), which the
/// text can only name. mail-parser synthesises the missing alternative (HTML→text for HTML-only
/// mail), so the part's real type is checked instead of trusting `body_text`.
fn extract_body(msg: &Message<'_>, forward: bool) -> (Body, String) {
    let plain = real_parts(msg, &msg.text_body, |b| matches!(b, PartType::Text(_)));
    let html = real_parts(msg, &msg.html_body, |b| matches!(b, PartType::Html(_)));
    let pictures = html.as_deref().is_some_and(|h| !crate::tickets::content::inline_pictures(h).is_empty());
    match (plain, html) {
        (Some(text), html) if !pictures && (html.is_none() || !text.trim().is_empty()) => text_body(&text, forward),
        (_, Some(html)) => html_body(&html, forward),
        _ => (Body::default(), String::new()),
    }
}

/// Concatenation of the listed body parts that really have the wanted type (mixed messages can
/// carry several inline text parts around an image, e.g. from Apple Mail).
fn real_parts(msg: &Message<'_>, ids: &[u32], wanted: fn(&PartType<'_>) -> bool) -> Option<String> {
    let texts: Vec<&str> = ids
        .iter()
        .filter_map(|&id| msg.parts.get(id as usize))
        .filter(|p| wanted(&p.body))
        .filter_map(MessagePart::text_contents)
        .collect();
    (!texts.is_empty()).then(|| texts.join("\n"))
}

fn text_body(text: &str, forward: bool) -> (Body, String) {
    let (full, truncated) = cap(&normalize_newlines(text), MAX_BODY_BYTES);
    let text = if forward { cut_at_marker(&full) } else { trim_quoted(&full) };
    (Body { text, html: false, truncated }, full)
}

fn html_body(html: &str, forward: bool) -> (Body, String) {
    // The full text is mail-parser's own HTML→text conversion (what `body_text` would return).
    let (full, _) = cap(&normalize_newlines(&html_to_text(html)), MAX_BODY_BYTES);
    let (text, truncated) = sanitized_within_cap(html, forward);
    (Body { text, html: true, truncated }, full)
}

/// Sanitised (and, unless forwarded, trimmed) HTML no longer than [`MAX_BODY_BYTES`]. Escaping can
/// make ammonia's output longer than its input, so the input is halved until the output fits;
/// cutting before sanitising never leaves a half tag in the output.
fn sanitized_within_cap(html: &str, forward: bool) -> (String, bool) {
    let mut limit = MAX_BODY_BYTES;
    loop {
        let (input, cut) = cap(html, limit);
        let out = if forward { cut_html_marker_only(&input) } else { trim_quoted_html(&input) };
        if out.len() <= MAX_BODY_BYTES || limit < 4096 {
            return (out, cut);
        }
        limit /= 2;
    }
}

/// Forwarded HTML: only cut at our marker, then sanitise (whole content when nothing is left).
fn cut_html_marker_only(html: &str) -> String {
    let cut = html.find(REPLY_MARKER).map_or(html, |pos| &html[..back_over_start_tags(html, pos)]);
    let clean = sanitize(cut);
    if has_visible_content(&clean) {
        clean
    } else {
        sanitize(html)
    }
}

/// Converts CRLF and lone CR to LF.
fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// At most `max` bytes of `text`, cut on a char boundary; the flag says whether it was cut.
fn cap(text: &str, max: usize) -> (String, bool) {
    if text.len() <= max {
        return (text.to_string(), false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (text[..end].to_string(), true)
}

// ---------------------------------------------------------------------------------------------
// Quoted-reply trimming (text)
// ---------------------------------------------------------------------------------------------

/// Removes quoted history from a plain-text reply. Candidate cut lines, by rule (most reliable
/// first): (1) a line containing [`REPLY_MARKER`] (also quoted "> ..."); (2) an attribution line
/// "On … wrote:" or a translation, possibly wrapped over two lines; (3) Outlook separators
/// ("-----Original Message-----" and translations, a line of 10+ underscores followed by From:,
/// a From:/Von:/De: block followed within 4 lines by Sent:/Gesendet:/Envoyé:/Date:); (4) a trailing
/// block of '>' lines; (5) the signature delimiter "-- ". The text is cut at the earliest
/// candidate line, so an attribution line just above a quoted marker goes too. Trailing
/// whitespace and leading blank lines are dropped; if nothing is left the whole text (trimmed)
/// is returned, so content is never lost.
pub fn trim_quoted(text: &str) -> String {
    let text = normalize_newlines(text);
    let lines: Vec<&str> = text.split('\n').collect();
    let cut = [
        marker_line(&lines),
        attribution_line(&lines),
        outlook_separator_line(&lines),
        trailing_quote_line(&lines),
        signature_line(&lines),
    ]
    .into_iter()
    .flatten()
    .min();
    keep_before(&text, &lines, cut)
}

/// Cuts only at our marker (used for forwarded mail, where the rest is wanted content).
fn cut_at_marker(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    keep_before(text, &lines, marker_line(&lines))
}

/// Lines before `cut`, tidied; the whole text trimmed when that would be empty.
fn keep_before(text: &str, lines: &[&str], cut: Option<usize>) -> String {
    let kept = match cut {
        Some(i) => lines.get(..i).unwrap_or(lines).join("\n"),
        None => text.to_string(),
    };
    let kept = drop_leading_blank_lines(kept.trim_end());
    if kept.is_empty() {
        text.trim().to_string()
    } else {
        kept.to_string()
    }
}

/// Removes blank lines at the start but keeps the indentation of the first text line.
fn drop_leading_blank_lines(text: &str) -> &str {
    let mut rest = text;
    while let Some((first, tail)) = rest.split_once('\n') {
        if !first.trim().is_empty() {
            break;
        }
        rest = tail;
    }
    if rest.trim().is_empty() {
        ""
    } else {
        rest
    }
}

fn marker_line(lines: &[&str]) -> Option<usize> {
    lines.iter().position(|l| l.contains(REPLY_MARKER))
}

/// Attribution line of a reply; when a line is not one by itself, it is joined with the next
/// line, because clients wrap long attributions ("On …, Name <addr>\nwrote:").
fn attribution_line(lines: &[&str]) -> Option<usize> {
    (0..lines.len()).find(|&i| {
        is_attribution(lines[i])
            || lines.get(i + 1).is_some_and(|next| {
                !lines[i].trim().is_empty() && is_attribution(&format!("{} {}", lines[i].trim(), next.trim()))
            })
    })
}

/// "On … wrote:" and translations (de, fr, es, it, nl, pl, pt). Long lines are never
/// attributions; that also keeps the 10,000-char-line case cheap.
fn is_attribution(line: &str) -> bool {
    let line = line.trim();
    if line.len() > 500 || !line.ends_with(':') {
        return false;
    }
    let l = line.to_lowercase().replace(['\u{a0}', '\u{202f}'], " ");
    let starts = |p: &str| l.starts_with(p);
    let ends = |s: &str| l.ends_with(s);
    (starts("on ") && ends("wrote:"))
        || (starts("am ") && l.contains(" schrieb"))
        || (starts("le ") && (ends("a écrit :") || ends("a écrit:")))
        || (starts("el ") && ends("escribió:"))
        || (starts("il ") && ends("ha scritto:"))
        || (starts("op ") && l.contains(" schreef"))
        || l.contains("napisał")
        || (starts("em ") && ends("escreveu:"))
}

/// Outlook-style separators (see [`trim_quoted`], rule 3).
fn outlook_separator_line(lines: &[&str]) -> Option<usize> {
    (0..lines.len()).find(|&i| {
        is_original_message_line(lines[i])
            || (is_underscore_line(lines[i]) && next_nonblank(lines, i + 1).is_some_and(is_from_line))
            || (is_from_line(lines[i])
                && !follows_forward_marker(lines, i)
                && lines.iter().skip(i + 1).take(4).any(|l| is_sent_line(l)))
    })
}

/// "-----Original Message-----" and its translations.
fn is_original_message_line(line: &str) -> bool {
    let line = line.trim();
    if line.len() > 100 || !line.starts_with("--") || !line.ends_with("--") {
        return false;
    }
    let inner = line.trim_matches(|c: char| c == '-' || c.is_whitespace()).to_lowercase();
    [
        "original message",
        "ursprüngliche nachricht",
        "message d'origine",
        "mensaje original",
        "messaggio originale",
        "oorspronkelijk bericht",
        "mensagem original",
    ]
    .contains(&inner.as_str())
}

fn is_underscore_line(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 10 && line.bytes().all(|b| b == b'_')
}

fn next_nonblank<'a>(lines: &[&'a str], from: usize) -> Option<&'a str> {
    lines.iter().skip(from).find(|l| !l.trim().is_empty()).copied()
}

/// Header-like line of a quoted mail; `*From:*` is how HTML→text renders Outlook's bold labels.
fn starts_with_label(line: &str, labels: &[&str]) -> bool {
    let line = line.trim_start().trim_start_matches('*').to_lowercase();
    labels.iter().any(|l| line.starts_with(l))
}

fn is_from_line(line: &str) -> bool {
    starts_with_label(line, &["from:", "von:", "de:"])
}

fn is_sent_line(line: &str) -> bool {
    starts_with_label(line, &["sent:", "gesendet:", "envoyé:", "date:", "enviado:"])
}

/// A From:/Date: block right below "---------- Forwarded message ---------" (Gmail, Thunderbird,
/// Apple Mail) is forwarded content, not quoted history.
fn follows_forward_marker(lines: &[&str], i: usize) -> bool {
    lines[..i].iter().rev().find(|l| !l.trim().is_empty()).is_some_and(|l| {
        let l = l.to_lowercase();
        ["forwarded message", "weitergeleitete nachricht", "message transféré", "mensaje reenviado"]
            .iter()
            .any(|m| l.contains(m))
    })
}

/// Start of a block of '>' lines that is followed only by blank or '>' lines.
fn trailing_quote_line(lines: &[&str]) -> Option<usize> {
    let is_quote = |l: &&str| l.trim_start().starts_with('>');
    let last = lines.iter().rposition(|l| !l.trim().is_empty())?;
    if !is_quote(&lines[last]) {
        return None;
    }
    let mut start = last;
    for i in (0..last).rev() {
        if is_quote(&lines[i]) {
            start = i;
        } else if !lines[i].trim().is_empty() {
            break;
        }
    }
    Some(start)
}

/// RFC 3676 signature delimiter: exactly "-- " on its own line.
fn signature_line(lines: &[&str]) -> Option<usize> {
    lines.iter().position(|l| *l == "-- ")
}

// ---------------------------------------------------------------------------------------------
// Quoted-reply trimming (HTML)
// ---------------------------------------------------------------------------------------------

/// Removes quoted history from an HTML reply and sanitises it (ammonia's default policy plus
/// `cid:` image URLs, see `tickets::content::sanitize`).
/// Everything from the first of these on is dropped: `<div id="appendonsend">`,
/// `<div id="divRplyFwdMsg">` (Outlook), `<hr id="stopSpelling">` (old Outlook/Hotmail), and the
/// text [`REPLY_MARKER`]. These elements are removed with their content: `<blockquote
/// type="cite">` (Apple Mail, Thunderbird), any element with class `gmail_quote` (Gmail),
/// `moz-cite-prefix` (Thunderbird's attribution) or `yahoo_quoted`. Interleaved answers between
/// removed quotes stay. If the result has no visible content, the whole input is sanitised
/// instead (never lose content).
pub fn trim_quoted_html(html: &str) -> String {
    let cut = html_cut_position(html).map_or(html, |pos| &html[..pos]);
    let trimmed = sanitize(&remove_quote_elements(cut));
    if has_visible_content(&trimmed) {
        trimmed
    } else {
        sanitize(html)
    }
}

/// Sanitised HTML without the whitespace left over from the removed `<head>`.
fn sanitize(html: &str) -> String {
    crate::tickets::content::sanitize(html).trim().to_string()
}

/// One HTML tag found by the scanner: byte range, lowercase name, raw attribute text.
struct Tag<'a> {
    start: usize,
    end: usize,
    name: String,
    attrs: &'a str,
    closing: bool,
}

/// Minimal tag scanner: enough to find marker elements; comments and doctypes are skipped.
/// Anything it cannot read ends the scan (ammonia copes with the rest).
fn next_tag(html: &str, from: usize) -> Option<Tag<'_>> {
    let mut pos = from;
    loop {
        let start = pos + html.get(pos..)?.find('<')?;
        let rest = &html[start + 1..];
        if rest.starts_with("!--") {
            pos = start + 4 + rest.get(3..)?.find("-->")? + 3; // "<!--" is 4 bytes, "-->" 3
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = start + 1 + usize::from(closing);
        let name: String = html[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let end = tag_end(html, name_start)?;
        if name.is_empty() {
            pos = end;
            continue;
        }
        let attrs = &html[name_start + name.len()..end - 1];
        return Some(Tag { start, end, name, attrs, closing });
    }
}

/// Byte offset just after the '>' closing a tag, skipping quoted attribute values.
fn tag_end(html: &str, from: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (i, b) in html.as_bytes().iter().enumerate().skip(from) {
        match (quote, *b) {
            (Some(q), b) if b == q => quote = None,
            (None, b'"' | b'\'') => quote = Some(*b),
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Value of an attribute in a tag's attribute text (names case-insensitive).
fn attr<'a>(attrs: &'a str, wanted: &str) -> Option<&'a str> {
    let bytes = attrs.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'/') {
            i += 1;
        }
        let name = &attrs[name_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (start, stop) = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => (i + 1, attrs[i + 1..].find(q as char).map_or(bytes.len(), |p| i + 1 + p)),
                _ => (i, attrs[i..].find(|c: char| c.is_ascii_whitespace()).map_or(bytes.len(), |p| i + p)),
            };
            value = &attrs[start..stop];
            i = (stop + 1).min(bytes.len());
        }
        if !name.is_empty() && name.eq_ignore_ascii_case(wanted) {
            return Some(value);
        }
        // Every round consumes at least one byte (a name byte or the '='), and `i` only ever
        // stops on ASCII bytes, so the slices above stay on char boundaries.
    }
    None
}

fn has_class(tag: &Tag<'_>, class: &str) -> bool {
    attr(tag.attrs, "class").is_some_and(|v| v.split_ascii_whitespace().any(|c| c.eq_ignore_ascii_case(class)))
}

fn has_id(tag: &Tag<'_>, id: &str) -> bool {
    attr(tag.attrs, "id").is_some_and(|v| v.trim().eq_ignore_ascii_case(id))
}

/// Where everything after is quoted history: the earliest Outlook reply container or our marker.
fn html_cut_position(html: &str) -> Option<usize> {
    let marker = html.find(REPLY_MARKER);
    let mut pos = 0;
    while let Some(tag) = next_tag(html, pos) {
        if marker.is_some_and(|m| m < tag.start) {
            break;
        }
        let outlook = !tag.closing
            && (has_id(&tag, "appendonsend")
                || has_id(&tag, "divRplyFwdMsg")
                || (tag.name == "hr" && has_id(&tag, "stopSpelling")));
        if outlook {
            return Some(tag.start);
        }
        pos = tag.end;
    }
    marker.map(|m| back_over_start_tags(html, m))
}

/// Moves a cut position in front of start tags that directly precede it, so that cutting at the
/// marker in `<p>##- … -##</p>` does not leave an empty `<p></p>` behind.
fn back_over_start_tags(html: &str, mut pos: usize) -> usize {
    loop {
        let before = html[..pos].trim_end();
        let Some(lt) = before.ends_with('>').then(|| before.rfind('<')).flatten() else {
            return pos;
        };
        if before[lt..].starts_with("</") || before[lt..].starts_with("<!") {
            return pos;
        }
        pos = lt;
    }
}

/// True for the start tag of a container that holds only quoted history.
fn is_quote_container(tag: &Tag<'_>) -> bool {
    !tag.closing
        && ((tag.name == "blockquote" && attr(tag.attrs, "type").is_some_and(|t| t.eq_ignore_ascii_case("cite")))
            || has_class(tag, "gmail_quote")
            || has_class(tag, "moz-cite-prefix")
            || has_class(tag, "yahoo_quoted"))
}

/// Copies `html` without the quote containers (each removed up to its matching end tag, or to the
/// end when unclosed).
fn remove_quote_elements(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut pos = 0;
    while let Some(tag) = next_tag(html, pos) {
        if is_quote_container(&tag) {
            out.push_str(&html[copied..tag.start]);
            copied = matching_end(html, &tag).unwrap_or(html.len());
            pos = copied;
        } else {
            pos = tag.end;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// Offset after the end tag matching `open`, counting nested tags of the same name.
fn matching_end(html: &str, open: &Tag<'_>) -> Option<usize> {
    let mut depth = 1usize;
    let mut pos = open.end;
    while let Some(tag) = next_tag(html, pos) {
        if tag.name == open.name {
            if tag.closing {
                depth -= 1;
                if depth == 0 {
                    return Some(tag.end);
                }
            } else if !tag.attrs.trim_end().ends_with('/') {
                depth += 1;
            }
        }
        pos = tag.end;
    }
    None
}

/// Sanitised HTML shows something: text other than whitespace/nbsp, or an image.
fn has_visible_content(clean_html: &str) -> bool {
    if clean_html.contains("<img") {
        return true;
    }
    let mut in_tag = false;
    let mut text = String::new();
    for c in clean_html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    !text.replace("&nbsp;", "").trim().is_empty()
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

/// Every part mail-parser lists as an attachment, numbered from 1 for fallback names.
fn attachments(msg: &Message<'_>) -> Vec<Attachment> {
    msg.attachments().enumerate().map(|(i, part)| attachment(msg, part, i + 1)).collect()
}

fn attachment(msg: &Message<'_>, part: &MessagePart<'_>, n: usize) -> Attachment {
    let content_type = content_type(part);
    let filename = part
        .attachment_name()
        .map(sanitize_filename)
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| fallback_filename(n, &content_type));
    let inline = match part.content_disposition() {
        Some(d) => d.is_inline(),
        None => part.content_id().is_some(),
    };
    Attachment {
        filename,
        charset: text_charset(part),
        bytes: original_bytes(msg, part),
        inline,
        content_id: part.content_id().map(clean_id).filter(|id| !id.is_empty()),
        content_type,
    }
}

/// Lowercase `type/subtype` from the part; nested messages without a header are message/rfc822.
fn content_type(part: &MessagePart<'_>) -> String {
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && b != b'/');
    match part.content_type() {
        Some(ct) => {
            let (t, s) =
                (ct.ctype().trim().to_ascii_lowercase(), ct.subtype().unwrap_or("").trim().to_ascii_lowercase());
            if token(&t) && token(&s) {
                format!("{t}/{s}")
            } else {
                "application/octet-stream".into()
            }
        }
        None if part.is_message() => "message/rfc822".into(),
        None if part.is_text() => "text/plain".into(), // RFC 2045 default
        None => "application/octet-stream".into(),
    }
}

fn text_charset(part: &MessagePart<'_>) -> Option<String> {
    if !part.is_text() {
        return None;
    }
    part.content_type()?.attribute("charset").map(|c| c.trim().to_ascii_lowercase()).filter(|c| !c.is_empty())
}

/// Decoded bytes as sent. mail-parser converts text parts to UTF-8 (lossily for unknown
/// charsets), which would alter a windows-1252 CSV; for those the transfer encoding is decoded
/// from the raw part instead, falling back to mail-parser's text when that fails.
fn original_bytes(msg: &Message<'_>, part: &MessagePart<'_>) -> Vec<u8> {
    if part.is_text() && !part.is_encoding_problem {
        let raw: &[u8] = msg.raw_message.as_ref();
        let decoded = raw.get(part.raw_body_offset() as usize..part.raw_end_offset() as usize).and_then(|body| {
            match part.encoding {
                Encoding::Base64 => base64_decode(body),
                Encoding::QuotedPrintable => quoted_printable_decode(body),
                Encoding::None => Some(body.to_vec()),
            }
        });
        if let Some(bytes) = decoded {
            return bytes;
        }
    }
    part.contents().to_vec()
}

/// `message-N.eml` for attached mails, `attachment-N.<ext>` otherwise.
fn fallback_filename(n: usize, content_type: &str) -> String {
    if content_type == "message/rfc822" || content_type == "message/global" {
        return format!("message-{n}.eml");
    }
    format!("attachment-{n}.{}", extension_for(content_type))
}

fn extension_for(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/jpeg" | "image/jpg" | "image/pjpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/bmp" => "bmp",
        "image/tiff" => "tif",
        "image/svg+xml" => "svg",
        "application/pdf" => "pdf",
        "application/zip" => "zip",
        "application/gzip" => "gz",
        "application/json" => "json",
        "application/xml" | "text/xml" => "xml",
        "application/msword" => "doc",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "text/plain" | "message/delivery-status" | "message/disposition-notification" | "text/rfc822-headers" => "txt",
        "text/html" => "html",
        "text/csv" => "csv",
        "text/calendar" | "application/ics" => "ics",
        "audio/mpeg" => "mp3",
        "video/mp4" => "mp4",
        _ => "bin",
    }
}

/// Makes a received file name safe to store and offer for download: last path component only,
/// no control/bidi characters or any of `"<>:|?*;/\`, no leading dots (hidden files, `..`),
/// no trailing dots/spaces (Windows), at most [`MAX_FILENAME_CHARS`] chars keeping the extension.
/// May return "" (callers then use a fallback name).
pub fn sanitize_filename(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|&c| !c.is_control() && !is_bidi_control(c) && !FORBIDDEN_FILENAME_CHARS.contains(&c))
        .collect();
    let cleaned = cleaned
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    limit_filename(cleaned)
}

/// Bidi overrides can make "gpj.exe" display as "exe.jpg"; they have no place in a file name.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Cuts a name to [`MAX_FILENAME_CHARS`] chars, keeping a short extension intact.
fn limit_filename(name: &str) -> String {
    if name.chars().count() <= MAX_FILENAME_CHARS {
        return name.to_string();
    }
    let ext = name.rfind('.').map(|p| &name[p..]).filter(|e| e.chars().count() <= 16).unwrap_or("");
    let stem_chars = MAX_FILENAME_CHARS - ext.chars().count();
    let stem: String = name.chars().take(stem_chars).collect();
    format!("{}{ext}", stem.trim_end_matches(|c: char| c == '.' || c.is_whitespace()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample mails, shared with the integration tests.
    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mail/", $name)).as_slice()
        };
    }

    fn ok(raw: &[u8]) -> Parsed {
        match parse(raw) {
            Ok(p) => p,
            Err(e) => panic!("expected a parsed message, got {e}"),
        }
    }

    #[test]
    fn a_mail_begins_with_a_header_field() {
        assert!(has_headers(&mail("", "Hi")));
        assert!(has_headers(b"From kim@example.test Tue Nov 24 10:00:00 2026\nReturn-Path: <kim@example.test>\n"));
        assert!(has_headers(b"X-Odd-But-Fine :value\r\n\r\n"));
        for no in [&b""[..], b"Just words, no header block.", b"{\"subject\": \"json\"}", b": no name", b"Two words: x"]
        {
            assert!(!has_headers(no), "{:?}", String::from_utf8_lossy(no));
        }
        assert!(!has_headers(fixture!("binary-garbage.eml")));
    }

    /// A minimal message with the given extra headers and a text/plain body.
    fn mail(headers: &str, body: &str) -> Vec<u8> {
        format!("From: Kim <kim@example.test>\r\nTo: support@desk.test\r\nMessage-ID: <t@example.test>\r\n{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}").into_bytes()
    }

    fn auto_of(headers: &str) -> Option<AutoKind> {
        ok(&mail(headers, "hello\r\n")).auto
    }

    fn kind(category: AutoCategory, reason: &str) -> Option<AutoKind> {
        Some(AutoKind { category, reason: reason.to_string() })
    }

    fn names(p: &Parsed) -> Vec<&str> {
        p.attachments.iter().map(|a| a.filename.as_str()).collect()
    }

    #[test]
    fn only_the_topmost_authentication_results_is_kept() {
        let p = ok(&mail(
            "Received: from mx by desk\r\nAuthentication-Results: mx.desk.test;\r\n\tdmarc=none\r\n\
             Received: from evil by mx\r\nAuthentication-Results: mx.desk.test; dmarc=pass header.from=example.test\r\n",
            "hi\r\n",
        ));
        assert_eq!(p.authentication_results.as_deref(), Some("mx.desk.test; dmarc=none"));
        assert_eq!(ok(&mail("", "hi\r\n")).authentication_results, None);
    }

    // --- fixtures: charsets and structure ---------------------------------------------------

    #[test]
    fn alternative_iso_8859_1_quoted_printable() {
        let p = ok(fixture!("alternative-iso-8859-1-qp.eml"));
        assert_eq!(p.message_id, "20261123091244.4711@beispiel.test");
        assert_eq!(p.subject, "Drucker fällt ständig aus");
        assert_eq!(
            p.from,
            Sender { address: "juergen.mueller@beispiel.test".into(), name: Some("Jürgen Müller".into()) }
        );
        assert_eq!(
            p.body,
            Body {
                text: "Hallo,\n\nder Drucker im Büro fällt ständig aus. Ein sehr langer Satz, der mit \
                       einem weichen Zeilenumbruch fortgesetzt wird.\n\nGrüße\nJürgen"
                    .into(),
                html: false,
                truncated: false,
            }
        );
        assert_eq!(p.full_text, p.body.text);
        assert!(p.auto.is_none());
        assert!(p.attachments.is_empty());
        assert!(p.in_reply_to.is_empty() && p.references.is_empty());
    }

    #[test]
    fn mixed_with_inline_png_and_rfc2231_pdf() {
        let p = ok(fixture!("mixed-related-inline-png-pdf-rfc2231.eml"));
        assert_eq!(p.message_id, "CAF=abc123+XyZ@mail.firma.test");
        // The HTML, which shows the picture in its place (the text only names it).
        assert_eq!(
            p.body.text,
            r#"<div>Anbei die Rechnung. Der Fehler sieht so aus:<br><img src="cid:logo@firma.test" alt="logo.png"></div><div>Anna</div>"#
        );
        assert!(p.body.html);
        assert_eq!(p.attachments.len(), 2);

        let png = &p.attachments[0];
        assert_eq!(png.filename, "logo.png");
        assert_eq!(png.content_type, "image/png");
        assert_eq!(png.bytes.len(), 70);
        assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(png.inline);
        assert_eq!(png.content_id.as_deref(), Some("logo@firma.test"));
        assert_eq!(png.charset, None);

        let pdf = &p.attachments[1];
        assert_eq!(pdf.filename, "Rechnung März 2026.pdf");
        assert_eq!(pdf.content_type, "application/pdf");
        assert_eq!(pdf.bytes.len(), 193);
        assert!(pdf.bytes.starts_with(b"%PDF-1.4\n"));
        assert!(!pdf.inline);
        assert_eq!(pdf.content_id, None);
    }

    #[test]
    fn shift_jis_body_and_iso_2022_jp_subject() {
        let p = ok(fixture!("shift-jis-body-iso-2022-jp-subject.eml"));
        assert_eq!(p.subject, "プリンターの故障");
        assert_eq!(p.from.name.as_deref(), Some("田中太郎"));
        assert_eq!(p.body.text, "お世話になっております。\nプリンターが動きません。\nよろしくお願いします。");
    }

    #[test]
    fn windows_1252_8bit_body() {
        let p = ok(fixture!("windows-1252-8bit.eml"));
        assert_eq!(p.body.text, "The invoice shows €120 – is that the “net” price…?\nCheers, Pat");
        assert_eq!(p.from.name.as_deref(), Some("Pat O'Brien"));
    }

    #[test]
    fn utf8_base64_body_and_text_attachment_keeps_original_bytes() {
        let p = ok(fixture!("utf-8-base64-csv-attachment.eml"));
        assert_eq!(p.subject, "Kundenliste 👋");
        assert_eq!(p.from, Sender { address: "koeln@example.de".into(), name: None });
        assert_eq!(p.body.text, "Grüße aus Köln 👋\nDie Kundenliste ist angehängt.");
        assert_eq!(p.attachments.len(), 1);
        let csv = &p.attachments[0];
        assert_eq!((csv.filename.as_str(), csv.content_type.as_str()), ("kunden.csv", "text/csv"));
        assert_eq!(csv.charset.as_deref(), Some("windows-1252"));
        // windows-1252 bytes as sent (ü = 0xFC, ö = 0xF6), not mail-parser's UTF-8 conversion
        assert_eq!(csv.bytes, b"Name;Ort\r\nM\xfcller;K\xf6ln\r\n");
    }

    #[test]
    fn ten_thousand_character_line() {
        let p = ok(fixture!("long-line-10000-chars.eml"));
        assert_eq!(p.body.text, "0123456789".repeat(1000));
        assert!(!p.body.truncated);
        assert_eq!(p.full_text.trim_end().len(), 10_000);
    }

    #[test]
    fn broken_headers_still_parse_with_synthetic_message_id() {
        let raw = fixture!("broken-headers-no-message-id.eml");
        let p = ok(raw);
        let expected = format!("sha256-{}@missing.oxidesk", hex::encode(Sha256::digest(raw)));
        assert_eq!(p.message_id, expected);
        assert_eq!(
            p.message_id,
            "sha256-3194243938f3ec3e3cdbd65b5421f0531d5068bc0c2aa4803a869b897e8432f7@missing.oxidesk"
        );
        // the bad encoded word is left as is, the unknown charset decodes lossily
        assert_eq!(p.subject, "=?utf-8?B?not-base64!!?= Status");
        assert_eq!(p.from, Sender { address: "broken@mailer.test".into(), name: Some("Broken Mailer".into()) });
        assert_eq!(p.body.text, "Body in an unknown charset: caf\u{fffd} ok");
        assert!(p.auto.is_none());
    }

    // --- fixtures: replies --------------------------------------------------------------------

    #[test]
    fn outlook_html_only_reply_is_cut_at_append_on_send() {
        let p = ok(fixture!("outlook-html-only-reply-divrplyfwdmsg.eml"));
        assert!(p.body.html);
        assert_eq!(
            p.body.text,
            "<div>\nHi team,<br>the VPN works again – you can close the ticket.</div>\n<div>\nRegards, Bob</div>"
        );
        assert_eq!(p.in_reply_to, ["tck-1045.2.abc@desk.test"]);
        assert_eq!(p.references, ["tck-1045.1.abc@desk.test", "tck-1045.2.abc@desk.test"]);
        // the untrimmed text (mail-parser's HTML→text) still has the quoted notification
        assert!(p.full_text.starts_with("Hi team,\nthe VPN works again"));
        assert!(p.full_text.contains(REPLY_MARKER));
    }

    #[test]
    fn gmail_reply_text_and_html() {
        let raw = fixture!("gmail-reply-wrapped-attribution.eml");
        let p = ok(raw);
        assert_eq!(p.body.text, "Thanks, the printer works again.\n\nBest,\nCarla");
        assert!(!p.body.html);
        assert_eq!(p.in_reply_to, ["tck-1042.3.abc@desk.test"]);
        assert_eq!(p.references, ["tck-1042.1.abc@desk.test", "tck-1042.3.abc@desk.test"]);

        let msg = MessageParser::default().parse(raw).expect("parses");
        let html = msg.body_html(0).expect("has html");
        assert_eq!(
            trim_quoted_html(&html),
            "<div>Thanks, the printer works again.<div><br></div><div>Best,</div><div>Carla</div></div><br>"
        );
    }

    #[test]
    fn apple_mail_reply_with_quoted_block() {
        let p = ok(fixture!("apple-mail-reply-quoted-block.eml"));
        assert_eq!(p.body.text, "Yes, restarting fixed it. Thank you!\n\nSent from my iPhone");
        assert!(p.full_text.contains("> Please restart the router."));
    }

    #[test]
    fn german_outlook_reply_with_urspruengliche_nachricht() {
        let p = ok(fixture!("outlook-german-reply-urspruengliche-nachricht.eml"));
        assert_eq!(p.subject, "AW: [TCK-1043] Drucker");
        assert_eq!(p.from, Sender { address: "k.weber@firma.test".into(), name: Some("Weber, Klaus".into()) });
        assert_eq!(
            p.body.text,
            "Hallo,\n\nvielen Dank, das Problem ist gelöst.\n\nMit freundlichen Grüßen\nKlaus Weber"
        );
    }

    #[test]
    fn reply_quoting_our_marker() {
        let p = ok(fixture!("reply-quoting-reply-marker.eml"));
        assert_eq!(p.body.text, "Please escalate, this is urgent.\nWe lose orders every hour.");
        assert_eq!(p.in_reply_to, ["tck-1044.2.abc@desk.test"]);
    }

    // --- fixtures: automatic mail -------------------------------------------------------------

    #[test]
    fn out_of_office_with_auto_submitted() {
        let p = ok(fixture!("out-of-office-auto-submitted.eml"));
        assert_eq!(p.auto, kind(AutoCategory::AutoReply, "Auto-Submitted: auto-replied (vacation)"));
        assert_eq!(p.body.text, "Ich bin bis 30.11. nicht im Büro.");
    }

    #[test]
    fn exchange_out_of_office() {
        let p = ok(fixture!("exchange-oof-automatic-reply.eml"));
        assert_eq!(p.auto, kind(AutoCategory::AutoReply, "X-Auto-Response-Suppress: All"));
    }

    #[test]
    fn mailing_list_mail() {
        let p = ok(fixture!("mailing-list-list-id.eml"));
        assert_eq!(p.auto, kind(AutoCategory::Bulk, "Precedence: list"));
    }

    #[test]
    fn bounce_report_from_mailer_daemon() {
        let p = ok(fixture!("bounce-multipart-report-mailer-daemon.eml"));
        // multipart/report wins over Return-Path <>, MAILER-DAEMON and Auto-Submitted; the
        // X-Loop inside the returned original does not count (only top-level headers do)
        assert_eq!(p.auto, kind(AutoCategory::Bounce, "Content-Type: multipart/report (delivery-status)"));
        assert_eq!(p.from.address, "mailer-daemon@mx.desk.test");
        assert!(p.body.text.ends_with("550 5.1.1 User unknown"));
        assert_eq!(names(&p), ["attachment-1.txt", "message-2.eml"]);
        assert_eq!(p.attachments[0].content_type, "message/delivery-status");
        assert_eq!(p.attachments[0].bytes.len(), 166);
        assert_eq!(p.attachments[1].content_type, "message/rfc822");
        assert_eq!(p.attachments[1].bytes.len(), 164);
        assert!(p.attachments[1].bytes.starts_with(b"From: Oxidesk Support <support@desk.test>\r\n"));
    }

    #[test]
    fn our_own_notification_looping_back() {
        let p = ok(fixture!("x-loop-oxidesk-notification.eml"));
        assert_eq!(p.auto, kind(AutoCategory::Loop, "X-Loop: oxidesk"));
    }

    // --- fixtures: malformed and attachments --------------------------------------------------

    #[test]
    fn malformed_inputs() {
        assert_eq!(parse(fixture!("empty.eml")), Err(Malformed::Empty));
        assert_eq!(parse(fixture!("binary-garbage.eml")), Err(Malformed::NoHeaders));
        assert_eq!(parse(fixture!("from-without-at.eml")), Err(Malformed::NoSender));
        assert_eq!(parse(b" \r\n\t\r\n"), Err(Malformed::Empty));
        assert_eq!(parse(b"To: a@b.test\r\nSubject: x\r\n\r\nbody"), Err(Malformed::NoSender));
        assert_eq!(parse(b"From: <>\r\n\r\nbody"), Err(Malformed::NoSender));
        assert_eq!(parse(b"From: @example.test\r\n\r\nbody"), Err(Malformed::NoSender));
        assert_eq!(Malformed::NoSender.to_string(), "no usable sender: From header missing or without a valid address");
    }

    #[test]
    fn too_large_is_rejected_before_parsing() {
        let raw = vec![b'a'; MAX_RAW_BYTES + 1];
        assert_eq!(parse(&raw), Err(Malformed::TooLarge { size: MAX_RAW_BYTES + 1, max: MAX_RAW_BYTES }));
    }

    #[test]
    fn hostile_attachment_names_are_made_safe() {
        let p = ok(fixture!("hostile-attachment-names.eml"));
        let long = format!("{}.pdf", "Q".repeat(196));
        assert_eq!(
            names(&p),
            ["passwd", "evil.bat", "attachment-3.jpg", "message-4.eml", "hiddenname.txt", long.as_str()]
        );
        let types: Vec<&str> = p.attachments.iter().map(|a| a.content_type.as_str()).collect();
        assert_eq!(
            types,
            [
                "application/octet-stream",
                "application/x-msdownload",
                "image/jpeg",
                "message/rfc822",
                "text/plain",
                "application/pdf"
            ]
        );
        assert_eq!(p.attachments[0].bytes, b"root:x:0:0");
        assert_eq!(p.attachments[2].bytes, b"\xff\xd8\xff\xe0fakejpeg");
        assert!(p.attachments[3].bytes.starts_with(b"From: someone@example.test\r\n"));
        assert_eq!(p.attachments[4].bytes, b"secret");
        assert!(p.attachments.iter().all(|a| !a.inline));
        assert_eq!(p.body.text, "See attached.");
    }

    #[test]
    fn no_fixture_prefix_or_mutation_panics() {
        let all: [&[u8]; 21] = [
            fixture!("alternative-iso-8859-1-qp.eml"),
            fixture!("apple-mail-reply-quoted-block.eml"),
            fixture!("binary-garbage.eml"),
            fixture!("bounce-multipart-report-mailer-daemon.eml"),
            fixture!("broken-headers-no-message-id.eml"),
            fixture!("empty.eml"),
            fixture!("exchange-oof-automatic-reply.eml"),
            fixture!("from-without-at.eml"),
            fixture!("gmail-reply-wrapped-attribution.eml"),
            fixture!("hostile-attachment-names.eml"),
            fixture!("long-line-10000-chars.eml"),
            fixture!("mailing-list-list-id.eml"),
            fixture!("mixed-related-inline-png-pdf-rfc2231.eml"),
            fixture!("out-of-office-auto-submitted.eml"),
            fixture!("outlook-german-reply-urspruengliche-nachricht.eml"),
            fixture!("outlook-html-only-reply-divrplyfwdmsg.eml"),
            fixture!("reply-quoting-reply-marker.eml"),
            fixture!("shift-jis-body-iso-2022-jp-subject.eml"),
            fixture!("utf-8-base64-csv-attachment.eml"),
            fixture!("windows-1252-8bit.eml"),
            fixture!("x-loop-oxidesk-notification.eml"),
        ];
        let mut seed: u32 = 7;
        let mut next = move || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) as usize
        };
        for raw in all {
            // every prefix length in steps (cut mid-header, mid-boundary, mid-base64 ...)
            for len in (0..raw.len().min(2_000)).step_by(13) {
                let _ = parse(&raw[..len]);
            }
            // random byte flips
            for _ in 0..30 {
                let mut copy = raw.to_vec();
                for _ in 0..4 {
                    if !copy.is_empty() {
                        let i = next() % copy.len();
                        copy[i] = (next() & 0xff) as u8;
                    }
                }
                let _ = parse(&copy);
            }
        }
    }

    // --- parse(): body selection and limits ---------------------------------------------------

    #[test]
    fn body_is_capped_on_a_char_boundary() {
        let body = "ä".repeat(MAX_BODY_BYTES / 2 + 10); // 2 bytes each: just over the cap
        let p = ok(&mail("", &body));
        assert!(p.body.truncated);
        assert_eq!(p.body.text.len(), MAX_BODY_BYTES);
        assert_eq!(p.full_text.len(), MAX_BODY_BYTES);
        assert!(p.body.text.chars().all(|c| c == 'ä'));
    }

    #[test]
    fn html_only_mail_that_is_all_quote_keeps_everything() {
        let raw =
            b"From: a@b.test\r\nContent-Type: text/html\r\n\r\n<blockquote type=\"cite\">only a quote</blockquote>";
        let p = ok(raw);
        assert!(p.body.html);
        assert_eq!(p.body.text, "<blockquote>only a quote</blockquote>");
    }

    #[test]
    fn empty_text_alternative_falls_back_to_html() {
        let raw = b"From: a@b.test\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\n \r\n--x\r\nContent-Type: text/html\r\n\r\n<p>Real <b>content</b><script>x()</script></p>\r\n--x--\r\n";
        let p = ok(raw);
        assert_eq!(p.body, Body { text: "<p>Real <b>content</b></p>".into(), html: true, truncated: false });
        assert_eq!(p.full_text, "Real content\n"); // untrimmed, as mail-parser converts it
    }

    #[test]
    fn attachment_only_mail_has_empty_body() {
        let raw = b"From: a@b.test\r\nContent-Type: application/pdf; name=x.pdf\r\nContent-Disposition: attachment; filename=x.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n";
        let p = ok(raw);
        assert_eq!(p.body, Body::default());
        assert_eq!(p.full_text, "");
        assert_eq!(names(&p), ["x.pdf"]);
        assert_eq!(p.attachments[0].bytes, b"%PDF-");
    }

    #[test]
    fn forwarded_mail_keeps_the_forwarded_content() {
        let body = "FYI, customer problem below.\r\n\r\n---------- Forwarded message ---------\r\nFrom: Customer <c@example.test>\r\nDate: Mon, 23 Nov 2026\r\nSubject: Broken\r\n\r\nIt is broken.\r\n-- \r\nCustomer Inc.\r\n";
        let p = ok(&mail("Subject: Fwd: Broken\r\n", body));
        assert_eq!(p.body.text, body.replace("\r\n", "\n").trim_end());
        // the marker is still honoured in forwards
        let p = ok(&mail("Subject: Fwd: x\r\n", &format!("see below\r\n{REPLY_MARKER}\r\nnotification")));
        assert_eq!(p.body.text, "see below");
    }

    #[test]
    fn ids_and_subject_are_cleaned() {
        let p = ok(b"From: A <A@B.Test>\r\nMessage-ID:   <  id-1@b.test >\r\nIn-Reply-To: <x@y> <z@w>\r\nSubject: one\ttwo \x07bell\r\n\r\nhi");
        assert_eq!(p.message_id, "id-1@b.test");
        assert_eq!(p.in_reply_to, ["x@y", "z@w"]);
        assert_eq!(p.subject, "one two bell");
        assert_eq!(p.from.address, "a@b.test");
        let p = ok(b"From: a@b.test\r\n\r\nhi");
        assert_eq!(p.subject, "");
        assert!(p.message_id.starts_with("sha256-") && p.message_id.ends_with("@missing.oxidesk"));
    }

    #[test]
    fn overlong_ids_are_hashed_and_references_capped() {
        let long = format!("{}@x.test", "a".repeat(300));
        let refs: Vec<String> = (0..150).map(|i| format!("<r{i}@x.test>")).collect();
        let headers = format!("From: a@b.test\r\nMessage-ID: <{long}>\r\nReferences: {}\r\n\r\nhi", refs.join("\r\n "));
        let p = ok(headers.as_bytes());
        let hashed = format!("sha256-{}@long.oxidesk", hex::encode(Sha256::digest(long.as_bytes())));
        assert_eq!(p.message_id, hashed);
        assert_eq!(p.references.len(), MAX_REFERENCES);
        assert_eq!(p.references.first().map(String::as_str), Some("r50@x.test"));
        assert_eq!(p.references.last().map(String::as_str), Some("r149@x.test"));
    }

    // --- auto detection -----------------------------------------------------------------------

    #[test]
    fn auto_submitted_rules() {
        assert_eq!(auto_of("Auto-Submitted: no\r\n"), None);
        assert_eq!(auto_of("Auto-Submitted: No ; human\r\n"), None);
        assert_eq!(auto_of("Auto-Submitted: no (sent by a person)\r\n"), None);
        assert_eq!(
            auto_of("auto-submitted: auto-generated\r\n"),
            kind(AutoCategory::AutoReply, "Auto-Submitted: auto-generated")
        );
        assert_eq!(auto_of("X-Autoreply: yes\r\n"), kind(AutoCategory::AutoReply, "X-Autoreply: yes"));
        assert_eq!(auto_of("X-Autorespond: x\r\n"), kind(AutoCategory::AutoReply, "X-Autorespond: x"));
        assert_eq!(auto_of("X-AutoResponder: 1\r\n"), kind(AutoCategory::AutoReply, "X-AutoResponder: 1"));
        assert_eq!(
            auto_of("X-Auto-Response-Suppress: DR, OOF\r\n"),
            kind(AutoCategory::AutoReply, "X-Auto-Response-Suppress: DR, OOF")
        );
        assert_eq!(auto_of("X-Auto-Response-Suppress: DR, RN\r\n"), None);
        assert_eq!(auto_of("Precedence: auto_reply\r\n"), kind(AutoCategory::AutoReply, "Precedence: auto_reply"));
    }

    #[test]
    fn bulk_bounce_and_loop_rules() {
        assert_eq!(auto_of("Precedence: Junk\r\n"), kind(AutoCategory::Bulk, "Precedence: Junk"));
        assert_eq!(auto_of("Precedence: first-class\r\n"), None);
        assert_eq!(
            auto_of("List-Unsubscribe: <mailto:u@l.test>\r\n"),
            kind(AutoCategory::Bulk, "List-Unsubscribe: <mailto:u@l.test>")
        );
        assert_eq!(auto_of("Return-Path: < >\r\n"), kind(AutoCategory::Bounce, "Return-Path: <>"));
        assert_eq!(auto_of("Return-Path: <kim@example.test>\r\n"), None);
        assert_eq!(
            auto_of("X-Failed-Recipients: x@y.test\r\n"),
            kind(AutoCategory::Bounce, "X-Failed-Recipients: x@y.test")
        );
        assert_eq!(auto_of("X-Loop: OxiDesk@desk.test\r\n"), kind(AutoCategory::Loop, "X-Loop: OxiDesk@desk.test"));
        assert_eq!(auto_of("X-Loop: somebody-else\r\n"), None);
        let p = ok(b"From: Postmaster <POSTMASTER@example.test>\r\n\r\nhi");
        assert_eq!(p.auto, kind(AutoCategory::Bounce, "From: postmaster@example.test"));
    }

    #[test]
    fn auto_reply_subject_needs_a_weak_header_signal() {
        assert_eq!(auto_of("Subject: Out of Office: back Monday\r\n"), None);
        assert_eq!(auto_of("Subject: Undeliverable: your mail\r\n"), None);
        assert_eq!(
            auto_of("Subject: Out of Office: back Monday\r\nX-Auto-Response-Suppress: DR, RN\r\n"),
            kind(AutoCategory::AutoReply, "Subject: Out of Office: back Monday + X-Auto-Response-Suppress: DR, RN")
        );
        let p = ok(b"From: no-reply@mail.test\r\nSubject: Undeliverable: Re: hello\r\n\r\nfailed");
        assert_eq!(p.auto, kind(AutoCategory::Bounce, "Subject: Undeliverable: Re: hello + From: no-reply@mail.test"));
        // a no-reply sender alone (monitoring, shops) is a normal mail
        let p = ok(b"From: noreply@monitor.test\r\nSubject: Disk full on db1\r\n\r\n95%");
        assert_eq!(p.auto, None);
    }

    // --- trim_quoted --------------------------------------------------------------------------

    #[test]
    fn marker_cuts_even_without_quote_prefix() {
        let text = format!("Done.\r\n\r\n{REPLY_MARKER}\r\nTicket updated\r\n\r\nmore text after");
        assert_eq!(trim_quoted(&text), "Done.");
        assert_eq!(trim_quoted(&format!("Done.\n> > {REPLY_MARKER}\n> > x\nnot quoted")), "Done.");
    }

    #[test]
    fn attribution_lines_in_several_languages() {
        let cases = [
            "On Mon, 23 Nov 2026 at 10:00, Support <s@d.test> wrote:",
            "Am 23.11.2026 um 10:00 schrieb Support <s@d.test>:",
            "Am Mo., 23. Nov. 2026 um 10:00 Uhr schrieb Support <s@d.test>:",
            "Le lun. 23 nov. 2026 à 10:00, Support <s@d.test> a écrit :",
            "Le 23/11/2026 à 10:00, Support a\u{a0}écrit\u{a0}:",
            "El lun, 23 nov 2026 a las 10:00, Support (<s@d.test>) escribió:",
            "Il giorno lun 23 nov 2026 alle ore 10:00 Support <s@d.test> ha scritto:",
            "Op ma 23 nov 2026 om 10:00 schreef Support <s@d.test>:",
            "pon., 23 lis 2026 o 10:00 Support <s@d.test> napisał(a):",
            "Em seg., 23 de nov. de 2026 às 10:00, Support <s@d.test> escreveu:",
        ];
        for attribution in cases {
            let text = format!("My answer.\n\n{attribution}\n> quoted\nnot quoted but after attribution");
            assert_eq!(trim_quoted(&text), "My answer.", "attribution: {attribution}");
        }
    }

    #[test]
    fn attribution_wrapped_over_two_lines() {
        let text = "Answer\n\nOn Mon, 23 Nov 2026 at 10:00, Oxidesk Support <\nsupport@desk.test> wrote:\n\n> old";
        assert_eq!(trim_quoted(text), "Answer");
        // a normal sentence ending in a colon is not an attribution
        let text = "On Monday the printer showed this:\nError 42\n";
        assert_eq!(trim_quoted(text), "On Monday the printer showed this:\nError 42");
    }

    #[test]
    fn outlook_separators() {
        let original = "Fixed.\n\n-----Original Message-----\nFrom: S\nSent: Monday\nold";
        assert_eq!(trim_quoted(original), "Fixed.");
        let french = "Merci.\n\n-----Message d'origine-----\nDe : S\nold";
        assert_eq!(trim_quoted(french), "Merci.");
        let underscores = "Thanks\n\n________________________________\nFrom: Support <s@d.test>\nSent: Monday\n";
        assert_eq!(trim_quoted(underscores), "Thanks");
        let block = "Ok\n\nVon: Support <s@d.test>\nAn: Kunde\nGesendet: Montag\nBetreff: x\n\nold";
        assert_eq!(trim_quoted(block), "Ok");
        let bold = "Ok\n*From:* Support\n*Sent:* Monday\nold";
        assert_eq!(trim_quoted(bold), "Ok");
        // underscores alone (a drawn line) and From: without Sent: are content
        assert_eq!(trim_quoted("Table\n__________\nrow"), "Table\n__________\nrow");
        assert_eq!(trim_quoted("From: the lab\nWe saw X"), "From: the lab\nWe saw X");
    }

    #[test]
    fn forwarded_header_block_is_not_cut() {
        let text = "See below\n\n---------- Forwarded message ---------\nFrom: C <c@x.test>\nDate: Mon\n\nBroken";
        assert_eq!(trim_quoted(text), text);
    }

    #[test]
    fn trailing_quote_block_only_when_trailing() {
        assert_eq!(trim_quoted("Answer\n\n> q1\n>\n> q2\n\n"), "Answer");
        // inline (interleaved) replies keep their quotes
        let inline = "> question 1\nanswer 1\n> question 2\nanswer 2";
        assert_eq!(trim_quoted(inline), inline);
    }

    #[test]
    fn signature_delimiter_must_be_exact() {
        assert_eq!(trim_quoted("Thanks\n-- \nJane Doe\nACME"), "Thanks");
        assert_eq!(trim_quoted("Thanks\n--\nJane"), "Thanks\n--\nJane");
        assert_eq!(trim_quoted("Thanks\n-- Jane"), "Thanks\n-- Jane");
    }

    #[test]
    fn earliest_cut_wins_and_whitespace_is_tidied() {
        // signature above the attribution: cut at the signature
        assert_eq!(trim_quoted("\n\n  Thanks\n-- \nJane\nOn Mon, X wrote:\n> q"), "  Thanks");
        // attribution above our quoted marker: the attribution goes too
        let text = format!("Yes\n\nOn Mon, Support wrote:\n> {REPLY_MARKER}\n> x");
        assert_eq!(trim_quoted(&text), "Yes");
        assert_eq!(trim_quoted("a\r\nb\rc\r\n"), "a\nb\nc");
    }

    #[test]
    fn nothing_left_returns_whole_text() {
        let text = format!("\n{REPLY_MARKER}\nreply typed below the marker\n");
        assert_eq!(trim_quoted(&text), text.trim());
        assert_eq!(trim_quoted("> all quoted\n> text"), "> all quoted\n> text");
        assert_eq!(trim_quoted(""), "");
    }

    // --- trim_quoted_html ---------------------------------------------------------------------

    #[test]
    fn html_blockquote_cite_removed_interleaved_answers_kept() {
        let html = r#"<div>Top answer</div><blockquote type="cite" cite="mid:x"><div>q1<blockquote type=cite>older</blockquote></div></blockquote><p>answer 2</p><BLOCKQUOTE TYPE='CITE'>q2</BLOCKQUOTE>"#;
        assert_eq!(trim_quoted_html(html), "<div>Top answer</div><p>answer 2</p>");
    }

    #[test]
    fn html_containers_cut_to_the_end() {
        let cases = [
            r#"<p>Answer</p><div id="appendonsend"></div><hr><div>old</div>"#,
            r#"<p>Answer</p><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> x</div><div>old</div>"#,
            r#"<p>Answer</p><hr id="stopSpelling">old"#,
            "<p>Answer</p><p>##- Please type your reply above this line -##</p><p>old</p>",
            r#"<p>Answer</p><div class="moz-cite-prefix">On Mon, X wrote:<br></div>"#,
            r#"<p>Answer</p><div class="yahoo_quoted"><div>old</div></div>"#,
            r#"<p>Answer</p><!-- <div id="x"> --><div class="gmail_quote"><div>old</div></div>"#,
        ];
        for html in cases {
            assert_eq!(trim_quoted_html(html), "<p>Answer</p>", "html: {html}");
        }
    }

    #[test]
    fn html_is_sanitised_and_never_emptied() {
        let html =
            r#"<p onclick="evil()">Hi<script>alert(1)</script><a href="javascript:x">l</a><img src="cid:a@b"></p>"#;
        assert_eq!(trim_quoted_html(html), r#"<p>Hi<a rel="noopener noreferrer">l</a><img src="cid:a@b"></p>"#);
        let only_quote = r#"<div class="gmail_quote">On Mon, X wrote: old</div>"#;
        assert_eq!(trim_quoted_html(only_quote), "<div>On Mon, X wrote: old</div>");
        assert_eq!(trim_quoted_html("<p>unclosed <blockquote type=cite>q"), "<p>unclosed </p>");
        assert_eq!(trim_quoted_html("<p>broken <a href='x"), "<p>broken </p>");
    }

    #[test]
    fn attribute_parser_edge_cases() {
        assert_eq!(attr(" =\"\"ä class=x", "class"), Some("x"));
        assert_eq!(attr(" class = 'a b' id=c", "id"), Some("c"));
        assert_eq!(attr(" CLASS=\"gmail_quote\"", "class"), Some("gmail_quote"));
        assert_eq!(attr(" class", "class"), Some(""));
        assert_eq!(attr(" class=\"unterminated", "class"), Some("unterminated"));
        assert_eq!(attr(" data-class=x", "class"), None);
        assert_eq!(attr("", "class"), None);
    }

    #[test]
    fn random_markup_never_panics() {
        const TOKENS: &[&str] = &[
            "<",
            ">",
            "</",
            "=",
            "\"",
            "'",
            "ä",
            "😀",
            " ",
            "\n",
            "\r\n",
            "div",
            "blockquote",
            " type=cite",
            " class=\"gmail_quote\"",
            " id=appendonsend",
            "<!--",
            "-->",
            "</div>",
            "<hr id=stopSpelling>",
            "> ",
            "On x wrote:",
            "-- ",
            "__________",
            "From: a",
            "Sent: b",
            REPLY_MARKER,
            "&nbsp;",
            "<img src=cid:x>",
            "/",
            "\\",
            "..",
            "\u{202e}",
            "\u{0}",
        ];
        let mut seed: u32 = 42;
        let mut next = move || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) as usize
        };
        for _ in 0..3_000 {
            let len = next() % 40;
            let text: String = (0..len).map(|_| TOKENS[next() % TOKENS.len()]).collect();
            let _ = trim_quoted_html(&text);
            let _ = trim_quoted(&text);
            let name = sanitize_filename(&text);
            assert!(name.chars().count() <= MAX_FILENAME_CHARS);
            assert!(!name.contains(FORBIDDEN_FILENAME_CHARS) && !name.starts_with('.'));
        }
    }

    // --- file names ---------------------------------------------------------------------------

    #[test]
    fn sanitize_filename_cases() {
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename(r"C:\Users\x\report.pdf"), "report.pdf");
        assert_eq!(sanitize_filename("..."), "");
        assert_eq!(sanitize_filename("  .bashrc  "), "bashrc");
        assert_eq!(sanitize_filename("a\u{0}b\u{7f}c\td.txt"), "abcd.txt");
        assert_eq!(sanitize_filename("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
        assert_eq!(sanitize_filename("what?*|<>\";:.doc."), "what.doc");
        assert_eq!(sanitize_filename("Grüße 📎.txt"), "Grüße 📎.txt");
        let long = format!("{}.tar.gz", "ü".repeat(300));
        let cut = sanitize_filename(&long);
        assert_eq!(cut.chars().count(), MAX_FILENAME_CHARS);
        assert!(cut.ends_with("ü.gz"));
    }
}
