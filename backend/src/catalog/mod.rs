//! What tickets are filed under: help topics and queues (their HTTP in `routes`), statuses and
//! priorities (their HTTP in `workflow`), each list's rules in its own file, and the lookups the
//! ticket rules make in them (`rules`).

pub mod priorities;
pub mod queues;
pub mod routes;
pub mod rows;
pub mod rules;
pub mod statuses;
pub mod topics;
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
