//! A person's own account: changing the password, confirming the email address, and resetting a
//! forgotten password with a mailed single-use link. Every endpoint here shares the sign-in's
//! per-address limit, since each one is a way to guess something.

use actix_web::{post, put, web, HttpRequest, HttpResponse};
use serde_json::json;
use shared::auth::{ConfirmEmail, LoginResponse, Notice, PasswordChange, ResetConfirm, ResetRequest};
use shared::{AccessLevel, ApiErrorBody};

use crate::accounts::rules::{find_user, replace_password};
use crate::accounts::signin::session;
use crate::accounts::tokens::{mail_reset, redeem, Purpose};
use crate::core::audit::{self, AuditEvent};
use crate::core::auth::guards::{Allowed, People};
use crate::core::auth::{find_by_login, level_of, password, sessions, Actor};
use crate::core::db::models::UserRow;
use crate::core::db::{write_tx, AnyConnection};
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::JsonBody;
use crate::core::http::client::client_ip;
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(change_password).service(request_reset).service(confirm_reset).service(confirm_email);
}

fn limit(state: &AppState, req: &HttpRequest) -> ApiResult<Option<String>> {
    let ip = client_ip(req);
    if let Some(ip) = ip {
        state.login_limiter.check(ip)?;
    }
    Ok(ip.map(|ip| ip.to_string()))
}

/// What zxcvbn is told is personal to the user: their password must not be built from it.
fn personal(user: &UserRow) -> Vec<&str> {
    let mut words = vec![user.email.as_str(), user.fullname.as_str()];
    words.extend(user.username.as_deref());
    words.extend(user.email.split('@').next());
    words
}

fn audit_user(conn: &mut AnyConnection, user: &UserRow, ip: Option<&str>, action: &str) -> ApiResult<()> {
    audit::record(
        conn,
        Some(&Actor::User(user.clone())),
        ip,
        AuditEvent { action, target_type: "user", target_id: user.id.to_string(), detail: json!({}) },
    )?;
    Ok(())
}

/// Change your own password. Every session of yours ends (other browsers are signed out); this
/// one continues with a new session in the answer.
#[utoipa::path(
    tag = "auth", request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; a new session (refresh cookie set)", body = LoginResponse),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
        (status = 403, description = "Called with an API key", body = ApiErrorBody),
        (status = 409, description = "The account has no password here (it signs in through the directory)", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody),
        (status = 422, description = "The current password is wrong, or the new one too short or too common", body = ApiErrorBody),
        (status = 429, body = ApiErrorBody),
    ),
    security(("bearer" = ["authorized_user"]))
)]
#[put("/api/users/me/password.json")]
pub async fn change_password(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<People>,
    req: HttpRequest,
    body: JsonBody<PasswordChange>,
) -> ApiResult<HttpResponse> {
    let ip = limit(&state, &req)?;
    let user =
        caller.user().cloned().ok_or_else(|| ApiError::Forbidden("API keys have no password to change".into()))?;
    let PasswordChange { current_password, new_password } = body.0;
    let Some(stored_hash) = user.password_hash.clone() else {
        return Err(ApiError::Conflict("This account has no password here: it signs in through the directory".into()));
    };
    let mut errors = std::collections::BTreeMap::new();
    if !password::verify(&stored_hash, &current_password) {
        errors.insert("current_password".to_owned(), "is not your current password".to_owned());
    } else if let Err(e) = password::check_new(&new_password, &personal(&user)) {
        errors.insert("new_password".to_owned(), e);
    } else if new_password == current_password {
        errors.insert("new_password".to_owned(), "must differ from the current password".to_owned());
    }
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    let hash = password::hash(&new_password)?;
    let ttl_days = state.config.refresh_token_ttl_days;
    let (user, started) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                replace_password(conn, user.id, &hash)?;
                audit_user(conn, &user, ip.as_deref(), "user.password_change")?;
                Ok((user.clone(), sessions::start(conn, user.id, ttl_days)?))
            })
        })
        .await?;
    session(&req, &state, user, started)
}

const RESET_SENT: &str = "If an account uses that name or address, a link to reset its password is on its way.";

