//! The one place that talks to the server. Every function returns the `shared` DTOs the server
//! serialises, or an [`ApiError`] that keeps the server's JSON error body when there is one, so a
//! form can show the server's per-field messages next to its fields.

use std::collections::BTreeMap;
use std::fmt;

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use shared::auth::{
    ConfirmEmail, LoginRequest, LoginResponse, Notice, PasswordChange, RegisterRequest, Registered, ResetConfirm,
    ResetRequest,
};
use shared::catalog::Topic;
use shared::settings::{Settings, SetupRequest};
use shared::tickets::{Ticket, TicketCreate, TicketUpdate};
use shared::ApiErrorBody;

/// All endpoints are same-origin: the server that serves the SPA also serves the API.
const API: &str = "/api";

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with an error status; `body` is its JSON error when it sent one.
    Status { status: u16, body: Option<ApiErrorBody> },
    /// No answer at all: the server is down, the network is gone, or the request was refused.
    Network(String),
    /// A success status whose body is not what this version of the SPA expects.
    Decode(String),
}

impl ApiError {
    /// Whether asking again may succeed: no answer, a server error, or "too many requests" —
    /// not a missing ticket, a refusal or a rejected field, which the same request meets again.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network(_) => true,
            ApiError::Status { status, .. } => *status >= 500 || matches!(status, 408 | 429),
            ApiError::Decode(_) => false,
        }
    }

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
            ApiError::Status { body: Some(body), .. } => body.error.fields.clone(),
            _ => BTreeMap::new(),
        }
    }

    /// A sentence to show people.
    pub fn message(&self) -> String {
        match self {
            ApiError::Status { body: Some(body), .. } => body.error.message.clone(),
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
        ApiError::Status { status: 401, body: None }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

// ---------------------------------------------------------------------------------------------
// The one request path. Every request is a [`Call`] (method, path, query, JSON body) that
// [`Call::send`] sends: fetch, status → [`ApiError`], and the answer's text. Only decoding is
// typed ([`decode`]), so the fetch and error code is compiled once, not once per DTO (the WASM
// budget counts every copy).
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    Put,
    Delete,
}

/// A request to `/api`, built, then sent as many times as needed (a refused token is renewed
/// and the same call repeated).
#[derive(Debug, Clone)]
pub struct Call {
    method: Method,
    /// Under `/api`, with its query string.
    path: String,
    /// Serialised JSON.
    body: Option<String>,
    /// Read the answer as bytes (a download), not as text.
    binary: bool,
}

/// What a successful request answered: the body as text and the paging headers.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub text: String,
    /// The body of a [`Call::binary`] call.
    pub bytes: Vec<u8>,
    /// `X-Total-Count`.
    pub total: Option<u64>,
    /// `Link` (RFC 8288).
    pub link: Option<String>,
}

impl Call {
    fn new(method: Method, path: &str) -> Self {
        Call { method, path: path.to_owned(), body: None, binary: false }
    }

    pub fn get(path: &str) -> Self {
        Call::new(Method::Get, path)
    }

    pub fn post(path: &str) -> Self {
        Call::new(Method::Post, path)
    }

    pub fn put(path: &str) -> Self {
        Call::new(Method::Put, path)
    }

    pub fn delete(path: &str) -> Self {
        Call::new(Method::Delete, path)
    }

    /// The JSON body. Serialising our own DTOs cannot fail; should it, the body is `null` and the
    /// server's 422 says what is missing.
    pub fn json<B: serde::Serialize + ?Sized>(self, body: &B) -> Self {
        self.raw_json(serde_json::to_string(body).unwrap_or_else(|_| "null".to_owned()))
    }

    /// The answer is a file: [`Answer::bytes`].
    pub fn binary(mut self) -> Self {
        self.binary = true;
        self
    }

    /// A body already serialised.
    pub fn raw_json(mut self, body: String) -> Self {
        self.body = Some(body);
        self
    }

    /// Adds query parameters, percent-encoded.
    pub fn query<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Self {
        for (key, value) in pairs {
            self.path.push(if self.path.contains('?') { '&' } else { '?' });
            self.path.push_str(&String::from(js_sys::encode_uri_component(key.as_ref())));
            self.path.push('=');
            self.path.push_str(&String::from(js_sys::encode_uri_component(value.as_ref())));
        }
        self
    }

