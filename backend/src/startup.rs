//! Builds the application and runs the server.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, Logger};
use actix_web::http::header;
use actix_web::{web, App, HttpResponse, HttpServer};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::routes;
use crate::state::AppState;

/// Everything the app serves, as one configuration: the real server and the in-process
/// integration tests (backend/tests) build the same app from it.
pub fn app_config(state: web::Data<AppState>) -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
    let spec = ApiDoc::openapi();
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(state.clone())
            .app_data(web::QueryConfig::default().error_handler(|err, _| {
                ApiError::BadRequest(format!("Invalid query string: {err}")).into()
            }))
            .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound("resource").into()))
            .configure(routes::configure)
            .route("/api/docs", web::get().to(|| async {
                HttpResponse::Found().insert_header((header::LOCATION, "/api/docs/")).finish()
            }))
            .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", spec.clone()))
            .default_service(web::to(routes::spa::serve));
    }
}

/// Starts serving on `listener` (bound by the caller, so tests can use port 0).
pub fn run(listener: TcpListener, state: web::Data<AppState>, workers: usize) -> std::io::Result<Server> {
    let config = app_config(state);
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(Logger::new("%a \"%r\" %s %b %Dms").log_target("oxidesk::http"))
            .wrap(
                DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin")),
            )
            .configure(config.clone())
    })
    .listen(listener)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    // Database work runs on these threads and waits for one of a few pooled connections: more
    // threads would only wait longer and each keep its own allocator arena.
    server = server.worker_max_blocking_threads(8);
    Ok(server.run())
}
