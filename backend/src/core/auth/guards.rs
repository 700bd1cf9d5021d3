//! The guards a handler names in its signature, so that who may call it is read off the
//! signature rather than from a check somewhere in its body:
//!
//! - [`Admin`]: an administrator, or a key with the admin scope — who runs the desk (catalog,
//!   settings, mail, staff accounts);
//! - [`Staff`]: an agent or above, or a key with the read scope — who works tickets;
//! - [`Allowed`]: any other pair of a key's scope and a person's lowest level, named by a [`Rule`]
//!   ([`Reading`], [`Writing`], [`People`], …); [`Welcome`] lets visitors without credentials by;
//! - [`require_capability`]: NodePoint's configurable thresholds (a setting names the lowest level).
//!
//! A guard comes before the body in a signature: actix extracts in order, so a caller who may not
//! call is refused (401/403) before a body of theirs is read (400/422). The OpenAPI `security` of
//! each operation states what its guard demands; backend/tests/contract.rs keeps them in step.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest};
use serde_json::Value;
use shared::settings::Capability;
use shared::AccessLevel;

use super::apikeys::Scope;
use super::{level_of, Actor, Caller, Credential, Visitor};
use crate::core::audit::{self, AuditEvent};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::settings::Stored;

/// An administrator, or a key with the admin scope (scripts that set up a desk). Carries who
/// they are and where from, for the audit rows of their changes.
#[derive(Debug, Clone)]
pub struct Admin {
    pub caller: Caller,
    pub actor: Actor,
    pub ip: Option<String>,
}

impl Admin {
    pub fn check(caller: Caller) -> ApiResult<Admin> {
        caller.require(Scope::Admin)?;
        if let Credential::User(u) = &caller.credential {
            if level_of(u) < AccessLevel::Administrator {
                return Err(ApiError::Forbidden("Only administrators can do this".into()));
            }
        }
        Ok(Admin { actor: caller.as_actor(), ip: caller.ip.map(|ip| ip.to_string()), caller })
    }

    /// The administrator as a person: keys are refused, whatever their scopes (no key manages
    /// API keys, so a leaked one cannot mint its successors).
    pub fn person(&self) -> ApiResult<&crate::core::db::models::UserRow> {
        self.caller.user().ok_or_else(|| {
            ApiError::Forbidden(
                "API keys cannot manage API keys: sign in as an administrator, or use `oxidesk apikey`".into(),
            )
        })
    }

    /// The audit row of one of their changes, in the change's transaction.
    pub fn audit(
        &self,
        conn: &mut AnyConnection,
        action: &str,
        target_type: &str,
        id: impl ToString,
        detail: Value,
    ) -> ApiResult<()> {
        audit::record(
            conn,
            Some(&self.actor),
            self.ip.as_deref(),
            AuditEvent { action, target_type, target_id: id.to_string(), detail },
        )?;
        Ok(())
    }
}

/// An agent or above, or a key with the read scope: osTicket's staff endpoints.
#[derive(Debug, Clone)]
pub struct Staff(pub Caller);

impl Staff {
    pub fn check(caller: Caller) -> ApiResult<Staff> {
        caller.require(Scope::Read)?;
        if caller.as_actor().is_staff() {
            Ok(Staff(caller))
        } else {
            Err(ApiError::Forbidden("Only agents can do this".into()))
        }
    }
}

type Guarded<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Guarded<Admin>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move { Admin::check(caller.await?) })
    }
}

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Guarded<Staff>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move { Staff::check(caller.await?) })
    }
}

/// What an operation demands of its caller: the scope of a key, the lowest level of a person.
pub trait Rule {
    /// The scope a key needs; `None`: keys are refused, whatever their scopes.
    const SCOPE: Option<Scope>;
    /// The lowest level a person needs; `None`: people are refused.
    const LEVEL: Option<AccessLevel>;

    fn check(caller: &Caller) -> ApiResult<()> {
        match (&caller.credential, Self::SCOPE, Self::LEVEL) {
            (Credential::Key(_), Some(scope), _) => caller.require(scope),
            (Credential::Key(_), None, _) => Err(ApiError::Forbidden("API keys cannot do this: sign in".into())),
            (Credential::User(u), _, Some(level)) if level_of(u) >= level => Ok(()),
            (Credential::User(_), _, Some(level)) => {
                Err(ApiError::Forbidden(format!("This needs the {} level or higher", level.name())))
            }
            (Credential::User(_), _, None) => Err(ApiError::Forbidden("Only programs do this: use an API key".into())),
        }
    }
}

/// Any person, or a key with the read scope.
pub enum Reading {}
impl Rule for Reading {
    const SCOPE: Option<Scope> = Some(Scope::Read);
    const LEVEL: Option<AccessLevel> = Some(AccessLevel::AuthorizedUser);
}

