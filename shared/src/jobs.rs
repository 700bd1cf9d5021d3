//! The job worker as the administrator sees it: every job (mail delivery, and the scheduled work
//! to come), its state and last error, and "run again" for a failed or unsure one.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 42, "kind": "mail.send", "payload": {"mail": 42}, "status": "pending", "attempts": 2,
    "max_attempts": 20, "next_attempt": "2026-12-04T09:31:00Z", "last_error": "cannot connect to 127.0.0.1:25",
    "created": "2026-12-04T09:30:00Z", "finished": null
})))]
pub struct Job {
    pub id: i64,
    /// What it does: `mail.send` (delivers the outbox mail its payload names), …
    pub kind: String,
    /// What the kind needs, by id.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
    /// `pending` (waiting, or waiting to be retried), `running`, `done`, `failed` (for good, or
    /// every attempt failed) or `unsure` (stopped while its effect was happening: it may have
    /// happened, so it is not run again unless asked).
    pub status: String,
    pub attempts: i32,
    /// After this many failed attempts a job is failed.
    pub max_attempts: i32,
    /// When a pending job runs next.
    pub next_attempt: Option<String>,
    pub last_error: Option<String>,
    pub created: String,
    /// When it was done or failed for good.
    pub finished: Option<String>,
}
