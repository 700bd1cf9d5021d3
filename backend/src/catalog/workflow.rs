//! Statuses (`/api/statuses.json`) and priorities (`/api/priorities.json`): the workflow's lists.
//! Everyone signed in reads them (forms offer them); administrators change them. This is their
//! HTTP; their rules are in `statuses` and `priorities`.

use actix_web::{delete, get, post, put, web, HttpResponse};
use shared::catalog::{Priority, PriorityInput, Status, StatusInput};
use shared::ApiErrorBody;

use crate::catalog::{priorities, statuses};
use crate::core::auth::apikeys::Scope;
use crate::core::auth::guards::Admin;
use crate::core::auth::Caller;
use crate::core::db::write_tx;
use crate::core::error::ApiResult;
use crate::core::http::body::JsonBody;
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_statuses)
        .service(create_status)
        .service(update_status)
        .service(delete_status)
        .service(list_priorities)
        .service(create_priority)
        .service(update_priority)
        .service(delete_priority);
}

/// The statuses, in their list order.
#[utoipa::path(
    tag = "workflow",
    responses((status = 200, body = [Status]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("api_key" = ["read"]), ("bearer" = ["authorized_user"]))
)]
#[get("/api/statuses.json")]
pub async fn list_statuses(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    Ok(HttpResponse::Ok().json(state.db(statuses::list).await?))
}

/// Add a status (administrators, or keys with the admin scope).
#[utoipa::path(
    tag = "workflow", request_body = StatusInput,
    responses(
        (status = 201, body = Status),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 409, description = "A status of this name exists", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[post("/api/statuses.json")]
pub async fn create_status(
    state: web::Data<AppState>,
    admin: Admin,
    body: JsonBody<StatusInput>,
) -> ApiResult<HttpResponse> {
    let input = statuses::check(body.0)?;
    let created = state.db(move |conn| write_tx(conn, |conn| statuses::create(conn, &admin, input))).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Rename, re-sort or re-state a status. The body is whole (name and state); `sort` keeps its
/// value when absent. Open, Resolved and Closed (ids 1–3) keep their state.
#[utoipa::path(
    tag = "workflow", request_body = StatusInput,
    params(("id" = i64, Path, description = "The status id")),
    responses(
        (status = 200, body = Status),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
        (status = 409, description = "The name is taken, or tickets have this status and its state would change", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[put("/api/statuses.json/{id}")]
pub async fn update_status(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i64>,
    body: JsonBody<StatusInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = statuses::check(body.0)?;
    let updated = state.db(move |conn| write_tx(conn, |conn| statuses::update(conn, &admin, id, input))).await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Delete a status that no ticket has. The built-in ones (ids 1–3) stay.
#[utoipa::path(
    tag = "workflow",
    params(("id" = i64, Path, description = "The status id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "Built in, or tickets have this status", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[delete("/api/statuses.json/{id}")]
pub async fn delete_status(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.db(move |conn| write_tx(conn, |conn| statuses::delete(conn, &admin, id))).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The priorities, least urgent first.
#[utoipa::path(
    tag = "workflow",
    responses((status = 200, body = [Priority]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("api_key" = ["read"]), ("bearer" = ["authorized_user"]))
)]
#[get("/api/priorities.json")]
pub async fn list_priorities(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    Ok(HttpResponse::Ok().json(state.db(priorities::list).await?))
}

/// Add a priority (administrators, or keys with the admin scope); without `sort` it is the most urgent.
#[utoipa::path(
    tag = "workflow", request_body = PriorityInput,
    responses(
        (status = 201, body = Priority),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 409, description = "A priority of this name exists", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[post("/api/priorities.json")]
pub async fn create_priority(
    state: web::Data<AppState>,
    admin: Admin,
    body: JsonBody<PriorityInput>,
) -> ApiResult<HttpResponse> {
    let input = priorities::check(body.0)?;
    let created = state.db(move |conn| write_tx(conn, |conn| priorities::create(conn, &admin, input))).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Rename or re-sort a priority. `name` is required; `sort` keeps its value when absent.
#[utoipa::path(
    tag = "workflow", request_body = PriorityInput,
    params(("id" = i64, Path, description = "The priority id")),
    responses(
        (status = 200, body = Priority),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 409, description = "The name is taken", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[put("/api/priorities.json/{id}")]
pub async fn update_priority(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i64>,
    body: JsonBody<PriorityInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = priorities::check(body.0)?;
    let updated = state.db(move |conn| write_tx(conn, |conn| priorities::update(conn, &admin, id, input))).await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Delete a priority that no ticket has. Normal (the default of new tickets) stays.
#[utoipa::path(
    tag = "workflow",
    params(("id" = i64, Path, description = "The priority id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "The default priority, or tickets have it", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[delete("/api/priorities.json/{id}")]
pub async fn delete_priority(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.db(move |conn| write_tx(conn, |conn| priorities::delete(conn, &admin, id))).await?;
    Ok(HttpResponse::NoContent().finish())
}
