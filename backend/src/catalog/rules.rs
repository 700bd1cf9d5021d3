//! The small tables a ticket refers to (settings, statuses, priorities, queues, topics): the
//! lookups that turn what a client sent into their ids, and what all four lists check alike
//! (names, sort positions, rows still in use).

use std::collections::BTreeMap;

use diesel::prelude::*;
use shared::catalog::{check_catalog_name, StatusState};

use crate::catalog::rows::{PriorityRow, StatusRow, TopicRow};
use crate::core::db::schema::{help_topics, priorities, queues, statuses, tickets};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::settings as keys;

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
    let s = crate::core::settings::Stored::read(conn)?;
    Ok(TicketSettings {
        prefix: s.text(&keys::TICKET_PREFIX),
        number_start: s.num(&keys::TICKET_NUMBER_START),
        sla_hours: s.num(&keys::SLA_HOURS),
        auto_close_hours: s.num(&keys::AUTO_CLOSE_HOURS),
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

/// The first status (by position) in a state: the pending "On hold", the resolved "Resolved".
pub fn first_status_in(conn: &mut AnyConnection, state: StatusState) -> ApiResult<StatusRow> {
    statuses::table
        .filter(statuses::state.eq(state.as_str()))
        .order((statuses::sort, statuses::id))
        .select(StatusRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::field("status_id", format!("no status is in the {} state", state.as_str())))
}

/// The priorities from the lowest to the highest (by position).
pub fn priorities_by_rank(conn: &mut AnyConnection) -> ApiResult<Vec<PriorityRow>> {
    Ok(priorities::table.order((priorities::sort, priorities::id)).select(PriorityRow::as_select()).load(conn)?)
}

/// A priority by id ("3") or name ("High", any case).
pub fn priority(conn: &mut AnyConnection, given: &str) -> ApiResult<PriorityRow> {
    let given = given.trim();
    let query = priorities::table.select(PriorityRow::as_select());
    let found = match given.parse::<i64>() {
        Ok(id) => query.filter(priorities::id.eq(id)).first(conn).optional()?,
        Err(_) => query.load(conn)?.into_iter().find(|p| p.name.eq_ignore_ascii_case(given)),
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

/// The statuses osTicket scripts know by id (Open, Resolved, Closed): the code opens, resolves
/// and closes tickets with them, so they stay and keep their state.
pub fn is_builtin_status(id: i64) -> bool {
    (1..=3).contains(&id)
}

/// What a ticket refers to; deleting a row that tickets still use would break them.
#[derive(Debug, Clone, Copy)]
pub enum TicketRef {
    Status,
    Priority,
    Queue,
    Topic,
}

/// How many tickets refer to the row `id` of `what`.
pub fn tickets_using(conn: &mut AnyConnection, what: TicketRef, id: i64) -> ApiResult<i64> {
    let all = tickets::table.count();
    let n = match what {
        TicketRef::Status => all.filter(tickets::status_id.eq(id)).get_result(conn)?,
        TicketRef::Priority => all.filter(tickets::priority_id.eq(id)).get_result(conn)?,
        TicketRef::Queue => all.filter(tickets::queue_id.eq(id)).get_result(conn)?,
        TicketRef::Topic => all.filter(tickets::topic_id.eq(id)).get_result(conn)?,
    };
    Ok(n)
}

/// How many help topics route to the queue `id`.
pub fn topics_in_queue(conn: &mut AnyConnection, id: i64) -> ApiResult<i64> {
    Ok(help_topics::table.filter(help_topics::queue_id.eq(id)).count().get_result(conn)?)
}

/// A 409 when another row (not `except`) already has this name. Compared without regard to case:
/// tickets name priorities in any case ("high"), so "High" and "high" could not be told apart.
pub fn ensure_name_free(existing: &[(i64, String)], name: &str, except: Option<i64>, what: &str) -> ApiResult<()> {
    let taken =
        existing.iter().any(|(id, other)| Some(*id) != except && other.trim().to_lowercase() == name.to_lowercase());
    if taken {
        return Err(ApiError::Conflict(format!("A {what} named \"{name}\" already exists")));
    }
    Ok(())
}

pub fn status_names(conn: &mut AnyConnection) -> ApiResult<Vec<(i64, String)>> {
    Ok(statuses::table.select((statuses::id, statuses::name)).load(conn)?)
}

pub fn priority_names(conn: &mut AnyConnection) -> ApiResult<Vec<(i64, String)>> {
    Ok(priorities::table.select((priorities::id, priorities::name)).load(conn)?)
}

pub fn queue_names(conn: &mut AnyConnection) -> ApiResult<Vec<(i64, String)>> {
    Ok(queues::table.select((queues::id, queues::name)).load(conn)?)
}

pub fn topic_names(conn: &mut AnyConnection) -> ApiResult<Vec<(i64, String)>> {
    Ok(help_topics::table.select((help_topics::id, help_topics::name)).load(conn)?)
}

/// Lists show rows by this number; a bounded range keeps it a plain integer everywhere.
pub const SORT_MAX: i64 = 1_000_000;

/// A sort position, when one was given: 0 to `SORT_MAX`.
pub fn check_sort(sort: Option<i64>, errors: &mut BTreeMap<String, String>) -> Option<i32> {
    let sort = sort?;
    match i32::try_from(sort).ok().filter(|s| (0..=SORT_MAX).contains(&i64::from(*s))) {
        Some(s) => Some(s),
        None => {
            errors.insert("sort".into(), format!("must be 0 to {SORT_MAX}"));
            None
        }
    }
}

/// A catalog name, trimmed; its problem goes to `errors` under `field`.
pub fn check_name(name: &str, field: &str, errors: &mut BTreeMap<String, String>) -> String {
    if let Err(e) = check_catalog_name(name) {
        errors.insert(field.into(), e);
    }
    name.trim().to_owned()
}

/// The sort a new status goes to when none is given: after the others.
pub fn next_status_sort(conn: &mut AnyConnection) -> ApiResult<i32> {
    let max: Option<i32> = statuses::table.select(diesel::dsl::max(statuses::sort)).first(conn)?;
    Ok(max.map_or(1, |m| m.saturating_add(1)))
}

/// The sort a new priority goes to when none is given: above the others (the most urgent).
pub fn next_priority_sort(conn: &mut AnyConnection) -> ApiResult<i32> {
    let max: Option<i32> = priorities::table.select(diesel::dsl::max(priorities::sort)).first(conn)?;
    Ok(max.map_or(1, |m| m.saturating_add(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_clash_without_regard_to_case_but_not_with_themselves() {
        let existing = vec![(1, "High".to_owned()), (2, "Low".to_owned())];
        assert!(matches!(ensure_name_free(&existing, "high", None, "priority"), Err(ApiError::Conflict(_))));
        assert!(ensure_name_free(&existing, "HIGH", Some(1), "priority").is_ok());
        assert!(ensure_name_free(&existing, "Urgent", None, "priority").is_ok());
        assert!(is_builtin_status(3) && !is_builtin_status(4));
    }
}
