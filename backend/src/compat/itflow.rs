//! ITFlow's API v1 for tickets and their replies (seeds 002/004; the shapes of ITFlow's
//! `api/v1/tickets/*` and `ticket_replies/*`): `GET …/read.php` and `POST …/create.php`,
//! `…/resolve.php`, under `/api/v1/` (and `/itflow/api/v1/`, where ITFlow is often installed),
//! with an API key (or one kept from ITFlow: Admin › API keys) as `api_key` in the query or the
//! JSON body. Answers as ITFlow's: `{"success":"True","count":…,"data":[…]}` with ITFlow's column
//! names and every value a string or null; a missing key 401 with no body, a wrong one 401 with
//! ITFlow's message, a key without the scope 403, the other method 405; other failures 200 with
//! `"success":"False"` and a message, as ITFlow. docs/compat.md says what maps to what.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};
use shared::catalog::StatusState;
use shared::tickets::{EntryType, Ticket, TicketCreate, TicketListQuery, TicketUpdate, TIME_SPENT_MAX_MINUTES};

use super::digits;
use crate::catalog::rules as catalog;
use crate::core::auth::apikeys::Scope;
use crate::core::auth::{key_caller, Actor, Caller, Origin};
use crate::core::db::AnyConnection;
use crate::core::error::ApiError;
use crate::core::http::client::client_ip;
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;
use crate::tickets::create::{self, Limits};
use crate::tickets::find;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(read_tickets)
        .service(create_ticket)
        .service(resolve_ticket)
        .service(read_replies)
        .service(create_reply);
    // Where ITFlow is installed under /itflow/, and every other method on these paths (405).
    for endpoint in ENDPOINTS {
        let path = format!("/itflow/api/v1/{}", endpoint.path);
        match endpoint.method {
            Scope::Read => cfg.route(&path, web::get().to(alias)),
            _ => cfg.route(&path, web::post().to(alias)),
        };
        for path in [path, format!("/api/v1/{}", endpoint.path)] {
            cfg.route(&path, web::route().to(other_method));
        }
    }
}

/// The endpoints: where, and whether they read (GET) or write (POST).
struct Endpoint {
    path: &'static str,
    method: Scope,
}

const ENDPOINTS: [Endpoint; 5] = [
    Endpoint { path: "tickets/read.php", method: Scope::Read },
    Endpoint { path: "tickets/create.php", method: Scope::Write },
    Endpoint { path: "tickets/resolve.php", method: Scope::Write },
    Endpoint { path: "ticket_replies/read.php", method: Scope::Read },
    Endpoint { path: "ticket_replies/create.php", method: Scope::Write },
];

/// ITFlow's parameters: the query string, and for a POST the JSON body over it.
fn params(req: &HttpRequest, body: &[u8]) -> Map<String, Value> {
    let mut params: Map<String, Value> = serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    if let Ok(Value::Object(json)) = serde_json::from_slice::<Value>(body) {
        params.extend(json);
    }
    params
}

fn text(params: &Map<String, Value>, name: &str) -> Option<String> {
    match params.get(name)? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// PHP's intval, as ITFlow reads its numbers: 0 for anything else.
fn number(params: &Map<String, Value>, name: &str) -> i64 {
    text(params, name).and_then(|t| t.parse::<i64>().ok()).unwrap_or(0)
}

fn answer(status: StatusCode, body: Value) -> HttpResponse {
    HttpResponse::build(status).content_type("application/json").body(body.to_string())
}

fn failure(message: &str) -> HttpResponse {
    answer(StatusCode::OK, json!({"success": "False", "message": message}))
}

async fn other_method(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches("/itflow");
    let reads = ENDPOINTS.iter().any(|e| path.ends_with(e.path) && e.method == Scope::Read);
    let (allow, message) = if reads {
        ("GET", "Can only send GET requests to this endpoint.")
    } else {
        ("POST", "Can only send POST requests to this endpoint.")
    };
    let mut refused = answer(StatusCode::METHOD_NOT_ALLOWED, json!({"success": "False", "message": message}));
    // RFC 9110 wants the methods a 405 is for (ITFlow sends none).
    refused.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static(allow));
    refused
}

