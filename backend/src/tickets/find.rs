//! Who may see which ticket (and its files), one ticket rendered, and the ticket list.

use diesel::prelude::*;
use shared::settings::Visibility;
use shared::tickets::{EntryType, Ticket, TicketListQuery};

use crate::core::auth::Actor;
use crate::core::db::schema::{
    attachments, priorities, statuses, thread_entries, ticket_assignees, ticket_followers, tickets, users,
};
use crate::core::db::{search, AnyConnection, Engine};
use crate::core::error::{ApiError, ApiResult};
use crate::core::settings;
use crate::tickets::rows::{AttachmentRow, TicketRow};

pub const MAX_PER_PAGE: i64 = 100;

/// The ticket with this number, if the actor may see it. A customer asking for someone else's
/// ticket gets the same 404 as for a number that does not exist.
pub fn find_visible(conn: &mut AnyConnection, actor: &Actor, number: &str) -> ApiResult<TicketRow> {
    let number = number.trim();
    let mut row = by_number(conn, number)?;
    if row.is_none() && !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
        // osTicket clients send bare numbers; try them with the current prefix.
        let prefix = crate::catalog::rules::ticket_settings(conn)?.prefix;
        row = by_number(conn, &format!("{prefix}{number}"))?;
    }
    // A held ticket (tickets::create) is the staff's until its customer proves the address.
    let row = row.filter(|t| !t.held || actor.is_staff());
    match row {
        Some(t) if Some(t.user_id) == actor.user_id() => Ok(t),
        row if sees_all(conn, actor)? => row.ok_or(ApiError::NotFound("ticket")),
        _ if matches!(actor, Actor::Guest) => Err(sign_in_to_read()),
        _ => Err(ApiError::NotFound("ticket")),
    }
}

fn sign_in_to_read() -> ApiError {
    ApiError::Unauthorized("Sign in to read tickets".into())
}

/// May the actor read every ticket? Restricted viewers and up always; below that it is the
/// visibility setting: public lets everyone read, private every signed-in user.
pub fn sees_all(conn: &mut AnyConnection, actor: &Actor) -> ApiResult<bool> {
    if actor.sees_all_tickets() {
        return Ok(true);
    }
    Ok(visible_to(actor, settings::Stored::read(conn)?.visibility()))
}

fn visible_to(actor: &Actor, visibility: Visibility) -> bool {
    actor.sees_all_tickets()
        || match visibility {
            Visibility::Public => true,
            Visibility::Private => actor.user().is_some(),
            Visibility::Restricted => false,
        }
}

fn by_number(conn: &mut AnyConnection, number: &str) -> ApiResult<Option<TicketRow>> {
    Ok(tickets::table.filter(tickets::number.eq(number)).select(TicketRow::as_select()).get_result(conn).optional()?)
}

/// One ticket as JSON, with its thread as the actor may see it.
pub fn render_one(conn: &mut AnyConnection, actor: &Actor, id: i64) -> ApiResult<Ticket> {
    super::view::render(conn, &[id], true, actor.is_staff())?.pop().ok_or(ApiError::NotFound("ticket"))
}

/// A page of tickets.
pub struct ListPage {
    pub tickets: Vec<Ticket>,
    /// How many match the filters.
    pub total: i64,
    /// The page size used: the request's, or the rows-per-page setting.
    pub per_page: i64,
}

