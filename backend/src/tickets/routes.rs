//! `/api/tickets.json`: osTicket's ticket resource. HTTP only — the rules live in `crate::tickets`.

use actix_web::http::header;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use shared::notifications::TicketCounts;
use shared::tickets::{
    ActingAs, BulkResult, BulkUpdate, CreatedFormat, Draft, Ticket, TicketCreate, TicketCreateQuery, TicketListQuery,
    TicketTransition, TicketUpdate,
};
use shared::ApiErrorBody;

use crate::core::auth::apikeys::Scope;
use crate::core::auth::guards::{Allowed, DeletingTickets, People, Reading, Staff, StaffWriting, Welcome, Writing};
use crate::core::auth::{Actor, Caller, Origin, Visitor};
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::JsonBody;
use crate::core::http::client::client_ip;
use crate::core::http::paging::{merge_list_query, page_response};
use crate::core::http::ServiceConfig;
use crate::core::settings;
use crate::core::state::AppState;
use crate::tickets::create::Limits;
use crate::tickets::rows::TicketRow;
use crate::tickets::{change, counts, delete, drafts, find, list};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_tickets)
        .service(create_ticket)
        .service(get_ticket)
        .service(update_ticket)
        .service(close_ticket)
        .service(reopen_ticket)
        .service(delete_ticket)
        .service(follow_ticket)
        .service(unfollow_ticket)
        .service(get_draft)
        .service(save_draft)
        .service(delete_draft)
        .service(bulk_update)
        .service(ticket_counts);
}

/// Who reads: a caller with the read scope, or a guest (whom `tickets` lets in only when the
/// visibility setting is public).
fn reader(visitor: &Visitor) -> ApiResult<Actor> {
    if let Some(caller) = &visitor.0 {
        caller.require(Scope::Read)?;
    }
    Ok(visitor.actor())
}

/// List tickets. Customers see only their own (unless the visibility setting is public or
/// private); without credentials only when it is public. Filters narrow the list.
#[utoipa::path(
    tag = "tickets",
    params(TicketListQuery),
    responses(
        (status = 200, description = "A page of tickets, newest activity first", body = [Ticket],
         headers(("X-Total-Count" = i64, description = "Tickets matching the filters"),
                 ("Link" = String, description = "RFC 8288 first/prev/next/last pages"))),
        (status = 401, description = "No or bad credentials (or none, unless tickets are public)", body = ApiErrorBody),
        (status = 403, description = "The key lacks the read scope", body = ApiErrorBody),
        (status = 422, description = "A filter is invalid", body = ApiErrorBody),
    ),
    security(("api_key" = ["read"]), ("bearer" = ["authorized_user"]), ())
)]
#[get("/api/tickets.json")]
pub async fn list_tickets(
    state: web::Data<AppState>,
    Welcome(visitor, _): Welcome<Reading>,
    query: web::Query<TicketListQuery>,
    body: JsonBody<TicketListQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let actor = reader(&visitor)?;
    // osTicket scripts send GET parameters as a JSON body; the query string wins.
    let query = merge_list_query(query.into_inner(), body.0);
    let page_number = query.page.unwrap_or(1);
    let page = state.db(move |conn| list::list(conn, &actor, &query)).await?;
    Ok(page_response(&req, page_number, page.per_page, page.total, &page.tickets))
}

/// Open a ticket (osTicket's create). Answers the ticket as JSON with `format=json` (or, without
/// `format`, when the request accepts application/json), else its number as text, as osTicket
/// does. Without credentials (a guest, when the settings allow guest tickets) `name` and `email`
/// say who files it.
#[utoipa::path(
    tag = "tickets",
    params(TicketCreateQuery),
    request_body = TicketCreate,
    responses(
        // JSON first: generators take the first media type as the answer's type.
        (status = 201, description = "Created: the ticket with `format=json` (or `Accept: application/json`), else its number as text/plain",
         content((Ticket = "application/json"), (String = "text/plain", example = "TCK-1042"))),
        (status = 400, description = "Malformed JSON", body = ApiErrorBody),
        (status = 401, description = "No or bad credentials (or none, unless guest tickets are allowed)", body = ApiErrorBody),
        (status = 403, description = "The key lacks the write (or impersonate) scope", body = ApiErrorBody),
        (status = 413, description = "An attachment or the body is too large", body = ApiErrorBody),
        (status = 415, description = "The body is not JSON", body = ApiErrorBody),
        (status = 422, description = "Missing or invalid fields, or a `format` other than json or text", body = ApiErrorBody),
        (status = 429, description = "Too many guest tickets from this address", body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["authorized_user"]), ())
)]
#[post("/api/tickets.json")]
pub async fn create_ticket(
    state: web::Data<AppState>,
    Welcome(visitor, _): Welcome<Writing>,
    answer: web::Query<TicketCreateQuery>,
    body: JsonBody<TicketCreate>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let wants_json = created_format(&answer, &req)? == CreatedFormat::Json;
    file_ticket(state, visitor, body.0, wants_json, &req).await
}

