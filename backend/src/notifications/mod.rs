//! What each agent should know of and what they have read: the bell's notifications
//! (`/api/notifications.json`, made from the rules' events in their transactions, as mail is)
//! and the per-agent read state of tickets (`/api/tickets.json/{number}/read`) behind the desk's
//! unread rows.

pub mod consumer;
pub mod list;
pub mod reads;
pub mod routes;

use crate::core::http::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(routes::routes);
}
