//! First run, settings and registration: `/api/setup.json`, `/api/settings.json`,
//! `/api/auth/register.json`.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use shared::auth::{LoginResponse, RegisterRequest, Registered};
use shared::settings::{Settings, SettingsUpdate, SetupRequest};
use shared::ApiErrorBody;

use crate::accounts::signin::session;
use crate::core::auth::guards::Admin;
use crate::core::db::write_tx;
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::JsonBody;
use crate::core::http::client::client_ip;
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;
use crate::setup::{rules, settings};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(setup).service(get_settings).service(update_settings).service(register);
}

/// The settings as a browser should see them: the upload limit is the one in force.
fn effective(state: &AppState, mut s: Settings) -> Settings {
    s.max_upload_bytes = s.max_upload_bytes.min(i64::try_from(state.config.max_attachment_bytes).unwrap_or(i64::MAX));
    s
}

/// The desk's public settings: what the sign-in page and every screen need. No credentials needed.
#[utoipa::path(
    tag = "settings",
    responses((status = 200, body = Settings))
)]
#[get("/api/settings.json")]
pub async fn get_settings(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let s = state.db(settings::load).await?;
    Ok(HttpResponse::Ok().json(effective(&state, s)))
}

/// Change settings (administrators). Absent fields keep their value; every field is checked
/// before any is written.
#[utoipa::path(
    tag = "settings", request_body = SettingsUpdate,
    responses(
        (status = 200, description = "The settings now in force", body = Settings),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an administrator", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[put("/api/settings.json")]
pub async fn update_settings(
    state: web::Data<AppState>,
    admin: Admin,
    body: JsonBody<SettingsUpdate>,
) -> ApiResult<HttpResponse> {
    let values = settings::check(&body.0, ceiling(&state))?;
    let s = state
        .db(move |conn| {
            write_tx(conn, |conn| crate::core::settings::store(conn, &admin.actor, admin.ip.as_deref(), &values))?;
            settings::load(conn)
        })
        .await?;
    Ok(HttpResponse::Ok().json(effective(&state, s)))
}

fn ceiling(state: &AppState) -> i64 {
    i64::try_from(state.config.max_attachment_bytes).unwrap_or(i64::MAX)
}

fn created(mut response: HttpResponse) -> HttpResponse {
    *response.status_mut() = StatusCode::CREATED;
    response
}

/// First run: create the administrator and the basic settings, and sign the administrator in.
/// Refused once an administrator exists.
#[utoipa::path(
    tag = "settings", request_body = SetupRequest,
    responses(
        (status = 201, description = "Set up; the administrator is signed in (a refresh cookie is set)", body = LoginResponse),
        (status = 400, body = ApiErrorBody),
        (status = 409, description = "Already set up", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    )
)]
#[post("/api/setup.json")]
pub async fn setup(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<SetupRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    if state.db(settings::admin_exists).await? {
        return Err(rules::already_set_up());
    }
    // Both checked before anything is written, and reported together.
    let signup = rules::check_signup(&body.username, &body.name, &body.email, &body.password);
    let values = settings::check(&body.settings, ceiling(&state));
    let (signup, values) = match (signup, values) {
        (Ok(s), Ok(v)) => (s, v),
        (s, v) => {
            let mut fields = std::collections::BTreeMap::new();
            for result in [s.err(), v.err()].into_iter().flatten() {
                match result {
                    ApiError::InvalidFields(f) => fields.extend(f),
                    other => return Err(other),
                }
            }
            return Err(ApiError::InvalidFields(fields));
        }
    };
    let ip = client_ip(&req).map(|ip| ip.to_string());
    let refresh_days = state.config.refresh_token_ttl_days;
    let (user, started) = state
        .db(move |conn| write_tx(conn, |conn| rules::first_run(conn, &signup, &values, ip.as_deref(), refresh_days)))
        .await?;
    Ok(created(session(&req, &state, user, started)?))
}

/// Create your own account (when the settings allow registrations), at the settings' level for
/// new users. When registrations are confirmed (the default), a link is mailed and the account
/// signs in once it is opened; otherwise it is signed in at once. A taken address or user name is
/// not said in the answer when the answer is "see your mail": the address is mailed instead (its
/// owner, how to sign in or set a password; otherwise, that the registration was refused).
#[utoipa::path(
    tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and signed in (a refresh cookie is set)", body = LoginResponse),
        (status = 202, description = "Registration received: the address is mailed a confirmation link, or, when it or the user name is taken, why (the answer is the same; registrations that sign in at once answer 422 instead)", body = Registered),
        (status = 400, body = ApiErrorBody),
        (status = 403, description = "Registrations are closed (always with LDAP sign-in)", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody),
        (status = 422, description = "Invalid fields or a common password; when registrations sign in at once, also a user name or address in use (without saying which)", body = ApiErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ApiErrorBody),
    )
)]
#[post("/api/auth/register.json")]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let peer = client_ip(&req);
    if let Some(ip) = peer {
        state.login_limiter.check(ip)?;
    }
    // With LDAP, accounts come from the directory: a local one registered under a directory
    // user's name would take their name (local passwords come first, see accounts::directory).
    if state.config.ldap.is_some() {
        return Err(ApiError::Forbidden(
            "Accounts come from the LDAP directory: sign in with your directory user name and password".into(),
        ));
    }
    let stored = state.db(crate::core::settings::Stored::read).await?;
    if !stored.flag(&crate::core::settings::ALLOW_REGISTRATIONS) {
        return Err(ApiError::Forbidden("Registrations are closed; ask the help desk for an account".into()));
    }
    let b = body.0;
    let signup = rules::check_signup(&b.username, &b.name, &b.email, &b.password)?;
    let ip = peer.map(|ip| ip.to_string());
    let refresh_days = state.config.refresh_token_ttl_days;
    let public_url = state.config.public_url.clone();
    let confirm = stored.flag(&crate::core::settings::CONFIRM_REGISTRATIONS);
    let level = stored.new_user_level();
    let registration = rules::Registration { level, confirm, public_url, refresh_days };
    let email = signup.email().as_str().to_owned();
    let outcome = state
        .db(move |conn| write_tx(conn, |conn| rules::register(conn, &signup, &registration, ip.as_deref())))
        .await?;
    if let rules::Registered::Created(user, Some(started)) = outcome {
        return Ok(created(session(&req, &state, *user, started)?));
    }
    // The same answer whether the account was made or its address or name was taken (the
    // address's mail says which).
    let message = if confirm && crate::mail::settings::smtp(&stored).is_none() {
        // The link waits in the outbox until mail is set up: no one should wait for it in vain.
        "Your account is registered, but this help desk does not send mail yet: an administrator will \
         confirm your address, and you can sign in then."
            .to_owned()
    } else if confirm {
        format!("We have mailed {email}: open the mail to finish registering, then sign in.")
    } else {
        "A user manager will enable your account; you can sign in then.".to_owned()
    };
    Ok(HttpResponse::Accepted().json(Registered { message }))
}
