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

/// The badge classes of a priority: the four built-in ones have a colour each (style.css), others
/// the plain badge.
pub fn priority_class(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    match name.as_str() {
        "low" | "normal" | "high" | "urgent" => format!("badge priority priority-{name}"),
        _ => "badge priority".to_owned(),
    }
}

/// How long ago, in words, for `seconds` ago: "just now", "5 min ago", "3 h ago", "yesterday",
/// "4 days ago"; none beyond a week (the date says more then) or in the future.
pub fn ago(seconds: f64) -> Option<String> {
    // A browser clock a little behind the server's reads "just now", not a date.
    let seconds = if seconds > -60.0 { seconds.max(0.0) } else { return None };
    let minutes = (seconds / 60.0).floor() as i64;
    let hours = minutes / 60;
    let days = hours / 24;
    match (minutes, hours, days) {
        (0, _, _) => Some("just now".to_owned()),
        (m, 0, _) => Some(format!("{m} min ago")),
        (_, h, 0) => Some(format!("{h} h ago")),
        (_, _, 1) => Some("yesterday".to_owned()),
        (_, _, d) if d < 7 => Some(format!("{d} days ago")),
        _ => None,
    }
}

/// The server's UTC time in the reader's own time zone and language, e.g. "6 Dec 2026, 09:15".
pub fn local(value: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
    if date.get_time().is_nan() {
        return timestamp(value);
    }
    let options = js_sys::Object::new();
    for (key, choice) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &choice.into());
    }
    String::from(date.to_locale_string("default", &options))
}

/// A time as people read it at a glance: how long ago (or the local date beyond a week), the
/// local date and time on hover, the exact UTC time for machines.
#[leptos::component]
pub fn When(#[prop(into)] value: String) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&value)).get_time();
    let full = local(&value);
    let shown = ago((js_sys::Date::now() - at) / 1000.0).unwrap_or_else(|| full.clone());
    view! { <time datetime=value title=full>{shown}</time> }
}

#[cfg(test)]
mod tests {
    use super::{ago, priority_class};

    #[test]
    fn built_in_priorities_have_their_colour() {
        assert_eq!(priority_class("Urgent"), "badge priority priority-urgent");
        assert_eq!(priority_class("Whenever"), "badge priority");
    }

    #[test]
    fn times_read_as_how_long_ago() {
        assert_eq!(ago(5.0).as_deref(), Some("just now"));
        assert_eq!(ago(300.0).as_deref(), Some("5 min ago"));
        assert_eq!(ago(3.0 * 3600.0 + 5.0).as_deref(), Some("3 h ago"));
        assert_eq!(ago(30.0 * 3600.0).as_deref(), Some("yesterday"));
        assert_eq!(ago(4.0 * 86400.0).as_deref(), Some("4 days ago"));
        assert_eq!(ago(8.0 * 86400.0), None);
        assert_eq!(ago(-20.0).as_deref(), Some("just now"), "a clock a little ahead of ours");
        assert_eq!(ago(-7200.0), None);
    }
}
