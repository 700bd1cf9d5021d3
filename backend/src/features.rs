//! The list of modules the server is made of: each registers its handlers, and with each its part
//! of the OpenAPI document; besides, what consumes the rules' events and the kinds of job the
//! worker runs. Adding a module is its folder plus one line here.

use actix_web::{web, App};
use utoipa_actix_web::AppExt;

use crate::core::events::Consumer;
use crate::core::http::ServiceConfig;
use crate::core::jobs::Kind;
use crate::{
    accounts, apikeys, catalog, clients, compat, core, jobs, live, mail, notifications, setup, tickets, views,
};

pub struct Feature {
    /// Registers the module's handlers, each with `cfg.service(handler)`: its route and its
    /// OpenAPI operation in one call (core::http::ServiceConfig).
    pub configure: fn(&mut ServiceConfig),
}

/// What reacts to the rules' events inside their transactions (core::events), besides the audit log.
pub const CONSUMERS: &[Consumer] = &[mail::notify::on_event, notifications::consumer::on_event];

/// The kinds of job the worker runs (core::jobs).
pub const JOB_KINDS: &[&Kind] = &[&mail::deliver::SEND];

pub const FEATURES: &[Feature] = &[
    Feature { configure: core::http::configure },
    Feature { configure: accounts::configure },
    Feature { configure: mail::configure },
    Feature { configure: tickets::configure },
    Feature { configure: catalog::configure },
    Feature { configure: clients::configure },
    Feature { configure: apikeys::configure },
    Feature { configure: compat::configure },
    Feature { configure: setup::configure },
    Feature { configure: views::configure },
    Feature { configure: jobs::configure },
    Feature { configure: live::configure },
    Feature { configure: notifications::configure },
];

/// Every module's handlers, registered once: the app (startup) serves the routes this registers,
/// and the OpenAPI document (openapi) is the operations the same calls collected.
pub fn register(cfg: &mut ServiceConfig) {
    for feature in FEATURES {
        (feature.configure)(cfg);
    }
}

/// The operations (and the schemas they name) that `register` documents, taken from a
/// registration into an app that is then dropped: the server's app registers the same way.
pub fn operations() -> utoipa::openapi::OpenApi {
    let (_, document) = App::new().into_utoipa_app().configure(register).split_for_parts();
    document
}

/// The routes of `register` into an app's configuration; the operations they document are
/// `operations()`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    register(&mut ServiceConfig::new(cfg));
}
