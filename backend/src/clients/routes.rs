//! `/api/clients.json`: the clients directory, each client's contacts and its timeline. HTTP
//! only — the rules are in this folder's other modules.
//!
//! Who: reading needs the "can view client details" level (restricted viewers and up by
//! default; customers never); changing clients and contacts a user manager (or a key with the
//! write scope); logging events the "can add client events" level.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use shared::clients::{
    Client, ClientEvent, ClientEventInput, ClientInput, ClientListQuery, Contact, ContactInput, EventListQuery,
};
use shared::settings::Capability;
use shared::ApiErrorBody;

use super::{contacts, directory, events};
use crate::core::auth::guards::{require_capability, Allowed, ChangingClients, Reading, Writing};
use crate::core::auth::{Actor, Caller};
use crate::core::db::{write_tx, AnyConnection};
use crate::core::error::ApiResult;
use crate::core::http::body::JsonBody;
use crate::core::http::paging::{check_page, page_response};
use crate::core::http::ServiceConfig;
use crate::core::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_clients)
        .service(create_client)
        .service(get_client)
        .service(update_client)
        .service(list_contacts)
        .service(add_contact)
        .service(update_contact)
        .service(remove_contact)
        .service(list_events)
        .service(add_event);
}

/// The caller, when their level may see clients.
fn viewer(conn: &mut AnyConnection, caller: &Caller) -> ApiResult<Actor> {
    let actor = caller.as_actor();
    require_capability(conn, &actor, Capability::ViewClientDetails)?;
    Ok(actor)
}

fn ip(caller: &Caller) -> Option<String> {
    caller.ip.map(|ip| ip.to_string())
}

/// The clients directory in name order: search (`q`) and status filter, paged.
#[utoipa::path(
    tag = "clients", params(ClientListQuery),
    responses(
        (status = 200, body = [Client], headers(("X-Total-Count" = i64), ("Link" = String))),
        (status = 401, body = ApiErrorBody),
        (status = 403, description = "Below the level that may view client details", body = ApiErrorBody),
        (status = 422, description = "An unknown status, or a bad page", body = ApiErrorBody),
    ),
    security(("api_key" = ["read"]), ("bearer" = ["restricted_viewer"]))
)]
#[get("/api/clients.json")]
pub async fn list_clients(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<Reading>,
    query: web::Query<ClientListQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let (page, per_page) = check_page(query.page, query.per_page)?;
    let (clients, total) = state
        .db(move |conn| {
            viewer(conn, &caller)?;
            directory::list(conn, &query, page, per_page)
        })
        .await?;
    Ok(page_response(&req, page, per_page, total, &clients))
}

/// Add a client.
#[utoipa::path(
    tag = "clients", request_body = ClientInput,
    responses(
        (status = 201, body = Client),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
        (status = 403, description = "Below user manager, or a key without the write scope", body = ApiErrorBody),
        (status = 415, body = ApiErrorBody),
        (status = 422, description = "A missing name, a bad field, or a domain of another client", body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["user_manager"]))
)]
#[post("/api/clients.json")]
pub async fn create_client(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<ChangingClients>,
    body: JsonBody<ClientInput>,
) -> ApiResult<HttpResponse> {
    let input = body.0;
    let client = state
        .db(move |conn| {
            let id =
                write_tx(conn, |conn| directory::create(conn, &caller.as_actor(), ip(&caller).as_deref(), &input))?;
            directory::render_one(conn, id)
        })
        .await?;
    Ok(HttpResponse::Created().json(client))
}

