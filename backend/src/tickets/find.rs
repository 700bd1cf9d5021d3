//! Who may see which ticket (and its files), one ticket rendered, and the ticket list.

use diesel::prelude::*;
use shared::settings::Visibility;
use shared::tickets::{EntryType, Ticket};

use crate::core::auth::Actor;
use crate::core::db::schema::{attachments, thread_entries, tickets};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::settings;
use crate::core::state::AppState;
use crate::tickets::rows::{AttachmentRow, TicketRow};

pub const MAX_PER_PAGE: i64 = 100;

/// Runs `work` on the database thread with the ticket `number` as the actor may see it (the
/// handlers of a ticket's parts: its draft, presence, read state — a 404 when it is not theirs
/// to see).
pub async fn on_visible<T, F>(state: &AppState, actor: Actor, number: String, work: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection, &Actor, &TicketRow) -> ApiResult<T> + Send + 'static,
{
    state
        .db(move |conn| {
            let ticket = find_visible(conn, &actor, &number)?;
            work(conn, &actor, &ticket)
        })
        .await
}

/// The ticket with this number, if the actor may see it: their own, one they are copied on, or
/// any when they see all. A customer asking for someone else's ticket gets the same 404 as for
/// a number that does not exist.
pub fn find_visible(conn: &mut AnyConnection, actor: &Actor, number: &str) -> ApiResult<TicketRow> {
    let number = number.trim();
    let mut row = by_number(conn, number)?;
    if row.is_none() && !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
        // osTicket clients send bare numbers; try them with the current prefix.
        let prefix = crate::catalog::rules::ticket_settings(conn)?.prefix;
        row = by_number(conn, &format!("{prefix}{number}"))?;
    }
    // A held ticket (tickets::create) is the staff's until its customer proves the address.
    let row = row.filter(|t| !t.held || actor.is_staff());
    let theirs = match (&row, actor.user_id()) {
        (Some(t), Some(me)) => {
            t.user_id == me
                || (!actor.sees_all_tickets()
                    && (super::cc::is_copied(conn, t.id, me)?
                        || (t.client_id.is_some()
                            && crate::clients::tickets::technical_client(conn, me)? == t.client_id)))
        }
        _ => false,
    };
    match row {
        Some(t) if theirs => Ok(t),
        row if sees_all(conn, actor)? => row.ok_or(ApiError::NotFound("ticket")),
        _ if matches!(actor, Actor::Guest) => Err(sign_in_to_read()),
        _ => Err(ApiError::NotFound("ticket")),
    }
}

pub(super) fn sign_in_to_read() -> ApiError {
    ApiError::Unauthorized("Sign in to read tickets".into())
}

/// May the actor read every ticket? Restricted viewers and up always; below that it is the
/// visibility setting: public lets everyone read, private every signed-in user.
pub fn sees_all(conn: &mut AnyConnection, actor: &Actor) -> ApiResult<bool> {
    if actor.sees_all_tickets() {
        return Ok(true);
    }
    Ok(visible_to(actor, settings::Stored::read(conn)?.visibility()))
}

pub(super) fn visible_to(actor: &Actor, visibility: Visibility) -> bool {
    actor.sees_all_tickets()
        || match visibility {
            Visibility::Public => true,
            Visibility::Private => actor.user().is_some(),
            Visibility::Restricted => false,
        }
}

fn by_number(conn: &mut AnyConnection, number: &str) -> ApiResult<Option<TicketRow>> {
    Ok(tickets::table.filter(tickets::number.eq(number)).select(TicketRow::as_select()).get_result(conn).optional()?)
}

/// One ticket as JSON, with its thread as the actor may see it.
pub fn render_one(conn: &mut AnyConnection, actor: &Actor, id: i64) -> ApiResult<Ticket> {
    super::view::render(conn, &[id], true, actor)?.pop().ok_or(ApiError::NotFound("ticket"))
}

/// An attachment, for whoever may read its ticket (the visibility setting included) and its
/// entry (internal notes' files are the staff's); anyone else gets the 404 of a missing one.
pub fn visible_attachment(conn: &mut AnyConnection, actor: &Actor, id: i64) -> ApiResult<AttachmentRow> {
    let found: Option<(AttachmentRow, i64, i64, bool, String)> = attachments::table
        .inner_join(thread_entries::table.on(thread_entries::id.eq(attachments::entry_id)))
        .inner_join(tickets::table.on(tickets::id.eq(thread_entries::ticket_id)))
        .filter(attachments::id.eq(id))
        .select((AttachmentRow::as_select(), tickets::id, tickets::user_id, tickets::held, thread_entries::entry_type))
        .first(conn)
        .optional()?;
    let sees_all = found.is_some() && sees_all(conn, actor)?;
    let copied = match (&found, actor.user_id()) {
        (Some((_, ticket, ..)), Some(me)) if !sees_all => super::cc::is_copied(conn, *ticket, me)?,
        _ => false,
    };
    found
        .filter(|(_, _, owner, held, entry_type)| {
            let theirs = actor.user_id() == Some(*owner) || copied;
            let sees_ticket = (sees_all || theirs) && (!held || actor.is_staff());
            let sees_entry = actor.is_staff() || entry_type != EntryType::N.as_str();
            sees_ticket && sees_entry
        })
        .map(|(a, ..)| a)
        .ok_or(ApiError::NotFound("attachment"))
}
