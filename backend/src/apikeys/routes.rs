//! `/api/apikeys.json`: API keys, managed by administrators over HTTP as `oxidesk apikey` does on
//! the command line. Only people manage keys: a key that could mint or revoke keys could give
//! itself scopes or addresses it was never granted, or lock out every other program.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde_json::json;
use shared::apikeys::{ApiKey, ApiKeyCreate, ApiKeyCreated};
use shared::ApiErrorBody;

use crate::core::http::body::JsonBody;
use crate::core::audit::{self, AuditEvent};
use crate::core::auth::apikeys::{self, KeyRecord, KeySpec};
use crate::core::auth::guards::Admin;
use crate::core::auth::Actor;
use crate::core::db::models::ApiKeyRow;
use crate::core::db::schema::api_keys;
use crate::core::db::{write_tx, AnyConnection};
use crate::core::error::{ApiError, ApiResult};
use crate::core::state::AppState;
use crate::tickets::view::timestamp;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        crate::core::http::resource("/api/apikeys.json")
            .route(web::get().to(list_keys))
            .route(web::post().to(create_key)),
    )
    .service(crate::core::http::resource("/api/apikeys.json/{id}").route(web::delete().to(revoke_key)));
}

const NAME_MAX_CHARS: usize = 64;

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

/// Every key, revoked ones too, oldest first. Secrets are never shown again.
#[utoipa::path(
    get, path = "/api/apikeys.json", tag = "apikeys",
    responses((status = 200, body = [ApiKey]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn list_keys(state: web::Data<AppState>, admin: Admin) -> ApiResult<HttpResponse> {
    admin.person()?;
    let rows: Vec<ApiKeyRow> = state
        .db(|conn| Ok(api_keys::table.select(ApiKeyRow::as_select()).order(api_keys::id).load(conn)?))
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(key_view).collect::<Vec<_>>()))
}

struct CheckedKey {
    name: String,
    scopes: Vec<apikeys::Scope>,
    networks: Vec<ipnet::IpNet>,
    expires_at: Option<chrono::NaiveDateTime>,
}

fn check_key(body: ApiKeyCreate) -> ApiResult<CheckedKey> {
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
    match (scopes, networks, expires_at) {
        (Some(scopes), Some(networks), Some(expires_at)) if errors.is_empty() => {
            Ok(CheckedKey { name, scopes, networks, expires_at })
        }
        _ => Err(ApiError::InvalidFields(errors)),
    }
}

/// Create a key. The answer holds its secret, shown this once: only its hash is stored.
#[utoipa::path(
    post, path = "/api/apikeys.json", tag = "apikeys", request_body = ApiKeyCreate,
    responses(
        (status = 201, body = ApiKeyCreated),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_key(state: web::Data<AppState>, admin: Admin, body: JsonBody<ApiKeyCreate>) -> ApiResult<HttpResponse> {
    admin.person()?;
    let actor = admin.actor;
    let key = check_key(body.0)?;
    let ip = admin.ip;
    let (row, secret) = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let spec = KeySpec { name: &key.name, scopes: &key.scopes, networks: &key.networks, expires_at: key.expires_at };
                let (row, secret) = apikeys::insert(conn, spec)?;
                audit::record(conn, Some(&actor), ip.as_deref(), AuditEvent {
                    action: "apikey.create",
                    target_type: "apikey",
                    target_id: row.id.to_string(),
                    detail: json!({"name": row.name, "scopes": row.scopes, "allow_ip": row.allow_ip}),
                })?;
                Ok((row, secret))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(ApiKeyCreated { key: key_view(row), secret }))
}

/// Marks the key revoked (once: revoking a revoked key changes nothing); returns it.
fn revoke(conn: &mut AnyConnection, actor: &Actor, ip: Option<&str>, id: i64) -> ApiResult<ApiKeyRow> {
    let row: ApiKeyRow = api_keys::table
        .find(id)
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("API key"))?;
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    diesel::update(api_keys::table.find(id)).set(api_keys::revoked_at.eq(chrono::Utc::now().naive_utc())).execute(conn)?;
    audit::record(conn, Some(actor), ip, AuditEvent {
        action: "apikey.revoke",
        target_type: "apikey",
        target_id: id.to_string(),
        detail: json!({"name": row.name}),
    })?;
    Ok(row)
}

/// Revoke a key: it is refused from now on (by other replicas within two seconds). The row stays,
/// so the audit log still names the key.
#[utoipa::path(
    delete, path = "/api/apikeys.json/{id}", tag = "apikeys",
    params(("id" = i64, Path, description = "The key id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn revoke_key(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    admin.person()?;
    let actor = admin.actor;
    let id = id.into_inner();
    let ip = admin.ip;
    let row = state.db(move |conn| write_tx(conn, |conn| revoke(conn, &actor, ip.as_deref(), id))).await?;
    // This server's cache may hold the key as valid for a moment longer: replace it now.
    state.keys.put(apikeys::fingerprint_of(&row), KeyRecord::revoked(&row));
    Ok(HttpResponse::NoContent().finish())
}
