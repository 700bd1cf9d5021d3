//! Accounts: creating users, shared by the API, the command line and tickets that arrive from
//! new customers.

use diesel::prelude::*;
use serde_json::json;
use shared::validate::{Email, PersonName, Username};
use shared::AccessLevel;

use crate::audit::{self, AuditEvent};
use crate::auth::{find_by_login, Actor};
use crate::db::models::{NewUser, UserRow};
use crate::db::schema::users;
use crate::db::AnyConnection;
use crate::error::{ApiError, ApiResult};

pub struct NewUserInput<'a> {
    pub username: Option<&'a Username>,
    pub email: &'a Email,
    pub name: &'a PersonName,
    pub phone: &'a str,
    pub level: AccessLevel,
    pub password_hash: Option<&'a str>,
    pub notes: &'a str,
    pub timezone: Option<&'a str>,
}

/// Inserts a user whose email and user name are free (422 otherwise), with an audit row.
pub fn insert_user(conn: &mut AnyConnection, actor: Option<&Actor>, input: NewUserInput<'_>, ip: Option<&str>) -> ApiResult<UserRow> {
    if find_by_login(conn, input.email.as_str())?.is_some() {
        return Err(ApiError::field("email", "is already in use"));
    }
    if let Some(u) = input.username {
        if find_by_login(conn, u.as_str())?.is_some() {
            return Err(ApiError::field("username", "is already in use"));
        }
    }
    let now = chrono::Utc::now().naive_utc();
    let (firstname, lastname) = input.name.split();
    let id: i64 = diesel::insert_into(users::table)
        .values(NewUser {
            username: input.username.map(Username::as_str),
            email: input.email.as_str(),
            fullname: input.name.as_str(),
            firstname: &firstname,
            lastname: &lastname,
            phone: input.phone,
            level: input.level.into(),
            password_hash: input.password_hash,
            notes: input.notes,
            timezone: input.timezone,
            created_at: now,
            updated_at: now,
        })
        .returning(users::id)
        .get_result(conn)?;
    audit::record(conn, actor, ip, AuditEvent {
        action: "user.create",
        target_type: "user",
        target_id: id.to_string(),
        detail: json!({"level": i16::from(input.level), "email": input.email.as_str()}),
    })?;
    Ok(users::table.find(id).select(UserRow::as_select()).first(conn)?)
}
