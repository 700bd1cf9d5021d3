//! The one place that talks to the server. Every function returns the `shared` DTOs the server
//! serialises, or an [`ApiError`] that keeps the server's JSON error body when there is one, so a
//! form can show the server's per-field messages next to its fields.

use std::collections::BTreeMap;
use std::fmt;

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use shared::auth::{LoginRequest, LoginResponse, RegisterRequest};
use shared::catalog::Topic;
use shared::settings::{Settings, SetupRequest};
use shared::tickets::{Ticket, TicketCreate, TicketListQuery, TicketUpdate};
use shared::ApiErrorBody;

/// All endpoints are same-origin: the server that serves the SPA also serves the API.
const API: &str = "/api";

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with an error status; `body` is its JSON error when it sent one.
    Status {
        status: u16,
        body: Option<ApiErrorBody>,
    },
    /// No answer at all: the server is down, the network is gone, or the request was refused.
    Network(String),
    /// A success status whose body is not what this version of the SPA expects.
    Decode(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// Field name → message, as the server reported them for a 422.
    pub fn fields(&self) -> BTreeMap<String, String> {
        match self {
            ApiError::Status {
                body: Some(body), ..
            } => body.error.fields.clone(),
            _ => BTreeMap::new(),
        }
    }

    /// A sentence to show people.
    pub fn message(&self) -> String {
        match self {
            ApiError::Status {
                body: Some(body), ..
            } => body.error.message.clone(),
            ApiError::Status { status, body: None } => match status {
                401 => "Please sign in again.".to_owned(),
                403 => "You are not allowed to do that.".to_owned(),
                404 => "Not found.".to_owned(),
                409 => "Someone else changed this in the meantime.".to_owned(),
                _ => format!("The server answered with status {status}."),
            },
            ApiError::Network(detail) => format!("Could not reach the server ({detail})."),
            ApiError::Decode(detail) => {
                format!("The server's answer could not be read ({detail}).")
            }
        }
    }

    /// Used when a page needs a token but nobody is signed in (the guard normally prevents this).
    pub fn signed_out() -> Self {
        ApiError::Status {
            status: 401,
            body: None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// One page of the ticket list, with the total that the server reports in `X-Total-Count`.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketPage {
    pub tickets: Vec<Ticket>,
    pub total: u64,
}

pub async fn login(credentials: &LoginRequest) -> Result<LoginResponse, ApiError> {
    let request =
        json_accepting(Request::post(&format!("{API}/auth/login.json"))).json(credentials);
    receive_json(send(request).await?).await
}

/// Trades the HttpOnly refresh cookie for a new access token; this is how a reload keeps the session
/// without the token ever touching storage that scripts can read.
pub async fn refresh() -> Result<LoginResponse, ApiError> {
    let request = json_accepting(Request::post(&format!("{API}/auth/refresh.json"))).build();
    receive_json(send(request).await?).await
}

pub async fn logout() -> Result<(), ApiError> {
    let request = json_accepting(Request::post(&format!("{API}/auth/logout.json"))).build();
    send(request).await.map(|_| ())
}

pub async fn list_tickets(token: &str, query: &TicketListQuery) -> Result<TicketPage, ApiError> {
    let mut params: Vec<(&str, String)> = vec![("threads", "false".to_owned())];
    if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
        params.push(("q", q.to_owned()));
    }
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        params.push(("status", status.to_owned()));
    }
    if let Some(page) = query.page {
        params.push(("page", page.to_string()));
    }
    if let Some(per_page) = query.per_page {
        params.push(("per_page", per_page.to_string()));
    }
    let request = authorized(Request::get(&format!("{API}/tickets.json")), token)
        .query(params)
        .build();
    let response = send(request).await?;
    let total = response
        .headers()
        .get("X-Total-Count")
        .and_then(|value| value.trim().parse::<u64>().ok());
    let tickets: Vec<Ticket> = receive_json(response).await?;
    // Without the header the best we know is what we got; pagination then shows a single page.
    let total = total.unwrap_or(tickets.len() as u64);
    Ok(TicketPage { tickets, total })
}

pub async fn create_ticket(token: &str, ticket: &TicketCreate) -> Result<Ticket, ApiError> {
    let request = authorized(Request::post(&format!("{API}/tickets.json")), token).json(ticket);
    receive_json(send(request).await?).await
}

pub async fn get_ticket(token: &str, number: &str) -> Result<Ticket, ApiError> {
    let request = authorized(Request::get(&ticket_url(number)), token).build();
    receive_json(send(request).await?).await
}

