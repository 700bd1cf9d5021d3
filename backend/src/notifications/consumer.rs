//! The rules' events → the bell's notifications, in the change's transaction (features.rs), so
//! a notification exists exactly when its change does. Who hears of what follows the ticket mail
//! (mail::notify): an agent is told when they are assigned, and of messages, responses, notes and
//! status changes on tickets they are assigned to or follow; a note naming them (`@username`)
//! tells them whether or not they follow it. Nobody is told of their own doing, and what an agent
//! does to a ticket counts as having read it.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::reads;
use crate::core::auth::{level_of, stored_form};
use crate::core::db::models::UserRow;
use crate::core::db::schema::{notifications, thread_entries, ticket_assignees, ticket_followers, users};
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;
use crate::core::events::Emitted;

pub fn on_event(conn: &mut AnyConnection, emitted: &Emitted<'_>) -> ApiResult<()> {
    let event = emitted.event;
    let Some(ticket_id) = event.payload["ticket_id"].as_i64().filter(|_| event.target_type == "ticket") else {
        return Ok(());
    };
    let now = chrono::Utc::now().naive_utc();
    let actor = emitted.actor.user_id().filter(|_| emitted.actor.is_staff());
    if let Some(agent) = actor {
        reads::mark(conn, agent, ticket_id, now)?;
    }
    let ids = |key: &str| -> Vec<i64> {
        event.payload[key].as_array().into_iter().flatten().filter_map(|v| v.as_i64()).collect()
    };
    // Who is told, and why: a later reason for the same agent replaces an earlier one.
    let mut told: BTreeMap<i64, &'static str> = BTreeMap::new();
    match event.kind {
        "ticket.assign" => told.extend(ids("added").into_iter().map(|id| (id, "assigned"))),
        "ticket.status" if event.payload["with_response"] != true => {
            told.extend(involved(conn, ticket_id)?.into_iter().map(|id| (id, "status")))
        }
        kind @ ("ticket.message" | "ticket.response" | "ticket.note") => {
            let reason = kind.trim_start_matches("ticket.");
            told.extend(involved(conn, ticket_id)?.into_iter().map(|id| (id, reason)));
            if kind == "ticket.note" {
                let entry = event.payload["entry_id"].as_i64().unwrap_or_default();
                let body: String = thread_entries::table.find(entry).select(thread_entries::body).first(conn)?;
                told.extend(mentioned(conn, &body)?.into_iter().map(|id| (id, "mention")));
            }
        }
        _ => {}
    }
    if let Some(agent) = actor {
        told.remove(&agent);
    }
    if told.is_empty() {
        return Ok(());
    }
    // Only agents who can still sign in hear of anything.
    let agents: Vec<UserRow> = users::table
        .filter(users::id.eq_any(told.keys().copied().collect::<Vec<_>>()))
        .select(UserRow::as_select())
        .load(conn)?;
    // One insert each: the engine-neutral connection has no batch insert (and they are few).
    for agent in agents.iter().filter(|u| level_of(u).is_staff()) {
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(agent.id),
                notifications::ticket_id.eq(ticket_id),
                notifications::event_id.eq(emitted.id),
                notifications::reason.eq(told[&agent.id]),
                notifications::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The agents assigned to the ticket or following it.
fn involved(conn: &mut AnyConnection, ticket_id: i64) -> ApiResult<Vec<i64>> {
    let mut ids: Vec<i64> = ticket_assignees::table
        .filter(ticket_assignees::ticket_id.eq(ticket_id))
        .select(ticket_assignees::user_id)
        .load(conn)?;
    ids.extend(
        ticket_followers::table
            .filter(ticket_followers::ticket_id.eq(ticket_id))
            .select(ticket_followers::user_id)
            .load::<i64>(conn)?,
    );
    Ok(ids)
}

/// The agents a note names as `@username`.
fn mentioned(conn: &mut AnyConnection, body: &str) -> ApiResult<Vec<i64>> {
    let names = mentions(body);
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<UserRow> =
        users::table.filter(users::username.eq_any(names)).select(UserRow::as_select()).load(conn)?;
    Ok(found.iter().filter(|u| level_of(u).is_staff()).map(|u| u.id).collect())
}

/// The `@names` of a text, in their stored (sign-in) form: an `@` at the start or after a space
/// or punctuation other than a name's own, so `bob@example.com` names nobody. At most 20.
fn mentions(text: &str) -> Vec<String> {
    let is_name_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-');
    let mut found = Vec::new();
    let mut previous = ' ';
    for (at, c) in text.char_indices() {
        if c == '@' && !is_name_char(previous) && previous != '@' {
            let rest = &text[at + 1..];
            let end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
            let name = rest[..end].trim_end_matches(['.', '-']);
            if !name.is_empty() && found.len() < 20 {
                found.push(stored_form(name));
            }
        }
        previous = c;
    }
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn names_after_an_at_sign_but_not_in_addresses() {
        assert_eq!(mentions("@bea can you look? cc @Alex."), vec!["alex".to_owned(), "bea".to_owned()]);
        assert_eq!(mentions("mail bob@example.com or @@x"), Vec::<String>::new());
        assert_eq!(mentions("(@carol_d) <p>@dave-e</p>"), vec!["carol_d".to_owned(), "dave-e".to_owned()]);
        assert_eq!(mentions("@ nothing"), Vec::<String>::new());
    }
}
