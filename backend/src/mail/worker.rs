//! The mail worker: a thread with its own small async runtime that delivers the outbox and
//! fetches the IMAP mailbox. Several replicas may run it at once: outbox rows are claimed with a
//! lease (`outbox::claim`), so each mail leaves from one place; a mail fetched by two replicas is
//! handled once (`inbound` keys it by its Message-ID).

use std::time::Duration;

use chrono::NaiveDateTime;

use super::imap;
use super::inbound::{self, Context, Source};
use super::outbox::{self, Claimed, Outcome};
use super::smtp::{self, Outgoing, SendError};
use crate::config::MailConfig;
use crate::core::db::DbPool;
use crate::core::error::{ApiError, ApiResult};
use crate::core::settings::Stored;

/// Rows taken per round.
const BATCH: i64 = 20;

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    pub unsure: usize,
}

/// Mail fetched per IMAP session; more waiting is fetched at the next tick.
const FETCH_BATCH: usize = 50;

/// Starts the worker thread. It runs until the process ends; each round's errors are logged and
/// the next round tries again.
pub fn spawn(pool: DbPool, config: MailConfig, ctx: Context) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("oxidesk-mail".into()).spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "the mail worker cannot start");
                return;
            }
        };
        runtime.block_on(async move {
            let mut next_fetch = std::time::Instant::now();
            loop {
                let mut busy = false;
                match deliver_due(&pool, &config).await {
                    Ok(d) if d != Delivery::default() => {
                        tracing::info!(?d, "outbox delivered");
                        // A full round: more is probably due, so no pause.
                        busy = d.sent + d.retrying + d.failed + d.unsure >= BATCH as usize;
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "outbox delivery failed; trying again"),
                }
                if std::time::Instant::now() >= next_fetch {
                    next_fetch = match fetch_mail(&pool, &config, &ctx).await {
                        // More is waiting: the next tick goes on with it. Fetching is off: the
                        // next tick looks again, so turning it on takes effect at once.
                        Ok(Some(batch)) if batch.remaining => std::time::Instant::now(),
                        Ok(None) => std::time::Instant::now(),
                        Ok(Some(_)) | Err(_) => std::time::Instant::now() + poll_interval(&pool).await,
                    };
                }
                if !busy {
                    tokio::time::sleep(config.poll).await;
                }
            }
        });
    })
}

async fn db<T: Send + 'static>(
    pool: &DbPool,
    work: impl FnOnce(&mut crate::core::db::AnyConnection) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || work(&mut *pool.get()?))
        .await
        .map_err(|e| ApiError::Internal(format!("mail worker task failed: {e}")))?
}

/// The administrator's poll interval (a minute when it cannot be read).
async fn poll_interval(pool: &DbPool) -> Duration {
    let seconds = db(pool, |conn| Ok(super::settings::imap(&Stored::read(conn)?).map(|i| i.poll_seconds))).await;
    Duration::from_secs(seconds.ok().flatten().unwrap_or(60))
}

/// The IMAP account of the settings, when fetching is on.
pub fn imap_account(server: super::settings::Imap, config: &MailConfig) -> imap::Account {
    imap::Account {
        security: match server.security {
            shared::mail::MailSecurity::None => imap::Security::Plain,
            shared::mail::MailSecurity::Starttls => imap::Security::StartTls,
            shared::mail::MailSecurity::Tls => imap::Security::Tls,
        },
        host: server.host,
        port: server.port,
        user: server.user,
        password: server.password,
        folder: server.folder,
        processed_folder: server.processed_folder,
        extra_ca_pem: extra_ca(config),
        timeout: config.timeout,
    }
}

/// Fetches one batch of mail and hands each message to `inbound::take`; None when fetching is off.
/// A message is marked (or moved) on the server only after its ticket was committed.
pub async fn fetch_mail(pool: &DbPool, config: &MailConfig, ctx: &Context) -> ApiResult<Option<imap::Batch>> {
    let Some(server) = db(pool, |conn| Ok(super::settings::imap(&Stored::read(conn)?))).await? else {
        return Ok(None);
    };
    let account = imap_account(server, config);
    let batch = imap::fetch(&account, FETCH_BATCH, |raw| {
        let ctx = ctx.clone();
        async move { db(pool, move |conn| inbound::take(conn, &raw, Source::Imap, &ctx)).await.map(|_| ()) }
    })
    .await;
    match batch {
        Ok(batch) => {
            if batch.handled > 0 || batch.handler_error.is_some() {
                tracing::info!(handled = batch.handled, error = ?batch.handler_error, "mail fetched");
            }
            Ok(Some(batch))
        }
        Err(e) => {
            tracing::warn!(error = %e, "fetching mail failed");
            Err(ApiError::Unavailable(e.to_string()))
        }
    }
}

