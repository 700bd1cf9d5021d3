//! Priorities' rules: least urgent first by sort. Normal, the priority of new tickets, stays.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde_json::json;
use shared::catalog::{Priority, PriorityInput};

use crate::catalog::rows::PriorityRow;
use crate::catalog::rules::{self, check_name, check_sort, TicketRef};
use crate::core::auth::guards::Admin;
use crate::core::db::schema::priorities;
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};

/// A priority body, checked: a name, and a sort position if one was given.
#[derive(Debug)]
pub struct CheckedPriority {
    name: String,
    sort: Option<i32>,
}

fn priority_view(row: PriorityRow) -> Priority {
    Priority { id: row.id, name: row.name, sort: row.sort.into() }
}

fn find_priority(conn: &mut AnyConnection, id: i64) -> ApiResult<PriorityRow> {
    priorities::table
        .find(id)
        .select(PriorityRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("priority"))
}

/// The priorities, least urgent first.
pub fn list(conn: &mut AnyConnection) -> ApiResult<Vec<Priority>> {
    let rows: Vec<PriorityRow> =
        priorities::table.select(PriorityRow::as_select()).order((priorities::sort, priorities::id)).load(conn)?;
    Ok(rows.into_iter().map(priority_view).collect())
}

pub fn check(input: PriorityInput) -> ApiResult<CheckedPriority> {
    let mut errors = BTreeMap::new();
    let name = check_name(&input.name, "name", &mut errors);
    let sort = check_sort(input.sort, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    Ok(CheckedPriority { name, sort })
}

/// Adds a priority (inside the caller's transaction; without a sort, the most urgent) and audits it.
pub fn create(conn: &mut AnyConnection, admin: &Admin, input: CheckedPriority) -> ApiResult<Priority> {
    rules::ensure_name_free(&rules::priority_names(conn)?, &input.name, None, "priority")?;
    let sort = match input.sort {
        Some(s) => s,
        None => rules::next_priority_sort(conn)?,
    };
    let id: i64 = diesel::insert_into(priorities::table)
        .values((priorities::name.eq(&input.name), priorities::sort.eq(sort)))
        .returning(priorities::id)
        .get_result(conn)?;
    admin.audit(conn, "priority.create", "priority", id, json!({"name": input.name, "sort": sort}))?;
    find_priority(conn, id).map(priority_view)
}

/// Renames or re-sorts a priority (an absent sort keeps its value), auditing before and after.
pub fn update(conn: &mut AnyConnection, admin: &Admin, id: i64, input: CheckedPriority) -> ApiResult<Priority> {
    let row = find_priority(conn, id)?;
    rules::ensure_name_free(&rules::priority_names(conn)?, &input.name, Some(id), "priority")?;
    let sort = input.sort.unwrap_or(row.sort);
    diesel::update(priorities::table.find(id))
        .set((priorities::name.eq(&input.name), priorities::sort.eq(sort)))
        .execute(conn)?;
    admin.audit(
        conn,
        "priority.update",
        "priority",
        id,
        json!({
            "before": {"name": row.name, "sort": row.sort},
            "after": {"name": input.name, "sort": sort},
        }),
    )?;
    find_priority(conn, id).map(priority_view)
}

/// Deletes a priority that is not the default and that no ticket has; otherwise a 409 that says why.
pub fn delete(conn: &mut AnyConnection, admin: &Admin, id: i64) -> ApiResult<()> {
    let row = find_priority(conn, id)?;
    if id == rules::DEFAULT_PRIORITY_ID {
        return Err(ApiError::Conflict(format!(
            "{} is the priority of new tickets and cannot be deleted; rename it instead",
            row.name
        )));
    }
    let used = rules::tickets_using(conn, TicketRef::Priority, id)?;
    if used > 0 {
        return Err(ApiError::Conflict(format!("{used} tickets have the priority {}: change theirs first", row.name)));
    }
    diesel::delete(priorities::table.find(id)).execute(conn)?;
    admin.audit(conn, "priority.delete", "priority", id, json!({"name": row.name}))?;
    Ok(())
}
