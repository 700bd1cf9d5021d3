//! osTicket's staff endpoints (`/api/scp/…`) from the extended API of seed 003, answered in its
//! envelope (`status_code` "0" and `status_msg`). They act for an agent named by `staffUserName`
//! (an impersonating key) or for the signed-in agent.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};
use shared::tickets::{ActingAs, ScpStatus, ScpTicketInfo, ScpTickets, StaffReply, TicketListQuery, TicketUpdate};
use shared::ApiErrorBody;

use crate::core::auth::guards::{Allowed, Staff, StaffWriting};
use crate::core::auth::{find_by_login, Caller};
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};
use crate::core::http::body::JsonBody;
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;
use crate::tickets::{find, list};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(staff_tickets).service(client_tickets).service(ticket_info).service(staff_reply).service(ticket_index);
}

fn success(msg: &str) -> (String, String) {
    ("0".to_owned(), msg.to_owned())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffTicketsQuery {
    /// The agent's user name (or email).
    #[serde(rename = "staffUserName")]
    staff_user_name: Option<String>,
}

/// Tickets assigned to an agent (the first 100, most recently active first).
#[utoipa::path(
    tag = "osticket-staff", params(StaffTicketsQuery),
    responses((status = 200, body = ScpTickets), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)),
    security(("api_key" = ["read"]), ("bearer" = ["agent"]))
)]
#[get("/api/scp/tickets/staffTickets.json")]
pub async fn staff_tickets(
    state: web::Data<AppState>,
    Staff(caller): Staff,
    query: web::Query<StaffTicketsQuery>,
) -> ApiResult<HttpResponse> {
    let name = query
        .into_inner()
        .staff_user_name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::field("staffUserName", "is required"))?;
    scp_list(&state, &caller, move |conn| {
        // An unknown agent has no tickets, as in osTicket.
        Ok(find_by_login(conn, &name)?
            .map(|agent| TicketListQuery { assignee: Some(agent.id.to_string()), ..Default::default() }))
    })
    .await
}

/// The first 100 tickets matching a query, most recently active first, in osTicket's envelope.
async fn scp_list<F>(state: &AppState, caller: &Caller, query: F) -> ApiResult<HttpResponse>
where
    F: FnOnce(&mut AnyConnection) -> ApiResult<Option<TicketListQuery>> + Send + 'static,
{
    let actor = caller.as_actor();
    let list = state
        .db(move |conn| match query(conn)? {
            Some(query) => {
                let query = TicketListQuery { per_page: Some(list::MAX_PER_PAGE), ..query };
                Ok(list::list(conn, &actor, &query)?.tickets)
            }
            None => Ok(Vec::new()),
        })
        .await?;
    let (status_code, status_msg) = success("success");
    Ok(HttpResponse::Ok().json(ScpTickets { tickets: list, status_code, status_msg }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientTicketsQuery {
    /// The customer's email address.
    #[serde(rename = "clientUserMail")]
    client_user_mail: Option<String>,
}

/// Tickets of a customer (the first 100, most recently active first).
#[utoipa::path(
    tag = "osticket-staff", params(ClientTicketsQuery),
    responses((status = 200, body = ScpTickets), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)),
    security(("api_key" = ["read"]), ("bearer" = ["agent"]))
)]
#[get("/api/scp/tickets/clientTickets.json")]
pub async fn client_tickets(
    state: web::Data<AppState>,
    Staff(caller): Staff,
    query: web::Query<ClientTicketsQuery>,
) -> ApiResult<HttpResponse> {
    let email = query
        .into_inner()
        .client_user_mail
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::field("clientUserMail", "is required"))?;
    scp_list(&state, &caller, move |_| Ok(Some(TicketListQuery { email: Some(email), ..Default::default() }))).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketInfoQuery {
    #[serde(rename = "ticketNumber")]
    ticket_number: Option<String>,
}

