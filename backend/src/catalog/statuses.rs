//! Statuses' rules: each has a state (open, pending, resolved, closed) that decides what a ticket
//! with it is. Open, Resolved and Closed (ids 1–3) are built in; a state never changes under
//! tickets in a way that would resolve, close or reopen them silently.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde_json::json;
use shared::catalog::{Status, StatusInput, StatusState};

use crate::catalog::rows::StatusRow;
use crate::catalog::rules::{self, check_name, check_sort, TicketRef};
use crate::core::auth::guards::Admin;
use crate::core::db::schema::statuses;
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};

/// A status body, checked: name and state, and a sort position if one was given.
#[derive(Debug)]
pub struct CheckedStatus {
    name: String,
    state: StatusState,
    sort: Option<i32>,
}

fn status_view(row: StatusRow) -> Status {
    Status { state: rules::status_state(&row), id: row.id, name: row.name, sort: row.sort.into() }
}

fn find_status(conn: &mut AnyConnection, id: i64) -> ApiResult<StatusRow> {
    statuses::table.find(id).select(StatusRow::as_select()).first(conn).optional()?.ok_or(ApiError::NotFound("status"))
}

/// The statuses, in their list order.
pub fn list(conn: &mut AnyConnection) -> ApiResult<Vec<Status>> {
    let rows: Vec<StatusRow> =
        statuses::table.select(StatusRow::as_select()).order((statuses::sort, statuses::id)).load(conn)?;
    Ok(rows.into_iter().map(status_view).collect())
}

/// A status body is whole: name and state are required on create and on update alike.
pub fn check(input: StatusInput) -> ApiResult<CheckedStatus> {
    let mut errors = BTreeMap::new();
    let name = check_name(&input.name, "name", &mut errors);
    let state = StatusState::parse(input.state.trim());
    if state.is_none() {
        errors.insert("state".into(), "must be open, pending, resolved or closed".into());
    }
    let sort = check_sort(input.sort, &mut errors);
    match state {
        Some(state) if errors.is_empty() => Ok(CheckedStatus { name, state, sort }),
        _ => Err(ApiError::InvalidFields(errors)),
    }
}

/// Adds a status (inside the caller's transaction; without a sort, after the others) and audits it.
pub fn create(conn: &mut AnyConnection, admin: &Admin, input: CheckedStatus) -> ApiResult<Status> {
    rules::ensure_name_free(&rules::status_names(conn)?, &input.name, None, "status")?;
    let sort = match input.sort {
        Some(s) => s,
        None => rules::next_status_sort(conn)?,
    };
    let id: i64 = diesel::insert_into(statuses::table)
        .values((statuses::name.eq(&input.name), statuses::state.eq(input.state.as_str()), statuses::sort.eq(sort)))
        .returning(statuses::id)
        .get_result(conn)?;
    admin.audit(
        conn,
        "status.create",
        "status",
        id,
        json!({"name": input.name, "state": input.state.as_str(), "sort": sort}),
    )?;
    find_status(conn, id).map(status_view)
}

/// A status's state may change freely while no ticket has it; with tickets, only between open
/// and pending: anything else would resolve or close them without a resolution, or reopen them
/// without a trace.
fn check_state_change(conn: &mut AnyConnection, row: &StatusRow, to: StatusState) -> ApiResult<()> {
    let from = rules::status_state(row);
    if from == to {
        return Ok(());
    }
    if rules::is_builtin_status(row.id) {
        return Err(ApiError::field("state", format!("{} is built in: its state stays {}", row.name, from.as_str())));
    }
    if from.is_active() && to.is_active() {
        return Ok(());
    }
    let used = rules::tickets_using(conn, TicketRef::Status, row.id)?;
    if used > 0 {
        return Err(ApiError::Conflict(format!(
            "{used} tickets have the status {}: move them to another status before changing its state from {} to {}",
            row.name,
            from.as_str(),
            to.as_str()
        )));
    }
    Ok(())
}

/// Renames, re-sorts (an absent sort keeps its value) or re-states a status, auditing before and after.
pub fn update(conn: &mut AnyConnection, admin: &Admin, id: i64, input: CheckedStatus) -> ApiResult<Status> {
    let row = find_status(conn, id)?;
    check_state_change(conn, &row, input.state)?;
    rules::ensure_name_free(&rules::status_names(conn)?, &input.name, Some(id), "status")?;
    let sort = input.sort.unwrap_or(row.sort);
    diesel::update(statuses::table.find(id))
        .set((statuses::name.eq(&input.name), statuses::state.eq(input.state.as_str()), statuses::sort.eq(sort)))
        .execute(conn)?;
    admin.audit(
        conn,
        "status.update",
        "status",
        id,
        json!({
            "before": {"name": row.name, "state": row.state, "sort": row.sort},
            "after": {"name": input.name, "state": input.state.as_str(), "sort": sort},
        }),
    )?;
    find_status(conn, id).map(status_view)
}

/// Deletes a status that is not built in and that no ticket has; otherwise a 409 that says why.
pub fn delete(conn: &mut AnyConnection, admin: &Admin, id: i64) -> ApiResult<()> {
    let row = find_status(conn, id)?;
    if rules::is_builtin_status(id) {
        return Err(ApiError::Conflict(format!(
            "{} is built in (ids 1-3 are Open, Resolved and Closed) and cannot be deleted; rename it instead",
            row.name
        )));
    }
    let used = rules::tickets_using(conn, TicketRef::Status, id)?;
    if used > 0 {
        return Err(ApiError::Conflict(format!(
            "{used} tickets have the status {}: move them to another status first",
            row.name
        )));
    }
    diesel::delete(statuses::table.find(id)).execute(conn)?;
    admin.audit(conn, "status.delete", "status", id, json!({"name": row.name, "state": row.state}))?;
    Ok(())
}
