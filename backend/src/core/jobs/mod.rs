//! One job runner for the work done after the request that asked for it: mail delivery today;
//! scheduled work (auto-close, recurring tickets, SLA timers, backups, webhooks, reports) will be
//! further kinds. A feature names a [`Kind`] (what to do with a batch of its jobs) and lists it in
//! features.rs; a rule [`enqueue`]s a job inside its own transaction, so a job exists exactly when
//! its change was committed.
//!
//! The guarantees, tested in backend/tests/jobs.rs and mail.rs on both engines:
//! - two workers never run the same job: a job is claimed with a lease (`FOR UPDATE SKIP LOCKED`
//!   on PostgreSQL, the writer lock on SQLite) and every later write checks the claim;
//! - a job is never lost: a worker that dies leaves a running job whose lease runs out, and the
//!   next claim takes it again;
//! - an effect that cannot be taken back is never repeated on its own: the kind marks the job
//!   unsure just before it (`Round::handing_over`); a job that stops there stays unsure until an
//!   administrator retries it;
//! - a failure is retried with backoff, and after `max_attempts` (or at once, for a permanent
//!   failure) the job is failed with its last error, visible and retryable by an administrator.

mod runner;
mod store;

pub use runner::{run_due, spawn, JobFuture, Round};
pub use store::{claim, enqueue, finish, handing_over, page, retry, Claimed, JobRow, STATUSES};

use std::time::Duration;

use crate::config::Config;
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;

/// What a feature's jobs are and how they run.
pub struct Kind {
    /// `mail.send`, …: the `kind` column.
    pub name: &'static str,
    /// Jobs taken per round; the kind may use one connection for all of them (one SMTP session).
    pub batch: i64,
    /// A job that failed this many times is failed for good.
    pub max_attempts: i32,
    /// Whether this process runs the kind (configuration: `[mail] worker`).
    pub enabled: fn(&Config) -> bool,
    /// Whether its jobs can run now (mail: an SMTP server is set). When not, they wait untouched:
    /// no attempt is counted.
    pub ready: fn(&mut AnyConnection) -> ApiResult<bool>,
    /// The first retry waits this long, each next one twice as long, at most an hour.
    pub retry_base: fn(&Config) -> Duration,
    /// How long a round may hold its jobs: after that they count as abandoned and are taken again.
    pub lease: fn(&Config) -> Duration,
    /// Runs a round's jobs, recording each one's end with [`Round::finish`]. A job it never
    /// finishes stays running until the lease runs out.
    pub run: fn(Round, Vec<Claimed>) -> JobFuture,
}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kind").field("name", &self.name).finish()
    }
}

/// Why a job did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// It may work later (a server down, a timeout): retried with backoff.
    Retry(String),
    /// It will never work (the server refused the recipient): failed at once.
    Permanent(String),
    /// Its effect may have happened (the connection broke after the hand-over): never run again
    /// on its own.
    Unsure(String),
}

/// What a round did, by the state each job was left in.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub done: usize,
    pub retrying: usize,
    pub failed: usize,
    pub unsure: usize,
}

impl Tally {
    pub fn total(&self) -> usize {
        self.done + self.retrying + self.failed + self.unsure
    }
}

/// The wait before attempt `attempts + 1`: the base, doubled per attempt, at most an hour.
pub fn backoff(base: Duration, attempts: i32) -> chrono::Duration {
    let factor = 2u32.saturating_pow(u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(16));
    let wait = base.saturating_mul(factor).min(Duration::from_secs(3600));
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
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
