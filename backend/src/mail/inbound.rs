//! What happens to one mail that came in, from the IMAP fetcher or from an MTA's pipe: it becomes
//! a ticket or a message on one, or nothing (an auto-reply, an unknown sender), or it is kept aside
//! (quarantined) when it cannot be read. Exactly once: the mail's Message-ID is a unique key, and
//! its row is written in the same transaction as the ticket, so a mail fetched again after a crash
//! finds its earlier outcome and changes nothing.
//!
//! Which ticket a reply belongs to: the Message-IDs it answers (In-Reply-To, References) — ours
//! carry the ticket number, and the customer's earlier mail is remembered on its thread entry —
//! and else a `[TCK-1042]` in the subject. A reply counts only when its sender is the ticket's
//! customer or an agent; anyone else's mail opens a ticket of their own (when they may).
//!
//! Whether a reply is from its From (`trust`): an agent's verified reply is a response mailed to
//! the customer, an unverified one an internal note marked unverified; a customer's unverified
//! reply joins their ticket marked unverified to the agents.
//!
//! Senders: known users (not disabled) open tickets. An unknown sender becomes a customer when
//! the mail was piped by a program (osTicket: the key that may write vouches for it) or when the
//! mailbox takes anyone's mail (`imap_senders`, the default as in osTicket, Zammad and FreeScout);
//! with `known` their mail is logged as ignored.

use diesel::prelude::*;
use sha2::{Digest, Sha256};
use shared::mail::{InboundMail, MailSenders};
use shared::tickets::EntryType;
use shared::validate::{Email, PersonName, Subject, SUBJECT_MAX_CHARS};
use shared::AccessLevel;

use super::parse::{self, Parsed};
use super::trust::{self, Proof};
use crate::catalog::rules as catalog;
use crate::core::auth::{find_by_login, level_of, Actor, Origin};
use crate::core::db::schema::{inbound_mail, outbox, thread_entries, tickets};
use crate::core::db::{write_tx, AnyConnection};
use crate::core::error::{ApiError, ApiResult};
use crate::core::events::Sink;
use crate::core::settings::Stored;
use crate::core::time::timestamp;
use crate::tickets::content::{self, Body, Upload};
use crate::tickets::rows::TicketRow;
use crate::tickets::{change, create};

/// Where a mail came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Imap,
    Pipe,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Imap => "imap",
            Source::Pipe => "pipe",
        }
    }
}

/// What became of a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    /// The inbound_mail row.
    pub id: i64,
    /// ticket, reply, auto, ignored or quarantined.
    pub outcome: String,
    /// The ticket it opened or joined.
    pub ticket: Option<String>,
    /// The mail had been handled before: nothing changed now.
    pub duplicate: bool,
}

/// What handling needs besides the mail: from the server's configuration.
#[derive(Debug, Clone)]
pub struct Context {
    pub attachments_dir: std::path::PathBuf,
    /// The server's attachment limit (`max_attachment_mb`); the setting may lower it.
    pub max_attachment_bytes: usize,
    /// Its `token_key` checks reply tokens.
    pub events: Sink,
    /// Receiving servers whose Authentication-Results are believed (`[mail] trusted_authserv_ids`).
    pub trusted_servers: Vec<String>,
}

impl Context {
    pub fn new(config: &crate::config::Config, events: Sink) -> Context {
        Context {
            attachments_dir: config.attachments_dir(),
            max_attachment_bytes: config.max_attachment_bytes,
            events,
            trusted_servers: config.mail.trusted_authserv_ids.clone(),
        }
    }
}

/// Takes one raw mail, exactly once. A mail that cannot be read, or cannot be handled for a
/// reason of its own (a file that cannot be stored, a bug), is quarantined with the reason rather
/// than tried again forever; only a database that does not answer is an error (the mail stays
/// where it is and comes again).
pub fn take(conn: &mut AnyConnection, raw: &[u8], source: Source, ctx: &Context) -> ApiResult<Handled> {
    match handle(conn, raw, source, ctx) {
        Ok(handled) => Ok(handled),
        Err(e) if diesel::sql_query("SELECT 1").execute(conn).is_err() => Err(e),
        Err(e) => {
            tracing::warn!(error = %e, "a mail could not be handled; it is quarantined");
            quarantine(conn, raw, source, &e.to_string())
        }
    }
}

