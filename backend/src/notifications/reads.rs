//! What an agent has read of a ticket: when they last had it open, or changed it themselves.
//! Reading a ticket also reads its notifications.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};

use crate::core::db::schema::{notifications, ticket_reads};
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;

/// The agent has read the ticket as of `at`, and every notification of it.
pub fn mark(conn: &mut AnyConnection, user_id: i64, ticket_id: i64, at: NaiveDateTime) -> ApiResult<()> {
    // One statement, the same on both engines: two tabs (or replicas) reading the ticket at once
    // both succeed, where "update, else insert" lets the second insert fail on PostgreSQL.
    diesel::sql_query(
        "INSERT INTO ticket_reads (user_id, ticket_id, read_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, ticket_id) DO UPDATE SET read_at = excluded.read_at",
    )
    .bind::<BigInt, _>(user_id)
    .bind::<BigInt, _>(ticket_id)
    .bind::<Timestamp, _>(at)
    .execute(conn)?;
    diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::ticket_id.eq(ticket_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(at))
    .execute(conn)?;
    Ok(())
}

/// The ticket is unread to the agent again ("mark as unread").
pub fn unmark(conn: &mut AnyConnection, user_id: i64, ticket_id: i64) -> ApiResult<()> {
    diesel::delete(ticket_reads::table.find((user_id, ticket_id))).execute(conn)?;
    Ok(())
}

/// When the agent last read each of these tickets (a page of the list at most: one IN list).
pub fn read_at(conn: &mut AnyConnection, user_id: i64, ticket_ids: &[i64]) -> ApiResult<HashMap<i64, NaiveDateTime>> {
    let rows: Vec<(i64, NaiveDateTime)> = ticket_reads::table
        .filter(ticket_reads::user_id.eq(user_id))
        .filter(ticket_reads::ticket_id.eq_any(ticket_ids))
        .select((ticket_reads::ticket_id, ticket_reads::read_at))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
