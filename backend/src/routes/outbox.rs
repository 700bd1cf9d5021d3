//! `GET /api/outbox.json`: the mail the desk sent or is about to send, for administrators (and
//! keys with the admin scope) — to see that a confirmation or reset mail left, and why one did not.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use shared::mail::OutboxMail;
use shared::ApiErrorBody;

use super::paging::{check_page, link_header};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::outbox;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/api/outbox.json").route(web::get().to(list_outbox)));
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    page: Option<i64>,
    /// 1–100, default 25.
    per_page: Option<i64>,
}

/// The outbox, newest first.
#[utoipa::path(
    get, path = "/api/outbox.json", tag = "settings", params(OutboxQuery),
    responses(
        (status = 200, body = [OutboxMail], headers(("X-Total-Count" = i64), ("Link" = String))),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an administrator, or a key without the admin scope", body = ApiErrorBody),
        (status = 422, body = ApiErrorBody),
    ),
    security(("bearer" = []), ("api_key" = []))
)]
pub async fn list_outbox(state: web::Data<AppState>, caller: Caller, query: web::Query<OutboxQuery>, req: HttpRequest) -> ApiResult<HttpResponse> {
    super::catalog::require_admin(&caller, "read the outbox")?;
    let (page, per_page) = check_page(query.page, query.per_page)?;
    let (mails, total) = state.db(move |conn| outbox::page(conn, page, per_page)).await?;
    let mut response = HttpResponse::Ok();
    response.insert_header(("X-Total-Count", total.to_string()));
    if let Some(link) = link_header(&req, page, per_page, total) {
        response.insert_header((actix_web::http::header::LINK, link));
    }
    Ok(response.json(mails))
}