/// Keeps the mail aside for an administrator, under the hash of its bytes.
fn quarantine(conn: &mut AnyConnection, raw: &[u8], source: Source, reason: &str) -> ApiResult<Handled> {
    let id = format!("sha256-{}@quarantined.oxidesk", hex::encode(Sha256::digest(raw)));
    if let Some(earlier) = earlier(conn, &id)? {
        return Ok(earlier);
    }
    let parsed = parse::parse(raw).ok();
    let record = Record {
        message_id: &id,
        source,
        sender: parsed.as_ref().map_or("", |p| p.from.address.as_str()),
        subject: parsed.as_ref().map_or("", |p| p.subject.as_str()),
        raw: Some(raw),
    };
    write_tx(conn, |conn| record.write(conn, "quarantined", None, None, Some(reason)))
}

fn handle(conn: &mut AnyConnection, raw: &[u8], source: Source, ctx: &Context) -> ApiResult<Handled> {
    let parsed = match parse::parse(raw) {
        Ok(p) => p,
        Err(malformed) => return quarantine(conn, raw, source, &malformed.to_string()),
    };
    if let Some(earlier) = earlier(conn, &parsed.message_id)? {
        return Ok(earlier);
    }
    let uploads = uploads(conn, &parsed, ctx)?;
    for upload in &uploads.0 {
        content::store(&ctx.attachments_dir, upload)?;
    }
    let record = Record {
        message_id: &parsed.message_id,
        source,
        sender: &parsed.from.address,
        subject: &parsed.subject,
        raw: None,
    };
    let outcome = write_tx(conn, |conn| {
        // A second fetcher (another replica, or the pipe) may have taken it meanwhile.
        if let Some(earlier) = earlier(conn, &parsed.message_id)? {
            return Ok(earlier);
        }
        decide(conn, &parsed, uploads, &record, ctx)
    });
    match outcome {
        // Written by someone else between our check and our insert: theirs stands.
        Err(ApiError::Conflict(_)) => {
            earlier(conn, &parsed.message_id)?.ok_or(ApiError::Conflict("the mail is being handled".into()))
        }
        other => other,
    }
}

/// Whether an unknown sender's mail opens a ticket: always piped (the key vouches for it), and
/// over IMAP as the mailbox's setting says — anyone, or those at a client's mail domain.
fn may_open(conn: &mut AnyConnection, source: Source, stored: &Stored, address: &str) -> ApiResult<bool> {
    Ok(match (source, super::settings::imap_senders(stored)) {
        (Source::Pipe, _) | (Source::Imap, MailSenders::Anyone) => true,
        (Source::Imap, MailSenders::Known) => false,
        (Source::Imap, MailSenders::KnownAndClients) => {
            crate::clients::directory::by_domain(conn, address)?.is_some_and(|c| !c.is_closed())
        }
    })
}

/// The outcome of a mail handled before, if it was.
fn earlier(conn: &mut AnyConnection, message_id: &str) -> ApiResult<Option<Handled>> {
    let row: Option<(i64, String, Option<i64>)> = inbound_mail::table
        .filter(inbound_mail::message_id.eq(message_id))
        .select((inbound_mail::id, inbound_mail::outcome, inbound_mail::ticket_id))
        .first(conn)
        .optional()?;
    let Some((id, outcome, ticket_id)) = row else { return Ok(None) };
    let ticket = match ticket_id {
        Some(t) => Some(tickets::table.find(t).select(tickets::number).first::<String>(conn)?),
        None => None,
    };
    Ok(Some(Handled { id, outcome, ticket, duplicate: true }))
}

/// The inbound_mail row of a mail.
struct Record<'a> {
    message_id: &'a str,
    source: Source,
    sender: &'a str,
    subject: &'a str,
    /// Kept for quarantined mail.
    raw: Option<&'a [u8]>,
}

