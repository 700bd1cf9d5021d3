//! Drafts: the reply a person is writing on a ticket, kept on the server as they type (the
//! composer saves a moment after each change), so a reload, a crash or another device finds it.
//! One per ticket and person; posting a message on the ticket discards it (`change`), and the
//! ticket's JSON says to its writer that one is waiting (`draft`), for the list's marker.

use std::collections::HashSet;

use diesel::prelude::*;
use shared::tickets::Draft;
use shared::validate::MESSAGE_MAX_BYTES;

use super::change::require_can_write;
use crate::core::auth::Actor;
use crate::core::db::schema::drafts;
use crate::core::db::{write_tx, AnyConnection};
use crate::core::error::{ApiError, ApiResult};
use crate::core::time::timestamp;
use crate::tickets::rows::TicketRow;

/// The person whose draft it is: drafts are people's (the route refuses keys).
fn writer(actor: &Actor) -> ApiResult<i64> {
    actor.user_id().ok_or_else(|| ApiError::Forbidden("Only people keep drafts: sign in".into()))
}

/// Your draft on the ticket, if you have one. Only those who may write on the ticket keep one.
pub fn get(conn: &mut AnyConnection, actor: &Actor, ticket: &TicketRow) -> ApiResult<Option<Draft>> {
    require_can_write(conn, actor, ticket)?;
    let user_id = writer(actor)?;
    let row: Option<(String, String, chrono::NaiveDateTime)> = drafts::table
        .find((ticket.id, user_id))
        .select((drafts::body, drafts::entry_type, drafts::updated_at))
        .get_result(conn)
        .optional()?;
    Ok(row.map(|(message, entry_type, at)| Draft {
        message,
        entry_type: Some(entry_type),
        updated: Some(timestamp(at)),
    }))
}

/// Keeps the draft (replacing the one before), or discards it when its text is empty. Returns
/// what was kept.
pub fn save(conn: &mut AnyConnection, actor: &Actor, ticket: &TicketRow, draft: &Draft) -> ApiResult<Option<Draft>> {
    require_can_write(conn, actor, ticket)?;
    let user_id = writer(actor)?;
    let entry_type = entry_type(actor, draft.entry_type.as_deref())?;
    if draft.message.len() > MESSAGE_MAX_BYTES {
        return Err(ApiError::field("message", format!("must be at most {} KiB", MESSAGE_MAX_BYTES / 1024)));
    }
    if draft.message.contains('\0') {
        return Err(ApiError::field("message", "must not contain NUL characters"));
    }
    if draft.message.trim().is_empty() {
        discard(conn, ticket.id, user_id)?;
        return Ok(None);
    }
    let now = chrono::Utc::now().naive_utc();
    write_tx(conn, |conn| {
        discard(conn, ticket.id, user_id)?;
        diesel::insert_into(drafts::table)
            .values((
                drafts::ticket_id.eq(ticket.id),
                drafts::user_id.eq(user_id),
                drafts::body.eq(&draft.message),
                drafts::entry_type.eq(entry_type),
                drafts::updated_at.eq(now),
            ))
            .execute(conn)?;
        ApiResult::Ok(())
    })?;
    Ok(Some(Draft {
        message: draft.message.clone(),
        entry_type: Some(entry_type.into()),
        updated: Some(timestamp(now)),
    }))
}

/// Discards your draft on the ticket (nothing to do when there is none).
pub fn delete(conn: &mut AnyConnection, actor: &Actor, ticket: &TicketRow) -> ApiResult<()> {
    require_can_write(conn, actor, ticket)?;
    discard(conn, ticket.id, writer(actor)?)
}

/// Removes a person's draft on a ticket: theirs to discard, or sent.
pub(crate) fn discard(conn: &mut AnyConnection, ticket_id: i64, user_id: i64) -> ApiResult<()> {
    diesel::delete(drafts::table.find((ticket_id, user_id))).execute(conn)?;
    Ok(())
}

/// Which of these tickets the person has a draft on.
pub(crate) fn marked(conn: &mut AnyConnection, user_id: i64, ticket_ids: &[i64]) -> ApiResult<HashSet<i64>> {
    // A page of the list at most (100 ids): one IN list.
    let ids: Vec<i64> = drafts::table
        .filter(drafts::user_id.eq(user_id))
        .filter(drafts::ticket_id.eq_any(ticket_ids))
        .select(drafts::ticket_id)
        .load(conn)?;
    Ok(ids.into_iter().collect())
}

/// What the draft will be posted as: agents write responses (the default) or notes, customers
/// messages.
fn entry_type(actor: &Actor, given: Option<&str>) -> ApiResult<&'static str> {
    let given = given.map(str::trim).map(str::to_ascii_lowercase);
    match (actor.is_staff(), given.as_deref()) {
        (true, None | Some("" | "response")) => Ok("response"),
        (true, Some("note")) => Ok("note"),
        (false, None | Some("" | "message")) => Ok("message"),
        (true, _) => Err(ApiError::field("type", "use response or note")),
        (false, _) => Err(ApiError::field("type", "use message")),
    }
}
