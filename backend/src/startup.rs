//! Builds the application and runs the server.

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::{from_fn, Condition, DefaultHeaders, Logger};
use actix_web::{web, App, HttpResponse, HttpServer};
use utoipa_swagger_ui::SwaggerUi;

use crate::core::error::ApiError;
use crate::core::http::limits::{hold_back, InFlight};
use crate::core::http::{headers, refuse_other_methods, spa};
use crate::core::state::AppState;

/// Everything the app serves, as one configuration: the real server and the in-process
/// integration tests (backend/tests) build the same app from it.
pub fn app_config(state: web::Data<AppState>) -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
    let spec = crate::openapi::document();
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(state.clone())
            .app_data(
                web::QueryConfig::default()
                    .error_handler(|err, _| ApiError::BadRequest(format!("Invalid query string: {err}")).into()),
            )
            .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound("resource").into()))
            .configure(crate::features::routes)
            .configure(|cfg| refuse_other_methods(cfg, &spec))
            .route(
                "/api/docs",
                web::get()
                    .to(|| async { HttpResponse::Found().insert_header((header::LOCATION, "/api/docs/")).finish() }),
            )
            .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", spec.clone()))
            .default_service(web::to(spa::serve));
    }
}

/// Cross-origin calls from the configured web origins only (none by default). Other origins get
/// no CORS headers, so browsers keep their pages from reading the answers; same-origin calls and
/// programs outside browsers are unaffected.
pub fn cors(origins: &[String]) -> Condition<Cors> {
    let cors = origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .allowed_header(crate::core::auth::API_KEY_HEADER)
        .expose_headers([header::LINK, header::RETRY_AFTER])
        .expose_headers(["X-Total-Count"])
        .block_on_origin_mismatch(false)
        .max_age(3600);
    Condition::new(!origins.is_empty(), cors)
}

/// Starts serving on `listener` (bound by the caller, so tests can use port 0).
pub fn run(listener: TcpListener, state: web::Data<AppState>, workers: usize) -> std::io::Result<Server> {
    let origins = state.config.cors_origins.clone();
    let (in_flight, times) = (state.config.requests_in_flight_per_address, state.config.body_times);
    let flights = InFlight::default();
    let config = app_config(state);
    let mut server = HttpServer::new(move || {
        let flights = flights.clone();
        App::new()
            .wrap(from_fn(headers::defend))
            .wrap(cors(&origins))
            .wrap(Logger::new("%a \"%r\" %s %b %Dms").log_target("oxidesk::http"))
            .wrap(
                // Added only where a handler set none: the web app's files and documents say
                // how long they keep; every API answer (tickets, people, files, errors) is
                // personal, so no browser or shared cache keeps it.
                DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin"))
                    .add(("Cache-Control", "no-store")),
            )
            // Outermost: a client over its share is refused before anything else runs.
            .wrap(from_fn(move |req, next| hold_back(flights.clone(), in_flight, times, req, next)))
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
