//! Queues' rules (osTicket's departments): where tickets wait. One must always exist, since
//! tickets without a topic land in the first.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde_json::json;
use shared::catalog::{Queue, QueueInput};
use shared::validate::Email;

use crate::catalog::rows::QueueRow;
use crate::catalog::rules::{self, check_name, TicketRef};
use crate::core::auth::guards::Admin;
use crate::core::db::schema::queues;
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};

/// A queue body, checked: a name, and an address or none.
#[derive(Debug)]
pub struct CheckedQueue {
    name: String,
    email: Option<String>,
}

fn queue_view(row: QueueRow) -> Queue {
    Queue { id: row.id, name: row.name, email: row.email }
}

fn find_queue(conn: &mut AnyConnection, id: i64) -> ApiResult<QueueRow> {
    queues::table.find(id).select(QueueRow::as_select()).first(conn).optional()?.ok_or(ApiError::NotFound("queue"))
}

/// The queues, by name.
pub fn list(conn: &mut AnyConnection) -> ApiResult<Vec<Queue>> {
    let rows: Vec<QueueRow> = queues::table.select(QueueRow::as_select()).order(queues::name).load(conn)?;
    Ok(rows.into_iter().map(queue_view).collect())
}

/// A queue body is whole: a name, and an address or none (absent, null or empty).
pub fn check(input: QueueInput) -> ApiResult<CheckedQueue> {
    let mut errors = BTreeMap::new();
    let name = check_name(&input.name, "name", &mut errors);
    let email = match input.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(e) => Email::parse(e).map_err(|m| errors.insert("email".into(), m)).ok().map(Email::into_inner),
    };
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    Ok(CheckedQueue { name, email })
}

/// Adds a queue (inside the caller's transaction) and audits it; a taken name is a 409.
pub fn create(conn: &mut AnyConnection, admin: &Admin, input: CheckedQueue) -> ApiResult<Queue> {
    let CheckedQueue { name, email } = input;
    rules::ensure_name_free(&rules::queue_names(conn)?, &name, None, "queue")?;
    let id: i64 = diesel::insert_into(queues::table)
        .values((queues::name.eq(&name), queues::email.eq(email.as_deref())))
        .returning(queues::id)
        .get_result(conn)?;
    admin.audit(conn, "queue.create", "queue", id, json!({"name": name, "email": email}))?;
    find_queue(conn, id).map(queue_view)
}

/// Renames a queue or changes its address (an absent one clears it), auditing before and after.
pub fn update(conn: &mut AnyConnection, admin: &Admin, id: i64, input: CheckedQueue) -> ApiResult<Queue> {
    let CheckedQueue { name, email } = input;
    let row = find_queue(conn, id)?;
    rules::ensure_name_free(&rules::queue_names(conn)?, &name, Some(id), "queue")?;
    diesel::update(queues::table.find(id))
        .set((queues::name.eq(&name), queues::email.eq(email.as_deref())))
        .execute(conn)?;
    admin.audit(
        conn,
        "queue.update",
        "queue",
        id,
        json!({
            "before": {"name": row.name, "email": row.email},
            "after": {"name": name, "email": email},
        }),
    )?;
    find_queue(conn, id).map(queue_view)
}

/// Why a queue cannot go, if it cannot: tickets or topics use it, or it is the last one (tickets
/// without a topic land in the first queue, so one must exist).
fn queue_in_use(conn: &mut AnyConnection, row: &QueueRow) -> ApiResult<Option<String>> {
    let tickets = rules::tickets_using(conn, TicketRef::Queue, row.id)?;
    if tickets > 0 {
        return Ok(Some(format!("{tickets} tickets are in the queue {}: move them first", row.name)));
    }
    let topics = rules::topics_in_queue(conn, row.id)?;
    if topics > 0 {
        return Ok(Some(format!("{topics} help topics route to the queue {}: route them elsewhere first", row.name)));
    }
    let queues: i64 = queues::table.count().get_result(conn)?;
    if queues <= 1 {
        return Ok(Some(format!("{} is the only queue: tickets need one", row.name)));
    }
    Ok(None)
}

/// Deletes a queue nothing uses; otherwise a 409 that says why.
pub fn delete(conn: &mut AnyConnection, admin: &Admin, id: i64) -> ApiResult<()> {
    let row = find_queue(conn, id)?;
    if let Some(reason) = queue_in_use(conn, &row)? {
        return Err(ApiError::Conflict(reason));
    }
    diesel::delete(queues::table.find(id)).execute(conn)?;
    admin.audit(conn, "queue.delete", "queue", id, json!({"name": row.name}))?;
    Ok(())
}
