//! The desk side bar's counts: open tickets (open and pending states) in all, mine, unassigned,
//! followed, per queue, and what each of the caller's saved views lists. Computed once per change
//! of the data (core::memo), so a page view costs one index lookup, not a count over the tickets.

use std::collections::HashMap;

use diesel::prelude::*;
use shared::notifications::{Count, TicketCounts};
use shared::tickets::TicketListQuery;

use super::list;
use crate::core::auth::Actor;
use crate::core::db::schema::{queues, saved_views, statuses, ticket_assignees, ticket_followers, tickets};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::memo::Memo;

/// The status filter of the desk's default list, and of a view that names none.
const OPEN_STATES: &str = "open,pending";

pub fn counts(conn: &mut AnyConnection, memo: &Memo<TicketCounts>, actor: &Actor) -> ApiResult<TicketCounts> {
    let me = actor.user_id();
    let views: Vec<(i64, String, String)> = match me {
        Some(user_id) => saved_views::table
            .filter(saved_views::user_id.eq(user_id))
            .select((saved_views::id, saved_views::name, saved_views::query))
            .order(saved_views::name)
            .load(conn)?,
        None => Vec::new(),
    };
    // Views are not audited (they change no ticket): what they are is part of the key.
    let key = format!("{:?}/{:?}/{views:?}", me, actor.key_id());
    memo.get_or(conn, key, |conn| compute(conn, actor, me, &views))
}

fn compute(
    conn: &mut AnyConnection,
    actor: &Actor,
    me: Option<i64>,
    views: &[(i64, String, String)],
) -> ApiResult<TicketCounts> {
    let open_ids: Vec<i64> =
        statuses::table.filter(statuses::state.eq_any(["open", "pending"])).select(statuses::id).load(conn)?;
    let open = || tickets::table.filter(tickets::status_id.eq_any(open_ids.clone()));
    let per_queue: HashMap<i64, i64> = open()
        .group_by(tickets::queue_id)
        .select((tickets::queue_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let queues = queues::table
        .select((queues::id, queues::name))
        .order(queues::name)
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, name)| Count { open: per_queue.get(&id).copied().unwrap_or(0), id, name })
        .collect();
    let unassigned = open()
        .filter(diesel::dsl::not(diesel::dsl::exists(
            ticket_assignees::table.filter(ticket_assignees::ticket_id.eq(tickets::id)),
        )))
        .count()
        .get_result(conn)?;
    let (mine, followed) = match me {
        Some(user_id) => (
            open()
                .filter(
                    tickets::id.eq_any(
                        ticket_assignees::table
                            .filter(ticket_assignees::user_id.eq(user_id))
                            .select(ticket_assignees::ticket_id),
                    ),
                )
                .count()
                .get_result(conn)?,
            open()
                .filter(
                    tickets::id.eq_any(
                        ticket_followers::table
                            .filter(ticket_followers::user_id.eq(user_id))
                            .select(ticket_followers::ticket_id),
                    ),
                )
                .count()
                .get_result(conn)?,
        ),
        None => (0, 0),
    };
    let mut counted = Vec::new();
    for (id, name, query) in views {
        // A view the list no longer accepts (a status since deleted) has no count.
        let Ok(mut query) = serde_urlencoded::from_str::<TicketListQuery>(query) else { continue };
        query.status = match query.status.as_deref().map(str::trim) {
            None | Some("") => Some(OPEN_STATES.to_owned()),
            Some("any") => None,
            Some(given) => Some(given.to_owned()),
        };
        match list::count(conn, actor, &query) {
            Ok(open) => counted.push(Count { id: *id, name: name.clone(), open }),
            Err(ApiError::InvalidFields(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(TicketCounts { open: open().count().get_result(conn)?, mine, unassigned, followed, queues, views: counted })
}