/// osTicket's create, whatever the body's format was (JSON here, XML in `compat::osticket_xml`):
/// the ticket as JSON when `wants_json`, else its number.
pub(crate) async fn file_ticket(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: TicketCreate,
    wants_json: bool,
    req: &HttpRequest,
) -> ApiResult<HttpResponse> {
    // osTicket's `ip` names the customer's address when a website files the ticket for them.
    let given_ip =
        body.ip.as_deref().map(str::trim).filter(|ip| ip.parse::<std::net::IpAddr>().is_ok()).map(str::to_owned);
    let origin = match &visitor.0 {
        Some(caller) => {
            // Only a program speaks for someone else's address; a person is recorded by their own.
            caller.origin(given_ip.filter(|_| caller.user().is_none()))
        }
        None => {
            // Guests share the sign-in budget per address: both are anonymous attempts.
            if let Some(ip) = client_ip(req) {
                state.login_limiter.check(ip)?;
            }
            Origin { ip: client_ip(req).map(|ip| ip.to_string()), channel: "Web", events: state.events.clone() }
        }
    };
    let st = state.clone();
    let (number, ticket) = state
        .db(move |conn| {
            let actor = match &visitor.0 {
                Some(caller) => caller.actor(conn, &ActingAs { user_id: body.user_id, ..Default::default() })?,
                None if settings::Stored::read(conn)?.flag(&crate::core::settings::ALLOW_GUEST_TICKETS) => Actor::Guest,
                None => return Err(ApiError::Unauthorized("Sign in to file a ticket".into())),
            };
            let limits = Limits::read(&st, conn)?;
            let (id, number) = super::create::create_ticket(conn, &actor, &body, &limits, &origin)?;
            // osTicket clients want only the number: skip building the JSON for them.
            let ticket = if wants_json { Some(find::render_one(conn, &actor, id)?) } else { None };
            Ok((number, ticket))
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, format!("/api/tickets.json/{number}")));
    Ok(match ticket {
        Some(ticket) => response.json(ticket),
        None => response.content_type("text/plain; charset=utf-8").body(number),
    })
}

/// `format` decides; without it the Accept header does, so that osTicket's scripts (neither)
/// keep getting the bare number.
pub(crate) fn created_format(answer: &TicketCreateQuery, req: &HttpRequest) -> ApiResult<CreatedFormat> {
    match answer.format.as_deref() {
        Some(given) => CreatedFormat::parse(given).map_err(|problem| ApiError::field("format", problem)),
        None if accepts_json(req) => Ok(CreatedFormat::Json),
        None => Ok(CreatedFormat::Text),
    }
}

/// osTicket's clients get text (a ticket number); clients that accept JSON get JSON.
pub(crate) fn accepts_json(req: &HttpRequest) -> bool {
    req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}