    /// Sends the call, with the access token when there is one. Any non-2xx answer becomes an
    /// [`ApiError`] that keeps the server's JSON error body.
    pub async fn send(&self, token: Option<&str>) -> Result<Answer, ApiError> {
        let url = format!("{API}{}", self.path);
        let builder = match self.method {
            Method::Get => Request::get(&url),
            Method::Post => Request::post(&url),
            Method::Put => Request::put(&url),
            Method::Delete => Request::delete(&url),
        };
        // The create endpoint answers osTicket clients with a bare ticket number unless asked for JSON.
        let mut builder = builder.header("Accept", "application/json");
        if let Some(token) = token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        let request = match &self.body {
            Some(body) => builder.header("Content-Type", "application/json").body(body.as_str()),
            None => builder.build(),
        };
        let response = send(request).await?;
        let headers = response.headers();
        let total = headers.get("X-Total-Count").and_then(|value| value.trim().parse::<u64>().ok());
        let link = headers.get("Link");
        let status = response.status();
        let (text, bytes) = if self.binary {
            (String::new(), response.binary().await.map_err(|e| ApiError::Decode(e.to_string()))?)
        } else {
            (response.text().await.map_err(|e| ApiError::Decode(e.to_string()))?, Vec::new())
        };
        Ok(Answer { status, text, bytes, total, link })
    }

    /// Sends the call and reads its answer as `T`.
    pub async fn read<T: DeserializeOwned>(&self, token: Option<&str>) -> Result<T, ApiError> {
        decode(&self.send(token).await?.text)
    }
}

/// The typed part of a request: the answer's JSON as `T`.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Decode(e.to_string()))
}

// The calls the portal and the shared pages make (sent by `Session::send`/`Session::read`, which
// add the token and renew it).

pub fn login(credentials: &LoginRequest) -> Call {
    Call::post("/auth/login.json").json(credentials)
}

/// Trades the HttpOnly refresh cookie for a new access token; this is how a reload keeps the session
/// without the token ever touching storage that scripts can read.
pub async fn refresh() -> Result<LoginResponse, ApiError> {
    Call::post("/auth/refresh.json").read(None).await
}

pub async fn logout() -> Result<(), ApiError> {
    Call::post("/auth/logout.json").send(None).await.map(|_| ())
}

pub fn create_ticket_call(ticket: &TicketCreate) -> Call {
    Call::post("/tickets.json").json(ticket)
}

pub fn ticket_call(number: &str) -> Call {
    Call::get(&ticket_path(number))
}

pub fn update_ticket_call(number: &str, update: &TicketUpdate) -> Call {
    Call::put(&ticket_path(number)).json(update)
}

/// A call on a part of a ticket (`draft`, `presence`): `Call::get`, `Call::put` (then `.json`)
/// or `Call::delete`.
pub fn ticket_part_call(number: &str, part: &str, method: fn(&str) -> Call) -> Call {
    method(&format!("{}/{part}", ticket_path(number)))
}

pub fn topics_call() -> Call {
    Call::get("/topics.json")
}

pub async fn create_ticket(token: &str, ticket: &TicketCreate) -> Result<Ticket, ApiError> {
    create_ticket_call(ticket).read(Some(token)).await
}

pub async fn get_ticket(token: &str, number: &str) -> Result<Ticket, ApiError> {
    ticket_call(number).read(Some(token)).await
}

pub async fn update_ticket(token: &str, number: &str, update: &TicketUpdate) -> Result<Ticket, ApiError> {
    update_ticket_call(number, update).read(Some(token)).await
}

pub async fn topics(token: &str) -> Result<Vec<Topic>, ApiError> {
    topics_call().read(Some(token)).await
}

fn ticket_path(number: &str) -> String {
    // Numbers are generated by the server, but one typed into the address bar is not to be trusted.
    let number = String::from(js_sys::encode_uri_component(number));
    format!("/tickets.json/{number}")
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
    let body = response.text().await.ok().and_then(|text| serde_json::from_str::<ApiErrorBody>(&text).ok());
    Err(ApiError::Status { status: response.status(), body })
}

async fn receive_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let text = response.text().await.map_err(|e| ApiError::Decode(e.to_string()))?;
    decode(&text)
}

// ---------------------------------------------------------------------------------------------
// The agents' desk and the ticket page: list filters, catalog lists, follow, bulk, saved views.
// ---------------------------------------------------------------------------------------------

use shared::catalog::{Priority, Queue, Status};
use shared::tickets::{BulkResult, BulkUpdate, SavedView, SavedViewCreate, TicketTransition};
use shared::users::User;

