//! Tickets and their threads in the JSON shape of the extended osTicket API (seed 003), plus the
//! fields Oxidesk adds (`version`, `status_state`, ids next to names, attachments).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::StatusState;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "ticket_number": "TCK-1042", "subject": "Testing API", "ticket_status": "Open", "statusId": 1,
    "status_state": "open", "priority": "Normal", "priority_id": 2, "department": "Support",
    "queue_id": 1, "create_timestamp": "2026-11-16T13:21:53Z",
    "updated_timestamp": "2026-11-16T13:21:53Z",
    "user": {"id": 5, "fullname": "Michael User2", "firstname": "Michael", "lastname": "User2",
             "email": "michael@example.com", "phone": ""},
    "source": "API", "due_timestamp": null, "close_timestamp": null, "resolution": null,
    "topic": "Feedback", "topicId": 2, "last_message_timestamp": "2026-11-16T13:21:53Z",
    "last_response_timestamp": null, "assigned_to": [], "followers": [], "time_spent": 0,
    "version": 1, "held": false, "threads": []
})))]
pub struct Ticket {
    pub ticket_number: String,
    pub subject: String,
    /// The status's name.
    pub ticket_status: String,
    #[serde(rename = "statusId")]
    pub status_id: i64,
    pub status_state: StatusState,
    /// The priority's name.
    pub priority: String,
    pub priority_id: i64,
    /// The queue's name (osTicket calls queues departments).
    pub department: String,
    pub queue_id: i64,
    pub create_timestamp: String,
    pub updated_timestamp: String,
    pub user: TicketUser,
    /// Where it came from: Web, Email, API or Phone.
    pub source: String,
    pub due_timestamp: Option<String>,
    pub close_timestamp: Option<String>,
    /// Why it left the open states.
    pub resolution: Option<String>,
    pub topic: Option<String>,
    #[serde(rename = "topicId")]
    pub topic_id: Option<i64>,
    pub last_message_timestamp: Option<String>,
    pub last_response_timestamp: Option<String>,
    pub assigned_to: Vec<Assignee>,
    /// Agents (or others) who follow the ticket: its home-page list and, later, its notifications.
    pub followers: Vec<Assignee>,
    /// Minutes of work recorded on the ticket.
    pub time_spent: i64,
    /// Increases with every change; send it back to update without overwriting someone else's change.
    pub version: i64,
    /// Filed by a guest for the address of an account that has not confirmed it: kept from that
    /// account until its owner confirms the address (staff see it meanwhile; its customer does not).
    #[serde(default)]
    pub held: bool,
    /// Whether you (the caller) have a draft reply on this ticket (`/api/tickets.json/{number}/draft`).
    #[serde(default)]
    pub draft: bool,
    /// To an agent: changed by someone else since they last read it (`PUT
    /// /api/tickets.json/{number}/read`), or never read. Always false for others.
    #[serde(default)]
    pub unread: bool,
    /// To an agent: the customer wrote since they last read it. Always false for others.
    #[serde(default)]
    pub unread_message: bool,
    /// Whose turn it is on a ticket still open or pending: `customer` when an agent answered
    /// last (waiting for the customer), `agent` when the customer wrote last or nobody answered
    /// yet; null once resolved or closed.
    #[serde(default)]
    pub waiting_for: Option<String>,
    /// The people copied on the ticket besides its customer (osTicket's collaborators): they
    /// get its customer mail, read it in the portal and may answer it.
    #[serde(default)]
    pub cc: Vec<Participant>,
    /// The client (organisation) the ticket is for, and its contact there (ITFlow's "Client &
    /// Contact"); customers see only their own client's name.
    #[serde(default)]
    pub client: Option<crate::clients::Named>,
    #[serde(default)]
    pub contact: Option<crate::clients::Named>,
    pub threads: Vec<ThreadEntry>,
}

