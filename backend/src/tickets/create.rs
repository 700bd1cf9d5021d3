//! Opening a ticket: osTicket's create body, validated in full before anything is written, then
//! written in one transaction (ticket, first message, attachments, audit row).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;
use shared::tickets::{AttachmentUpload, EntryType, TicketCreate, TicketUpdate};
use shared::validate::{Email, PersonName, Subject};
use shared::AccessLevel;

use super::content::{self, Body, Upload};
use crate::accounts::rules::{can_sign_in, insert_user, NewUserInput};
use crate::catalog::rules as catalog;
use crate::clients::tickets::Chosen;
use crate::core::auth::{find_by_login, Actor, Origin};
use crate::core::db::models::UserRow;
use crate::core::db::schema::{attachments, thread_entries, tickets};
use crate::core::db::{write_tx, AnyConnection, Engine};
use crate::core::error::{collect, ApiError, ApiResult};
use crate::core::events::{self, Event};
use crate::core::settings::Stored;
use crate::core::state::AppState;
use crate::tickets::rows::{NewEntry, NewTicket};

pub struct Limits {
    pub max_attachment_bytes: usize,
    pub attachments_dir: PathBuf,
    /// NodePoint's "can upload files" threshold.
    pub upload_level: AccessLevel,
}

impl Limits {
    /// Upload limits for a request: the administrator's setting, never above the server's own
    /// `max_attachment_mb` (the request body limit is sized from that).
    pub fn read(state: &AppState, conn: &mut AnyConnection) -> ApiResult<Limits> {
        let stored = Stored::read(conn)?;
        let setting = usize::try_from(stored.num(&crate::core::settings::MAX_UPLOAD_BYTES)).unwrap_or(0);
        Ok(Limits {
            max_attachment_bytes: setting.min(state.config.max_attachment_bytes),
            attachments_dir: state.config.attachments_dir(),
            upload_level: stored.threshold(shared::settings::Capability::UploadFiles),
        })
    }

    /// For changes that carry no files (bulk changes).
    pub fn no_uploads() -> Limits {
        Limits { max_attachment_bytes: 0, attachments_dir: PathBuf::new(), upload_level: AccessLevel::Administrator }
    }

    /// The decoded attachments, when the actor may attach files at all and each is small enough.
    pub fn uploads(&self, actor: &Actor, list: &[AttachmentUpload]) -> ApiResult<Vec<Upload>> {
        if !list.is_empty() && !actor.reaches(self.upload_level) {
            return Err(ApiError::Forbidden(format!(
                "Attaching files needs the {} level or higher",
                self.upload_level.name()
            )));
        }
        content::decode_uploads(list, self.max_attachment_bytes)
    }
}

/// Who the ticket is for, as the request describes it.
enum Requester {
    Me,
    ByEmail { email: Email, name: Option<PersonName>, phone: String },
}

struct Checked {
    subject: Subject,
    body: Body,
    requester: Requester,
    topic_id: Option<i64>,
    queue_id: Option<i64>,
    priority_id: i64,
    source: String,
    uploads: Vec<Upload>,
    opened_with: OpenedWith,
    /// The client and contact an agent chose (else the customer's own decide).
    client: Chosen,
}

/// What an agent sets as the ticket is opened (checked with the rest, written right after the
/// ticket, in its transaction, as the changes they are: an assignment, a status change).
#[derive(Default)]
struct OpenedWith {
    status_id: Option<i64>,
    resolution: Option<String>,
    assignee_ids: Option<Vec<i64>>,
    /// The people to copy (`cc`), written with the ticket so that its first mail reaches them.
    cc: Vec<super::cc::Address>,
}

/// Creates the ticket and returns its id and number.
pub fn create_ticket(
    conn: &mut AnyConnection,
    actor: &Actor,
    body: &TicketCreate,
    limits: &Limits,
    origin: &Origin,
) -> ApiResult<(i64, String)> {
    let checked = check(conn, actor, body, limits, origin)?;
    for upload in &checked.uploads {
        content::store(&limits.attachments_dir, upload)?;
    }
    write_tx(conn, |conn| insert(conn, actor, checked, origin))
}

