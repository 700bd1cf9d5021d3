//! The mail outbox: every mail the desk sends is first a row here, written in the same
//! transaction as the change it reports, so that no mail is lost when the process stops and
//! none is sent for a change that was rolled back. The mail worker (`mail::worker`) takes due
//! rows with a lease, so that replicas never take the same one, and records every outcome.
//!
//! A row's life: `pending` → `sending` (claimed) → `unsure` (the message is being handed over)
//! → `sent`; a refusal makes it `pending` again with a later `next_attempt_at`, or `failed`.
//! A `sending` row whose lease ran out was claimed by a worker that died before handing the
//! message over, so it is due again; an `unsure` row is not (it may have arrived).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::mail::OutboxMail;

use crate::core::db::schema::{outbox, tickets};
use crate::core::db::{page_offset, write_tx, AnyConnection};
use crate::core::error::{ApiError, ApiResult};
use crate::tickets::view::timestamp;

/// Retries stop after this many attempts (about a day with the default backoff).
pub const MAX_ATTEMPTS: i32 = 20;

/// A mail to send.
pub struct Mail<'a> {
    pub kind: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: Option<&'a str>,
    /// With angle brackets; fixed now, so that every retry carries the same one.
    pub message_id: &'a str,
    pub in_reply_to: Option<&'a str>,
    pub references: Option<&'a str>,
    pub ticket_id: Option<i64>,
}

