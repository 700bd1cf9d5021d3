//! django-helpdesk's method API (seed 001): `POST /api/<method>/` (the slash optional; also under
//! `/helpdesk/api/`, where django-helpdesk is usually mounted) with the person's own `user` (or
//! `username`) and `password` in the form. Each method calls the native rules as that person, so
//! their level decides what they may do. The answers are django-helpdesk's: `200` with the text
//! (a ticket's or user's id) or nothing, `text/json` for the queue list, and errors as text —
//! `400` bad input, `403` bad credentials or not allowed, `404` no such ticket, queue or user,
//! `405` anything but POST, `429` (with Retry-After) while sign-ins from the address wait.
//! docs/compat.md says what maps to what.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use shared::catalog::StatusState;
use shared::settings::Capability;
use shared::tickets::{TicketCreate, TicketUpdate};

use crate::accounts::credentials;
use crate::catalog::rules as catalog;
use crate::core::auth::{find_by_login, Actor, Origin};
use crate::core::db::AnyConnection;
use crate::core::error::ApiError;
use crate::core::http::client::client_ip;
use crate::core::http::ServiceConfig;
use crate::core::settings::Stored;
use crate::core::state::AppState;
use crate::tickets::create::{self, Limits};
use crate::tickets::{delete, find};

/// The methods, as django-helpdesk names them (its `api_public_<method>`): for the aliases.
const METHODS: &str =
    "create_ticket|delete_ticket|hold_ticket|unhold_ticket|add_followup|resolve|list_queues|find_user";

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_ticket)
        .service(delete_ticket)
        .service(hold_ticket)
        .service(unhold_ticket)
        .service(add_followup)
        .service(resolve)
        .service(list_queues)
        .service(find_user);
    // The same methods without the slash, and under /helpdesk/ (where django-helpdesk is usually
    // mounted): aliases of the documented operations. Every other method of these paths is a 405.
    for path in [
        format!("/api/{{method:{METHODS}}}"),
        format!("/api/{{method:{METHODS}}}/"),
        format!("/helpdesk/api/{{method:{METHODS}}}{{slash:/?}}"),
    ] {
        if !path.ends_with("}/") {
            cfg.route(&path, web::post().to(alias));
        }
        cfg.route(&path, web::route().to(not_post));
    }
}

async fn alias(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let method = req.match_info().get("method").unwrap_or_default().to_owned();
    call(state, &req, &method, &body).await
}

/// One documented operation per method (the form it takes, the answers it gives).
macro_rules! method {
    ($name:ident, $path:literal, $form:ty, $ok:literal, $doc:literal $(,)?) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "django-helpdesk",
            request_body(content = $form, content_type = "application/x-www-form-urlencoded"),
            responses(
                (status = 200, description = $ok, content_type = "text/plain"),
                (status = 400, description = "Bad input: what is wrong, as text", content_type = "text/plain"),
                (status = 403, description = "Wrong user name or password, or not allowed", content_type = "text/plain"),
                (status = 404, description = "No such ticket, queue or user", content_type = "text/plain"),
                (status = 405, description = "Not a POST", content_type = "text/plain"),
                (status = 429, description = "Too many sign-ins from this address", content_type = "text/plain"),
            )
        )]
        #[post($path)]
        pub async fn $name(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
            call(state, &req, stringify!($name), &body).await
        }
    };
}