/// Any person, or a key with the write scope.
pub enum Writing {}
impl Rule for Writing {
    const SCOPE: Option<Scope> = Some(Scope::Write);
    const LEVEL: Option<AccessLevel> = Some(AccessLevel::AuthorizedUser);
}

/// People only (their own password, their saved views): keys are refused.
pub enum People {}
impl Rule for People {
    const SCOPE: Option<Scope> = None;
    const LEVEL: Option<AccessLevel> = Some(AccessLevel::AuthorizedUser);
}

/// An agent in person, never a key: what is an agent's own (their bell, what they have read).
pub enum AgentInPerson {}
impl Rule for AgentInPerson {
    const SCOPE: Option<Scope> = None;
    const LEVEL: Option<AccessLevel> = Some(AccessLevel::Agent);
}

/// An agent or above, or a key with the write scope: the osTicket staff's writes, piped mail,
/// bulk changes.
pub enum StaffWriting {}
impl Rule for StaffWriting {
    const SCOPE: Option<Scope> = Some(Scope::Write);
    const LEVEL: Option<AccessLevel> = Some(AccessLevel::Agent);
}

/// An agent or above, or a key with the admin scope: deleting tickets (`tickets::delete` then asks
/// the "delete tickets" threshold, administrators by default).
pub enum DeletingTickets {}
impl Rule for DeletingTickets {
    const SCOPE: Option<Scope> = Some(Scope::Admin);
    const LEVEL: Option<AccessLevel> = Some(AccessLevel::Agent);
}

/// A user manager or above, or a key with the write scope (which adds customers only).
pub enum AddingUsers {}
impl Rule for AddingUsers {
    const SCOPE: Option<Scope> = Some(Scope::Write);
    const LEVEL: Option<AccessLevel> = Some(AccessLevel::UserManager);
}

/// A user manager or above (NodePoint: "can edit clients"), or a key with the write scope (as
/// NodePoint's `add_client` takes its write key): the clients directory and its contacts.
pub enum ChangingClients {}
impl Rule for ChangingClients {
    const SCOPE: Option<Scope> = Some(Scope::Write);
    const LEVEL: Option<AccessLevel> = Some(AccessLevel::UserManager);
}

/// A user manager or above, or a key with the admin scope: changes to users.
pub enum ChangingUsers {}
impl Rule for ChangingUsers {
    const SCOPE: Option<Scope> = Some(Scope::Admin);
    const LEVEL: Option<AccessLevel> = Some(AccessLevel::UserManager);
}

/// A user manager or above, in person: setting someone's password (never a key).
pub enum SettingPasswords {}
impl Rule for SettingPasswords {
    const SCOPE: Option<Scope> = None;
    const LEVEL: Option<AccessLevel> = Some(AccessLevel::UserManager);
}

/// An administrator in person, never a key: API keys (so a leaked one cannot mint its successors)
/// and what a key could turn into someone's session — the mail server every reset link goes
/// through, and the text of the mails that carry those links.
pub enum AdministratorInPerson {}
impl Rule for AdministratorInPerson {
    const SCOPE: Option<Scope> = None;
    const LEVEL: Option<AccessLevel> = Some(AccessLevel::Administrator);
}

/// A caller that `R` lets through.
#[derive(Debug, Clone)]
pub struct Allowed<R>(pub Caller, pub PhantomData<R>);

impl<R: Rule + 'static> FromRequest for Allowed<R> {
    type Error = ApiError;
    type Future = Guarded<Allowed<R>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            let caller = caller.await?;
            R::check(&caller)?;
            Ok(Allowed(caller, PhantomData))
        })
    }
}

/// A visitor without credentials (whom the settings may let in), or a caller that `R` lets
/// through.
#[derive(Debug, Clone)]
pub struct Welcome<R>(pub Visitor, pub PhantomData<R>);

impl<R: Rule + 'static> FromRequest for Welcome<R> {
    type Error = ApiError;
    type Future = Guarded<Welcome<R>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let visitor = Visitor::from_request(req, payload);
        Box::pin(async move {
            let visitor = visitor.await?;
            if let Some(caller) = &visitor.0 {
                R::check(caller)?;
            }
            Ok(Welcome(visitor, PhantomData))
        })
    }
}

/// NodePoint's capability thresholds: the actor must be at the level the settings give the
/// capability, or above. Keys pass; a guest counts as an authorized user.
pub fn require_capability(conn: &mut AnyConnection, actor: &Actor, capability: Capability) -> ApiResult<()> {
    let threshold = Stored::read(conn)?.threshold(capability);
    if actor.reaches(threshold) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "This needs the {} level or higher ({})",
            threshold.name(),
            capability.label()
        )))
    }
}