fn check(
    conn: &mut AnyConnection,
    actor: &Actor,
    body: &TicketCreate,
    limits: &Limits,
    origin: &Origin,
) -> ApiResult<Checked> {
    let mut errors = BTreeMap::new();
    let subject = Subject::parse(body.subject.as_deref().unwrap_or(""));
    if let Err(e) = &subject {
        errors.insert("subject".to_owned(), e.clone());
    }
    let message = content::parse_body("message", body.message.as_deref().unwrap_or(""));
    if let Err(ApiError::InvalidFields(fields)) = &message {
        errors.extend(fields.clone());
    }
    // Agents and keys file for someone (by email); a guest names themselves the same way.
    let guest = matches!(actor, Actor::Guest);
    if guest && body.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        errors.insert("name".into(), "is required: who are you?".into());
    }
    let requester = if actor.is_staff() || guest {
        match body.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            Some(email) => {
                let email = Email::parse(email);
                if let Err(e) = &email {
                    errors.insert("email".to_owned(), e.clone());
                }
                let name = body.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(PersonName::parse);
                if let Some(Err(e)) = &name {
                    errors.insert("name".into(), e.clone());
                }
                let phone = body.phone.clone().unwrap_or_default();
                if phone.chars().count() > 64 || phone.chars().any(char::is_control) {
                    errors.insert("phone".into(), "must be one line of at most 64 characters".into());
                }
                email.ok().map(|email| Requester::ByEmail { email, name: name.and_then(Result::ok), phone })
            }
            None if actor.user().is_some() => Some(Requester::Me),
            None => {
                errors.insert("email".into(), "is required: whom is the ticket for?".into());
                None
            }
        }
    } else {
        Some(Requester::Me)
    };
    let source = match body.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(origin.channel.to_owned()),
        Some(s) => match ["Web", "Email", "API", "Phone"].iter().find(|k| k.eq_ignore_ascii_case(s)) {
            Some(known) => Some((*known).to_owned()),
            None => {
                errors.insert("source".into(), "use Web, Email, API or Phone".into());
                None
            }
        },
    };
    let cc = body.cc.as_deref().unwrap_or_default();
    let mut opened_with = OpenedWith {
        status_id: body.status_id,
        resolution: body.resolution.clone(),
        assignee_ids: body.assignee_ids.clone(),
        cc: Vec::new(),
    };
    let names_client = body.client_id.is_some() || body.contact_id.is_some();
    if opened_with.status_id.is_some() || opened_with.assignee_ids.is_some() || !cc.is_empty() || names_client {
        if !actor.is_staff() {
            return Err(ApiError::Forbidden(
                "Only agents can assign a ticket, choose its status or client, or copy people".into(),
            ));
        }
        opened_with.cc = collect(&mut errors, super::cc::parse_list("cc", cc)).unwrap_or_default();
        if let Some(ids) = &opened_with.assignee_ids {
            collect(&mut errors, super::change::agents(conn, ids));
        }
        if let Some(id) = opened_with.status_id {
            let leaves_open = catalog::status(conn, id, "status_id").map(|s| !catalog::status_state(&s).is_active());
            let unexplained = opened_with.resolution.as_deref().is_none_or(|r| r.trim().is_empty());
            if collect(&mut errors, leaves_open) == Some(true) && unexplained {
                errors.insert("resolution".into(), "is required when a ticket leaves the open states".into());
            }
        }
    }
    if let Some(ip) = body.ip.as_deref().filter(|ip| !ip.trim().is_empty()) {
        if ip.trim().parse::<std::net::IpAddr>().is_err() {
            errors.insert("ip".into(), "is not an IP address".into());
        }
    }
    // Lookups that need the database, each reported against its own field.
    let topic = match body.topic_id {
        Some(id) => catalog::topic(conn, id).map(Some),
        None => Ok(None),
    };
    let topic = collect(&mut errors, topic);
    let queue_id = match body.queue_id {
        Some(id) => collect(&mut errors, catalog::queue_exists(conn, id).map(|_| Some(id))),
        None => topic.as_ref().map(|t| t.as_ref().map(|t| t.queue_id)),
    };
    let priority_id = match body.priority.as_deref() {
        Some(p) => collect(&mut errors, catalog::priority(conn, p).map(|p| p.id)),
        None => Some(catalog::DEFAULT_PRIORITY_ID),
    };
    let client = crate::clients::tickets::check_chosen(conn, body.client_id, body.contact_id, &mut errors)?;
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    // Size limits last: a 413 only once the rest is known to be valid.
    let mut uploads = limits.uploads(actor, &body.attachments)?;
    if let Ok(message) = &message {
        content::link_pictures("message", message, &mut uploads)?;
    }
    match (subject, message, requester, source, topic, queue_id, priority_id) {
        (Ok(subject), Ok(body), Some(requester), Some(source), Some(topic), Some(queue_id), Some(priority_id)) => {
            Ok(Checked {
                subject,
                body,
                requester,
                topic_id: topic.map(|t| t.id),
                queue_id,
                priority_id,
                source,
                uploads,
                opened_with,
                client,
            })
        }
        _ => Err(ApiError::Internal("validation passed without values".into())),
    }
}

