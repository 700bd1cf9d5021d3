//! NodePoint's JSON API (seed 000 §5; its answers as NodePoint 1.7.4's `nodepoint.pl` writes
//! them): `GET` or `POST` `/nodepoint/?api=<command>&key=<key>&…` — and at the site's root, where
//! NodePoint was installed — with an Oxidesk API key (or a key kept from NodePoint: Admin › API
//! keys) in `key`: read commands need the read scope, write commands the write scope. Every answer
//! is HTTP 200 `text/plain; charset=UTF-8` with NodePoint's JSON: `message` and `status` first
//! (`OK`, or an `ERR_…` code), every value a string. Each command calls the native rules as the
//! key (or, with `from_user`, as that person: NodePoint's "allow user impersonation" setting and
//! the key's impersonate scope). docs/compat.md says what maps to what.

mod clients;

use std::collections::HashMap;

use actix_web::{get, guard, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use shared::catalog::StatusState;
use shared::tickets::{EntryType, Ticket, TicketCreate, TicketListQuery, TicketUpdate, TIME_SPENT_MAX_MINUTES};
use shared::users::UserCreate;
use shared::AccessLevel;

use super::digits;
use crate::accounts::{credentials, rules as accounts, users};
use crate::catalog::rules as catalog;
use crate::core::auth::apikeys::Scope;
use crate::core::auth::{find_by_login, key_caller, level_of, Actor, Caller, Origin};
use crate::core::db::schema::{events, statuses, users as users_table};
use crate::core::db::AnyConnection;
use crate::core::error::ApiError;
use crate::core::http::client::client_ip;
use crate::core::http::ServiceConfig;
use crate::core::settings::{Stored, API_IMPERSONATION};
use crate::core::state::AppState;
use crate::tickets::create::{self, Limits};
use crate::tickets::find;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(nodepoint_get).service(nodepoint_post);
    // At the site's root, where NodePoint was installed: a GET asking `?api=`, and any POST (the
    // web app answers every other request there).
    cfg.map(|cfg| {
        cfg.service(
            web::resource("/")
                .guard(guard::fn_guard(|ctx| {
                    ctx.head().method == actix_web::http::Method::POST || ctx.head().uri.query().is_some_and(asks_api)
                }))
                .route(web::get().to(from_query))
                .route(web::post().to(from_form)),
        )
    });
}

fn asks_api(query: &str) -> bool {
    query.split(['&', ';']).any(|pair| pair.starts_with("api="))
}

/// The parameters of a NodePoint call (all optional here: a missing one is NodePoint's error).
#[allow(dead_code)] // The documented shape; the handler reads the parameters as NodePoint did.
#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NodePointCall {
    /// The command: list_users, add_user, verify_password, change_password, list_tickets,
    /// show_ticket, add_ticket, update_ticket, assign_ticket, add_comment, show_time.
    api: Option<String>,
    /// An API key: read scope for list_ and show_ commands and verify_password, write scope for
    /// the others.
    key: Option<String>,
    /// A ticket (show_ticket, update_ticket, assign_ticket, add_comment, show_time): its number or
    /// the number's digits.
    id: Option<String>,
    /// A queue id (list_tickets, add_ticket): NodePoint's products are Oxidesk's queues until
    /// projects exist.
    product_id: Option<String>,
    /// NodePoint's release (add_ticket): taken, not kept.
    release_id: Option<String>,
    title: Option<String>,
    description: Option<String>,
    /// Low, Normal or High.
    priority: Option<String>,
    /// New, Open, Invalid, Hold, Duplicate, Resolved or Closed.
    status: Option<String>,
    resolution: Option<String>,
    /// update_ticket: a note of what was done.
    summary: Option<String>,
    /// update_ticket: hours spent.
    time_spent: Option<String>,
    comment: Option<String>,
    /// A user name (add_user, verify_password, change_password; assign_ticket: the agent).
    user: Option<String>,
    password: Option<String>,
    email: Option<String>,
    /// Act as this person (add_ticket, update_ticket, assign_ticket), when "Allow user
    /// impersonation" is on and the key has the impersonate scope.
    from_user: Option<String>,
}