/// One client.
#[utoipa::path(
    tag = "clients", params(("id" = i64, Path, description = "The client's id")),
    responses(
        (status = 200, body = Client),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
    ),
    security(("api_key" = ["read"]), ("bearer" = ["restricted_viewer"]))
)]
#[get("/api/clients.json/{id}")]
pub async fn get_client(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<Reading>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let client = state
        .db(move |conn| {
            viewer(conn, &caller)?;
            directory::render_one(conn, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(client))
}

/// Change a client: absent fields keep their value; `domains` replaces the list. Closing it
/// (`"status": "Closed"`) stops new tickets for it; its tickets stay.
#[utoipa::path(
    tag = "clients", params(("id" = i64, Path, description = "The client's id")), request_body = ClientInput,
    responses(
        (status = 200, body = Client),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["user_manager"]))
)]
#[put("/api/clients.json/{id}")]
pub async fn update_client(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<ChangingClients>,
    id: web::Path<i64>,
    body: JsonBody<ClientInput>,
) -> ApiResult<HttpResponse> {
    let (id, input) = (id.into_inner(), body.0);
    let client = state
        .db(move |conn| {
            write_tx(conn, |conn| directory::update(conn, &caller.as_actor(), ip(&caller).as_deref(), id, &input))?;
            directory::render_one(conn, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(client))
}

/// A client's contacts, by name.
#[utoipa::path(
    tag = "clients", params(("id" = i64, Path, description = "The client's id")),
    responses(
        (status = 200, body = [Contact]),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
    ),
    security(("api_key" = ["read"]), ("bearer" = ["restricted_viewer"]))
)]
#[get("/api/clients.json/{id}/contacts")]
pub async fn list_contacts(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<Reading>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let list = state
        .db(move |conn| {
            viewer(conn, &caller)?;
            let client = directory::find(conn, id)?;
            Ok(contacts::render(directory::contacts_of(conn, id)?, client.primary_contact_id))
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The contact as it is now.
fn contact_view(conn: &mut AnyConnection, client_id: i64, id: i64) -> ApiResult<Contact> {
    let client = directory::find(conn, client_id)?;
    let row = contacts::find(conn, client_id, id)?;
    Ok(contacts::render(vec![row], client.primary_contact_id).remove(0))
}

/// Add a contact: a name and address (they get an account when they first write in), or an
/// existing customer's `user_id`.
#[utoipa::path(
    tag = "clients", params(("id" = i64, Path, description = "The client's id")), request_body = ContactInput,
    responses(
        (status = 201, body = Contact),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 415, body = ApiErrorBody),
        (status = 422, description = "A missing name, a bad field, or someone already a contact", body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["user_manager"]))
)]
#[post("/api/clients.json/{id}/contacts")]
pub async fn add_contact(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<ChangingClients>,
    id: web::Path<i64>,
    body: JsonBody<ContactInput>,
) -> ApiResult<HttpResponse> {
    let (client_id, input) = (id.into_inner(), body.0);
    let contact = state
        .db(move |conn| {
            let id = write_tx(conn, |conn| {
                contacts::add(conn, &caller.as_actor(), ip(&caller).as_deref(), client_id, &input)
            })?;
            contact_view(conn, client_id, id)
        })
        .await?;
    Ok(HttpResponse::Created().json(contact))
}

/// Change a contact: absent fields keep their value.
#[utoipa::path(
    tag = "clients",
    params(("id" = i64, Path, description = "The client's id"), ("contact_id" = i64, Path, description = "The contact's id")),
    request_body = ContactInput,
    responses(
        (status = 200, body = Contact),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["user_manager"]))
)]
#[put("/api/clients.json/{id}/contacts/{contact_id}")]
pub async fn update_contact(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<ChangingClients>,
    path: web::Path<(i64, i64)>,
    body: JsonBody<ContactInput>,
) -> ApiResult<HttpResponse> {
    let ((client_id, id), input) = (path.into_inner(), body.0);
    let contact = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                contacts::update(conn, &caller.as_actor(), ip(&caller).as_deref(), client_id, id, &input)
            })?;
            contact_view(conn, client_id, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(contact))
}

/// Remove a contact: their account stays; their tickets keep the client without a contact.
#[utoipa::path(
    tag = "clients",
    params(("id" = i64, Path, description = "The client's id"), ("contact_id" = i64, Path, description = "The contact's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["user_manager"]))
)]
#[delete("/api/clients.json/{id}/contacts/{contact_id}")]
pub async fn remove_contact(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<ChangingClients>,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (client_id, id) = path.into_inner();
    state
        .db(move |conn| {
            write_tx(conn, |conn| contacts::remove(conn, &caller.as_actor(), ip(&caller).as_deref(), client_id, id))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A client's timeline, the latest first.
#[utoipa::path(
    tag = "clients", params(("id" = i64, Path, description = "The client's id"), EventListQuery),
    responses(
        (status = 200, body = [ClientEvent], headers(("X-Total-Count" = i64), ("Link" = String))),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["read"]), ("bearer" = ["restricted_viewer"]))
)]
#[get("/api/clients.json/{id}/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<Reading>,
    id: web::Path<i64>,
    query: web::Query<EventListQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (page, per_page) = check_page(query.page, query.per_page)?;
    let (list, total) = state
        .db(move |conn| {
            viewer(conn, &caller)?;
            events::list(conn, id, page, per_page)
        })
        .await?;
    Ok(page_response(&req, page, per_page, total, &list))
}

/// Log a call, email, meeting or note on a client's timeline.
#[utoipa::path(
    tag = "clients", params(("id" = i64, Path, description = "The client's id")), request_body = ClientEventInput,
    responses(
        (status = 201, body = ClientEvent),
        (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
        (status = 403, description = "Below the level that may add client events", body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
    ),
    security(("api_key" = ["write"]), ("bearer" = ["user_manager"]))
)]
#[post("/api/clients.json/{id}/events")]
pub async fn add_event(
    state: web::Data<AppState>,
    Allowed(caller, _): Allowed<Writing>,
    id: web::Path<i64>,
    body: JsonBody<ClientEventInput>,
) -> ApiResult<HttpResponse> {
    let (client_id, input) = (id.into_inner(), body.0);
    let event = state
        .db(move |conn| {
            let actor = caller.as_actor();
            require_capability(conn, &actor, Capability::AddClientEvents)?;
            let id = write_tx(conn, |conn| events::add(conn, &actor, ip(&caller).as_deref(), client_id, &input))?;
            events::render_one(conn, id)
        })
        .await?;
    Ok(HttpResponse::Created().json(event))
}
