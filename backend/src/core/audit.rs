//! The audit log: one row per change, written in the same transaction as the change.

use diesel::prelude::*;
use serde_json::Value;

use crate::core::auth::Actor;
use crate::core::db::models::NewAudit;
use crate::core::db::schema::audit_log;
use crate::core::db::AnyConnection;

pub struct AuditEvent<'a> {
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: String,
    pub detail: Value,
}

pub fn record(
    conn: &mut AnyConnection,
    actor: Option<&Actor>,
    ip: Option<&str>,
    event: AuditEvent<'_>,
) -> Result<(), diesel::result::Error> {
    let detail = event.detail.to_string();
    diesel::insert_into(audit_log::table)
        .values(NewAudit {
            actor_user_id: actor.and_then(Actor::user_id),
            actor_key_id: actor.and_then(Actor::key_id),
            action: event.action,
            target_type: event.target_type,
            target_id: &event.target_id,
            detail: &detail,
            ip,
            created_at: chrono::Utc::now().naive_utc(),
        })
        .execute(conn)?;
    Ok(())
}
