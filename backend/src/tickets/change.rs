//! Changing a ticket: replies and notes, field updates, close and reopen. Every change bumps
//! `version` with a compare-and-set, so two people editing at once never silently overwrite each
//! other: the second gets 409. Status changes add an E entry ("Status Changed") and an audit row.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{json, Value};
use shared::catalog::StatusState;
use shared::tickets::{BulkUpdate, EntryType, TicketUpdate, BULK_MAX_TICKETS, TIME_SPENT_MAX_MINUTES};
use shared::validate::{Email, PersonName, Subject};

use super::cc::{self, Address};
use super::content::{self, Body, Upload};
use super::create::{attach, find_or_create_customer, held, insert_entry, Limits};
use crate::catalog::rows::StatusRow;
use crate::catalog::rules::{self as catalog, status_state, TicketSettings};
use crate::core::audit::{self, AuditEvent};
use crate::core::auth::{find_by_login, level_of, Actor, Origin};
use crate::core::db::models::UserRow;
use crate::core::db::schema::{thread_entries, ticket_assignees, ticket_followers, tickets, users};
use crate::core::db::{write_tx, AnyConnection};
use crate::core::error::{collect, ApiError, ApiResult};
use crate::core::events::{self, Event};
use crate::tickets::rows::TicketRow;

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = tickets)]
struct TicketChanges {
    subject: Option<String>,
    status_id: Option<i64>,
    priority_id: Option<i64>,
    queue_id: Option<i64>,
    topic_id: Option<Option<i64>>,
    resolution: Option<Option<String>>,
    closed_at: Option<Option<NaiveDateTime>>,
    last_message_at: Option<Option<NaiveDateTime>>,
    last_response_at: Option<Option<NaiveDateTime>>,
    updated_at: Option<NaiveDateTime>,
    time_spent: Option<i64>,
}

/// The customer a ticket is given to: an account already known, or an address (and name) that
/// becomes one as it is written.
struct NewRequester {
    email: Email,
    name: Option<PersonName>,
}

/// A status change worked out before writing: what to set, and the E entry to add.
struct Transition {
    from: StatusRow,
    to: StatusRow,
    event: String,
}

fn is_owner(actor: &Actor, ticket: &TicketRow) -> bool {
    actor.user_id() == Some(ticket.user_id)
}

/// Staff may change any ticket they see; a customer (or a restricted viewer) only their own.
pub(super) fn require_can_act(actor: &Actor, ticket: &TicketRow) -> ApiResult<()> {
    if actor.is_staff() || is_owner(actor, ticket) {
        Ok(())
    } else {
        Err(cannot_change())
    }
}

/// Who may write on a ticket (a message, a draft of one): whoever may change it, and the
/// people copied on it (`cc`), who answer but change nothing else.
pub(super) fn require_can_write(conn: &mut AnyConnection, actor: &Actor, ticket: &TicketRow) -> ApiResult<()> {
    if actor.is_staff() || is_owner(actor, ticket) {
        return Ok(());
    }
    match actor.user_id() {
        Some(me) if cc::is_copied(conn, ticket.id, me)? => Ok(()),
        // Their client's technical contact answers its tickets (ITFlow).
        Some(me)
            if ticket.client_id.is_some()
                && crate::clients::tickets::technical_client(conn, me)? == ticket.client_id =>
        {
            Ok(())
        }
        _ => Err(cannot_change()),
    }
}

fn cannot_change() -> ApiError {
    ApiError::Forbidden("You may view this ticket but not change it".into())
}

/// May this actor reopen the ticket? Agents always; its customer within the auto-close window
/// after it was resolved or closed.
fn require_can_reopen(
    actor: &Actor,
    ticket: &TicketRow,
    settings: &TicketSettings,
    now: NaiveDateTime,
) -> ApiResult<()> {
    if actor.is_staff() {
        return Ok(());
    }
    let within = ticket.closed_at.is_some_and(|at| now - at <= chrono::Duration::hours(settings.auto_close_hours));
    if within {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "This ticket was closed more than {} hours ago; please open a new one",
            settings.auto_close_hours
        )))
    }
}

