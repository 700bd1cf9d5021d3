//! The bell and the read state over HTTP: agents in person (a program has no bell).

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use shared::notifications::{Notification, NotificationListQuery, NotificationsMarked, NotificationsRead};
use shared::ApiErrorBody;

use super::{list, reads};
use crate::core::auth::guards::{AgentInPerson, Allowed};
use crate::core::auth::Caller;
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::JsonBody;
use crate::core::http::paging::page_response;
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;
use crate::tickets::find;
use crate::tickets::rows::TicketRow;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications).service(mark_notifications).service(read_ticket).service(unread_ticket);
}

/// The agent in person (the guard refuses keys, so there is one).
fn agent(caller: &Caller) -> ApiResult<i64> {
    caller.as_actor().user_id().ok_or_else(|| ApiError::Forbidden("Sign in to read notifications".into()))
}

/// Your notifications, newest first: assigned to you; a message, response, note or status change
/// on a ticket you are assigned to or follow; a note that mentions you (`@username`). With
/// `unread=true`, `X-Total-Count` is the bell's count.
#[utoipa::path(
    tag = "notifications",
    params(NotificationListQuery),
    responses(
        (status = 200, description = "A page of notifications", body = [Notification],
         headers(("X-Total-Count" = i64, description = "Notifications matching (the unread ones with unread=true)"),
                 ("Link" = String, description = "RFC 8288 first/prev/next/last pages"))),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an agent, or an API key", body = ApiErrorBody),
        (status = 422, description = "A bad page or page size", body = ApiErrorBody),
    ),
    security(("bearer" = ["agent"]))
)]
#[get("/api/notifications.json")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<AgentInPerson>,
    query: web::Query<NotificationListQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let user_id = agent(&caller)?;
    let query = query.into_inner();
    let page = state.db(move |conn| list::list(conn, user_id, &query)).await?;
    Ok(page_response(&req, page.page, page.per_page, page.total, &page.items))
}

/// Mark your notifications read: the `ids` given (each must be yours), or all of them without
/// `ids`; `"read": false` marks them unread again.
#[utoipa::path(
    tag = "notifications",
    request_body = NotificationsRead,
    responses(
        (status = 200, description = "How many changed, and how many are unread now", body = NotificationsMarked),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an agent, or an API key", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody),
        (status = 422, description = "An id that is not one of your notifications, or too many", body = ApiErrorBody),
    ),
    security(("bearer" = ["agent"]))
)]
#[post("/api/notifications/read.json")]
pub async fn mark_notifications(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<AgentInPerson>,
    body: JsonBody<NotificationsRead>,
) -> ApiResult<HttpResponse> {
    let user_id = agent(&caller)?;
    let body = body.0;
    let marked = state.db(move |conn| list::mark(conn, user_id, &body)).await?;
    Ok(HttpResponse::Ok().json(marked))
}

/// You have read the ticket (the desk says so as you open it, and as new entries arrive while it
/// is open): it is no longer unread to you, and its notifications are read.
#[utoipa::path(
    tag = "notifications",
    params(("number" = String, Path, description = "Ticket number")),
    responses(
        (status = 204, description = "Read"),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an agent, or an API key", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
    ),
    security(("bearer" = ["agent"]))
)]
#[put("/api/tickets.json/{number}/read")]
pub async fn read_ticket(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<AgentInPerson>,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let user_id = agent(&caller)?;
    let mark = move |conn: &mut _, _: &_, ticket: &TicketRow| {
        reads::mark(conn, user_id, ticket.id, chrono::Utc::now().naive_utc())
    };
    find::on_visible(&state, caller.as_actor(), number.into_inner(), mark).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark the ticket unread to you again (its notifications stay as they are).
#[utoipa::path(
    tag = "notifications",
    params(("number" = String, Path, description = "Ticket number")),
    responses(
        (status = 204, description = "Unread"),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an agent, or an API key", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
    ),
    security(("bearer" = ["agent"]))
)]
#[delete("/api/tickets.json/{number}/read")]
pub async fn unread_ticket(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<AgentInPerson>,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let user_id = agent(&caller)?;
    let unmark = move |conn: &mut _, _: &_, ticket: &TicketRow| reads::unmark(conn, user_id, ticket.id);
    find::on_visible(&state, caller.as_actor(), number.into_inner(), unmark).await?;
    Ok(HttpResponse::NoContent().finish())
}
