//! Saved views over HTTP: named ticket-list filters, private to the person who saved them.

use actix_web::{delete, get, post, web, HttpResponse};
use shared::tickets::{SavedView, SavedViewCreate};
use shared::ApiErrorBody;

use crate::core::auth::guards::{Allowed, People};
use crate::core::auth::Caller;
use crate::core::db::write_tx;
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::JsonBody;
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;
use crate::views::rules;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_views).service(create_view).service(delete_view);
}

/// Views belong to people; an API key acting as itself has none.
fn owner(caller: &Caller) -> ApiResult<i64> {
    caller
        .user()
        .map(|u| u.id)
        .ok_or_else(|| ApiError::Forbidden("Saved views belong to people; sign in to use them".into()))
}

/// Your saved views, by name.
#[utoipa::path(
    tag = "tickets",
    responses((status = 200, body = [SavedView]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = ["authorized_user"]))
)]
#[get("/api/views.json")]
pub async fn list_views(state: web::Data<AppState>, Allowed(caller, _): Allowed<People>) -> ApiResult<HttpResponse> {
    let user_id = owner(&caller)?;
    let views = state.db(move |conn| rules::list(conn, user_id)).await?;
    Ok(HttpResponse::Ok().json(views))
}

/// Save the current list filter under a name (names are unique per person: 409 otherwise).
#[utoipa::path(
    tag = "tickets", request_body = SavedViewCreate,
    responses(
        (status = 201, body = SavedView),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 409, description = "You already have a view with this name", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("bearer" = ["authorized_user"]))
)]
#[post("/api/views.json")]
pub async fn create_view(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<People>,
    body: JsonBody<SavedViewCreate>,
) -> ApiResult<HttpResponse> {
    let user_id = owner(&caller)?;
    let (name, query) = rules::check(&body.0)?;
    let view = state.db(move |conn| write_tx(conn, |conn| rules::create(conn, user_id, name, query))).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Delete one of your views.
#[utoipa::path(
    tag = "tickets",
    params(("id" = i64, Path, description = "The view's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, description = "No such view of yours", body = ApiErrorBody),
    ),
    security(("bearer" = ["authorized_user"]))
)]
#[delete("/api/views.json/{id}")]
pub async fn delete_view(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<People>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let user_id = owner(&caller)?;
    let id = id.into_inner();
    state.db(move |conn| write_tx(conn, |conn| rules::delete(conn, user_id, id))).await?;
    Ok(HttpResponse::NoContent().finish())
}