/// NodePoint's JSON API, read through the query string.
#[utoipa::path(
    tag = "nodepoint",
    params(NodePointCall),
    responses((status = 200, description = "NodePoint's JSON (also for its errors: `status` says which)", content_type = "text/plain"))
)]
#[get("/nodepoint/")]
pub async fn nodepoint_get(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    from_query(state, req).await
}

async fn from_query(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let params = parse(req.query_string().as_bytes());
    answer(state, &req, params).await
}

/// NodePoint's JSON API, read from a form (the query string's parameters too, the form's first).
#[utoipa::path(
    tag = "nodepoint",
    request_body(content = NodePointCall, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "NodePoint's JSON (also for its errors: `status` says which)", content_type = "text/plain"))
)]
#[post("/nodepoint/")]
pub async fn nodepoint_post(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    from_form(state, req, body).await
}

async fn from_form(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let mut params = parse(req.query_string().as_bytes());
    params.extend(parse(&body));
    answer(state, &req, params).await
}

/// The parameters, the first of a repeated one counting; a malformed string has none.
fn parse(bytes: &[u8]) -> HashMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default().into_iter().rev().collect()
}

async fn answer(state: web::Data<AppState>, req: &HttpRequest, params: HashMap<String, String>) -> HttpResponse {
    let json = match run(state, req, params).await {
        Ok(json) => json,
        Err(refusal) => refusal.json(),
    };
    HttpResponse::Ok().content_type("text/plain; charset=UTF-8").body(json)
}

/// A value of NodePoint's JSON: a string, or a list of objects of strings.
pub(super) enum Value {
    Text(String),
    List(Vec<Vec<(&'static str, String)>>),
}

/// NodePoint's JSON as it writes it: one key per line, `message` and `status` first, every value
/// a string (escaped properly here, which NodePoint did not always do).
pub(super) fn json(message: &str, status: &str, data: Vec<(&'static str, Value)>) -> String {
    let text = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let mut lines = vec![format!(" \"message\": {}", text(message)), format!(" \"status\": {}", text(status))];
    for (key, value) in data {
        lines.push(match value {
            Value::Text(v) => format!(" \"{key}\": {}", text(&v)),
            Value::List(items) => {
                let objects: Vec<String> = items
                    .iter()
                    .map(|fields| {
                        let inner: Vec<String> =
                            fields.iter().map(|(k, v)| format!("   \"{k}\": {}", text(v))).collect();
                        format!("  {{\n{}\n  }}", inner.join(",\n"))
                    })
                    .collect();
                format!(" \"{key}\": [\n{}\n ]", objects.join(",\n"))
            }
        });
    }
    format!("{{\n{}\n}}\n", lines.join(",\n"))
}

/// NodePoint's error answer.
pub(super) struct Refusal(String, &'static str);

impl Refusal {
    pub(super) fn missing(name: &str) -> Refusal {
        Refusal(format!("Missing '{name}' argument."), "ERR_MISSING_ARGUMENT")
    }

    pub(super) fn invalid(name: &str) -> Refusal {
        Refusal(format!("Invalid '{name}' value."), "ERR_INVALID_ARGUMENT")
    }

    fn json(&self) -> String {
        json(&self.0, self.1, Vec::new())
    }
}

/// The native rules' errors in NodePoint's terms.
impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Refusal {
        match error {
            ApiError::NotFound(_) => Refusal("Ticket not found.".into(), "ERR_INVALID_ID"),
            ApiError::InvalidFields(fields) => Refusal(
                fields.iter().map(|(f, p)| format!("'{f}' {p}.")).collect::<Vec<_>>().join(" "),
                "ERR_INVALID_ARGUMENT",
            ),
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "NodePoint call failed");
                Refusal("Internal error.".into(), "ERR_INTERNAL")
            }
            other => Refusal(other.to_string(), "ERR_INVALID_ARGUMENT"),
        }
    }
}

impl From<diesel::result::Error> for Refusal {
    fn from(error: diesel::result::Error) -> Refusal {
        ApiError::from(error).into()
    }
}

pub(super) type Params = HashMap<String, String>;

/// Tickets `list_tickets` answers at most (NodePoint answered all).
const LIST_MAX: i64 = 10_000;

/// A parameter as NodePoint tests them: empty and `0` are missing.
pub(super) fn given<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty() && *v != "0")
}

