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

use crate::core::http::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(routes::routes).configure(workflow::routes);
}