/// One page of a filtered ticket list: the tickets, the total (`X-Total-Count`) and the number of
/// pages (the `last` link of the `Link` header; the server picks the page size).
#[derive(Debug, Clone, PartialEq)]
pub struct DeskPage {
    pub tickets: Vec<Ticket>,
    pub total: u64,
    pub pages: u64,
}

/// `GET /api/tickets.json` with the list's query parameters as they are (the URL's query string
/// minus what the SPA alone uses), without threads.
pub fn search_call(params: &[(String, String)]) -> Call {
    Call::get("/tickets.json").query(&[("threads", "false")]).query(params)
}

/// Reads a list page's answer: the tickets, the total and the number of pages.
pub fn desk_page(answer: Answer) -> Result<DeskPage, ApiError> {
    let tickets: Vec<Ticket> = decode(&answer.text)?;
    let pages = answer.link.as_deref().and_then(last_page).unwrap_or(1);
    let total = answer.total.unwrap_or(tickets.len() as u64);
    Ok(DeskPage { tickets, total, pages: pages.max(1) })
}

pub async fn search_tickets(token: &str, params: &[(String, String)]) -> Result<DeskPage, ApiError> {
    desk_page(search_call(params).send(Some(token)).await?)
}

/// The `page` of the `rel="last"` entry of an RFC 8288 `Link` header.
fn last_page(link: &str) -> Option<u64> {
    link.split(',').find(|part| part.contains("rel=\"last\"")).and_then(|part| {
        let url = part.split('<').nth(1)?.split('>').next()?;
        let query = url.split_once('?')?.1;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == "page")
            .and_then(|(_, value)| value.parse().ok())
    })
}

// ---------------------------------------------------------------------------------------------
// Site settings, first run, registration, guest tickets (no credentials needed).
// ---------------------------------------------------------------------------------------------

/// The desk's public settings; asked before anything else (the header and the setup gate need them).
pub async fn settings() -> Result<Settings, ApiError> {
    Call::get("/settings.json").read(None).await
}

pub async fn statuses(token: &str) -> Result<Vec<Status>, ApiError> {
    Call::get("/statuses.json").read(Some(token)).await
}

pub async fn priorities(token: &str) -> Result<Vec<Priority>, ApiError> {
    Call::get("/priorities.json").read(Some(token)).await
}

pub async fn queues(token: &str) -> Result<Vec<Queue>, ApiError> {
    Call::get("/queues.json").read(Some(token)).await
}

/// The agents one can assign tickets to (staff only). Filtered here as well, in case the server
/// does not know the `staff` parameter.
pub async fn staff_users(token: &str) -> Result<Vec<User>, ApiError> {
    let request = authorized(Request::get(&format!("{API}/users.json")), token)
        .query([("staff", "true"), ("per_page", "100")])
        .build();
    let users: Vec<User> = receive_json(send(request).await?).await?;
    Ok(users.into_iter().filter(|u| u.level.is_staff()).collect())
}

/// Follows (`true`) or stops following (`false`) a ticket.
pub fn set_following(number: &str, follow: bool) -> Call {
    let path = format!("{}/follow", ticket_path(number));
    if follow {
        Call::put(&path)
    } else {
        Call::delete(&path)
    }
}

/// Closes a ticket (`DELETE`); the server answers 204.
pub fn close_ticket(number: &str, transition: &TicketTransition) -> Call {
    Call::delete(&ticket_path(number)).json(transition)
}

/// Reopens a ticket (`POST` on the ticket).
pub fn reopen_ticket(number: &str, transition: &TicketTransition) -> Call {
    Call::post(&ticket_path(number)).json(transition)
}

pub async fn bulk_update(token: &str, bulk: &BulkUpdate) -> Result<BulkResult, ApiError> {
    let request = authorized(Request::post(&format!("{API}/tickets/bulk.json")), token).json(bulk);
    receive_json(send(request).await?).await
}

pub async fn saved_views(token: &str) -> Result<Vec<SavedView>, ApiError> {
    let request = authorized(Request::get(&format!("{API}/views.json")), token).build();
    receive_json(send(request).await?).await
}

pub async fn create_view(token: &str, view: &SavedViewCreate) -> Result<SavedView, ApiError> {
    let request = authorized(Request::post(&format!("{API}/views.json")), token).json(view);
    receive_json(send(request).await?).await
}

