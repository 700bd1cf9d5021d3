//! The mail outbox: every mail the desk sends is first a row here, written in the same
//! transaction as the change it reports, so that no mail is lost when the process stops and
//! none is sent for a change that was rolled back. Its delivery is a `mail.send` job
//! (`mail::deliver`, run by `core::jobs`), which holds the state the outbox list shows:
//!
//! `pending` → `sending` (claimed) → `unsure` (the message is being handed over) → `sent`; a
//! refusal makes it `pending` again with a later attempt, or `failed`. A `sending` mail whose
//! lease ran out was taken by a worker that died before handing the message over, so it is due
//! again; an `unsure` one is not (it may have arrived).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::mail::OutboxMail;

use crate::accounts::tokens::Purpose;
use crate::core::db::schema::{jobs, outbox, tickets};
use crate::core::db::{page_offset, AnyConnection};
use crate::core::error::{ApiError, ApiResult};
use crate::core::jobs as runner;
use crate::core::time::timestamp;

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
    /// The thread entry the mail shows, whose files it carries (read when it is sent).
    pub entry_id: Option<i64>,
}

/// Stands in the stored mail where its secret link token goes: the outbox, the jobs list and the
/// database hold this, never the token, which is issued when the mail is handed to the SMTP server
/// (`mail::deliver`) and exists nowhere else but as its hash. So nobody who may read the outbox —
/// an administrator, a key with the admin scope — can take over an account by reading a reset
/// link; they send it again instead.
pub const HIDDEN_TOKEN: &str = "hidden-until-sent";

/// The single-use token an account mail carries: issued for this person at delivery.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Secret {
    pub purpose: Purpose,
    pub user: i64,
}

/// Queues the mail and its delivery job (inside the caller's transaction).
pub fn queue(conn: &mut AnyConnection, mail: Mail<'_>) -> ApiResult<i64> {
    queue_with(conn, mail, None)
}

/// Queues an account mail whose text holds [`HIDDEN_TOKEN`] where the secret goes.
pub fn queue_secret(conn: &mut AnyConnection, mail: Mail<'_>, secret: Secret) -> ApiResult<i64> {
    queue_with(conn, mail, Some(secret))
}

fn queue_with(conn: &mut AnyConnection, mail: Mail<'_>, secret: Option<Secret>) -> ApiResult<i64> {
    let job = runner::enqueue(conn, &super::deliver::SEND, &serde_json::json!({}))?;
    let id = diesel::insert_into(outbox::table)
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
            outbox::entry_id.eq(mail.entry_id),
            outbox::job_id.eq(job),
            outbox::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(outbox::id)
        .get_result(conn)?;
    // The job names its mail (the job was written first: the mail references it).
    let payload =
        serde_json::to_string(&Payload { mail: id, secret }).map_err(|e| ApiError::Internal(e.to_string()))?;
    diesel::update(jobs::table.find(job)).set(jobs::payload.eq(payload)).execute(conn)?;
    Ok(id)
}

/// A `mail.send` job's payload.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Payload {
    pub mail: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<Secret>,
}

/// The mail's status, as the outbox names its job's.
fn mail_status(job: &str) -> &str {
    match job {
        "running" => "sending",
        "done" => "sent",
        other => other,
    }
}

/// The job status an outbox status stands for.
fn job_status(mail: &str) -> &str {
    match mail {
        "sending" => "running",
        "sent" => "done",
        other => other,
    }
}

pub const STATUSES: [&str; 5] = ["pending", "sending", "unsure", "sent", "failed"];

/// An administrator's "send again" for a failed or unsure mail: due at once (inside the
/// caller's transaction).
pub fn retry(conn: &mut AnyConnection, id: i64) -> ApiResult<OutboxMail> {
    let (job, status): (i64, String) = outbox::table
        .inner_join(jobs::table)
        .filter(outbox::id.eq(id))
        .select((jobs::id, jobs::status))
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("mail"))?;
    if status != "failed" && status != "unsure" {
        let status = mail_status(&status);
        return Err(ApiError::Conflict(format!("the mail is {status}: only failed or unsure mail is sent again")));
    }
    runner::retry(conn, job)?;
    one(conn, id)
}

/// A mail as the outbox list shows it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct Listed {
    id: i64,
    kind: String,
    recipient: String,
    subject: String,
    body_text: String,
    created_at: NaiveDateTime,
    message_id: Option<String>,
    ticket_id: Option<i64>,
}

/// Its delivery.
#[derive(Queryable, Selectable)]
#[diesel(table_name = jobs)]
struct Delivery {
    status: String,
    attempts: i32,
    run_at: NaiveDateTime,
    last_error: Option<String>,
    finished_at: Option<NaiveDateTime>,
}

fn views(conn: &mut AnyConnection, rows: Vec<(Listed, Delivery)>) -> ApiResult<Vec<OutboxMail>> {
    let ticket_ids: Vec<i64> = rows.iter().filter_map(|(r, _)| r.ticket_id).collect();
    let numbers: HashMap<i64, String> = tickets::table
        .filter(tickets::id.eq_any(&ticket_ids))
        .select((tickets::id, tickets::number))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(r, d)| OutboxMail {
            id: r.id,
            kind: r.kind,
            recipient: r.recipient,
            subject: r.subject,
            body: r.body_text,
            created: timestamp(r.created_at),
            // A retry time only means something while the mail waits for one.
            next_attempt: (d.status == "pending" && d.attempts > 0).then(|| timestamp(d.run_at)),
            sent: d.finished_at.filter(|_| d.status == "done").map(timestamp),
            status: mail_status(&d.status).to_owned(),
            attempts: d.attempts,
            last_error: d.last_error,
            message_id: r.message_id.as_deref().map(super::thread::token_masked),
            ticket: r.ticket_id.and_then(|t| numbers.get(&t).cloned()),
        })
        .collect())
}

fn one(conn: &mut AnyConnection, id: i64) -> ApiResult<OutboxMail> {
    let rows = outbox::table
        .inner_join(jobs::table)
        .filter(outbox::id.eq(id))
        .select((Listed::as_select(), Delivery::as_select()))
        .load(conn)?;
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
        let mut q = outbox::table.inner_join(jobs::table).into_boxed();
        if let Some(s) = status {
            q = q.filter(jobs::status.eq(job_status(s).to_owned()));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select((Listed::as_select(), Delivery::as_select()))
        .order(outbox::id.desc())
        .limit(per_page)
        .offset(page_offset(page, per_page))
        .load(conn)?;
    Ok((views(conn, rows)?, total))
}
