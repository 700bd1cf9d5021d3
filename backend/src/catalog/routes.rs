//! Help topics (`/api/topics.json`, osTicket's shape) and queues (`/api/queues.json`).

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use shared::catalog::{Queue, QueueInput, Topic, TopicCreate, TopicUpdate};
use shared::validate::Email;
use shared::ApiErrorBody;

use crate::core::http::body::JsonBody;
use crate::catalog::workflow::check_name;
use crate::core::auth::apikeys::Scope;
use crate::core::auth::guards::Admin;
use crate::core::auth::{Caller, Visitor};
use crate::core::db::models::{QueueRow, TopicRow};
use crate::core::db::schema::{help_topics, queues};
use crate::core::db::{write_tx, AnyConnection};
use crate::core::error::{ApiError, ApiResult};
use crate::core::state::AppState;
use crate::catalog::rules::{self as rules, TicketRef};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        crate::core::http::resource("/api/topics.json")
            .route(web::get().to(list_topics))
            .route(web::post().to(create_topic)),
    )
    .service(
        crate::core::http::resource("/api/topics.json/{id}")
            .route(web::put().to(update_topic))
            .route(web::delete().to(delete_topic)),
    )
    .service(
        crate::core::http::resource("/api/queues.json")
            .route(web::get().to(list_queues))
            .route(web::post().to(create_queue)),
    )
    .service(
        crate::core::http::resource("/api/queues.json/{id}")
            .route(web::put().to(update_queue))
            .route(web::delete().to(delete_queue)),
    );
}

/// Topics with their queue's name, by name; inactive ones only when `all`.
fn topics(conn: &mut AnyConnection, id: Option<i64>, all: bool) -> ApiResult<Vec<Topic>> {
    let mut q = help_topics::table
        .inner_join(queues::table.on(queues::id.eq(help_topics::queue_id)))
        .select((help_topics::id, help_topics::name, queues::id, queues::name, help_topics::active))
        .order(help_topics::name)
        .into_boxed();
    if !all {
        q = q.filter(help_topics::active.eq(true));
    }
    if let Some(id) = id {
        q = q.filter(help_topics::id.eq(id));
    }
    Ok(q.load::<(i64, String, i64, String, bool)>(conn)?
        .into_iter()
        .map(|(id, value, queue_id, queue, active)| Topic { id, value, queue_id, queue, active })
        .collect())
}

fn one_topic(conn: &mut AnyConnection, id: i64) -> ApiResult<Topic> {
    topics(conn, Some(id), true)?.pop().ok_or(ApiError::NotFound("topic"))
}

fn find_topic(conn: &mut AnyConnection, id: i64) -> ApiResult<TopicRow> {
    help_topics::table.find(id).select(TopicRow::as_select()).first(conn).optional()?.ok_or(ApiError::NotFound("topic"))
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
    get, path = "/api/topics.json", tag = "tickets", params(TopicListQuery),
    responses((status = 200, body = [Topic]), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, description = "all=true by a customer", body = ApiErrorBody)),
    security(("api_key" = []), ("bearer" = []), ())
)]
pub async fn list_topics(state: web::Data<AppState>, visitor: Visitor, query: web::Query<TopicListQuery>) -> ApiResult<HttpResponse> {
    if let Some(caller) = &visitor.0 {
        caller.require(Scope::Read)?;
    }
    let all = query.all.unwrap_or(false);
    if all && !visitor.actor().is_staff() {
        return Err(ApiError::Forbidden("Only agents can list inactive help topics".into()));
    }
    Ok(HttpResponse::Ok().json(state.db(move |conn| topics(conn, None, all)).await?))
}