fn plan_transition(
    conn: &mut AnyConnection,
    ticket: &TicketRow,
    to_id: i64,
    field: &str,
    resolution: Option<&str>,
    who: &str,
) -> ApiResult<Option<(Transition, Option<String>)>> {
    if to_id == ticket.status_id {
        return Ok(None);
    }
    let from = catalog::status(conn, ticket.status_id, field)?;
    let to = catalog::status(conn, to_id, field)?;
    let resolution = resolution.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    let leaving_active = status_state(&from).is_active() && !status_state(&to).is_active();
    if leaving_active && resolution.is_none() {
        return Err(ApiError::field("resolution", "is required when a ticket leaves the open states"));
    }
    let mut event = format!("{} → {} by {who}", from.name, to.name);
    if let Some(r) = resolution.as_deref().filter(|_| leaving_active) {
        event.push_str(&format!(": {r}"));
    }
    Ok(Some((Transition { from, to, event }, resolution)))
}

fn apply_transition(changes: &mut TicketChanges, t: &Transition, resolution: Option<String>, now: NaiveDateTime) {
    changes.status_id = Some(t.to.id);
    if status_state(&t.to).is_active() {
        changes.resolution = Some(None);
        changes.closed_at = Some(None);
    } else {
        if status_state(&t.from).is_active() {
            changes.closed_at = Some(Some(now));
        }
        if resolution.is_some() {
            changes.resolution = Some(resolution);
        }
    }
}

/// Writes `changes` if the ticket is still at `expected_version`; 409 otherwise.
fn save(
    conn: &mut AnyConnection,
    ticket: &TicketRow,
    expected_version: i64,
    mut changes: TicketChanges,
    now: NaiveDateTime,
) -> ApiResult<()> {
    changes.updated_at = Some(now);
    let updated =
        diesel::update(tickets::table.filter(tickets::id.eq(ticket.id)).filter(tickets::version.eq(expected_version)))
            .set((changes, tickets::version.eq(tickets::version + 1)))
            .execute(conn)?;
    if updated == 0 {
        return Err(stale());
    }
    Ok(())
}

fn stale() -> ApiError {
    ApiError::Conflict("The ticket was changed by someone else meanwhile; reload it and try again".into())
}

/// The E entry and the `ticket.status` event of a status change. `with_response`: the same
/// change posted a response, which already tells the customer the new status.
fn status_event(
    conn: &mut AnyConnection,
    ticket: &TicketRow,
    actor: &Actor,
    origin: &Origin,
    t: &Transition,
    with_response: bool,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let event = Body { text: t.event.clone(), format: "text" };
    insert_entry(conn, ticket.id, EntryType::E, None, None, "SYSTEM", "", Some("Status Changed"), &event, now)?;
    emit(
        conn,
        origin,
        actor,
        ticket,
        "ticket.status",
        json!({
            "from": t.from.name, "to": t.to.name, "note": t.event, "with_response": with_response,
        }),
    )
}

/// A ticket event: its payload names the ticket by id and number besides `detail`'s fields.
fn emit(
    conn: &mut AnyConnection,
    origin: &Origin,
    actor: &Actor,
    ticket: &TicketRow,
    kind: &'static str,
    mut detail: Value,
) -> ApiResult<()> {
    detail["ticket_id"] = json!(ticket.id);
    let event = Event { kind, target_type: "ticket", target_id: ticket.number.clone(), payload: detail };
    events::emit(conn, &origin.events, actor, origin.ip.as_deref(), event)?;
    Ok(())
}

struct CheckedUpdate {
    message: Option<(EntryType, Body, Vec<Upload>)>,
    changes: TicketChanges,
    transition: Option<Transition>,
    assignees: Option<Vec<UserRow>>,
    /// Minutes of work to record.
    time_added: Option<i64>,
    requester: Option<NewRequester>,
    /// The people to copy from now on, when that changes.
    cc: Option<Vec<Address>>,
    /// Where the response is blind-copied.
    bcc: Vec<Address>,
    /// The ticket's new client and contact, when they change.
    client: Option<crate::clients::tickets::Change>,
}

impl CheckedUpdate {
    /// Nothing to write: e.g. a bulk status change for a ticket already in that status.
    /// (Fields set to their current values are dropped in `check_update`.)
    fn is_noop(&self) -> bool {
        let c = &self.changes;
        self.message.is_none()
            && self.transition.is_none()
            && self.assignees.is_none()
            && self.time_added.is_none()
            && self.requester.is_none()
            && self.cc.is_none()
            && self.client.is_none()
            && c.priority_id.is_none()
            && c.subject.is_none()
            && c.topic_id.is_none()
            && c.queue_id.is_none()
    }
}

