//! Statuses (`/api/statuses.json`) and priorities (`/api/priorities.json`): the workflow's lists.
//! Everyone signed in reads them (forms offer them); administrators change them.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde_json::json;
use shared::catalog::{check_catalog_name, Priority, PriorityInput, Status, StatusInput, StatusState};
use shared::ApiErrorBody;

use crate::core::http::body::JsonBody;
use crate::core::auth::guards::Admin;
use crate::core::auth::apikeys::Scope;
use crate::core::auth::Caller;
use crate::core::db::models::{PriorityRow, StatusRow};
use crate::core::db::schema::{priorities, statuses};
use crate::core::db::{write_tx, AnyConnection};
use crate::core::error::{ApiError, ApiResult};
use crate::core::state::AppState;
use crate::catalog::rules::{self as rules, TicketRef};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        crate::core::http::resource("/api/statuses.json")
            .route(web::get().to(list_statuses))
            .route(web::post().to(create_status)),
    )
    .service(
        crate::core::http::resource("/api/statuses.json/{id}")
            .route(web::put().to(update_status))
            .route(web::delete().to(delete_status)),
    )
    .service(
        crate::core::http::resource("/api/priorities.json")
            .route(web::get().to(list_priorities))
            .route(web::post().to(create_priority)),
    )
    .service(
        crate::core::http::resource("/api/priorities.json/{id}")
            .route(web::put().to(update_priority))
            .route(web::delete().to(delete_priority)),
    );
}

/// Lists show rows by this number; a bounded range keeps it a plain integer everywhere.
pub const SORT_MAX: i64 = 1_000_000;

/// A sort position, when one was given: 0 to `SORT_MAX`.
pub fn check_sort(sort: Option<i64>, errors: &mut BTreeMap<String, String>) -> Option<i32> {
    let sort = sort?;
    match i32::try_from(sort).ok().filter(|s| (0..=SORT_MAX).contains(&i64::from(*s))) {
        Some(s) => Some(s),
        None => {
            errors.insert("sort".into(), format!("must be 0 to {SORT_MAX}"));
            None
        }
    }
}

/// A catalog name, trimmed; its problem goes to `errors` under `field`.
pub fn check_name(name: &str, field: &str, errors: &mut BTreeMap<String, String>) -> String {
    if let Err(e) = check_catalog_name(name) {
        errors.insert(field.into(), e);
    }
    name.trim().to_owned()
}

fn status_view(row: StatusRow) -> Status {
    Status { state: rules::status_state(&row), id: row.id, name: row.name, sort: row.sort.into() }
}

fn priority_view(row: PriorityRow) -> Priority {
    Priority { id: row.id, name: row.name, sort: row.sort.into() }
}

fn find_status(conn: &mut AnyConnection, id: i64) -> ApiResult<StatusRow> {
    statuses::table.find(id).select(StatusRow::as_select()).first(conn).optional()?.ok_or(ApiError::NotFound("status"))
}

fn find_priority(conn: &mut AnyConnection, id: i64) -> ApiResult<PriorityRow> {
    priorities::table
        .find(id)
        .select(PriorityRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("priority"))
}

struct CheckedStatus {
    name: String,
    state: StatusState,
    sort: Option<i32>,
}

/// A status body is whole: name and state are required on create and on update alike.
fn check_status(input: StatusInput) -> ApiResult<CheckedStatus> {
    let mut errors = BTreeMap::new();
    let name = check_name(&input.name, "name", &mut errors);
    let state = StatusState::parse(input.state.trim());
    if state.is_none() {
        errors.insert("state".into(), "must be open, pending, resolved or closed".into());
    }
    let sort = check_sort(input.sort, &mut errors);
    match state {
        Some(state) if errors.is_empty() => Ok(CheckedStatus { name, state, sort }),
        _ => Err(ApiError::InvalidFields(errors)),
    }
}

/// The statuses, in their list order.
#[utoipa::path(
    get, path = "/api/statuses.json", tag = "workflow",
    responses((status = 200, body = [Status]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn list_statuses(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    let rows: Vec<StatusRow> = state
        .db(|conn| Ok(statuses::table.select(StatusRow::as_select()).order((statuses::sort, statuses::id)).load(conn)?))
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(status_view).collect::<Vec<_>>()))
}

