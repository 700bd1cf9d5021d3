//! The ticket list: filters, search, sorting and pages, as the actor may see them.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};

use shared::catalog::StatusState;
use shared::tickets::{Ticket, TicketListQuery};

use super::find::{sign_in_to_read, visible_to};
use crate::core::auth::{lower, Actor};
use crate::core::db::schema::{priorities, statuses, ticket_assignees, ticket_cc, ticket_followers, tickets, users};
use crate::core::db::{search, AnyConnection, Engine};
use crate::core::error::{ApiError, ApiResult};
use crate::core::settings;

pub const MAX_PER_PAGE: i64 = 100;

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
    let per_page = query.per_page.unwrap_or_else(|| stored.num(&settings::ROWS_PER_PAGE));
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ApiError::field("per_page", format!("must be 1 to {MAX_PER_PAGE}")));
    }
    let (sort, descending) = parse_sort(query.sort.as_deref())?;
    let filters = Filters::parse(conn, actor, query, &stored)?;
    let total: i64 = filters.query().count().get_result(conn)?;
    let page_query = sort.order(filters.query().select(tickets::id), descending);
    let ids: Vec<i64> = page_query.limit(per_page).offset(crate::core::db::page_offset(page, per_page)).load(conn)?;
    let tickets = super::view::render(conn, &ids, query.threads.unwrap_or(true), actor)?;
    Ok(ListPage { tickets, total, per_page })
}

/// How many tickets the list's filters match (a saved view's count).
pub fn count(conn: &mut AnyConnection, actor: &Actor, query: &TicketListQuery) -> ApiResult<i64> {
    let stored = settings::Stored::read(conn)?;
    let filters = Filters::parse(conn, actor, query, &stored)?;
    Ok(filters.query().count().get_result(conn)?)
}

/// A list query's filters, checked, as the actor may see them.
struct Filters {
    /// Only these customer's tickets (the actor's own, unless the visibility lets them see all).
    owner: Option<i64>,
    staff: bool,
    user_id: Option<i64>,
    email: Option<String>,
    status_ids: Option<Vec<i64>>,
    queue: Option<i64>,
    topic: Option<i64>,
    priority: Option<i64>,
    assignee: Option<Assigned>,
    followed_by: Option<i64>,
    client: Option<i64>,
    /// The client whose every ticket the owner sees (their technical contact's).
    technical: Option<i64>,
    wanted: Option<Wanted>,
    engine: Engine,
}

impl Filters {
    fn parse(
        conn: &mut AnyConnection,
        actor: &Actor,
        query: &TicketListQuery,
        stored: &settings::Stored,
    ) -> ApiResult<Filters> {
        let status_ids = match query.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(status_filter(conn, s)?),
            None => None,
        };
        let wanted = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            Some(q) => Some(Wanted::parse(q, &stored.text(&settings::TICKET_PREFIX))?),
            None => None,
        };
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
        let owner = (!everyone).then(|| actor.user_id().unwrap_or(-1));
        let technical = match owner {
            Some(me) => crate::clients::tickets::technical_client(conn, me)?,
            None => None,
        };
        Ok(Filters {
            owner,
            technical,
            client: query.client,
            staff: actor.is_staff(),
            user_id: query.user_id,
            email: query.email.as_deref().map(crate::core::auth::stored_form),
            status_ids,
            queue: query.queue,
            topic: query.topic,
            priority: query.priority,
            assignee,
            followed_by,
            wanted,
            engine: Engine::of(conn),
        })
    }

    /// The matching tickets (built anew for the count and the page: boxed queries cannot be cloned).
    fn query(&self) -> tickets::BoxedQuery<'static, crate::core::db::MultiBackend> {
        let mut q = tickets::table.into_boxed();
        if let Some(owner) = self.owner {
            // Their own tickets and those they are copied on.
            let copied = ticket_cc::table.filter(ticket_cc::user_id.eq(owner)).select(ticket_cc::ticket_id);
            let mine = tickets::user_id.eq(owner).or(tickets::id.eq_any(copied));
            q = match self.technical {
                // A technical contact sees all their client's tickets too.
                Some(client) => q.filter(mine.or(tickets::client_id.eq(client).assume_not_null())),
                None => q.filter(mine),
            };
        }
        if let Some(client) = self.client {
            q = q.filter(tickets::client_id.eq(client));
        }
        if !self.staff {
            q = q.filter(tickets::held.eq(false));
        }
        if let Some(id) = self.user_id {
            q = q.filter(tickets::user_id.eq(id));
        }
        if let Some(email) = &self.email {
            q = q
                .filter(tickets::user_id.eq_any(users::table.filter(users::email.eq(email.clone())).select(users::id)));
        }
        if let Some(ids) = &self.status_ids {
            q = q.filter(tickets::status_id.eq_any(ids.clone()));
        }
        if let Some(queue) = self.queue {
            q = q.filter(tickets::queue_id.eq(queue));
        }
        if let Some(topic) = self.topic {
            q = q.filter(tickets::topic_id.eq(topic));
        }
        if let Some(priority) = self.priority {
            q = q.filter(tickets::priority_id.eq(priority));
        }
        match self.assignee {
            Some(Assigned::To(agent)) => {
                q = q.filter(
                    tickets::id.eq_any(
                        ticket_assignees::table
                            .filter(ticket_assignees::user_id.eq(agent))
                            .select(ticket_assignees::ticket_id),
                    ),
                );
            }
            Some(Assigned::Nobody) => q = q.filter(unassigned()),
            None => {}
        }
        if let Some(user) = self.followed_by {
            q = q.filter(tickets::id.eq_any(
                ticket_followers::table.filter(ticket_followers::user_id.eq(user)).select(ticket_followers::ticket_id),
            ));
        }
        if let Some(wanted) = &self.wanted {
            q = q.filter(wanted.matches(self.engine, self.staff));
        }
        q
    }
}

