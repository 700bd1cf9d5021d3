//! Rows as stored. The API never serialises these directly: `tickets::view` and the routes turn
//! them into the DTOs of the `shared` crate, so the schema can change without breaking clients.
//! Rows mirror their tables whole, so some fields are not read by every build.
#![allow(dead_code)]

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: Option<String>,
    pub email: String,
    pub fullname: String,
    pub firstname: String,
    pub lastname: String,
    pub phone: String,
    pub level: i16,
    pub password_hash: Option<String>,
    pub notes: String,
    pub timezone: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
    pub email_confirmed_at: Option<NaiveDateTime>,
    pub email_notifications: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: Option<&'a str>,
    pub email: &'a str,
    pub fullname: &'a str,
    pub firstname: &'a str,
    pub lastname: &'a str,
    pub phone: &'a str,
    pub level: i16,
    pub password_hash: Option<&'a str>,
    pub notes: &'a str,
    pub timezone: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub email_confirmed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub scopes: String,
    pub allow_ip: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tickets)]
pub struct TicketRow {
    pub id: i64,
    pub number: String,
    pub subject: String,
    pub user_id: i64,
    pub status_id: i64,
    pub priority_id: i64,
    pub queue_id: i64,
    pub topic_id: Option<i64>,
    pub source: String,
    pub resolution: Option<String>,
    pub due_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub last_message_at: Option<NaiveDateTime>,
    pub last_response_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub time_spent: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = tickets)]
pub struct NewTicket<'a> {
    pub number: &'a str,
    pub subject: &'a str,
    pub user_id: i64,
    pub status_id: i64,
    pub priority_id: i64,
    pub queue_id: i64,
    pub topic_id: Option<i64>,
    pub source: &'a str,
    pub due_at: Option<NaiveDateTime>,
    pub last_message_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = thread_entries)]
pub struct EntryRow {
    pub id: i64,
    pub ticket_id: i64,
    pub entry_type: String,
    pub user_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub poster: String,
    pub source: String,
    pub title: Option<String>,
    pub body: String,
    pub format: String,
    pub created_at: NaiveDateTime,
    pub updated_at: Option<NaiveDateTime>,
    pub message_id: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = thread_entries)]
pub struct NewEntry<'a> {
    pub ticket_id: i64,
    pub entry_type: &'a str,
    pub user_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub poster: &'a str,
    pub source: &'a str,
    pub title: Option<&'a str>,
    pub body: &'a str,
    pub format: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: i64,
    pub entry_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = statuses)]
pub struct StatusRow {
    pub id: i64,
    pub name: String,
    pub state: String,
    pub sort: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = priorities)]
pub struct PriorityRow {
    pub id: i64,
    pub name: String,
    pub sort: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = queues)]
pub struct QueueRow {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = help_topics)]
pub struct TopicRow {
    pub id: i64,
    pub name: String,
    pub queue_id: i64,
    pub active: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAudit<'a> {
    pub actor_user_id: Option<i64>,
    pub actor_key_id: Option<i64>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub detail: &'a str,
    pub ip: Option<&'a str>,
    pub created_at: NaiveDateTime,
}