/// PUT: a reply (customer message, agent response or internal note) and/or field changes.
pub fn update_ticket(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket: &TicketRow,
    body: &TicketUpdate,
    limits: &Limits,
    origin: &Origin,
) -> ApiResult<()> {
    require_can_write(conn, actor, ticket)?;
    let expected = body.version.unwrap_or(ticket.version);
    if expected != ticket.version {
        // Checked here too, before attachments are stored: a stale request leaves nothing behind.
        return Err(stale());
    }
    let now = chrono::Utc::now().naive_utc();
    let checked = check_update(conn, actor, ticket, body, limits, now)?;
    if checked.is_noop() {
        // Nothing changes: no new version, no event, no mail ("Assigned to Alex by Alex" again).
        return Ok(());
    }
    if let Some((_, _, uploads)) = &checked.message {
        for upload in uploads {
            content::store(&limits.attachments_dir, upload)?;
        }
    }
    write_tx(conn, |conn| apply_update(conn, actor, ticket, expected, checked, origin, now).map(|_| ()))
}

/// The status and assignees an agent chose for a ticket as it was opened (`create`), inside its
/// transaction: written as any later change would be, with their E entries and events.
pub(crate) fn apply_initial(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket_id: i64,
    update: &TicketUpdate,
    origin: &Origin,
) -> ApiResult<()> {
    let ticket = tickets::table.find(ticket_id).select(TicketRow::as_select()).get_result(conn)?;
    let now = chrono::Utc::now().naive_utc();
    let checked = check_update(conn, actor, &ticket, update, &Limits::no_uploads(), now)?;
    if !checked.is_noop() {
        apply_update(conn, actor, &ticket, ticket.version, checked, origin, now)?;
    }
    Ok(())
}

/// A message that came by mail (`mail::inbound`), inside the caller's transaction: a customer's
/// message reopens a resolved or closed ticket as on the web (403 once the reopen window has
/// passed: the caller opens a new ticket instead). Returns the new thread entry's id.
pub(crate) fn post_from_mail(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket: &TicketRow,
    entry_type: EntryType,
    body: Body,
    uploads: Vec<Upload>,
    origin: &Origin,
) -> ApiResult<i64> {
    let now = chrono::Utc::now().naive_utc();
    let mut changes = TicketChanges::default();
    let mut transition = None;
    let closed = !status_state(&catalog::status(conn, ticket.status_id, "status_id")?).is_active();
    if entry_type == EntryType::M && closed {
        require_can_reopen(actor, ticket, &catalog::ticket_settings(conn)?, now)?;
        if let Some((t, resolution)) =
            plan_transition(conn, ticket, catalog::OPEN_STATUS_ID, "status_id", None, &actor.display_name())?
        {
            apply_transition(&mut changes, &t, resolution, now);
            transition = Some(t);
        }
    }
    match entry_type {
        EntryType::M => changes.last_message_at = Some(Some(now)),
        EntryType::R => changes.last_response_at = Some(Some(now)),
        // A note (an agent's unverified mail) answers nobody.
        EntryType::N | EntryType::E => {}
    }
    let checked = CheckedUpdate {
        message: Some((entry_type, body, uploads)),
        changes,
        transition,
        assignees: None,
        time_added: None,
        requester: None,
        cc: None,
        bcc: Vec::new(),
        client: None,
    };
    apply_update(conn, actor, ticket, ticket.version, checked, origin, now)?
        .ok_or_else(|| ApiError::Internal("a mail message left no thread entry".into()))
}

