//! The authorization matrix of docs/security.md, walked cell by cell against the real binary: the
//! table is read from the document, each row's request is built by `rows()` from live fixtures,
//! and each column's caller by `COLUMNS`. Every mismatch is collected and reported at once.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use oxidesk_e2e::*;

const PASSWORD: &str = "the matrix's long password";

/// How a column's caller authenticates.
#[derive(Debug, Clone, Copy)]
enum Who {
    Nobody,
    /// A person of this level with a JWT; level 0 is an agent disabled after signing in.
    Level(i64),
    /// An API key with these scopes, acting as itself.
    Key(&'static str),
    /// An API key with these scopes naming the level-1 customer wherever a body takes `user_id`.
    Impersonating(&'static str),
}

/// The matrix's columns, by their header in docs/security.md.
const COLUMNS: &[(&str, Who)] = &[
    ("none", Who::Nobody),
    ("L0", Who::Level(0)),
    ("L1", Who::Level(1)),
    ("L2", Who::Level(2)),
    ("L3", Who::Level(3)),
    ("L4", Who::Level(4)),
    ("L5", Who::Level(5)),
    ("L6", Who::Level(6)),
    ("key:read", Who::Key("read")),
    ("key:write", Who::Key("read,write")),
    ("key:admin", Who::Key("read,write,admin")),
    ("key:impersonate", Who::Impersonating("read,write,impersonate")),
];

/// Builds a row's request for one caller.
type Build = fn(&Fx, &Caller) -> Req;

/// The matrix's rows: endpoint and target as in the document, and how to build the request.
fn rows() -> Vec<(&'static str, &'static str, Build)> {
    vec![
        ("GET /api/health", "-", |_, _| get("/api/health")),
        ("GET /api/openapi.json", "-", |_, _| get("/api/openapi.json")),
        ("GET /api/docs/", "-", |_, _| get("/api/docs/")),
        ("GET /api/settings.json", "-", |_, _| get("/api/settings.json")),
        ("PUT /api/settings.json", "-", |_, _| put("/api/settings.json", json!({"notice": "Maintenance on Sunday"}))),
        ("POST /api/setup.json", "-", |f, _| {
            post(
                "/api/setup.json",
                json!({"username": f.unique("setup"), "name": "Second Admin", "email": f.email("setup"), "password": PASSWORD}),
            )
        }),
        ("POST /api/auth/login.json", "-", |f, _| post("/api/auth/login.json", f.olga_login())),
        ("POST /api/auth/refresh.json", "-", |f, _| {
            let cookie =
                f.s.post_json("/api/auth/login.json", &Auth::None, &f.olga_login())
                    .cookie("oxidesk_refresh")
                    .expect("a refresh cookie");
            bare(Method::POST, "/api/auth/refresh.json").header("Cookie", &format!("oxidesk_refresh={cookie}"))
        }),
        ("POST /api/auth/logout.json", "-", |_, _| bare(Method::POST, "/api/auth/logout.json")),
        ("POST /api/auth/register.json", "-", |f, _| {
            post(
                "/api/auth/register.json",
                json!({"username": f.unique("reg"), "name": "Reg Istered", "email": f.email("reg"), "password": PASSWORD}),
            )
        }),
        ("GET /api/users/me.json", "own", |_, _| get("/api/users/me.json")),
        ("PUT /api/users/me.json", "own", |_, _| put("/api/users/me.json", json!({"email_notifications": true}))),
        // The account endpoints get requests that pass authorisation and then fail harmlessly
        // (a wrong current password, a token that is none): nobody's password changes.
        ("PUT /api/users/me/password.json", "own", |_, _| {
            put(
                "/api/users/me/password.json",
                json!({"current_password": "not the password", "new_password": "a brand new long password"}),
            )
        }),
        ("POST /api/auth/reset.json", "-", |f, _| post("/api/auth/reset.json", json!({"login": f.email("nobody")}))),
        ("POST /api/auth/reset/confirm.json", "-", |_, _| {
            post(
                "/api/auth/reset/confirm.json",
                json!({"token": "not-a-token", "password": "a brand new long password"}),
            )
        }),
        ("POST /api/auth/confirm.json", "-", |_, _| post("/api/auth/confirm.json", json!({"token": "not-a-token"}))),
        ("GET /api/outbox.json", "-", |_, _| get("/api/outbox.json")),
        // Administrators get past authorisation to a mail that does not exist.
        ("POST /api/outbox.json/{id}/retry", "-", |_, _| bare(Method::POST, "/api/outbox.json/999999999/retry")),
        ("GET /api/jobs.json", "-", |_, _| get("/api/jobs.json")),
        ("POST /api/jobs.json/{id}/retry", "-", |_, _| bare(Method::POST, "/api/jobs.json/999999999/retry")),
        ("GET /api/mail/settings.json", "-", |_, _| get("/api/mail/settings.json")),
        ("PUT /api/mail/settings.json", "-", |_, _| {
            put("/api/mail/settings.json", json!({"from_name": "Matrix Desk"}))
        }),
        // No SMTP server is set: nothing leaves the machine.
        ("POST /api/mail/test.json", "-", |_, _| post("/api/mail/test.json", json!({"to": "matrix@example.com"}))),
        ("GET /api/mail/templates.json", "-", |_, _| get("/api/mail/templates.json")),
        ("PUT /api/mail/templates.json/{kind}", "-", |_, _| {
            put(
                "/api/mail/templates.json/ticket.note",
                json!({"subject": "Note: {{ ticket.subject }}", "body_text": "{{ message.text }}"}),
            )
        }),
        ("DELETE /api/mail/templates.json/{kind}", "-", |_, _| {
            bare(Method::DELETE, "/api/mail/templates.json/ticket.note")
        }),
        ("POST /api/mail/templates.json/{kind}/preview", "-", |_, _| {
            post(
                "/api/mail/templates.json/ticket.note/preview",
                json!({"subject": "Note", "body_text": "{{ message.text }}"}),
            )
        }),
        ("POST /api/mail/imap-test.json", "-", |_, _| bare(Method::POST, "/api/mail/imap-test.json")),
        ("GET /api/mail/inbound.json", "-", |_, _| get("/api/mail/inbound.json")),
        ("GET /api/mail/inbound.json/{id}/raw", "-", |_, _| get("/api/mail/inbound.json/999999999/raw")),
        ("POST /api/mail/inbound.json/{id}/retry", "-", |_, _| {
            bare(Method::POST, "/api/mail/inbound.json/999999999/retry")
        }),
        ("DELETE /api/mail/inbound.json/{id}", "-", |_, _| bare(Method::DELETE, "/api/mail/inbound.json/999999999")),
        // A mail from a stranger: piped, it opens their ticket (osTicket's rule).
        ("POST /api/tickets.email", "-", |f, _| {
            let raw = format!(
                "From: {}\r\nSubject: Matrix\r\nMessage-ID: <{}@matrix.test>\r\n\r\nHello\r\n",
                f.email("piper"),
                f.unique("pipe")
            );
            Req { raw: Some((raw, "message/rfc822")), ..bare(Method::POST, "/api/tickets.email") }
        }),
        // Clients: reading at "can view client details" (L2), changing at L5 or a write key, events
        // at "can add client events" (L5).
        ("GET /api/clients.json", "-", |_, _| get("/api/clients.json")),
        ("POST /api/clients.json", "-", |f, _| post("/api/clients.json", json!({"name": f.unique("Client ")}))),
        ("GET /api/clients.json/{id}", "-", |f, _| get(&format!("/api/clients.json/{}", f.client))),
        ("PUT /api/clients.json/{id}", "-", |f, _| {
            put(&format!("/api/clients.json/{}", f.client), json!({"notes": f.unique("Noted ")}))
        }),
        ("GET /api/clients.json/{id}/contacts", "-", |f, _| get(&format!("/api/clients.json/{}/contacts", f.client))),
        ("POST /api/clients.json/{id}/contacts", "-", |f, _| {
            post(
                &format!("/api/clients.json/{}/contacts", f.client),
                json!({"name": "New Contact", "email": f.email("contact")}),
            )
        }),
        ("PUT /api/clients.json/{id}/contacts/{contact_id}", "-", |f, _| {
            put(&format!("/api/clients.json/{}/contacts/{}", f.client, f.contact), json!({"title": f.unique("Title ")}))
        }),
        ("DELETE /api/clients.json/{id}/contacts/{contact_id}", "-", |f, _| {
            bare(Method::DELETE, &format!("/api/clients.json/{}/contacts/{}", f.client, f.fresh_contact()))
        }),
        ("GET /api/clients.json/{id}/events", "-", |f, _| get(&format!("/api/clients.json/{}/events", f.client))),
        ("POST /api/clients.json/{id}/events", "-", |f, _| {
            post(&format!("/api/clients.json/{}/events", f.client), json!({"kind": "Call", "summary": "Matrix call"}))
        }),
        ("GET /api/users.json", "-", |_, _| get("/api/users.json")),
        ("POST /api/users.json", "-", |f, _| {
            post("/api/users.json", json!({"name": "New Person", "email": f.email("new")}))
        }),
        ("POST /api/scp/users.json", "-", |f, _| {
            post("/api/scp/users.json", json!({"name": "New Person", "email": f.email("scp")}))
        }),
        ("GET /api/users.json/{id}", "other's", |f, _| get(&format!("/api/users.json/{}", f.olga.id))),
        ("GET /api/users.json/{id}", "own", |f, c| get(&format!("/api/users.json/{}", f.own(c).id))),
        ("PUT /api/users.json/{id}", "other's", |f, _| {
            put(&format!("/api/users.json/{}", f.fresh_user()), json!({"name": "Renamed Person"}))
        }),
        ("PUT /api/users.json/{id}/password", "other's", |f, _| {
            put(
                &format!("/api/users.json/{}/password", f.fresh_user()),
                json!({"password": "a brand new long password"}),
            )
        }),
        ("GET /api/apikeys.json", "-", |_, _| get("/api/apikeys.json")),
        ("POST /api/apikeys.json", "-", |f, _| {
            post("/api/apikeys.json", json!({"name": f.unique("key"), "scopes": ["read"]}))
        }),
        ("DELETE /api/apikeys.json/{id}", "-", |f, _| {
            let r =
                f.s.post_json("/api/apikeys.json", &f.admin, &json!({"name": f.unique("doomed"), "scopes": ["read"]}));
            r.expect(201);
            bare(Method::DELETE, &format!("/api/apikeys.json/{}", r.json()["key"]["id"]))
        }),
        ("GET /api/statuses.json", "-", |_, _| get("/api/statuses.json")),
        ("POST /api/statuses.json", "-", |f, _| {
            post("/api/statuses.json", json!({"name": f.unique("Status"), "state": "pending"}))
        }),
        ("PUT /api/statuses.json/{id}", "-", |f, _| {
            put(&f.catalog_path("statuses"), json!({"name": "Matrix status", "state": "pending"}))
        }),
        ("DELETE /api/statuses.json/{id}", "-", |f, _| bare(Method::DELETE, &f.fresh_catalog("statuses"))),
        ("GET /api/priorities.json", "-", |_, _| get("/api/priorities.json")),
        ("POST /api/priorities.json", "-", |f, _| post("/api/priorities.json", json!({"name": f.unique("Priority")}))),
        ("PUT /api/priorities.json/{id}", "-", |f, _| {
            put(&f.catalog_path("priorities"), json!({"name": "Matrix priority"}))
        }),
        ("DELETE /api/priorities.json/{id}", "-", |f, _| bare(Method::DELETE, &f.fresh_catalog("priorities"))),
        ("GET /api/queues.json", "-", |_, _| get("/api/queues.json")),
        ("POST /api/queues.json", "-", |f, _| post("/api/queues.json", json!({"name": f.unique("Queue")}))),
        ("PUT /api/queues.json/{id}", "-", |f, _| put(&f.catalog_path("queues"), json!({"name": "Matrix queue"}))),
        ("DELETE /api/queues.json/{id}", "-", |f, _| bare(Method::DELETE, &f.fresh_catalog("queues"))),
        ("GET /api/topics.json", "-", |_, _| get("/api/topics.json")),
        ("GET /api/topics.json?all=true", "-", |_, _| get("/api/topics.json?all=true")),
        ("POST /api/topics.json", "-", |f, _| post("/api/topics.json", json!({"value": f.unique("Topic")}))),
        ("PUT /api/topics.json/{id}", "-", |f, _| put(&f.catalog_path("topics"), json!({"value": "Matrix topic"}))),
        ("DELETE /api/topics.json/{id}", "-", |f, _| bare(Method::DELETE, &f.fresh_catalog("topics"))),
        ("GET /api/tickets.json", "-", |_, _| get("/api/tickets.json")),
        ("POST /api/tickets.json", "-", |_, c| {
            post("/api/tickets.json", c.acting(json!({"name": "Walk In", "email": "walk-in@example.com", "subject": "Matrix ticket", "message": "Filed by the matrix"})))
        }),
        ("POST /api/tickets.xml", "-", |_, c| {
            xml("/api/tickets.xml", c.acting(json!({"name": "Walk In", "email": "walk-in@example.com", "subject": "Matrix XML ticket", "message": "Filed by the matrix"})))
        }),
        ("GET /api/tickets.json/{number}", "other's", |f, _| get(&ticket_path(&f.other_ticket))),
        ("GET /api/tickets.json/{number}", "own", |f, c| get(&ticket_path(&f.own_ticket(c).0))),
        ("PUT /api/tickets.json/{number}", "other's", |f, c| {
            put(&ticket_path(&f.other_ticket), c.acting(json!({"message": "A reply"})))
        }),
        ("PUT /api/tickets.json/{number}", "own", |f, c| {
            put(&ticket_path(&f.own_ticket(c).0), c.acting(json!({"message": "A reply"})))
        }),
        ("DELETE /api/tickets.json/{number}", "other's", |f, c| {
            send(Method::DELETE, &ticket_path(&f.fresh_ticket(&f.olga, false)), c.acting(json!({})))
        }),
        ("DELETE /api/tickets.json/{number}", "own", |f, c| {
            send(Method::DELETE, &ticket_path(&f.fresh_ticket(f.own(c), false)), c.acting(json!({})))
        }),
        ("POST /api/tickets.json/{number}", "other's", |f, c| {
            post(&ticket_path(&f.fresh_ticket(&f.olga, true)), c.acting(json!({})))
        }),
        ("POST /api/tickets.json/{number}", "own", |f, c| {
            post(&ticket_path(&f.fresh_ticket(f.own(c), true)), c.acting(json!({})))
        }),
        ("POST /api/tickets.json/{number}/delete", "other's", |f, _| {
            bare(Method::POST, &format!("{}/delete", ticket_path(&f.fresh_ticket(&f.olga, false))))
        }),
        ("PUT /api/tickets.json/{number}/follow", "other's", |f, _| {
            bare(Method::PUT, &format!("{}/follow", ticket_path(&f.other_ticket)))
        }),
        ("DELETE /api/tickets.json/{number}/follow", "other's", |f, _| {
            bare(Method::DELETE, &format!("{}/follow", ticket_path(&f.other_ticket)))
        }),
        ("GET /api/tickets.json/{number}/draft", "other's", |f, _| {
            get(&format!("{}/draft", ticket_path(&f.other_ticket)))
        }),
        ("PUT /api/tickets.json/{number}/draft", "other's", |f, _| {
            put(&format!("{}/draft", ticket_path(&f.other_ticket)), json!({"message": "A reply in the making"}))
        }),
        ("PUT /api/tickets.json/{number}/draft", "own", |f, c| {
            put(&format!("{}/draft", ticket_path(&f.own_ticket(c).0)), json!({"message": "My reply in the making"}))
        }),
        ("DELETE /api/tickets.json/{number}/draft", "other's", |f, _| {
            bare(Method::DELETE, &format!("{}/draft", ticket_path(&f.other_ticket)))
        }),
        ("GET /api/events", "-", |_, _| get("/api/events")),
        ("PUT /api/tickets.json/{number}/presence", "other's", |f, _| {
            put(&format!("{}/presence", ticket_path(&f.other_ticket)), json!({"typing": true}))
        }),
        ("DELETE /api/tickets.json/{number}/presence", "other's", |f, _| {
            bare(Method::DELETE, &format!("{}/presence", ticket_path(&f.other_ticket)))
        }),
        ("PUT /api/tickets.json/{number}/read", "other's", |f, _| {
            bare(Method::PUT, &format!("{}/read", ticket_path(&f.other_ticket)))
        }),
        ("DELETE /api/tickets.json/{number}/read", "other's", |f, _| {
            bare(Method::DELETE, &format!("{}/read", ticket_path(&f.other_ticket)))
        }),
        ("GET /api/notifications.json", "own", |_, _| get("/api/notifications.json?unread=true")),
        ("POST /api/notifications/read.json", "own", |_, _| post("/api/notifications/read.json", json!({}))),
        ("GET /api/counts.json", "-", |_, _| get("/api/counts.json")),
        ("POST /api/tickets/bulk.json", "other's", |f, _| {
            post("/api/tickets/bulk.json", json!({"numbers": [f.other_ticket], "priority": "High"}))
        }),
        ("GET /api/attachments/{id}", "other's", |f, _| get(&format!("/api/attachments/{}", f.other_attachment))),
        ("GET /api/attachments/{id}", "own", |f, c| get(&format!("/api/attachments/{}", f.own_ticket(c).1))),
        ("GET /api/views.json", "own", |_, _| get("/api/views.json")),
        ("POST /api/views.json", "own", |f, _| {
            post("/api/views.json", json!({"name": f.unique("View"), "query": "status=open"}))
        }),
        ("DELETE /api/views.json/{id}", "other's", |f, _| {
            bare(Method::DELETE, &format!("/api/views.json/{}", f.other_view))
        }),
        ("DELETE /api/views.json/{id}", "own", |f, c| {
            bare(Method::DELETE, &format!("/api/views.json/{}", f.own_view(c)))
        }),
        ("GET /api/scp/tickets.json", "-", |_, _| get("/api/scp/tickets.json")),
        ("GET /api/scp/tickets/staffTickets.json", "-", |f, _| {
            get(&format!("/api/scp/tickets/staffTickets.json?staffUserName={}", f.users[&3].username))
        }),
        ("GET /api/scp/tickets/clientTickets.json", "other's", |f, _| {
            get(&format!("/api/scp/tickets/clientTickets.json?clientUserMail={}", f.olga.email))
        }),
        ("GET /api/scp/tickets/ticketInfo.json", "other's", |f, _| {
            get(&format!("/api/scp/tickets/ticketInfo.json?ticketNumber={}", f.other_ticket))
        }),
        ("POST /api/scp/tickets/reply.json", "other's", |f, c| {
            let mut body = json!({"ticketNumber": f.other_ticket, "response": "A staff reply"});
            if let Some(customer) = &c.acting {
                body["staffUserName"] = json!(customer.username);
            }
            post("/api/scp/tickets/reply.json", body)
        }),
        // NodePoint's API: the key in `key`; every answer is 200 (its status inside says why).
        ("GET /nodepoint/", "-", |_, c| get(&format!("/nodepoint/?api=list_users&key={}", c.key()))),
        ("POST /nodepoint/", "-", |_, c| {
            let form = serde_urlencoded::to_string([("api", "list_users"), ("key", c.key())]).unwrap();
            Req { raw: Some((form, FORM)), ..bare(Method::POST, "/nodepoint/") }
        }),
        // ITFlow's API: the key in `api_key` (people send none: 401).
        ("GET /api/v1/tickets/read.php", "-", |_, c| get(&format!("/api/v1/tickets/read.php?api_key={}", c.key()))),
        ("POST /api/v1/tickets/create.php", "-", |_, c| {
            post("/api/v1/tickets/create.php", json!({"api_key": c.key(), "ticket_subject": "Matrix"}))
        }),
        ("POST /api/v1/tickets/resolve.php", "other's", |f, c| {
            let id: String = f.fresh_ticket(&f.olga, false).chars().filter(char::is_ascii_digit).collect();
            post("/api/v1/tickets/resolve.php", json!({"api_key": c.key(), "ticket_id": id}))
        }),
        ("GET /api/v1/ticket_replies/read.php", "other's", |f, c| {
            let id: String = f.other_ticket.chars().filter(char::is_ascii_digit).collect();
            get(&format!("/api/v1/ticket_replies/read.php?api_key={}&ticket_id={id}", c.key()))
        }),
        ("POST /api/v1/ticket_replies/create.php", "other's", |f, c| {
            let id: String = f.other_ticket.chars().filter(char::is_ascii_digit).collect();
            post(
                "/api/v1/ticket_replies/create.php",
                json!({"api_key": c.key(), "ticket_id": id, "ticket_reply": "A reply"}),
            )
        }),
        // django-helpdesk's methods: the person's own password in the form (keys are nobody).
        ("POST /api/create_ticket/", "-", |_, c| django(c, "create_ticket", &[("queue", "1"), ("title", "Matrix")])),
        ("POST /api/list_queues/", "-", |_, c| django(c, "list_queues", &[])),
        ("POST /api/find_user/", "-", |f, c| django(c, "find_user", &[("username", &f.olga.username)])),
        ("POST /api/hold_ticket/", "other's", |f, c| {
            django(c, "hold_ticket", &[("ticket", &f.fresh_ticket(&f.olga, false))])
        }),
        ("POST /api/unhold_ticket/", "other's", |f, c| {
            django(c, "unhold_ticket", &[("ticket", &f.held_ticket(&f.olga))])
        }),
        ("POST /api/add_followup/", "other's", |f, c| {
            django(c, "add_followup", &[("ticket", &f.other_ticket), ("message", "A followup"), ("public", "y")])
        }),
        ("POST /api/resolve/", "other's", |f, c| {
            django(c, "resolve", &[("ticket", &f.fresh_ticket(&f.olga, false)), ("resolution", "Done")])
        }),
        ("POST /api/delete_ticket/", "other's", |f, c| {
            django(c, "delete_ticket", &[("ticket", &f.fresh_ticket(&f.olga, false)), ("confirm", "yes")])
        }),
    ]
}

/// A request a row sends.
struct Req {
    method: Method,
    path: String,
    body: Option<Value>,
    /// A body of another type instead, with its Content-Type (django-helpdesk's forms, mail, XML).
    raw: Option<(String, &'static str)>,
    headers: Vec<(String, String)>,
}

fn bare(method: Method, path: &str) -> Req {
    Req { method, path: path.to_owned(), body: None, raw: None, headers: Vec::new() }
}

/// A django-helpdesk method called by the caller's person with their password (nobody's for a key).
fn django(c: &Caller, method: &str, fields: &[(&str, &str)]) -> Req {
    let user = c.user.as_ref().map(|u| u.username.as_str()).unwrap_or_default();
    let mut all = vec![("user", user), ("password", if user.is_empty() { "" } else { PASSWORD })];
    all.extend_from_slice(fields);
    let form = serde_urlencoded::to_string(&all).expect("a form");
    Req { raw: Some((form, FORM)), ..bare(Method::POST, &format!("/api/{method}/")) }
}

const FORM: &str = "application/x-www-form-urlencoded";

/// osTicket's XML create: a flat JSON object as `<ticket>` elements.
fn xml(path: &str, fields: Value) -> Req {
    let elements: String = fields
        .as_object()
        .expect("an object")
        .iter()
        .map(|(k, v)| format!("<{k}>{}</{k}>", v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
        .collect();
    Req { raw: Some((format!("<ticket>{elements}</ticket>"), "application/xml")), ..bare(Method::POST, path) }
}

fn get(path: &str) -> Req {
    bare(Method::GET, path)
}

fn send(method: Method, path: &str, body: Value) -> Req {
    Req { body: Some(body), ..bare(method, path) }
}

fn post(path: &str, body: Value) -> Req {
    send(Method::POST, path, body)
}

fn put(path: &str, body: Value) -> Req {
    send(Method::PUT, path, body)
}

impl Req {
    fn header(mut self, name: &str, value: &str) -> Req {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

fn ticket_path(number: &str) -> String {
    format!("/api/tickets.json/{number}")
}

/// One column's caller.
struct Caller {
    name: String,
    auth: Auth,
    /// The person behind the credentials.
    user: Option<Person>,
    /// The customer an impersonating key names.
    acting: Option<Person>,
}

impl Caller {
    /// The caller's API key, or nothing (people).
    fn key(&self) -> &str {
        match &self.auth {
            Auth::Key(k) => k,
            _ => "",
        }
    }

    /// The body, naming the impersonated customer when this caller impersonates.
    fn acting(&self, mut body: Value) -> Value {
        if let Some(customer) = &self.acting {
            body["user_id"] = json!(customer.id);
        }
        body
    }
}

/// The server and everything the rows point at.
struct Fx {
    s: TestServer,
    /// The administrator who makes the fixtures.
    admin: Auth,
    /// A key with every scope, for fixtures.
    staff: Auth,
    /// The other customer: owns `other_ticket`, `other_attachment` and `other_view`.
    olga: Person,
    other_ticket: String,
    other_attachment: i64,
    other_view: i64,
    /// The user of each level (0–6).
    users: BTreeMap<i64, Person>,
    /// Each user's own ticket and its attachment.
    owned: BTreeMap<i64, (String, i64)>,
    /// Catalog entries the PUT rows rename, by resource.
    spare: BTreeMap<&'static str, i64>,
    /// A client and one of its contacts.
    client: i64,
    contact: i64,
    counter: Cell<u32>,
}

impl Fx {
    fn unique(&self, prefix: &str) -> String {
        self.counter.set(self.counter.get() + 1);
        format!("{prefix}{}", self.counter.get())
    }

    fn email(&self, prefix: &str) -> String {
        format!("{}@example.com", self.unique(prefix))
    }

    fn olga_login(&self) -> Value {
        json!({"username": self.olga.username, "password": PASSWORD})
    }

    /// Whose "own" resources a caller acts on: its user, the customer it names, or (without
    /// either) the other customer's.
    fn own<'a>(&'a self, c: &'a Caller) -> &'a Person {
        c.user.as_ref().or(c.acting.as_ref()).unwrap_or(&self.olga)
    }

    fn own_ticket(&self, c: &Caller) -> (String, i64) {
        let person = self.own(c);
        self.owned.get(&person.id).cloned().unwrap_or_else(|| (self.other_ticket.clone(), self.other_attachment))
    }

    /// A view of the caller's own, or the other customer's when the caller cannot have one.
    fn own_view(&self, c: &Caller) -> i64 {
        let r =
            self.s.post_json("/api/views.json", &c.auth, &json!({"name": self.unique("Mine"), "query": "status=open"}));
        if r.status == 201 {
            r.json()["id"].as_i64().unwrap()
        } else {
            self.other_view
        }
    }

    /// A customer the PUT rows change.
    /// A new contact of the fixture client (for a row that removes one).
    fn fresh_contact(&self) -> i64 {
        let body = json!({"name": self.unique("Leaving ")});
        let r = self.s.post_json(&format!("/api/clients.json/{}/contacts", self.client), &self.admin, &body);
        r.expect(201);
        r.json()["id"].as_i64().unwrap()
    }

    fn fresh_user(&self) -> i64 {
        self.s.create_person(&self.admin, &self.unique("victim"), 1, None).id
    }

    /// A new ticket of `owner`, closed when asked.
    fn fresh_ticket(&self, owner: &Person, closed: bool) -> String {
        let number = self.s.open_ticket_for(&self.staff, owner, None);
        if closed {
            self.s.delete_json(&ticket_path(&number), &self.staff, &json!({})).expect(204);
        }
        number
    }

    /// A new ticket of `owner`, on hold.
    fn held_ticket(&self, owner: &Person) -> String {
        let number = self.s.open_ticket_for(&self.staff, owner, None);
        self.s.put_json(&ticket_path(&number), &self.staff, &json!({"status_id": 6})).expect(200);
        number
    }

    fn catalog_path(&self, resource: &'static str) -> String {
        format!("/api/{resource}.json/{}", self.spare[resource])
    }

    /// A new catalog entry nothing uses, to delete.
    fn fresh_catalog(&self, resource: &'static str) -> String {
        let id = create_catalog(&self.s, &self.admin, resource, &self.unique("Spare"));
        format!("/api/{resource}.json/{id}")
    }
}

fn create_catalog(s: &TestServer, admin: &Auth, resource: &str, name: &str) -> i64 {
    let body = match resource {
        "statuses" => json!({"name": name, "state": "pending"}),
        "topics" => json!({"value": name}),
        _ => json!({"name": name}),
    };
    let r = s.post_json(&format!("/api/{resource}.json"), admin, &body);
    r.expect(201);
    r.json()["id"].as_i64().unwrap()
}

/// The server with one user per level, the other customer and her ticket, attachment and view,
/// and one caller per column.
fn fixtures() -> (Fx, Vec<Caller>) {
    // The matrix signs in far more often than the login limit allows a person.
    let s = TestServer::start_with_config("login_attempts_per_minute = 100000\n");
    s.admin_create("root", "root@example.com", PASSWORD);
    let admin = Auth::Bearer(s.login_token("root", PASSWORD));
    let staff = s.apikey("fixtures", "read,write,impersonate", None).auth();
    let olga = s.create_person(&admin, "olga", 1, Some(PASSWORD));
    let olga_auth = Auth::Bearer(s.login_token("olga", PASSWORD));
    let other_ticket = s.open_ticket_for(&staff, &olga, Some("olga.txt"));
    let other_attachment = s.first_attachment(&staff, &other_ticket);
    let r = s.post_json("/api/views.json", &olga_auth, &json!({"name": "Olga's view", "query": "status=open"}));
    r.expect(201);
    let other_view = r.json()["id"].as_i64().unwrap();

    let mut users = BTreeMap::new();
    let mut owned = BTreeMap::new();
    let mut tokens = BTreeMap::new();
    for level in 0..=6 {
        // Level 0 is an agent who signed in and was then disabled.
        let person =
            s.create_person(&admin, &format!("level{level}"), if level == 0 { 3 } else { level }, Some(PASSWORD));
        tokens.insert(level, s.login_token(&person.username, PASSWORD));
        let number = s.open_ticket_for(&staff, &person, Some("mine.txt"));
        owned.insert(person.id, (number.clone(), s.first_attachment(&staff, &number)));
        users.insert(level, person);
    }
    s.put_json(&format!("/api/users.json/{}", users[&0].id), &admin, &json!({"level": 0})).expect(200);
    let spare = ["statuses", "priorities", "queues", "topics"]
        .into_iter()
        .map(|resource| (resource, create_catalog(&s, &admin, resource, &format!("Spare {resource}"))))
        .collect();

    let r = s.post_json("/api/clients.json", &admin, &json!({"name": "Matrix Client"}));
    r.expect(201);
    let client = r.json()["id"].as_i64().unwrap();
    let r = s.post_json(&format!("/api/clients.json/{client}/contacts"), &admin, &json!({"name": "Matrix Contact"}));
    r.expect(201);
    let contact = r.json()["id"].as_i64().unwrap();

    let callers = COLUMNS
        .iter()
        .map(|(name, who)| {
            let (auth, user, acting) = match *who {
                Who::Nobody => (Auth::None, None, None),
                Who::Level(level) => (Auth::Bearer(tokens[&level].clone()), Some(users[&level].clone()), None),
                Who::Key(scopes) => (s.apikey(name, scopes, None).auth(), None, None),
                Who::Impersonating(scopes) => (s.apikey(name, scopes, None).auth(), None, Some(users[&1].clone())),
            };
            Caller { name: (*name).to_owned(), auth, user, acting }
        })
        .collect();
    let fx = Fx {
        s,
        admin,
        staff,
        olga,
        other_ticket,
        other_attachment,
        other_view,
        users,
        owned,
        spare,
        client,
        contact,
        counter: Cell::new(0),
    };
    (fx, callers)
}

/// Every (method, path) of the served OpenAPI document.
fn documented_operations(s: &TestServer) -> BTreeSet<String> {
    let doc = s.get("/api/openapi.json", &Auth::None).json();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}

#[test]
fn every_cell_of_the_authorization_matrix_holds() {
    let table = DocTable::read("security.md", &["endpoint", "target"]);
    let (fx, callers) = fixtures();

    // The document, the builders, the columns and the served API name the same things.
    let mut problems = Vec::new();
    let builders: BTreeMap<(String, String), Build> =
        rows().into_iter().map(|(endpoint, target, build)| ((endpoint.to_owned(), target.to_owned()), build)).collect();
    let documented: BTreeSet<(String, String)> = table.rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(documented.len(), table.rows.len(), "docs/security.md lists a row twice");
    for key in documented.difference(&builders.keys().cloned().collect()) {
        problems.push(format!("docs/security.md has the row {key:?} but matrix.rs rows() has no request for it"));
    }
    for key in builders.keys().filter(|k| !documented.contains(*k)) {
        problems.push(format!("matrix.rs rows() builds {key:?} but docs/security.md has no such row"));
    }
    let endpoints: BTreeSet<String> =
        table.rows.iter().map(|r| r[0].split_once('?').map_or(r[0].as_str(), |(p, _)| p).to_owned()).collect();
    for op in documented_operations(&fx.s).difference(&endpoints) {
        problems.push(format!("the OpenAPI document has {op} but docs/security.md has no row for it"));
    }
    let doc_columns: Vec<&String> = table.header[2..].iter().collect();
    for name in &doc_columns {
        if !callers.iter().any(|c| &&c.name == name) {
            problems.push(format!("docs/security.md has the column {name:?} but matrix.rs COLUMNS does not"));
        }
    }
    for caller in &callers {
        if !doc_columns.contains(&&caller.name) {
            problems.push(format!("matrix.rs COLUMNS has {:?} but docs/security.md has no such column", caller.name));
        }
    }
    assert!(problems.is_empty(), "the matrix and its test disagree:\n{}", problems.join("\n"));

    let mut cells = 0;
    let mut wrong = Vec::new();
    for row in &table.rows {
        let build = builders[&(row[0].clone(), row[1].clone())];
        for (column, cell) in table.header.iter().zip(row).skip(2) {
            let caller = callers.iter().find(|c| &c.name == column).unwrap();
            let expected: u16 =
                cell.parse().unwrap_or_else(|_| panic!("{} ({}) × {column}: {cell:?} is not a status", row[0], row[1]));
            let req = build(&fx, caller);
            let headers: Vec<(&str, &str)> = req.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let (body, content_type) = match (&req.raw, &req.body) {
                (Some((raw, content_type)), _) => (Some(raw.clone().into_bytes()), Some(*content_type)),
                (None, Some(b)) => (Some(serde_json::to_vec(b).unwrap()), Some("application/json")),
                (None, None) => (None, None),
            };
            let r = fx.s.send(req.method.clone(), &req.path, &caller.auth, &headers, content_type, body);
            cells += 1;
            if r.status != expected {
                let text: String = r.text.chars().take(200).collect();
                wrong.push(format!(
                    "{} ({}) × {column}: expected {expected}, got {} for {} {}: {text}",
                    row[0], row[1], r.status, req.method, req.path
                ));
            }
        }
    }
    eprintln!("authorization matrix: {cells} cells, {} rows × {} columns", table.rows.len(), callers.len());
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells of docs/security.md do not hold:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Two customers and a staff key; Olga's ticket carries an attachment on her message and one on
/// an internal note.
struct Neighbours {
    s: TestServer,
    staff: Auth,
    alice: Auth,
    alice_id: i64,
    olga: Person,
    olga_ticket: String,
    olga_attachment: i64,
    note_attachment: i64,
}

fn neighbours() -> Neighbours {
    let s = TestServer::start();
    s.admin_create("root", "root@example.com", PASSWORD);
    let admin = Auth::Bearer(s.login_token("root", PASSWORD));
    let staff = s.apikey("staff", "read,write,impersonate", None).auth();
    let alice = s.create_person(&admin, "alice", 1, Some(PASSWORD));
    let olga = s.create_person(&admin, "olga", 1, Some(PASSWORD));
    s.open_ticket_for(&staff, &alice, None);
    let olga_ticket = s.open_ticket_for(&staff, &olga, Some("payslip.txt"));
    let olga_attachment = s.first_attachment(&staff, &olga_ticket);
    let note = json!({"message": "Salary band 7", "type": "note", "attachments": [{"band.txt": data_url("text/plain", b"band 7")}]});
    let r = s.put_json(&ticket_path(&olga_ticket), &staff, &note);
    r.expect(200);
    let note_attachment = entries_of(&r.json(), "N")[0]["attachments"][0]["id"].as_i64().unwrap();
    let alice_auth = Auth::Bearer(s.login_token("alice", PASSWORD));
    Neighbours { s, staff, alice: alice_auth, alice_id: alice.id, olga, olga_ticket, olga_attachment, note_attachment }
}

#[test]
fn a_customer_cannot_tell_another_customers_ticket_from_one_that_does_not_exist() {
    let n = neighbours();
    let s = &n.s;
    let before = s.snapshot(&n.olga_ticket, &n.staff);
    let digits: String = n.olga_ticket.chars().filter(char::is_ascii_digit).collect();
    let impersonating = s.apikey("portal", "read,write,impersonate", None).auth();
    let as_alice = json!({"user_id": n.alice_id});
    let mut differ = Vec::new();
    let mut compare = |what: &str, olgas: Resp, missing: Resp| {
        if olgas.status != 404
            || missing.status != 404
            || olgas.text != missing.text
            || olgas.content_type() != missing.content_type()
        {
            differ.push(format!(
                "{what}: Olga's {} {} / missing {} {}",
                olgas.status, olgas.text, missing.status, missing.text
            ));
        }
    };
    for (olgas, missing) in [(n.olga_ticket.clone(), "TCK-999999".to_owned()), (digits, "999999".to_owned())] {
        for (method, suffix, body) in [
            (Method::GET, "", None),
            (Method::PUT, "", Some(json!({"message": "Is this mine?"}))),
            (Method::DELETE, "", Some(json!({}))),
            (Method::POST, "", Some(json!({}))),
            (Method::PUT, "/follow", None),
            (Method::DELETE, "/follow", None),
            (Method::GET, "/draft", None),
            (Method::PUT, "/draft", Some(json!({"message": "Is this mine?"}))),
            (Method::DELETE, "/draft", None),
            (Method::PUT, "/presence", Some(json!({"typing": false}))),
            (Method::DELETE, "/presence", None),
        ] {
            let call = |number: &str, auth: &Auth, body: Option<Value>| {
                let bytes = body.map(|b| serde_json::to_vec(&b).unwrap());
                s.send(
                    method.clone(),
                    &format!("{}{suffix}", ticket_path(number)),
                    auth,
                    &[],
                    Some("application/json"),
                    bytes,
                )
            };
            let what = format!("{method} {}{suffix}", ticket_path(&olgas));
            compare(&what, call(&olgas, &n.alice, body.clone()), call(&missing, &n.alice, body.clone()));
            // A portal acting for Alice with an impersonating key gets the same.
            if method != Method::GET && suffix.is_empty() {
                let with_alice = Some(body.clone().map_or(as_alice.clone(), |mut b| {
                    b["user_id"] = json!(n.alice_id);
                    b
                }));
                compare(
                    &format!("{what} as Alice by key"),
                    call(&olgas, &impersonating, with_alice.clone()),
                    call(&missing, &impersonating, with_alice),
                );
            }
        }
    }
    for id in [n.olga_attachment, n.note_attachment] {
        compare(
            &format!("GET /api/attachments/{id}"),
            s.get(&format!("/api/attachments/{id}"), &n.alice),
            s.get("/api/attachments/999999", &n.alice),
        );
    }
    assert!(
        differ.is_empty(),
        "a customer can tell another customer's ticket from a missing one:\n{}",
        differ.join("\n")
    );
    s.assert_unchanged(&n.olga_ticket, &n.staff, &before, "a customer's requests on another customer's ticket");

    // Lists, filters and search show Alice her own ticket only, and count nothing else.
    for query in [
        String::new(),
        format!("?user_id={}", n.olga.id),
        format!("?email={}", n.olga.email),
        "?q=olga".to_owned(),
        "?q=problem".to_owned(),
        "?status=open&sort=-created&per_page=100".to_owned(),
    ] {
        let r = s.get(&format!("/api/tickets.json{query}"), &n.alice);
        r.expect(200);
        let listed: Vec<i64> =
            r.json().as_array().unwrap().iter().map(|t| t["user"]["id"].as_i64().unwrap_or(-1)).collect();
        assert!(listed.iter().all(|id| *id == n.alice_id), "?{query}: Alice sees tickets of {listed:?}");
        assert!(
            !r.text.contains(&n.olga_ticket) && !r.text.contains("payslip"),
            "?{query}: Olga's ticket leaks: {}",
            r.text
        );
        assert_eq!(r.total_count(), listed.len() as i64, "?{query}: X-Total-Count counts tickets Alice cannot see");
    }
}

#[test]
fn private_visibility_shows_customers_every_ticket_and_its_files_but_not_internal_notes() {
    let n = neighbours();
    let s = &n.s;
    let admin = Auth::Bearer(s.login_token("root", PASSWORD));
    s.put_json("/api/settings.json", &admin, &json!({"visibility": "private"})).expect(200);
    let ticket = s.ticket(&n.olga_ticket, &n.alice);
    assert!(entries_of(&ticket, "N").is_empty(), "a customer sees an internal note: {ticket}");
    let r = s.get(&format!("/api/attachments/{}", n.olga_attachment), &n.alice);
    r.expect(200);
    assert_eq!(r.text, "olga's file");
    s.get(&format!("/api/attachments/{}", n.note_attachment), &n.alice).expect_error(404, "not_found");
    // Reading is all: the ticket stays Olga's to change.
    s.put_json(&ticket_path(&n.olga_ticket), &n.alice, &json!({"message": "Mine now?"})).expect_error(403, "forbidden");
    assert_eq!(s.get("/api/tickets.json", &n.alice).total_count(), 2);
}