pub async fn delete_view(token: &str, id: i64) -> Result<(), ApiError> {
    let request = authorized(Request::delete(&format!("{API}/views.json/{id}")), token).build();
    send(request).await.map(|_| ())
}

/// The bytes of an attachment (`href` as the server gave it, under `/api/`), fetched with the
/// same credentials as everything else: a plain link would not carry the access token.
pub fn download_attachment(href: &str) -> Result<Call, ApiError> {
    match href.strip_prefix(API).filter(|path| path.starts_with('/')) {
        Some(path) => Ok(Call::get(path).binary()),
        None => Err(ApiError::Decode(format!("unexpected attachment address {href}"))),
    }
}

// ---------------------------------------------------------------------------------------------
// First run, registration, guest tickets (no credentials needed).
// ---------------------------------------------------------------------------------------------

/// Creates the first administrator; answers like a sign-in (and sets the refresh cookie).
pub async fn setup(request: &SetupRequest) -> Result<LoginResponse, ApiError> {
    let request = json_accepting(Request::post(&format!("{API}/setup.json"))).json(request);
    receive_json(send(request).await?).await
}

/// How a registration ends: signed in at once (201), or waiting for the mailed link (202).
pub enum Registration {
    SignedIn(Box<LoginResponse>),
    Pending(Registered),
}

/// Opens an account.
pub async fn register(request: &RegisterRequest) -> Result<Registration, ApiError> {
    let answer = Call::post("/auth/register.json").json(request).send(None).await?;
    if answer.status == 202 {
        Ok(Registration::Pending(decode(&answer.text)?))
    } else {
        Ok(Registration::SignedIn(Box::new(decode(&answer.text)?)))
    }
}

/// Confirms an email address with the mailed token.
pub async fn confirm_email(token: &str) -> Result<(), ApiError> {
    let body = ConfirmEmail { token: token.to_owned() };
    Call::post("/auth/confirm.json").json(&body).send(None).await.map(|_| ())
}

/// Asks for a password-reset link (the answer is the same whether the account exists or not).
pub async fn request_reset(login: &str) -> Result<Notice, ApiError> {
    let body = ResetRequest { login: login.to_owned() };
    Call::post("/auth/reset.json").json(&body).read(None).await
}

/// Sets a new password with the mailed token.
pub async fn confirm_reset(body: &ResetConfirm) -> Result<(), ApiError> {
    Call::post("/auth/reset/confirm.json").json(body).send(None).await.map(|_| ())
}

/// Changes the signed-in user's password; answers with the new session.
pub fn change_password(body: &PasswordChange) -> Call {
    Call::put("/users/me/password.json").json(body)
}

/// A ticket from a visitor without an account (needs `name` and `email`).
pub async fn create_guest_ticket(ticket: &TicketCreate) -> Result<Ticket, ApiError> {
    create_ticket_call(ticket).read(None).await
}

/// The active help topics, asked without credentials (the guest form).
pub async fn public_topics() -> Result<Vec<Topic>, ApiError> {
    topics_call().read(None).await
}

/// One page of a list the server pages: the entries, and the total (`X-Total-Count`).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// `GET` a page of a list with its query parameters.
pub async fn get_page<T: DeserializeOwned>(
    token: &str,
    path: &str,
    query: &[(&str, String)],
) -> Result<Page<T>, ApiError> {
    let request = authorized(Request::get(&format!("{API}{path}")), token)
        .query(query.iter().map(|(k, v)| (*k, v.as_str())))
        .build();
    let response = send(request).await?;
    let total = response.headers().get("X-Total-Count").and_then(|value| value.trim().parse::<u64>().ok());
    let items: Vec<T> = receive_json(response).await?;
    let total = total.unwrap_or(items.len() as u64);
    Ok(Page { items, total })
}

/// The signed-in user's own settings (the account page's ticket-mail switch).
pub fn update_me(update: &shared::users::ProfileUpdate) -> Call {
    Call::put("/users/me.json").json(update)
}

/// How many entries of a paged list the admin screens show at a time.
pub const PER_PAGE: u64 = 50;
// ---------------------------------------------------------------------------------------------

/// The administration screens' requests: catalogs, users, API keys and settings. In a module of
/// their own, next to the catalog reads they share with the desk.
pub mod admin {
    use gloo_net::http::Request;
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use shared::apikeys::{ApiKey, ApiKeyCreate, ApiKeyCreated};
    use shared::catalog::{
        Priority, PriorityInput, Queue, QueueInput, Status, StatusInput, Topic, TopicCreate, TopicUpdate,
    };
    use shared::settings::{Settings, SettingsUpdate};
    use shared::users::{PasswordSet, User, UserCreate, UserUpdate};