method!(
    create_ticket,
    "/api/create_ticket/",
    CreateTicketForm,
    "The new ticket's id (its number's digits)",
    "django-helpdesk's `create_ticket`: a ticket in `queue` titled `title` (at most 100 characters), for `submitter_email` (made a customer when new; the caller without it), assigned to `assigned_to` (a user id), priority 1 (highest) … 5 (lowest), 3 by default. `body` is the message (the title without it).",
);
method!(
    delete_ticket,
    "/api/delete_ticket/",
    DeleteForm,
    "Deleted (no text)",
    "django-helpdesk's `delete_ticket`: the ticket with its thread and files, for good (`confirm` must be given). For people at the \"delete tickets\" threshold (administrators by default).",
);
method!(
    hold_ticket,
    "/api/hold_ticket/",
    TicketForm,
    "On hold (no text)",
    "django-helpdesk's `hold_ticket`: the ticket goes to the first status of the pending state (On hold). A held ticket stays as it is.",
);
method!(
    unhold_ticket,
    "/api/unhold_ticket/",
    TicketForm,
    "Off hold (no text)",
    "django-helpdesk's `unhold_ticket`: a held ticket goes back to Open. Another stays as it is.",
);
method!(
    add_followup,
    "/api/add_followup/",
    FollowupForm,
    "Added (no text)",
    "django-helpdesk's `add_followup`: `public=y` is a response the customer is mailed (a customer's own message when a customer writes), `n` (the default) an internal note.",
);
method!(
    resolve,
    "/api/resolve/",
    ResolveForm,
    "Resolved (no text)",
    "django-helpdesk's `resolve`: the ticket goes to the first resolved status with `resolution`, which its customer is mailed.",
);
method!(
    list_queues,
    "/api/list_queues/",
    Credentials,
    "The queues, `[{\"id\":\"1\",\"title\":\"Support\"}]` as `text/json`, by title",
    "django-helpdesk's `list_queues`: the queues the caller may file tickets in.",
);
method!(
    find_user,
    "/api/find_user/",
    FindUserForm,
    "The user's id",
    "django-helpdesk's `find_user`: the id of the user with this user name. For people who may see user details.",
);

// The forms below are the documented shapes of the methods' bodies; the handler reads the form as
// django-helpdesk did, field by field, so that a field it does not know is no error.