/// A ticket from a mail (`mail::inbound`), inside the caller's transaction, with the files already
/// stored: for the sender when they are `actor`'s user, else for `email` (a customer made when new).
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_from_mail(
    conn: &mut AnyConnection,
    actor: &Actor,
    email: Option<(Email, Option<PersonName>)>,
    subject: Subject,
    body: Body,
    uploads: Vec<Upload>,
    queue_id: Option<i64>,
    origin: &Origin,
) -> ApiResult<(i64, String)> {
    let requester = match email {
        Some((email, name)) => Requester::ByEmail { email, name, phone: String::new() },
        None => Requester::Me,
    };
    let checked = Checked {
        subject,
        body,
        requester,
        topic_id: None,
        queue_id,
        priority_id: catalog::DEFAULT_PRIORITY_ID,
        source: "Email".into(),
        uploads,
        opened_with: OpenedWith::default(),
        client: Chosen::default(),
    };
    insert(conn, actor, checked, origin)
}

fn insert(conn: &mut AnyConnection, actor: &Actor, c: Checked, origin: &Origin) -> ApiResult<(i64, String)> {
    let now = chrono::Utc::now().naive_utc();
    let settings = catalog::ticket_settings(conn)?;
    let owner = match c.requester {
        Requester::Me => actor.user().cloned().ok_or_else(|| ApiError::field("email", "is required"))?,
        Requester::ByEmail { email, name, phone } => {
            find_or_create_customer(conn, actor, &email, name.as_ref(), &phone)?
        }
    };
    let (client_id, contact_id) = crate::clients::tickets::for_new_ticket(conn, &owner, c.client)?;
    let held = held(actor, &owner);
    if held && matches!(actor, Actor::Guest) && owner.email_confirmed_at.is_some() {
        // The owner proves it was them (or ignores it): the link's confirmation releases it.
        crate::accounts::tokens::mail_confirmation(conn, &owner, &origin.events.public_url)?;
    }
    let queue_id = match c.queue_id {
        Some(id) => id,
        None => catalog::first_queue(conn)?,
    };
    let placeholder = format!("new-{}", rand_suffix());
    let new_ticket = NewTicket {
        number: &placeholder,
        subject: c.subject.as_str(),
        user_id: owner.id,
        status_id: catalog::OPEN_STATUS_ID,
        priority_id: c.priority_id,
        queue_id,
        topic_id: c.topic_id,
        source: &c.source,
        due_at: Some(now + chrono::Duration::hours(settings.sla_hours)),
        last_message_at: Some(now),
        created_at: now,
        updated_at: now,
        held,
        client_id,
        contact_id,
    };
    // Above every id a deleted ticket had, so that no number is given twice (tickets::delete).
    let id: i64 = match super::delete::next_id(conn)? {
        Some(id) => diesel::insert_into(tickets::table)
            .values((tickets::id.eq(id), new_ticket))
            .returning(tickets::id)
            .get_result(conn)?,
        None => diesel::insert_into(tickets::table).values(new_ticket).returning(tickets::id).get_result(conn)?,
    };
    let number = format!("{}{}", settings.prefix, settings.number_start + id);
    diesel::update(tickets::table.find(id)).set(tickets::number.eq(&number)).execute(conn)?;
    let entry_id = insert_entry(
        conn,
        id,
        EntryType::M,
        Some(owner.id),
        None,
        &owner.fullname,
        &c.source,
        Some(c.subject.as_str()),
        &c.body,
        now,
    )?;
    attach(conn, entry_id, &c.uploads)?;
    if !c.opened_with.cc.is_empty() {
        let people = super::cc::people(conn, actor, owner.id, &c.opened_with.cc)?;
        super::cc::replace(conn, id, &people)?;
    }
    let payload = json!({
        "ticket_id": id, "entry_id": entry_id, "subject": c.subject.as_str(), "user_id": owner.id, "source": c.source,
    });
    let event = Event { kind: "ticket.create", target_type: "ticket", target_id: number.clone(), payload };
    events::emit(conn, &origin.events, actor, origin.ip.as_deref(), event)?;
    let OpenedWith { status_id, resolution, assignee_ids, .. } = c.opened_with;
    if status_id.is_some() || assignee_ids.is_some() {
        let update = TicketUpdate { status_id, resolution, assignee_ids, ..Default::default() };
        super::change::apply_initial(conn, actor, id, &update, origin)?;
    }
    Ok((id, number))
}