async fn alias(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let path = req.path().trim_start_matches("/itflow/api/v1/").to_owned();
    run(&state, &req, &path, &body).await
}

#[utoipa::path(
    tag = "itflow", params(ItflowRead),
    responses(
        (status = 200, description = "`{\"success\":\"True\",\"count\":n,\"data\":[…]}` with ITFlow's ticket columns, or `{\"success\":\"False\",\"message\":…}`", content_type = "application/json"),
        (status = 401, description = "No key (no body), or ITFlow's message for a wrong one", content_type = "application/json"),
        (status = 403, description = "The key lacks the read scope", content_type = "application/json"),
    )
)]
#[get("/api/v1/tickets/read.php")]
pub async fn read_tickets(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    run(&state, &req, "tickets/read.php", &[]).await
}

#[utoipa::path(
    tag = "itflow", request_body(content = ItflowTicket, content_type = "application/json"),
    responses(
        (status = 200, description = "`{\"success\":\"True\",\"count\":\"1\",\"data\":[{\"insert_id\":id}]}`, or ITFlow's failure", content_type = "application/json"),
        (status = 401, description = "No key, or a wrong one", content_type = "application/json"),
        (status = 403, description = "The key lacks the write scope", content_type = "application/json"),
    )
)]
#[post("/api/v1/tickets/create.php")]
pub async fn create_ticket(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    run(&state, &req, "tickets/create.php", &body).await
}

#[utoipa::path(
    tag = "itflow", request_body(content = ItflowResolve, content_type = "application/json"),
    responses(
        (status = 200, description = "`{\"success\":\"True\",\"count\":1}`, or ITFlow's failure", content_type = "application/json"),
        (status = 401, description = "No key, or a wrong one", content_type = "application/json"),
        (status = 403, description = "The key lacks the write scope", content_type = "application/json"),
    )
)]
#[post("/api/v1/tickets/resolve.php")]
pub async fn resolve_ticket(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    run(&state, &req, "tickets/resolve.php", &body).await
}

#[utoipa::path(
    tag = "itflow", params(ItflowReadReplies),
    responses(
        (status = 200, description = "The replies with ITFlow's columns, or ITFlow's failure", content_type = "application/json"),
        (status = 401, description = "No key, or a wrong one", content_type = "application/json"),
        (status = 403, description = "The key lacks the read scope", content_type = "application/json"),
    )
)]
#[get("/api/v1/ticket_replies/read.php")]
pub async fn read_replies(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    run(&state, &req, "ticket_replies/read.php", &[]).await
}

#[utoipa::path(
    tag = "itflow", request_body(content = ItflowReply, content_type = "application/json"),
    responses(
        (status = 200, description = "`{\"success\":\"True\",\"count\":\"1\",\"data\":[{\"insert_id\":id}]}`, or ITFlow's failure", content_type = "application/json"),
        (status = 401, description = "No key, or a wrong one", content_type = "application/json"),
        (status = 403, description = "The key lacks the write scope", content_type = "application/json"),
    )
)]
#[post("/api/v1/ticket_replies/create.php")]
pub async fn create_reply(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    run(&state, &req, "ticket_replies/create.php", &body).await
}

// The documented shapes; the handler reads them field by field, as ITFlow does.

#[allow(dead_code)]
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItflowRead {
    /// The API key (also in a POST's JSON body).
    api_key: String,
    /// One ticket (its number's digits).
    ticket_id: Option<i64>,
    /// 50 by default.
    limit: Option<i64>,
    offset: Option<i64>,
}

