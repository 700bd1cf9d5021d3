//! Mail in and out as the API shows it: the outbox (mail written in the same transaction as the
//! change it reports, then delivered by the mail worker), the administrator's mail settings and
//! templates, and the mail that came in but could not be read (the quarantine).

use serde::{Deserialize, Serialize};

use crate::tickets::lenient;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 12, "kind": "ticket.reply.customer", "recipient": "john@example.com",
    "subject": "[TCK-1042] Printer on fire", "body": "##- Please type your reply above this line -##…",
    "created": "2026-11-24T09:30:00Z", "status": "sent", "sent": "2026-11-24T09:30:02Z", "attempts": 1,
    "next_attempt": null, "last_error": null, "message_id": "<TCK-1042.8f2c41d09a3b7e15@desk.example.com>",
    "ticket": "TCK-1042"
})))]
pub struct OutboxMail {
    pub id: i64,
    /// What it is for: `account.confirm`, `account.reset`, `ticket.created.customer`, …
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    pub created: String,
    /// `pending` (waiting, or waiting to be retried), `sending`, `sent`, `failed` (the server
    /// refused it for good, or every retry failed) or `unsure` (the connection broke after the
    /// message was handed over: it may have arrived, so it is not sent again unless asked).
    pub status: String,
    /// When it left; null while it waits.
    pub sent: Option<String>,
    pub attempts: i32,
    /// When the next attempt is due, for mail waiting to be retried.
    pub next_attempt: Option<String>,
    pub last_error: Option<String>,
    /// Its Message-ID, with the reply token of ticket mail masked (`<TCK-1042.8f2c41d09a3b7e15.…@…>`):
    /// the token lets its recipient answer as themselves.
    pub message_id: Option<String>,
    /// The ticket it is about, if any.
    pub ticket: Option<String>,
}

/// How a mail server connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MailSecurity {
    /// No encryption (a relay on the local network, or a test server).
    None,
    /// Plain connection upgraded with STARTTLS before anything is sent; refused when the server
    /// does not offer it (never a silent downgrade).
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS on 465, IMAPS on 993).
    Tls,
}

impl MailSecurity {
    pub fn as_str(self) -> &'static str {
        match self {
            MailSecurity::None => "none",
            MailSecurity::Starttls => "starttls",
            MailSecurity::Tls => "tls",
        }
    }

    pub fn parse(s: &str) -> Option<MailSecurity> {
        match s {
            "none" => Some(MailSecurity::None),
            "starttls" => Some(MailSecurity::Starttls),
            "tls" => Some(MailSecurity::Tls),
            _ => None,
        }
    }
}

/// Who may open a ticket by writing to the IMAP mailbox (replies to tickets are taken from
/// their people whatever this says). Mail piped by a program is always taken, as in osTicket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MailSenders {
    /// Anyone: an unknown address becomes a customer (osTicket, Zammad and FreeScout do this).
    #[default]
    Anyone,
    /// Only people who have an account; other mail is logged as ignored.
    Known,
    /// People who have an account, and anyone at a client's mail domain (ITFlow's rule): they
    /// become a contact of that client.
    #[serde(rename = "known_and_clients")]
    KnownAndClients,
}

impl MailSenders {
    pub fn as_str(self) -> &'static str {
        match self {
            MailSenders::Anyone => "anyone",
            MailSenders::Known => "known",
            MailSenders::KnownAndClients => "known_and_clients",
        }
    }

    pub fn parse(s: &str) -> Option<MailSenders> {
        match s {
            "anyone" => Some(MailSenders::Anyone),
            "known" => Some(MailSenders::Known),
            "known_and_clients" => Some(MailSenders::KnownAndClients),
            _ => None,
        }
    }
}

/// The mail settings (administrators only: they hold the servers and accounts). Passwords are
/// never shown, only whether one is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "smtp_host": "smtp.example.com", "smtp_port": 587, "smtp_security": "starttls", "smtp_user": "helpdesk",
    "smtp_password_set": true, "from_address": "helpdesk@example.com", "from_name": "ACME IT",
    "imap_enabled": true, "imap_host": "imap.example.com", "imap_port": 993, "imap_security": "tls",
    "imap_user": "helpdesk", "imap_password_set": true, "imap_folder": "INBOX", "imap_processed_folder": "Processed",
    "imap_poll_seconds": 60, "imap_senders": "anyone"
})))]
pub struct MailSettings {
    /// Empty: no mail is sent (it waits in the outbox).
    pub smtp_host: String,
    pub smtp_port: i64,
    pub smtp_security: MailSecurity,
    /// Empty: no authentication.
    pub smtp_user: String,
    pub smtp_password_set: bool,
    /// The sender of every mail, and the address customers reply to.
    pub from_address: String,
    pub from_name: String,
    /// Fetch mail from the IMAP mailbox and turn it into tickets and replies.
    pub imap_enabled: bool,
    pub imap_host: String,
    pub imap_port: i64,
    pub imap_security: MailSecurity,
    pub imap_user: String,
    pub imap_password_set: bool,
    pub imap_folder: String,
    /// Where handled mail is moved; empty: it stays in the folder, marked as read.
    pub imap_processed_folder: String,
    pub imap_poll_seconds: i64,
    /// Who may open tickets by mail to the mailbox.
    pub imap_senders: MailSenders,
}

