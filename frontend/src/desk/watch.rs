//! What live updates change on screen: the list reads itself again when tickets change; an open
//! ticket shows new entries as they come and who else has it open or is writing on it — and says
//! so itself (`PUT …/presence` every 15 s, with `typing` while the draft changes), so that the 409
//! of two agents answering at once becomes the rare case. An open ticket is read (`PUT …/read`):
//! as it opens and as what arrives is shown, so its row is no longer bold and the bell counts
//! its notifications out.

use std::time::Duration;

use leptos::prelude::*;
use shared::live::{PresenceUpdate, TicketEvent};
use ui::api::{self, Call};
use ui::pages::ticket::TicketWatch;
use ui::session::Session;

use crate::bell::Bell;
use crate::live::{settled, Link, Live};

/// How often an open ticket says it is still open (the server forgets it after 45 s).
const RENEW: Duration = Duration::from_secs(15);
/// A keystroke says "typing" at most this often (the server counts it for 8 s).
const TYPING_EVERY_MS: f64 = 3_000.0;

/// The list's part: read again when tickets change; the stream's state beside the heading.
pub fn list_live(refresh: Callback<()>) -> AnyView {
    let Some(live) = Live::get() else {
        return ().into_any();
    };
    let again = settled(move || {
        refresh.try_run(());
    });
    Effect::new(move |first: Option<()>| {
        live.event.track();
        live.resync.track();
        if first.is_some() {
            again();
        }
    });
    view! {
        <p class="live-state muted" role="status" data-testid="live-state">
            {move || match live.link.get() {
                Link::Open => "Live: changes show as they happen.",
                Link::Connecting => "Connecting for live changes…",
                Link::Retrying => "Live changes paused: reconnecting…",
            }}
        </p>
    }
    .into_any()
}

/// The open ticket's part.
pub fn ticket_watch(w: TicketWatch) -> AnyView {
    let Some(live) = Live::get() else {
        return ().into_any();
    };
    let session = Session::get();
    let me = session.user().map(|u| u.id);
    let bell = Bell::get();
    let read = move |number: String| {
        leptos::task::spawn_local(async move {
            // Unread stays unread if this fails: the row stays bold, nothing is lost.
            if session.send(&api::ticket_part_call(&number, "read", Call::put)).await.is_ok() {
                if let Some(bell) = bell {
                    bell.count_again();
                }
            }
        });
    };

    // Someone else changed this ticket: show it as it is now (the draft stays), and it is read.
    Effect::new(move |_| {
        let Some(event) = live.event.get() else { return };
        if event.ticket == w.number.get_untracked() {
            w.reload.run(());
            w.notice.set(Some(told(&event)));
            read(event.ticket);
        }
    });
    Effect::new(move |first: Option<()>| {
        live.resync.track();
        if first.is_some() {
            w.reload.run(());
        }
    });

    // Say we have it open, now and every 15 s, and whether we are typing; say when we leave.
    let say = move |number: String, typing: bool| {
        leptos::task::spawn_local(async move {
            let call = api::ticket_part_call(&number, "presence", Call::put).json(&PresenceUpdate { typing });
            // A lost renewal is renewed 15 s later; nothing to tell the agent.
            let _ = session.send(&call).await;
        });
    };
    let leave = move |number: String| {
        leptos::task::spawn_local(async move {
            let _ = session.send(&api::ticket_part_call(&number, "presence", Call::delete)).await;
        });
    };
    // The ticket we said we have open: the page's number changes to "" as it is left.
    let open = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let number = Some(w.number.get()).filter(|n| !n.is_empty());
        if let Some(previous) = open.get_value().filter(|p| Some(p) != number.as_ref()) {
            leave(previous);
        }
        if let Some(number) = number.clone() {
            say(number.clone(), false);
            read(number);
        }
        open.set_value(number);
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if let Some(number) = open.try_get_value().flatten() {
                say(number, false);
            }
        },
        RENEW,
    ) {
        on_cleanup(move || handle.clear());
    }
    let last_typing = StoredValue::new(0.0f64);
    Effect::new(move |first: Option<()>| {
        let empty = w.draft.message.with(|m| m.trim().is_empty());
        let now = js_sys::Date::now();
        if first.is_some() && !empty && now - last_typing.get_value() > TYPING_EVERY_MS {
            last_typing.set_value(now);
            if let Some(number) = open.get_value() {
                say(number, true);
            }
        }
    });
    on_cleanup(move || {
        if let Some(number) = open.try_get_value().flatten() {
            leave(number);
        }
    });
    // The tab closes or goes elsewhere: a request that outlives the page says we left.
    let unloading = window_event_listener_untyped("pagehide", move |_| {
        if let (Some(number), Some(token)) = (open.try_get_value().flatten(), session.token()) {
            leave_as_page_goes(&number, &token);
        }
    });
    on_cleanup(move || unloading.remove());

    let others = Memo::new(move |_| {
        let number = w.number.get();
        live.presence.with(|all| {
            all.get(&number).map(|people| people.iter().filter(|p| Some(p.id) != me).cloned().collect::<Vec<_>>())
        })
    });
    view! {
        <div class="presence" role="status" data-testid="presence">
            {move || others.get().unwrap_or_default().into_iter().map(|p| {
                let text = if p.typing {
                    format!("{} is typing a reply…", p.name)
                } else {
                    format!("{} is viewing this ticket", p.name)
                };
                view! {
                    <p class="presence-person" class:typing=p.typing>
                        <span class="avatar" aria-hidden="true">{ui::components::person_picker::initials(&p.name, "")}</span>
                        {text}
                    </p>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// `DELETE …/presence` with `keepalive`, which the browser finishes after the page is gone.
fn leave_as_page_goes(number: &str, token: &str) {
    let Some(window) = web_sys::window() else { return };
    let init = web_sys::RequestInit::new();
    init.set_method("DELETE");
    // Not in web-sys's RequestInit yet; the browser's fetch knows it.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
    let headers = web_sys::Headers::new();
    if let Ok(headers) = &headers {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
        init.set_headers(headers);
    }
    let number = String::from(js_sys::encode_uri_component(number));
    // Nothing waits for the answer: the page is going.
    let _ = window.fetch_with_str_and_init(&format!("/api/tickets.json/{number}/presence"), &init);
}

/// "Carol Customer wrote" — what happened, for the page's status line.
fn told(event: &TicketEvent) -> String {
    let who = if event.actor.is_empty() { "Someone" } else { event.actor.as_str() };
    let what = match event.kind.as_str() {
        "ticket.message" => "wrote a message",
        "ticket.response" => "sent a response",
        "ticket.note" => "added an internal note",
        "ticket.status" => "changed the status",
        "ticket.assign" => "changed the assignees",
        "ticket.requester" => "changed the customer",
        "ticket.cc" => "changed who is copied",
        "ticket.update" => "changed the ticket's fields",
        "ticket.time" => "recorded time",
        _ => "changed the ticket",
    };
    format!("{who} {what}; the ticket is up to date.")
}