/// Whose call it is: a person's own user name (`user`, or `username`) and password.
#[allow(dead_code)]
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Credentials {
    /// The caller's user name (or email).
    user: Option<String>,
    /// The caller's user name, where `user` is not given (find_user: the user looked up).
    username: Option<String>,
    password: Option<String>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateTicketForm {
    #[serde(flatten)]
    #[schema(inline)]
    who: Credentials,
    /// Queue id (list_queues).
    queue: Option<String>,
    /// At most 100 characters.
    title: Option<String>,
    body: Option<String>,
    submitter_email: Option<String>,
    /// A user id (find_user).
    assigned_to: Option<String>,
    /// 1 (highest) … 5 (lowest); 3 by default.
    priority: Option<String>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TicketForm {
    #[serde(flatten)]
    #[schema(inline)]
    who: Credentials,
    /// The ticket's id (as create_ticket answers) or number.
    ticket: Option<String>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DeleteForm {
    #[serde(flatten)]
    #[schema(inline)]
    ticket: TicketForm,
    /// Any value: deleting needs it.
    confirm: Option<String>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct FollowupForm {
    #[serde(flatten)]
    #[schema(inline)]
    ticket: TicketForm,
    message: Option<String>,
    /// `y` or `n` (the default).
    public: Option<String>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResolveForm {
    #[serde(flatten)]
    #[schema(inline)]
    ticket: TicketForm,
    resolution: Option<String>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct FindUserForm {
    #[serde(flatten)]
    #[schema(inline)]
    who: Credentials,
}

/// django-helpdesk's content type of errors and simple answers (exactly so, no charset).
const PLAIN: &str = "text/plain";

/// An answer as django-helpdesk gives it: plain text.
fn text(status: StatusCode, body: impl Into<String>) -> HttpResponse {
    HttpResponse::build(status).content_type(PLAIN).body(body.into())
}

async fn not_post() -> HttpResponse {
    let mut answer = text(StatusCode::METHOD_NOT_ALLOWED, "Invalid request method");
    answer.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    answer
}

/// Why a call failed, with django-helpdesk's status and text (and when to come back, for a 429).
struct Refusal(StatusCode, String, Option<u64>);

impl Refusal {
    fn new(status: StatusCode, text: impl Into<String>) -> Refusal {
        Refusal(status, text.into(), None)
    }

    fn bad(text: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, text)
    }

    fn no_ticket() -> Refusal {
        Refusal::new(StatusCode::NOT_FOUND, "Invalid ticket ID")
    }
}

/// The native rules' errors in django-helpdesk's terms; invalid fields as its form errors
/// (`* title\n  * This field is required.`), under its field names.
impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Refusal {
        match error {
            ApiError::InvalidFields(fields) => Refusal::bad(
                fields
                    .iter()
                    .map(|(field, problem)| format!("* {}\n  * {problem}", their_field(field)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            ApiError::NotFound(_) => Refusal::no_ticket(),
            ApiError::Unauthorized(_) => Refusal::new(StatusCode::FORBIDDEN, "Invalid username or password"),
            ApiError::Forbidden(why) => Refusal::new(StatusCode::FORBIDDEN, why),
            ApiError::RateLimited { retry_after } => Refusal(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many attempts: try again in {retry_after} s"),
                Some(retry_after),
            ),
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "django-helpdesk call failed");
                Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "Error")
            }
            ApiError::Unavailable(why) => Refusal::new(StatusCode::SERVICE_UNAVAILABLE, why),
            other => Refusal::bad(other.to_string()),
        }
    }
}

/// Our field names in the native rules' errors, as django-helpdesk's form calls them.
fn their_field(ours: &str) -> &str {
    match ours {
        "subject" => "title",
        "message" => "body",
        "email" | "name" => "submitter_email",
        "queue_id" => "queue",
        "assignee_ids" => "assigned_to",
        "status_id" => "status",
        other => other,
    }
}

async fn call(state: web::Data<AppState>, req: &HttpRequest, method: &str, body: &[u8]) -> HttpResponse {
    // django reads the form of a POST whatever else it says; a body that is no form has no fields
    // (the first of a repeated field counts).
    let form: HashMap<String, String> =
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default().into_iter().rev().collect();
    match run(state, req, method, form).await {
        Ok(answer) => answer,
        Err(Refusal(status, why, retry_after)) => {
            let mut answer = text(status, why);
            if let Some(seconds) = retry_after.and_then(|s| header::HeaderValue::from_str(&s.to_string()).ok()) {
                answer.headers_mut().insert(header::RETRY_AFTER, seconds);
            }
            answer
        }
    }
}

async fn run(
    state: web::Data<AppState>,
    req: &HttpRequest,
    method: &str,
    form: HashMap<String, String>,
) -> Result<HttpResponse, Refusal> {
    let given = |name: &str| form.get(name).cloned().unwrap_or_default();
    // The seed's curl sends `user`; its list of fields says `username` (find_user's own field).
    let login = Some(given("user")).filter(|u| !u.is_empty()).unwrap_or_else(|| given("username"));
    let ip = client_ip(req);
    let user = credentials::check(&state, ip, &login, given("password")).await?;
    let actor = Actor::User(user);
    let origin = Origin { ip: ip.map(|ip| ip.to_string()), channel: "API", events: state.events.clone() };
    let (method, app) = (method.to_owned(), state.clone());
    let (kind, body) = state
        .db(move |conn| {
            let field = |name: &str| form.get(name).cloned().unwrap_or_default();
            Ok(dispatch(conn, &app, &actor, &origin, &method, &field))
        })
        .await
        .map_err(Refusal::from)??;
    Ok(HttpResponse::Ok().content_type(kind).body(body))
}

/// A successful answer: its content type (`text/plain`, or `text/json` for a list) and text.
type Answer = (&'static str, String);

type Field<'a> = &'a dyn Fn(&str) -> String;

fn dispatch(
    conn: &mut AnyConnection,
    state: &AppState,
    actor: &Actor,
    origin: &Origin,
    method: &str,
    field: Field<'_>,
) -> Result<Answer, Refusal> {
    let ok = || (PLAIN, String::new());
    match method {
        "create_ticket" => create(conn, state, actor, origin, field),
        "list_queues" => {
            let mut queues = catalog::queue_names(conn)?;
            queues.sort_by_key(|(_, name)| name.to_lowercase());
            let list: Vec<_> = queues.iter().map(|(id, name)| json!({"id": id.to_string(), "title": name})).collect();
            Ok(("text/json", serde_json::Value::from(list).to_string()))
        }
        "find_user" => {
            let stored = Stored::read(conn)?;
            if !actor.reaches(stored.threshold(Capability::ViewUserDetails)) {
                return Err(Refusal::new(StatusCode::FORBIDDEN, "You may not look people up"));
            }
            let found = find_by_login(conn, &field("username"))?
                .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, "Invalid username provided"))?;
            Ok((PLAIN, found.id.to_string()))
        }
        "delete_ticket" => {
            if field("confirm").is_empty() {
                return Err(Refusal::bad("No confirmation provided"));
            }
            let ticket = ticket(conn, actor, field)?;
            delete::delete_ticket(conn, actor, &ticket, &state.config.attachments_dir(), origin)?;
            Ok(ok())
        }
        "hold_ticket" | "unhold_ticket" => {
            let ticket = ticket(conn, actor, field)?;
            let held =
                catalog::status_state(&catalog::status(conn, ticket.status_id, "ticket")?) == StatusState::Pending;
            let to = match (method, held) {
                ("hold_ticket", false) => Some(catalog::first_status_in(conn, StatusState::Pending)?.id),
                ("unhold_ticket", true) => Some(catalog::OPEN_STATUS_ID),
                // Holding a held ticket (or freeing a free one) changes nothing, as in django-helpdesk.
                _ => None,
            };
            if let Some(status_id) = to {
                super::change(
                    conn,
                    state,
                    actor,
                    &ticket,
                    &TicketUpdate { status_id: Some(status_id), ..Default::default() },
                    origin,
                )?;
            }
            Ok(ok())
        }
        "add_followup" => {
            let ticket = ticket(conn, actor, field)?;
            let public = match field("public").as_str() {
                "" | "n" => false,
                "y" => true,
                _ => return Err(Refusal::bad("Invalid 'public' flag")),
            };
            let message = field("message");
            if message.trim().is_empty() {
                return Err(Refusal::bad("Blank message"));
            }
            // Private is an internal note (agents'); public is a response, or a customer's message.
            let entry_type = match (actor.is_staff(), public) {
                (true, true) => Some("response".to_owned()),
                (_, false) => Some("note".to_owned()),
                (false, true) => None,
            };
            super::change(
                conn,
                state,
                actor,
                &ticket,
                &TicketUpdate { message: Some(message), entry_type, ..Default::default() },
                origin,
            )?;
            Ok(ok())
        }
        "resolve" => {
            let ticket = ticket(conn, actor, field)?;
            let resolution = field("resolution");
            if resolution.trim().is_empty() {
                return Err(Refusal::bad("Blank resolution"));
            }
            let status_id = catalog::first_status_in(conn, StatusState::Resolved)?.id;
            let change =
                TicketUpdate { status_id: Some(status_id), resolution: Some(resolution), ..Default::default() };
            super::change(conn, state, actor, &ticket, &change, origin)?;
            Ok(ok())
        }
        _ => Err(Refusal::bad("Unknown method")),
    }
}

/// The ticket `ticket` names: its number, or the number's digits (as `create_ticket` answers).
fn ticket(
    conn: &mut AnyConnection,
    actor: &Actor,
    field: Field<'_>,
) -> Result<crate::tickets::rows::TicketRow, Refusal> {
    let given = field("ticket");
    if given.trim().is_empty() {
        return Err(Refusal::no_ticket());
    }
    find::find_visible(conn, actor, &given).map_err(|e| match e {
        ApiError::NotFound(_) => Refusal::no_ticket(),
        other => other.into(),
    })
}

fn create(
    conn: &mut AnyConnection,
    state: &AppState,
    actor: &Actor,
    origin: &Origin,
    field: Field<'_>,
) -> Result<Answer, Refusal> {
    let title = field("title");
    let mut missing = Vec::new();
    if field("queue").trim().is_empty() {
        missing.push("* queue\n  * This field is required.".to_owned());
    }
    if title.trim().is_empty() {
        missing.push("* title\n  * This field is required.".to_owned());
    } else if title.trim().chars().count() > 100 {
        let n = title.trim().chars().count();
        missing.push(format!("* title\n  * Ensure this value has at most 100 characters (it has {n})."));
    }
    if !missing.is_empty() {
        return Err(Refusal::bad(missing.join("\n")));
    }
    let queue_id = field("queue")
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| catalog::queue_exists(conn, *id).is_ok())
        .ok_or_else(|| Refusal::new(StatusCode::NOT_FOUND, choice("queue", &field("queue"))))?;
    let priority = match field("priority").trim() {
        "" => None,
        p => Some(priority(conn, p)?),
    };
    let assignee_ids = match field("assigned_to").trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(vec![id]),
            Err(_) => return Err(Refusal::new(StatusCode::NOT_FOUND, choice("assigned_to", id))),
        },
    };
    // The seed lists no `body` (django-helpdesk's form needs one): without it, the title is the message.
    let body = Some(field("body")).filter(|b| !b.trim().is_empty()).unwrap_or_else(|| title.clone());
    // Without a submitter, the ticket is the caller's own (an agent files it for themselves).
    let email = Some(field("submitter_email"))
        .filter(|e| !e.trim().is_empty())
        .or_else(|| actor.is_staff().then(|| actor.user().map(|u| u.email.clone())).flatten());
    let request = TicketCreate {
        subject: Some(title),
        message: Some(body),
        email,
        queue_id: Some(queue_id),
        priority,
        assignee_ids,
        source: Some("API".into()),
        ..Default::default()
    };
    let limits = Limits::read(state, conn)?;
    let (_, number) = create::create_ticket(conn, actor, &request, &limits, origin).map_err(|e| match e {
        ApiError::InvalidFields(f) if f.contains_key("assignee_ids") => {
            Refusal::new(StatusCode::NOT_FOUND, choice("assigned_to", &field("assigned_to")))
        }
        other => other.into(),
    })?;
    // The ticket's id as django-helpdesk answers it: here, its number's digits (which `ticket` takes).
    Ok((PLAIN, super::digits(&number)))
}

/// django's form error for a value not among a field's choices.
fn choice(field: &str, given: &str) -> String {
    format!("* {field}\n  * Select a valid choice. {given} is not one of the available choices.")
}

/// django-helpdesk's 1 (critical) … 5 (very low), 3 the default, onto ours in their order: 3 is
/// the default priority, 1 the highest, 5 the lowest, 2 and 4 the next above and below the default.
fn priority(conn: &mut AnyConnection, given: &str) -> Result<String, Refusal> {
    let level = given
        .parse::<u8>()
        .ok()
        .filter(|p| (1..=5).contains(p))
        .ok_or_else(|| Refusal::bad(choice("priority", given)))?;
    let ordered = catalog::priorities_by_rank(conn)?;
    let default = ordered.iter().position(|p| p.id == catalog::DEFAULT_PRIORITY_ID).unwrap_or(0);
    let last = ordered.len().saturating_sub(1);
    let at = match level {
        1 => last,
        2 => (default + 1).min(last),
        3 => default,
        4 => default.saturating_sub(1),
        _ => 0,
    };
    ordered.get(at).map(|p| p.id.to_string()).ok_or_else(|| Refusal::bad("No priorities are set up"))
}
