//! Turning what the server stores into text that is safe and readable on screen.

use web_sys::{DomParser, SupportedType};

/// `2026-11-16T13:21:53Z` → `2026-11-16 13:21 UTC`. The server speaks RFC 3339 in UTC; showing
/// the minute is precise enough for a helpdesk, and saying "UTC" avoids guessing a time zone.
pub fn timestamp(value: &str) -> String {
    match (value.get(..10), value.get(11..16)) {
        (Some(date), Some(time)) if value.ends_with('Z') => format!("{date} {time} UTC"),
        (Some(date), Some(time)) => format!("{date} {time}"),
        _ => value.to_owned(),
    }
}

/// The text of an HTML body, where only text fits (events, or a message the browser cannot parse;
/// messages themselves are shown through `message_html`). The inert document that `DOMParser`
/// builds runs and loads nothing, and only its text is shown.
pub fn html_to_text(html: &str) -> String {
    DomParser::new()
        .ok()
        .and_then(|parser| parser.parse_from_string(html, SupportedType::TextHtml).ok())
        .and_then(|document| document.body())
        .and_then(|body| body.text_content())
        .map(|text| text.trim().to_owned())
        // Shown as text either way, so falling back to the markup is safe, merely ugly.
        .unwrap_or_else(|| html.to_owned())
}