/// Someone copied on a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// The most people a ticket copies (`cc`), or one response blind-copies (`bcc`).
pub const CC_MAX: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketUser {
    pub id: i64,
    pub fullname: String,
    pub firstname: String,
    pub lastname: String,
    pub email: String,
    pub phone: String,
    /// Their time zone where known (IANA, `Europe/Berlin`): the desk shows their local time.
    #[serde(default)]
    pub timezone: Option<String>,
    /// The language they read (BCP 47, `de`, `pt-BR`) where known.
    #[serde(default)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignee {
    pub id: i64,
    pub name: String,
    /// The agent's login name: shown to agents only (null for customers, who see the name).
    pub username: Option<String>,
}

/// M message (customer), R response (agent), N internal note (agents only), E event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EntryType {
    M,
    R,
    N,
    E,
}

impl EntryType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryType::M => "M",
            EntryType::R => "R",
            EntryType::N => "N",
            EntryType::E => "E",
        }
    }

    pub fn parse(s: &str) -> Option<EntryType> {
        match s {
            "M" => Some(EntryType::M),
            "R" => Some(EntryType::R),
            "N" => Some(EntryType::N),
            "E" => Some(EntryType::E),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadEntry {
    pub id: i64,
    /// Parent entry; always 0 (threads are flat).
    pub pid: i64,
    /// The ticket's thread (one per ticket).
    pub thread_id: i64,
    pub staff_id: Option<i64>,
    pub user_id: Option<i64>,
    #[serde(rename = "type")]
    pub entry_type: EntryType,
    /// Who wrote it, or SYSTEM.
    pub poster: String,
    pub editor: Option<String>,
    pub source: String,
    pub title: Option<String>,
    pub body: String,
    /// osTicket's copy of the body. (The web app never reads it, nor `user_name`: its WASM skips
    /// both, which spares the portal their decoders.)
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub message: ThreadMessage,
    /// text, html or markdown.
    pub format: String,
    pub created: String,
    pub updated: Option<String>,
    pub staff_name: Option<String>,
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub user_name: Option<UserName>,
    pub attachments: Vec<Attachment>,
    /// Only for agents (level 3 and up), only on mail whose sender the desk could not verify:
    /// why (it answers none of the desk's mail to that person, and no trusted mail server
    /// confirmed the sender). Absent otherwise, and always for customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unverified: Option<String>,
    /// Only for agents, only on responses sent with blind copies: the addresses they went to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bcc: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadMessage {
    pub body: String,
    #[serde(rename = "type")]
    pub format: String,
    pub stripped_images: Vec<String>,
    pub embedded_images: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserName {
    pub format: String,
    pub parts: NameParts,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NameParts {
    pub salutation: String,
    pub first: String,
    pub suffix: String,
    pub last: String,
    pub middle: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the content: attachments are stored once per content.
    pub sha256: String,
    /// Where to download it (with the same credentials).
    pub href: String,
    /// The name the message's HTML shows it by, as a picture in its text (`<img src="cid:…">`):
    /// a mail's inline part, or a file named by `cid:` and its file name when it was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_id: Option<String>,
}

/// An osTicket attachment: one object mapping a file name to an RFC 2397 data URL,
/// e.g. `{"file.txt": "data:text/plain;base64,SGVsbG8="}`.
pub type AttachmentUpload = BTreeMap<String, String>;

/// Body of `POST /api/tickets.json`: osTicket's create body, plus `user_id`, `phone`, `queue_id`.
/// Required fields are optional here so that a missing one gets a 422 naming it, not a parse error.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "John Doe", "email": "john@example.com", "subject": "Testing API",
    "message": "My original message", "topicId": 2, "priority": "High",
    "attachments": [{"notes.txt": "data:text/plain;base64,SGVsbG8="}],
    "ip": "192.0.2.10", "alert": true, "autorespond": true
})))]
pub struct TicketCreate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    /// Plain text, or a data URL (`data:text/html,…`) as osTicket accepts.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, rename = "topicId", alias = "topic_id", deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub topic_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub queue_id: Option<i64>,
    /// A priority id (1–4) or name (Low, Normal, High, Urgent).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub priority: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentUpload>,
    /// The customer's IP address, kept in the audit log.
    #[serde(default)]
    pub ip: Option<String>,
    /// Notify agents (default true). Mail is a later feature; the flag is stored.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub alert: Option<bool>,
    /// Send the customer an auto-response (default true).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub autorespond: Option<bool>,
    /// Web, Email, API or Phone; API when created with a key, Web otherwise.
    #[serde(default)]
    pub source: Option<String>,
    /// Act as this existing user (needs the impersonate scope).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub user_id: Option<i64>,
    /// Agents only: assign the new ticket to these agents' ids.
    #[serde(default)]
    pub assignee_ids: Option<Vec<i64>>,
    /// Agents only: open the ticket in this status (a phone call solved at once is opened
    /// resolved); leaving the open states needs `resolution`.
    #[serde(default, alias = "statusId", deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub status_id: Option<i64>,
    #[serde(default)]
    pub resolution: Option<String>,
    /// Agents only: copy these people on the ticket (`bea@example.com` or `Bea Lee
    /// <bea@example.com>`; an address nobody has yet becomes a customer). At most 20.
    #[serde(default)]
    pub cc: Option<Vec<String>>,
    /// Agents and keys: the client the ticket is for (not a closed one). A customer's ticket takes
    /// their own client.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub client_id: Option<i64>,
    /// Agents and keys: a contact of that client (default: the customer when they are one,
    /// else the client's primary contact).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub contact_id: Option<i64>,
}

