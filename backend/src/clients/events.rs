//! A client's timeline (NodePoint's client events): calls, emails, meetings and notes, who
//! logged them and when they happened.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use serde_json::json;
use shared::clients::{check_notes, check_summary, ClientEvent, ClientEventInput, EventKind, Named};

use super::directory::{self, record};
use super::rows::EventRow;
use crate::core::auth::Actor;
use crate::core::db::schema::{client_events, users};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::time::timestamp;

/// Logs an event (inside the caller's transaction), as logged by the actor.
pub fn add(
    conn: &mut AnyConnection,
    actor: &Actor,
    ip: Option<&str>,
    client_id: i64,
    input: &ClientEventInput,
) -> ApiResult<i64> {
    directory::find(conn, client_id)?;
    let mut errors = BTreeMap::new();
    let kind = match input.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => EventKind::parse(k).map_err(|e| errors.insert("kind".to_owned(), e)).ok(),
        None => {
            errors.insert("kind".to_owned(), "is required".to_owned());
            None
        }
    };
    let summary =
        check_summary(input.summary.as_deref().unwrap_or("")).map_err(|e| errors.insert("summary".into(), e)).ok();
    let notes = check_notes(input.notes.as_deref().unwrap_or("")).map_err(|e| errors.insert("notes".into(), e)).ok();
    let now = chrono::Utc::now().naive_utc();
    let happened = match input.happened.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
        Some(h) => chrono::DateTime::parse_from_rfc3339(h)
            .map(|t| t.naive_utc())
            .map_err(|_| errors.insert("happened".into(), "must be a time such as 2026-12-07T09:30:00Z".into()))
            .ok(),
        None => Some(now),
    };
    let (Some(kind), Some(summary), Some(notes), Some(happened)) = (kind, summary, notes, happened) else {
        return Err(ApiError::InvalidFields(errors));
    };
    let id: i64 = diesel::insert_into(client_events::table)
        .values((
            client_events::client_id.eq(client_id),
            client_events::user_id.eq(actor.user_id()),
            client_events::kind.eq(kind.as_str()),
            client_events::summary.eq(&summary),
            client_events::notes.eq(&notes),
            client_events::happened_at.eq(happened),
            client_events::created_at.eq(now),
        ))
        .returning(client_events::id)
        .get_result(conn)?;
    record(conn, actor, ip, "client.event", client_id, json!({"event_id": id, "kind": kind.as_str()}))?;
    Ok(id)
}

/// A page of a client's events, the latest first, and how many there are.
pub fn list(conn: &mut AnyConnection, client_id: i64, page: i64, per_page: i64) -> ApiResult<(Vec<ClientEvent>, i64)> {
    directory::find(conn, client_id)?;
    let total: i64 = client_events::table.filter(client_events::client_id.eq(client_id)).count().get_result(conn)?;
    let rows: Vec<EventRow> = client_events::table
        .filter(client_events::client_id.eq(client_id))
        .order((client_events::happened_at.desc(), client_events::id.desc()))
        .limit(per_page)
        .offset(crate::core::db::page_offset(page, per_page))
        .select(EventRow::as_select())
        .load(conn)?;
    Ok((render(conn, rows)?, total))
}

/// One event as the API shows it.
pub fn render_one(conn: &mut AnyConnection, id: i64) -> ApiResult<ClientEvent> {
    let row = client_events::table.find(id).select(EventRow::as_select()).first(conn)?;
    render(conn, vec![row])?.pop().ok_or(ApiError::NotFound("event"))
}

fn render(conn: &mut AnyConnection, rows: Vec<EventRow>) -> ApiResult<Vec<ClientEvent>> {
    let user_ids: Vec<i64> = rows.iter().filter_map(|e| e.user_id).collect();
    let names: HashMap<i64, String> = users::table
        .filter(users::id.eq_any(&user_ids))
        .select((users::id, users::fullname))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|e| ClientEvent {
            id: e.id,
            client_id: e.client_id,
            kind: EventKind::parse(&e.kind).unwrap_or(EventKind::Note),
            summary: e.summary,
            notes: e.notes,
            user: e.user_id.and_then(|id| names.get(&id).map(|name| Named { id, name: name.clone() })),
            happened: timestamp(e.happened_at),
        })
        .collect())
}