/// One ticket with its thread (internal notes only for agents).
#[utoipa::path(
    tag = "tickets",
    params(("number" = String, Path, description = "Ticket number, e.g. TCK-1042 (or just 1042)")),
    responses(
        (status = 200, body = Ticket),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "The key lacks the read scope", body = ApiErrorBody),
        (status = 404, description = "No such ticket, or not yours", body = ApiErrorBody),
    ),
    security(("api_key" = ["read"]), ("bearer" = ["authorized_user"]), ())
)]
#[get("/api/tickets.json/{number}")]
pub async fn get_ticket(
    state: web::Data<AppState>,
    visitor: Visitor,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = reader(&visitor)?;
    let ticket = state
        .db(move |conn| {
            let row = find::find_visible(conn, &actor, &number)?;
            find::render_one(conn, &actor, row.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ticket))
}

/// Post a reply (customer message, agent response or internal note) and/or change fields.
#[utoipa::path(
    tag = "tickets",
    params(("number" = String, Path, description = "Ticket number")),
    request_body = TicketUpdate,
    responses(
        (status = 200, description = "The updated ticket", body = Ticket),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not allowed (a customer changing fields, a missing scope)", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
        (status = 409, description = "`version` is stale: someone else changed the ticket", body = ApiErrorBody),
        (status = 413, body = ApiErrorBody), (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["authorized_user"]))
)]
#[put("/api/tickets.json/{number}")]
pub async fn update_ticket(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<Writing>,
    number: web::Path<String>,
    body: JsonBody<TicketUpdate>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let st = state.clone();
    let ticket = state
        .db(move |conn| {
            let actor = caller.actor(conn, &body.acting_as)?;
            let row = find::find_visible(conn, &actor, &number)?;
            let limits = Limits::read(&st, conn)?;
            change::update_ticket(conn, &actor, &row, &body, &limits, &caller.origin(None))?;
            find::render_one(conn, &actor, row.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ticket))
}

/// Close a ticket. Closing a closed ticket changes nothing.
#[utoipa::path(
    tag = "tickets",
    params(("number" = String, Path, description = "Ticket number")),
    // Option<_> marks the body optional: without one the ticket is closed as the caller.
    request_body(content = Option<TicketTransition>, description = "Optional: who acts, the version you saw, a resolution"),
    responses(
        (status = 204, description = "Closed"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["authorized_user"]))
)]
#[delete("/api/tickets.json/{number}")]
pub async fn close_ticket(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<Writing>,
    number: web::Path<String>,
    body: JsonBody<TicketTransition>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    state
        .db(move |conn| {
            let actor = caller.actor(conn, &body.acting_as)?;
            let row = find::find_visible(conn, &actor, &number)?;
            change::close_ticket(conn, &actor, &row, body.version, body.resolution.as_deref(), &caller.origin(None))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reopen a resolved or closed ticket (customers within the auto-close window, agents always).
#[utoipa::path(
    tag = "tickets",
    params(("number" = String, Path, description = "Ticket number")),
    // Option<_> marks the body optional: without one the ticket is reopened as the caller.
    request_body(content = Option<TicketTransition>, description = "Optional: who acts and the version you saw"),
    responses(
        (status = 200, description = "The reopened ticket", body = Ticket),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["authorized_user"]))
)]
#[post("/api/tickets.json/{number}")]
pub async fn reopen_ticket(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<Writing>,
    number: web::Path<String>,
    body: JsonBody<TicketTransition>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let ticket = state
        .db(move |conn| {
            let actor = caller.actor(conn, &body.acting_as)?;
            let row = find::find_visible(conn, &actor, &number)?;
            change::reopen_ticket(conn, &actor, &row, body.version, &caller.origin(None))?;
            find::render_one(conn, &actor, row.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ticket))
}

/// Delete a ticket for good: its thread, its files, who was assigned, following and copied, its
/// drafts and notifications. The audit log keeps a `ticket.delete` row; its number is never given
/// again. For people at the "delete tickets" threshold (administrators by default; Admin ›
/// Settings) and keys with the admin scope. (`DELETE /api/tickets.json/{number}` closes, as in
/// osTicket.)
#[utoipa::path(
    tag = "tickets",
    params(("number" = String, Path, description = "Ticket number (or its digits)")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Below the threshold, or a key without the admin scope", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
    ),
    security(("api_key" = ["admin"]), ("bearer" = ["administrator"]))
)]
#[post("/api/tickets.json/{number}/delete")]
pub async fn delete_ticket(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<DeletingTickets>,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let files = state.config.attachments_dir();
    state
        .db(move |conn| {
            let actor = caller.as_actor();
            // The right first: whether a ticket exists is no business of those who may not delete.
            delete::require_right(conn, &actor)?;
            let row = find::find_visible(conn, &actor, &number)?;
            delete::delete_ticket(conn, &actor, &row, &files, &caller.origin(None))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Follow a ticket: it shows on your home page (and, with mail, you hear of its changes).
/// Following does not change the ticket, so it needs no `version`.
#[utoipa::path(
    tag = "tickets",
    params(("number" = String, Path, description = "Ticket number")),
    responses(
        (status = 200, description = "The ticket, with you among its followers", body = Ticket),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "The key lacks the write scope", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
        (status = 422, description = "An API key acting as itself is nobody who could follow", body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["authorized_user"]))
)]
#[put("/api/tickets.json/{number}/follow")]
pub async fn follow_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    set_following(state, caller, number.into_inner(), true).await
}

/// Stop following a ticket.
#[utoipa::path(
    tag = "tickets",
    params(("number" = String, Path, description = "Ticket number")),
    responses(
        (status = 200, description = "The ticket, without you among its followers", body = Ticket),
        (status = 401, body = ApiErrorBody), (status = 403, description = "The key lacks the write scope", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["authorized_user"]))
)]
#[delete("/api/tickets.json/{number}/follow")]
pub async fn unfollow_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    set_following(state, caller, number.into_inner(), false).await
}

async fn set_following(
    state: web::Data<AppState>,
    caller: Caller,
    number: String,
    follow: bool,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Write)?;
    let set = move |conn: &mut _, actor: &Actor, row: &TicketRow| {
        change::set_following(conn, actor, row, follow)?;
        find::render_one(conn, actor, row.id)
    };
    let ticket = find::on_visible(&state, caller.as_actor(), number, set).await?;
    Ok(HttpResponse::Ok().json(ticket))
}