/// Query of `POST /api/tickets.json`: what its 201 carries.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TicketCreateQuery {
    /// `json`: the created ticket as JSON; `text`: its number as text/plain. Without it, JSON
    /// when `Accept` names application/json, else the number, as osTicket answers its scripts.
    /// Generated clients, whose `Accept` names no JSON, ask for `json`.
    // Kept as text and read by `CreatedFormat::parse`, so that a wrong value gets a 422 naming
    // `format` (the query parser's errors are 400s).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(value_type = Option<CreatedFormat>, inline))]
    pub format: Option<String>,
}

/// What the 201 of `POST /api/tickets.json` carries: `json` the ticket, `text` its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CreatedFormat {
    Json,
    Text,
}

impl CreatedFormat {
    pub fn parse(value: &str) -> Result<CreatedFormat, String> {
        match value {
            "json" => Ok(CreatedFormat::Json),
            "text" => Ok(CreatedFormat::Text),
            other => Err(format!("must be json or text, not {other:?}")),
        }
    }
}

/// Who a request acts as, when an impersonating API key speaks for a user.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActingAs {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub user_id: Option<i64>,
    #[serde(default)]
    pub email: Option<String>,
    /// A user name or email address.
    #[serde(default)]
    pub from_user: Option<String>,
}

/// Body of `PUT /api/tickets.json/{number}`: a reply, a note, field changes, or all at once.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "user_id": 5, "message": "My updated message using user_id"
})))]
pub struct TicketUpdate {
    #[serde(flatten)]
    pub acting_as: ActingAs,
    #[serde(default)]
    pub message: Option<String>,
    /// `response` (default for agents) or `note` (internal, agents only).
    #[serde(default, rename = "type")]
    pub entry_type: Option<String>,
    /// Add your signature (`PUT /api/users/me.json`) below the response (agents' responses; a
    /// note or a customer's message has none).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub signature: Option<bool>,
    /// How `message` is written: `text` (the default; markup in it is kept as sanitised HTML) or
    /// `markdown` (stored as the sanitised HTML it stands for; a line break stays a line break).
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentUpload>,
    /// The version you last saw; a stale one gets 409 and changes nothing.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub version: Option<i64>,
    #[serde(default, alias = "statusId", deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub status_id: Option<i64>,
    /// Required when the new status leaves the open states.
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub priority: Option<String>,
    #[serde(default, rename = "topicId", alias = "topic_id", deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub topic_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub queue_id: Option<i64>,
    #[serde(default)]
    pub subject: Option<String>,
    /// Replace the assignees with these agents' ids (agents only).
    #[serde(default)]
    pub assignee_ids: Option<Vec<i64>>,
    /// Give the ticket to another customer (agents only): the person with this address, created
    /// (as with a new ticket) when nobody has it yet.
    #[serde(default)]
    pub requester_email: Option<String>,
    /// The name of a customer `requester_email` creates; ignored when the address is known.
    #[serde(default)]
    pub requester_name: Option<String>,
    /// Minutes of work to add to the ticket's time spent (agents only; 1–1440).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 1440))]
    pub time_spent: Option<i64>,
    /// Replace the people copied on the ticket (agents only; the same forms as on create, at
    /// most 20; `[]` copies nobody).
    #[serde(default)]
    pub cc: Option<Vec<String>>,
    /// Blind-copy this response to these addresses (agents' responses only, at most 20): each gets
    /// the customer's mail of it; only agents see where it went.
    #[serde(default)]
    pub bcc: Option<Vec<String>>,
    /// Agents: the ticket's client (`0` removes it, and its contact).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub client_id: Option<i64>,
    /// Agents: its contact, of the ticket's client (`0` removes it).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub contact_id: Option<i64>,
}

