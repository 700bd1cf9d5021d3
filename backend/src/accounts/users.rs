//! `/api/users.json`: people — customers and agents. osTicket's `/api/scp/users.json` creates one
//! the same way and answers in osTicket's shape. User managers and administrators change users
//! (`/api/users.json/{id}`) and set their passwords.

use std::collections::BTreeMap;

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use shared::settings::Capability;
use shared::users::{PasswordSet, User, UserCreate, UserUpdate};
use shared::validate::{Email, PersonName, Username};
use shared::{AccessLevel, ApiErrorBody};

use crate::accounts::rules::{self as accounts, insert_user, NewUserInput, UserChanges, UserFilter};
use crate::core::auth::apikeys::Scope;
use crate::core::auth::guards::{
    require_capability, AddingUsers, Allowed, ChangingUsers, Reading, SettingPasswords, Staff,
};
use crate::core::auth::{level_of, password, Actor, Caller};
use crate::core::db::models::UserRow;
use crate::core::db::write_tx;
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::JsonBody;
use crate::core::http::paging::{check_page, page_response};
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;
use crate::core::time::timestamp;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(set_password)
        .service(create_user_osticket);
}

pub fn user_view(u: &UserRow) -> User {
    let level = level_of(u);
    User {
        id: u.id,
        username: u.username.clone(),
        email: u.email.clone(),
        fullname: u.fullname.clone(),
        firstname: u.firstname.clone(),
        lastname: u.lastname.clone(),
        phone: u.phone.clone(),
        level,
        level_name: level.name().to_owned(),
        created: timestamp(u.created_at),
        last_login: u.last_login_at.map(timestamp),
        email_confirmed: u.email_confirmed_at.is_some(),
        email_notifications: u.email_notifications,
        signature: u.signature.clone(),
        timezone: u.timezone.clone(),
        language: u.language.clone(),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// Part of a name, user name or email address.
    q: Option<String>,
    /// Only users of this access level.
    #[param(value_type = Option<AccessLevel>)]
    level: Option<i16>,
    /// `true`: only staff (agents and up, level 3 or more), e.g. whom tickets can be assigned to.
    staff: Option<bool>,
    page: Option<i64>,
    /// 1–100, default 25.
    per_page: Option<i64>,
}

/// List users (agents and keys with the read scope).
#[utoipa::path(
    tag = "users", params(UserListQuery),
    responses(
        (status = 200, body = [User], headers(("X-Total-Count" = i64), ("Link" = String))),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["read"]), ("bearer" = ["agent"]))
)]
#[get("/api/users.json")]
pub async fn list_users(
    state: web::Data<AppState>,
    Staff(caller): Staff,
    query: web::Query<UserListQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let actor = caller.as_actor();
    let query = query.into_inner();
    // Every agent may list the staff (whom to assign); the whole directory needs the level of
    // "can view user details".
    if query.staff != Some(true) {
        let who = actor.clone();
        state.db(move |conn| require_capability(conn, &who, Capability::ViewUserDetails)).await?;
    }
    let (page, per_page) = check_page(query.page, query.per_page)?;
    let filter = UserFilter { text: query.q, level: query.level, staff: query.staff == Some(true) };
    let (rows, total) = state.db(move |conn| accounts::list_users(conn, &filter, page, per_page)).await?;
    Ok(page_response(&req, page, per_page, total, &rows.iter().map(user_view).collect::<Vec<_>>()))
}

/// Create a user. People may create users below their own level (user managers and up); keys
/// with the write scope add customers, and with the admin scope staff below administrator.
#[utoipa::path(
    tag = "users", request_body = UserCreate,
    responses(
        (status = 201, body = User),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["user_manager"]))
)]
#[post("/api/users.json")]
pub async fn create_user(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<AddingUsers>,
    body: JsonBody<UserCreate>,
) -> ApiResult<HttpResponse> {
    let user = create(&state, caller, body.0).await?;
    Ok(HttpResponse::Created().json(user_view(&user)))
}

/// osTicket's answer to a user creation.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OsTicketUser {
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// Create a user, osTicket style (`/api/scp/users.json`).
#[utoipa::path(
    tag = "osticket-staff", request_body = UserCreate,
    responses(
        (status = 201, body = OsTicketUser),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["user_manager"]))
)]
#[post("/api/scp/users.json")]
pub async fn create_user_osticket(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<AddingUsers>,
    body: JsonBody<UserCreate>,
) -> ApiResult<HttpResponse> {
    let user = create(&state, caller, body.0).await?;
    Ok(HttpResponse::Created().json(OsTicketUser { name: user.fullname, email: user.email, phone: user.phone }))
}

