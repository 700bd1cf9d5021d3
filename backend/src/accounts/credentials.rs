//! A person's user name and password, checked as sign-in checks them, for every way in that takes
//! them (sign-in; the django-helpdesk and NodePoint layers, whose scripts send them with each
//! call): the limit per address, the lockout of an account that failed too often, the LDAP
//! directory or the local hash, and no disabled account. A refusal is audited and counts toward
//! the lockout.

use std::net::IpAddr;

use actix_web::web;
use serde_json::json;
use shared::AccessLevel;

use crate::accounts::directory::{self, Verdict};
use crate::accounts::rules;
use crate::core::audit::{self, AuditEvent};
use crate::core::auth::lockout::Account;
use crate::core::auth::{find_by_login, level_of, password};
use crate::core::db::models::UserRow;
use crate::core::error::{ApiError, ApiResult};
use crate::core::state::AppState;

/// The person these credentials open, counted against the limit per address; or `401` (`429`
/// while the address or the account waits, `503` when the directory does not answer). No name
/// or no password is no attempt: nothing to limit, count or audit.
pub async fn check(state: &AppState, ip: Option<IpAddr>, username: &str, given: String) -> ApiResult<UserRow> {
    if username.trim().is_empty() || given.is_empty() {
        return Err(ApiError::Unauthorized("Wrong user name or password".into()));
    }
    if let Some(ip) = ip {
        state.login_limiter.check(ip)?;
    }
    verify(state, ip, username, given, None).await
}

/// [`check`] without the limit per address, which the sign-in page applies before it reads the
/// form (a form with nothing in it counts there too). `device` is the person the caller's
/// browser signed in as before (its device cookie), whom a lockout lets through.
pub async fn verify(
    state: &AppState,
    ip: Option<IpAddr>,
    username: &str,
    given: String,
    device: Option<i64>,
) -> ApiResult<UserRow> {
    let ip_text = ip.map(|i| i.to_string());
    // An account that failed too often waits for unknown devices (core::auth::lockout), before
    // any password is tried; the device its owner signed in from before is let through.
    let login_text = username.to_owned();
    let local = state.db(move |conn| find_by_login(conn, &login_text)).await?;
    let account = local.as_ref().map_or_else(|| Account::unknown(username), |u| Account::User(u.id));
    let known_device = matches!(account, Account::User(id) if device == Some(id));
    if !known_device {
        if let Some(retry_after) = state.lockout.locked(&account) {
            return Err(ApiError::RateLimited { retry_after });
        }
    }

    // LDAP: `Some` when the directory decides (it may create the user); `None` leaves the local
    // password to decide. See accounts::directory.
    let signed_in = match directory::check_login(state, username, &given, ip_text.clone()).await? {
        Some(Verdict::Bound(id)) => Some(id),
        Some(Verdict::Refused) => None,
        None => {
            // Off the database's threads, one hash per core at a time (core::auth::password).
            let user = local.as_ref().map(|u| (u.id, u.password_hash.clone()));
            web::block(move || match user {
                Some((id, Some(hash))) => password::verify(&hash, &given).then_some(id),
                _ => {
                    password::verify_dummy(&given);
                    None
                }
            })
            .await?
        }
    };
    let username = username.to_owned();
    let user = state
        .db(move |conn| {
            let user = signed_in.map(|id| rules::find_user(conn, id)).transpose()?;
            let user = user.filter(|u| level_of(u) != AccessLevel::Disabled);
            if user.is_none() {
                audit::record(
                    conn,
                    None,
                    ip_text.as_deref(),
                    AuditEvent {
                        action: "auth.login_failed",
                        target_type: "user",
                        target_id: username.chars().take(254).collect(),
                        detail: json!({}),
                    },
                )?;
            }
            Ok(user)
        })
        .await?;
    user.ok_or_else(|| {
        if !known_device {
            state.lockout.failed(account);
        }
        ApiError::Unauthorized("Wrong user name or password".into())
    })
}
