//! Clients (the organisations tickets, invoices and assets hang on), their contacts and the
//! events of their timeline: the API's shapes and the checks both the server and the desk's
//! forms apply.

use serde::{Deserialize, Serialize};

use crate::tickets::lenient;
use crate::validate::Email;

pub const CLIENT_NAME_MAX_CHARS: usize = 100;
pub const CLIENT_FIELD_MAX_CHARS: usize = 255;
pub const CLIENT_NOTES_MAX_CHARS: usize = 10_000;
pub const EVENT_SUMMARY_MAX_CHARS: usize = 200;
/// A client's mail domains: a few per organisation.
pub const MAX_DOMAINS: usize = 20;

/// NodePoint's client statuses. A closed client takes no new tickets; clients are never deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ClientStatus {
    /// A prospective client.
    #[default]
    Prospect,
    /// A contact (not a paying client).
    Contact,
    Supplier,
    /// A paying client in good standing.
    Paid,
    /// A client with unpaid bills (or on the default plan).
    Unpaid,
    /// No ticket can be filed for a closed client.
    Closed,
}

impl ClientStatus {
    pub const ALL: [ClientStatus; 6] = [
        ClientStatus::Prospect,
        ClientStatus::Contact,
        ClientStatus::Supplier,
        ClientStatus::Paid,
        ClientStatus::Unpaid,
        ClientStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClientStatus::Prospect => "Prospect",
            ClientStatus::Contact => "Contact",
            ClientStatus::Supplier => "Supplier",
            ClientStatus::Paid => "Paid",
            ClientStatus::Unpaid => "Unpaid",
            ClientStatus::Closed => "Closed",
        }
    }

    /// The name in any case (`paid`, `PAID`), as NodePoint takes it.
    pub fn parse(value: &str) -> Result<ClientStatus, String> {
        let value = value.trim();
        ClientStatus::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(value))
            .ok_or_else(|| "use Prospect, Contact, Supplier, Paid, Unpaid or Closed".to_owned())
    }
}

/// A client as the desk shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 3, "name": "Acme Corp", "status": "Paid", "email": "it@acme.example", "phone": "+1 555 0100",
    "address": "1 Main St, Springfield", "website": "https://acme.example", "notes": "Key account",
    "domains": ["acme.example"], "primary_contact": {"id": 7, "name": "Ann Lee"}, "open_tickets": 2,
    "created": "2026-12-07T10:00:00Z", "updated": "2026-12-07T10:00:00Z"
})))]
pub struct Client {
    pub id: i64,
    pub name: String,
    pub status: ClientStatus,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub website: String,
    pub notes: String,
    /// Mail from an unknown sender at one of these domains opens a ticket for this client.
    pub domains: Vec<String>,
    /// The default contact of a new ticket for the client.
    pub primary_contact: Option<Named>,
    /// Its tickets in an open state.
    pub open_tickets: i64,
    pub created: String,
    pub updated: String,
}

/// An id and a name: a client or contact as a ticket names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// Body of `POST /api/clients.json` and `PUT /api/clients.json/{id}`: on create `name` is
/// required and the rest optional; on update absent fields keep their value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "Acme Corp", "status": "Paid", "email": "it@acme.example", "domains": ["acme.example"]
})))]
pub struct ClientInput {
    #[serde(default)]
    pub name: Option<String>,
    /// Prospect (the default), Contact, Supplier, Paid, Unpaid or Closed.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// An http(s) address.
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Replaces the mail domains (`["acme.example"]`); a domain belongs to one client only.
    #[serde(default)]
    pub domains: Option<Vec<String>>,
}

/// Query of `GET /api/clients.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ClientListQuery {
    /// Words in the name, email, phone, notes or a mail domain.
    #[serde(default)]
    pub q: Option<String>,
    /// Only clients of this status; `open` for all but Closed.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>, minimum = 1))]
    pub page: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>, minimum = 1, maximum = 100))]
    pub per_page: Option<i64>,
}

/// A person of a client: a customer account, or someone without one yet who gets one (and
/// becomes this contact's account) when they first write in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 7, "client_id": 3, "user_id": 12, "name": "Ann Lee", "email": "ann@acme.example",
    "phone": "", "title": "IT manager", "technical": true, "primary": true
})))]
pub struct Contact {
    pub id: i64,
    pub client_id: i64,
    /// Their customer account, once they have one.
    pub user_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub title: String,
    /// A technical contact sees and answers every ticket of the client in the portal.
    pub technical: bool,
    /// The client's primary contact: the default contact of its new tickets.
    pub primary: bool,
}

/// Body of `POST /api/clients.json/{id}/contacts` and of `PUT` on one contact: on create
/// `name` or `user_id` is required; on update absent fields keep their value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "Ann Lee", "email": "ann@acme.example", "title": "IT manager", "technical": true, "primary": true
})))]
pub struct ContactInput {
    /// An existing customer account to make a contact (its name and address are taken).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub user_id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    /// Their account, when they write in from this address (at most one contact per address).
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub technical: Option<bool>,
    /// Make this the client's primary contact (`false` on the primary leaves it without one).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub primary: Option<bool>,
}

/// What kind of interaction a client event records (NodePoint's CRM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventKind {
    Call,
    Email,
    Meeting,
    Note,
}

