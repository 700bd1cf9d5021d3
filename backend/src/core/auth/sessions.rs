//! Sessions: one per sign-in, each a family of refresh tokens. A refresh token is good for one
//! use and is replaced on it (rotation); presenting a used one again means someone kept a copy,
//! so the whole family is revoked. Access tokens name their session (`sid`) and are refused as
//! soon as it is revoked: signing out, a password change or a level change ends them at once.

use diesel::prelude::*;
use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::json;
use sha2::{Digest, Sha256};
use shared::AccessLevel;

use crate::core::audit::{self, AuditEvent};
use crate::core::auth::{level_of, Actor};
use crate::core::db::models::UserRow;
use crate::core::db::schema::{refresh_tokens, sessions, users};
use crate::core::db::AnyConnection;
use crate::core::error::ApiResult;

/// Two tabs refreshing at the same moment both present the same token: the slower one is told
/// to sign in again rather than taken for a thief. Later than this, a used token is a theft.
const REUSE_GRACE_SECS: i64 = 10;

/// Why sessions end, as recorded on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    Logout,
    PasswordChanged,
    LevelChanged,
    Disabled,
    TokenReused,
}

impl EndReason {
    fn as_str(self) -> &'static str {
        match self {
            EndReason::Logout => "logout",
            EndReason::PasswordChanged => "password",
            EndReason::LevelChanged => "level",
            EndReason::Disabled => "disabled",
            EndReason::TokenReused => "reuse",
        }
    }
}

/// Beside the refresh cookie, a cookie the web app can read that says only "a session may be
/// restored" and which app it is for (`desk` or `portal`), so a visitor without one is not sent to
/// the refresh endpoint (and its 401), and a customer who opens a desk address is sent to the
/// portal before the desk is downloaded (core::http::spa). No secret, no authority: same lifetime
/// as the refresh cookie, cleared with it (accounts::signin).
pub const SESSION_MARKER: &str = "oxidesk_session";

/// A session's id and its current refresh token (to set as the cookie).
#[derive(Debug, Clone)]
pub struct Started {
    pub session_id: i64,
    pub refresh: String,
}

/// Tokens are random text; only their SHA-256 is stored.
pub fn random_token() -> String {
    rand::thread_rng().sample_iter(Alphanumeric).take(48).map(char::from).collect()
}

pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Opens a session for the user, with its first refresh token.
pub fn start(conn: &mut AnyConnection, user_id: i64, ttl_days: i64) -> ApiResult<Started> {
    let now = chrono::Utc::now().naive_utc();
    let session_id: i64 = diesel::insert_into(sessions::table)
        .values((sessions::user_id.eq(user_id), sessions::created_at.eq(now)))
        .returning(sessions::id)
        .get_result(conn)?;
    let refresh = issue_refresh(conn, user_id, session_id, ttl_days)?;
    Ok(Started { session_id, refresh })
}

fn issue_refresh(conn: &mut AnyConnection, user_id: i64, session_id: i64, ttl_days: i64) -> ApiResult<String> {
    let token = random_token();
    let now = chrono::Utc::now().naive_utc();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::token_hash.eq(digest(&token)),
            refresh_tokens::expires_at.eq(now + chrono::Duration::days(ttl_days)),
            refresh_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Trades a refresh token for the next one of its session (run inside a write transaction).
/// `None` for anything that is not a live token of a live session of an enabled user; a token
/// used before (past the grace) also revokes its session.
pub fn rotate(
    conn: &mut AnyConnection,
    presented: &str,
    ttl_days: i64,
    ip: Option<&str>,
) -> ApiResult<Option<(UserRow, Started)>> {
    let now = chrono::Utc::now().naive_utc();
    let found: Option<(i64, Option<i64>, Option<chrono::NaiveDateTime>, chrono::NaiveDateTime)> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(digest(presented)))
        .select((
            refresh_tokens::id,
            refresh_tokens::session_id,
            refresh_tokens::revoked_at,
            refresh_tokens::expires_at,
        ))
        .first(conn)
        .optional()?;
    let Some((token_id, Some(session_id), used_at, expires_at)) = found else { return Ok(None) };
    let Some(user) = live_session_user(conn, session_id)? else { return Ok(None) };
    if let Some(used_at) = used_at {
        if now - used_at > chrono::Duration::seconds(REUSE_GRACE_SECS) {
            revoke(conn, session_id, EndReason::TokenReused)?;
            audit::record(
                conn,
                Some(&Actor::User(user.clone())),
                ip,
                AuditEvent {
                    action: "auth.refresh_reuse",
                    target_type: "session",
                    target_id: session_id.to_string(),
                    detail: json!({"user_id": user.id}),
                },
            )?;
        }
        return Ok(None);
    }
    if expires_at <= now || level_of(&user) == AccessLevel::Disabled {
        return Ok(None);
    }
    diesel::update(refresh_tokens::table.find(token_id)).set(refresh_tokens::revoked_at.eq(now)).execute(conn)?;
    let refresh = issue_refresh(conn, user.id, session_id, ttl_days)?;
    Ok(Some((user, Started { session_id, refresh })))
}

/// The user of a session that has not ended.
fn live_session_user(conn: &mut AnyConnection, session_id: i64) -> ApiResult<Option<UserRow>> {
    Ok(users::table
        .inner_join(sessions::table.on(sessions::user_id.eq(users::id)))
        .filter(sessions::id.eq(session_id))
        .filter(sessions::revoked_at.is_null())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// The user an access token speaks for, if its session is live and the user enabled: one
/// indexed join, the same query that loads the user.
pub fn token_user(conn: &mut AnyConnection, user_id: i64, session_id: i64) -> ApiResult<Option<UserRow>> {
    Ok(live_session_user(conn, session_id)?.filter(|u| u.id == user_id && level_of(u) != AccessLevel::Disabled))
}

/// Ends one session (signing out).
pub fn revoke(conn: &mut AnyConnection, session_id: i64, reason: EndReason) -> ApiResult<()> {
    let now = chrono::Utc::now().naive_utc();
    diesel::update(sessions::table.find(session_id).filter(sessions::revoked_at.is_null()))
        .set((sessions::revoked_at.eq(now), sessions::revoked_reason.eq(reason.as_str())))
        .execute(conn)?;
    Ok(())
}

/// Ends every session of the user, on every device.
pub fn revoke_all(conn: &mut AnyConnection, user_id: i64, reason: EndReason) -> ApiResult<usize> {
    let now = chrono::Utc::now().naive_utc();
    Ok(diesel::update(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::revoked_at.is_null()))
        .set((sessions::revoked_at.eq(now), sessions::revoked_reason.eq(reason.as_str())))
        .execute(conn)?)
}

/// The session a refresh token belongs to, live or not (to end it when signing out).
pub fn of_refresh(conn: &mut AnyConnection, presented: &str) -> ApiResult<Option<i64>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(digest(presented)))
        .select(refresh_tokens::session_id)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}