/// Queues the mail (inside the caller's transaction).
pub fn queue(conn: &mut AnyConnection, mail: Mail<'_>) -> ApiResult<i64> {
    Ok(diesel::insert_into(outbox::table)
        .values((
            outbox::kind.eq(mail.kind),
            outbox::recipient.eq(mail.recipient),
            outbox::subject.eq(mail.subject),
            outbox::body_text.eq(mail.text),
            outbox::body_html.eq(mail.html),
            outbox::message_id.eq(mail.message_id),
            outbox::in_reply_to.eq(mail.in_reply_to),
            outbox::refs.eq(mail.references),
            outbox::ticket_id.eq(mail.ticket_id),
            outbox::status.eq("pending"),
            outbox::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(outbox::id)
        .get_result(conn)?)
}

/// A claimed row, as the worker needs it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct Claimed {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub refs: Option<String>,
    pub ticket_id: Option<i64>,
    pub attempts: i32,
}

/// Takes up to `limit` due rows for this worker until `lease_until`. A row is due when it is
/// pending and its retry time has come, or when its sender's lease ran out before the hand-over.
/// On PostgreSQL, a replica that tries to take a row another has just taken waits for that
/// transaction, then finds the row no longer pending and skips it.
pub fn claim(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> ApiResult<Vec<Claimed>> {
    write_tx(conn, |conn| {
        diesel::update(outbox::table.filter(outbox::status.eq("sending")).filter(outbox::claimed_until.lt(now)))
            .set((outbox::status.eq("pending"), outbox::claimed_until.eq(None::<NaiveDateTime>)))
            .execute(conn)?;
        let due: Vec<i64> = outbox::table
            .filter(outbox::status.eq("pending"))
            .filter(outbox::next_attempt_at.is_null().or(outbox::next_attempt_at.le(now)))
            .order(outbox::id)
            .limit(limit)
            .select(outbox::id)
            .load(conn)?;
        let claimed: Vec<i64> =
            diesel::update(outbox::table.filter(outbox::id.eq_any(&due)).filter(outbox::status.eq("pending")))
                .set((
                    outbox::status.eq("sending"),
                    outbox::claimed_until.eq(lease_until),
                    outbox::attempts.eq(outbox::attempts + 1),
                ))
                .returning(outbox::id)
                .get_results(conn)?;
        Ok(outbox::table
            .filter(outbox::id.eq_any(&claimed))
            .order(outbox::id)
            .select(Claimed::as_select())
            .load(conn)?)
    })
}

/// The message is about to be handed over: from now on it may arrive, so it is never sent again
/// on its own.
pub fn mark_unsure(conn: &mut AnyConnection, id: i64) -> ApiResult<()> {
    let updated = diesel::update(outbox::table.find(id).filter(outbox::status.eq("sending")))
        .set(outbox::status.eq("unsure"))
        .execute(conn)?;
    if updated == 0 {
        // The lease ran out and another worker took it: this one must not send.
        return Err(ApiError::Conflict("another worker took this mail".into()));
    }
    Ok(())
}

pub fn mark_sent(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> ApiResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq("sent"),
            outbox::sent_at.eq(now),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// What became of an attempt that did not deliver.
pub enum Outcome {
    /// Try again at this time.
    Retry(NaiveDateTime),
    Failed,
    Unsure,
}

pub fn mark_not_sent(conn: &mut AnyConnection, id: i64, outcome: Outcome, error: &str) -> ApiResult<()> {
    let error: String = error.chars().take(1000).collect();
    let (status, next) = match outcome {
        Outcome::Retry(at) => ("pending", Some(at)),
        Outcome::Failed => ("failed", None),
        Outcome::Unsure => ("unsure", None),
    };
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(status),
            outbox::next_attempt_at.eq(next),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// An administrator's "send again" for a failed or unsure mail: due at once (inside the
/// caller's transaction).
pub fn retry(conn: &mut AnyConnection, id: i64) -> ApiResult<OutboxMail> {
    let status: String =
        outbox::table.find(id).select(outbox::status).first(conn).optional()?.ok_or(ApiError::NotFound("mail"))?;
    if status != "failed" && status != "unsure" {
        return Err(ApiError::Conflict(format!("the mail is {status}: only failed or unsure mail is sent again")));
    }
    diesel::update(outbox::table.find(id))
        .set((outbox::status.eq("pending"), outbox::next_attempt_at.eq(None::<NaiveDateTime>)))
        .execute(conn)?;
    one(conn, id)
}

/// A row as the outbox list shows it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct Listed {
    id: i64,
    kind: String,
    recipient: String,
    subject: String,
    body_text: String,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
    attempts: i32,
    last_error: Option<String>,
    status: String,
    next_attempt_at: Option<NaiveDateTime>,
    message_id: Option<String>,
    ticket_id: Option<i64>,
}

fn views(conn: &mut AnyConnection, rows: Vec<Listed>) -> ApiResult<Vec<OutboxMail>> {
    let ticket_ids: Vec<i64> = rows.iter().filter_map(|r| r.ticket_id).collect();
    let numbers: HashMap<i64, String> = tickets::table
        .filter(tickets::id.eq_any(&ticket_ids))
        .select((tickets::id, tickets::number))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| OutboxMail {
            id: r.id,
            kind: r.kind,
            recipient: r.recipient,
            subject: r.subject,
            body: r.body_text,
            created: timestamp(r.created_at),
            // A retry time only means something while the mail waits.
            next_attempt: r.next_attempt_at.filter(|_| r.status == "pending").map(timestamp),
            status: r.status,
            sent: r.sent_at.map(timestamp),
            attempts: r.attempts,
            last_error: r.last_error,
            message_id: r.message_id,
            ticket: r.ticket_id.and_then(|t| numbers.get(&t).cloned()),
        })
        .collect())
}

fn one(conn: &mut AnyConnection, id: i64) -> ApiResult<OutboxMail> {
    let rows: Vec<Listed> = outbox::table.find(id).select(Listed::as_select()).load(conn)?;
    views(conn, rows)?.pop().ok_or(ApiError::NotFound("mail"))
}

/// A page of the outbox, newest first, and the number of mails in all (or with this status).
pub fn page(
    conn: &mut AnyConnection,
    status: Option<&str>,
    page: i64,
    per_page: i64,
) -> ApiResult<(Vec<OutboxMail>, i64)> {
    let filtered = || {
        let mut q = outbox::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(outbox::status.eq(s.to_owned()));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<Listed> = filtered()
        .select(Listed::as_select())
        .order(outbox::id.desc())
        .limit(per_page)
        .offset(page_offset(page, per_page))
        .load(conn)?;
    Ok((views(conn, rows)?, total))
}

pub const STATUSES: [&str; 5] = ["pending", "sending", "unsure", "sent", "failed"];