pub(crate) async fn create(state: &AppState, caller: Caller, body: UserCreate) -> ApiResult<UserRow> {
    caller.require(Scope::Write)?;
    let actor = caller.as_actor();
    let level = match body.level {
        None => AccessLevel::AuthorizedUser,
        Some(l) => i16::try_from(l)
            .ok()
            .and_then(|l| AccessLevel::try_from(l).ok())
            .ok_or_else(|| ApiError::field("level", "must be 0 to 6"))?,
    };
    // A script may add customers with the write scope; staff takes the admin scope.
    if level > AccessLevel::AuthorizedUser {
        caller.require(Scope::Admin)?;
    }
    match &actor {
        Actor::User(u) if level_of(u) < AccessLevel::UserManager => {
            return Err(ApiError::Forbidden("Only user managers and administrators can create users".into()))
        }
        Actor::User(u) if level_of(u) != AccessLevel::Administrator && level >= level_of(u) => {
            return Err(ApiError::Forbidden("You can only create users below your own level".into()))
        }
        Actor::Key(_) if level == AccessLevel::Administrator => {
            return Err(ApiError::Forbidden("Administrators are created with `oxidesk admin create`".into()))
        }
        // A key makes people only below where it stands (a user manager), and never with a password
        // it chose: the person sets their own through the reset mail, so no key signs in as anyone.
        Actor::Key(_) if level >= AccessLevel::UserManager => {
            return Err(ApiError::Forbidden("An API key can only create users below user manager".into()))
        }
        Actor::Key(_) if body.password.is_some() => {
            return Err(ApiError::Forbidden(
                "An API key cannot choose a password: the person sets one with \"Forgot password\"".into(),
            ))
        }
        _ => {}
    }
    let mut errors = BTreeMap::new();
    let email = Email::parse(body.email.as_deref().unwrap_or("")).map_err(|e| errors.insert("email".into(), e)).ok();
    let name = PersonName::parse(body.name.as_deref().unwrap_or("")).map_err(|e| errors.insert("name".into(), e)).ok();
    let username = match body.username.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => Username::parse(u).map(Some).map_err(|e| errors.insert("username".into(), e)).ok().flatten(),
        None => None,
    };
    if let Some(p) = &body.password {
        let personal = [body.username.as_deref(), body.email.as_deref(), body.name.as_deref()];
        if let Err(e) = password::check_new(p, &personal.into_iter().flatten().collect::<Vec<_>>()) {
            errors.insert("password".into(), e);
        }
    }
    let phone = body.phone.clone().unwrap_or_default();
    if let Err(e) = check_phone(&phone) {
        errors.insert("phone".into(), e);
    }
    if let Some(Err(e)) = body.timezone.as_deref().map(check_timezone) {
        errors.insert("timezone".into(), e);
    }
    if let Some(Err(e)) = body.language.as_deref().map(check_language) {
        errors.insert("language".into(), e);
    }
    let (Some(email), Some(name)) = (email, name) else {
        return Err(ApiError::InvalidFields(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    let hash = body.password.as_deref().map(password::hash).transpose()?;
    let notes = body.notes.unwrap_or_default();
    let (timezone, language) = (body.timezone, body.language);
    let ip = caller.ip.map(|i| i.to_string());
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                insert_user(
                    conn,
                    Some(&actor),
                    NewUserInput {
                        username: username.as_ref(),
                        email: &email,
                        name: &name,
                        phone: &phone,
                        level,
                        password_hash: hash.as_deref(),
                        notes: &notes,
                        timezone: timezone.as_deref(),
                        language: language.as_deref(),
                        email_confirmed: true,
                    },
                    ip.as_deref(),
                )
            })
        })
        .await
}

fn check_phone(phone: &str) -> Result<(), String> {
    if phone.chars().count() > 64 || phone.chars().any(char::is_control) {
        return Err("must be one line of at most 64 characters".into());
    }
    Ok(())
}

/// An IANA time zone's name as written (`Europe/Berlin`, `UTC`): the desk shows the person's
/// local time with it. Whether the zone exists is the browser's to know (an unknown one shows no time).
fn check_timezone(zone: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+');
    if zone.is_empty() || zone.len() > 64 || !zone.chars().all(allowed) {
        return Err("must be a time zone's name, such as Europe/Berlin".into());
    }
    Ok(())
}

/// A language as BCP 47 writes it (`de`, `pt-BR`, `zh-Hant-TW`): the desk names it.
fn check_language(tag: &str) -> Result<(), String> {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok = (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok = parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if tag.len() > 35 || !primary_ok || !rest_ok {
        return Err("must be a language tag, such as de or pt-BR".into());
    }
    Ok(())
}

/// A field that `""` clears: `Some(None)`; otherwise the value, checked.
fn clearable(value: Option<String>, check: fn(&str) -> Result<(), String>) -> Result<Option<Option<String>>, String> {
    match value.map(|v| v.trim().to_owned()) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(Some(None)),
        Some(v) => check(&v).map(|()| Some(Some(v))),
    }
}

