//! Help topics (`/api/topics.json`, osTicket's shape) and queues (`/api/queues.json`).

use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde_json::json;
use shared::catalog::{Queue, Topic, TopicCreate};
use shared::{AccessLevel, ApiErrorBody};

use super::body::JsonBody;
use crate::audit::{self, AuditEvent};
use crate::auth::apikeys::Scope;
use crate::auth::{level_of, Actor, Caller};
use crate::db::models::QueueRow;
use crate::db::schema::{help_topics, queues};
use crate::db::{write_tx, AnyConnection};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tickets::catalog as rules;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/api/topics.json")
            .route(web::get().to(list_topics))
            .route(web::post().to(create_topic)),
    )
    .service(super::resource("/api/queues.json").route(web::get().to(list_queues)));
}

fn topics(conn: &mut AnyConnection, id: Option<i64>) -> ApiResult<Vec<Topic>> {
    let mut q = help_topics::table
        .inner_join(queues::table.on(queues::id.eq(help_topics::queue_id)))
        .filter(help_topics::active.eq(true))
        .select((help_topics::id, help_topics::name, queues::id, queues::name))
        .order(help_topics::name)
        .into_boxed();
    if let Some(id) = id {
        q = q.filter(help_topics::id.eq(id));
    }
    Ok(q.load::<(i64, String, i64, String)>(conn)?
        .into_iter()
        .map(|(id, value, queue_id, queue)| Topic { id, value, queue_id, queue, active: true })
        .collect())
}

/// The active help topics, by name.
#[utoipa::path(
    get, path = "/api/topics.json", tag = "tickets",
    responses((status = 200, body = [Topic]), (status = 401, body = ApiErrorBody)),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn list_topics(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    Ok(HttpResponse::Ok().json(state.db(|conn| topics(conn, None)).await?))
}

/// Create a help topic (administrators, or keys with the write scope).
#[utoipa::path(
    post, path = "/api/topics.json", tag = "tickets", request_body = TopicCreate,
    responses(
        (status = 201, body = Topic),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn create_topic(state: web::Data<AppState>, caller: Caller, body: JsonBody<TopicCreate>) -> ApiResult<HttpResponse> {
    caller.require(Scope::Write)?;
    let actor = caller.as_actor();
    if let Actor::User(u) = &actor {
        if level_of(u) < AccessLevel::Administrator {
            return Err(ApiError::Forbidden("Only administrators can create help topics".into()));
        }
    }
    let body = body.0;
    let name = body.value.trim().to_owned();
    if name.is_empty() || name.chars().count() > 128 || name.chars().any(char::is_control) {
        return Err(ApiError::field("value", "must be 1 to 128 characters on one line"));
    }
    let ip = caller.ip.map(|i| i.to_string());
    let topic = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let queue_id = match body.queue_id {
                    Some(id) => rules::queue_exists(conn, id).map(|_| id)?,
                    None => rules::first_queue(conn)?,
                };
                let taken: Option<i64> = help_topics::table
                    .filter(help_topics::name.eq(&name))
                    .select(help_topics::id)
                    .first(conn)
                    .optional()?;
                if taken.is_some() {
                    return Err(ApiError::field("value", "a topic with this name exists"));
                }
                let id: i64 = diesel::insert_into(help_topics::table)
                    .values((help_topics::name.eq(&name), help_topics::queue_id.eq(queue_id), help_topics::active.eq(true)))
                    .returning(help_topics::id)
                    .get_result(conn)?;
                audit::record(conn, Some(&actor), ip.as_deref(), AuditEvent {
                    action: "topic.create", target_type: "topic", target_id: id.to_string(), detail: json!({"name": name}),
                })?;
                topics(conn, Some(id))?.pop().ok_or(ApiError::NotFound("topic"))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(topic))
}

/// The queues (osTicket's departments).
#[utoipa::path(
    get, path = "/api/queues.json", tag = "tickets",
    responses((status = 200, body = [Queue]), (status = 401, body = ApiErrorBody)),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn list_queues(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    let rows: Vec<QueueRow> = state
        .db(|conn| Ok(queues::table.select(QueueRow::as_select()).order(queues::name).load(conn)?))
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(|q| Queue { id: q.id, name: q.name, email: q.email }).collect::<Vec<_>>()))
}
