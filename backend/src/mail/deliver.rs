//! Mail delivery as a kind of job (`mail.send`, one per outbox row): a round takes a batch of due
//! mail and sends it over one SMTP session. The message is marked as being handed over just before
//! the server gets it (`Round::handing_over`), so a mail that may have arrived is never sent again
//! on its own (`core::jobs` has the other guarantees).

use std::path::Path;

use diesel::prelude::*;

use super::fetch::extra_ca;
use super::outbox::{self as outbox_mail, Payload, Secret};
use super::settings::{self as mail_settings, Smtp};
use super::smtp::{self, MailFile, Outgoing, SendError};
use crate::accounts::tokens;
use crate::config::Config;
use crate::core::db::schema::{attachments, outbox, users};
use crate::core::db::AnyConnection;
use crate::core::error::ApiError;
use crate::core::jobs::{Claimed, Failure, JobFuture, Kind, Round};
use crate::core::settings::Stored;
use crate::tickets::content::blob_path;

/// Mail taken per round: one SMTP session sends them all.
const BATCH: i64 = 20;

pub static SEND: Kind = Kind {
    name: "mail.send",
    batch: BATCH,
    // About a day with the default backoff.
    max_attempts: 20,
    enabled: |config| config.mail.worker,
    // Without an SMTP server in the settings, mail waits.
    ready: |conn| Ok(mail_settings::smtp(&Stored::read(conn)?).is_some()),
    retry_base: |config| config.mail.retry_base,
    // Long enough for a slow server to take the whole batch; a dead worker's mail is due again after it.
    lease: |config| config.mail.timeout * 4 * (BATCH as u32),
    run,
};

fn run(round: Round, jobs: Vec<Claimed>) -> JobFuture {
    Box::pin(deliver(round, jobs))
}

/// A claimed job's mail, as SMTP needs it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct Queued {
    id: i64,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: Option<String>,
    message_id: Option<String>,
    in_reply_to: Option<String>,
    refs: Option<String>,
    entry_id: Option<i64>,
}

/// The job's mail, with its secret issued now when it carries one, and the files it carries.
fn load(conn: &mut AnyConnection, job: &Claimed, files_dir: &Path) -> Result<(Queued, Vec<MailFile>), Failure> {
    let retry = |e: ApiError| Failure::Retry(e.to_string());
    let Ok(Payload { mail, secret }) = serde_json::from_str::<Payload>(&job.payload) else {
        return Err(Failure::Permanent(format!("no mail for payload {}", job.payload)));
    };
    let mut queued = outbox::table
        .find(mail)
        .select(Queued::as_select())
        .first(conn)
        .optional()
        .map_err(|e| retry(e.into()))?
        .ok_or_else(|| Failure::Permanent(format!("no mail for payload {}", job.payload)))?;
    if let Some(secret) = secret {
        reveal(conn, &mut queued, secret)?;
    }
    let files = match queued.entry_id {
        Some(entry) => files(conn, entry, files_dir).map_err(retry)?,
        None => Vec::new(),
    };
    Ok((queued, files))
}

/// The files of the thread entry a mail shows, read from the attachment store. A file missing
/// from the store (removed by hand) is left out rather than holding the mail back for ever.
fn files(conn: &mut AnyConnection, entry: i64, dir: &Path) -> Result<Vec<MailFile>, ApiError> {
    let rows: Vec<(String, String, String, Option<String>)> = attachments::table
        .filter(attachments::entry_id.eq(entry))
        .order(attachments::id)
        .select((attachments::filename, attachments::content_type, attachments::sha256, attachments::content_id))
        .load(conn)?;
    let mut files = Vec::new();
    for (filename, content_type, sha256, content_id) in rows {
        match std::fs::read(blob_path(dir, &sha256)) {
            Ok(bytes) => files.push(MailFile { filename, content_type, content_id, bytes }),
            Err(e) => {
                tracing::warn!(%filename, error = %e, "an attachment is missing from the store: mailed without it")
            }
        }
    }
    Ok(files)
}

