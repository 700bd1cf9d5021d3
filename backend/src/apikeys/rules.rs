//! API keys' rules: a key is checked whole (a name, its scopes, an address or network it may call
//! from, an expiry), stored as a hash with its secret shown once, and revoked rather than deleted,
//! so the audit log still names it. Every change is audited in its transaction.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde_json::json;
use shared::apikeys::{ApiKey, ApiKeyCreate, ApiKeyCreated};

use crate::core::auth::apikeys::{self, KeySpec};
use crate::core::auth::guards::Admin;
use crate::core::db::models::ApiKeyRow;
use crate::core::db::schema::api_keys;
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::time::timestamp;

const NAME_MAX_CHARS: usize = 64;

/// A key to create, checked.
#[derive(Debug)]
pub struct CheckedKey {
    name: String,
    scopes: Vec<apikeys::Scope>,
    networks: Vec<ipnet::IpNet>,
    expires_at: Option<chrono::NaiveDateTime>,
    /// A key kept from another product, else None (a new one is made).
    secret: Option<String>,
}

fn key_view(row: ApiKeyRow) -> ApiKey {
    ApiKey {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        scopes: row.scopes.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        allow_ip: row.allow_ip,
        created: timestamp(row.created_at),
        last_used: row.last_used_at.map(timestamp),
        revoked: row.revoked_at.map(timestamp),
        expires: row.expires_at.map(timestamp),
    }
}

/// Every key, revoked ones too, oldest first (without secrets: only their hashes are stored).
pub fn list(conn: &mut AnyConnection) -> ApiResult<Vec<ApiKey>> {
    let rows: Vec<ApiKeyRow> = api_keys::table.select(ApiKeyRow::as_select()).order(api_keys::id).load(conn)?;
    Ok(rows.into_iter().map(key_view).collect())
}

pub fn check(body: ApiKeyCreate) -> ApiResult<CheckedKey> {
    let mut errors = BTreeMap::new();
    let name = body.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        errors.insert("name".into(), format!("must be 1 to {NAME_MAX_CHARS} characters on one line"));
    }
    let scopes = apikeys::parse_scope_list(&body.scopes).map_err(|e| errors.insert("scopes".into(), e)).ok();
    let allow_ip = body.allow_ip.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let networks = match allow_ip {
        None => Some(Vec::new()),
        Some(a) => apikeys::parse_networks(&[a.to_owned()]).map_err(|e| errors.insert("allow_ip".into(), e)).ok(),
    };
    let expires = body.expires.as_deref().map(str::trim).filter(|e| !e.is_empty());
    let expires_at = match expires {
        None => Some(None),
        Some(e) => apikeys::parse_expiry(e).map(Some).map_err(|e| errors.insert("expires".into(), e)).ok(),
    };
    let secret = body.secret.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    if let Some(Err(e)) = secret.as_deref().map(shared::apikeys::check_imported_secret) {
        errors.insert("secret".into(), e);
    }
    match (scopes, networks, expires_at) {
        (Some(scopes), Some(networks), Some(expires_at)) if errors.is_empty() => {
            Ok(CheckedKey { name, scopes, networks, expires_at, secret })
        }
        _ => Err(ApiError::InvalidFields(errors)),
    }
}

/// Creates a key (inside the caller's transaction) and audits it; the answer holds its secret,
/// which cannot be shown again.
pub fn create(conn: &mut AnyConnection, admin: &Admin, key: CheckedKey) -> ApiResult<ApiKeyCreated> {
    let spec = KeySpec { name: &key.name, scopes: &key.scopes, networks: &key.networks, expires_at: key.expires_at };
    let new = match &key.secret {
        None => apikeys::generate(),
        Some(secret) => {
            let new = apikeys::imported(secret).ok_or_else(|| ApiError::field("secret", "is not a key to keep"))?;
            // A kept key is found by its first characters: two alike could not be told apart.
            let taken = api_keys::table.filter(api_keys::prefix.eq(&new.prefix)).count().get_result::<i64>(conn)? > 0;
            if taken {
                return Err(ApiError::Conflict("A key beginning with the same 8 characters is kept already".into()));
            }
            new
        }
    };
    let (row, secret) = apikeys::insert(conn, spec, new)?;
    admin.audit(
        conn,
        "apikey.create",
        "apikey",
        row.id,
        json!({"name": row.name, "scopes": row.scopes, "allow_ip": row.allow_ip, "kept": key.secret.is_some()}),
    )?;
    Ok(ApiKeyCreated { key: key_view(row), secret })
}

/// Marks the key revoked (once: revoking a revoked key changes nothing); returns it, for the
/// caller to replace what its cache holds.
pub fn revoke(conn: &mut AnyConnection, admin: &Admin, id: i64) -> ApiResult<ApiKeyRow> {
    let row: ApiKeyRow = api_keys::table
        .find(id)
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("API key"))?;
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    diesel::update(api_keys::table.find(id))
        .set(api_keys::revoked_at.eq(chrono::Utc::now().naive_utc()))
        .execute(conn)?;
    admin.audit(conn, "apikey.revoke", "apikey", id, json!({"name": row.name}))?;
    Ok(row)
}
