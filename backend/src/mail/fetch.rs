//! The mail fetcher: a thread with its own small async runtime that fetches the IMAP mailbox.
//! Several replicas may run it at once: a mail fetched by two replicas is handled once (`inbound`
//! keys it by its Message-ID). Delivery is a kind of job (`deliver`).

use std::time::Duration;

use super::imap;
use super::inbound::{self, Context, Source};
use crate::config::{Config, MailConfig};
use crate::core::db::{on_pool as db, DbPool};
use crate::core::error::{ApiError, ApiResult};
use crate::core::settings::Stored;

/// Mail fetched per IMAP session; more waiting is fetched at the next tick.
const FETCH_BATCH: usize = 50;

/// Starts the fetcher thread. It runs until the process ends; each round's errors are logged and
/// the next round tries again.
pub fn spawn(pool: DbPool, config: Config, ctx: Context) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("oxidesk-mail".into()).spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "the mail fetcher cannot start");
                return;
            }
        };
        runtime.block_on(async move {
            loop {
                let wait = match fetch_mail(&pool, &config, &ctx).await {
                    // More is waiting: go on with it at once.
                    Ok(Some(batch)) if batch.remaining => Duration::ZERO,
                    // Fetching is off: look again soon, so that turning it on takes effect at once.
                    Ok(None) => Duration::from_secs(2),
                    Ok(Some(_)) | Err(_) => poll_interval(&pool).await,
                };
                tokio::time::sleep(wait).await;
            }
        });
    })
}

/// The administrator's poll interval (a minute when it cannot be read).
async fn poll_interval(pool: &DbPool) -> Duration {
    let seconds = db(pool, |conn| Ok(super::settings::imap(&Stored::read(conn)?).map(|i| i.poll_seconds))).await;
    Duration::from_secs(seconds.ok().flatten().unwrap_or(60))
}

/// The IMAP account of the settings, with this time limit for each step.
pub fn imap_account(server: super::settings::Imap, config: &Config, timeout: Duration) -> imap::Account {
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
        extra_ca_pem: extra_ca(&config.mail),
        timeout,
        outbound: config.outbound.clone(),
    }
}

/// Fetches one batch of mail and hands each message to `inbound::take`; None when fetching is off.
/// A message is marked (or moved) on the server only after its ticket was committed.
pub async fn fetch_mail(pool: &DbPool, config: &Config, ctx: &Context) -> ApiResult<Option<imap::Batch>> {
    let Some(server) = db(pool, |conn| Ok(super::settings::imap(&Stored::read(conn)?))).await? else {
        return Ok(None);
    };
    let account = imap_account(server, config, config.mail.timeout);
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
