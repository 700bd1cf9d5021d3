//! `/api/jobs.json`: the job worker's jobs (administrators, and keys with the admin scope).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use shared::jobs::Job;
use shared::ApiErrorBody;

use super::view;
use crate::core::auth::guards::Admin;
use crate::core::db::write_tx;
use crate::core::error::ApiResult;
use crate::core::http::paging::{check_page, one_of, page_response};
use crate::core::http::ServiceConfig;
use crate::core::jobs;
use crate::core::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_jobs).service(retry_job);
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    page: Option<i64>,
    /// 1–100, default 25.
    per_page: Option<i64>,
    /// Only jobs with this status: pending, running, unsure, done or failed.
    status: Option<String>,
    /// Only jobs of this kind, e.g. `mail.send`.
    kind: Option<String>,
}

/// Every job, newest first: what waits (and why), what runs, what failed.
#[utoipa::path(
    tag = "jobs", params(JobQuery),
    responses(
        (status = 200, body = [Job], headers(("X-Total-Count" = i64), ("Link" = String))),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an administrator, or a key without the admin scope", body = ApiErrorBody),
        (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[get("/api/jobs.json")]
pub async fn list_jobs(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<JobQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (page, per_page) = check_page(query.page, query.per_page)?;
    let status = one_of("status", query.status.as_deref(), &jobs::STATUSES)?;
    let kind = query.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned);
    let (rows, total) =
        state.db(move |conn| jobs::page(conn, status.as_deref(), kind.as_deref(), page, per_page)).await?;
    let list: Vec<Job> = rows.into_iter().map(view::job).collect();
    Ok(page_response(&req, page, per_page, total, &list))
}

/// Run a failed or unsure job again (an unsure one's effect — a mail — may then happen twice: the
/// administrator decides).
#[utoipa::path(
    tag = "jobs",
    params(("id" = i64, Path, description = "The job's id")),
    responses(
        (status = 200, description = "Due again", body = Job),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, description = "The job is not failed or unsure", body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[post("/api/jobs.json/{id}/retry")]
pub async fn retry_job(state: web::Data<AppState>, admin: Admin, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let row = jobs::retry(conn, id)?;
                admin.audit(conn, "job.retry", "job", id, json!({"kind": row.kind}))?;
                Ok(row)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view::job(row)))
}