/// Issues the account mail's token and puts it where the stored text holds
/// [`outbox_mail::HIDDEN_TOKEN`]. A new token replaces an earlier one of its kind, so sending again
/// leaves one working link. The person must still have the address the mail goes to.
fn reveal(conn: &mut AnyConnection, mail: &mut Queued, secret: Secret) -> Result<(), Failure> {
    let retry = |e: ApiError| Failure::Retry(e.to_string());
    let email: Option<String> =
        users::table.find(secret.user).select(users::email).first(conn).optional().map_err(|e| retry(e.into()))?;
    if !email.is_some_and(|e| e.eq_ignore_ascii_case(&mail.recipient)) {
        return Err(Failure::Permanent(
            "the account's address changed since this mail was queued: its link was not sent".into(),
        ));
    }
    let token = tokens::issue(conn, secret.user, secret.purpose).map_err(retry)?;
    mail.body_text = mail.body_text.replace(outbox_mail::HIDDEN_TOKEN, &token);
    mail.body_html = mail.body_html.take().map(|h| h.replace(outbox_mail::HIDDEN_TOKEN, &token));
    Ok(())
}

async fn deliver(round: Round, jobs: Vec<Claimed>) {
    let Ok(Some(server)) = round.db(|conn| Ok(mail_settings::smtp(&Stored::read(conn)?))).await else {
        // The settings changed since the claim, or cannot be read: the mail waits for the lease.
        return;
    };
    let config: &Config = round.config();
    let (ca, timeout) = (extra_ca(&config.mail), config.mail.timeout);
    let files_dir = config.attachments_dir();
    // One connection for the round; once the server cannot be reached, the rest of the round
    // waits too instead of each mail trying.
    let mut session: Option<smtp::Session> = None;
    let mut unreachable: Option<String> = None;
    for job in jobs {
        let loaded = {
            let (job, dir) = (job.clone(), files_dir.clone());
            round.db(move |conn| Ok(load(conn, &job, &dir))).await
        };
        let mail = match loaded {
            Ok(Ok(mail)) => mail,
            Ok(Err(failure)) => {
                round.finish(&job, Err(failure)).await;
                continue;
            }
            Err(e) => {
                round.finish(&job, Err(Failure::Retry(e.to_string()))).await;
                continue;
            }
        };
        if unreachable.is_none() && !session.as_ref().is_some_and(smtp::Session::is_usable) {
            match smtp::Session::open(&server, &config.outbound, ca.as_deref(), timeout).await {
                Ok(s) => session = Some(s),
                Err(e) => unreachable = Some(e.to_string()),
            }
        }
        let result = match (&unreachable, session.as_mut()) {
            (None, Some(s)) => send(&round, &server, s, &job, mail).await,
            (Some(e), _) => Err(SendError::Unreachable(e.clone())),
            (None, None) => Err(SendError::Unreachable("no connection".into())),
        };
        if let Err(SendError::Unreachable(e)) = &result {
            unreachable.get_or_insert_with(|| e.clone());
        }
        let result = result.map_err(|e| match e {
            SendError::Permanent(e) => Failure::Permanent(e),
            SendError::Transient(e) | SendError::Unreachable(e) => Failure::Retry(e),
            SendError::Unsure(e) => Failure::Unsure(e),
        });
        round.finish(&job, result).await;
    }
    if let Some(s) = session {
        s.close().await;
    }
}

async fn send(
    round: &Round,
    server: &Smtp,
    session: &mut smtp::Session,
    job: &Claimed,
    (mail, files): (Queued, Vec<MailFile>),
) -> Result<(), SendError> {
    let id = mail.id;
    let outgoing = Outgoing {
        to: mail.recipient,
        subject: mail.subject,
        text: mail.body_text,
        html: mail.body_html,
        // Rows from before Message-IDs were stored get one now.
        message_id: mail.message_id.unwrap_or_else(|| format!("<outbox.{id}@oxidesk.invalid>")),
        in_reply_to: mail.in_reply_to,
        references: mail.refs,
        files,
    };
    let (envelope, bytes) = smtp::format(server, &outgoing)?;
    session
        .send(&envelope, &bytes, || async { round.handing_over(job).await.map_err(|e: ApiError| e.to_string()) })
        .await
}
