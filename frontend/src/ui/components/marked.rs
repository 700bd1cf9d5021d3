//! Text with a search's words marked (`<mark>`), where a list or a thread shows what was found.

use leptos::prelude::*;

#[component]
pub fn Marked(text: String, terms: Vec<String>) -> impl IntoView {
    let mut parts = Vec::new();
    let mut at = 0;
    for range in shared::search::term_ranges(&text, &terms) {
        parts.push(text[at..range.start].to_owned().into_any());
        parts.push(view! { <mark>{text[range.clone()].to_owned()}</mark> }.into_any());
        at = range.end;
    }
    parts.push(text[at..].to_owned().into_any());
    parts
}
