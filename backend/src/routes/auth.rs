//! Sign-in for people: a short-lived JWT in the answer, a refresh token in an HttpOnly cookie
//! (stored hashed, rotated on every use).

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::json;
use sha2::{Digest, Sha256};
use shared::auth::{LoginRequest, LoginResponse};
use shared::users::User;
use shared::ApiErrorBody;

use super::body::JsonBody;
use super::users::user_view;
use crate::audit::{self, AuditEvent};
use crate::auth::{find_by_login, ldap, level_of, password, Actor, Caller};
use crate::db::models::UserRow;
use crate::db::schema::{refresh_tokens, users};
use crate::db::{write_tx, AnyConnection};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use shared::AccessLevel;

const REFRESH_COOKIE: &str = "oxidesk_refresh";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/api/auth/login.json").route(web::post().to(login)))
        .service(super::resource("/api/auth/refresh.json").route(web::post().to(refresh)))
        .service(super::resource("/api/auth/logout.json").route(web::post().to(logout)))
        .service(super::resource("/api/users/me.json").route(web::get().to(me)));
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn refresh_cookie<'a>(req: &HttpRequest, value: String, max_age_days: i64) -> Cookie<'a> {
    Cookie::build(REFRESH_COOKIE, value)
        .path("/api/auth")
        .http_only(true)
        .same_site(SameSite::Strict)
        // Browsers drop Secure cookies on plain http (except on localhost in some): set it
        // whenever the request came over TLS.
        .secure(req.connection_info().scheme() == "https")
        .max_age(CookieDuration::days(max_age_days))
        .finish()
}

/// A new refresh token for the user, stored hashed.
pub(crate) fn issue_refresh(conn: &mut AnyConnection, user_id: i64, ttl_days: i64) -> ApiResult<String> {
    let token: String = rand::thread_rng().sample_iter(Alphanumeric).take(48).map(char::from).collect();
    let now = chrono::Utc::now().naive_utc();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::token_hash.eq(hash_token(&token)),
            refresh_tokens::expires_at.eq(now + chrono::Duration::days(ttl_days)),
            refresh_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(token)
}

pub(crate) fn session(req: &HttpRequest, state: &AppState, user: UserRow, refresh: String) -> ApiResult<HttpResponse> {
    let ttl = state.config.access_token_ttl_secs;
    let access_token = state
        .jwt
        .issue(user.id, ttl)
        .map_err(|e| ApiError::Internal(format!("jwt: {e}")))?;
    Ok(HttpResponse::Ok()
        .cookie(refresh_cookie(req, refresh, state.config.refresh_token_ttl_days))
        .json(LoginResponse { access_token, token_type: "Bearer".into(), expires_in: ttl, user: user_view(&user) }))
}