/// Add a status (administrators, or keys with the admin scope).
#[utoipa::path(
    post, path = "/api/statuses.json", tag = "workflow", request_body = StatusInput,
    responses(
        (status = 201, body = Status),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 409, description = "A status of this name exists", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn create_status(state: web::Data<AppState>, admin: Admin, body: JsonBody<StatusInput>) -> ApiResult<HttpResponse> {
    let input = check_status(body.0)?;
    let created = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                rules::ensure_name_free(&rules::status_names(conn)?, &input.name, None, "status")?;
                let sort = match input.sort {
                    Some(s) => s,
                    None => rules::next_status_sort(conn)?,
                };
                let id: i64 = diesel::insert_into(statuses::table)
                    .values((statuses::name.eq(&input.name), statuses::state.eq(input.state.as_str()), statuses::sort.eq(sort)))
                    .returning(statuses::id)
                    .get_result(conn)?;
                admin.audit(conn, "status.create", "status", id, json!({"name": input.name, "state": input.state.as_str(), "sort": sort}))?;
                find_status(conn, id)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(status_view(created)))
}

/// A status's state may change freely while no ticket has it; with tickets, only between open
/// and pending: anything else would resolve or close them without a resolution, or reopen them
/// without a trace.
fn check_state_change(conn: &mut AnyConnection, row: &StatusRow, to: StatusState) -> ApiResult<()> {
    let from = rules::status_state(row);
    if from == to {
        return Ok(());
    }
    if rules::is_builtin_status(row.id) {
        return Err(ApiError::field("state", format!("{} is built in: its state stays {}", row.name, from.as_str())));
    }
    if from.is_active() && to.is_active() {
        return Ok(());
    }
    let used = rules::tickets_using(conn, TicketRef::Status, row.id)?;
    if used > 0 {
        return Err(ApiError::Conflict(format!(
            "{used} tickets have the status {}: move them to another status before changing its state from {} to {}",
            row.name,
            from.as_str(),
            to.as_str()
        )));
    }
    Ok(())
}