/// One user: for those who may view user details (agents by default; keys with the read
/// scope), and for the user themselves.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "The user id")),
    responses(
        (status = 200, body = User),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
    ),
    security(("api_key" = ["read"]), ("bearer" = ["authorized_user"]))
)]
#[get("/api/users.json/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<Reading>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let actor = caller.as_actor();
    if actor.user_id() != Some(id) {
        let who = actor.clone();
        state.db(move |conn| require_capability(conn, &who, Capability::ViewUserDetails)).await?;
    }
    let user = state.db(move |conn| accounts::find_user(conn, id)).await?;
    Ok(HttpResponse::Ok().json(user_view(&user)))
}

/// The valid changes of an update body, or a 422 naming every bad field.
fn check_update(body: UserUpdate) -> ApiResult<UserChanges> {
    let mut errors = BTreeMap::new();
    let mut field = |name: &str, result: Result<(), String>| {
        if let Err(e) = result {
            errors.insert(name.to_owned(), e);
        }
    };
    let mut changes = UserChanges::default();
    if let Some(u) = body.username.as_deref() {
        field("username", Username::parse(u).map(|u| changes.username = Some(u)));
    }
    if let Some(e) = body.email.as_deref() {
        field("email", Email::parse(e).map(|e| changes.email = Some(e)));
    }
    if let Some(n) = body.name.as_deref() {
        field("name", PersonName::parse(n).map(|n| changes.name = Some(n)));
    }
    if let Some(p) = body.phone {
        let p = p.trim().to_owned();
        field("phone", check_phone(&p).map(|()| changes.phone = Some(p)));
    }
    if let Some(l) = body.level {
        let level = i16::try_from(l).ok().and_then(|l| AccessLevel::try_from(l).ok());
        field("level", level.map(|l| changes.level = Some(l)).ok_or_else(|| "must be 0 to 6".to_owned()));
    }
    if let Some(confirmed) = body.email_confirmed {
        changes.email_confirmed = Some(confirmed);
    }
    changes.email_notifications = body.email_notifications;
    field("timezone", clearable(body.timezone, check_timezone).map(|z| changes.timezone = z));
    field("language", clearable(body.language, check_language).map(|l| changes.language = l));
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    Ok(changes)
}

/// Change a user: absent fields keep their value; level 0 disables the account and ends its
/// sessions. User managers and administrators (and keys with the admin scope, for users below
/// administrator); nobody grants a level above their own, only an administrator changes an
/// administrator, and nobody lowers their own level.
#[utoipa::path(
    tag = "users", request_body = UserUpdate,
    params(("id" = i64, Path, description = "The user id")),
    responses(
        (status = 200, body = User),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 415, body = ApiErrorBody),
        (status = 422, description = "Invalid fields, or an email address or user name in use", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["user_manager"]))
)]
#[put("/api/users.json/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<ChangingUsers>,
    id: web::Path<i64>,
    body: JsonBody<UserUpdate>,
) -> ApiResult<HttpResponse> {
    let actor = caller.as_actor();
    let id = id.into_inner();
    let changes = check_update(body.0)?;
    let ip = caller.ip.map(|i| i.to_string());
    let user = state
        .db(move |conn| write_tx(conn, |conn| accounts::update_user(conn, &actor, id, changes, ip.as_deref())))
        .await?;
    Ok(HttpResponse::Ok().json(user_view(&user)))
}

/// Set a user's password (user managers and administrators; an administrator's only by an
/// administrator). The user's sessions end. API keys cannot: a program taking over a person's
/// sign-in is what impersonation exists to avoid. With LDAP sign-in, users without a local
/// password are the directory's: 409.
#[utoipa::path(
    tag = "users", request_body = PasswordSet,
    params(("id" = i64, Path, description = "The user id")),
    responses(
        (status = 204, description = "Set; the user's sessions ended"),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
        (status = 409, description = "The user signs in through the LDAP directory", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("bearer" = ["user_manager"]))
)]
#[put("/api/users.json/{id}/password")]
pub async fn set_password(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<SettingPasswords>,
    id: web::Path<i64>,
    body: JsonBody<PasswordSet>,
) -> ApiResult<HttpResponse> {
    let Actor::User(me) = caller.as_actor() else {
        return Err(ApiError::Forbidden(
            "API keys cannot set passwords: sign in as a user manager or administrator".into(),
        ));
    };
    if level_of(&me) < AccessLevel::UserManager {
        return Err(ApiError::Forbidden("Only user managers and administrators can set passwords".into()));
    }
    let given = body.0.password;
    password::check_new(&given, &[]).map_err(|e| ApiError::field("password", e))?;
    // Hashing is slow on purpose: off the request threads, like database work.
    let hash = web::block(move || password::hash(&given)).await??;
    let id = id.into_inner();
    let ip = caller.ip.map(|i| i.to_string());
    let actor = Actor::User(me);
    let directory = state.config.ldap.is_some();
    state
        .db(move |conn| {
            write_tx(conn, |conn| accounts::set_password(conn, &actor, id, &hash, directory, ip.as_deref()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
