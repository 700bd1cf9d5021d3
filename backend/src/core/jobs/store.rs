//! The `jobs` table: queueing, claiming with a lease, recording each attempt's end, and the
//! administrator's list and retry.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::{backoff, Failure, Kind, Tally};
use crate::core::db::schema::jobs;
use crate::core::db::{page_offset, write_tx, AnyConnection};
use crate::core::error::{ApiError, ApiResult};

/// A job's states: pending → running → done; or back to pending (a retry), failed, or unsure.
pub const STATUSES: [&str; 5] = ["pending", "running", "unsure", "done", "failed"];

fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Queues a job of `kind`, due now (inside the caller's transaction: the job exists exactly when
/// the change that asked for it was committed).
pub fn enqueue(conn: &mut AnyConnection, kind: &Kind, payload: &impl Serialize) -> ApiResult<i64> {
    let payload = serde_json::to_string(payload).map_err(|e| ApiError::Internal(format!("job payload: {e}")))?;
    let now = now();
    Ok(diesel::insert_into(jobs::table)
        .values((
            jobs::kind.eq(kind.name),
            jobs::payload.eq(payload),
            jobs::status.eq("pending"),
            jobs::max_attempts.eq(kind.max_attempts),
            jobs::run_at.eq(now),
            jobs::created_at.eq(now),
        ))
        .returning(jobs::id)
        .get_result(conn)?)
}

/// A job a round holds.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct Claimed {
    pub id: i64,
    /// JSON, as the kind queued it.
    pub payload: String,
    /// Counting this one.
    pub attempts: i32,
    pub max_attempts: i32,
}

/// Takes up to `limit` due jobs of `kind` for the claim `token` until `lease_until`. A job is due
/// when it is pending and its time has come, or when it is running under a lease that ran out
/// (its worker died before it finished). PostgreSQL skips the rows another worker is claiming at
/// this moment; on SQLite claims take the one writer's turn.
pub fn claim(
    conn: &mut AnyConnection,
    kind: &str,
    token: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> ApiResult<Vec<Claimed>> {
    write_tx(conn, |conn| {
        diesel::update(
            jobs::table
                .filter(jobs::kind.eq(kind))
                .filter(jobs::status.eq("running"))
                .filter(jobs::lease_until.lt(now)),
        )
        .set((
            jobs::status.eq("pending"),
            jobs::lease_until.eq(None::<NaiveDateTime>),
            jobs::claimed_by.eq(None::<String>),
        ))
        .execute(conn)?;
        let due = jobs::table
            .filter(jobs::kind.eq(kind))
            .filter(jobs::status.eq("pending"))
            .filter(jobs::run_at.le(now))
            .order(jobs::id)
            .limit(limit)
            .select(jobs::id);
        let ids: Vec<i64> = match conn {
            AnyConnection::Postgresql(pg) => due.for_update().skip_locked().load(pg)?,
            AnyConnection::Sqlite(sqlite) => due.load(sqlite)?,
        };
        diesel::update(jobs::table.filter(jobs::id.eq_any(&ids)))
            .set((
                jobs::status.eq("running"),
                jobs::lease_until.eq(lease_until),
                jobs::claimed_by.eq(token),
                jobs::attempts.eq(jobs::attempts + 1),
            ))
            .execute(conn)?;
        Ok(jobs::table.filter(jobs::id.eq_any(&ids)).order(jobs::id).select(Claimed::as_select()).load(conn)?)
    })
}

/// The job's effect is about to happen and cannot be taken back: from now on it is never run
/// again on its own. Fails when the claim was lost (the lease ran out and another worker took the
/// job), and then the effect must not happen here.
pub fn handing_over(conn: &mut AnyConnection, id: i64, token: &str) -> ApiResult<()> {
    let updated =
        diesel::update(jobs::table.find(id).filter(jobs::claimed_by.eq(token)).filter(jobs::status.eq("running")))
            .set(jobs::status.eq("unsure"))
            .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict("another worker took this job".into()));
    }
    Ok(())
}

/// Records how an attempt ended, and counts it in `tally`: done; pending again after the backoff;
/// failed (a permanent failure, or the last attempt); unsure. Only the claim's holder records.
pub fn finish(
    conn: &mut AnyConnection,
    job: &Claimed,
    token: &str,
    retry_base: std::time::Duration,
    result: Result<(), Failure>,
    tally: &mut Tally,
) -> ApiResult<()> {
    let now = now();
    let (status, run_at, error) = match result {
        Ok(()) => ("done", None, None),
        Err(Failure::Permanent(e)) => ("failed", None, Some(e)),
        Err(Failure::Retry(e)) if job.attempts >= job.max_attempts => {
            ("failed", None, Some(format!("gave up after {} attempts: {e}", job.attempts)))
        }
        Err(Failure::Retry(e)) => ("pending", Some(now + backoff(retry_base, job.attempts)), Some(e)),
        Err(Failure::Unsure(e)) => ("unsure", None, Some(e)),
    };
    let error = error.map(|e| e.chars().take(1000).collect::<String>());
    let mine =
        jobs::table.find(job.id).filter(jobs::claimed_by.eq(token)).filter(jobs::status.eq_any(["running", "unsure"]));
    let updated = diesel::update(mine)
        .set((
            jobs::status.eq(status),
            jobs::run_at.eq(run_at.unwrap_or(now)),
            jobs::lease_until.eq(None::<NaiveDateTime>),
            jobs::last_error.eq(error),
            jobs::finished_at.eq((status == "done" || status == "failed").then_some(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::Conflict(format!("job {} was taken by another worker", job.id)));
    }
    match status {
        "done" => tally.done += 1,
        "pending" => tally.retrying += 1,
        "failed" => tally.failed += 1,
        _ => tally.unsure += 1,
    }
    Ok(())
}

/// An administrator's "run again" for a failed or unsure job: due at once (inside the caller's
/// transaction). An unsure job's effect may then happen twice: the administrator decides.
pub fn retry(conn: &mut AnyConnection, id: i64) -> ApiResult<JobRow> {
    let status: String =
        jobs::table.find(id).select(jobs::status).first(conn).optional()?.ok_or(ApiError::NotFound("job"))?;
    if status != "failed" && status != "unsure" {
        return Err(ApiError::Conflict(format!("the job is {status}: only a failed or unsure job runs again")));
    }
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq("pending"),
            jobs::run_at.eq(now()),
            jobs::claimed_by.eq(None::<String>),
            jobs::finished_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(jobs::table.find(id).select(JobRow::as_select()).first(conn)?)
}

/// A job as the administrator's list shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// A page of jobs, newest first, with this status and kind when given, and how many match.
pub fn page(
    conn: &mut AnyConnection,
    status: Option<&str>,
    kind: Option<&str>,
    page: i64,
    per_page: i64,
) -> ApiResult<(Vec<JobRow>, i64)> {
    let filtered = || {
        let mut q = jobs::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(jobs::status.eq(s.to_owned()));
        }
        if let Some(k) = kind {
            q = q.filter(jobs::kind.eq(k.to_owned()));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(JobRow::as_select())
        .order(jobs::id.desc())
        .limit(per_page)
        .offset(page_offset(page, per_page))
        .load(conn)?;
    Ok((rows, total))
}