#[allow(dead_code)]
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItflowReadReplies {
    api_key: String,
    /// One ticket's replies.
    ticket_id: Option<i64>,
    /// One reply.
    ticket_reply_id: Option<i64>,
    /// Internal, Public or Client.
    #[param(rename = "type")]
    kind: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
pub struct ItflowTicket {
    api_key: String,
    ticket_subject: String,
    ticket_details: Option<String>,
    /// Low, Medium or High (Low by default).
    ticket_priority: Option<String>,
    /// An agent's user id.
    ticket_assigned_to: Option<i64>,
    /// 0 only, until clients exist.
    client_id: Option<i64>,
    /// 0 only, until clients exist.
    ticket_contact_id: Option<i64>,
    /// 0 only, until assets exist.
    ticket_asset_id: Option<i64>,
}

#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
pub struct ItflowResolve {
    api_key: String,
    ticket_id: i64,
    client_id: Option<i64>,
}

#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
pub struct ItflowReply {
    api_key: String,
    ticket_id: i64,
    ticket_reply: String,
    /// Internal (the default) or Public.
    ticket_reply_type: Option<String>,
    /// H:MM:SS.
    ticket_reply_time_worked: Option<String>,
    /// ITFlow's status: 1 New, 2 Open, 3 On Hold, 4 Resolved, 5 Closed.
    ticket_status: Option<i64>,
    client_id: Option<i64>,
}

async fn run(state: &web::Data<AppState>, req: &HttpRequest, path: &str, body: &[u8]) -> HttpResponse {
    let params = params(req, body);
    let Some(key) = text(&params, "api_key") else {
        return HttpResponse::Unauthorized().content_type("application/json").finish();
    };
    let Ok(caller) = key_caller(state, key, client_ip(req)).await else {
        let message = "Authentication failed. API key is invalid or has expired.";
        return answer(StatusCode::UNAUTHORIZED, json!({"success": "False", "message": message}));
    };
    let scope = ENDPOINTS.iter().find(|e| e.path == path).map_or(Scope::Write, |e| e.method);
    if caller.require(scope).is_err() {
        let message = format!("This API key lacks the {} scope.", scope.as_str());
        return answer(StatusCode::FORBIDDEN, json!({"success": "False", "message": message}));
    }
    let (path, app) = (path.to_owned(), state.clone());
    let origin = Origin { channel: "API", ..caller.origin(None) };
    let done = state.db(move |conn| Ok(endpoint(conn, &app, &caller, &origin, &path, &params))).await;
    match done {
        Ok(Ok(body)) => answer(StatusCode::OK, body),
        Ok(Err(message)) => failure(&message),
        Err(e) => failure(&e.to_string()),
    }
}

/// ITFlow's failure messages, by what failed.
const NO_RESOURCE: &str = "No resource (for this client and company) with the specified parameter(s).";
const INSERT_FAILED: &str = "Auth success but insert query failed, ensure ALL required variables are provided (and aren't duplicates where applicable) and database schema is up-to-date. Turn on error logging and look for 'undefined index'.";
const UPDATE_FAILED: &str = "Auth success but update query failed/returned no results. Ensure ALL required variables are provided and database schema is up-to-date. Most likely cause: non-existent module ID (i.e. bad contact ID/ticket ID/etc) or no rows changed.";

fn endpoint(
    conn: &mut AnyConnection,
    state: &AppState,
    caller: &Caller,
    origin: &Origin,
    path: &str,
    params: &Map<String, Value>,
) -> Result<Value, String> {
    let actor = caller.as_actor();
    let db = |e: ApiError| e.to_string();
    match path {
        "tickets/read.php" => {
            let rows = match number(params, "ticket_id") {
                0 => {
                    let (limit, offset) = paging(params);
                    page(conn, &actor, limit, offset).map_err(db)?
                }
                id => match find::find_visible(conn, &actor, &id.to_string()) {
                    Ok(row) => vec![find::render_one(conn, &actor, row.id).map_err(db)?],
                    Err(ApiError::NotFound(_)) => Vec::new(),
                    Err(e) => return Err(db(e)),
                },
            };
            if rows.is_empty() {
                return Err(NO_RESOURCE.into());
            }
            let data: Vec<Value> = rows.iter().map(ticket_row).collect();
            Ok(json!({"success": "True", "count": data.len(), "data": data}))
        }
        "tickets/create.php" => {
            if number(params, "ticket_asset_id") != 0 {
                return Err(
                    "ticket_asset_id names an asset: assets do not exist here yet (send 0 or leave it out).".into()
                );
            }
            let client_id = Some(number(params, "client_id")).filter(|id| *id != 0);
            let contact_id = Some(number(params, "ticket_contact_id")).filter(|id| *id != 0);
            // The contact is who asks (ITFlow's requester): their address, else the api account.
            let contact_email = match contact_id {
                Some(id) => crate::clients::contacts::address(conn, id).map_err(db)?,
                None => None,
            };
            let subject = text(params, "ticket_subject").ok_or(INSERT_FAILED)?;
            let assignee = match number(params, "ticket_assigned_to") {
                0 => None,
                id => Some(vec![id]),
            };
            let priority = match text(params, "ticket_priority").as_deref() {
                None | Some("Low") => "Low",
                Some("Medium") => "Normal",
                Some("High") => "High",
                Some(_) => return Err("ticket_priority must be Low, Medium or High.".into()),
            };
            let request = TicketCreate {
                subject: Some(subject.clone()),
                message: Some(text(params, "ticket_details").unwrap_or(subject)),
                email: Some(match contact_email {
                    Some(email) => email,
                    None => super::api_customer(conn, &actor).map_err(db)?,
                }),
                priority: Some(priority.into()),
                assignee_ids: assignee,
                client_id,
                contact_id,
                source: Some("API".into()),
                ..Default::default()
            };
            let limits = Limits::read(state, conn).map_err(db)?;
            let (_, number) = create::create_ticket(conn, &actor, &request, &limits, origin).map_err(|e| match e {
                ApiError::InvalidFields(f) => f.iter().map(|(k, v)| format!("{k} {v}.")).collect::<Vec<_>>().join(" "),
                other => db(other),
            })?;
            Ok(
                json!({"success": "True", "count": "1", "data": [{"insert_id": digits(&number).parse::<i64>().unwrap_or(0)}]}),
            )
        }
        "tickets/resolve.php" => {
            let ticket = visible(conn, &actor, number(params, "ticket_id")).ok_or(UPDATE_FAILED)?;
            if !of_client(&ticket, number(params, "client_id")) {
                return Err(UPDATE_FAILED.into());
            }
            let current = catalog::status(conn, ticket.status_id, "ticket_status").map_err(db)?;
            if !catalog::status_state(&current).is_active() {
                return Err(UPDATE_FAILED.into());
            }
            let resolved = catalog::first_status_in(conn, StatusState::Resolved).map_err(db)?.id;
            let change = TicketUpdate {
                status_id: Some(resolved),
                resolution: Some("Resolved through ITFlow's API".into()),
                ..Default::default()
            };
            super::change(conn, state, &actor, &ticket, &change, origin).map_err(db)?;
            Ok(json!({"success": "True", "count": 1}))
        }
        "ticket_replies/read.php" => {
            let kind = text(params, "type").map(|t| t.to_ascii_lowercase());
            let reply_id = number(params, "ticket_reply_id");
            let tickets = match number(params, "ticket_id") {
                0 => {
                    let (limit, offset) = paging(params);
                    page(conn, &actor, limit, offset).map_err(db)?
                }
                id => visible(conn, &actor, id)
                    .map(|row| find::render_one(conn, &actor, row.id))
                    .transpose()
                    .map_err(db)?
                    .into_iter()
                    .collect(),
            };
            let data: Vec<Value> = tickets
                .iter()
                .flat_map(|t| t.threads.iter().filter(|e| e.entry_type != EntryType::E).map(move |e| (t, e)))
                .filter(|(_, e)| reply_id == 0 || e.id == reply_id)
                .map(|(t, e)| reply_row(t, e))
                .filter(|r| {
                    kind.as_deref()
                        .is_none_or(|k| r["ticket_reply_type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case(k)))
                })
                .collect();
            if data.is_empty() {
                return Err(NO_RESOURCE.into());
            }
            Ok(json!({"success": "True", "count": data.len(), "data": data}))
        }
        "ticket_replies/create.php" => {
            let ticket = visible(conn, &actor, number(params, "ticket_id")).ok_or(INSERT_FAILED)?;
            let reply = text(params, "ticket_reply").ok_or(INSERT_FAILED)?;
            if !of_client(&ticket, number(params, "client_id")) {
                return Err(INSERT_FAILED.into());
            }
            // ITFlow: anything but Public is Internal.
            let public = text(params, "ticket_reply_type").is_some_and(|t| t.eq_ignore_ascii_case("public"));
            let minutes = text(params, "ticket_reply_time_worked").map(|t| worked(&t)).transpose()?.filter(|m| *m > 0);
            let status_id = match number(params, "ticket_status") {
                0 => None,
                n => Some(status_for(conn, n)?),
            };
            let resolution = status_id.map(|_| "Set through ITFlow's API".to_owned());
            let change = TicketUpdate {
                message: Some(reply),
                entry_type: Some(if public { "response" } else { "note" }.into()),
                time_spent: minutes,
                status_id,
                resolution,
                ..Default::default()
            };
            super::change(conn, state, &actor, &ticket, &change, origin).map_err(|e| match e {
                ApiError::InvalidFields(f) => f.iter().map(|(k, v)| format!("{k} {v}.")).collect::<Vec<_>>().join(" "),
                other => db(other),
            })?;
            let newest = find::render_one(conn, &actor, ticket.id)
                .map_err(db)?
                .threads
                .iter()
                .filter(|e| e.entry_type == EntryType::R || e.entry_type == EntryType::N)
                .map(|e| e.id)
                .max()
                .unwrap_or(0);
            Ok(json!({"success": "True", "count": "1", "data": [{"insert_id": newest}]}))
        }
        _ => Err(NO_RESOURCE.into()),
    }
}

/// `limit` (50 by default) and `offset`, as ITFlow reads them.
fn paging(params: &Map<String, Value>) -> (i64, i64) {
    let limit = if params.contains_key("limit") { number(params, "limit") } else { 50 };
    (limit.max(0), number(params, "offset").max(0))
}

/// The tickets by their numbers, `limit` from `offset`, every state, with their threads.
fn page(conn: &mut AnyConnection, actor: &Actor, limit: i64, offset: i64) -> Result<Vec<Ticket>, ApiError> {
    let query = TicketListQuery {
        status: Some("open,pending,resolved,closed".into()),
        sort: Some("number".into()),
        threads: Some(true),
        ..Default::default()
    };
    super::tickets(conn, actor, query, offset, limit)
}

fn visible(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Option<crate::tickets::rows::TicketRow> {
    (id > 0).then(|| find::find_visible(conn, actor, &id.to_string()).ok()).flatten()
}

/// ITFlow's status ids onto ours: 1 New, 2 Open, 3 On Hold, 4 Resolved, 5 Closed.
fn status_for(conn: &mut AnyConnection, id: i64) -> Result<i64, String> {
    let state = match id {
        1 | 2 => StatusState::Open,
        3 => StatusState::Pending,
        4 => StatusState::Resolved,
        5 => StatusState::Closed,
        _ => {
            return Err(format!(
                "ticket_status {id} is not one of ITFlow's: 1 New, 2 Open, 3 On Hold, 4 Resolved, 5 Closed."
            ))
        }
    };
    Ok(catalog::first_status_in(conn, state).map_err(|e| e.to_string())?.id)
}

/// Ours onto ITFlow's status ids.
fn itflow_status(state: StatusState, name: &str) -> i64 {
    match state {
        StatusState::Open if name.eq_ignore_ascii_case("new") => 1,
        StatusState::Open => 2,
        StatusState::Pending => 3,
        StatusState::Resolved => 4,
        StatusState::Closed => 5,
    }
}

/// `1:30:00` → 90 minutes (ITFlow's H:MM:SS).
fn worked(text: &str) -> Result<i64, String> {
    let parts: Vec<&str> = text.split(':').collect();
    let valid = parts.len() == 3 && parts[0].len() <= 3 && parts[1].len() == 2 && parts[2].len() == 2;
    let numbers: Option<Vec<i64>> = parts.iter().map(|p| p.parse::<i64>().ok()).collect();
    match (valid, numbers.as_deref()) {
        (true, Some(&[h, m, s])) if m < 60 && s < 60 => {
            let minutes = h * 60 + m + i64::from(s >= 30);
            if minutes > TIME_SPENT_MAX_MINUTES {
                Err(format!("ticket_reply_time_worked is over {} hours.", TIME_SPENT_MAX_MINUTES / 60))
            } else {
                Ok(minutes)
            }
        }
        _ => Err("ticket_reply_time_worked must be H:MM:SS.".into()),
    }
}

/// A date as ITFlow's MySQL writes it: `2024-05-01 13:45:00`.
fn mysql(rfc3339: Option<&str>) -> Value {
    rfc3339
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| Value::String(t.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string()))
        .unwrap_or(Value::Null)
}

/// A ticket as ITFlow's `tickets` row (values as strings, as ITFlow's MySQL gives them).
fn ticket_row(t: &Ticket) -> Value {
    let s = |v: String| Value::String(v);
    let number = digits(&t.ticket_number);
    let prefix = t.ticket_number.trim_end_matches(|c: char| c.is_ascii_digit()).to_owned();
    let details = t.threads.iter().find(|e| e.entry_type == EntryType::M).map(|e| e.body.clone()).unwrap_or_default();
    let state = t.status_state;
    let closed = matches!(state, StatusState::Closed).then(|| t.close_timestamp.clone()).flatten();
    let resolved =
        matches!(state, StatusState::Resolved | StatusState::Closed).then(|| t.close_timestamp.clone()).flatten();
    json!({
        "ticket_id": s(number.clone()),
        "ticket_prefix": s(prefix),
        "ticket_number": s(number),
        "ticket_source": s(t.source.clone()),
        "ticket_category": Value::Null,
        "ticket_subject": s(t.subject.clone()),
        "ticket_details": s(details),
        "ticket_priority": s(match t.priority.as_str() { "Normal" => "Medium".into(), "Urgent" => "High".into(), other => other.to_owned() }),
        "ticket_status": s(itflow_status(state, &t.ticket_status).to_string()),
        "ticket_status_name": s(t.ticket_status.clone()),
        "ticket_billable": s("0".into()),
        "ticket_created_at": mysql(Some(&t.create_timestamp)),
        "ticket_updated_at": mysql(Some(&t.updated_timestamp)),
        "ticket_due_at": mysql(t.due_timestamp.as_deref()),
        "ticket_resolved_at": mysql(resolved.as_deref()),
        "ticket_closed_at": mysql(closed.as_deref()),
        "ticket_archived_at": Value::Null,
        "ticket_created_by": s("0".into()),
        "ticket_assigned_to": s(t.assigned_to.first().map(|a| a.id.to_string()).unwrap_or_else(|| "0".into())),
        "ticket_client_id": s(t.client.as_ref().map_or(0, |c| c.id).to_string()),
        "ticket_contact_id": s(t.contact.as_ref().map_or(0, |c| c.id).to_string()),
        "ticket_asset_id": s("0".into()),
    })
}

/// ITFlow's `client_id` on a change: 0 (any), or the ticket's own client.
fn of_client(ticket: &crate::tickets::rows::TicketRow, client_id: i64) -> bool {
    client_id == 0 || ticket.client_id == Some(client_id)
}

/// A thread entry as ITFlow's `ticket_replies` row.
fn reply_row(t: &Ticket, e: &shared::tickets::ThreadEntry) -> Value {
    let kind = match e.entry_type {
        EntryType::N => "Internal",
        EntryType::R => "Public",
        _ => "Client",
    };
    // The person who wrote it (0 for a program: ITFlow's keys were always someone).
    let by = e.staff_id.or(e.user_id).unwrap_or(0);
    json!({
        "ticket_reply_id": e.id.to_string(),
        "ticket_reply": e.body,
        "ticket_reply_type": kind,
        "ticket_reply_time_worked": "00:00:00",
        "ticket_reply_created_at": mysql(Some(&e.created)),
        "ticket_reply_updated_at": mysql(e.updated.as_deref()),
        "ticket_reply_archived_at": Value::Null,
        "ticket_reply_by": by.to_string(),
        "ticket_reply_ticket_id": digits(&t.ticket_number),
        "ticket_prefix": t.ticket_number.trim_end_matches(|c: char| c.is_ascii_digit()),
        "ticket_number": digits(&t.ticket_number),
        "ticket_subject": t.subject,
        "ticket_client_id": t.client.as_ref().map_or(0, |c| c.id).to_string(),
        "ticket_reply_by_name": e.poster,
    })
}
