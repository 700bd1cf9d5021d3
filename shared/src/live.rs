//! What the event stream (`GET /api/events`, server-sent events) carries: each change to a ticket
//! as it happens, and (to agents) who has a ticket open and who is writing on it.

use serde::{Deserialize, Serialize};

/// `event: ticket` — something happened to a ticket. It names the ticket, never its content:
/// the page reads what changed with its own request, under the usual rights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 4711, "kind": "ticket.message", "ticket": "TCK-1042", "actor_id": 12, "actor": "Carol Customer",
    "at": "2026-12-06T09:15:02Z"
})))]
pub struct TicketEvent {
    /// The event's id (also the stream's `id:`; send it back as `Last-Event-ID` to resume).
    pub id: i64,
    /// `ticket.create`, `ticket.message` (a customer wrote), `ticket.response`, `ticket.note`
    /// (agents only), `ticket.status`, `ticket.assign`, `ticket.update` (subject, priority, topic
    /// or queue), `ticket.requester`, `ticket.time`.
    pub kind: String,
    /// The ticket's number.
    pub ticket: String,
    /// Who did it: a person's id (null for a program acting as itself, or the system).
    pub actor_id: Option<i64>,
    /// Their display name ("" for the system).
    pub actor: String,
    pub at: String,
}

/// `event: presence` — the agents who have a ticket open now (sent to agents when it changes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketPresence {
    pub ticket: String,
    pub people: Vec<Present>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Present {
    pub id: i64,
    pub name: String,
    /// Writing a reply or note right now.
    pub typing: bool,
}

/// Body of `PUT /api/tickets.json/{number}/presence`: "I have this ticket open" (renewed every
/// few seconds while it is), and whether I am writing on it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresenceUpdate {
    #[serde(default)]
    pub typing: bool,
}
