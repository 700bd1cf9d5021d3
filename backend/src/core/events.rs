//! Domain events. A rule says what its change did — `ticket.create`, `ticket.response`,
//! `ticket.status`, `ticket.assign` … — with [`emit`], inside the change's own transaction, and
//! calls nothing else: the event row is written, the audit log records it, and the consumers the
//! process lists (features.rs: mail's notifications) react to it in the same transaction, so a
//! rolled-back change leaves no trace and a committed one is never missed. The rows stay, in id
//! order, for consumers that will run later as jobs (webhooks, triggers, SLA timers, reports).

use std::sync::Arc;

use diesel::prelude::*;
use serde_json::Value;

use crate::core::audit::{self, AuditEvent};
use crate::core::auth::Actor;
use crate::core::db::schema::events;
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;

/// What happened. The payload holds ids and names, never a message body (consumers read that by
/// its id); it is also the audit row's detail.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: &'static str,
    pub target_type: &'static str,
    pub target_id: String,
    pub payload: Value,
}

/// An event as its consumers see it: who did it, from where, and the desk's address for links.
pub struct Emitted<'a> {
    pub id: i64,
    pub event: &'a Event,
    pub actor: &'a Actor,
    pub public_url: &'a str,
    /// The key of the tokens a consumer mails out (`Sink::token_key`).
    pub token_key: &'a [u8],
}

/// A consumer that reacts inside the change's transaction; its error rolls the change back.
pub type Consumer = fn(&mut AnyConnection, &Emitted<'_>) -> ApiResult<()>;

/// Where events go: the consumers and the context they need. Built once by the process and
/// carried by each request's origin.
#[derive(Clone)]
pub struct Sink {
    pub consumers: &'static [Consumer],
    /// The desk's public address (configuration), for links in the mail a consumer queues.
    pub public_url: Arc<str>,
    /// A secret key (derived from the data folder's) that signs what the desk mails out and
    /// must recognise when it comes back: the reply tokens of ticket mail.
    pub token_key: Arc<[u8]>,
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink").field("consumers", &self.consumers.len()).field("public_url", &self.public_url).finish()
    }
}

/// Records the event (inside the caller's transaction), audits it, and runs the consumers.
pub fn emit(conn: &mut AnyConnection, sink: &Sink, actor: &Actor, ip: Option<&str>, event: Event) -> ApiResult<i64> {
    let payload = event.payload.to_string();
    let id = diesel::insert_into(events::table)
        .values((
            events::kind.eq(event.kind),
            events::actor_user_id.eq(actor.user_id()),
            events::actor_key_id.eq(actor.key_id()),
            events::target_type.eq(event.target_type),
            events::target_id.eq(&event.target_id),
            events::payload.eq(&payload),
            events::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(events::id)
        .get_result(conn)?;
    audit::record(
        conn,
        Some(actor),
        ip,
        AuditEvent {
            action: event.kind,
            target_type: event.target_type,
            target_id: event.target_id.clone(),
            detail: event.payload.clone(),
        },
    )?;
    let emitted = Emitted { id, event: &event, actor, public_url: &sink.public_url, token_key: &sink.token_key };
    for consumer in sink.consumers {
        consumer(conn, &emitted)?;
    }
    Ok(id)
}
