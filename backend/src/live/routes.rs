//! The event stream and presence over HTTP.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{delete, get, put, web, HttpRequest, HttpResponse};
use shared::live::{PresenceUpdate, TicketEvent, TicketPresence};
use shared::ApiErrorBody;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::Instant;

use super::hub;
use super::presence;
use crate::core::auth::guards::{Allowed, People, Reading};
use crate::core::auth::{Caller, Credential};
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::JsonBody;
use crate::core::http::ServiceConfig;
use crate::core::live::{Live, Permit};
use crate::core::state::AppState;
use crate::tickets::find;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(events).service(set_presence).service(clear_presence);
}

/// A comment line now and then keeps proxies from closing a quiet stream, and finds closed ones.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// A stream ends after this long and the client reconnects (resuming with `Last-Event-ID`): so a
/// stream never outlives the sign-in it began with by more than this.
const LIFETIME: Duration = Duration::from_secs(300);

/// The event stream (`text/event-stream`, server-sent events). `event: ticket` carries a
/// [`TicketEvent`] for every change to a ticket the caller may see — agents and programs every
/// ticket, a customer their own (never internal notes); `event: presence` (agents and programs)
/// a [`TicketPresence`] when who has a ticket open changes, and at the start for every ticket
/// open now. The `id:` of a ticket event, sent back as `Last-Event-ID`, resumes after it (up to
/// 500 events). `event: reload` says the stream fell behind: read again what is shown. A stream
/// ends after five minutes (`event: bye`); reconnect. Each person or key holds at most 32 streams:
/// a 33rd ends their oldest (`event: bye`). 429 when the server holds all it can.
#[utoipa::path(
    tag = "live",
    params(("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event")),
    responses(
        (status = 200, description = "The stream", content_type = "text/event-stream", body = TicketEvent),
        (status = 400, description = "A Last-Event-ID that is not an event id", body = ApiErrorBody),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "The key lacks the read scope", body = ApiErrorBody),
        (status = 429, description = "The server holds all the streams it can", body = ApiErrorBody),
    ),
    security(("api_key" = ["read"]), ("bearer" = ["authorized_user"]))
)]
#[get("/api/events")]
pub async fn events(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<Reading>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let resume = match req.headers().get("Last-Event-ID") {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|id| *id >= 0)
                .ok_or_else(|| ApiError::BadRequest("Last-Event-ID must be the id of an event".into()))?,
        ),
    };
    let viewer = Viewer::of(&caller);
    let permit = state.live.admit(holder(&caller))?;
    // Listen first, then catch up: what happens in between comes twice and is sent once.
    let (receiver, present) = hub::subscribe(&state.live, &state.pool);
    let missed = match resume {
        Some(after) => state.db(move |conn| hub::since(conn, after)).await?,
        None => Vec::new(),
    };
    let mut pending = VecDeque::from([Bytes::from_static(b"retry: 2000\n\n")]);
    let mut last_sent = resume.unwrap_or(0);
    for found in missed {
        last_sent = last_sent.max(found.event.id);
        pending.extend(viewer.render(&found.into_live()));
    }
    for (ticket, people) in present {
        pending.extend(viewer.render(&Live::Presence(TicketPresence { ticket, people })));
    }
    let now = Instant::now();
    let stream = Stream {
        receiver,
        viewer,
        pending,
        last_sent,
        next_beat: now + HEARTBEAT,
        ends: now + LIFETIME,
        ended: false,
        permit,
    };
    let body = futures_util::stream::unfold(stream, |mut s| async move {
        s.next().await.map(|chunk| (Ok::<_, Infallible>(chunk), s))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-store"))
        // nginx would otherwise hold the events back to fill its buffer.
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}

/// Who holds a stream, for the per-holder cap.
fn holder(caller: &Caller) -> String {
    match &caller.credential {
        Credential::User(u) => format!("user:{}", u.id),
        Credential::Key(k) => format!("key:{}", k.id),
    }
}

/// What a stream's reader may see.
struct Viewer {
    user_id: Option<i64>,
    staff: bool,
}

impl Viewer {
    fn of(caller: &Caller) -> Viewer {
        let actor = caller.as_actor();
        Viewer { user_id: actor.user_id(), staff: actor.is_staff() }
    }

    /// The message as the stream writes it, when the reader may see it.
    fn render(&self, live: &Live) -> Option<Bytes> {
        match live {
            Live::Ticket { event, owner, held } => {
                let theirs = owner.is_some() && *owner == self.user_id && !*held && event.kind != "ticket.note";
                (self.staff || theirs).then(|| frame(Some(event.id), "ticket", event))
            }
            Live::Presence(p) => self.staff.then(|| frame(None, "presence", p)),
        }
    }
}

fn frame(id: Option<i64>, event: &str, data: &impl serde::Serialize) -> Bytes {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".into());
    let id = id.map(|id| format!("id: {id}\n")).unwrap_or_default();
    Bytes::from(format!("{id}event: {event}\ndata: {json}\n\n"))
}

struct Stream {
    receiver: broadcast::Receiver<Arc<Live>>,
    viewer: Viewer,
    pending: VecDeque<Bytes>,
    /// The newest ticket event sent: a caught-up one arriving again live is skipped.
    last_sent: i64,
    next_beat: Instant,
    ends: Instant,
    ended: bool,
    permit: Permit,
}

impl Stream {
    fn end(&mut self) {
        self.ended = true;
        self.pending.push_back(Bytes::from_static(b"event: bye\ndata: {}\n\n"));
    }

    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if let Some(chunk) = self.pending.pop_front() {
                return Some(chunk);
            }
            if self.ended {
                return None;
            }
            tokio::select! {
                got = self.receiver.recv() => match got {
                    Ok(live) => {
                        if let Live::Ticket { event, .. } = live.as_ref() {
                            if event.id <= self.last_sent {
                                continue;
                            }
                            self.last_sent = event.id;
                        }
                        self.pending.extend(self.viewer.render(&live));
                    }
                    Err(RecvError::Lagged(_)) => self.pending.push_back(Bytes::from_static(b"event: reload\ndata: {}\n\n")),
                    Err(RecvError::Closed) => return None,
                },
                () = tokio::time::sleep_until(self.next_beat) => {
                    self.next_beat = Instant::now() + HEARTBEAT;
                    self.pending.push_back(Bytes::from_static(b": keep-alive\n\n"));
                }
                // Its time is up, or a newer stream of the same person took its place.
                () = tokio::time::sleep_until(self.ends) => self.end(),
                () = self.permit.ended.notified() => self.end(),
            }
        }
    }
}