impl Record<'_> {
    fn write(
        &self,
        conn: &mut AnyConnection,
        outcome: &str,
        ticket: Option<&TicketRow>,
        entry_id: Option<i64>,
        reason: Option<&str>,
    ) -> ApiResult<Handled> {
        let inserted = diesel::insert_into(inbound_mail::table)
            .values((
                inbound_mail::message_id.eq(self.message_id),
                inbound_mail::source.eq(self.source.as_str()),
                inbound_mail::received_at.eq(chrono::Utc::now().naive_utc()),
                inbound_mail::outcome.eq(outcome),
                inbound_mail::sender.eq(clip(self.sender, 320)),
                inbound_mail::subject.eq(clip(self.subject, 500)),
                inbound_mail::ticket_id.eq(ticket.map(|t| t.id)),
                inbound_mail::entry_id.eq(entry_id),
                inbound_mail::reason.eq(reason),
                inbound_mail::raw.eq(self.raw),
            ))
            .returning(inbound_mail::id)
            .get_result::<i64>(conn);
        match inserted {
            Ok(id) => Ok(Handled {
                id,
                outcome: outcome.to_owned(),
                ticket: ticket.map(|t| t.number.clone()),
                duplicate: false,
            }),
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                Err(ApiError::Conflict("the mail was handled meanwhile".into()))
            }
            Err(e) => Err(e.into()),
        }
    }
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The mail's files that fit the limit, and a line about each that did not.
struct Uploads(Vec<Upload>, Vec<String>);

fn uploads(conn: &mut AnyConnection, parsed: &Parsed, ctx: &Context) -> ApiResult<Uploads> {
    let setting = usize::try_from(Stored::read(conn)?.num(&crate::core::settings::MAX_UPLOAD_BYTES)).unwrap_or(0);
    let limit = setting.min(ctx.max_attachment_bytes);
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for a in &parsed.attachments {
        if a.bytes.len() > limit {
            dropped.push(format!(
                "[The attachment {} ({} KiB) was not kept: larger than the limit of {} KiB]",
                a.filename,
                a.bytes.len() / 1024,
                limit / 1024
            ));
            continue;
        }
        kept.push(Upload {
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            sha256: hex::encode(Sha256::digest(&a.bytes)),
            bytes: a.bytes.clone(),
            content_id: a.content_id.clone(),
        });
    }
    Ok(Uploads(kept, dropped))
}

/// The entry body: the reply as written (sanitised HTML or text), with a note of dropped files.
fn body(parsed: &Parsed, dropped: &[String]) -> Body {
    let mut text = parsed.body.text.trim().to_owned();
    if text.is_empty() {
        text = "(no text)".to_owned();
    }
    let notes = dropped.join("\n");
    if parsed.body.html {
        let notes = if notes.is_empty() { String::new() } else { format!("<p>{}</p>", minijinja::HtmlEscape(&notes)) };
        Body { text: format!("{text}{notes}"), format: "html" }
    } else {
        let notes = if notes.is_empty() { String::new() } else { format!("\n\n{notes}") };
        Body { text: format!("{text}{notes}"), format: "text" }
    }
}