    use super::{authorized, receive_json, send, ApiError, API};
    // The catalog reads are the desk's; the admin pages use the same ones.
    pub use super::{priorities, queues, statuses};

    pub(super) async fn get<T: DeserializeOwned>(token: &str, path: &str) -> Result<T, ApiError> {
        let request = authorized(Request::get(&format!("{API}{path}")), token).build();
        receive_json(send(request).await?).await
    }

    pub(super) async fn post<B: Serialize, T: DeserializeOwned>(
        token: &str,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let request = authorized(Request::post(&format!("{API}{path}")), token).json(body);
        receive_json(send(request).await?).await
    }

    pub(super) async fn put<B: Serialize, T: DeserializeOwned>(
        token: &str,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let request = authorized(Request::put(&format!("{API}{path}")), token).json(body);
        receive_json(send(request).await?).await
    }

    /// PUT whose answer has no body worth reading (204).
    pub(super) async fn put_empty<B: Serialize>(token: &str, path: &str, body: &B) -> Result<(), ApiError> {
        let request = authorized(Request::put(&format!("{API}{path}")), token).json(body);
        send(request).await.map(|_| ())
    }

    pub(super) async fn delete(token: &str, path: &str) -> Result<(), ApiError> {
        let request = authorized(Request::delete(&format!("{API}{path}")), token).build();
        send(request).await.map(|_| ())
    }

