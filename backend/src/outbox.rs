//! The mail outbox: every mail the desk sends is first a row here, written in the same
//! transaction as the change it reports, so that no mail is lost when the process stops and
//! none is sent for a change that was rolled back. The mail worker delivers the rows.

use diesel::prelude::*;
use shared::mail::OutboxMail;

use crate::db::schema::outbox;
use crate::db::AnyConnection;
use crate::error::ApiResult;
use crate::tickets::view::timestamp;

/// A mail to send.
pub struct Mail<'a> {
    pub kind: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Queues the mail (inside the caller's transaction).
pub fn queue(conn: &mut AnyConnection, mail: Mail<'_>) -> ApiResult<i64> {
    Ok(diesel::insert_into(outbox::table)
        .values((
            outbox::kind.eq(mail.kind),
            outbox::recipient.eq(mail.recipient),
            outbox::subject.eq(mail.subject),
            outbox::body_text.eq(mail.body),
            outbox::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(outbox::id)
        .get_result(conn)?)
}

type Row = (i64, String, String, String, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>, i32, Option<String>);

/// A page of the outbox, newest first, and the number of mails in all.
pub fn page(conn: &mut AnyConnection, page: i64, per_page: i64) -> ApiResult<(Vec<OutboxMail>, i64)> {
    let total: i64 = outbox::table.count().get_result(conn)?;
    let rows: Vec<Row> = outbox::table
        .select((
            outbox::id,
            outbox::kind,
            outbox::recipient,
            outbox::subject,
            outbox::body_text,
            outbox::created_at,
            outbox::sent_at,
            outbox::attempts,
            outbox::last_error,
        ))
        .order(outbox::id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(conn)?;
    let mails = rows
        .into_iter()
        .map(|(id, kind, recipient, subject, body, created, sent, attempts, last_error)| OutboxMail {
            id,
            kind,
            recipient,
            subject,
            body,
            created: timestamp(created),
            sent: sent.map(timestamp),
            attempts,
            last_error,
        })
        .collect();
    Ok((mails, total))
}
