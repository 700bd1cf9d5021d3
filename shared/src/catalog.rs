//! Queues (departments), help topics, statuses and priorities: the lists a ticket picks from.

use serde::{Deserialize, Serialize};

/// A help topic in osTicket's shape (`id`, `value`), with the queue it routes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"id": 2, "value": "Feedback", "queue_id": 1, "queue": "Support"})))]
pub struct Topic {
    pub id: i64,
    /// The topic's name.
    pub value: String,
    pub queue_id: i64,
    pub queue: String,
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
pub struct Status {
    pub id: i64,
    pub name: String,
    pub state: StatusState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Priority {
    pub id: i64,
    pub name: String,
}
