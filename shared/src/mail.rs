//! Mail the desk sends, as the administrator sees it in the outbox: written in the same
//! transaction as the change it reports, then delivered by the mail worker.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 12, "kind": "account.reset", "recipient": "john@example.com",
    "subject": "Reset your Oxidesk password", "body": "Someone asked…", "created": "2026-11-24T09:30:00Z",
    "sent": null, "attempts": 0, "last_error": null
})))]
pub struct OutboxMail {
    pub id: i64,
    /// What it is for: `account.confirm`, `account.reset`, …
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    pub created: String,
    /// When it left; null while it waits.
    pub sent: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
}
