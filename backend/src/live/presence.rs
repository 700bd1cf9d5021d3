//! Who has a ticket open, and who is writing on it: each agent's ticket page renews its row every
//! few seconds (`PUT …/presence`) and removes it on leaving; a row not renewed within `FRESH` is
//! nobody. The hub reads the fresh rows and tells the other agents when they change.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use shared::live::Present;

use crate::core::auth::Actor;
use crate::core::db::schema::{presence, tickets, users};
use crate::core::db::{write_tx, AnyConnection};
use crate::core::error::{ApiError, ApiResult};
use crate::tickets::rows::TicketRow;

/// How long a page's word lasts: pages renew it every 15 s.
pub const FRESH: Duration = Duration::seconds(45);
/// How long one keystroke counts as writing.
pub const TYPING: Duration = Duration::seconds(8);

fn agent(actor: &Actor) -> ApiResult<i64> {
    match actor.user_id() {
        Some(id) if actor.is_staff() => Ok(id),
        _ => Err(ApiError::Forbidden("Only agents say they have a ticket open".into())),
    }
}

/// The agent has the ticket open (and is writing on it, or not).
pub fn set(conn: &mut AnyConnection, actor: &Actor, ticket: &TicketRow, typing: bool) -> ApiResult<()> {
    let user_id = agent(actor)?;
    let now = chrono::Utc::now().naive_utc();
    write_tx(conn, |conn| {
        diesel::delete(presence::table.find((ticket.id, user_id))).execute(conn)?;
        diesel::insert_into(presence::table)
            .values((
                presence::ticket_id.eq(ticket.id),
                presence::user_id.eq(user_id),
                presence::seen_at.eq(now),
                presence::typing_until.eq(typing.then_some(now + TYPING)),
            ))
            .execute(conn)?;
        ApiResult::Ok(())
    })
}

/// The agent left the ticket.
pub fn clear(conn: &mut AnyConnection, actor: &Actor, ticket: &TicketRow) -> ApiResult<()> {
    let user_id = agent(actor)?;
    diesel::delete(presence::table.find((ticket.id, user_id))).execute(conn)?;
    Ok(())
}

/// Everyone with a ticket open now, by ticket number; the rows long gone are deleted on the way.
pub fn current(conn: &mut AnyConnection, now: NaiveDateTime) -> ApiResult<BTreeMap<String, Vec<Present>>> {
    let rows: Vec<(String, i64, String, Option<NaiveDateTime>)> = presence::table
        .inner_join(tickets::table.on(tickets::id.eq(presence::ticket_id)))
        .inner_join(users::table.on(users::id.eq(presence::user_id)))
        .filter(presence::seen_at.gt(now - FRESH))
        .order((tickets::number, users::fullname, users::id))
        .select((tickets::number, users::id, users::fullname, presence::typing_until))
        .load(conn)?;
    let mut by_ticket: BTreeMap<String, Vec<Present>> = BTreeMap::new();
    for (number, id, name, typing_until) in rows {
        let typing = typing_until.is_some_and(|until| until > now);
        by_ticket.entry(number).or_default().push(Present { id, name, typing });
    }
    Ok(by_ticket)
}

/// Deletes the rows of pages closed without saying so (a crash, a lost connection).
pub fn sweep(conn: &mut AnyConnection, now: NaiveDateTime) -> ApiResult<()> {
    diesel::delete(presence::table.filter(presence::seen_at.lt(now - FRESH * 4))).execute(conn)?;
    Ok(())
}