pub async fn update_ticket(
    token: &str,
    number: &str,
    update: &TicketUpdate,
) -> Result<Ticket, ApiError> {
    let request = authorized(Request::put(&ticket_url(number)), token).json(update);
    receive_json(send(request).await?).await
}

pub async fn topics(token: &str) -> Result<Vec<Topic>, ApiError> {
    let request = authorized(Request::get(&format!("{API}/topics.json")), token).build();
    receive_json(send(request).await?).await
}

fn ticket_url(number: &str) -> String {
    // Numbers are generated by the server, but one typed into the address bar is not to be trusted.
    let number = String::from(js_sys::encode_uri_component(number));
    format!("{API}/tickets.json/{number}")
}

/// The create endpoint answers osTicket clients with a bare ticket number unless asked for JSON.
fn json_accepting(builder: RequestBuilder) -> RequestBuilder {
    builder.header("Accept", "application/json")
}

fn authorized(builder: RequestBuilder, token: &str) -> RequestBuilder {
    json_accepting(builder).header("Authorization", &format!("Bearer {token}"))
}

/// Sends the request and turns any non-2xx answer into an [`ApiError`].
async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = request
        .map_err(|e| ApiError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        return Ok(response);
    }
    // Proxies and crashes may answer without our JSON body; the status alone still says enough.
    let body = response.json::<ApiErrorBody>().await.ok();
    Err(ApiError::Status {
        status: response.status(),
        body,
    })
}

async fn receive_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    response
        .json::<T>()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Site settings, first run, registration, guest tickets (no credentials needed).
// ---------------------------------------------------------------------------------------------

/// The desk's public settings; asked before anything else (the header and the setup gate need them).
pub async fn settings() -> Result<Settings, ApiError> {
    let request = json_accepting(Request::get(&format!("{API}/settings.json"))).build();
    receive_json(send(request).await?).await
}

/// Creates the first administrator; answers like a sign-in (and sets the refresh cookie).
pub async fn setup(request: &SetupRequest) -> Result<LoginResponse, ApiError> {
    let request = json_accepting(Request::post(&format!("{API}/setup.json"))).json(request);
    receive_json(send(request).await?).await
}

/// Opens a customer account; answers like a sign-in.
pub async fn register(request: &RegisterRequest) -> Result<LoginResponse, ApiError> {
    let request = json_accepting(Request::post(&format!("{API}/auth/register.json"))).json(request);
    receive_json(send(request).await?).await
}

/// A ticket from a visitor without an account (needs `name` and `email`).
pub async fn create_guest_ticket(ticket: &TicketCreate) -> Result<Ticket, ApiError> {
    let request = json_accepting(Request::post(&format!("{API}/tickets.json"))).json(ticket);
    receive_json(send(request).await?).await
}

/// The administration screens' requests: catalogs, users, API keys and settings. In a module of
/// their own so that their short names (`queues`, `statuses`) cannot clash with the desk's.
pub mod admin {
    use gloo_net::http::Request;
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use shared::apikeys::{ApiKey, ApiKeyCreate, ApiKeyCreated};
    use shared::catalog::{
        Priority, PriorityInput, Queue, QueueInput, Status, StatusInput, Topic, TopicCreate,
        TopicUpdate,
    };
    use shared::settings::{Settings, SettingsUpdate};
    use shared::users::{PasswordSet, User, UserCreate, UserUpdate};

    use super::{authorized, receive_json, send, ApiError, API};

    async fn get<T: DeserializeOwned>(token: &str, path: &str) -> Result<T, ApiError> {
        let request = authorized(Request::get(&format!("{API}{path}")), token).build();
        receive_json(send(request).await?).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        token: &str,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let request = authorized(Request::post(&format!("{API}{path}")), token).json(body);
        receive_json(send(request).await?).await
    }

    async fn put<B: Serialize, T: DeserializeOwned>(
        token: &str,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let request = authorized(Request::put(&format!("{API}{path}")), token).json(body);
        receive_json(send(request).await?).await
    }

    /// PUT whose answer has no body worth reading (204).
    async fn put_empty<B: Serialize>(token: &str, path: &str, body: &B) -> Result<(), ApiError> {
        let request = authorized(Request::put(&format!("{API}{path}")), token).json(body);
        send(request).await.map(|_| ())
    }

    async fn delete(token: &str, path: &str) -> Result<(), ApiError> {
        let request = authorized(Request::delete(&format!("{API}{path}")), token).build();
        send(request).await.map(|_| ())
    }