pub(super) fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, Refusal> {
    given(params, name).ok_or_else(|| Refusal::missing(name))
}

/// Which key a command takes, and what it needs first (NodePoint checks them before the key).
fn command(name: &str) -> Option<(Scope, &'static [&'static str])> {
    Some(match name {
        "list_users" => (Scope::Read, &[]),
        "verify_password" => (Scope::Read, &["user", "password"]),
        "list_tickets" => (Scope::Read, &["product_id"]),
        "show_ticket" | "show_time" => (Scope::Read, &["id"]),
        "add_user" => (Scope::Write, &["user", "password"]),
        "change_password" => (Scope::Write, &["user", "password"]),
        "add_ticket" => (Scope::Write, &["title", "description", "product_id", "release_id"]),
        "update_ticket" | "assign_ticket" => (Scope::Write, &["id"]),
        "add_comment" => (Scope::Write, &["comment", "id"]),
        // list_events and add_event check client_id (and type) after the key, as NodePoint.
        "list_clients" | "list_events" => (Scope::Read, &[]),
        "add_event" => (Scope::Write, &["summary"]),
        "add_client" => (Scope::Write, &["status", "name", "contact"]),
        _ => return None,
    })
}

async fn run(state: web::Data<AppState>, req: &HttpRequest, params: Params) -> Result<String, Refusal> {
    let name = params.get("api").cloned().unwrap_or_default();
    let Some((scope, needs)) = command(&name) else {
        return Err(Refusal("Invalid 'api' value. See the manual for valid values.".into(), "ERR_INVALID_API"));
    };
    for need in needs {
        required(&params, need)?;
    }
    let key = required(&params, "key")?.to_owned();
    let ip = client_ip(req);
    let invalid_key = || Refusal("Invalid 'key' value.".into(), "ERR_INVALID_KEY");
    let caller = key_caller(&state, key, ip).await.map_err(|_| invalid_key())?;
    caller.require(scope).map_err(|_| invalid_key())?;
    match name.as_str() {
        "verify_password" => {
            let (user, password) = (required(&params, "user")?, required(&params, "password")?);
            return match credentials::check(&state, ip, user, password.to_owned()).await {
                Ok(_) => Ok(json("Credentials are valid.", "OK", Vec::new())),
                Err(ApiError::RateLimited { retry_after }) => {
                    Err(Refusal(format!("Too many attempts: try again in {retry_after} seconds."), "ERR_INVALID_CRED"))
                }
                Err(_) => Err(Refusal("Invalid credentials.".into(), "ERR_INVALID_CRED")),
            };
        }
        "add_user" => return add_user(&state, caller, &params).await,
        "change_password" => {
            // No key sets a password here (docs/security.md): as NodePoint with Active Directory.
            return Err(Refusal("Passwords are set by their owners (\"Forgot password\").".into(), "ERR_AD_ENABLED"));
        }
        _ => {}
    }
    let origin = caller.origin(None);
    let origin = Origin { channel: "API", ..origin };
    let app = state.clone();
    state
        .db(move |conn| Ok(ticket_command(conn, &app, &caller, &origin, &name, &params)))
        .await
        .map_err(Refusal::from)?
}