/// A page of tickets and the total that match.
pub fn list(conn: &mut AnyConnection, actor: &Actor, query: &TicketListQuery) -> ApiResult<ListPage> {
    let page = query.page.unwrap_or(1);
    if page < 1 {
        return Err(ApiError::field("page", "must be 1 or more"));
    }
    let stored = settings::Stored::read(conn)?;
    let per_page = query.per_page.unwrap_or_else(|| stored.num(&crate::core::settings::ROWS_PER_PAGE));
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ApiError::field("per_page", format!("must be 1 to {MAX_PER_PAGE}")));
    }
    let status_ids = match query.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(status_filter(conn, s)?),
        None => None,
    };
    let terms = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => {
            let terms = search::terms(q);
            if terms.is_empty() {
                return Err(ApiError::field("q", "needs at least one word"));
            }
            Some(terms)
        }
        None => None,
    };
    let (sort_column, descending) = parse_sort(query.sort.as_deref())?;
    let email = query.email.as_deref().map(crate::core::auth::stored_form);
    let everyone = visible_to(actor, stored.visibility());
    if !everyone && matches!(actor, Actor::Guest) {
        return Err(sign_in_to_read());
    }
    let assignee = match query.assignee.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(given) => Some(assignee_filter(actor, given)?),
        None => None,
    };
    let followed_by = match query.followed {
        Some(true) => Some(me(actor, "followed")?),
        _ => None,
    };
    let engine = Engine::of(conn);

    // Built twice (count, then page): boxed queries cannot be cloned.
    let filtered = || {
        let mut q = tickets::table.into_boxed();
        if !everyone {
            q = q.filter(tickets::user_id.eq(actor.user_id().unwrap_or(-1)));
        }
        if !actor.is_staff() {
            q = q.filter(tickets::held.eq(false));
        }
        if let Some(id) = query.user_id {
            q = q.filter(tickets::user_id.eq(id));
        }
        if let Some(email) = &email {
            q = q
                .filter(tickets::user_id.eq_any(users::table.filter(users::email.eq(email.clone())).select(users::id)));
        }
        if let Some(ids) = &status_ids {
            q = q.filter(tickets::status_id.eq_any(ids.clone()));
        }
        if let Some(queue) = query.queue {
            q = q.filter(tickets::queue_id.eq(queue));
        }
        if let Some(topic) = query.topic {
            q = q.filter(tickets::topic_id.eq(topic));
        }
        if let Some(priority) = query.priority {
            q = q.filter(tickets::priority_id.eq(priority));
        }
        match assignee {
            Some(Assigned::To(agent)) => {
                q = q.filter(
                    tickets::id.eq_any(
                        ticket_assignees::table
                            .filter(ticket_assignees::user_id.eq(agent))
                            .select(ticket_assignees::ticket_id),
                    ),
                );
            }
            Some(Assigned::Nobody) => {
                q = q.filter(diesel::dsl::not(diesel::dsl::exists(
                    ticket_assignees::table.filter(ticket_assignees::ticket_id.eq(tickets::id)),
                )));
            }
            None => {}
        }
        if let Some(user) = followed_by {
            q = q.filter(tickets::id.eq_any(
                ticket_followers::table.filter(ticket_followers::user_id.eq(user)).select(ticket_followers::ticket_id),
            ));
        }
        if let Some(terms) = &terms {
            q = q.filter(search::ticket_matches(engine, terms, actor.is_staff()));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let mut page_query = filtered().select(tickets::id);
    page_query = match (sort_column, descending) {
        (SortColumn::Updated, true) => page_query.order((tickets::updated_at.desc(), tickets::id.desc())),
        (SortColumn::Updated, false) => page_query.order((tickets::updated_at.asc(), tickets::id.asc())),
        (SortColumn::Created, true) => page_query.order(tickets::id.desc()),
        (SortColumn::Created, false) => page_query.order(tickets::id.asc()),
        (SortColumn::Priority, true) => page_query.order((priority_rank().desc(), tickets::id.desc())),
        (SortColumn::Priority, false) => page_query.order((priority_rank().asc(), tickets::id.asc())),
    };
    let ids: Vec<i64> = page_query.limit(per_page).offset(crate::core::db::page_offset(page, per_page)).load(conn)?;
    let tickets = super::view::render(conn, &ids, query.threads.unwrap_or(true), actor.is_staff())?;
    Ok(ListPage { tickets, total, per_page })
}

type PriorityRank = diesel::dsl::AssumeNotNull<
    diesel::dsl::SingleValue<
        diesel::dsl::Select<
            diesel::dsl::Filter<priorities::table, diesel::dsl::Eq<priorities::id, tickets::priority_id>>,
            priorities::sort,
        >,
    >,
>;

/// A ticket's priority as the administrator ordered them (`priorities.sort`), not by id.
fn priority_rank() -> PriorityRank {
    priorities::table
        .filter(priorities::id.eq(tickets::priority_id))
        .select(priorities::sort)
        .single_value()
        .assume_not_null()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Assigned {
    To(i64),
    Nobody,
}

/// `me`, `none`, or an agent's id.
fn assignee_filter(actor: &Actor, given: &str) -> ApiResult<Assigned> {
    match given {
        "me" => Ok(Assigned::To(me(actor, "assignee")?)),
        "none" => Ok(Assigned::Nobody),
        id => id.parse().map(Assigned::To).map_err(|_| ApiError::field("assignee", "use an agent's id, me or none")),
    }
}

/// The caller's own user id, for filters that mean "mine"; a key acting as itself has none.
fn me(actor: &Actor, field: &str) -> ApiResult<i64> {
    actor.user_id().ok_or_else(|| ApiError::field(field, "needs a signed-in user or an impersonated one"))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SortColumn {
    Created,
    Updated,
    Priority,
}

fn parse_sort(sort: Option<&str>) -> ApiResult<(SortColumn, bool)> {
    let sort = sort.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("-updated");
    let (name, descending) = match sort.strip_prefix('-') {
        Some(name) => (name, true),
        None => (sort, false),
    };
    let column = match name {
        "created" | "number" => SortColumn::Created,
        "updated" => SortColumn::Updated,
        "priority" => SortColumn::Priority,
        _ => return Err(ApiError::field("sort", "use created, updated, priority or number, with - for descending")),
    };
    Ok((column, descending))
}

/// A status filter names an id, a status (`Open`) or a state (`open`, `pending`, `resolved`, `closed`).
fn status_filter(conn: &mut AnyConnection, given: &str) -> ApiResult<Vec<i64>> {
    let all: Vec<(i64, String, String)> =
        statuses::table.select((statuses::id, statuses::name, statuses::state)).load(conn)?;
    let ids: Vec<i64> = match given.parse::<i64>() {
        Ok(id) => all.iter().filter(|s| s.0 == id).map(|s| s.0).collect(),
        Err(_) => {
            let by_name: Vec<i64> = all.iter().filter(|s| s.1.eq_ignore_ascii_case(given)).map(|s| s.0).collect();
            if by_name.is_empty() {
                all.iter().filter(|s| s.2.eq_ignore_ascii_case(given)).map(|s| s.0).collect()
            } else {
                by_name
            }
        }
    };
    if ids.is_empty() {
        return Err(ApiError::field("status", "no status or state has this name or id"));
    }
    Ok(ids)
}

/// An attachment, for whoever may read its ticket (the visibility setting included) and its
/// entry (internal notes' files are the staff's); anyone else gets the 404 of a missing one.
pub fn visible_attachment(conn: &mut AnyConnection, actor: &Actor, id: i64) -> ApiResult<AttachmentRow> {
    let found: Option<(AttachmentRow, i64, bool, String)> = attachments::table
        .inner_join(thread_entries::table.on(thread_entries::id.eq(attachments::entry_id)))
        .inner_join(tickets::table.on(tickets::id.eq(thread_entries::ticket_id)))
        .filter(attachments::id.eq(id))
        .select((AttachmentRow::as_select(), tickets::user_id, tickets::held, thread_entries::entry_type))
        .first(conn)
        .optional()?;
    let sees_all = found.is_some() && sees_all(conn, actor)?;
    found
        .filter(|(_, owner, held, entry_type)| {
            let sees_ticket = (sees_all || actor.user_id() == Some(*owner)) && (!held || actor.is_staff());
            let sees_entry = actor.is_staff() || entry_type != EntryType::N.as_str();
            sees_ticket && sees_entry
        })
        .map(|(a, _, _, _)| a)
        .ok_or(ApiError::NotFound("attachment"))
}