/// Body of `PUT /api/mail/settings.json`: absent fields keep their value. A password of `""`
/// removes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "smtp_host": "smtp.example.com", "smtp_port": 587, "smtp_security": "starttls",
    "smtp_user": "helpdesk", "smtp_password": "app password", "from_address": "helpdesk@example.com"
})))]
pub struct MailSettingsUpdate {
    #[serde(default)]
    pub smtp_host: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 65535))]
    pub smtp_port: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "starttls"))]
    pub smtp_security: Option<String>,
    #[serde(default)]
    pub smtp_user: Option<String>,
    #[serde(default)]
    pub smtp_password: Option<String>,
    #[serde(default)]
    pub from_address: Option<String>,
    #[serde(default)]
    pub from_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub imap_enabled: Option<bool>,
    #[serde(default)]
    pub imap_host: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 65535))]
    pub imap_port: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "tls"))]
    pub imap_security: Option<String>,
    #[serde(default)]
    pub imap_user: Option<String>,
    #[serde(default)]
    pub imap_password: Option<String>,
    #[serde(default)]
    pub imap_folder: Option<String>,
    #[serde(default)]
    pub imap_processed_folder: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 10, maximum = 3600))]
    pub imap_poll_seconds: Option<i64>,
    /// `anyone`, `known` or `known_and_clients`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "known"))]
    pub imap_senders: Option<String>,
}

pub const POLL_SECONDS: std::ops::RangeInclusive<i64> = 10..=3600;
pub const MAIL_FIELD_MAX_CHARS: usize = 255;

/// A host name or IP address as an administrator types it: letters, digits, dots, dashes,
/// underscores and colons (IPv6), nothing else.
pub fn check_host(host: &str) -> Result<(), String> {
    if host.len() > MAIL_FIELD_MAX_CHARS {
        return Err(format!("must be at most {MAIL_FIELD_MAX_CHARS} characters"));
    }
    if !host.chars().all(|c| c.is_ascii_alphanumeric() || ".-_:[]".contains(c)) {
        return Err("must be a host name or an IP address".into());
    }
    Ok(())
}

/// Body of `POST /api/mail/test.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"to": "me@example.com"})))]
pub struct MailTestRequest {
    /// Where the test mail goes; the caller's own address when absent.
    #[serde(default)]
    pub to: Option<String>,
}

/// What a "send test mail" or "test IMAP connection" found. A server that cannot be reached is a
/// finding, not a failed request: `ok` is false and `detail` says what went wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"ok": true, "detail": "INBOX: 3 messages, 1 unread"})))]
pub struct MailCheck {
    pub ok: bool,
    pub detail: String,
}

/// A mail template: what one kind of notification says. Bodies are MiniJinja templates
/// (`{{ ticket.number }}`, `{% if message %}…{% endif %}`); values are HTML-escaped in the HTML body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "kind": "ticket.reply.customer", "description": "An agent answered: to the customer",
    "subject": "Re: {{ ticket.subject }}", "body_text": "{{ message.text }}", "body_html": "{{ message.html }}",
    "customized": false, "placeholders": ["site.name", "ticket.number", "message.text"]
})))]
pub struct MailTemplate {
    pub kind: String,
    pub description: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// false: the built-in text.
    pub customized: bool,
    /// The values the template may use.
    pub placeholders: Vec<String>,
}

/// Body of `PUT /api/mail/templates.json/{kind}` and of the preview.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "subject": "We got your request: {{ ticket.subject }}",
    "body_text": "Hello {{ recipient.name }},\n\n{{ message.text }}", "body_html": "<p>Hello {{ recipient.name }},</p>{{ message.html }}"
})))]
pub struct MailTemplateInput {
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body_text: String,
    #[serde(default)]
    pub body_html: String,
}

/// A template rendered with example values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "subject": "[TCK-1042] We got your request: Printer on fire", "body_text": "Hello Jane Customer, …",
    "body_html": "<p>Hello Jane Customer,</p>…"
})))]
pub struct MailPreview {
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
}

pub const TEMPLATE_MAX_CHARS: usize = 20_000;
/// The most one rendered body of a template may hold, in bytes: room for the largest message
/// (1 MiB of text, more as HTML) quoted a few times, not for a loop over it.
pub const TEMPLATE_OUTPUT_MAX_BYTES: usize = 4 * 1024 * 1024;

/// A mail that came in: kept aside when it could not be read (the quarantine).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 3, "message_id": "sha256-9f2c…@missing.oxidesk", "source": "imap", "received": "2026-11-24T09:30:00Z",
    "outcome": "quarantined", "sender": "", "subject": "", "reason": "the mail has no sender address", "size": 5120, "ticket": null
})))]
pub struct InboundMail {
    pub id: i64,
    pub message_id: String,
    /// `imap` or `pipe`.
    pub source: String,
    pub received: String,
    /// `ticket`, `reply`, `auto` (an auto-reply or bulk mail: nothing done), `ignored` (an unknown
    /// sender) or `quarantined`.
    pub outcome: String,
    pub sender: String,
    pub subject: String,
    pub reason: Option<String>,
    /// Bytes of the kept message (quarantined mail only).
    pub size: Option<i64>,
    pub ticket: Option<String>,
}

/// What `POST /api/tickets.email` did with a mail (when the client accepts JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"outcome": "ticket", "ticket": "TCK-1042", "duplicate": false})))]
pub struct PipedMail {
    /// `ticket`, `reply`, `auto`, `ignored` or `quarantined`.
    pub outcome: String,
    pub ticket: Option<String>,
    /// The same mail came before: nothing changed now.
    pub duplicate: bool,
}
