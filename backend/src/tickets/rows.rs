//! Tickets, their thread entries and attachments as stored (tickets::view turns them into DTOs).
//! Rows mirror their tables whole, so some fields are not read by every build.
#![allow(dead_code)]

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::core::db::schema::*;

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
    /// Filed for an address its account has not proven: its customer does not see it yet.
    pub held: bool,
    pub client_id: Option<i64>,
    pub contact_id: Option<i64>,
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
    pub held: bool,
    pub client_id: Option<i64>,
    pub contact_id: Option<i64>,
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
    /// Why the sender of this mail is not verified (`mail::trust`).
    pub unverified: Option<String>,
    /// Where a response was blind-copied (`tickets::cc`).
    pub bcc: Option<String>,
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
    pub content_id: Option<String>,
}
