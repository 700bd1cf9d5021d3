//! The rows of the core's own tables (people, API keys, the audit log), as stored. The API never
//! serialises rows directly: each feature's view turns them into the DTOs of the `shared` crate, so
//! the schema can change without breaking clients. A feature's own rows live in its folder
//! (`tickets/rows.rs`, `catalog/rows.rs`). Rows mirror their tables whole, so some fields are not read
//! by every build.
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
    /// Plain text added below the person's responses when they choose.
    pub signature: String,
    /// The language they read, a BCP 47 tag (`de`, `pt-BR`), where known.
    pub language: Option<String>,
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
    pub language: Option<&'a str>,
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
