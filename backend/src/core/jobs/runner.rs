//! The worker: a thread with its own small async runtime that runs due jobs, kind by kind, in
//! rounds. Several replicas may run it at once (claims, store.rs).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use rand::Rng;

use super::store::{self, Claimed};
use super::{Failure, Kind, Tally};
use crate::config::Config;
use crate::core::db::{on_pool, AnyConnection, DbPool};
use crate::core::error::ApiResult;

/// What a kind's `run` returns.
pub type JobFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// One round of one kind: what its `run` needs to reach the database and record each job's end.
#[derive(Clone)]
pub struct Round {
    pool: DbPool,
    config: Arc<Config>,
    kind: &'static Kind,
    /// This round's claim on its jobs.
    token: Arc<str>,
    tally: Arc<Mutex<Tally>>,
}

impl Round {
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Runs blocking database work off the runtime's thread.
    pub async fn db<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut AnyConnection) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        on_pool(&self.pool, work).await
    }

    /// Call just before the effect that cannot be taken back (store::handing_over); an error
    /// means the job is no longer this round's, and the effect must not happen.
    pub async fn handing_over(&self, job: &Claimed) -> ApiResult<()> {
        let (id, token) = (job.id, self.token.clone());
        self.db(move |conn| store::handing_over(conn, id, &token)).await
    }

    /// Records how the job ended. A failure to record is logged: the job then stays running (due
    /// again when the lease runs out) or unsure (when it was handing over), never lost.
    pub async fn finish(&self, job: &Claimed, result: Result<(), Failure>) {
        if let Err(failure) = &result {
            tracing::warn!(kind = self.kind.name, id = job.id, ?failure, "job did not succeed");
        }
        let (job_id, job, token, base) =
            (job.id, job.clone(), self.token.clone(), (self.kind.retry_base)(&self.config));
        let recorded = self
            .db(move |conn| {
                let mut tally = Tally::default();
                store::finish(conn, &job, &token, base, result, &mut tally)?;
                Ok(tally)
            })
            .await;
        match recorded {
            Ok(t) => {
                let mut tally = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
                tally.done += t.done;
                tally.retrying += t.retrying;
                tally.failed += t.failed;
                tally.unsure += t.unsure;
            }
            Err(e) => tracing::warn!(kind = self.kind.name, id = job_id, error = %e, "cannot record a job's end"),
        }
    }
}

/// Runs one round of `kind`: claims its due jobs (none when it is not ready) and runs them.
pub async fn run_due(pool: &DbPool, config: &Config, kind: &'static Kind) -> ApiResult<Tally> {
    if !on_pool(pool, kind.ready).await? {
        return Ok(Tally::default());
    }
    let token: Arc<str> = format!("{:016x}", rand::thread_rng().gen::<u64>()).into();
    let lease = chrono::Duration::from_std((kind.lease)(config)).unwrap_or(chrono::Duration::minutes(10));
    let (name, claim_token, limit) = (kind.name, token.clone(), kind.batch);
    let jobs = on_pool(pool, move |conn| {
        let now = chrono::Utc::now().naive_utc();
        store::claim(conn, name, &claim_token, now, now + lease, limit)
    })
    .await?;
    if jobs.is_empty() {
        return Ok(Tally::default());
    }
    let round = Round { pool: pool.clone(), config: Arc::new(config.clone()), kind, token, tally: Arc::default() };
    (kind.run)(round.clone(), jobs).await;
    let tally = round.tally.lock().unwrap_or_else(PoisonError::into_inner).clone();
    Ok(tally)
}

/// Starts the worker thread for the kinds this process runs (none: no thread). It runs until the
/// process ends; a round's error is logged and the next round tries again.
pub fn spawn(pool: DbPool, config: Config, kinds: &'static [&'static Kind]) -> std::io::Result<()> {
    let kinds: Vec<&'static Kind> = kinds.iter().copied().filter(|k| (k.enabled)(&config)).collect();
    if kinds.is_empty() {
        return Ok(());
    }
    std::thread::Builder::new().name("oxidesk-jobs".into()).spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "the job worker cannot start");
                return;
            }
        };
        runtime.block_on(async move {
            loop {
                let mut busy = false;
                for kind in &kinds {
                    match run_due(&pool, &config, kind).await {
                        Ok(t) if t.total() > 0 => {
                            tracing::info!(kind = kind.name, ?t, "jobs run");
                            // A full round: more is probably due, so no pause.
                            busy |= t.total() >= usize::try_from(kind.batch).unwrap_or(usize::MAX);
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(kind = kind.name, error = %e, "a round of jobs failed; trying again"),
                    }
                }
                if !busy {
                    tokio::time::sleep(config.jobs.poll).await;
                }
            }
        });
    })?;
    Ok(())
}