fn rand_suffix() -> String {
    use rand::Rng;
    format!("{:016x}", rand::thread_rng().gen::<u64>())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_entry(
    conn: &mut AnyConnection,
    ticket_id: i64,
    entry_type: EntryType,
    user_id: Option<i64>,
    staff_id: Option<i64>,
    poster: &str,
    source: &str,
    title: Option<&str>,
    body: &Body,
    now: NaiveDateTime,
) -> ApiResult<i64> {
    Ok(diesel::insert_into(thread_entries::table)
        .values(NewEntry {
            ticket_id,
            entry_type: entry_type.as_str(),
            user_id,
            staff_id,
            poster,
            source,
            title,
            body: &body.text,
            format: body.format,
            created_at: now,
        })
        .returning(thread_entries::id)
        .get_result(conn)?)
}

pub(crate) fn attach(conn: &mut AnyConnection, entry_id: i64, uploads: &[Upload]) -> ApiResult<()> {
    for u in uploads {
        diesel::insert_into(attachments::table)
            .values((
                attachments::entry_id.eq(entry_id),
                attachments::filename.eq(&u.filename),
                attachments::content_type.eq(&u.content_type),
                attachments::size.eq(u.bytes.len() as i64),
                attachments::sha256.eq(&u.sha256),
                attachments::content_id.eq(&u.content_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The customer with this email, created (without a password, level 1) when new — as osTicket
/// does for tickets that arrive by API or email.
/// Whether the customer of a new ticket waits to see it (docs/security.md, "Tickets bound to
/// addresses"). Only an account someone can sign in to matters (one without a way in gets one
/// only by a reset link, which proves the address). Its ticket is held when a visitor without an
/// account wrote as its address — whoever they were, only the address's owner can say it was
/// them — or when anyone else filed it while the account has not proven its address (someone
/// registered it and never used the link). A mailed link releases it (`rules::confirm_email`).
pub(crate) fn held(actor: &Actor, owner: &UserRow) -> bool {
    actor.user_id() != Some(owner.id)
        && can_sign_in(owner)
        && (matches!(actor, Actor::Guest) || owner.email_confirmed_at.is_none())
}

pub(crate) fn find_or_create_customer(
    conn: &mut AnyConnection,
    actor: &Actor,
    email: &Email,
    name: Option<&PersonName>,
    phone: &str,
) -> ApiResult<UserRow> {
    if let Some(user) = find_by_login(conn, email.as_str())? {
        return Ok(user);
    }
    // A new address: in its stored form, and not a look-alike of another (422 naming `email`).
    let email = &crate::accounts::addresses::check(conn, email, None)?;
    let local_part = email.as_str().split('@').next().unwrap_or("customer");
    let fallback = PersonName::parse(local_part).map_err(|e| ApiError::field("name", e))?;
    let name = name.unwrap_or(&fallback);
    let input = || NewUserInput {
        username: None,
        email,
        name,
        phone,
        level: AccessLevel::AuthorizedUser,
        password_hash: None,
        notes: "",
        timezone: None,
        language: None,
        // Someone else gave the address: it is confirmed when its owner sets a password.
        email_confirmed: false,
    };
    // On PostgreSQL another request may create the same customer at the same moment: insert under
    // a savepoint, and on a unique violation use the row that won. (SQLite writers never overlap.)
    let inserted = match Engine::of(conn) {
        Engine::Postgres => conn.transaction(|conn| insert_user(conn, Some(actor), input(), None)),
        Engine::Sqlite => insert_user(conn, Some(actor), input(), None),
    };
    match inserted {
        Err(ApiError::Conflict(_) | ApiError::InvalidFields(_)) => {
            find_by_login(conn, email.as_str())?.ok_or(ApiError::Conflict("Please try again".into()))
        }
        other => other,
    }
}
