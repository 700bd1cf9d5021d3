//! Sign-in for people: a short-lived JWT in the answer, a refresh token in an HttpOnly cookie
//! (stored hashed, rotated on every use).

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use shared::auth::{LoginRequest, LoginResponse};
use shared::users::{ProfileUpdate, User};
use shared::ApiErrorBody;

use super::users::user_view;
use crate::accounts::tokens::mail_confirmation;
use crate::accounts::{credentials, rules};
use crate::core::auth::sessions::{self, EndReason, Started};
use crate::core::auth::{bearer_token, Caller};
use crate::core::db::models::UserRow;
use crate::core::db::write_tx;
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::JsonBody;
use crate::core::http::client::{client_ip, is_https};
use crate::core::http::ServiceConfig;
use crate::core::settings::Stored;
use crate::core::state::AppState;

pub const REFRESH_COOKIE: &str = "oxidesk_refresh";
pub const DEVICE_COOKIE: &str = "oxidesk_device";
const DEVICE_DAYS: i64 = 365;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout).service(me).service(update_me);
}

fn refresh_cookie<'a>(req: &HttpRequest, value: String, max_age_days: i64) -> Cookie<'a> {
    Cookie::build(REFRESH_COOKIE, value)
        .path("/api/auth")
        .http_only(true)
        .same_site(SameSite::Strict)
        // Browsers drop Secure cookies on plain http (except on localhost in some): set it
        // whenever the request came over TLS.
        .secure(is_https(req))
        .max_age(CookieDuration::days(max_age_days))
        .finish()
}

/// The device cookie (`core::auth::lockout`): this browser signed in as this person before. Only
/// sign-ins read it; it outlives sign-outs, so a locked account still lets its owner in here.
fn device_cookie<'a>(req: &HttpRequest, value: String) -> Cookie<'a> {
    Cookie::build(DEVICE_COOKIE, value)
        .path("/api/auth/login.json")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(is_https(req))
        .max_age(CookieDuration::days(DEVICE_DAYS))
        .finish()
}

/// The session marker (core::auth::sessions::SESSION_MARKER), beside the refresh cookie.
fn session_marker<'a>(req: &HttpRequest, app: &'static str, max_age_days: i64) -> Cookie<'a> {
    Cookie::build(sessions::SESSION_MARKER, app)
        .path("/")
        .same_site(SameSite::Strict)
        .secure(is_https(req))
        .max_age(CookieDuration::days(max_age_days))
        .finish()
}

/// The answer to a sign-in: an access token for the session and its refresh cookie.
pub(crate) fn session(req: &HttpRequest, state: &AppState, user: UserRow, started: Started) -> ApiResult<HttpResponse> {
    let ttl = state.config.access_token_ttl_secs;
    let access_token =
        state.jwt.issue(user.id, started.session_id, ttl).map_err(|e| ApiError::Internal(format!("jwt: {e}")))?;
    let view = user_view(&user);
    Ok(HttpResponse::Ok()
        .cookie(refresh_cookie(req, started.refresh, state.config.refresh_token_ttl_days))
        .cookie(session_marker(
            req,
            if view.level.is_staff() { "desk" } else { "portal" },
            state.config.refresh_token_ttl_days,
        ))
        .json(LoginResponse { access_token, token_type: "Bearer".into(), expires_in: ttl, user: view }))
}

/// How a sign-in with the right password ends.
#[allow(clippy::large_enum_variant)] // one per sign-in, returned at once
enum SignIn {
    Started(UserRow, Started),
    /// A registered account whose address is not confirmed yet: a new link was mailed.
    Unconfirmed,
}