async fn add_user(state: &AppState, caller: Caller, params: &Params) -> Result<String, Refusal> {
    let user = required(params, "user")?;
    let length = user.chars().count();
    if !(3..=50).contains(&length) {
        return Err(Refusal(
            "Bad length for 'user' argument (between 3 and 50 characters).".into(),
            "ERR_ARGUMENT_LENGTH",
        ));
    }
    let email = given(params, "email").ok_or_else(|| Refusal::missing("email"))?;
    // The key makes the account; its owner chooses the password ("Forgot password"), as every
    // account a key makes here. The password given is not kept.
    let body = UserCreate {
        username: Some(user.to_owned()),
        name: Some(user.to_owned()),
        email: Some(email.to_owned()),
        ..Default::default()
    };
    let made = users::create(state, caller, body).await.map_err(|e| match e {
        ApiError::Conflict(_) => Refusal("User already exist.".into(), "ERR_INVALID_ARGUMENT"),
        ApiError::InvalidFields(f) if f.get("username").is_some_and(|p| p.contains("already")) => {
            Refusal("User already exist.".into(), "ERR_INVALID_ARGUMENT")
        }
        ApiError::InvalidFields(f) if f.contains_key("username") || f.contains_key("email") => {
            let field = if f.contains_key("username") { "user" } else { "email" };
            Refusal(
                format!("Invalid '{field}' value: {}.", f.values().next().cloned().unwrap_or_default()),
                "ERR_INVALID_ARGUMENT",
            )
        }
        other => other.into(),
    })?;
    Ok(json("User added.", "OK", vec![("user", Value::Text(made.username.unwrap_or_default()))]))
}

/// Whom a write acts as: the key, or with `from_user` that person (the setting and the key's
/// impersonate scope allowing).
pub(super) fn acting(conn: &mut AnyConnection, caller: &Caller, params: &Params) -> Result<Actor, Refusal> {
    let Some(name) = given(params, "from_user") else { return Ok(caller.as_actor()) };
    if !Stored::read(conn)?.flag(&API_IMPERSONATION) {
        return Err(Refusal("User impersonation is not on.".into(), "ERR_INVALID_ARGUMENT"));
    }
    caller.require(Scope::Impersonate).map_err(|_| {
        Refusal("This key may not act for users: it lacks the impersonate scope.".into(), "ERR_INVALID_KEY")
    })?;
    match find_by_login(conn, name)? {
        Some(user) if level_of(&user) != AccessLevel::Disabled => Ok(Actor::User(user)),
        _ => Err(Refusal::invalid("from_user")),
    }
}

