//! Saved views: named ticket-list filters, private to the person who saved them.

use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use shared::tickets::{SavedView, SavedViewCreate, TicketListQuery};
use shared::ApiErrorBody;

use crate::core::http::body::JsonBody;
use crate::core::auth::apikeys::Scope;
use crate::core::auth::Caller;
use crate::core::db::schema::saved_views;
use crate::core::db::write_tx;
use crate::core::error::{ApiError, ApiResult};
use crate::core::state::AppState;

/// Enough for a filter; a view is not a place to store data.
const QUERY_MAX_CHARS: usize = 1000;
const NAME_MAX_CHARS: usize = 64;
/// Views per person: a sidebar, not a database.
const MAX_VIEWS: i64 = 50;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        crate::core::http::resource("/api/views.json")
            .route(web::get().to(list_views))
            .route(web::post().to(create_view)),
    )
    .service(crate::core::http::resource("/api/views.json/{id}").route(web::delete().to(delete_view)));
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
    get, path = "/api/views.json", tag = "tickets",
    responses((status = 200, body = [SavedView]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn list_views(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let user_id = owner(&caller)?;
    let views: Vec<(i64, String, String)> = state
        .db(move |conn| {
            Ok(saved_views::table
                .filter(saved_views::user_id.eq(user_id))
                .select((saved_views::id, saved_views::name, saved_views::query))
                .order(saved_views::name)
                .load(conn)?)
        })
        .await?;
    let views: Vec<SavedView> = views.into_iter().map(|(id, name, query)| SavedView { id, name, query }).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Checks a view: a name, and a query string the ticket list accepts (without `page`).
fn check(body: &SavedViewCreate) -> ApiResult<(String, String)> {
    let mut errors = std::collections::BTreeMap::new();
    let name = body.name.trim();
    if let Err(e) = shared::catalog::check_catalog_name(name) {
        errors.insert("name".to_owned(), e);
    } else if name.chars().count() > NAME_MAX_CHARS {
        errors.insert("name".to_owned(), format!("must be at most {NAME_MAX_CHARS} characters"));
    }
    let query = body.query.trim().trim_start_matches('?');
    if query.chars().count() > QUERY_MAX_CHARS {
        errors.insert("query".to_owned(), format!("must be at most {QUERY_MAX_CHARS} characters"));
    } else if let Err(e) = serde_urlencoded::from_str::<TicketListQuery>(query) {
        errors.insert("query".to_owned(), format!("is not a ticket-list query: {e}"));
    }
    // The page is where you are, not what you look at.
    let query: Vec<(String, String)> = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "page")
        .collect();
    let query = serde_urlencoded::to_string(query).unwrap_or_default();
    if errors.is_empty() {
        Ok((name.to_owned(), query))
    } else {
        Err(ApiError::InvalidFields(errors))
    }
}

/// Save the current list filter under a name (names are unique per person: 409 otherwise).
#[utoipa::path(
    post, path = "/api/views.json", tag = "tickets", request_body = SavedViewCreate,
    responses(
        (status = 201, body = SavedView),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 409, description = "You already have a view with this name", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_view(state: web::Data<AppState>, caller: Caller, body: JsonBody<SavedViewCreate>) -> ApiResult<HttpResponse> {
    caller.require(Scope::Write)?;
    let user_id = owner(&caller)?;
    let (name, query) = check(&body.0)?;
    let view = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let count: i64 = saved_views::table.filter(saved_views::user_id.eq(user_id)).count().get_result(conn)?;
                if count >= MAX_VIEWS {
                    return Err(ApiError::field("name", format!("you have {MAX_VIEWS} views already; delete one first")));
                }
                let id: i64 = diesel::insert_into(saved_views::table)
                    .values((
                        saved_views::user_id.eq(user_id),
                        saved_views::name.eq(&name),
                        saved_views::query.eq(&query),
                        saved_views::created_at.eq(chrono::Utc::now().naive_utc()),
                    ))
                    .returning(saved_views::id)
                    .get_result(conn)
                    .map_err(|e| match ApiError::from(e) {
                        ApiError::Conflict(_) => ApiError::Conflict(format!("You already have a view named {name}")),
                        other => other,
                    })?;
                Ok(SavedView { id, name, query })
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Delete one of your views.
#[utoipa::path(
    delete, path = "/api/views.json/{id}", tag = "tickets",
    params(("id" = i64, Path, description = "The view's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, description = "No such view of yours", body = ApiErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_view(state: web::Data<AppState>, caller: Caller, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    caller.require(Scope::Write)?;
    let user_id = owner(&caller)?;
    let id = id.into_inner();
    let deleted = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                Ok(diesel::delete(saved_views::table.filter(saved_views::id.eq(id)).filter(saved_views::user_id.eq(user_id)))
                    .execute(conn)?)
            })
        })
        .await?;
    if deleted == 0 {
        return Err(ApiError::NotFound("view"));
    }
    Ok(HttpResponse::NoContent().finish())
}