/// Create a help topic (administrators, or keys with the admin scope).
#[utoipa::path(
    post, path = "/api/topics.json", tag = "tickets", request_body = TopicCreate,
    responses(
        (status = 201, body = Topic),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, description = "Invalid or taken name, unknown queue", body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn create_topic(state: web::Data<AppState>, admin: Admin, body: JsonBody<TopicCreate>) -> ApiResult<HttpResponse> {
    let body = body.0;
    let mut errors = BTreeMap::new();
    let name = check_name(&body.value, "value", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    let topic = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let queue_id = match body.queue_id {
                    Some(id) => rules::queue_exists(conn, id).map(|_| id)?,
                    None => rules::first_queue(conn)?,
                };
                // osTicket scripts were told about a taken name by a 422 on `value`: it stays so
                // here (updates answer 409, as every other catalog name).
                rules::ensure_name_free(&rules::topic_names(conn)?, &name, None, "topic")
                    .map_err(|_| ApiError::field("value", "a topic with this name exists"))?;
                let id: i64 = diesel::insert_into(help_topics::table)
                    .values((help_topics::name.eq(&name), help_topics::queue_id.eq(queue_id), help_topics::active.eq(true)))
                    .returning(help_topics::id)
                    .get_result(conn)?;
                admin.audit(conn, "topic.create", "topic", id, json!({"name": name}))?;
                one_topic(conn, id)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(topic))
}

/// Rename a help topic, route it to another queue, or (de)activate it. Absent fields keep their value.
#[utoipa::path(
    put, path = "/api/topics.json/{id}", tag = "tickets", request_body = TopicUpdate,
    params(("id" = i64, Path, description = "The topic id")),
    responses(
        (status = 200, body = Topic),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 409, description = "The name is taken", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn update_topic(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i64>,
    body: JsonBody<TopicUpdate>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.0;
    let mut errors = BTreeMap::new();
    let name = body.value.as_deref().map(|v| check_name(v, "value", &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    let topic = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = find_topic(conn, id)?;
                if let Some(queue_id) = body.queue_id {
                    rules::queue_exists(conn, queue_id)?;
                }
                if let Some(name) = &name {
                    rules::ensure_name_free(&rules::topic_names(conn)?, name, Some(id), "topic")?;
                }
                let after = TopicRow {
                    id,
                    name: name.unwrap_or_else(|| row.name.clone()),
                    queue_id: body.queue_id.unwrap_or(row.queue_id),
                    active: body.active.unwrap_or(row.active),
                };
                diesel::update(help_topics::table.find(id))
                    .set((help_topics::name.eq(&after.name), help_topics::queue_id.eq(after.queue_id), help_topics::active.eq(after.active)))
                    .execute(conn)?;
                admin.audit(conn, "topic.update", "topic", id, json!({
                    "before": {"name": row.name, "queue_id": row.queue_id, "active": row.active},
                    "after": {"name": after.name, "queue_id": after.queue_id, "active": after.active},
                }))?;
                one_topic(conn, id)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(topic))
}

/// Delete a help topic no ticket has; one in use is deactivated instead (`PUT {"active": false}`).
#[utoipa::path(
    delete, path = "/api/topics.json/{id}", tag = "tickets",
    params(("id" = i64, Path, description = "The topic id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "Tickets have this topic: deactivate it instead", body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn delete_topic(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = find_topic(conn, id)?;
                let used = rules::tickets_using(conn, TicketRef::Topic, id)?;
                if used > 0 {
                    return Err(ApiError::Conflict(format!(
                        "{used} tickets have the topic {}: deactivate it instead (PUT {{\"active\": false}}), \
                         so that it is no longer offered",
                        row.name
                    )));
                }
                diesel::delete(help_topics::table.find(id)).execute(conn)?;
                admin.audit(conn, "topic.delete", "topic", id, json!({"name": row.name}))?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn queue_view(row: QueueRow) -> Queue {
    Queue { id: row.id, name: row.name, email: row.email }
}

fn find_queue(conn: &mut AnyConnection, id: i64) -> ApiResult<QueueRow> {
    queues::table.find(id).select(QueueRow::as_select()).first(conn).optional()?.ok_or(ApiError::NotFound("queue"))
}

/// The queues (osTicket's departments).
#[utoipa::path(
    get, path = "/api/queues.json", tag = "tickets",
    responses((status = 200, body = [Queue]), (status = 401, body = ApiErrorBody),
              (status = 403, description = "The key lacks the read scope", body = ApiErrorBody)),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn list_queues(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    let rows: Vec<QueueRow> = state
        .db(|conn| Ok(queues::table.select(QueueRow::as_select()).order(queues::name).load(conn)?))
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(queue_view).collect::<Vec<_>>()))
}

/// A queue body is whole: a name, and an address or none (absent, null or empty).
fn check_queue(input: QueueInput) -> ApiResult<(String, Option<String>)> {
    let mut errors = BTreeMap::new();
    let name = check_name(&input.name, "name", &mut errors);
    let email = match input.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(e) => Email::parse(e).map_err(|m| errors.insert("email".into(), m)).ok().map(Email::into_inner),
    };
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    Ok((name, email))
}

/// Add a queue (administrators, or keys with the admin scope).
#[utoipa::path(
    post, path = "/api/queues.json", tag = "tickets", request_body = QueueInput,
    responses(
        (status = 201, body = Queue),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 409, description = "A queue of this name exists", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn create_queue(state: web::Data<AppState>, admin: Admin, body: JsonBody<QueueInput>) -> ApiResult<HttpResponse> {
    let (name, email) = check_queue(body.0)?;
    let queue = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                rules::ensure_name_free(&rules::queue_names(conn)?, &name, None, "queue")?;
                let id: i64 = diesel::insert_into(queues::table)
                    .values((queues::name.eq(&name), queues::email.eq(email.as_deref())))
                    .returning(queues::id)
                    .get_result(conn)?;
                admin.audit(conn, "queue.create", "queue", id, json!({"name": name, "email": email}))?;
                find_queue(conn, id)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(queue_view(queue)))
}

/// Rename a queue or change its address. The body is whole: an absent `email` clears it.
#[utoipa::path(
    put, path = "/api/queues.json/{id}", tag = "tickets", request_body = QueueInput,
    params(("id" = i64, Path, description = "The queue id")),
    responses(
        (status = 200, body = Queue),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 409, description = "The name is taken", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn update_queue(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i64>,
    body: JsonBody<QueueInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (name, email) = check_queue(body.0)?;
    let queue = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = find_queue(conn, id)?;
                rules::ensure_name_free(&rules::queue_names(conn)?, &name, Some(id), "queue")?;
                diesel::update(queues::table.find(id))
                    .set((queues::name.eq(&name), queues::email.eq(email.as_deref())))
                    .execute(conn)?;
                admin.audit(conn, "queue.update", "queue", id, json!({
                    "before": {"name": row.name, "email": row.email},
                    "after": {"name": name, "email": email},
                }))?;
                find_queue(conn, id)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(queue_view(queue)))
}

/// Why a queue cannot go, if it cannot: tickets or topics use it, or it is the last one (tickets
/// without a topic land in the first queue, so one must exist).
fn queue_in_use(conn: &mut AnyConnection, row: &QueueRow) -> ApiResult<Option<String>> {
    let tickets = rules::tickets_using(conn, TicketRef::Queue, row.id)?;
    if tickets > 0 {
        return Ok(Some(format!("{tickets} tickets are in the queue {}: move them first", row.name)));
    }
    let topics = rules::topics_in_queue(conn, row.id)?;
    if topics > 0 {
        return Ok(Some(format!("{topics} help topics route to the queue {}: route them elsewhere first", row.name)));
    }
    let queues: i64 = queues::table.count().get_result(conn)?;
    if queues <= 1 {
        return Ok(Some(format!("{} is the only queue: tickets need one", row.name)));
    }
    Ok(None)
}

/// Delete a queue that no ticket or topic uses (and that is not the last one).
#[utoipa::path(
    delete, path = "/api/queues.json/{id}", tag = "tickets",
    params(("id" = i64, Path, description = "The queue id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "Tickets or topics use it, or it is the last queue", body = ApiErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn delete_queue(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = find_queue(conn, id)?;
                if let Some(reason) = queue_in_use(conn, &row)? {
                    return Err(ApiError::Conflict(reason));
                }
                diesel::delete(queues::table.find(id)).execute(conn)?;
                admin.audit(conn, "queue.delete", "queue", id, json!({"name": row.name}))?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