type Condition = Box<dyn BoxableExpression<tickets::table, crate::core::db::MultiBackend, SqlType = Bool>>;

/// What a search (`q`) finds: the tickets where every word is in the text (subject and thread)
/// or in the customer's name or address, and the ticket whose number it is (`TCK-1042`, `1042`,
/// `#1042`).
struct Wanted {
    /// The words: a search has at least one.
    first: String,
    more: Vec<String>,
    number: Option<String>,
}

impl Wanted {
    fn parse(q: &str, prefix: &str) -> ApiResult<Wanted> {
        let mut terms = shared::search::terms(q).into_iter();
        let Some(first) = terms.next() else {
            return Err(ApiError::field("q", "needs at least one word"));
        };
        Ok(Wanted { first, more: terms.collect(), number: shared::search::ticket_number(q, prefix) })
    }

    fn matches(&self, engine: Engine, staff: bool) -> Condition {
        // Each word in the ticket's text or in its customer's name or address, so that
        // "finder ledger" finds Fiona Finder's tickets about the ledger.
        let word = |term: &String| -> Condition {
            let text = search::ticket_matches(engine, std::slice::from_ref(term), staff);
            Box::new(text.or(customer_has(term)))
        };
        let words = self.more.iter().fold(word(&self.first), |all, term| Box::new(all.and(word(term))));
        match &self.number {
            Some(number) => Box::new(tickets::number.eq(number.clone()).or(words)),
            None => words,
        }
    }
}

/// The ticket's customer has the word anywhere in their name or address (words hold only letters
/// and digits, so nothing in them is a LIKE wildcard).
fn customer_has(term: &str) -> Condition {
    let name_and_address = lower(users::fullname.concat(" ").concat(users::email).nullable());
    let people = users::table.filter(name_and_address.assume_not_null().like(format!("%{term}%")));
    Box::new(tickets::user_id.eq_any(people.select(users::id)))
}

/// Tickets nobody is assigned to.
fn unassigned() -> diesel::dsl::not<
    diesel::dsl::exists<
        diesel::dsl::Filter<ticket_assignees::table, diesel::dsl::Eq<ticket_assignees::ticket_id, tickets::id>>,
    >,
> {
    diesel::dsl::not(diesel::dsl::exists(ticket_assignees::table.filter(ticket_assignees::ticket_id.eq(tickets::id))))
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

/// The columns a list sorts by. Ties, and the order within equal values, go by ticket id in the
/// same direction, so pages never repeat or skip a ticket.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sort {
    /// The ticket number: the order tickets were made in.
    Created,
    Updated,
    /// As the administrator ordered the priorities.
    Priority,
    Subject,
    /// As the administrator ordered the statuses.
    Status,
    /// The customer's name.
    Customer,
    /// The client's name; tickets without a client last either way.
    Client,
    /// The first assignee's name; unassigned tickets last either way.
    Assignee,
    /// The due time; tickets without one last either way.
    Due,
    /// When the customer last wrote; tickets they never wrote on last either way.
    Message,
}

const SORTS: &str =
    "use number, created, updated, priority, subject, status, customer, client, assignee, due or message, with - for descending";