    pub async fn update_settings(
        token: &str,
        update: &SettingsUpdate,
    ) -> Result<Settings, ApiError> {
        put(token, "/settings.json", update).await
    }

    pub async fn queues(token: &str) -> Result<Vec<Queue>, ApiError> {
        get(token, "/queues.json").await
    }
    pub async fn create_queue(token: &str, input: &QueueInput) -> Result<Queue, ApiError> {
        post(token, "/queues.json", input).await
    }
    pub async fn update_queue(token: &str, id: i64, input: &QueueInput) -> Result<Queue, ApiError> {
        put(token, &format!("/queues.json/{id}"), input).await
    }
    pub async fn delete_queue(token: &str, id: i64) -> Result<(), ApiError> {
        delete(token, &format!("/queues.json/{id}")).await
    }

    /// Every topic, inactive ones too (administrators).
    pub async fn all_topics(token: &str) -> Result<Vec<Topic>, ApiError> {
        get(token, "/topics.json?all=true").await
    }
    pub async fn create_topic(token: &str, input: &TopicCreate) -> Result<Topic, ApiError> {
        post(token, "/topics.json", input).await
    }
    pub async fn update_topic(
        token: &str,
        id: i64,
        input: &TopicUpdate,
    ) -> Result<Topic, ApiError> {
        put(token, &format!("/topics.json/{id}"), input).await
    }
    pub async fn delete_topic(token: &str, id: i64) -> Result<(), ApiError> {
        delete(token, &format!("/topics.json/{id}")).await
    }

    pub async fn statuses(token: &str) -> Result<Vec<Status>, ApiError> {
        get(token, "/statuses.json").await
    }
    pub async fn create_status(token: &str, input: &StatusInput) -> Result<Status, ApiError> {
        post(token, "/statuses.json", input).await
    }
    pub async fn update_status(
        token: &str,
        id: i64,
        input: &StatusInput,
    ) -> Result<Status, ApiError> {
        put(token, &format!("/statuses.json/{id}"), input).await
    }
    pub async fn delete_status(token: &str, id: i64) -> Result<(), ApiError> {
        delete(token, &format!("/statuses.json/{id}")).await
    }

    pub async fn priorities(token: &str) -> Result<Vec<Priority>, ApiError> {
        get(token, "/priorities.json").await
    }
    pub async fn create_priority(token: &str, input: &PriorityInput) -> Result<Priority, ApiError> {
        post(token, "/priorities.json", input).await
    }
    pub async fn update_priority(
        token: &str,
        id: i64,
        input: &PriorityInput,
    ) -> Result<Priority, ApiError> {
        put(token, &format!("/priorities.json/{id}"), input).await
    }
    pub async fn delete_priority(token: &str, id: i64) -> Result<(), ApiError> {
        delete(token, &format!("/priorities.json/{id}")).await
    }

    /// One page of users matching `q` (name, user name or email) and, when given, a level.
    pub async fn users(
        token: &str,
        q: &str,
        level: Option<i64>,
        page: u32,
        per_page: u32,
    ) -> Result<Vec<User>, ApiError> {
        let mut params: Vec<(&str, String)> = vec![
            ("page", page.to_string()),
            ("per_page", per_page.to_string()),
        ];
        if !q.trim().is_empty() {
            params.push(("q", q.trim().to_owned()));
        }
        if let Some(level) = level {
            params.push(("level", level.to_string()));
        }
        let request = authorized(Request::get(&format!("{API}/users.json")), token)
            .query(params)
            .build();
        receive_json(send(request).await?).await
    }
    pub async fn create_user(token: &str, input: &UserCreate) -> Result<User, ApiError> {
        post(token, "/users.json", input).await
    }
    pub async fn update_user(token: &str, id: i64, input: &UserUpdate) -> Result<User, ApiError> {
        put(token, &format!("/users.json/{id}"), input).await
    }
    pub async fn set_password(token: &str, id: i64, input: &PasswordSet) -> Result<(), ApiError> {
        put_empty(token, &format!("/users.json/{id}/password"), input).await
    }

    pub async fn api_keys(token: &str) -> Result<Vec<ApiKey>, ApiError> {
        get(token, "/apikeys.json").await
    }
    pub async fn create_api_key(
        token: &str,
        input: &ApiKeyCreate,
    ) -> Result<ApiKeyCreated, ApiError> {
        post(token, "/apikeys.json", input).await
    }
    pub async fn revoke_api_key(token: &str, id: i64) -> Result<(), ApiError> {
        delete(token, &format!("/apikeys.json/{id}")).await
    }
}
