//! Job rows → the API's `Job`.

use shared::jobs::Job;

use crate::core::jobs::JobRow;
use crate::core::time::timestamp;

pub fn job(row: JobRow) -> Job {
    Job {
        id: row.id,
        // Written by the server from a serialised value; a row edited by hand shows as a string.
        payload: serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::String(row.payload)),
        kind: row.kind,
        next_attempt: (row.status == "pending").then(|| timestamp(row.run_at)),
        status: row.status,
        attempts: row.attempts,
        max_attempts: row.max_attempts,
        last_error: row.last_error,
        created: timestamp(row.created_at),
        finished: row.finished_at.map(timestamp),
    }
}
