//! `/api/apikeys.json`: API keys, managed by administrators over HTTP as `oxidesk apikey` does on
//! the command line. Only people manage keys: a key that could mint or revoke keys could give
//! itself scopes or addresses it was never granted, or lock out every other program. This is the
//! HTTP; the rules are in `rules`.

use actix_web::{delete, get, post, web, HttpResponse};
use shared::apikeys::{ApiKey, ApiKeyCreate, ApiKeyCreated};
use shared::ApiErrorBody;

use crate::apikeys::rules;
use crate::core::auth::apikeys::{self, KeyRecord};
use crate::core::auth::guards::{Admin, AdministratorInPerson, Allowed};
use crate::core::db::write_tx;
use crate::core::error::ApiResult;
use crate::core::http::body::JsonBody;
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_keys).service(create_key).service(revoke_key);
}

/// Every key, revoked ones too, oldest first. Secrets are never shown again.
#[utoipa::path(
    tag = "apikeys",
    responses((status = 200, body = [ApiKey]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = ["administrator"]))
)]
#[get("/api/apikeys.json")]
pub async fn list_keys(state: web::Data<AppState>, _admin: Allowed<AdministratorInPerson>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.db(rules::list).await?))
}

/// Create a key. The answer holds its secret, shown this once: only its hash is stored.
#[utoipa::path(
    tag = "apikeys", request_body = ApiKeyCreate,
    responses(
        (status = 201, body = ApiKeyCreated),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("bearer" = ["administrator"]))
)]
#[post("/api/apikeys.json")]
pub async fn create_key(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<AdministratorInPerson>,
    body: JsonBody<ApiKeyCreate>,
) -> ApiResult<HttpResponse> {
    let admin = Admin::check(caller)?;
    let key = rules::check(body.0)?;
    let created = state.db(move |conn| write_tx(conn, |conn| rules::create(conn, &admin, key))).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Revoke a key: it is refused from now on (by other replicas within two seconds). The row stays,
/// so the audit log still names the key.
#[utoipa::path(
    tag = "apikeys",
    params(("id" = i64, Path, description = "The key id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
    ),
    security(("bearer" = ["administrator"]))
)]
#[delete("/api/apikeys.json/{id}")]
pub async fn revoke_key(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<AdministratorInPerson>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let admin = Admin::check(caller)?;
    let id = id.into_inner();
    let row = state.db(move |conn| write_tx(conn, |conn| rules::revoke(conn, &admin, id))).await?;
    // This server's cache may hold the key as valid for a moment longer: replace it now.
    state.keys.put(apikeys::fingerprint_of(&row), KeyRecord::revoked(&row));
    Ok(HttpResponse::NoContent().finish())
}
