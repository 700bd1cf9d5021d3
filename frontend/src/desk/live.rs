//! The desk's end of live updates: one event stream per tab (`GET /api/events`, read with
//! `fetch` so that it carries the same Bearer token as every other request), reconnecting after
//! a pause that doubles up to half a minute, resuming after the last event it saw. What arrives
//! lands in signals the pages watch: the newest ticket event (the list reads itself again, the
//! open ticket too, the bell counts again) and who has which ticket open (`presence`).

use std::collections::BTreeMap;

use gloo_net::http::Request;
use leptos::prelude::*;
use shared::live::{Present, TicketEvent, TicketPresence};
use shared::ApiErrorBody;
use ui::api::ApiError;
use ui::session::Session;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Changes arriving together are acted on once, this long after the first.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(300);

/// `run` once, a moment after the first of a burst of calls (a bulk change's many events); not
/// at all if the page that asked is gone by then.
pub fn settled(run: impl Fn() + Copy + 'static) -> impl Fn() + Copy + 'static {
    let waiting = StoredValue::new(false);
    move || {
        if waiting.try_get_value() == Some(false) {
            waiting.set_value(true);
            set_timeout(
                move || {
                    if waiting.try_set_value(false).is_none() {
                        run();
                    }
                },
                SETTLE,
            );
        }
    }
}

/// The shortest and the longest pause before connecting again.
const FIRST_PAUSE_MS: i32 = 1_000;
const LONGEST_PAUSE_MS: i32 = 30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Open,
    /// Lost; trying again shortly.
    Retrying,
}

#[derive(Clone, Copy)]
pub struct Live {
    /// The newest ticket event someone else caused.
    pub event: RwSignal<Option<TicketEvent>>,
    /// Bumped when the stream fell behind or reconnected after a gap: read again what is shown.
    pub resync: RwSignal<u64>,
    pub presence: RwSignal<BTreeMap<String, Vec<Present>>>,
    pub link: RwSignal<Link>,
}

impl Live {
    /// Starts the stream for this tab while someone is signed in, and offers it to the pages.
    pub fn provide() -> Live {
        let live = Live {
            event: RwSignal::new(None),
            resync: RwSignal::new(0),
            presence: RwSignal::new(BTreeMap::new()),
            link: RwSignal::new(Link::Connecting),
        };
        provide_context(live);
        let session = Session::get();
        let running = StoredValue::new(false);
        Effect::new(move |_| {
            if session.is_signed_in() && !running.get_value() {
                running.set_value(true);
                leptos::task::spawn_local(async move {
                    run(live, session).await;
                    running.try_set_value(false);
                });
            }
        });
        live
    }

    pub fn get() -> Option<Live> {
        use_context::<Live>()
    }
}

/// Connects, reads until the stream ends, and connects again, for as long as someone is signed in.
async fn run(live: Live, session: Session) {
    let mut last_id: Option<i64> = None;
    let mut pause = FIRST_PAUSE_MS;
    while untrack(|| session.is_signed_in()) {
        live.link.try_set(Link::Connecting);
        let me = untrack(|| session.user().map(|u| u.id));
        let opened = session.call(|token| async move { open(&token, last_id).await }).await;
        match opened {
            Ok(body) => {
                live.link.try_set(Link::Open);
                if last_id.is_some() {
                    // Back after a gap: what was missed is caught up by the stream, but a list
                    // read before the gap is read again to be sure.
                    live.resync.try_update(|n| *n += 1);
                }
                pause = FIRST_PAUSE_MS;
                if read(body, live, me, &mut last_id, session).await.is_err() {
                    live.link.try_set(Link::Retrying);
                    sleep(pause).await;
                }
            }
            Err(error) if error.is_unauthorized() => return,
            Err(_) => {
                live.link.try_set(Link::Retrying);
                sleep(pause).await;
                pause = (pause * 2).min(LONGEST_PAUSE_MS);
            }
        }
    }
}

async fn open(token: &str, last_id: Option<i64>) -> Result<web_sys::ReadableStream, ApiError> {
    let mut request = Request::get("/api/events").header("Authorization", &format!("Bearer {token}"));
    if let Some(id) = last_id {
        request = request.header("Last-Event-ID", &id.to_string());
    }
    let response = request.send().await.map_err(|e| ApiError::Network(e.to_string()))?;
    if !response.ok() {
        let body = response.text().await.ok().and_then(|text| serde_json::from_str::<ApiErrorBody>(&text).ok());
        return Err(ApiError::Status { status: response.status(), body });
    }
    response.body().ok_or_else(|| ApiError::Decode("the event stream has no body".into()))
}

/// Reads the stream until it ends (Ok) or breaks (Err), handing each message on.
async fn read(
    body: web_sys::ReadableStream,
    live: Live,
    me: Option<i64>,
    last_id: &mut Option<i64>,
    session: Session,
) -> Result<(), ()> {
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut buffer: Vec<u8> = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|_| ())?;
        let done = js_sys::Reflect::get(&chunk, &"done".into()).map_err(|_| ())?.as_bool().unwrap_or(true);
        if done || !untrack(|| session.is_signed_in()) {
            let _ = reader.cancel();
            return Ok(());
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|_| ())?;
        buffer.extend(js_sys::Uint8Array::new(&value).to_vec());
        // Messages end with a blank line; a chunk may end inside one (or inside a character).
        while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
            let message: Vec<u8> = buffer.drain(..end + 2).collect();
            let message = String::from_utf8_lossy(&message);
            if let Some((name, id, data)) = parse(&message) {
                if let Some(id) = id {
                    *last_id = Some(id);
                }
                hand_on(&name, &data, live, me);
            }
        }
    }
}

/// `event:`, `id:` and `data:` of one message; comments (the heartbeat) are nothing.
fn parse(message: &str) -> Option<(String, Option<i64>, String)> {
    let (mut name, mut id, mut data) = (None, None, String::new());
    for line in message.lines() {
        if let Some(v) = line.strip_prefix("event: ") {
            name = Some(v.to_owned());
        } else if let Some(v) = line.strip_prefix("id: ") {
            id = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("data: ") {
            data.push_str(v);
        }
    }
    name.map(|n| (n, id, data))
}

fn hand_on(name: &str, data: &str, live: Live, me: Option<i64>) {
    match name {
        "ticket" => {
            let Ok(event) = serde_json::from_str::<TicketEvent>(data) else { return };
            if event.actor_id.is_some() && event.actor_id == me {
                // Our own change: the page that made it already shows it.
                return;
            }
            live.event.try_set(Some(event));
        }
        "presence" => {
            let Ok(p) = serde_json::from_str::<TicketPresence>(data) else { return };
            live.presence.try_update(|all| {
                if p.people.is_empty() {
                    all.remove(&p.ticket);
                } else {
                    all.insert(p.ticket, p.people);
                }
            });
        }
        "reload" => {
            live.resync.try_update(|n| *n += 1);
        }
        _ => {}
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn messages_are_read_as_the_stream_writes_them() {
        let m = "id: 42\nevent: ticket\ndata: {\"id\":42}\n\n";
        assert_eq!(parse(m), Some(("ticket".into(), Some(42), "{\"id\":42}".into())));
        assert_eq!(parse(": keep-alive\n\n"), None);
        assert_eq!(parse("event: presence\ndata: {}\n\n"), Some(("presence".into(), None, "{}".into())));
    }
}