/// Writes a checked update (inside the caller's transaction): the ticket, its thread entries and
/// audit rows. Returns the id of the message's thread entry, if it had one.
fn apply_update(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket: &TicketRow,
    expected: i64,
    checked: CheckedUpdate,
    origin: &Origin,
    now: NaiveDateTime,
) -> ApiResult<Option<i64>> {
    let CheckedUpdate { message, changes, transition, assignees, time_added, requester, cc, bcc, client } = checked;
    let fields: Vec<&str> = [
        ("subject", changes.subject.is_some()),
        ("priority", changes.priority_id.is_some()),
        ("topic", changes.topic_id.is_some()),
        ("queue", changes.queue_id.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect();
    save(conn, ticket, expected, changes, now)?;
    if !fields.is_empty() {
        // No thread entry (the ticket shows its fields), but those watching hear of it.
        emit(conn, origin, actor, ticket, "ticket.update", json!({"fields": fields}))?;
    }
    if let Some(list) = cc {
        // Before the message: a response goes to the people copied as it is sent.
        copy_to(conn, actor, ticket, &list, origin, now)?;
    }
    let mut told_customer = false;
    let mut entry_id = None;
    if let Some((entry_type, text, uploads)) = &message {
        let (user_id, staff_id) = match entry_type {
            EntryType::M => (actor.user_id(), None),
            _ => (None, actor.user_id()),
        };
        let entry = insert_entry(
            conn,
            ticket.id,
            *entry_type,
            user_id,
            staff_id,
            &actor.display_name(),
            origin.channel,
            None,
            text,
            now,
        )?;
        attach(conn, entry, uploads)?;
        if let Some(stored) = cc::bcc_stored(&bcc) {
            diesel::update(thread_entries::table.find(entry)).set(thread_entries::bcc.eq(stored)).execute(conn)?;
        }
        if let Some(user_id) = actor.user_id() {
            // Sent: the draft it was written in is done with.
            super::drafts::discard(conn, ticket.id, user_id)?;
        }
        let kind = match entry_type {
            EntryType::N => "ticket.note",
            EntryType::M => "ticket.message",
            _ => "ticket.response",
        };
        emit(conn, origin, actor, ticket, kind, json!({"entry_id": entry}))?;
        told_customer = *entry_type == EntryType::R;
        entry_id = Some(entry);
    }
    if let Some(t) = &transition {
        status_event(conn, ticket, actor, origin, t, told_customer, now)?;
    }
    if let Some(agents) = assignees {
        let before = assigned(conn, ticket.id)?;
        diesel::delete(ticket_assignees::table.filter(ticket_assignees::ticket_id.eq(ticket.id))).execute(conn)?;
        for agent in &agents {
            diesel::insert_into(ticket_assignees::table)
                .values((ticket_assignees::ticket_id.eq(ticket.id), ticket_assignees::user_id.eq(agent.id)))
                .execute(conn)?;
        }
        let names: Vec<&str> = agents.iter().map(|a| a.fullname.as_str()).collect();
        let text = if names.is_empty() {
            format!("Unassigned by {}", actor.display_name())
        } else {
            format!("Assigned to {} by {}", names.join(", "), actor.display_name())
        };
        event(conn, ticket, "Assignment", text, now)?;
        let ids: Vec<i64> = agents.iter().map(|a| a.id).collect();
        let added: Vec<i64> = ids.iter().copied().filter(|id| !before.contains(id)).collect();
        emit(conn, origin, actor, ticket, "ticket.assign", json!({"assignees": ids, "added": added}))?;
    }
    if let Some(to) = requester {
        give_to(conn, actor, ticket, to, origin, now)?;
    }
    if let Some(change) = client {
        set_client(conn, actor, ticket, change, origin, now)?;
    }
    if let Some(minutes) = time_added {
        event(conn, ticket, "Time Spent", format!("{minutes} min recorded by {}", actor.display_name()), now)?;
        emit(conn, origin, actor, ticket, "ticket.time", json!({"minutes": minutes}))?;
    }
    Ok(entry_id)
}

/// Gives the ticket to another customer (made from the address when new): an E entry names both,
/// and the hold is decided again for the new customer as for a ticket filed for them.
fn give_to(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket: &TicketRow,
    to: NewRequester,
    origin: &Origin,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let owner = find_or_create_customer(conn, actor, &to.email, to.name.as_ref(), "").map_err(|e| match e {
        // A new address like another's: said of the field this request named it in.
        ApiError::InvalidFields(fields) => {
            ApiError::InvalidFields(fields.into_iter().map(|(k, v)| (format!("requester_{k}"), v)).collect())
        }
        other => other,
    })?;
    diesel::update(tickets::table.find(ticket.id))
        .set((tickets::user_id.eq(owner.id), tickets::held.eq(held(actor, &owner))))
        .execute(conn)?;
    let before: String = users::table.find(ticket.user_id).select(users::fullname).get_result(conn)?;
    let text = format!("Requester changed from {before} to {} by {}", owner.fullname, actor.display_name());
    event(conn, ticket, "Requester Changed", text, now)?;
    emit(conn, origin, actor, ticket, "ticket.requester", json!({"from": ticket.user_id, "to": owner.id}))
}

/// Gives the ticket another client and contact (or none): an E entry says which.
fn set_client(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket: &TicketRow,
    change: crate::clients::tickets::Change,
    origin: &Origin,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let client_id = change.client.as_ref().map(|c| c.id);
    let contact_id = change.contact.as_ref().map(|c| c.id);
    diesel::update(tickets::table.find(ticket.id))
        .set((tickets::client_id.eq(client_id), tickets::contact_id.eq(contact_id)))
        .execute(conn)?;
    let text = match (&change.client, &change.contact) {
        (Some(client), Some(contact)) => format!("Client set to {} (contact {})", client.name, contact.name),
        (Some(client), None) => format!("Client set to {} (no contact)", client.name),
        (None, _) => "Client removed".to_owned(),
    };
    event(conn, ticket, "Client Changed", format!("{text} by {}", actor.display_name()), now)?;
    emit(conn, origin, actor, ticket, "ticket.client", json!({"client_id": client_id, "contact_id": contact_id}))
}

/// Makes `list` the people copied on the ticket: an E entry names who came and went.
fn copy_to(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket: &TicketRow,
    list: &[Address],
    origin: &Origin,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let people = cc::people(conn, actor, ticket.user_id, list)?;
    let (added, removed) = cc::replace(conn, ticket.id, &people)?;
    if added.is_empty() && removed.is_empty() {
        return Ok(());
    }
    let said = [("added", &added), ("removed", &removed)]
        .into_iter()
        .filter(|(_, names)| !names.is_empty())
        .map(|(what, names)| format!("{what} {}", names.join(", ")))
        .collect::<Vec<_>>()
        .join("; ");
    event(conn, ticket, "CC Changed", format!("CC {said} by {}", actor.display_name()), now)?;
    let ids: Vec<i64> = people.iter().map(|u| u.id).collect();
    emit(conn, origin, actor, ticket, "ticket.cc", json!({"cc": ids}))
}

/// An E entry: something happened to the ticket, told in one line.
fn event(conn: &mut AnyConnection, ticket: &TicketRow, title: &str, text: String, now: NaiveDateTime) -> ApiResult<()> {
    insert_entry(
        conn,
        ticket.id,
        EntryType::E,
        None,
        None,
        "SYSTEM",
        "",
        Some(title),
        &Body { text, format: "text" },
        now,
    )?;
    Ok(())
}

fn check_update(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket: &TicketRow,
    body: &TicketUpdate,
    limits: &Limits,
    now: NaiveDateTime,
) -> ApiResult<CheckedUpdate> {
    let staff = actor.is_staff();
    let field_change = body.status_id.is_some()
        || body.priority.is_some()
        || body.topic_id.is_some()
        || body.queue_id.is_some()
        || body.subject.is_some()
        || body.assignee_ids.is_some()
        || body.requester_email.is_some()
        || body.time_spent.is_some()
        || body.cc.is_some()
        || body.bcc.is_some()
        || body.client_id.is_some()
        || body.contact_id.is_some();
    if field_change && !staff {
        return Err(ApiError::Forbidden("Only agents can change a ticket's fields".into()));
    }
    let has_message = body.message.as_deref().is_some_and(|m| !m.trim().is_empty()) || !body.attachments.is_empty();
    if !has_message && !field_change {
        return Err(ApiError::field("message", "is required unless fields are changed"));
    }
    let entry_type = match body.entry_type.as_deref().map(str::trim).map(str::to_ascii_lowercase).as_deref() {
        None | Some("") => {
            if staff {
                EntryType::R
            } else {
                EntryType::M
            }
        }
        Some("response" | "reply" | "r") if staff => EntryType::R,
        Some("note" | "n" | "internal") if staff => EntryType::N,
        Some("message" | "m") if !staff => EntryType::M,
        Some("response" | "reply" | "r" | "note" | "n" | "internal") => {
            return Err(ApiError::Forbidden("Only agents can post responses and internal notes".into()))
        }
        Some(_) => return Err(ApiError::field("type", "use response or note")),
    };

    let mut errors = BTreeMap::new();
    let mut changes = TicketChanges::default();
    let markdown = match body.format.as_deref().map(str::trim) {
        None | Some("" | "text") => false,
        Some("markdown") => true,
        Some(_) => {
            errors.insert("format".into(), "use text or markdown".into());
            false
        }
    };
    let parse = if markdown { content::parse_markdown } else { content::parse_body };
    let message = if has_message {
        match parse("message", body.message.as_deref().unwrap_or("")) {
            Ok(text) => Some(text),
            Err(ApiError::InvalidFields(f)) => {
                errors.extend(f);
                None
            }
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    // A field set to what it already is changes nothing, so it writes no change and no event.
    if let Some(subject) = &body.subject {
        match Subject::parse(subject) {
            Ok(s) => changes.subject = Some(s.into_inner()).filter(|s| *s != ticket.subject),
            Err(e) => {
                errors.insert("subject".into(), e);
            }
        }
    }
    if let Some(p) = &body.priority {
        collect(
            &mut errors,
            catalog::priority(conn, p).map(|p| changes.priority_id = Some(p.id).filter(|id| *id != ticket.priority_id)),
        );
    }
    if let Some(id) = body.topic_id {
        collect(
            &mut errors,
            catalog::topic(conn, id).map(|t| changes.topic_id = Some(Some(t.id)).filter(|id| *id != ticket.topic_id)),
        );
    }
    if let Some(id) = body.queue_id {
        collect(
            &mut errors,
            catalog::queue_exists(conn, id).map(|_| changes.queue_id = Some(id).filter(|id| *id != ticket.queue_id)),
        );
    }
    let assignees = match &body.assignee_ids {
        Some(ids) => collect(&mut errors, agents(conn, ids)),
        None => None,
    };
    let assignees = match assignees {
        Some(agents) if same_people(&agents, &assigned(conn, ticket.id)?) => None,
        other => other,
    };
    let requester = match body.requester_email.as_deref() {
        Some(email) => collect(&mut errors, requester(conn, ticket, email, body.requester_name.as_deref())),
        None => None,
    }
    .flatten();
    let cc = match &body.cc {
        Some(given) => match collect(&mut errors, cc::parse_list("cc", given)) {
            Some(list) if cc::differs(conn, ticket.id, ticket.user_id, &list)? => Some(list),
            _ => None,
        },
        None => None,
    };
    let bcc = match &body.bcc {
        Some(given) if !given.is_empty() && (entry_type != EntryType::R || !has_message) => {
            errors.insert("bcc".into(), "only goes with a response (a reply to the customer)".into());
            Vec::new()
        }
        Some(given) => collect(&mut errors, cc::parse_list("bcc", given)).unwrap_or_default(),
        None => Vec::new(),
    };
    let client = match (body.client_id, body.contact_id) {
        (None, None) => None,
        (client_id, contact_id) => collect(
            &mut errors,
            crate::clients::tickets::check_change(
                conn,
                ticket.user_id,
                (ticket.client_id, ticket.contact_id),
                client_id,
                contact_id,
            ),
        )
        .flatten(),
    };
    let time_added = body.time_spent;
    if let Some(minutes) = time_added {
        if (1..=TIME_SPENT_MAX_MINUTES).contains(&minutes) {
            changes.time_spent = Some(ticket.time_spent + minutes);
        } else {
            errors.insert("time_spent".into(), format!("must be 1 to {TIME_SPENT_MAX_MINUTES} minutes"));
        }
    }
    let mut transition = None;
    // A customer writing on a resolved or closed ticket reopens it, as in osTicket.
    let reopen_by_message = !staff
        && message.is_some()
        && !status_state(&catalog::status(conn, ticket.status_id, "status_id")?).is_active();
    if reopen_by_message {
        let settings = catalog::ticket_settings(conn)?;
        require_can_reopen(actor, ticket, &settings, now)?;
    }
    let target_status = body.status_id.or(reopen_by_message.then_some(catalog::OPEN_STATUS_ID));
    if let Some(to) = target_status {
        match plan_transition(conn, ticket, to, "status_id", body.resolution.as_deref(), &actor.display_name()) {
            Ok(Some((t, resolution))) => {
                apply_transition(&mut changes, &t, resolution, now);
                transition = Some(t);
            }
            Ok(None) => {}
            Err(ApiError::InvalidFields(f)) => errors.extend(f),
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    let mut uploads = limits.uploads(actor, &body.attachments)?;
    if let Some(message) = &message {
        content::link_pictures("message", message, &mut uploads)?;
    }
    let message = match (entry_type, body.signature) {
        (EntryType::R, Some(true)) => message.map(|text| content::signed(text, actor)),
        _ => message,
    };
    let message = match (message, has_message) {
        (Some(text), _) => Some((entry_type, text, uploads)),
        // Attachments alone: keep them with a short entry so they have a place in the thread.
        (None, true) => Some((entry_type, Body { text: "(attachments)".into(), format: "text" }, uploads)),
        (None, false) => None,
    };
    match message.as_ref().map(|m| m.0) {
        Some(EntryType::M) => changes.last_message_at = Some(Some(now)),
        Some(EntryType::R) => changes.last_response_at = Some(Some(now)),
        _ => {}
    }
    Ok(CheckedUpdate { message, changes, transition, assignees, time_added, requester, cc, bcc, client })
}

/// The customer `requester_email` names, unless it is the ticket's own (nothing changes).
fn requester(
    conn: &mut AnyConnection,
    ticket: &TicketRow,
    email: &str,
    name: Option<&str>,
) -> ApiResult<Option<NewRequester>> {
    let email = Email::parse(email.trim()).map_err(|e| ApiError::field("requester_email", e))?;
    let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(PersonName::parse(n).map_err(|e| ApiError::field("requester_name", e))?),
        None => None,
    };
    match find_by_login(conn, email.as_str())? {
        Some(user) if user.id == ticket.user_id => Ok(None),
        _ => Ok(Some(NewRequester { email, name })),
    }
}

/// The ids of the agents assigned to the ticket.
fn assigned(conn: &mut AnyConnection, ticket_id: i64) -> ApiResult<Vec<i64>> {
    Ok(ticket_assignees::table
        .filter(ticket_assignees::ticket_id.eq(ticket_id))
        .select(ticket_assignees::user_id)
        .load(conn)?)
}

/// Whether the agents are exactly these people, in any order.
fn same_people(agents: &[UserRow], ids: &[i64]) -> bool {
    let mut wanted: Vec<i64> = agents.iter().map(|a| a.id).collect();
    let mut current = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    current.sort_unstable();
    wanted == current
}

/// The users with these ids, all of whom must be agents.
pub(crate) fn agents(conn: &mut AnyConnection, ids: &[i64]) -> ApiResult<Vec<UserRow>> {
    let found: Vec<UserRow> = users::table.filter(users::id.eq_any(ids)).select(UserRow::as_select()).load(conn)?;
    for id in ids {
        match found.iter().find(|u| u.id == *id) {
            None => return Err(ApiError::field("assignee_ids", format!("no user has id {id}"))),
            Some(u) if !level_of(u).is_staff() => {
                return Err(ApiError::field("assignee_ids", format!("user {id} is not an agent")))
            }
            Some(_) => {}
        }
    }
    Ok(found)
}

/// How the actor is named in close and reopen events: customers as "user", as osTicket does.
fn who(actor: &Actor) -> String {
    if actor.is_staff() {
        actor.display_name()
    } else {
        "user".to_owned()
    }
}

/// Writes a status change that carries no message: the ticket, its E entry and the audit row.
fn commit_transition(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket: &TicketRow,
    version: Option<i64>,
    transition: Transition,
    resolution: Option<String>,
    origin: &Origin,
) -> ApiResult<()> {
    let now = chrono::Utc::now().naive_utc();
    let mut changes = TicketChanges::default();
    apply_transition(&mut changes, &transition, resolution, now);
    write_tx(conn, |conn| {
        save(conn, ticket, version.unwrap_or(ticket.version), changes, now)?;
        status_event(conn, ticket, actor, origin, &transition, false, now)
    })
}

/// DELETE: close. Closing a closed ticket changes nothing.
pub fn close_ticket(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket: &TicketRow,
    version: Option<i64>,
    resolution: Option<&str>,
    origin: &Origin,
) -> ApiResult<()> {
    require_can_act(actor, ticket)?;
    let current = catalog::status(conn, ticket.status_id, "status_id")?;
    if status_state(&current) == StatusState::Closed {
        return Ok(());
    }
    let closed_by = format!("Closed by {}", who(actor));
    let given = resolution.map(str::trim).filter(|r| !r.is_empty());
    let event = given.map_or_else(|| closed_by.clone(), |r| format!("{closed_by}: {r}"));
    let resolution = given.map_or(closed_by, str::to_owned);
    let to = catalog::status(conn, catalog::CLOSED_STATUS_ID, "status_id")?;
    commit_transition(conn, actor, ticket, version, Transition { from: current, to, event }, Some(resolution), origin)
}

/// POST on a ticket: reopen. Reopening an open ticket changes nothing.
pub fn reopen_ticket(
    conn: &mut AnyConnection,
    actor: &Actor,
    ticket: &TicketRow,
    version: Option<i64>,
    origin: &Origin,
) -> ApiResult<()> {
    require_can_act(actor, ticket)?;
    let current = catalog::status(conn, ticket.status_id, "status_id")?;
    if status_state(&current).is_active() {
        return Ok(());
    }
    let settings = catalog::ticket_settings(conn)?;
    require_can_reopen(actor, ticket, &settings, chrono::Utc::now().naive_utc())?;
    let to = catalog::status(conn, catalog::OPEN_STATUS_ID, "status_id")?;
    let event = format!("Reopened by {}", who(actor));
    commit_transition(conn, actor, ticket, version, Transition { from: current, to, event }, None, origin)
}

/// Follow or stop following a ticket. Not a change of the ticket: no version, no event.
pub fn set_following(conn: &mut AnyConnection, actor: &Actor, ticket: &TicketRow, follow: bool) -> ApiResult<()> {
    let user_id = actor
        .user_id()
        .ok_or_else(|| ApiError::field("user", "an API key acting as itself cannot follow; act as a user"))?;
    write_tx(conn, |conn| {
        let mine = ticket_followers::table
            .filter(ticket_followers::ticket_id.eq(ticket.id))
            .filter(ticket_followers::user_id.eq(user_id));
        let already: i64 = mine.count().get_result(conn)?;
        match (follow, already > 0) {
            (true, false) => {
                diesel::insert_into(ticket_followers::table)
                    .values((ticket_followers::ticket_id.eq(ticket.id), ticket_followers::user_id.eq(user_id)))
                    .execute(conn)?;
            }
            (false, true) => {
                diesel::delete(mine).execute(conn)?;
            }
            _ => return Ok(()),
        }
        audit::record(
            conn,
            Some(actor),
            None,
            AuditEvent {
                action: if follow { "ticket.follow" } else { "ticket.unfollow" },
                target_type: "ticket",
                target_id: ticket.number.clone(),
                detail: json!({}),
            },
        )?;
        Ok(())
    })
}

/// The same change to many tickets, in one transaction: every ticket is checked first, and one
/// bad number or invalid change (or a concurrent edit) leaves all of them as they were.
/// Returns the numbers of the tickets that changed.
pub fn bulk_update(
    conn: &mut AnyConnection,
    actor: &Actor,
    body: &BulkUpdate,
    origin: &Origin,
) -> ApiResult<Vec<String>> {
    if !actor.is_staff() {
        return Err(ApiError::Forbidden("Only agents can change many tickets at once".into()));
    }
    let mut numbers: Vec<&str> = Vec::new();
    for n in body.numbers.iter().map(|n| n.trim()) {
        if !numbers.contains(&n) {
            numbers.push(n);
        }
    }
    if numbers.is_empty() || numbers.len() > BULK_MAX_TICKETS {
        return Err(ApiError::field("numbers", format!("give 1 to {BULK_MAX_TICKETS} ticket numbers")));
    }
    let update = TicketUpdate {
        status_id: body.status_id,
        resolution: body.resolution.clone(),
        priority: body.priority.clone(),
        assignee_ids: body.assignee_ids.clone(),
        ..Default::default()
    };
    if update.status_id.is_none() && update.priority.is_none() && update.assignee_ids.is_none() {
        return Err(ApiError::field("status_id", "choose a change: status_id, priority or assignee_ids"));
    }
    let now = chrono::Utc::now().naive_utc();
    let mut planned = Vec::with_capacity(numbers.len());
    for number in numbers {
        let ticket = super::find::find_visible(conn, actor, number).map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::field("numbers", format!("no ticket has the number {number}")),
            other => other,
        })?;
        let checked = check_update(conn, actor, &ticket, &update, &Limits::no_uploads(), now)?;
        if !checked.is_noop() {
            planned.push((ticket, checked));
        }
    }
    write_tx(conn, |conn| {
        let mut updated = Vec::with_capacity(planned.len());
        for (ticket, checked) in planned {
            apply_update(conn, actor, &ticket, ticket.version, checked, origin, now)?;
            updated.push(ticket.number);
        }
        Ok(updated)
    })
}