/// Decides and writes, inside the transaction.
fn decide(
    conn: &mut AnyConnection,
    parsed: &Parsed,
    uploads: Uploads,
    record: &Record<'_>,
    ctx: &Context,
) -> ApiResult<Handled> {
    if let Some(auto) = &parsed.auto {
        return record.write(conn, "auto", None, None, Some(&auto.reason));
    }
    let stored = Stored::read(conn)?;
    if super::settings::own_addresses(&stored).contains(&parsed.from.address) {
        return record.write(conn, "auto", None, None, Some("sent from the desk's own address"));
    }
    let sender = find_by_login(conn, &parsed.from.address)?;
    if sender.as_ref().is_some_and(|u| level_of(u) == AccessLevel::Disabled) {
        return record.write(conn, "ignored", None, None, Some("the sender's account is disabled"));
    }
    let origin = Origin { ip: None, channel: "Email", events: ctx.events.clone() };
    let body = body(parsed, &uploads.1);
    let message_id = Some(parsed.message_id.as_str());
    if let Some(ticket) = ticket_answered(conn, parsed, &stored)? {
        // Its customer, an agent, or someone copied on it answers on the ticket.
        let agent = sender.as_ref().is_some_and(|u| u.id != ticket.user_id && level_of(u).is_staff());
        let copied = match &sender {
            Some(u) if !agent && u.id != ticket.user_id => crate::tickets::cc::is_copied(conn, ticket.id, u.id)?,
            _ => false,
        };
        if let Some(user) = sender.as_ref().filter(|u| u.id == ticket.user_id || agent || copied) {
            let actor = Actor::User(user.clone());
            let domain = super::thread::domain(&stored);
            let keys = trust::Keys {
                token_key: &ctx.events.token_key,
                domain: &domain,
                trusted_servers: &ctx.trusted_servers,
            };
            let proof = trust::proof(parsed, &ticket.number, user.id, &keys);
            // A verified agent answers the customer; an unverified one only tells the other agents.
            // The customer adds a message either way.
            let (kind, unverified) = match (agent, &proof) {
                (true, Some(_)) => (EntryType::R, None),
                (true, None) => (EntryType::N, Some(trust::AGENT_UNVERIFIED)),
                (false, Some(_)) => (EntryType::M, None),
                (false, None) => (EntryType::M, Some(trust::CUSTOMER_UNVERIFIED)),
            };
            let reason = match &proof {
                Some(Proof::Token) => "sender verified: it answers the desk's mail to them (reply token)".to_owned(),
                Some(Proof::Server(server)) => format!("sender verified by {server} (DMARC/DKIM)"),
                None => format!("unverified sender: {}", unverified.unwrap_or_default()),
            };
            match change::post_from_mail(conn, &actor, &ticket, kind, body.clone(), uploads.0.clone(), &origin) {
                Ok(entry) => {
                    mark(conn, entry, message_id, unverified)?;
                    return record.write(conn, "reply", Some(&ticket), Some(entry), Some(&reason));
                }
                // Closed too long ago to reopen: the mail opens a new ticket, as in osTicket.
                Err(ApiError::Forbidden(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    let (actor, requester) = match sender {
        Some(user) => (Actor::User(user), None),
        None if may_open(conn, record.source, &stored, &parsed.from.address)? => {
            let email = Email::parse(&parsed.from.address).map_err(|e| ApiError::field("from", e));
            let Ok(email) = email else {
                return record.write(
                    conn,
                    "ignored",
                    None,
                    None,
                    Some("the sender's address is not one we can answer"),
                );
            };
            let name = parsed.from.name.as_deref().and_then(|n| PersonName::parse(n).ok());
            (Actor::Guest, Some((email, name)))
        }
        None => {
            return record.write(
                conn,
                "ignored",
                None,
                None,
                Some("unknown sender, and the mailbox does not take their mail (Admin › Mail › Who may open tickets by mail)"),
            )
        }
    };
    let subject = subject(&parsed.subject)?;
    let (id, _) = create::insert_from_mail(conn, &actor, requester, subject, body, uploads.0, None, &origin)?;
    let entry: i64 = thread_entries::table
        .filter(thread_entries::ticket_id.eq(id))
        .order(thread_entries::id)
        .select(thread_entries::id)
        .first(conn)?;
    mark(conn, entry, message_id, None)?;
    let ticket: TicketRow = tickets::table.find(id).select(TicketRow::as_select()).first(conn)?;
    record.write(conn, "ticket", Some(&ticket), Some(entry), None)
}

/// What the thread entry of a mail keeps of it: its Message-ID (for threading), and why its
/// sender is not verified, if they are not.
fn mark(conn: &mut AnyConnection, entry: i64, message_id: Option<&str>, unverified: Option<&str>) -> ApiResult<()> {
    diesel::update(thread_entries::table.find(entry))
        .set((thread_entries::message_id.eq(message_id), thread_entries::unverified.eq(unverified)))
        .execute(conn)?;
    Ok(())
}

/// A subject as a ticket takes it: one line, not empty, not too long.
fn subject(raw: &str) -> ApiResult<Subject> {
    let line: String = raw.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let line: String = line.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(SUBJECT_MAX_CHARS).collect();
    let line = if line.is_empty() { "(no subject)".to_owned() } else { line };
    Subject::parse(&line).map_err(|e| ApiError::field("subject", e))
}

/// The ticket a reply answers: by the Message-IDs it refers to, then by the number in its subject.
fn ticket_answered(conn: &mut AnyConnection, parsed: &Parsed, stored: &Stored) -> ApiResult<Option<TicketRow>> {
    let ids: Vec<&String> = parsed.in_reply_to.iter().chain(parsed.references.iter().rev()).collect();
    let bracketed: Vec<String> = ids.iter().map(|id| format!("<{id}>")).collect();
    let by_entry: Option<i64> = thread_entries::table
        .filter(thread_entries::message_id.eq_any(&ids))
        .select(thread_entries::ticket_id)
        .first(conn)
        .optional()?;
    let by_outbox: Option<Option<i64>> = match by_entry {
        Some(_) => None,
        None => outbox::table
            .filter(outbox::message_id.eq_any(&bracketed))
            .filter(outbox::ticket_id.is_not_null())
            .select(outbox::ticket_id)
            .first(conn)
            .optional()?,
    };
    if let Some(id) = by_entry.or(by_outbox.flatten()) {
        return Ok(Some(tickets::table.find(id).select(TicketRow::as_select()).first(conn)?));
    }
    // Our ids are <NUMBER.random@domain> and <NUMBER@domain> (the ticket's root).
    let domain = super::thread::domain(stored);
    for id in &ids {
        if let Some((local, host)) = id.rsplit_once('@') {
            let number = local.split('.').next().unwrap_or("");
            if host.eq_ignore_ascii_case(&domain) {
                if let Some(t) = by_number(conn, number)? {
                    return Ok(Some(t));
                }
            }
        }
    }
    let prefix = catalog::ticket_settings(conn)?.prefix;
    for number in subject_numbers(&parsed.subject, &prefix) {
        if let Some(t) = by_number(conn, &number)? {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

fn by_number(conn: &mut AnyConnection, number: &str) -> ApiResult<Option<TicketRow>> {
    if number.is_empty() {
        return Ok(None);
    }
    Ok(tickets::table.filter(tickets::number.eq(number)).select(TicketRow::as_select()).first(conn).optional()?)
}

/// Ticket numbers in brackets in a subject: `[TCK-1042]`, or a bare `[#1042]` with the prefix.
fn subject_numbers(subject: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let inner = after[..close].trim().trim_start_matches('#');
        if !inner.is_empty() && inner.len() <= 40 {
            if inner.chars().all(|c| c.is_ascii_digit()) {
                found.push(format!("{prefix}{inner}"));
            } else {
                found.push(inner.to_owned());
            }
        }
        rest = &after[close + 1..];
    }
    found
}

/// Quarantined mail handled again (an administrator's "try again", e.g. after a fix or after
/// adding the sender as a user): taken as if it had just come; its quarantined copy goes once it
/// was handled.
pub fn retry(conn: &mut AnyConnection, id: i64, ctx: &Context) -> ApiResult<Handled> {
    let (raw, source) = quarantined(conn, id)?;
    let handled = take(conn, &raw, source, ctx)?;
    // Handled now under its own Message-ID: the quarantined copy goes. (Quarantined again, the
    // answer is the same row.)
    if handled.id != id {
        diesel::delete(inbound_mail::table.find(id)).execute(conn)?;
    }
    Ok(handled)
}

/// The bytes and source of a quarantined mail (409 for other mail: only quarantined mail is kept).
pub fn quarantined(conn: &mut AnyConnection, id: i64) -> ApiResult<(Vec<u8>, Source)> {
    let (raw, source, outcome): (Option<Vec<u8>>, String, String) = inbound_mail::table
        .find(id)
        .select((inbound_mail::raw, inbound_mail::source, inbound_mail::outcome))
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("mail"))?;
    match (outcome.as_str(), raw) {
        ("quarantined", Some(raw)) => Ok((raw, if source == "pipe" { Source::Pipe } else { Source::Imap })),
        _ => Err(ApiError::Conflict(format!("the mail was handled ({outcome}); only quarantined mail is kept"))),
    }
}

pub const OUTCOMES: [&str; 5] = ["ticket", "reply", "auto", "ignored", "quarantined"];

/// Throws a quarantined mail away (inside the caller's transaction).
pub fn discard(conn: &mut AnyConnection, id: i64) -> ApiResult<()> {
    diesel::delete(inbound_mail::table.find(id).filter(inbound_mail::outcome.eq("quarantined"))).execute(conn)?;
    Ok(())
}

/// A row as the mail log shows it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = inbound_mail)]
struct Listed {
    id: i64,
    message_id: String,
    source: String,
    received_at: chrono::NaiveDateTime,
    outcome: String,
    sender: String,
    subject: String,
    reason: Option<String>,
    ticket_id: Option<i64>,
}

fn views(conn: &mut AnyConnection, rows: Vec<Listed>) -> ApiResult<Vec<InboundMail>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // The size of the kept bytes, without loading them.
    let sizes: std::collections::HashMap<i64, i64> = inbound_mail::table
        .filter(inbound_mail::id.eq_any(&ids))
        .filter(inbound_mail::raw.is_not_null())
        .select((inbound_mail::id, diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(LENGTH(raw) AS BIGINT)")))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let ticket_ids: Vec<i64> = rows.iter().filter_map(|r| r.ticket_id).collect();
    let numbers: std::collections::HashMap<i64, String> = tickets::table
        .filter(tickets::id.eq_any(&ticket_ids))
        .select((tickets::id, tickets::number))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| InboundMail {
            size: sizes.get(&r.id).copied(),
            ticket: r.ticket_id.and_then(|t| numbers.get(&t).cloned()),
            id: r.id,
            message_id: r.message_id,
            source: r.source,
            received: timestamp(r.received_at),
            outcome: r.outcome,
            sender: r.sender,
            subject: r.subject,
            reason: r.reason,
        })
        .collect())
}

pub fn one(conn: &mut AnyConnection, id: i64) -> ApiResult<InboundMail> {
    let rows: Vec<Listed> = inbound_mail::table.find(id).select(Listed::as_select()).load(conn)?;
    views(conn, rows)?.pop().ok_or(ApiError::NotFound("mail"))
}

/// A page of the mail log, newest first, and how many mails (with this outcome) there are.
pub fn page(
    conn: &mut AnyConnection,
    outcome: Option<&str>,
    page: i64,
    per_page: i64,
) -> ApiResult<(Vec<InboundMail>, i64)> {
    let filtered = || {
        let mut q = inbound_mail::table.into_boxed();
        if let Some(o) = outcome {
            q = q.filter(inbound_mail::outcome.eq(o.to_owned()));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<Listed> = filtered()
        .select(Listed::as_select())
        .order(inbound_mail::id.desc())
        .limit(per_page)
        .offset(crate::core::db::page_offset(page, per_page))
        .load(conn)?;
    Ok((views(conn, rows)?, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_name_tickets_with_or_without_the_prefix() {
        assert_eq!(subject_numbers("Re: [TCK-1042] Printer", "TCK-"), ["TCK-1042"]);
        assert_eq!(subject_numbers("AW: [#1042] Drucker [x", "TCK-"), ["TCK-1042"]);
        assert_eq!(subject_numbers("[] [ ] Hi", "TCK-"), Vec::<String>::new());
        assert_eq!(subject(" \u{7}  ").unwrap().as_str(), "(no subject)");
        assert_eq!(subject(&"a".repeat(1000)).unwrap().as_str().chars().count(), SUBJECT_MAX_CHARS);
    }
}
