//! What tickets are filed under: help topics and queues (`routes`), statuses and priorities
//! (`workflow`), and the lookups the ticket rules make in them (`rules`).

pub mod routes;
pub mod rules;
pub mod workflow;

use actix_web::web;
use utoipa::OpenApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(routes::routes).configure(workflow::routes);
}

#[derive(OpenApi)]
#[openapi(paths(
    routes::list_topics,
    routes::create_topic,
    routes::update_topic,
    routes::delete_topic,
    routes::list_queues,
    routes::create_queue,
    routes::update_queue,
    routes::delete_queue,
    workflow::list_statuses,
    workflow::create_status,
    workflow::update_status,
    workflow::delete_status,
    workflow::list_priorities,
    workflow::create_priority,
    workflow::update_priority,
    workflow::delete_priority,
))]
pub struct Doc;
