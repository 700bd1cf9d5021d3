//! The guards a handler names in its signature, so that who may call it is read off the
//! signature rather than from a check somewhere in its body:
//!
//! - [`Admin`]: an administrator, or a key with the admin scope — who runs the desk (catalog,
//!   settings, mail, staff accounts);
//! - [`Staff`]: an agent or above, or a key with the read scope — who works tickets;
//! - [`require_capability`]: NodePoint's configurable thresholds (a setting names the lowest level).

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest};
use serde_json::Value;
use shared::settings::Capability;
use shared::AccessLevel;

use super::apikeys::Scope;
use super::{level_of, Actor, Caller, Credential};
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