impl EventKind {
    pub const ALL: [EventKind; 4] = [EventKind::Call, EventKind::Email, EventKind::Meeting, EventKind::Note];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Call => "Call",
            EventKind::Email => "Email",
            EventKind::Meeting => "Meeting",
            EventKind::Note => "Note",
        }
    }

    /// The name in any case, or NodePoint's own names for them ("Phone call", "Email dialog",
    /// "Online meeting", "In-person meeting", "Other contact").
    pub fn parse(value: &str) -> Result<EventKind, String> {
        let value = value.trim().to_ascii_lowercase();
        let kind = match value.as_str() {
            "call" | "phone call" => EventKind::Call,
            "email" | "email dialog" => EventKind::Email,
            "meeting" | "online meeting" | "in-person meeting" => EventKind::Meeting,
            "note" | "other contact" => EventKind::Note,
            _ => return Err("use Call, Email, Meeting or Note".to_owned()),
        };
        Ok(kind)
    }
}

/// One entry of a client's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 4, "client_id": 3, "kind": "Call", "summary": "Renewal call", "notes": "They want two more seats.",
    "user": {"id": 2, "name": "Sam Agent"}, "happened": "2026-12-07T09:30:00Z"
})))]
pub struct ClientEvent {
    pub id: i64,
    pub client_id: i64,
    pub kind: EventKind,
    pub summary: String,
    pub notes: String,
    /// Who logged it (none: a program's key).
    pub user: Option<Named>,
    /// When it happened (RFC 3339, UTC).
    pub happened: String,
}

/// Body of `POST /api/clients.json/{id}/events`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"kind": "Call", "summary": "Renewal call", "notes": "They want two more seats."})))]
pub struct ClientEventInput {
    /// Call, Email, Meeting or Note.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// When it happened (RFC 3339); now when absent.
    #[serde(default)]
    pub happened: Option<String>,
}

/// Query of `GET /api/clients.json/{id}/events`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct EventListQuery {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>, minimum = 1))]
    pub page: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>, minimum = 1, maximum = 100))]
    pub per_page: Option<i64>,
}

/// A client's name: 1 to 100 characters on one line.
pub fn check_client_name(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("is required".into());
    }
    check_line(value, CLIENT_NAME_MAX_CHARS)
}

/// A one-line field (phone, address, title …): at most `max` characters, no control characters.
pub fn check_line(value: &str, max: usize) -> Result<String, String> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err("must be one line".into());
    }
    Ok(value.to_owned())
}

/// Notes: any text up to 10,000 characters.
pub fn check_notes(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.chars().count() > CLIENT_NOTES_MAX_CHARS {
        return Err(format!("must be at most {CLIENT_NOTES_MAX_CHARS} characters"));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err("must be text".into());
    }
    Ok(value.to_owned())
}

/// An email address, or nothing.
pub fn check_optional_email(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    Email::parse(value).map(|e| e.as_str().to_lowercase())
}

/// A website: an http(s) address, or nothing.
pub fn check_website(value: &str) -> Result<String, String> {
    let value = check_line(value, CLIENT_FIELD_MAX_CHARS)?;
    let lower = value.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    match rest {
        _ if value.is_empty() => Ok(value),
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(value),
        _ => Err("must be an http:// or https:// address".into()),
    }
}

/// A mail domain (`acme.example`, lower case): labels of letters, digits and dashes, at least
/// two of them. Written with an `@` in front or in capitals is fine.
pub fn check_domain(value: &str) -> Result<String, String> {
    let domain = value.trim().trim_start_matches('@').trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if domain.len() > 253 || labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(format!("{:?} is not a mail domain such as example.com", value.trim()));
    }
    Ok(domain)
}

/// A list of mail domains, each checked, without repeats.
pub fn check_domains(values: &[String]) -> Result<Vec<String>, String> {
    if values.len() > MAX_DOMAINS {
        return Err(format!("at most {MAX_DOMAINS} domains"));
    }
    let mut domains = Vec::new();
    for value in values {
        let domain = check_domain(value)?;
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    Ok(domains)
}

/// An event's summary: 1 to 200 characters on one line.
pub fn check_summary(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("is required".into());
    }
    check_line(value, EVENT_SUMMARY_MAX_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_kinds_in_any_case() {
        assert_eq!(ClientStatus::parse("paid"), Ok(ClientStatus::Paid));
        assert_eq!(ClientStatus::parse(" CLOSED "), Ok(ClientStatus::Closed));
        assert!(ClientStatus::parse("gold").is_err());
        assert_eq!(EventKind::parse("Phone call"), Ok(EventKind::Call));
        assert_eq!(EventKind::parse("in-person meeting"), Ok(EventKind::Meeting));
        assert!(EventKind::parse("Telegram").is_err());
    }

    #[test]
    fn fields() {
        assert_eq!(check_domain("@Acme.Example."), Ok("acme.example".into()));
        for bad in ["acme", "-a.com", "a..com", "a b.com", "*.acme.com", ""] {
            assert!(check_domain(bad).is_err(), "{bad}");
        }
        assert_eq!(check_domains(&["a.com".into(), "A.com".into()]), Ok(vec!["a.com".to_owned()]));
        assert!(check_domains(&vec!["a.com".to_owned(); 21]).is_err());
        assert!(check_website("javascript:alert(1)").is_err());
        assert_eq!(check_website("https://acme.example/it"), Ok("https://acme.example/it".into()));
        assert_eq!(check_website(""), Ok(String::new()));
        assert!(check_client_name(&"x".repeat(101)).is_err());
        assert!(check_client_name("  ").is_err());
        assert!(check_line("a\nb", 10).is_err());
        assert_eq!(check_optional_email(" Ann@Acme.Example "), Ok("ann@acme.example".into()));
        assert!(check_summary("").is_err());
    }
}
