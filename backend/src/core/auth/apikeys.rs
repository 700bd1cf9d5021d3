//! API keys for programs: `oxk_<prefix>_<secret>`, or a key another product's scripts send, kept
//! by an administrator (`imported`: its first 8 characters are its prefix, marked `~`). Only the
//! SHA-256 of a key is stored (a random 190-bit secret needs no slow hash); the prefix finds the
//! row and the hashes are compared in constant time.

use std::net::IpAddr;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ipnet::IpNet;
use rand::distributions::Alphanumeric;
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::core::db::models::ApiKeyRow;
use crate::core::db::schema::api_keys;
use crate::core::db::AnyConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    /// Tickets: create, reply, change, close.
    Write,
    /// Act for a named user, with exactly that user's rights.
    Impersonate,
    /// Run the desk: help topics, queues, statuses, priorities, settings, users, the outbox.
    /// Never API keys themselves: a leaked key cannot mint its successors.
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Impersonate => "impersonate",
            Scope::Admin => "admin",
        }
    }

    fn parse(s: &str) -> Option<Scope> {
        match s {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            "impersonate" => Some(Scope::Impersonate),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }
}

/// A key that was found, is not revoked and may be used from the caller's address.
#[derive(Debug, Clone)]
pub struct VerifiedKey {
    pub id: i64,
    pub name: String,
    pub scopes: Vec<Scope>,
}

impl VerifiedKey {
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// Parses "read,write" into scopes; the error names the first unknown one.
pub fn parse_scopes(text: &str) -> Result<Vec<Scope>, String> {
    let items: Vec<String> = text.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
    parse_scope_list(&items)
}

/// When a key stops working: a date (`2027-06-30`: through that day, UTC) or an RFC 3339 moment,
/// which must lie ahead.
pub fn parse_expiry(text: &str) -> Result<NaiveDateTime, String> {
    let text = text.trim();
    let at = match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => day.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)),
        Err(_) => chrono::DateTime::parse_from_rfc3339(text).ok().map(|t| t.naive_utc()),
    }
    .ok_or_else(|| "use a date like 2027-06-30 or a moment like 2027-06-30T18:00:00Z".to_owned())?;
    if at <= chrono::Utc::now().naive_utc() {
        return Err("must be in the future".into());
    }
    Ok(at)
}

pub fn parse_networks(list: &[String]) -> Result<Vec<IpNet>, String> {
    list.iter()
        .flat_map(|item| item.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| crate::config::network(s).ok_or_else(|| format!("{s:?} is not an address range like 10.0.0.0/8")))
        .collect()
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A new key: the text to show once, and what to store.
pub struct NewKey {
    pub secret: String,
    pub prefix: String,
    pub hash: String,
}

/// A kept key's prefix: `~` and its first 8 characters (an Oxidesk key's prefix has no `~`).
fn imported_prefix(secret: &str) -> Option<String> {
    (secret.len() >= 20 && secret.is_ascii() && !secret.starts_with("oxk_")).then(|| format!("~{}", &secret[..8]))
}

/// A key of another product's, checked by `shared::apikeys::check_imported_secret`.
pub fn imported(secret: &str) -> Option<NewKey> {
    Some(NewKey { prefix: imported_prefix(secret)?, hash: sha256_hex(secret), secret: secret.to_owned() })
}

pub fn generate() -> NewKey {
    let mut rng = rand::thread_rng();
    let prefix: String = (&mut rng).sample_iter(Alphanumeric).take(8).map(char::from).collect();
    let body: String = (&mut rng).sample_iter(Alphanumeric).take(32).map(char::from).collect();
    let secret = format!("oxk_{prefix}_{body}");
    NewKey { hash: sha256_hex(&secret), prefix, secret }
}

/// Scopes given one per item (`["read", "write"]`): each must be exactly one known scope, and
/// at least one is needed. The error names the first unknown one.
pub fn parse_scope_list(items: &[String]) -> Result<Vec<Scope>, String> {
    let mut scopes = Vec::new();
    for item in items {
        let scope = Scope::parse(item.trim())
            .ok_or_else(|| format!("unknown scope {item:?}: use read, write, impersonate, admin"))?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err("at least one scope is needed".into());
    }
    Ok(scopes)
}

/// What a new key is for: its name, scopes and the networks it may be used from (none: anywhere).
pub struct KeySpec<'a> {
    pub name: &'a str,
    pub scopes: &'a [Scope],
    pub networks: &'a [IpNet],
    pub expires_at: Option<NaiveDateTime>,
}

/// Stores the key (hashed); returns the stored row and the secret to show once.
pub fn insert(
    conn: &mut AnyConnection,
    spec: KeySpec<'_>,
    key: NewKey,
) -> Result<(ApiKeyRow, String), diesel::result::Error> {
    let scopes = spec.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",");
    let allow =
        (!spec.networks.is_empty()).then(|| spec.networks.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(","));
    let id: i64 = diesel::insert_into(api_keys::table)
        .values((
            api_keys::name.eq(spec.name),
            api_keys::prefix.eq(&key.prefix),
            api_keys::key_hash.eq(&key.hash),
            api_keys::scopes.eq(&scopes),
            api_keys::allow_ip.eq(allow.as_deref()),
            api_keys::expires_at.eq(spec.expires_at),
            api_keys::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(api_keys::id)
        .get_result(conn)?;
    let row = api_keys::table.find(id).select(ApiKeyRow::as_select()).first(conn)?;
    Ok((row, key.secret))
}

#[derive(Debug, PartialEq, Eq)]
pub enum KeyRejection {
    Unknown,
    Revoked,
    Expired,
    AddressNotAllowed,
}

/// A stored key, found by the key a client presented.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    key: VerifiedKey,
    networks: Vec<IpNet>,
    revoked: bool,
    expires_at: Option<NaiveDateTime>,
}

