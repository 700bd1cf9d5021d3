//! Other products' APIs over the same rules: each parses the other product's request, calls the
//! feature's rules and renders the other product's answer. osTicket's ticket API is Oxidesk's own
//! (tickets::routes); its XML create and its staff endpoints under /api/scp/ are here, django-helpdesk's method API
//! (`/api/<method>/`), NodePoint's (`/nodepoint/?api=`) and ITFlow's (`/api/v1/…`).

pub mod django_helpdesk;
pub mod itflow;
pub mod nodepoint;
pub mod osticket;
pub mod osticket_xml;

use diesel::prelude::*;
use shared::tickets::{Ticket, TicketListQuery, TicketUpdate};

use crate::core::auth::{find_by_login, Actor, Origin};
use crate::core::db::schema::users;
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;
use crate::tickets::create::Limits;
use crate::tickets::list::{self, MAX_PER_PAGE};
use crate::tickets::rows::TicketRow;

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

/// A ticket's number as the other products' ids: its digits (`TCK-1042` → `1042`), which every
/// layer's `id` / `ticket` / `ticket_id` takes back.
pub(crate) fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// A change through the native rule, with the desk's upload limits.
pub(crate) fn change(
    conn: &mut AnyConnection,
    state: &AppState,
    actor: &Actor,
    ticket: &TicketRow,
    update: &TicketUpdate,
    origin: &Origin,
) -> ApiResult<()> {
    let limits = Limits::read(state, conn)?;
    crate::tickets::change::update_ticket(conn, actor, ticket, update, &limits, origin)
}

/// The tickets a list query finds, `skip` of them left out and at most `take` kept, read a page
/// of the native list at a time (the products' lists are not paged as ours).
pub(crate) fn tickets(
    conn: &mut AnyConnection,
    actor: &Actor,
    query: TicketListQuery,
    skip: i64,
    take: i64,
) -> ApiResult<Vec<Ticket>> {
    let mut found = Vec::new();
    let mut page = skip / MAX_PER_PAGE + 1;
    let mut skip = skip % MAX_PER_PAGE;
    while (found.len() as i64) < take {
        let query = TicketListQuery { page: Some(page), per_page: Some(MAX_PER_PAGE), ..query.clone() };
        let tickets = list::list(conn, actor, &query)?.tickets;
        let full = tickets.len() as i64 == MAX_PER_PAGE;
        let room = usize::try_from(take).unwrap_or(0).saturating_sub(found.len());
        found.extend(tickets.into_iter().skip(usize::try_from(skip).unwrap_or(0)).take(room));
        if !full {
            break;
        }
        skip = 0;
        page += 1;
    }
    Ok(found)
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(osticket::routes)
        .configure(osticket_xml::routes)
        .configure(django_helpdesk::routes)
        .configure(nodepoint::routes)
        .configure(itflow::routes);
}