/// The most minutes one update may record.
pub const TIME_SPENT_MAX_MINUTES: i64 = 1440;

/// Body of `DELETE` (close) and `POST` (reopen) on `/api/tickets.json/{number}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"user_id": 5})))]
pub struct TicketTransition {
    #[serde(flatten)]
    pub acting_as: ActingAs,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub version: Option<i64>,
    /// Why it is closed; "Closed by user" (or by the agent's name) when absent.
    #[serde(default)]
    pub resolution: Option<String>,
}

/// Query of `GET /api/tickets.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TicketListQuery {
    /// Tickets of this user.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub user_id: Option<i64>,
    /// Tickets of the user with this email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Statuses or states, separated by commas; a ticket in any of them matches: an id (`1`), a
    /// state as written (`open`, `pending`, `resolved`, `closed`) or a status name in any case
    /// (`Open`). The desk asks for `open,pending` by default.
    #[serde(default)]
    pub status: Option<String>,
    /// A queue id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub queue: Option<i64>,
    /// A help topic id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub topic: Option<i64>,
    /// A priority id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub priority: Option<i64>,
    /// An agent's id, `me` (assigned to the caller) or `none` (unassigned).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub assignee: Option<String>,
    /// Only tickets the caller follows.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub followed: Option<bool>,
    /// Only the tickets of this client.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub client: Option<i64>,
    /// Search: tickets whose subject and thread have every word (notes only for agents), tickets
    /// of customers whose name or email address has every word, and the ticket whose number it
    /// is (`TCK-1042`, `#1042`, `1042`).
    #[serde(default)]
    pub q: Option<String>,
    /// `number` (= `created`), `updated`, `priority`, `subject`, `status`, `customer`, `client`,
    /// `assignee`, `due` or `message` (when the customer last wrote); prefix `-` for descending.
    /// Default `-updated`. Ties go by number; tickets with no client, assignee, due time or
    /// message come last either way.
    #[serde(default)]
    pub sort: Option<String>,
    /// 1-based page number.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub page: Option<i64>,
    /// 1–100, default 25.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub per_page: Option<i64>,
    /// Include each ticket's thread (default true, as osTicket does; false is faster).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub threads: Option<bool>,
}

/// Body of `POST /api/tickets/bulk.json` (agents): the same change to many tickets, all or none.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "numbers": ["TCK-1042", "TCK-1043"], "status_id": 2, "resolution": "Fixed by the printer update"
})))]
pub struct BulkUpdate {
    /// 1–100 ticket numbers.
    #[serde(default)]
    pub numbers: Vec<String>,
    /// Replace the assignees of every ticket (an empty list unassigns).
    #[serde(default)]
    pub assignee_ids: Option<Vec<i64>>,
    #[serde(default, alias = "statusId", deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub status_id: Option<i64>,
    /// Required when the new status leaves the open states.
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub priority: Option<String>,
}

/// The most tickets one bulk change may touch.
pub const BULK_MAX_TICKETS: usize = 100;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkResult {
    /// The tickets changed (those already in the asked state are left alone and not listed).
    pub updated: Vec<String>,
}

