//! The ticket core: who may see which ticket (`find`), the list (`list`), creating one (`create`), changing it
//! (`change`), the people copied on it (`cc`), what it looks like in the API (`view`), bodies and attachments (`content`), and
//! its HTTP endpoints (`routes`, `attachments`). Rules take a connection and an actor, never a
//! request, so tests call them without HTTP.

pub mod attachments;
pub mod cc;
pub mod change;
pub mod content;
pub mod counts;
pub mod create;
pub mod delete;
pub mod drafts;
pub mod find;
pub mod list;
pub mod routes;
pub mod rows;
pub mod view;

use crate::core::http::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(routes::routes).configure(attachments::routes);
}