/// One ticket with its whole thread, in osTicket's envelope.
#[utoipa::path(
    tag = "osticket-staff", params(TicketInfoQuery),
    responses((status = 200, body = ScpTicketInfo), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("api_key" = ["read"]), ("bearer" = ["agent"]))
)]
#[get("/api/scp/tickets/ticketInfo.json")]
pub async fn ticket_info(
    state: web::Data<AppState>,
    Staff(caller): Staff,
    query: web::Query<TicketInfoQuery>,
) -> ApiResult<HttpResponse> {
    let number = query
        .into_inner()
        .ticket_number
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::field("ticketNumber", "is required"))?;
    let actor = caller.as_actor();
    let ticket = state
        .db(move |conn| {
            let row = find::find_visible(conn, &actor, &number)?;
            find::render_one(conn, &actor, row.id)
        })
        .await?;
    let (status_code, status_msg) = success("ticket details retrieved successfully");
    Ok(HttpResponse::Ok().json(ScpTicketInfo { ticket, status_code, status_msg }))
}

/// An agent's reply, optionally changing the status (`reply_status_id`).
#[utoipa::path(
    tag = "osticket-staff", request_body = StaffReply,
    responses(
        (status = 200, body = ScpStatus),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 415, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["agent"]))
)]
#[post("/api/scp/tickets/reply.json")]
pub async fn staff_reply(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<StaffWriting>,
    body: JsonBody<StaffReply>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let number = body
        .ticket_number
        .clone()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::field("ticketNumber", "is required"))?;
    let response = body
        .response
        .clone()
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| ApiError::field("response", "is required"))?;
    let st = state.clone();
    state
        .db(move |conn| {
            let acting = ActingAs {
                from_user: body.staff_user_name.clone().filter(|n| !n.trim().is_empty()),
                ..Default::default()
            };
            let named = acting.from_user.is_some();
            let actor = caller.actor(conn, &acting)?;
            if !actor.is_staff() {
                return Err(if named {
                    ApiError::field("staffUserName", "is not an agent")
                } else {
                    ApiError::Forbidden("Only agents can use the staff endpoints".into())
                });
            }
            let row = find::find_visible(conn, &actor, &number)?;
            let update = TicketUpdate {
                message: Some(response.clone()),
                entry_type: Some("response".into()),
                status_id: body.reply_status_id,
                // A reply that resolves the ticket is its own resolution unless one is given.
                resolution: body.resolution.clone().or(Some(response)),
                ..Default::default()
            };
            // As on create: only a program names the address; a person is recorded by their own.
            let origin = caller.origin(body.ip_address.clone().filter(|_| caller.user().is_none()));
            super::change(conn, &st, &actor, &row, &update, &origin)
        })
        .await
        .map_err(|e| {
            e.rename_fields(&[
                ("from_user", "staffUserName"),
                ("status_id", "reply_status_id"),
                ("message", "response"),
            ])
        })?;
    let (status_code, status_msg) = success("reply posted successfully");
    Ok(HttpResponse::Ok().json(ScpStatus { status_code, status_msg }))
}

/// osTicket's index of tickets: for each, pairs of number, created, updated, closed and href.
#[utoipa::path(
    tag = "osticket-staff", params(TicketListQuery),
    responses((status = 200, description = "[[\"number\", \"TCK-1042\"], [\"created\", …], [\"closed\", null], …] per ticket",
               body = Vec<Vec<Vec<Option<String>>>>),
              (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)),
    security(("api_key" = ["read"]), ("bearer" = ["agent"]))
)]
#[get("/api/scp/tickets.json")]
pub async fn ticket_index(
    state: web::Data<AppState>,
    Staff(caller): Staff,
    query: web::Query<TicketListQuery>,
) -> ApiResult<HttpResponse> {
    let mut query = query.into_inner();
    query.threads = Some(false);
    let actor = caller.as_actor();
    let list = state.db(move |conn| list::list(conn, &actor, &query)).await?.tickets;
    let index: Vec<Value> = list
        .into_iter()
        .map(|t| {
            json!([
                ["number", t.ticket_number],
                ["created", t.create_timestamp],
                ["updated", t.updated_timestamp],
                ["closed", t.close_timestamp],
                ["href", format!("/api/tickets.json/{}", t.ticket_number)],
            ])
        })
        .collect();
    Ok(HttpResponse::Ok().json(index))
}
