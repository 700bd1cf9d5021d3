//! Deleting a ticket for good (django-helpdesk's `delete_ticket`, osTicket's and Zammad's delete):
//! the ticket, its thread, its files (those no other message shares), its people (assignees,
//! followers, the copied), drafts, presence, notifications and read marks go in one transaction.
//! The audit log keeps a `ticket.delete` row naming the ticket's number and subject; mail already
//! queued about it still goes, without its files; the mail log keeps its record of a mail that
//! became part of it. Only people at the "delete tickets" threshold (administrators by default)
//! may, and keys only with the admin scope (the route checks that).
//!
//! A number is never given again: ticket numbers follow ids, and SQLite gives a new row the
//! highest id plus one, so the highest id ever deleted is kept (`DELETED_UP_TO`) and a new
//! ticket's id starts above it ([`next_id`]). PostgreSQL's sequence never goes back by itself.

use std::path::Path;

use diesel::prelude::*;
use serde_json::json;
use shared::settings::Capability;

use crate::core::auth::{Actor, Origin};
use crate::core::db::schema::{
    attachments, drafts, inbound_mail, notifications, outbox, presence, settings, thread_entries, ticket_assignees,
    ticket_cc, ticket_followers, ticket_reads, tickets,
};
use crate::core::db::{write_tx, AnyConnection, Engine};
use crate::core::error::{ApiError, ApiResult};
use crate::core::events::{self, Event};
use crate::core::settings::Stored;
use crate::tickets::content::blob_path;
use crate::tickets::rows::TicketRow;

/// The settings row holding the highest ticket id ever deleted.
const DELETED_UP_TO: &str = "tickets_deleted_up_to";

/// Deletes the ticket with everything in it (checking the actor's right first), then the files
/// no other message holds.
pub fn delete_ticket(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket: &TicketRow,
    files: &Path,
    origin: &Origin,
) -> ApiResult<()> {
    require_right(conn, actor)?;
    let gone = write_tx(conn, |conn| remove(conn, actor, ticket, origin))?;
    // After the commit: a file is removed only when no row names its content any more (files are
    // stored once per content, so another message may share it).
    for sha in gone {
        let still_used = attachments::table.filter(attachments::sha256.eq(&sha)).count().get_result::<i64>(conn)? > 0;
        if !still_used {
            if let Err(e) = std::fs::remove_file(blob_path(files, &sha)) {
                tracing::warn!(%sha, error = %e, "a deleted ticket's file could not be removed");
            }
        }
    }
    Ok(())
}

/// Whether the actor may delete tickets: agents at the "delete tickets" threshold (keys, whose
/// scope the route checks, pass).
pub fn require_right(conn: &mut AnyConnection, actor: &Actor) -> ApiResult<()> {
    let threshold = Stored::read(conn)?.threshold(Capability::DeleteTickets);
    if !actor.is_staff() || !actor.reaches(threshold) {
        return Err(ApiError::Forbidden(format!("Deleting tickets needs the {} level or higher", threshold.name())));
    }
    Ok(())
}

/// The rows, in the transaction; the contents (hashes) of the files they held.
fn remove(conn: &mut AnyConnection, actor: &Actor, ticket: &TicketRow, origin: &Origin) -> ApiResult<Vec<String>> {
    let id = ticket.id;
    let entries = || thread_entries::table.filter(thread_entries::ticket_id.eq(id)).select(thread_entries::id);
    let files: Vec<String> =
        attachments::table.filter(attachments::entry_id.eq_any(entries())).select(attachments::sha256).load(conn)?;
    // First the event (its consumers may still read the ticket), then everything that names it.
    let event = Event {
        kind: "ticket.delete",
        target_type: "ticket",
        target_id: ticket.number.clone(),
        payload: json!({"ticket_id": id, "subject": ticket.subject, "user_id": ticket.user_id}),
    };
    events::emit(conn, &origin.events, actor, origin.ip.as_deref(), event)?;
    diesel::update(outbox::table.filter(outbox::ticket_id.eq(id)))
        .set((outbox::ticket_id.eq(None::<i64>), outbox::entry_id.eq(None::<i64>)))
        .execute(conn)?;
    diesel::update(inbound_mail::table.filter(inbound_mail::ticket_id.eq(id)))
        .set((inbound_mail::ticket_id.eq(None::<i64>), inbound_mail::entry_id.eq(None::<i64>)))
        .execute(conn)?;
    diesel::delete(attachments::table.filter(attachments::entry_id.eq_any(entries()))).execute(conn)?;
    diesel::delete(drafts::table.filter(drafts::ticket_id.eq(id))).execute(conn)?;
    diesel::delete(presence::table.filter(presence::ticket_id.eq(id))).execute(conn)?;
    diesel::delete(notifications::table.filter(notifications::ticket_id.eq(id))).execute(conn)?;
    diesel::delete(ticket_reads::table.filter(ticket_reads::ticket_id.eq(id))).execute(conn)?;
    diesel::delete(ticket_cc::table.filter(ticket_cc::ticket_id.eq(id))).execute(conn)?;
    diesel::delete(ticket_assignees::table.filter(ticket_assignees::ticket_id.eq(id))).execute(conn)?;
    diesel::delete(ticket_followers::table.filter(ticket_followers::ticket_id.eq(id))).execute(conn)?;
    diesel::delete(thread_entries::table.filter(thread_entries::ticket_id.eq(id))).execute(conn)?;
    diesel::delete(tickets::table.find(id)).execute(conn)?;
    if Engine::of(conn) == Engine::Sqlite && id > deleted_up_to(conn)? {
        let value = id.to_string();
        let updated =
            diesel::update(settings::table.find(DELETED_UP_TO)).set(settings::value.eq(&value)).execute(conn)?;
        if updated == 0 {
            diesel::insert_into(settings::table)
                .values((settings::key.eq(DELETED_UP_TO), settings::value.eq(&value)))
                .execute(conn)?;
        }
    }
    Ok(files)
}

fn deleted_up_to(conn: &mut AnyConnection) -> ApiResult<i64> {
    let value: Option<String> = settings::table.find(DELETED_UP_TO).select(settings::value).first(conn).optional()?;
    Ok(value.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// The id a new ticket takes on SQLite, above every id a ticket had (None on PostgreSQL: its
/// sequence). Inside the creating transaction, which SQLite runs alone.
pub fn next_id(conn: &mut AnyConnection) -> ApiResult<Option<i64>> {
    if Engine::of(conn) != Engine::Sqlite {
        return Ok(None);
    }
    let floor = deleted_up_to(conn)?;
    if floor == 0 {
        return Ok(None);
    }
    let highest: Option<i64> = tickets::table.select(diesel::dsl::max(tickets::id)).first(conn)?;
    Ok(Some(highest.unwrap_or(0).max(floor) + 1))
}