impl KeyRecord {
    /// The key, if it is still valid and may be used from `client`.
    pub fn check(&self, client: Option<IpAddr>) -> Result<VerifiedKey, KeyRejection> {
        if self.revoked {
            return Err(KeyRejection::Revoked);
        }
        if self.expires_at.is_some_and(|at| at <= chrono::Utc::now().naive_utc()) {
            return Err(KeyRejection::Expired);
        }
        if !self.networks.is_empty() && !client.is_some_and(|ip| self.networks.iter().any(|n| n.contains(&ip))) {
            return Err(KeyRejection::AddressNotAllowed);
        }
        Ok(self.key.clone())
    }

    /// A revoked key as the cache keeps it, so that this server refuses the key at once rather
    /// than when its cached record expires.
    pub fn revoked(row: &ApiKeyRow) -> KeyRecord {
        KeyRecord {
            key: VerifiedKey { id: row.id, name: row.name.clone(), scopes: Vec::new() },
            networks: Vec::new(),
            revoked: true,
            expires_at: row.expires_at,
        }
    }
}

/// The stored hash of a key is the SHA-256 of its text, which is also what the cache is keyed by.
pub fn fingerprint_of(row: &ApiKeyRow) -> String {
    row.key_hash.clone()
}

/// What the cache of checked keys is keyed by: the SHA-256 of the presented key.
pub fn fingerprint(presented: &str) -> String {
    sha256_hex(presented)
}

/// The stored key matching `presented` (compared in constant time), if any.
pub fn lookup(conn: &mut AnyConnection, presented: &str) -> Result<Option<KeyRecord>, diesel::result::Error> {
    let prefix = match presented.strip_prefix("oxk_") {
        Some(rest) => rest.split('_').next().map(str::to_owned),
        None => imported_prefix(presented),
    };
    let Some(prefix) = prefix else {
        return Ok(None);
    };
    let row: Option<ApiKeyRow> = api_keys::table
        .filter(api_keys::prefix.eq(&prefix))
        .select(ApiKeyRow::as_select())
        .get_result(conn)
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    let matches: bool = sha256_hex(presented).as_bytes().ct_eq(row.key_hash.as_bytes()).into();
    if !matches {
        return Ok(None);
    }
    touch_last_used(conn, row.id, row.last_used_at)?;
    Ok(Some(KeyRecord {
        networks: row
            .allow_ip
            .as_deref()
            .map(|a| parse_networks(&[a.to_owned()]).unwrap_or_default())
            .unwrap_or_default(),
        revoked: row.revoked_at.is_some(),
        expires_at: row.expires_at,
        key: VerifiedKey {
            id: row.id,
            name: row.name,
            scopes: row.scopes.split(',').filter_map(Scope::parse).collect(),
        },
    }))
}

/// Recording every use would turn each read into a write; once a minute is enough to show
/// whether a key is in use.
fn touch_last_used(
    conn: &mut AnyConnection,
    id: i64,
    last: Option<NaiveDateTime>,
) -> Result<(), diesel::result::Error> {
    let now = chrono::Utc::now().naive_utc();
    if last.is_some_and(|t| now - t < chrono::Duration::seconds(60)) {
        return Ok(());
    }
    diesel::update(api_keys::table.find(id)).set(api_keys::last_used_at.eq(now)).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_strictly() {
        assert_eq!(parse_scopes("read, write,read").unwrap(), vec![Scope::Read, Scope::Write]);
        assert_eq!(parse_scopes("read,admin").unwrap(), vec![Scope::Read, Scope::Admin]);
        assert!(parse_scopes("read,root").is_err());
        assert!(parse_scopes(" , ").is_err());
    }

    #[test]
    fn networks_accept_ranges_and_single_addresses() {
        let nets = parse_networks(&["10.0.0.0/8,127.0.0.1".into()]).unwrap();
        assert!(nets[0].contains(&"10.1.2.3".parse::<IpAddr>().unwrap()));
        assert!(nets[1].contains(&"127.0.0.1".parse::<IpAddr>().unwrap()));
        assert!(parse_networks(&["10.0.0.0/33".into()]).is_err());
    }

    #[test]
    fn scope_lists_take_one_known_scope_per_item() {
        let list = |items: &[&str]| parse_scope_list(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(list(&["read", "write", "read"]).unwrap(), vec![Scope::Read, Scope::Write]);
        assert!(list(&[]).is_err());
        assert!(list(&["read,write"]).is_err());
        assert!(list(&["root"]).is_err());
    }

    #[test]
    fn expiry_takes_a_future_date_or_moment() {
        use chrono::Datelike as _;
        let next_year = chrono::Utc::now().date_naive().year() + 1;
        let day = parse_expiry(&format!("{next_year}-06-30")).unwrap();
        assert_eq!(day.to_string(), format!("{next_year}-07-01 00:00:00"));
        assert!(parse_expiry(&format!("{next_year}-06-30T18:00:00+02:00")).is_ok());
        assert!(parse_expiry("2001-01-01").is_err());
        assert!(parse_expiry("tomorrow").is_err());
        assert!(parse_expiry("2027-13-40").is_err());
    }

    #[test]
    fn generated_keys_carry_their_prefix() {
        let key = generate();
        assert!(key.secret.starts_with(&format!("oxk_{}_", key.prefix)));
        assert_eq!(key.hash, sha256_hex(&key.secret));
    }
}
