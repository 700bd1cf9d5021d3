//! Other products' APIs over the same rules: each parses the other product's request, calls the
//! feature's rules and renders the other product's answer. osTicket's ticket API is Oxidesk's own
//! (tickets::routes); its staff endpoints under /api/scp/ are here, django-helpdesk's method API
//! (`/api/<method>/`), NodePoint's (`/nodepoint/?api=`) and ITFlow's (`/api/v1/…`).

pub mod django_helpdesk;
pub mod itflow;
pub mod nodepoint;
pub mod osticket;

use diesel::prelude::*;

use crate::core::auth::{find_by_login, Actor};
use crate::core::db::schema::users;
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::ServiceConfig;

/// The customer of the tickets a program files through another product's API for nobody in
/// particular (NodePoint's without `from_user`, ITFlow's without a contact): an account `api`, as
/// NodePoint's own acting user, made on first use and mailed nothing (nobody reads its address).
pub(crate) fn api_customer(conn: &mut AnyConnection, actor: &Actor) -> ApiResult<String> {
    const ADDRESS: &str = "api@nodepoint.localhost";
    if find_by_login(conn, ADDRESS)?.is_none() {
        let email = shared::validate::Email::parse(ADDRESS).map_err(ApiError::Internal)?;
        let name = shared::validate::PersonName::parse("API").map_err(ApiError::Internal)?;
        let made = crate::tickets::create::find_or_create_customer(conn, actor, &email, Some(&name), "")?;
        // User name `api`, unless someone has it.
        let named = find_by_login(conn, "api")?.is_none().then_some("api");
        diesel::update(users::table.find(made.id))
            .set((users::email_notifications.eq(false), users::username.eq(named)))
            .execute(conn)?;
    }
    Ok(ADDRESS.to_owned())
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(osticket::routes)
        .configure(django_helpdesk::routes)
        .configure(nodepoint::routes)
        .configure(itflow::routes);
}
