//! `/api/health`: answers 200 when the database answers, for load balancers and start scripts.

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use shared::ApiErrorBody;

use crate::core::db::schema::settings;
use crate::core::error::ApiResult;
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    status: String,
    version: String,
    database: String,
}

/// Liveness and database reachability.
#[utoipa::path(tag = "meta",
    responses((status = 200, body = Health), (status = 500, description = "The database does not answer", body = ApiErrorBody))
)]
#[get("/api/health")]
pub async fn health(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    state.db(|conn| Ok(settings::table.count().get_result::<i64>(conn)?)).await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: format!("{:?}", state.engine).to_lowercase(),
    }))
}
