//! The list of modules the server is made of: each brings its routes and its part of the OpenAPI
//! document; besides, what consumes the rules' events and the kinds of job the worker runs.
//! Adding a module is its folder plus one line here.

use actix_web::web;
use utoipa::OpenApi;

use crate::core::events::Consumer;
use crate::core::jobs::Kind;
use crate::{accounts, apikeys, catalog, compat, core, jobs, mail, setup, tickets, views};

pub struct Feature {
    pub configure: fn(&mut web::ServiceConfig),
    pub document: fn() -> utoipa::openapi::OpenApi,
}

/// What reacts to the rules' events inside their transactions (core::events), besides the audit log.
pub const CONSUMERS: &[Consumer] = &[mail::notify::on_event];

/// The kinds of job the worker runs (core::jobs).
pub const JOB_KINDS: &[&Kind] = &[&mail::deliver::SEND];

pub const FEATURES: &[Feature] = &[
    Feature { configure: core::http::configure, document: core::http::Doc::openapi },
    Feature { configure: accounts::configure, document: accounts::Doc::openapi },
    Feature { configure: mail::configure, document: mail::Doc::openapi },
    Feature { configure: tickets::configure, document: tickets::Doc::openapi },
    Feature { configure: catalog::configure, document: catalog::Doc::openapi },
    Feature { configure: apikeys::configure, document: apikeys::Doc::openapi },
    Feature { configure: compat::configure, document: compat::Doc::openapi },
    Feature { configure: setup::configure, document: setup::Doc::openapi },
    Feature { configure: views::configure, document: views::Doc::openapi },
    Feature { configure: jobs::configure, document: jobs::Doc::openapi },
];