fn ticket_command(
    conn: &mut AnyConnection,
    state: &AppState,
    caller: &Caller,
    origin: &Origin,
    name: &str,
    params: &Params,
) -> Result<String, Refusal> {
    if let Some(answer) = clients::command(conn, caller, name, params) {
        return answer;
    }
    let key = caller.as_actor();
    match name {
        "list_users" => {
            let everyone = accounts::UserFilter { text: None, level: None, staff: false };
            let (rows, _) = accounts::list_users(conn, &everyone, 1, 10_000)?;
            let list = rows
                .into_iter()
                .map(|u| {
                    vec![
                        ("name", u.username.unwrap_or(u.email.clone())),
                        ("access_level", u.level.to_string()),
                        ("email", u.email),
                    ]
                })
                .collect();
            Ok(json("Users list.", "OK", vec![("users", Value::List(list))]))
        }
        "list_tickets" => {
            let queue = required(params, "product_id")?.parse::<i64>().unwrap_or(0);
            // Closed tickets are left out, as NodePoint's "hide closed tickets" (on by default).
            let query = TicketListQuery {
                queue: Some(queue),
                status: Some("open,pending,resolved".into()),
                sort: Some("number".into()),
                threads: Some(false),
                ..Default::default()
            };
            let found = match super::tickets(conn, &key, query, 0, LIST_MAX) {
                Ok(found) => found,
                // A queue that does not exist has no tickets (NodePoint does not ask).
                Err(ApiError::InvalidFields(_)) => Vec::new(),
                Err(e) => return Err(e.into()),
            };
            let items = found
                .into_iter()
                .map(|t| {
                    vec![
                        ("id", digits(&t.ticket_number)),
                        ("product_id", t.queue_id.to_string()),
                        ("release_id", String::new()),
                        ("title", t.subject),
                    ]
                })
                .collect();
            Ok(json("Tickets list.", "OK", vec![("tickets", Value::List(items))]))
        }
        "show_ticket" => {
            let ticket = find::find_visible(conn, &key, required(params, "id")?)?;
            let t = find::render_one(conn, &key, ticket.id)?;
            Ok(show_ticket(&t))
        }
        "show_time" => {
            let ticket = find::find_visible(conn, &key, required(params, "id")?)?;
            let rows: Vec<(String, NaiveDateTime, Option<String>, Option<String>)> = events::table
                .left_join(users_table::table.on(users_table::id.nullable().eq(events::actor_user_id)))
                .filter(events::target_type.eq("ticket"))
                .filter(events::target_id.eq(&ticket.number))
                .filter(events::kind.eq("ticket.time"))
                .order(events::id)
                .select((
                    events::payload,
                    events::created_at,
                    users_table::username.nullable(),
                    users_table::email.nullable(),
                ))
                .load(conn)?;
            let list = rows
                .into_iter()
                .map(|(payload, at, username, email)| {
                    let minutes = serde_json::from_str::<serde_json::Value>(&payload)
                        .ok()
                        .and_then(|p| p["minutes"].as_i64())
                        .unwrap_or(0);
                    vec![
                        ("name", username.or(email).unwrap_or_else(|| "api".into())),
                        ("hours", hours(minutes)),
                        ("date", ctime(at)),
                    ]
                })
                .collect();
            Ok(json("Time tracking.", "OK", vec![("time", Value::List(list))]))
        }
        "add_ticket" => {
            let actor = acting(conn, caller, params)?;
            let queue = required(params, "product_id")?
                .parse::<i64>()
                .ok()
                .filter(|id| catalog::queue_exists(conn, *id).is_ok());
            let queue = queue.ok_or_else(|| Refusal("Invalid 'product_id' value.".into(), "ERR_INVALID_PRODUCT_ID"))?;
            // NodePoint does not check the priority: one it does not know is the default.
            let priority = given(params, "priority").and_then(|p| priority_name(conn, p).ok());
            // A ticket needs a customer: the person acted as, else NodePoint's own "api" account.
            let email = match &actor {
                Actor::User(u) => u.email.clone(),
                _ => super::api_customer(conn, &actor)?,
            };
            let request = TicketCreate {
                subject: Some(required(params, "title")?.to_owned()),
                message: Some(required(params, "description")?.to_owned()),
                email: Some(email),
                queue_id: Some(queue),
                priority,
                source: Some("API".into()),
                ..Default::default()
            };
            let limits = Limits::read(state, conn)?;
            let (_, number) = create::create_ticket(conn, &actor, &request, &limits, origin)?;
            Ok(json(&format!("Ticket {} added.", digits(&number)), "OK", Vec::new()))
        }
        "update_ticket" => {
            let actor = acting(conn, caller, params)?;
            let ticket = find::find_visible(conn, &actor, required(params, "id")?)?;
            let status_id = given(params, "status").map(|s| status_for(conn, s)).transpose()?;
            let priority = given(params, "priority")
                .map(|p| match p {
                    "Low" | "Normal" | "High" => priority_name(conn, p),
                    _ => Err(Refusal::invalid("priority")),
                })
                .transpose()?;
            let minutes = given(params, "time_spent")
                .map(|h| {
                    let minutes = h.parse::<f64>().map(|h| (h * 60.0).round() as i64).unwrap_or(-1);
                    (1..=TIME_SPENT_MAX_MINUTES)
                        .contains(&minutes)
                        .then_some(minutes)
                        .ok_or_else(|| Refusal::invalid("time_spent"))
                })
                .transpose()?;
            let summary = given(params, "summary").map(str::to_owned);
            // Leaving the open states needs a resolution here: the one given, else the summary,
            // else what NodePoint's own history line would say.
            let resolution = given(params, "resolution").map(str::to_owned).or_else(|| {
                status_id.and_then(|_| {
                    summary.clone().or_else(|| given(params, "status").map(|s| format!("{s} through NodePoint's API")))
                })
            });
            let change = TicketUpdate {
                message: summary,
                entry_type: actor.is_staff().then(|| "note".to_owned()),
                status_id,
                resolution,
                priority,
                time_spent: minutes,
                ..Default::default()
            };
            super::change(conn, state, &actor, &ticket, &change, origin)?;
            Ok(json("Ticket updated.", "OK", Vec::new()))
        }
        "assign_ticket" => {
            let actor = acting(conn, caller, params)?;
            let ticket = find::find_visible(conn, &actor, required(params, "id")?)?;
            let user =
                given(params, "user").ok_or_else(|| Refusal("Missing 'user' value.".into(), "ERR_INVALID_ARGUMENT"))?;
            let agent = find_by_login(conn, user)?
                .filter(|u| level_of(u).is_staff())
                .ok_or_else(|| Refusal::invalid("user"))?;
            let mut ids: Vec<i64> =
                find::render_one(conn, &actor, ticket.id)?.assigned_to.iter().map(|a| a.id).collect();
            if !ids.contains(&agent.id) {
                ids.push(agent.id);
            }
            let change = TicketUpdate { assignee_ids: Some(ids), ..Default::default() };
            super::change(conn, state, &actor, &ticket, &change, origin)?;
            Ok(json("Ticket updated.", "OK", Vec::new()))
        }
        "add_comment" => {
            let ticket = find::find_visible(conn, &key, required(params, "id")?)?;
            // A comment reaches the customer, as NodePoint's comments do.
            let change = TicketUpdate {
                message: Some(required(params, "comment")?.to_owned()),
                entry_type: Some("response".into()),
                ..Default::default()
            };
            super::change(conn, state, &key, &ticket, &change, origin)?;
            Ok(json("Comment added.", "OK", Vec::new()))
        }
        _ => Err(Refusal("Invalid 'api' value. See the manual for valid values.".into(), "ERR_INVALID_API")),
    }
}