/// Your draft reply on a ticket, kept as you type (one per ticket and person; posting a message
/// discards it). People only: API keys keep no drafts.
#[utoipa::path(
    tag = "tickets",
    params(("number" = String, Path, description = "Ticket number")),
    responses(
        (status = 200, description = "Your draft", body = Draft),
        (status = 204, description = "You have no draft on this ticket"),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "An API key, or a viewer who may not write on the ticket", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
    ),
    security(("bearer" = ["authorized_user"]))
)]
#[get("/api/tickets.json/{number}/draft")]
pub async fn get_draft(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<People>,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let draft = find::on_visible(&state, caller.as_actor(), number.into_inner(), drafts::get).await?;
    Ok(draft_response(draft))
}

/// Keep your draft reply on a ticket, replacing the one before; an empty `message` discards it.
#[utoipa::path(
    tag = "tickets",
    request_body = Draft,
    params(("number" = String, Path, description = "Ticket number")),
    responses(
        (status = 200, description = "The draft as kept", body = Draft),
        (status = 204, description = "The message was empty: the draft is discarded"),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
        (status = 403, description = "An API key, or a viewer who may not write on the ticket", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 413, body = ApiErrorBody), (status = 415, body = ApiErrorBody),
        (status = 422, description = "A message over the size of a message, or a type the caller cannot post", body = ApiErrorBody),
    ),
    security(("bearer" = ["authorized_user"]))
)]
#[put("/api/tickets.json/{number}/draft")]
pub async fn save_draft(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<People>,
    number: web::Path<String>,
    body: JsonBody<Draft>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let save = move |conn: &mut _, actor: &_, row: &_| drafts::save(conn, actor, row, &body);
    let draft = find::on_visible(&state, caller.as_actor(), number.into_inner(), save).await?;
    Ok(draft_response(draft))
}

/// Discard your draft reply on a ticket.
#[utoipa::path(
    tag = "tickets",
    params(("number" = String, Path, description = "Ticket number")),
    responses(
        (status = 204, description = "No draft is kept (whether or not there was one)"),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "An API key, or a viewer who may not write on the ticket", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody),
    ),
    security(("bearer" = ["authorized_user"]))
)]
#[delete("/api/tickets.json/{number}/draft")]
pub async fn delete_draft(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<People>,
    number: web::Path<String>,
) -> ApiResult<HttpResponse> {
    find::on_visible(&state, caller.as_actor(), number.into_inner(), drafts::delete).await?;
    Ok(HttpResponse::NoContent().finish())
}

fn draft_response(draft: Option<Draft>) -> HttpResponse {
    match draft {
        Some(draft) => HttpResponse::Ok().json(draft),
        None => HttpResponse::NoContent().finish(),
    }
}

/// Change many tickets at once (agents): assign, set a status (with a resolution when leaving the
/// open states) or a priority. All or nothing: one unknown ticket or stale rule changes none.
#[utoipa::path(
    tag = "tickets",
    request_body = BulkUpdate,
    responses(
        (status = 200, description = "The tickets changed", body = BulkResult),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an agent, or the key lacks the write scope", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody),
        (status = 422, description = "No tickets, too many, an unknown number, or an invalid change", body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["agent"]))
)]
#[post("/api/tickets/bulk.json")]
pub async fn bulk_update(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<StaffWriting>,
    body: JsonBody<BulkUpdate>,
) -> ApiResult<HttpResponse> {
    let actor = caller.as_actor();
    let origin = caller.origin(None);
    let body = body.0;
    let updated = state.db(move |conn| change::bulk_update(conn, &actor, &body, &origin)).await?;
    Ok(HttpResponse::Ok().json(BulkResult { updated }))
}

/// The desk side bar's counts of open tickets (open and pending states): in all, assigned to you,
/// unassigned, followed by you, per queue, and what each of your saved views lists (its own
/// status filter, or the open states). Kept until something changes, so cheap to ask often.
#[utoipa::path(
    tag = "tickets",
    responses(
        (status = 200, description = "The counts", body = TicketCounts),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Not an agent, or the key lacks the read scope", body = ApiErrorBody),
    ),
    security(("api_key" = ["read"]), ("bearer" = ["agent"]))
)]
#[get("/api/counts.json")]
pub async fn ticket_counts(state: web::Data<AppState>, Staff(caller): Staff) -> ApiResult<HttpResponse> {
    let actor = caller.as_actor();
    let app = state.clone();
    let counts = state.db(move |conn| counts::counts(conn, &app.counts, &actor)).await?;
    Ok(HttpResponse::Ok().json(counts))
}
