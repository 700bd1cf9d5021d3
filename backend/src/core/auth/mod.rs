//! Who is calling, and who they act as. People send a JWT (`Authorization: Bearer`), programs an
//! API key (`X-API-Key`). An impersonating key may name a user (`user_id`, `email`, `from_user`)
//! and then acts with exactly that user's rights.

pub mod apikeys;
pub mod guards;
pub mod jwt;
pub mod ldap;
pub mod lockout;
pub mod password;
pub mod sessions;

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};
use diesel::prelude::*;
use shared::tickets::ActingAs;
use shared::AccessLevel;

use crate::core::db::models::UserRow;
use crate::core::db::schema::users;
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::events::Sink;
use crate::core::http::client::client_ip;
use crate::core::state::AppState;
use apikeys::{KeyRejection, Scope, VerifiedKey};

pub const API_KEY_HEADER: &str = "X-API-Key";

// One per request and moved rarely: boxing the user row would add an allocation per request
// to save a few hundred bytes of stack.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Credential {
    User(UserRow),
    Key(VerifiedKey),
}

/// An authenticated request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub credential: Credential,
    pub ip: Option<IpAddr>,
    /// Where the events of the request's changes go.
    pub events: Sink,
}

#[derive(Debug, Clone)]
pub struct Origin {
    pub ip: Option<String>,
    pub channel: &'static str,
    /// Where the events of the change go.
    pub events: Sink,
}

/// Whom a request acts as once impersonation is resolved.
#[allow(clippy::large_enum_variant)] // as Credential
#[derive(Debug, Clone)]
pub enum Actor {
    User(UserRow),
    /// A program acting as itself, with an agent's rights over tickets.
    Key(VerifiedKey),
    /// A visitor without an account, where the settings let guests file or read tickets.
    Guest,
}

pub fn level_of(user: &UserRow) -> AccessLevel {
    AccessLevel::try_from(user.level).unwrap_or(AccessLevel::Disabled)
}

impl Actor {
    pub fn is_staff(&self) -> bool {
        match self {
            Actor::User(u) => level_of(u).is_staff(),
            Actor::Key(_) => true,
            Actor::Guest => false,
        }
    }

    /// Restricted viewers and up see every ticket whatever the visibility setting; below that,
    /// `tickets::find::sees_all` asks the setting.
    pub fn sees_all_tickets(&self) -> bool {
        match self {
            Actor::User(u) => level_of(u) >= AccessLevel::RestrictedViewer,
            Actor::Key(_) => true,
            Actor::Guest => false,
        }
    }

    pub fn user(&self) -> Option<&UserRow> {
        match self {
            Actor::User(u) => Some(u),
            Actor::Key(_) | Actor::Guest => None,
        }
    }

    /// Whether the actor is at `threshold` or above, for NodePoint's capability thresholds.
    /// Keys work for the desk and pass; a guest files tickets as the customer it becomes, an
    /// authorized user.
    pub fn reaches(&self, threshold: AccessLevel) -> bool {
        match self {
            Actor::User(u) => level_of(u) >= threshold,
            Actor::Key(_) => true,
            Actor::Guest => AccessLevel::AuthorizedUser >= threshold,
        }
    }

    pub fn user_id(&self) -> Option<i64> {
        self.user().map(|u| u.id)
    }

    pub fn key_id(&self) -> Option<i64> {
        match self {
            Actor::Key(k) => Some(k.id),
            Actor::User(_) | Actor::Guest => None,
        }
    }

    /// How the actor appears as a thread entry's poster.
    pub fn display_name(&self) -> String {
        match self {
            Actor::User(u) => u.fullname.clone(),
            Actor::Key(k) => format!("API ({})", k.name),
            Actor::Guest => "Guest".to_owned(),
        }
    }
}

impl Caller {
    /// Keys need the scope; people are limited by their level instead, checked by each action.
    pub fn require(&self, scope: Scope) -> ApiResult<()> {
        match &self.credential {
            Credential::Key(key) if !key.has(scope) => {
                Err(ApiError::Forbidden(format!("This API key lacks the {} scope", scope.as_str())))
            }
            _ => Ok(()),
        }
    }

    pub fn user(&self) -> Option<&UserRow> {
        match &self.credential {
            Credential::User(u) => Some(u),
            Credential::Key(_) => None,
        }
    }

    /// Resolves `user_id` / `email` / `from_user` of a request into the actor. Naming a user needs
    /// a key with the impersonate scope (or naming yourself); an unknown user is a 422.
    pub fn actor(&self, conn: &mut AnyConnection, acting: &ActingAs) -> ApiResult<Actor> {
        let named = find_named_user(conn, acting)?;
        match (&self.credential, named) {
            (Credential::User(me), None) => Ok(Actor::User(me.clone())),
            (Credential::User(me), Some(other)) if other.id == me.id => Ok(Actor::User(me.clone())),
            (Credential::User(_), Some(_)) => {
                Err(ApiError::Forbidden("Only an API key with the impersonate scope can act for another user".into()))
            }
            (Credential::Key(key), None) => Ok(Actor::Key(key.clone())),
            (Credential::Key(key), Some(user)) => {
                if !key.has(Scope::Impersonate) {
                    return Err(ApiError::Forbidden(
                        "Acting for a user needs an API key with the impersonate scope".into(),
                    ));
                }
                if level_of(&user) == AccessLevel::Disabled {
                    return Err(ApiError::Forbidden("That user's account is disabled".into()));
                }
                Ok(Actor::User(user))
            }
        }
    }