/// show_ticket as NodePoint writes it: `status` twice (`OK`, then the ticket's), so that a
/// client reading the last one gets the ticket's status.
fn show_ticket(t: &Ticket) -> String {
    let text = |s: &str| Value::Text(s.to_owned());
    let mut entries = t.threads.iter().filter(|e| e.entry_type != EntryType::E);
    let first = entries.next();
    let comments = entries
        .map(|e| {
            vec![
                ("id", e.id.to_string()),
                ("name", e.poster.clone()),
                ("comment", plain(&e.body, &e.format)),
                ("created_on", stamp(&e.created)),
                ("modified_on", e.updated.as_deref().map(stamp).unwrap_or_else(|| "Never".into())),
            ]
        })
        .collect();
    let names = |people: &[shared::tickets::Assignee]| {
        people.iter().map(|p| p.username.clone().unwrap_or_else(|| p.name.clone())).collect::<Vec<_>>().join(" ")
    };
    json(
        "Ticket showed.",
        "OK",
        vec![
            ("id", Value::Text(digits(&t.ticket_number))),
            ("product_id", Value::Text(t.queue_id.to_string())),
            ("release_id", text("")),
            ("created_by", text(&t.user.email)),
            ("assigned_to", Value::Text(names(&t.assigned_to))),
            ("title", text(&t.subject)),
            ("description", Value::Text(first.map(|e| plain(&e.body, &e.format)).unwrap_or_default())),
            ("priority", Value::Text(nodepoint_priority(&t.priority))),
            ("status", Value::Text(nodepoint_status(&t.ticket_status, t.status_state))),
            ("resolution", Value::Text(t.resolution.clone().unwrap_or_default())),
            ("followers", Value::Text(names(&t.followers))),
            ("created_on", Value::Text(stamp(&t.create_timestamp))),
            ("modified_on", Value::Text(stamp(&t.updated_timestamp))),
            ("comments", Value::List(comments)),
        ],
    )
}