/// Sign in with a user name (or email) and password.
#[utoipa::path(
    post, path = "/api/auth/login.json", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; a refresh cookie is set", body = LoginResponse),
        (status = 400, body = ApiErrorBody),
        (status = 401, description = "Wrong user name or password", body = ApiErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ApiErrorBody),
        (status = 503, description = "The LDAP directory that checks passwords does not answer", body = ApiErrorBody),
    )
)]
pub async fn login(state: web::Data<AppState>, req: HttpRequest, body: JsonBody<LoginRequest>) -> ApiResult<HttpResponse> {
    let ip = req.peer_addr().map(|a| a.ip());
    if let Some(ip) = ip {
        state.login_limiter.check(ip)?;
    }
    let LoginRequest { username, password: given } = body.0;
    if username.trim().is_empty() || given.is_empty() {
        return Err(ApiError::InvalidFields(
            [("username", "is required"), ("password", "is required")]
                .into_iter()
                .filter(|(f, _)| if *f == "username" { username.trim().is_empty() } else { given.is_empty() })
                .map(|(f, m)| (f.to_owned(), m.to_owned()))
                .collect(),
        ));
    }
    let ttl_days = state.config.refresh_token_ttl_days;
    let ip_text = ip.map(|i| i.to_string());
    // LDAP: `Some` when the directory decides (it may create the user); `None` leaves the local
    // password check below as it is. See auth::ldap.
    let directory = ldap::check_login(&state, &username, &given, ip_text.clone()).await?;
    let outcome = state
        .db(move |conn| {
            let user = find_by_login(conn, &username)?;
            let ok = match (directory, user.as_ref().and_then(|u| u.password_hash.as_deref())) {
                (Some(verdict), _) => verdict.accepts(user.as_ref()),
                (None, Some(hash)) => password::verify(hash, &given),
                (None, None) => {
                    password::verify_dummy(&given);
                    false
                }
            };
            match user {
                Some(mut user) if ok && level_of(&user) != AccessLevel::Disabled => write_tx(conn, |conn| {
                    let now = chrono::Utc::now().naive_utc();
                    diesel::update(users::table.find(user.id)).set(users::last_login_at.eq(now)).execute(conn)?;
                    user.last_login_at = Some(now);
                    audit::record(conn, Some(&Actor::User(user.clone())), ip_text.as_deref(), AuditEvent {
                        action: "auth.login", target_type: "user", target_id: user.id.to_string(), detail: json!({}),
                    })?;
                    let refresh = issue_refresh(conn, user.id, ttl_days)?;
                    Ok(Some((user, refresh)))
                }),
                _ => {
                    audit::record(conn, None, ip_text.as_deref(), AuditEvent {
                        action: "auth.login_failed", target_type: "user", target_id: username.chars().take(254).collect(), detail: json!({}),
                    })?;
                    Ok(None)
                }
            }
        })
        .await?;
    match outcome {
        Some((user, refresh)) => session(&req, &state, user, refresh),
        None => Err(ApiError::Unauthorized("Wrong user name or password".into())),
    }
}

/// Trade the refresh cookie for a new access token (and a new refresh cookie).
#[utoipa::path(
    post, path = "/api/auth/refresh.json", tag = "auth",
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "No valid refresh cookie", body = ApiErrorBody),
    )
)]
pub async fn refresh(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let token = req
        .cookie(REFRESH_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::Unauthorized("Not signed in".into()))?;
    let ttl_days = state.config.refresh_token_ttl_days;
    let outcome = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                let found: Option<(i64, i64)> = refresh_tokens::table
                    .filter(refresh_tokens::token_hash.eq(hash_token(&token)))
                    .filter(refresh_tokens::revoked_at.is_null())
                    .filter(refresh_tokens::expires_at.gt(now))
                    .select((refresh_tokens::id, refresh_tokens::user_id))
                    .first(conn)
                    .optional()?;
                let Some((token_id, user_id)) = found else { return Ok(None) };
                diesel::update(refresh_tokens::table.find(token_id)).set(refresh_tokens::revoked_at.eq(now)).execute(conn)?;
                let user: Option<UserRow> = users::table.find(user_id).select(UserRow::as_select()).first(conn).optional()?;
                match user.filter(|u| level_of(u) != AccessLevel::Disabled) {
                    Some(user) => Ok(Some((user, issue_refresh(conn, user_id, ttl_days)?))),
                    None => Ok(None),
                }
            })
        })
        .await?;
    match outcome {
        Some((user, refresh)) => session(&req, &state, user, refresh),
        None => Err(ApiError::Unauthorized("Not signed in".into())),
    }
}

/// Sign out: the refresh token is revoked and its cookie cleared.
#[utoipa::path(post, path = "/api/auth/logout.json", tag = "auth", responses((status = 204, description = "Signed out")))]
pub async fn logout(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    if let Some(token) = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()) {
        state
            .db(move |conn| {
                let now = chrono::Utc::now().naive_utc();
                diesel::update(refresh_tokens::table.filter(refresh_tokens::token_hash.eq(hash_token(&token))))
                    .set(refresh_tokens::revoked_at.eq(now))
                    .execute(conn)?;
                Ok(())
            })
            .await?;
    }
    let mut gone = refresh_cookie(&req, String::new(), 0);
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// The signed-in user.
#[utoipa::path(
    get, path = "/api/users/me.json", tag = "auth",
    responses((status = 200, body = User), (status = 401, body = ApiErrorBody),
              (status = 404, description = "Called with an API key, which is no user", body = ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn me(caller: Caller) -> ApiResult<HttpResponse> {
    let user = caller.user().ok_or(ApiError::NotFound("user"))?;
    Ok(HttpResponse::Ok().json(user_view(user)))
}
