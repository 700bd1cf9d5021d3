//! Help topics (`/api/topics.json`, osTicket's shape) and queues (`/api/queues.json`) over HTTP;
//! their rules are in `topics` and `queues`.

use actix_web::{delete, get, post, put, web, HttpResponse};
use serde::Deserialize;
use shared::catalog::{Queue, QueueInput, Topic, TopicCreate, TopicUpdate};
use shared::ApiErrorBody;

use crate::catalog::{queues, topics};
use crate::core::auth::apikeys::Scope;
use crate::core::auth::guards::Admin;
use crate::core::auth::{Caller, Visitor};
use crate::core::db::write_tx;
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::JsonBody;
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_topics)
        .service(create_topic)
        .service(update_topic)
        .service(delete_topic)
        .service(list_queues)
        .service(create_queue)
        .service(update_queue)
        .service(delete_queue);
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicListQuery {
    /// `true` lists inactive topics too (agents and keys only); by default only active ones, as osTicket.
    all: Option<bool>,
}

/// The help topics, by name: the active ones, or all with `all=true`. The active ones need no
/// credentials: the guest and public forms offer them, as osTicket's open-ticket page does.
#[utoipa::path(
    tag = "tickets", params(TopicListQuery),
    responses((status = 200, body = [Topic]), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, description = "all=true by a customer", body = ApiErrorBody)),
    security(("api_key" = ["read"]), ("bearer" = ["authorized_user"]), ())
)]
#[get("/api/topics.json")]
pub async fn list_topics(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<TopicListQuery>,
) -> ApiResult<HttpResponse> {
    if let Some(caller) = &visitor.0 {
        caller.require(Scope::Read)?;
    }
    let all = query.all.unwrap_or(false);
    if all && !visitor.actor().is_staff() {
        return Err(ApiError::Forbidden("Only agents can list inactive help topics".into()));
    }
    Ok(HttpResponse::Ok().json(state.db(move |conn| topics::list(conn, all)).await?))
}

/// Create a help topic (administrators, or keys with the admin scope).
#[utoipa::path(
    tag = "tickets", request_body = TopicCreate,
    responses(
        (status = 201, body = Topic),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, description = "Invalid or taken name, unknown queue", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[post("/api/topics.json")]
pub async fn create_topic(
    state: web::Data<AppState>,
    admin: Admin,
    body: JsonBody<TopicCreate>,
) -> ApiResult<HttpResponse> {
    let input = topics::check_new(body.0)?;
    let topic = state.db(move |conn| write_tx(conn, |conn| topics::create(conn, &admin, input))).await?;
    Ok(HttpResponse::Created().json(topic))
}

/// Rename a help topic, route it to another queue, or (de)activate it. Absent fields keep their value.
#[utoipa::path(
    tag = "tickets", request_body = TopicUpdate,
    params(("id" = i64, Path, description = "The topic id")),
    responses(
        (status = 200, body = Topic),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 409, description = "The name is taken", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[put("/api/topics.json/{id}")]
pub async fn update_topic(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i64>,
    body: JsonBody<TopicUpdate>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = topics::check_change(body.0)?;
    let topic = state.db(move |conn| write_tx(conn, |conn| topics::update(conn, &admin, id, input))).await?;
    Ok(HttpResponse::Ok().json(topic))
}

/// Delete a help topic no ticket has; one in use is deactivated instead (`PUT {"active": false}`).
#[utoipa::path(
    tag = "tickets",
    params(("id" = i64, Path, description = "The topic id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "Tickets have this topic: deactivate it instead", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[delete("/api/topics.json/{id}")]
pub async fn delete_topic(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.db(move |conn| write_tx(conn, |conn| topics::delete(conn, &admin, id))).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The queues (osTicket's departments).
#[utoipa::path(
    tag = "tickets",
    responses((status = 200, body = [Queue]), (status = 401, body = ApiErrorBody),
              (status = 403, description = "The key lacks the read scope", body = ApiErrorBody)),
    security(("api_key" = ["read"]), ("bearer" = ["authorized_user"]))
)]
#[get("/api/queues.json")]
pub async fn list_queues(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    Ok(HttpResponse::Ok().json(state.db(queues::list).await?))
}

/// Add a queue (administrators, or keys with the admin scope).
#[utoipa::path(
    tag = "tickets", request_body = QueueInput,
    responses(
        (status = 201, body = Queue),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 409, description = "A queue of this name exists", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[post("/api/queues.json")]
pub async fn create_queue(
    state: web::Data<AppState>,
    admin: Admin,
    body: JsonBody<QueueInput>,
) -> ApiResult<HttpResponse> {
    let input = queues::check(body.0)?;
    let queue = state.db(move |conn| write_tx(conn, |conn| queues::create(conn, &admin, input))).await?;
    Ok(HttpResponse::Created().json(queue))
}

/// Rename a queue or change its address. The body is whole: an absent `email` clears it.
#[utoipa::path(
    tag = "tickets", request_body = QueueInput,
    params(("id" = i64, Path, description = "The queue id")),
    responses(
        (status = 200, body = Queue),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 409, description = "The name is taken", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[put("/api/queues.json/{id}")]
pub async fn update_queue(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i64>,
    body: JsonBody<QueueInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = queues::check(body.0)?;
    let queue = state.db(move |conn| write_tx(conn, |conn| queues::update(conn, &admin, id, input))).await?;
    Ok(HttpResponse::Ok().json(queue))
}

/// Delete a queue that no ticket or topic uses (and that is not the last one).
#[utoipa::path(
    tag = "tickets",
    params(("id" = i64, Path, description = "The queue id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "Tickets or topics use it, or it is the last queue", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[delete("/api/queues.json/{id}")]
pub async fn delete_queue(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.db(move |conn| write_tx(conn, |conn| queues::delete(conn, &admin, id))).await?;
    Ok(HttpResponse::NoContent().finish())
}