/// The extra certificates to trust, read afresh each round (a renewed file takes effect).
pub fn extra_ca(config: &MailConfig) -> Option<Vec<u8>> {
    let path = config.ca_file.as_ref()?;
    match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "cannot read the mail CA file");
            None
        }
    }
}

/// The wait before attempt `attempts + 1`: the base, doubled per attempt, at most an hour.
pub fn backoff(base: Duration, attempts: i32) -> chrono::Duration {
    let factor = 2u32.saturating_pow(u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(16));
    let wait = base.saturating_mul(factor).min(Duration::from_secs(3600));
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
}

fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Sends the due rows of the outbox once. Without an SMTP server in the settings, mail waits.
pub async fn deliver_due(pool: &DbPool, config: &MailConfig) -> ApiResult<Delivery> {
    let Some(server) = db(pool, |conn| Ok(super::settings::smtp(&Stored::read(conn)?))).await? else {
        return Ok(Delivery::default());
    };
    // Long enough for a slow server to take the whole batch; a dead worker's rows are due again after it.
    let lease = chrono::Duration::from_std(config.timeout * 4).unwrap_or(chrono::Duration::minutes(2)) * (BATCH as i32);
    let claimed = db(pool, move |conn| {
        let now = now();
        outbox::claim(conn, now, now + lease, BATCH)
    })
    .await?;
    let ca = extra_ca(config);
    let mut done = Delivery::default();
    // One connection for the round; once the server cannot be reached, the rest of the round
    // waits too instead of each mail trying.
    let mut session: Option<smtp::Session> = None;
    let mut unreachable: Option<String> = None;
    for row in claimed {
        let id = row.id;
        let attempts = row.attempts;
        if unreachable.is_none() && !session.as_ref().is_some_and(smtp::Session::is_usable) {
            match smtp::Session::open(&server, ca.as_deref(), config.timeout).await {
                Ok(s) => session = Some(s),
                Err(e) => unreachable = Some(e.to_string()),
            }
        }
        let result = match (&unreachable, session.as_mut()) {
            (None, Some(s)) => send_row(pool, &server, s, row).await,
            (Some(e), _) => Err(SendError::Unreachable(e.clone())),
            (None, None) => Err(SendError::Unreachable("no connection".into())),
        };
        if let Err(SendError::Unreachable(e)) = &result {
            unreachable.get_or_insert_with(|| e.clone());
        }
        let (outcome, error) = match result {
            Ok(()) => {
                db(pool, move |conn| outbox::mark_sent(conn, id, now())).await?;
                done.sent += 1;
                continue;
            }
            Err(SendError::Permanent(e)) => (Outcome::Failed, e),
            Err(SendError::Transient(e) | SendError::Unreachable(e)) if attempts >= outbox::MAX_ATTEMPTS => {
                (Outcome::Failed, format!("gave up after {attempts} attempts: {e}"))
            }
            Err(SendError::Transient(e) | SendError::Unreachable(e)) => {
                (Outcome::Retry(now() + backoff(config.retry_base, attempts)), e)
            }
            Err(SendError::Unsure(e)) => (Outcome::Unsure, e),
        };
        match outcome {
            Outcome::Failed => done.failed += 1,
            Outcome::Retry(_) => done.retrying += 1,
            Outcome::Unsure => done.unsure += 1,
        }
        tracing::warn!(id, error = %error, "mail not delivered");
        db(pool, move |conn| outbox::mark_not_sent(conn, id, outcome, &error)).await?;
    }
    if let Some(s) = session {
        s.close().await;
    }
    Ok(done)
}

async fn send_row(
    pool: &DbPool,
    server: &super::settings::Smtp,
    session: &mut smtp::Session,
    row: Claimed,
) -> Result<(), SendError> {
    let id = row.id;
    let mail = Outgoing {
        to: row.recipient,
        subject: row.subject,
        text: row.body_text,
        html: row.body_html,
        // Rows from before Message-IDs were stored get one now.
        message_id: row.message_id.unwrap_or_else(|| format!("<outbox.{id}@oxidesk.invalid>")),
        in_reply_to: row.in_reply_to,
        references: row.refs,
    };
    let (envelope, bytes) = smtp::format(server, &mail)?;
    let pool = pool.clone();
    session
        .send(&envelope, &bytes, move || async move {
            db(&pool, move |conn| outbox::mark_unsure(conn, id)).await.map_err(|e| e.to_string())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1).num_seconds(), 30);
        assert_eq!(backoff(base, 2).num_seconds(), 60);
        assert_eq!(backoff(base, 5).num_seconds(), 480);
        assert_eq!(backoff(base, 12).num_seconds(), 3600);
        assert_eq!(backoff(base, i32::MAX).num_seconds(), 3600);
    }
}