/// Sign in with a user name (or email) and password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; a refresh cookie is set", body = LoginResponse),
        (status = 400, body = ApiErrorBody),
        (status = 401, description = "Wrong user name or password", body = ApiErrorBody),
        (status = 403, description = "The email address is not confirmed yet (a new link was mailed)", body = ApiErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ApiErrorBody),
        (status = 503, description = "The LDAP directory that checks passwords does not answer", body = ApiErrorBody),
    )
)]
#[post("/api/auth/login.json")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let ip = client_ip(&req);
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
    let public_url = state.config.public_url.clone();
    let device = req.cookie(DEVICE_COOKIE).and_then(|c| state.jwt.device_user(c.value()));
    let user = credentials::verify(&state, ip, &username, given, device).await?;
    let outcome = state
        .db(move |conn| {
            let stored = Stored::read(conn)?;
            if user.email_confirmed_at.is_none() && stored.flag(&crate::core::settings::CONFIRM_REGISTRATIONS) {
                return write_tx(conn, |conn| {
                    mail_confirmation(conn, &user, &public_url)?;
                    Ok(SignIn::Unconfirmed)
                });
            }
            let mut user = user;
            write_tx(conn, |conn| {
                rules::record_login(conn, &mut user, ip_text.as_deref())?;
                let started = sessions::start(conn, user.id, ttl_days)?;
                Ok(SignIn::Started(user, started))
            })
        })
        .await?;
    match outcome {
        SignIn::Started(user, started) => {
            let device =
                state.jwt.issue_device(user.id, DEVICE_DAYS).map_err(|e| ApiError::Internal(format!("jwt: {e}")))?;
            let mut answer = session(&req, &state, user, started)?;
            answer.add_cookie(&device_cookie(&req, device)).map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(answer)
        }
        SignIn::Unconfirmed => {
            Err(ApiError::Forbidden("Confirm your email address first: we have mailed you a new link".into()))
        }
    }
}

/// Trade the refresh cookie for a new access token (and a new refresh cookie).
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "No valid refresh cookie", body = ApiErrorBody),
    ),
    security(("refresh_cookie" = []))
)]
#[post("/api/auth/refresh.json")]
pub async fn refresh(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let token = req
        .cookie(REFRESH_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::Unauthorized("Not signed in".into()))?;
    let ttl_days = state.config.refresh_token_ttl_days;
    let ip = client_ip(&req).map(|ip| ip.to_string());
    let outcome =
        state.db(move |conn| write_tx(conn, |conn| sessions::rotate(conn, &token, ttl_days, ip.as_deref()))).await?;
    match outcome {
        Some((user, started)) => session(&req, &state, user, started),
        None => Err(ApiError::Unauthorized("Not signed in".into())),
    }
}

/// Sign out: the session the refresh cookie or the `Authorization: Bearer` token names ends (its
/// refresh tokens and access tokens stop working) and the cookies are cleared. Without either it
/// only clears the cookies.
#[utoipa::path(tag = "auth", responses((status = 204, description = "Signed out")))]
#[post("/api/auth/logout.json")]
pub async fn logout(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    // The session ends whichever credential names it: the refresh cookie (the web app) or the
    // access token alone (a script), so a token copied before signing out stops working too.
    let cookie = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned());
    let by_token = bearer_token(&req).and_then(|token| state.jwt.verify(&token)).map(|(_, session)| session);
    if cookie.is_some() || by_token.is_some() {
        state
            .db(move |conn| {
                let by_cookie = match cookie {
                    Some(token) => sessions::of_refresh(conn, &token)?,
                    None => None,
                };
                for id in by_cookie.into_iter().chain(by_token) {
                    sessions::revoke(conn, id, EndReason::Logout)?;
                }
                Ok(())
            })
            .await?;
    }
    let mut gone = refresh_cookie(&req, String::new(), 0);
    gone.make_removal();
    let mut marker = session_marker(&req, "", 0);
    marker.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).cookie(marker).finish())
}

/// The signed-in user.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, body = User), (status = 401, body = ApiErrorBody),
              (status = 404, description = "Called with an API key, which is no user", body = ApiErrorBody)),
    security(("bearer" = ["authorized_user"]))
)]
#[get("/api/users/me.json")]
pub async fn me(caller: Caller) -> ApiResult<HttpResponse> {
    let user = caller.user().ok_or(ApiError::NotFound("user"))?;
    Ok(HttpResponse::Ok().json(user_view(user)))
}

/// Change one's own account: whether ticket mail comes (account mail always does), and one's
/// signature.
#[utoipa::path(
    tag = "auth", request_body = ProfileUpdate,
    responses(
        (status = 200, body = User),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
        (status = 404, description = "Called with an API key, which is no user", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("bearer" = ["authorized_user"]))
)]
#[put("/api/users/me.json")]
pub async fn update_me(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<ProfileUpdate>,
) -> ApiResult<HttpResponse> {
    let user = caller.user().ok_or(ApiError::NotFound("user"))?.clone();
    let ip = caller.ip.map(|i| i.to_string());
    let update = body.0;
    if update.email_notifications.is_none() && update.signature.is_none() {
        return Ok(HttpResponse::Ok().json(user_view(&user)));
    }
    let updated =
        state.db(move |conn| write_tx(conn, |conn| rules::update_profile(conn, &user, &update, ip.as_deref()))).await?;
    Ok(HttpResponse::Ok().json(user_view(&updated)))
}