/// A body as text (HTML bodies without their markup).
fn plain(body: &str, format: &str) -> String {
    if format == "html" {
        mail_parser::decoders::html::html_to_text(body).trim().to_owned()
    } else {
        body.to_owned()
    }
}

/// Minutes as NodePoint's hours: `90` → `1.5`.
fn hours(minutes: i64) -> String {
    let (whole, rest) = (minutes / 60, minutes % 60);
    if rest == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{:02}", rest * 100 / 60).trim_end_matches('0').to_owned()
    }
}

/// NodePoint's dates (Perl's `localtime` as text, here in UTC): `Sun Sep  9 01:46:40 2001`.
pub(super) fn ctime(at: NaiveDateTime) -> String {
    at.format("%a %b %e %H:%M:%S %Y").to_string()
}

/// An API timestamp (RFC 3339) as NodePoint writes dates.
fn stamp(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map(|t| ctime(t.naive_utc())).unwrap_or_else(|_| rfc3339.to_owned())
}

/// NodePoint's seven statuses onto Oxidesk's: by name where one is so called (`Hold` is the
/// first pending status, On hold), else the first status of the state it stands for.
fn status_for(conn: &mut AnyConnection, given: &str) -> Result<i64, Refusal> {
    let state = match given {
        "New" | "Open" => StatusState::Open,
        "Hold" => StatusState::Pending,
        "Resolved" => StatusState::Resolved,
        "Invalid" | "Duplicate" | "Closed" => StatusState::Closed,
        _ => return Err(Refusal::invalid("status")),
    };
    let named: Option<i64> = if given == "Hold" {
        None
    } else {
        statuses::table
            .select((statuses::id, statuses::name, statuses::state))
            .load::<(i64, String, String)>(conn)?
            .into_iter()
            .find(|(_, name, s)| name.eq_ignore_ascii_case(given) && StatusState::parse(s) == Some(state))
            .map(|(id, ..)| id)
    };
    match named {
        Some(id) => Ok(id),
        None => Ok(catalog::first_status_in(conn, state)?.id),
    }
}

/// A status as NodePoint names it: its own name when NodePoint has it, else its state's.
fn nodepoint_status(name: &str, state: StatusState) -> String {
    const NODEPOINT: [&str; 7] = ["New", "Open", "Invalid", "Hold", "Duplicate", "Resolved", "Closed"];
    if let Some(known) = NODEPOINT.iter().find(|n| n.eq_ignore_ascii_case(name)) {
        return (*known).to_owned();
    }
    match state {
        StatusState::Open => "Open",
        StatusState::Pending => "Hold",
        StatusState::Resolved => "Resolved",
        StatusState::Closed => "Closed",
    }
    .to_owned()
}

/// NodePoint's Low, Normal and High onto the priority of that name.
fn priority_name(conn: &mut AnyConnection, given: &str) -> Result<String, Refusal> {
    Ok(catalog::priority(conn, given)?.id.to_string())
}

/// A priority as NodePoint names it: Low, Normal, or High for the rest (Urgent).
fn nodepoint_priority(name: &str) -> String {
    match name {
        "Low" | "Normal" | "High" => name.to_owned(),
        _ => "High".to_owned(),
    }
}
