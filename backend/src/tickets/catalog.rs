//! The small tables a ticket refers to (settings, statuses, priorities, queues, topics) and the
//! lookups that turn what a client sent into their ids.

use std::collections::HashMap;

use diesel::prelude::*;
use shared::catalog::StatusState;

use crate::db::models::{PriorityRow, StatusRow, TopicRow};
use crate::db::schema::{help_topics, priorities, queues, settings, statuses};
use crate::db::AnyConnection;
use crate::error::{ApiError, ApiResult};

/// The status a new or reopened ticket gets (osTicket's "Open", id 1).
pub const OPEN_STATUS_ID: i64 = 1;
/// The status DELETE closes a ticket with.
pub const CLOSED_STATUS_ID: i64 = 3;
pub const DEFAULT_PRIORITY_ID: i64 = 2;

/// Settings that tickets need, read per request (another replica may have changed them).
#[derive(Debug, Clone)]
pub struct TicketSettings {
    pub prefix: String,
    pub number_start: i64,
    pub sla_hours: i64,
    pub auto_close_hours: i64,
}

pub fn ticket_settings(conn: &mut AnyConnection) -> ApiResult<TicketSettings> {
    let map: HashMap<String, String> = settings::table
        .select((settings::key, settings::value))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let num = |key: &str, default: i64| map.get(key).and_then(|v| v.parse().ok()).unwrap_or(default);
    Ok(TicketSettings {
        prefix: map.get("ticket_prefix").cloned().unwrap_or_else(|| "TCK-".into()),
        number_start: num("ticket_number_start", 1000),
        sla_hours: num("sla_hours", 48),
        auto_close_hours: num("auto_close_hours", 72),
    })
}

pub fn status_state(row: &StatusRow) -> StatusState {
    StatusState::parse(&row.state).unwrap_or(StatusState::Open)
}

pub fn status(conn: &mut AnyConnection, id: i64, field: &str) -> ApiResult<StatusRow> {
    statuses::table
        .find(id)
        .select(StatusRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::field(field, "no status has this id"))
}

/// A priority by id ("3") or name ("High", any case).
pub fn priority(conn: &mut AnyConnection, given: &str) -> ApiResult<PriorityRow> {
    let given = given.trim();
    let query = priorities::table.select(PriorityRow::as_select());
    let found = match given.parse::<i64>() {
        Ok(id) => query.filter(priorities::id.eq(id)).first(conn).optional()?,
        Err(_) => query
            .load(conn)?
            .into_iter()
            .find(|p| p.name.eq_ignore_ascii_case(given)),
    };
    found.ok_or_else(|| ApiError::field("priority", "unknown priority: use an id or Low, Normal, High, Urgent"))
}

pub fn topic(conn: &mut AnyConnection, id: i64) -> ApiResult<TopicRow> {
    help_topics::table
        .find(id)
        .filter(help_topics::active.eq(true))
        .select(TopicRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::field("topicId", "no help topic has this id"))
}

pub fn queue_exists(conn: &mut AnyConnection, id: i64) -> ApiResult<()> {
    let found: Option<i64> = queues::table.find(id).select(queues::id).first(conn).optional()?;
    found.map(|_| ()).ok_or_else(|| ApiError::field("queue_id", "no queue has this id"))
}

pub fn first_queue(conn: &mut AnyConnection) -> ApiResult<i64> {
    queues::table
        .select(queues::id)
        .order(queues::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::Internal("no queue exists".into()))
}