    pub async fn update_settings(token: &str, update: &SettingsUpdate) -> Result<Settings, ApiError> {
        put(token, "/settings.json", update).await
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
    pub async fn update_topic(token: &str, id: i64, input: &TopicUpdate) -> Result<Topic, ApiError> {
        put(token, &format!("/topics.json/{id}"), input).await
    }
    pub async fn delete_topic(token: &str, id: i64) -> Result<(), ApiError> {
        delete(token, &format!("/topics.json/{id}")).await
    }

    pub async fn create_status(token: &str, input: &StatusInput) -> Result<Status, ApiError> {
        post(token, "/statuses.json", input).await
    }
    pub async fn update_status(token: &str, id: i64, input: &StatusInput) -> Result<Status, ApiError> {
        put(token, &format!("/statuses.json/{id}"), input).await
    }
    pub async fn delete_status(token: &str, id: i64) -> Result<(), ApiError> {
        delete(token, &format!("/statuses.json/{id}")).await
    }

    pub async fn create_priority(token: &str, input: &PriorityInput) -> Result<Priority, ApiError> {
        post(token, "/priorities.json", input).await
    }
    pub async fn update_priority(token: &str, id: i64, input: &PriorityInput) -> Result<Priority, ApiError> {
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
        let mut params: Vec<(&str, String)> = vec![("page", page.to_string()), ("per_page", per_page.to_string())];
        if !q.trim().is_empty() {
            params.push(("q", q.trim().to_owned()));
        }
        if let Some(level) = level {
            params.push(("level", level.to_string()));
        }
        let request = authorized(Request::get(&format!("{API}/users.json")), token).query(params).build();
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
    pub async fn create_api_key(token: &str, input: &ApiKeyCreate) -> Result<ApiKeyCreated, ApiError> {
        post(token, "/apikeys.json", input).await
    }

    pub async fn revoke_api_key(token: &str, id: i64) -> Result<(), ApiError> {
        delete(token, &format!("/apikeys.json/{id}")).await
    }
}

/// A page of a list, newest first, narrowed by one filter (`""`: everything).
async fn filtered<T: serde::de::DeserializeOwned>(
    token: &str,
    path: &str,
    key: &str,
    value: &str,
    page: u64,
) -> Result<Page<T>, ApiError> {
    let mut query = vec![("page", page.to_string()), ("per_page", PER_PAGE.to_string())];
    if !value.is_empty() {
        query.push((key, value.to_owned()));
    }
    get_page(token, path, &query).await
}

/// The mail screens' requests: the outbox, the mail log (quarantine), the SMTP and IMAP settings
/// with their try-out, and the templates.
pub mod mail {
    use gloo_net::http::Request;
    use serde_json::{Map, Value};
    use shared::mail::{
        InboundMail, MailCheck, MailPreview, MailSettings, MailTemplate, MailTemplateInput, OutboxMail,
    };

    use super::admin::{get, post, put};
    use super::{authorized, filtered, receive_json, send, ApiError, Page, API};

    /// The fields of a settings form as the API takes them: a JSON object of strings (the API
    /// reads numbers and booleans from strings too), for forms drawn from a table of field names.
    pub fn fields_object(fields: &[(&str, String)]) -> Map<String, Value> {
        fields.iter().map(|(name, value)| ((*name).to_owned(), Value::String(value.clone()))).collect()
    }

    pub async fn outbox(token: &str, status: &str, page: u64) -> Result<Page<OutboxMail>, ApiError> {
        filtered(token, "/outbox.json", "status", status, page).await
    }

    pub async fn retry_outbox(token: &str, id: i64) -> Result<OutboxMail, ApiError> {
        post(token, &format!("/outbox.json/{id}/retry"), &()).await
    }

    pub async fn inbound(token: &str, outcome: &str, page: u64) -> Result<Page<InboundMail>, ApiError> {
        filtered(token, "/mail/inbound.json", "outcome", outcome, page).await
    }

    pub async fn retry_inbound(token: &str, id: i64) -> Result<InboundMail, ApiError> {
        post(token, &format!("/mail/inbound.json/{id}/retry"), &()).await
    }

    pub async fn discard_inbound(token: &str, id: i64) -> Result<(), ApiError> {
        super::admin::delete(token, &format!("/mail/inbound.json/{id}")).await
    }

    /// The message as it came, to save as a `.eml` file.
    pub async fn inbound_raw(token: &str, id: i64) -> Result<Vec<u8>, ApiError> {
        let url = format!("{API}/mail/inbound.json/{id}/raw");
        let response = send(authorized(Request::get(&url), token).build()).await?;
        response.binary().await.map_err(|e| ApiError::Decode(e.to_string()))
    }

    pub async fn settings(token: &str) -> Result<MailSettings, ApiError> {
        get(token, "/mail/settings.json").await
    }

    /// Changes the given fields only: the API keeps absent ones as they are.
    pub async fn update_settings(token: &str, fields: &[(&str, String)]) -> Result<MailSettings, ApiError> {
        put(token, "/mail/settings.json", &fields_object(fields)).await
    }

    /// Tries the saved settings out (`/mail/test.json`, `/mail/imap-test.json`).
    pub async fn try_out(token: &str, path: &str, fields: &[(&str, String)]) -> Result<MailCheck, ApiError> {
        post(token, path, &fields_object(fields)).await
    }

    pub async fn templates(token: &str) -> Result<Vec<MailTemplate>, ApiError> {
        get(token, "/mail/templates.json").await
    }

    pub async fn save_template(token: &str, kind: &str, input: &MailTemplateInput) -> Result<MailTemplate, ApiError> {
        put(token, &format!("/mail/templates.json/{kind}"), input).await
    }

    /// Back to the built-in text; answers with it.
    pub async fn reset_template(token: &str, kind: &str) -> Result<MailTemplate, ApiError> {
        let url = format!("{API}/mail/templates.json/{kind}");
        receive_json(send(authorized(Request::delete(&url), token).build()).await?).await
    }

    pub async fn preview_template(token: &str, kind: &str, input: &MailTemplateInput) -> Result<MailPreview, ApiError> {
        post(token, &format!("/mail/templates.json/{kind}/preview"), input).await
    }
}

#[cfg(test)]
mod tests {
    use super::mail::fields_object;

    #[test]
    fn fields_become_a_json_object_of_strings() {
        let fields = [("smtp_port", "587".to_owned()), ("from_name", "ACME \"IT\"".to_owned())];
        assert_eq!(
            serde_json::to_string(&fields_object(&fields)).unwrap(),
            r#"{"from_name":"ACME \"IT\"","smtp_port":"587"}"#
        );
        assert_eq!(serde_json::to_string(&fields_object(&[])).unwrap(), "{}");
    }
}

/// The job worker's list (administrators): every job with its state, and "run again".
pub mod jobs {
    use shared::jobs::Job;

    use super::admin::post;
    use super::{filtered, ApiError, Page};

    pub async fn list(token: &str, status: &str, page: u64) -> Result<Page<Job>, ApiError> {
        filtered(token, "/jobs.json", "status", status, page).await
    }

    pub async fn retry(token: &str, id: i64) -> Result<Job, ApiError> {
        post(token, &format!("/jobs.json/{id}/retry"), &()).await
    }
}
