//! Live updates: the event stream (`GET /api/events`, server-sent events) tells each open page
//! what happens to the tickets its reader may see as it happens, and agents who else has a ticket
//! open and who is writing on it (`presence`). The source is the database — the `events` rows the
//! rules write (core::events) and the `presence` rows the pages renew — read by one poller per
//! process while anyone listens (`hub`), so every replica on one PostgreSQL tells the same.

pub mod hub;
pub mod presence;
pub mod routes;

use crate::core::http::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(routes::routes);
}