/// Ask for a password-reset link by user name or email address. The answer is the same whether
/// or not the account exists, so that it reveals nobody's account.
#[utoipa::path(
    tag = "auth", request_body = ResetRequest,
    responses(
        (status = 202, description = "A link is mailed if the account exists", body = Notice),
        (status = 400, body = ApiErrorBody), (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ApiErrorBody),
    )
)]
#[post("/api/auth/reset.json")]
pub async fn request_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<ResetRequest>,
) -> ApiResult<HttpResponse> {
    let ip = limit(&state, &req)?;
    let login = body.0.login.trim().to_owned();
    if login.is_empty() || login.chars().count() > 254 {
        return Err(ApiError::field("login", "give your user name or email address (at most 254 characters)"));
    }
    let public_url = state.config.public_url.clone();
    let per_hour = state.config.account_mails_per_hour;
    let directory = state.config.ldap.is_some();
    // The work goes on after the answer: it takes the same time whether the account exists.
    let worker = state.clone();
    actix_web::rt::spawn(async move {
        let done = worker
            .db(move |conn| {
                let Some(user) = find_by_login(conn, &login)? else { return Ok(()) };
                // Disabled accounts stay disabled. Customers made from their tickets have no password
                // yet: this is how they get one — unless a directory (LDAP) signs such people in,
                // where a local password would take precedence over the directory's.
                if level_of(&user) == AccessLevel::Disabled || directory && user.password_hash.is_none() {
                    return Ok(());
                }
                write_tx(conn, |conn| {
                    mail_reset(conn, &user, &public_url, per_hour)?;
                    audit_user(conn, &user, ip.as_deref(), "user.reset_requested")
                })
            })
            .await;
        if let Err(e) = done {
            tracing::error!("a password reset request failed: {e}");
        }
    });
    Ok(HttpResponse::Accepted().json(Notice { message: RESET_SENT.into() }))
}

fn bad_token() -> ApiError {
    ApiError::field("token", "is not valid: it was used already, replaced by a newer link, or has expired")
}

/// The user a mailed token is for, using the token up (inside the caller's transaction). Tokens
/// are 48 characters: anything empty or far longer is refused without a lookup.
fn redeem_for_user(conn: &mut AnyConnection, token: &str, purpose: Purpose) -> ApiResult<UserRow> {
    if token.trim().is_empty() || token.len() > 200 {
        return Err(bad_token());
    }
    let user_id = redeem(conn, token, purpose)?.ok_or_else(bad_token)?;
    find_user(conn, user_id)
}

/// Set a new password with the token from a reset mail. The token works once; the account's
/// sessions end, and its email address counts as confirmed (the mail reached it).
#[utoipa::path(
    tag = "auth", request_body = ResetConfirm,
    responses(
        (status = 204, description = "The new password is set; sign in with it"),
        (status = 400, body = ApiErrorBody), (status = 415, body = ApiErrorBody),
        (status = 409, description = "The account signs in through the LDAP directory", body = ApiErrorBody),
        (status = 422, description = "The token is not valid, or the password too short or too common", body = ApiErrorBody),
        (status = 429, body = ApiErrorBody),
    )
)]
#[post("/api/auth/reset/confirm.json")]
pub async fn confirm_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<ResetConfirm>,
) -> ApiResult<HttpResponse> {
    let ip = limit(&state, &req)?;
    let ResetConfirm { token, password: new_password } = body.0;
    let directory = state.config.ldap.is_some();
    let user_id = state
        .db(move |conn| {
            // All in one transaction: a refused password leaves the token unused.
            write_tx(conn, |conn| {
                let user = redeem_for_user(conn, &token, Purpose::Reset)?;
                if directory && user.password_hash.is_none() {
                    return Err(ApiError::Conflict(
                        "This account signs in through the LDAP directory: change its password there".into(),
                    ));
                }
                password::check_new(&new_password, &personal(&user)).map_err(|e| ApiError::field("password", e))?;
                replace_password(conn, user.id, &password::hash(&new_password)?)?;
                crate::accounts::rules::confirm_email(conn, user.id)?;
                audit_user(conn, &user, ip.as_deref(), "user.password_reset")?;
                Ok(user.id)
            })
        })
        .await?;
    // The mailed link proved the owner: failed sign-ins no longer hold the account back.
    state.lockout.clear(user_id);
    Ok(HttpResponse::NoContent().finish())
}

/// Confirm your email address with the token from the confirmation mail; then sign in.
#[utoipa::path(
    tag = "auth", request_body = ConfirmEmail,
    responses(
        (status = 204, description = "Confirmed"),
        (status = 400, body = ApiErrorBody), (status = 415, body = ApiErrorBody),
        (status = 422, description = "The token is not valid", body = ApiErrorBody),
        (status = 429, body = ApiErrorBody),
    )
)]
#[post("/api/auth/confirm.json")]
pub async fn confirm_email(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<ConfirmEmail>,
) -> ApiResult<HttpResponse> {
    let ip = limit(&state, &req)?;
    let token = body.0.token;
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let user = redeem_for_user(conn, &token, Purpose::Confirm)?;
                crate::accounts::rules::confirm_email(conn, user.id)?;
                audit_user(conn, &user, ip.as_deref(), "user.confirm")
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
