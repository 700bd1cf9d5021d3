//! The desk's bell (`/api/notifications.json`) and its side bar's counts (`/api/counts.json`).

use serde::{Deserialize, Serialize};

use crate::tickets::lenient;

/// Something an agent should know of: they were assigned a ticket; someone else wrote, noted or
/// changed the status on a ticket they are assigned to or follow; a note mentions them
/// (`@username`). The same events as the mail they would get, whatever their mail choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 311, "reason": "assigned", "ticket": "TCK-1042", "subject": "Printer jams",
    "actor_id": 3, "actor": "Bea Colleague", "at": "2026-12-06T09:15:02Z", "read": false
})))]
pub struct Notification {
    pub id: i64,
    /// `assigned`, `message` (the customer wrote), `response`, `note`, `status` or `mention`.
    pub reason: String,
    /// The ticket's number.
    pub ticket: String,
    pub subject: String,
    /// Who did it: a person's id (null for a program acting as itself, or the system).
    pub actor_id: Option<i64>,
    /// Their display name ("" for the system).
    pub actor: String,
    pub at: String,
    pub read: bool,
}

impl Notification {
    /// One line for the bell: "Bea Colleague assigned you".
    pub fn headline(&self) -> String {
        let who = if self.actor.is_empty() { "The system" } else { self.actor.as_str() };
        let what = match self.reason.as_str() {
            "assigned" => "assigned you",
            "message" => "wrote",
            "response" => "responded",
            "note" => "added a note",
            "status" => "changed the status",
            "mention" => "mentioned you",
            _ => "changed",
        };
        format!("{who} {what}")
    }
}

/// Query of `GET /api/notifications.json`: newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct NotificationListQuery {
    /// Only the unread ones (`X-Total-Count` is then the bell's count).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub unread: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub page: Option<i64>,
    /// 1 to 100; 25 when absent.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub per_page: Option<i64>,
}

/// Body of `POST /api/notifications/read.json`: mark these (or, without `ids`, all of yours)
/// read, or unread with `"read": false`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"ids": [311, 312]})))]
pub struct NotificationsRead {
    #[serde(default)]
    pub ids: Option<Vec<i64>>,
    #[serde(default = "yes")]
    pub read: bool,
}

fn yes() -> bool {
    true
}

/// Answer of `POST /api/notifications/read.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationsMarked {
    /// How many changed.
    pub updated: i64,
    /// Your unread notifications now.
    pub unread: i64,
}

/// Open tickets (open and pending states) in each place of the desk's side bar.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "open": 1840, "mine": 12, "unassigned": 95, "followed": 4,
    "queues": [{"id": 1, "name": "Support", "open": 1500}],
    "views": [{"id": 3, "name": "My urgent", "open": 2}]
})))]
pub struct TicketCounts {
    pub open: i64,
    /// Assigned to you (0 for a program acting as itself).
    pub mine: i64,
    pub unassigned: i64,
    /// Followed by you (0 for a program acting as itself).
    pub followed: i64,
    /// Every queue, by name.
    pub queues: Vec<Count>,
    /// Your saved views: the tickets each lists (its own status filter, or the open states).
    pub views: Vec<Count>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    pub id: i64,
    pub name: String,
    pub open: i64,
}