    /// Where a request comes from, for the audit log and the thread: the client's address and
    /// the channel (API for keys, Web for people) — also when a key acts for a user.
    pub fn origin(&self, ip: Option<String>) -> Origin {
        Origin {
            events: self.events.clone(),
            ip: ip.or_else(|| self.ip.map(|ip| ip.to_string())),
            channel: match self.credential {
                Credential::Key(_) => "API",
                Credential::User(_) => "Web",
            },
        }
    }

    /// The actor for a request that names nobody.
    pub fn as_actor(&self) -> Actor {
        match &self.credential {
            Credential::User(u) => Actor::User(u.clone()),
            Credential::Key(k) => Actor::Key(k.clone()),
        }
    }
}

/// The user named by a request, if any. Naming one that does not exist is a 422 on that field.
fn find_named_user(conn: &mut AnyConnection, acting: &ActingAs) -> ApiResult<Option<UserRow>> {
    if let Some(id) = acting.user_id {
        return users::table
            .find(id)
            .select(UserRow::as_select())
            .first(conn)
            .optional()?
            .map(Some)
            .ok_or_else(|| ApiError::field("user_id", "no user has this id"));
    }
    let (field, value) = match (&acting.email, &acting.from_user) {
        (Some(email), _) => ("email", email.trim().to_lowercase()),
        (None, Some(name)) => ("from_user", name.trim().to_lowercase()),
        (None, None) => return Ok(None),
    };
    find_by_login(conn, &value)?
        .map(Some)
        .ok_or_else(|| ApiError::field(field, "no user has this email address or user name"))
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>);

/// A user by email address or user name, both case-insensitive.
pub fn find_by_login(conn: &mut AnyConnection, login: &str) -> ApiResult<Option<UserRow>> {
    let login = stored_form(login);
    Ok(users::table
        .filter(users::email.eq(&login).or(lower(users::username).eq(&login)))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// A user name or address in the one form it is stored and looked up in: trimmed, Unicode NFC,
/// lowercase, and an address's domain in its ASCII form (IDNA) — so that `é` typed two ways, or
/// `bücher.example` and `xn--bcher-kva.example`, are one account (accounts::addresses).
pub fn stored_form(login: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let text = login.trim().nfc().collect::<String>().to_lowercase();
    match text.rsplit_once('@') {
        Some((local, domain)) if !domain.is_ascii() => match idna::domain_to_ascii(domain) {
            Ok(ascii) => format!("{local}@{ascii}"),
            Err(_) => text,
        },
        _ => text,
    }
}

/// A request that may come without credentials: `None` only when it sends none at all (a wrong
/// key or an expired token is still a 401, never a silent downgrade to a guest).
#[derive(Debug, Clone)]
pub struct Visitor(pub Option<Caller>);

impl Visitor {
    pub fn actor(&self) -> Actor {
        self.0.as_ref().map_or(Actor::Guest, Caller::as_actor)
    }
}

impl FromRequest for Visitor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Visitor, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        if header(req, API_KEY_HEADER).is_none() && header(req, "Authorization").is_none() {
            return Box::pin(async { Ok(Visitor(None)) });
        }
        let caller = Caller::from_request(req, payload);
        Box::pin(async move { Ok(Visitor(Some(caller.await?))) })
    }
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// The access token of an `Authorization: Bearer` header, if there is one.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    header(req, "Authorization")
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_owned())
}

/// The caller a presented API key stands for (from the cache of checked keys, else the
/// database): 401 for a key that is unknown, revoked or expired, 403 from an address it may not
/// be used from. Also for the layers that take the key elsewhere than `X-API-Key` (NodePoint's
/// `key` parameter).
pub async fn key_caller(state: &AppState, key: String, ip: Option<IpAddr>) -> ApiResult<Caller> {
    let fingerprint = apikeys::fingerprint(&key);
    let record = match state.keys.get(&fingerprint) {
        Some(record) => Some(record),
        None => {
            let record = state.db(move |conn| Ok(apikeys::lookup(conn, &key)?)).await?;
            if let Some(record) = &record {
                state.keys.put(fingerprint, record.clone());
            }
            record
        }
    };
    let key =
        record.ok_or(KeyRejection::Unknown).and_then(|record| record.check(ip)).map_err(
            |rejection| match rejection {
                KeyRejection::Unknown => ApiError::Unauthorized("Invalid API key".into()),
                KeyRejection::Revoked => ApiError::Unauthorized("This API key was revoked".into()),
                KeyRejection::Expired => ApiError::Unauthorized("This API key has expired".into()),
                KeyRejection::AddressNotAllowed => {
                    ApiError::Forbidden("This API key may not be used from your address".into())
                }
            },
        )?;
    Ok(Caller { credential: Credential::Key(key), ip, events: state.events.clone() })
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let ip = client_ip(req);
        let key = header(req, API_KEY_HEADER).map(str::to_owned);
        let bearer = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("app state missing".into()))?;
            if let Some(key) = key {
                return key_caller(&state, key, ip).await;
            }
            let Some(token) = bearer else {
                return Err(ApiError::Unauthorized(
                    "Send an X-API-Key header or an Authorization: Bearer token".into(),
                ));
            };
            let (user_id, session_id) =
                state.jwt.verify(&token).ok_or_else(|| ApiError::Unauthorized("Invalid or expired token".into()))?;
            let user = state
                .db(move |conn| sessions::token_user(conn, user_id, session_id))
                .await?
                .ok_or_else(|| ApiError::Unauthorized("Invalid or expired token".into()))?;
            Ok(Caller { credential: Credential::User(user), ip, events: state.events.clone() })
        })
    }
}
