//! Queues (departments), help topics, statuses and priorities: the lists a ticket picks from.

use serde::{Deserialize, Serialize};

/// A help topic in osTicket's shape (`id`, `value`), with the queue it routes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"id": 2, "value": "Feedback", "queue_id": 1, "queue": "Support", "active": true})))]
pub struct Topic {
    pub id: i64,
    /// The topic's name.
    pub value: String,
    pub queue_id: i64,
    pub queue: String,
    /// Inactive topics stay on their tickets but are not offered for new ones.
    pub active: bool,
}

/// Body of `PUT /api/topics.json/{id}`: absent fields keep their value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"value": "Printers", "queue_id": 1, "active": false})))]
pub struct TopicUpdate {
    #[serde(default, alias = "topic", alias = "name")]
    pub value: Option<String>,
    #[serde(default)]
    pub queue_id: Option<i64>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// Body of `POST /api/topics.json`. osTicket scripts send `topic` or `value`; `name` is accepted too.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"value": "Printer problems", "queue_id": 1})))]
pub struct TopicCreate {
    #[serde(default, alias = "topic", alias = "name")]
    pub value: String,
    /// The queue new tickets of this topic go to; the first queue when absent.
    #[serde(default, alias = "dept_id", alias = "deptId")]
    pub queue_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"id": 1, "name": "Support", "email": "support@example.com"})))]
pub struct Queue {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
}

/// Body of `POST /api/queues.json` and `PUT /api/queues.json/{id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Network", "email": "network@example.com"})))]
pub struct QueueInput {
    #[serde(default)]
    pub name: String,
    /// The address mail for this queue is sent from (empty for none).
    #[serde(default)]
    pub email: Option<String>,
}

/// The four states every status belongs to; they decide what a status means to the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum StatusState {
    Open,
    Pending,
    Resolved,
    Closed,
}

impl StatusState {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusState::Open => "open",
            StatusState::Pending => "pending",
            StatusState::Resolved => "resolved",
            StatusState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<StatusState> {
        match s {
            "open" => Some(StatusState::Open),
            "pending" => Some(StatusState::Pending),
            "resolved" => Some(StatusState::Resolved),
            "closed" => Some(StatusState::Closed),
            _ => None,
        }
    }

    /// Open and pending tickets still need work; leaving them needs a resolution text.
    pub fn is_active(self) -> bool {
        matches!(self, StatusState::Open | StatusState::Pending)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"id": 6, "name": "On hold", "state": "pending", "sort": 4})))]
pub struct Status {
    pub id: i64,
    pub name: String,
    pub state: StatusState,
    /// Lists show statuses in this order.
    pub sort: i64,
}

/// Body of `POST /api/statuses.json` and `PUT /api/statuses.json/{id}`. The state of the three
/// built-in statuses (Open, Resolved, Closed) cannot change: osTicket scripts rely on them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Waiting for parts", "state": "pending", "sort": 4})))]
pub struct StatusInput {
    #[serde(default)]
    pub name: String,
    /// open, pending, resolved or closed.
    #[serde(default)]
    pub state: String,
    /// Position in lists; after the others when absent.
    #[serde(default)]
    pub sort: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"id": 3, "name": "High", "sort": 3})))]
pub struct Priority {
    pub id: i64,
    pub name: String,
    /// Higher is more urgent; sorting by priority uses it.
    pub sort: i64,
}

/// Body of `POST /api/priorities.json` and `PUT /api/priorities.json/{id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Critical", "sort": 5})))]
pub struct PriorityInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub sort: Option<i64>,
}

/// A catalog name (queue, topic, status, priority): 1–64 characters on one line.
pub fn check_catalog_name(value: &str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value.chars().count() > 64 {
        return Err("must be at most 64 characters".into());
    }
    if value.chars().any(char::is_control) {
        return Err("must be a single line".into());
    }
    Ok(())
}
