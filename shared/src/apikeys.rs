//! API keys as the administrator manages them: the secret is shown once, at creation.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 3, "name": "website", "prefix": "k3Jd9aQe", "scopes": ["read", "write"],
    "allow_ip": "192.0.2.0/24", "created": "2026-11-16T13:21:53Z", "last_used": null, "revoked": null,
    "expires": "2027-06-30T00:00:00Z"
})))]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    /// The public part of the key (`oxk_<prefix>_…`), to tell keys apart.
    pub prefix: String,
    /// read, write, impersonate.
    pub scopes: Vec<String>,
    /// Requests are accepted only from this network (CIDR) when set.
    pub allow_ip: Option<String>,
    pub created: String,
    pub last_used: Option<String>,
    /// When it was revoked; a revoked key is refused.
    pub revoked: Option<String>,
    /// After this moment the key is refused.
    pub expires: Option<String>,
}

/// Body of `POST /api/apikeys.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "website", "scopes": ["read", "write"], "allow_ip": "192.0.2.0/24"})))]
pub struct ApiKeyCreate {
    #[serde(default)]
    pub name: String,
    /// read (lists and tickets), write (tickets), impersonate (act for a named user), admin
    /// (help topics, queues, statuses, priorities, users, the outbox).
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub allow_ip: Option<String>,
    /// A date (`2027-06-30`, the key works through that day, UTC) or an RFC 3339 moment; in
    /// the future. Absent: the key never expires.
    #[serde(default)]
    pub expires: Option<String>,
    /// Keep a key another product's scripts send (NodePoint's are 32 letters and digits,
    /// ITFlow's 156), so that they run unchanged: 20 to 256 letters, digits, `-`, `_` or `.`, not
    /// beginning with `oxk_`. Absent: a new key is made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// The shape of a key kept from another product ([`ApiKeyCreate::secret`]): the reason when it
/// is not one.
pub fn check_imported_secret(secret: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    if !(20..=256).contains(&secret.len()) || !secret.chars().all(allowed) {
        return Err("must be 20 to 256 letters, digits, -, _ or .".into());
    }
    if secret.starts_with("oxk_") {
        return Err("is one of Oxidesk's own keys: leave it empty to make a new one".into());
    }
    Ok(())
}

/// The answer to a create: the key, and its secret — shown this once, never again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyCreated {
    pub key: ApiKey,
    /// Send it as `X-API-Key`; only its hash is stored.
    pub secret: String,
}
