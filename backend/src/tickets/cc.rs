//! The people copied on a ticket besides its customer (CC participants: osTicket's
//! collaborators, Zammad's CC). They get the ticket's customer mail (its opening, agents'
//! responses, status changes: `mail::notify`), read it in the portal and answer it there or by
//! mail; they do not change it. Agents choose them on a new ticket and change them later (an E
//! entry names who came and went). A response can also be blind-copied to addresses only agents
//! see (`bcc`), which makes nobody a participant.

use std::collections::HashMap;

use diesel::prelude::*;
use shared::tickets::{Participant, CC_MAX};
use shared::validate::{mailbox, Email, PersonName};

use super::create::find_or_create_customer;
use crate::core::auth::{find_by_login, Actor};
use crate::core::db::models::UserRow;
use crate::core::db::schema::{ticket_cc, users};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};

/// An address to copy, as given.
pub struct Address {
    pub email: Email,
    pub name: Option<PersonName>,
}

/// Reads a `cc` or `bcc` list: addresses or `Name <address>`, at most [`CC_MAX`]; repeats are
/// dropped. Errors name the field and the entry.
pub fn parse_list(field: &str, given: &[String]) -> ApiResult<Vec<Address>> {
    if given.len() > CC_MAX {
        return Err(ApiError::field(field, format!("may name at most {CC_MAX} people")));
    }
    let mut list: Vec<Address> = Vec::with_capacity(given.len());
    for entry in given {
        let (email, name) = mailbox(entry).map_err(|e| ApiError::field(field, format!("{:?} {e}", entry.trim())))?;
        if !list.iter().any(|a| a.email == email) {
            list.push(Address { email, name });
        }
    }
    Ok(list)
}

/// Would this list change the ticket's participants? Checked without writing: an address
/// nobody has yet always would.
pub fn differs(conn: &mut AnyConnection, ticket_id: i64, owner: i64, list: &[Address]) -> ApiResult<bool> {
    let mut wanted = Vec::with_capacity(list.len());
    for a in list {
        match find_by_login(conn, a.email.as_str())? {
            Some(u) if u.id == owner => {}
            Some(u) => wanted.push(u.id),
            None => return Ok(true),
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    Ok(wanted != ids(conn, ticket_id)?)
}

/// The accounts a list names, customers made for new addresses (inside the caller's
/// transaction); the ticket's own customer is left out.
pub fn people(conn: &mut AnyConnection, actor: &Actor, owner: i64, list: &[Address]) -> ApiResult<Vec<UserRow>> {
    let mut found: Vec<UserRow> = Vec::with_capacity(list.len());
    for a in list {
        let user = find_or_create_customer(conn, actor, &a.email, a.name.as_ref(), "").map_err(|e| match e {
            ApiError::InvalidFields(_) => ApiError::field("cc", format!("{} is too like another address", a.email)),
            other => other,
        })?;
        if user.id != owner && !found.iter().any(|u| u.id == user.id) {
            found.push(user);
        }
    }
    Ok(found)
}

/// The user ids copied on a ticket, in order.
fn ids(conn: &mut AnyConnection, ticket_id: i64) -> ApiResult<Vec<i64>> {
    Ok(ticket_cc::table
        .filter(ticket_cc::ticket_id.eq(ticket_id))
        .select(ticket_cc::user_id)
        .order(ticket_cc::user_id)
        .load(conn)?)
}

/// The people copied on a ticket, as accounts (whom `mail::notify` tells what its customer hears).
pub fn accounts(conn: &mut AnyConnection, ticket_id: i64) -> ApiResult<Vec<UserRow>> {
    let copied = ticket_cc::table.filter(ticket_cc::ticket_id.eq(ticket_id)).select(ticket_cc::user_id);
    Ok(users::table.filter(users::id.eq_any(copied)).order(users::id).select(UserRow::as_select()).load(conn)?)
}

/// Is this person copied on the ticket?
pub fn is_copied(conn: &mut AnyConnection, ticket_id: i64, user_id: i64) -> ApiResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(ticket_cc::table.find((ticket_id, user_id)))).get_result(conn)?)
}

/// Makes these people the ticket's participants (inside the caller's transaction). Returns
/// the names of those added and of those removed.
pub fn replace(conn: &mut AnyConnection, ticket_id: i64, people: &[UserRow]) -> ApiResult<(Vec<String>, Vec<String>)> {
    let before = ids(conn, ticket_id)?;
    let removed_ids: Vec<i64> = before.iter().copied().filter(|id| !people.iter().any(|u| u.id == *id)).collect();
    let removed: Vec<String> =
        users::table.filter(users::id.eq_any(&removed_ids)).order(users::id).select(users::fullname).load(conn)?;
    diesel::delete(
        ticket_cc::table.filter(ticket_cc::ticket_id.eq(ticket_id)).filter(ticket_cc::user_id.eq_any(&removed_ids)),
    )
    .execute(conn)?;
    let mut added = Vec::new();
    for u in people.iter().filter(|u| !before.contains(&u.id)) {
        diesel::insert_into(ticket_cc::table)
            .values((ticket_cc::ticket_id.eq(ticket_id), ticket_cc::user_id.eq(u.id)))
            .execute(conn)?;
        added.push(u.fullname.clone());
    }
    Ok((added, removed))
}

/// The participants of these tickets, by ticket.
pub fn of_tickets(conn: &mut AnyConnection, ticket_ids: &[i64]) -> ApiResult<HashMap<i64, Vec<Participant>>> {
    let rows: Vec<(i64, i64, String, String)> = ticket_cc::table
        .inner_join(users::table.on(users::id.eq(ticket_cc::user_id)))
        .filter(ticket_cc::ticket_id.eq_any(ticket_ids))
        .order((ticket_cc::ticket_id, users::fullname, users::id))
        .select((ticket_cc::ticket_id, users::id, users::fullname, users::email))
        .load(conn)?;
    let mut map: HashMap<i64, Vec<Participant>> = HashMap::new();
    for (ticket_id, id, name, email) in rows {
        map.entry(ticket_id).or_default().push(Participant { id, name, email });
    }
    Ok(map)
}

/// How a response's blind copies are kept on its entry (agents read them back with [`bcc_list`]).
pub fn bcc_stored(list: &[Address]) -> Option<String> {
    (!list.is_empty()).then(|| list.iter().map(|a| a.email.as_str()).collect::<Vec<_>>().join(", "))
}

/// The addresses a stored entry was blind-copied to.
pub fn bcc_list(stored: &str) -> Vec<String> {
    stored.split(", ").filter(|s| !s.is_empty()).map(str::to_owned).collect()
}