/// Say you have the ticket open (renew every 15 seconds while it is), and whether you are writing
/// on it: the other agents' streams tell them. Agents only.
#[utoipa::path(
    tag = "live", request_body = PresenceUpdate,
    params(("number" = String, Path, description = "Ticket number")),
    responses(
        (status = 204, description = "Noted"),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an agent, or an API key", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("bearer" = ["agent"]))
)]
#[put("/api/tickets.json/{number}/presence")]
pub async fn set_presence(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<People>,
    number: web::Path<String>,
    body: JsonBody<PresenceUpdate>,
) -> ApiResult<HttpResponse> {
    let typing = body.0.typing;
    let set = move |conn: &mut _, actor: &_, ticket: &_| presence::set(conn, actor, ticket, typing);
    find::on_visible(&state, caller.as_actor(), number.into_inner(), set).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// You left the ticket (a ticket deleted meanwhile is left too).
#[utoipa::path(
    tag = "live",
    params(("number" = String, Path, description = "Ticket number")),
    responses(
        (status = 204, description = "Noted"),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an agent, or an API key", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
    ),
    security(("bearer" = ["agent"]))
)]
#[delete("/api/tickets.json/{number}/presence")]
pub async fn clear_presence(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<People>,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = caller.as_actor();
    let staff = actor.is_staff();
    match find::on_visible(&state, actor, number.into_inner(), presence::clear).await {
        // An agent leaving a ticket just deleted (agents see every ticket: this tells nothing).
        Err(ApiError::NotFound(_)) if staff => Ok(HttpResponse::NoContent().finish()),
        other => other.map(|()| HttpResponse::NoContent().finish()),
    }
}