/// A saved ticket-list filter (agents' "views"), private to the person who saved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"id": 4, "name": "My urgent", "query": "assignee=me&priority=4&status=open"})))]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    /// The list's query string (the parameters of `GET /api/tickets.json`, without page).
    pub query: String,
}

/// Body of `POST /api/views.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "My urgent", "query": "assignee=me&priority=4&status=open"})))]
pub struct SavedViewCreate {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub query: String,
}

/// Body of `POST /api/scp/tickets/reply.json`; other osTicket form fields are accepted and ignored.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "ticketNumber": "TCK-1042", "response": "ticket issue is resolved!", "reply_status_id": 2,
    "staffUserName": "michael", "ip_address": "::1"
})))]
pub struct StaffReply {
    #[serde(default, rename = "ticketNumber", deserialize_with = "lenient::opt_string")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub ticket_number: Option<String>,
    #[serde(default)]
    pub response: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub reply_status_id: Option<i64>,
    /// Resolution text when the new status leaves the open states; the response is used when absent.
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default, rename = "staffUserName")]
    pub staff_user_name: Option<String>,
    #[serde(default)]
    pub ip_address: Option<String>,
}

/// The envelope of osTicket's `/api/scp/` answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScpStatus {
    /// "0" on success.
    pub status_code: String,
    pub status_msg: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScpTickets {
    pub tickets: Vec<Ticket>,
    pub status_code: String,
    pub status_msg: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScpTicketInfo {
    pub ticket: Ticket,
    pub status_code: String,
    pub status_msg: String,
}

/// osTicket clients send numbers and flags as strings as often as not ("2", "1", "true"); these
/// accept both, and treat an empty string as absent.
pub mod lenient {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => {
                n.as_i64().map(Some).ok_or_else(|| serde::de::Error::custom("expected an integer"))
            }
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| serde::de::Error::custom(format!("expected an integer, got {s:?}"))),
            Some(_) => Err(serde::de::Error::custom("expected an integer")),
        }
    }

    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(Value::Number(n)) => Ok(Some(n.as_f64() != Some(0.0))),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "1" | "true" | "yes" | "on" => Ok(Some(true)),
                "0" | "false" | "no" | "off" => Ok(Some(false)),
                other => Err(serde::de::Error::custom(format!("expected a boolean, got {other:?}"))),
            },
            Some(_) => Err(serde::de::Error::custom("expected a boolean")),
        }
    }

    pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(serde::de::Error::custom("expected a string or a number")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_accepts_osticket_strings_for_numbers_and_flags() {
        let body: TicketCreate = serde_json::from_str(
            r#"{"subject":"s","message":"m","topicId":"2","alert":"true","autorespond":0,"priority":3}"#,
        )
        .unwrap();
        assert_eq!(body.topic_id, Some(2));
        assert_eq!(body.alert, Some(true));
        assert_eq!(body.autorespond, Some(false));
        assert_eq!(body.priority.as_deref(), Some("3"));
    }

    #[test]
    fn non_numeric_ids_are_rejected() {
        assert!(serde_json::from_str::<TicketCreate>(r#"{"topicId":"two"}"#).is_err());
        assert!(serde_json::from_str::<TicketCreate>(r#"{"topicId":[1]}"#).is_err());
    }

    #[test]
    fn update_takes_the_acting_user_from_the_same_object() {
        let body: TicketUpdate = serde_json::from_str(r#"{"email":"a@b.c","message":"hi","version":"3"}"#).unwrap();
        assert_eq!(body.acting_as.email.as_deref(), Some("a@b.c"));
        assert_eq!(body.version, Some(3));
    }
}

/// A reply being written, kept on the server per ticket and person (`/api/tickets.json/{number}/draft`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "message": "Thanks, I have reset the printer queue; ", "type": "response"
})))]
pub struct Draft {
    /// The text so far (at most the size of a message).
    pub message: String,
    /// What it will be posted as: `response` or `note` for agents, `message` for customers.
    #[serde(default, rename = "type")]
    pub entry_type: Option<String>,
    /// When it was last saved (set by the server; ignored in a request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
}
