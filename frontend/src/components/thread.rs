//! A ticket's conversation: customer messages, agent responses, internal notes and events.

use leptos::prelude::*;
use shared::tickets::{EntryType, ThreadEntry};

use crate::text::{html_to_text, timestamp};

#[component]
pub fn Thread(entries: Vec<ThreadEntry>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="muted">"No messages yet."</p> }.into_any();
    }
    view! {
        <ol class="thread" aria-label="Conversation" data-testid="thread">
            {entries.into_iter().map(|entry| view! { <Entry entry/> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Entry(entry: ThreadEntry) -> impl IntoView {
    let body = if entry.format.eq_ignore_ascii_case("html") {
        html_to_text(&entry.body)
    } else {
        entry.body.clone()
    };
    let when = timestamp(&entry.created);

    if entry.entry_type == EntryType::E {
        // Events (status changes, assignments) are context, not conversation: one quiet line.
        let text = entry
            .title
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or(body);
        return view! {
            <li class="entry entry-event" data-testid="thread-entry" data-entry-type="E">
                <span>{text}</span>" · "
                <time datetime=entry.created.clone()>{when}</time>
            </li>
        }
        .into_any();
    }

    let (class, label) = match entry.entry_type {
        EntryType::M => ("entry entry-message", "Message"),
        EntryType::R => ("entry entry-response", "Response"),
        // Never shown to customers; the distinct style keeps agents from mistaking one for a reply.
        _ => ("entry entry-note", "Internal note"),
    };
    view! {
        <li class=class data-testid="thread-entry" data-entry-type=entry.entry_type.as_str()>
            <article aria-label=format!("{label} from {}", entry.poster)>
                <header class="entry-head">
                    <span class="poster">{entry.poster.clone()}</span>
                    <span class="badge">{label}</span>
                    <time datetime=entry.created.clone()>{when}</time>
                </header>
                {entry.title.clone().filter(|t| !t.is_empty()).map(|title| view! {
                    <p class="entry-title">{title}</p>
                })}
                <div class="entry-body">{body}</div>
            </article>
        </li>
    }
    .into_any()
}