/// Rename, re-sort or re-state a status. The body is whole (name and state); `sort` keeps its
/// value when absent. Open, Resolved and Closed (ids 1–3) keep their state.
#[utoipa::path(
    put, path = "/api/statuses.json/{id}", tag = "workflow", request_body = StatusInput,
    params(("id" = i64, Path, description = "The status id")),
    responses(
        (status = 200, body = Status),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
        (status = 409, description = "The name is taken, or tickets have this status and its state would change", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn update_status(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i64>,
    body: JsonBody<StatusInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = check_status(body.0)?;
    let updated = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = find_status(conn, id)?;
                check_state_change(conn, &row, input.state)?;
                rules::ensure_name_free(&rules::status_names(conn)?, &input.name, Some(id), "status")?;
                let sort = input.sort.unwrap_or(row.sort);
                diesel::update(statuses::table.find(id))
                    .set((statuses::name.eq(&input.name), statuses::state.eq(input.state.as_str()), statuses::sort.eq(sort)))
                    .execute(conn)?;
                admin.audit(conn, "status.update", "status", id, json!({
                    "before": {"name": row.name, "state": row.state, "sort": row.sort},
                    "after": {"name": input.name, "state": input.state.as_str(), "sort": sort},
                }))?;
                find_status(conn, id)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(status_view(updated)))
}

/// Delete a status that no ticket has. The built-in ones (ids 1–3) stay.
#[utoipa::path(
    delete, path = "/api/statuses.json/{id}", tag = "workflow",
    params(("id" = i64, Path, description = "The status id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "Built in, or tickets have this status", body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn delete_status(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = find_status(conn, id)?;
                if rules::is_builtin_status(id) {
                    return Err(ApiError::Conflict(format!(
                        "{} is built in (ids 1-3 are Open, Resolved and Closed) and cannot be deleted; rename it instead",
                        row.name
                    )));
                }
                let used = rules::tickets_using(conn, TicketRef::Status, id)?;
                if used > 0 {
                    return Err(ApiError::Conflict(format!(
                        "{used} tickets have the status {}: move them to another status first",
                        row.name
                    )));
                }
                diesel::delete(statuses::table.find(id)).execute(conn)?;
                admin.audit(conn, "status.delete", "status", id, json!({"name": row.name, "state": row.state}))?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

struct CheckedPriority {
    name: String,
    sort: Option<i32>,
}

fn check_priority(input: PriorityInput) -> ApiResult<CheckedPriority> {
    let mut errors = BTreeMap::new();
    let name = check_name(&input.name, "name", &mut errors);
    let sort = check_sort(input.sort, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    Ok(CheckedPriority { name, sort })
}

/// The priorities, least urgent first.
#[utoipa::path(
    get, path = "/api/priorities.json", tag = "workflow",
    responses((status = 200, body = [Priority]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn list_priorities(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    let rows: Vec<PriorityRow> = state
        .db(|conn| {
            Ok(priorities::table.select(PriorityRow::as_select()).order((priorities::sort, priorities::id)).load(conn)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(priority_view).collect::<Vec<_>>()))
}

/// Add a priority (administrators, or keys with the admin scope); without `sort` it is the most urgent.
#[utoipa::path(
    post, path = "/api/priorities.json", tag = "workflow", request_body = PriorityInput,
    responses(
        (status = 201, body = Priority),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 409, description = "A priority of this name exists", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn create_priority(state: web::Data<AppState>, admin: Admin, body: JsonBody<PriorityInput>) -> ApiResult<HttpResponse> {
    let input = check_priority(body.0)?;
    let created = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                rules::ensure_name_free(&rules::priority_names(conn)?, &input.name, None, "priority")?;
                let sort = match input.sort {
                    Some(s) => s,
                    None => rules::next_priority_sort(conn)?,
                };
                let id: i64 = diesel::insert_into(priorities::table)
                    .values((priorities::name.eq(&input.name), priorities::sort.eq(sort)))
                    .returning(priorities::id)
                    .get_result(conn)?;
                admin.audit(conn, "priority.create", "priority", id, json!({"name": input.name, "sort": sort}))?;
                find_priority(conn, id)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(priority_view(created)))
}

/// Rename or re-sort a priority. `name` is required; `sort` keeps its value when absent.
#[utoipa::path(
    put, path = "/api/priorities.json/{id}", tag = "workflow", request_body = PriorityInput,
    params(("id" = i64, Path, description = "The priority id")),
    responses(
        (status = 200, body = Priority),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 409, description = "The name is taken", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn update_priority(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i64>,
    body: JsonBody<PriorityInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = check_priority(body.0)?;
    let updated = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = find_priority(conn, id)?;
                rules::ensure_name_free(&rules::priority_names(conn)?, &input.name, Some(id), "priority")?;
                let sort = input.sort.unwrap_or(row.sort);
                diesel::update(priorities::table.find(id))
                    .set((priorities::name.eq(&input.name), priorities::sort.eq(sort)))
                    .execute(conn)?;
                admin.audit(conn, "priority.update", "priority", id, json!({
                    "before": {"name": row.name, "sort": row.sort},
                    "after": {"name": input.name, "sort": sort},
                }))?;
                find_priority(conn, id)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(priority_view(updated)))
}

/// Delete a priority that no ticket has. Normal (the default of new tickets) stays.
#[utoipa::path(
    delete, path = "/api/priorities.json/{id}", tag = "workflow",
    params(("id" = i64, Path, description = "The priority id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "The default priority, or tickets have it", body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn delete_priority(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = find_priority(conn, id)?;
                if id == rules::DEFAULT_PRIORITY_ID {
                    return Err(ApiError::Conflict(format!(
                        "{} is the priority of new tickets and cannot be deleted; rename it instead",
                        row.name
                    )));
                }
                let used = rules::tickets_using(conn, TicketRef::Priority, id)?;
                if used > 0 {
                    return Err(ApiError::Conflict(format!(
                        "{used} tickets have the priority {}: change theirs first",
                        row.name
                    )));
                }
                diesel::delete(priorities::table.find(id)).execute(conn)?;
                admin.audit(conn, "priority.delete", "priority", id, json!({"name": row.name}))?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