type Page<'a> = diesel::dsl::Select<tickets::BoxedQuery<'a, crate::core::db::MultiBackend>, tickets::id>;

impl Sort {
    fn order<'a>(self, q: Page<'a>, descending: bool) -> Page<'a> {
        // `x IS NULL` (false first) keeps empty values last in both directions on both engines.
        macro_rules! by {
            ($($key:expr),+) => {
                if descending {
                    q.order(($($key.desc(),)+ tickets::id.desc()))
                } else {
                    q.order(($($key.asc(),)+ tickets::id.asc()))
                }
            };
        }
        // A time column, tickets without one last in both directions.
        macro_rules! empty_last {
            ($column:expr) => {{
                let q = q.then_order_by($column.is_null().asc());
                if descending {
                    q.then_order_by(($column.desc(), tickets::id.desc()))
                } else {
                    q.then_order_by(($column.asc(), tickets::id.asc()))
                }
            }};
        }
        match self {
            Sort::Created => by!(tickets::id),
            Sort::Updated => by!(tickets::updated_at),
            Sort::Priority => by!(priority_rank()),
            Sort::Subject => by!(lower(tickets::subject.nullable())),
            Sort::Status => {
                by!(statuses::table.filter(statuses::id.eq(tickets::status_id)).select(statuses::sort).single_value())
            }
            // The customer's name as the database keeps it beside each ticket (lower case).
            Sort::Customer => by!(tickets::customer_sort),
            Sort::Client => {
                empty_last!(sql::<Nullable<Text>>(
                    "(SELECT lower(c.name) FROM clients c WHERE c.id = tickets.client_id)"
                ))
            }
            Sort::Assignee => {
                let first = sql::<Nullable<Text>>(
                    "(SELECT min(lower(u.fullname)) FROM ticket_assignees a JOIN users u ON u.id = a.user_id \
                     WHERE a.ticket_id = tickets.id)",
                );
                let q = q.then_order_by(unassigned().asc());
                if descending {
                    q.then_order_by((first.desc(), tickets::id.desc()))
                } else {
                    q.then_order_by((first.asc(), tickets::id.asc()))
                }
            }
            Sort::Due => empty_last!(tickets::due_at),
            Sort::Message => empty_last!(tickets::last_message_at),
        }
    }
}

fn parse_sort(sort: Option<&str>) -> ApiResult<(Sort, bool)> {
    let sort = sort.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("-updated");
    let (name, descending) = match sort.strip_prefix('-') {
        Some(name) => (name, true),
        None => (sort, false),
    };
    let column = match name {
        "created" | "number" => Sort::Created,
        "updated" => Sort::Updated,
        "priority" => Sort::Priority,
        "subject" => Sort::Subject,
        "status" => Sort::Status,
        "customer" => Sort::Customer,
        "client" => Sort::Client,
        "assignee" => Sort::Assignee,
        "due" => Sort::Due,
        "message" => Sort::Message,
        _ => return Err(ApiError::field("sort", SORTS)),
    };
    Ok((column, descending))
}

/// A status filter names statuses or states, separated by commas: ids (`1`), states (`open`,
/// `pending`, `resolved`, `closed`, as written) or names (`Open`, in any case); a ticket in any
/// of them matches.
fn status_filter(conn: &mut AnyConnection, given: &str) -> ApiResult<Vec<i64>> {
    let all: Vec<(i64, String, String)> =
        statuses::table.select((statuses::id, statuses::name, statuses::state)).load(conn)?;
    let mut ids = Vec::new();
    for part in given.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let found: Vec<i64> = match part.parse::<i64>() {
            Ok(id) => all.iter().filter(|s| s.0 == id).map(|s| s.0).collect(),
            // A state as the API writes it (`open`) is the state, even where a status has its name.
            Err(_) if StatusState::parse(part).is_some() => all.iter().filter(|s| s.2 == part).map(|s| s.0).collect(),
            Err(_) => {
                let by_name: Vec<i64> = all.iter().filter(|s| s.1.eq_ignore_ascii_case(part)).map(|s| s.0).collect();
                if by_name.is_empty() {
                    all.iter().filter(|s| s.2.eq_ignore_ascii_case(part)).map(|s| s.0).collect()
                } else {
                    by_name
                }
            }
        };
        if found.is_empty() {
            return Err(ApiError::field("status", format!("no status or state has the name or id {part:?}")));
        }
        ids.extend(found);
    }
    if ids.is_empty() {
        return Err(ApiError::field("status", "name a status or state"));
    }
    Ok(ids)
}
