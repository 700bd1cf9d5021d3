//! The OpenAPI document against the app it describes: every route has its operation and every
//! operation its route, every guard demands what its operation's `security` says, and every
//! scope and role the document names exists. Routes and documents are registered in one call
//! (features::register), and guards come before bodies (core::auth::guards): this keeps both true.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use actix_web::{web, App, HttpRequest, HttpResponse};
use common::{first_admin, send, Auth};
use serde_json::{json, Value};
use shared::AccessLevel;

/// Registered resources that are not operations of the API, each with why.
const NOT_OPERATIONS: &[(&str, &str)] = &[
    ("/api/openapi.json", "the document itself"),
    ("/api/docs", "redirects to the Swagger UI"),
    ("/api/docs/{_:.*}", "the Swagger UI's files"),
    (PROBE, "this test's probe"),
    ("/", "NodePoint's API where NodePoint was installed (a GET asking ?api=, any POST): /nodepoint/'s operations"),
    ("/itflow/api/v1/tickets/read.php", "ITFlow's API where ITFlow was installed: /api/v1/'s operations"),
    ("/itflow/api/v1/tickets/create.php", "ITFlow's API where ITFlow was installed"),
    ("/itflow/api/v1/tickets/resolve.php", "ITFlow's API where ITFlow was installed"),
    ("/itflow/api/v1/ticket_replies/read.php", "ITFlow's API where ITFlow was installed"),
    ("/itflow/api/v1/ticket_replies/create.php", "ITFlow's API where ITFlow was installed"),
    // django-helpdesk's methods without the slash and under /helpdesk/ (aliases of the
    // documented `/api/<method>/`), and the text 405 of every other method on them.
    (
        "/api/{method:create_ticket|delete_ticket|hold_ticket|unhold_ticket|add_followup|resolve|list_queues|find_user}",
        "django-helpdesk's methods without the slash",
    ),
    (
        "/api/{method:create_ticket|delete_ticket|hold_ticket|unhold_ticket|add_followup|resolve|list_queues|find_user}/",
        "the text 405 of django-helpdesk's methods",
    ),
    (
        "/helpdesk/api/{method:create_ticket|delete_ticket|hold_ticket|unhold_ticket|add_followup|resolve|list_queues|find_user}{slash:/?}",
        "django-helpdesk's methods where django-helpdesk is usually mounted",
    ),
    // The web app is the default service, never a resource: it answers every other path.
];

const PROBE: &str = "/contract-test/routes";

const METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "PATCH"];

fn document() -> Value {
    serde_json::from_str(&oxidesk::openapi::json()).expect("the document is JSON")
}

/// The document's operations: (method, path) → the operation.
fn operations(doc: &Value) -> BTreeMap<(String, String), Value> {
    let mut operations = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            operations.insert((method.to_uppercase(), path.clone()), operation.clone());
        }
    }
    operations
}

/// The paths of the resources a ResourceMap holds. actix lists them nowhere but in its Debug
/// output, where each resource shows as `patterns: Single("/api/…")`.
fn registered_patterns(resource_map: &str) -> BTreeSet<String> {
    let mut patterns = BTreeSet::new();
    let mut rest = resource_map;
    while let Some(start) = rest.find("Single(\"") {
        rest = &rest[start + "Single(\"".len()..];
        let end = rest.find("\")").expect("the pattern's end");
        patterns.insert(rest[..end].replace("\\\\", "\\"));
        rest = &rest[end..];
    }
    patterns.retain(|p| !p.is_empty());
    patterns
}

/// A path template with each `{parameter}` replaced by `value`.
fn fill(template: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').expect("closing brace") + start;
        out.push_str(&rest[..start]);
        out.push_str(&value(&rest[start + 1..end]));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[actix_web::test]
async fn every_route_has_an_operation_and_every_operation_a_route() {
    let db = common::test_db();
    let state = common::state(&db);
    let app = actix_web::test::init_service(App::new().configure(oxidesk::startup::app_config(state)).route(
        PROBE,
        web::get().to(|req: HttpRequest| async move { HttpResponse::Ok().body(format!("{:?}", req.resource_map())) }),
    ))
    .await;
    let resource_map = String::from_utf8(
        actix_web::test::call_and_read_body(&app, actix_web::test::TestRequest::get().uri(PROBE).to_request())
            .await
            .to_vec(),
    )
    .expect("text");
    let mut paths = registered_patterns(&resource_map);
    for (path, why) in NOT_OPERATIONS {
        assert!(paths.remove(*path), "{path} ({why}) is no longer registered: update NOT_OPERATIONS");
    }

    // A path's methods are those that do not answer 405 (refuse_other_methods', or actix's own for
    // a resource registered some other way).
    let mut routes = BTreeSet::new();
    for path in &paths {
        let uri = fill(path, |_| "1".to_owned());
        for method in METHODS {
            let (status, _) = send(&app, method, &uri, Auth::Nobody, None).await;
            if status != 405 {
                routes.insert((method.to_owned(), path.clone()));
            }
        }
    }
    let documented: BTreeSet<(String, String)> = operations(&document()).into_keys().collect();
    let undocumented: Vec<_> = routes.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&routes).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "routes without an operation: {undocumented:#?}\noperations without a route: {unserved:#?}"
    );
}

/// A kind of caller of (b): who they are in the document's terms.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Nobody,
    Key(&'static str),
    Person(AccessLevel),
}

struct Caller {
    kind: Kind,
    credential: String,
    /// Their user id (people); keys and nobody use the customer's.
    user_id: i64,
    /// A ticket of theirs (people); keys and nobody use the customer's.
    ticket: String,
}

impl Caller {
    fn auth(&self) -> Auth<'_> {
        match self.kind {
            Kind::Nobody => Auth::Nobody,
            Kind::Key(_) => Auth::Key(&self.credential),
            Kind::Person(_) => Auth::Bearer(&self.credential),
        }
    }
}

/// Whether the document's security admits this caller: one of its requirements is met.
fn admits(requirements: &[(String, Vec<String>)], kind: Kind) -> bool {
    if requirements.is_empty() {
        return true;
    }
    requirements.iter().any(|(scheme, scopes)| match (scheme.as_str(), kind) {
        ("", Kind::Nobody) => true,
        ("api_key", Kind::Key(scope)) => scopes.iter().all(|s| s == scope),
        ("bearer", Kind::Person(level)) => {
            scopes.iter().all(|role| oxidesk::openapi::level_of_role(role).is_some_and(|lowest| level >= lowest))
        }
        // No caller here holds a refresh cookie: the refresh endpoint refuses them all.
        _ => false,
    })
}

/// Answers that stand for a refusal besides 401/403, each with why.
fn refused_otherwise(method: &str, path: &str, kind: Kind, status: u16) -> bool {
    // A key is no user: /me answers it 404 (docs/security.md's matrix, e2e/tests/matrix.rs).
    path == "/api/users/me.json" && matches!(kind, Kind::Key(_)) && status == 404 && ["GET", "PUT"].contains(&method)
}

/// A person of this level, with a token and a ticket of their own.
async fn person(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    state: &oxidesk::core::state::AppState,
    admin: &str,
    level: AccessLevel,
) -> Caller {
    let name = oxidesk::openapi::role(level).replace('_', "-");
    let (status, user) = send(
        app,
        "POST",
        "/api/users.json",
        Auth::Bearer(admin),
        Some(json!({
            "username": name, "name": format!("The {name}"), "email": format!("{name}@example.com"),
            "password": "a long enough passphrase", "level": i16::from(level)
        })),
    )
    .await;
    assert_eq!(status, 201, "{user}");
    let user_id = user["id"].as_i64().expect("id");
    let token = common::bearer(state, user_id);
    let ticket = file(app, Auth::Bearer(&token)).await;
    Caller { kind: Kind::Person(level), credential: token, user_id, ticket }
}

async fn file(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    auth: Auth<'_>,
) -> String {
    let (status, ticket) =
        send(app, "POST", "/api/tickets.json", auth, Some(json!({"subject": "Mine", "message": "My own ticket"})))
            .await;
    assert_eq!(status, 201, "{ticket}");
    ticket["ticket_number"].as_str().expect("number").to_owned()
}

/// Every operation, called by nobody, by a key of each scope alone and by a person of each level,
/// is refused (401/403) exactly when its documented security does not admit the caller. The desk
/// is set as open as its settings go (public tickets, guest tickets, registrations), since the
/// document states the least any desk demands; each call is harmless: an empty JSON object for a
/// body, the caller's own ticket and user, and ids of nothing otherwise.
#[actix_web::test]
async fn every_guard_demands_what_its_operation_documents() {
    let db = common::test_db();
    let state = common::state(&db);
    let app = common::app(state.clone()).await;
    let admin = first_admin(&app).await;
    let (status, settings) = send(
        &app,
        "PUT",
        "/api/settings.json",
        Auth::Bearer(&admin),
        Some(json!({
            "visibility": "public", "allow_guest_tickets": true, "allow_registrations": true
        })),
    )
    .await;
    assert_eq!(status, 200, "{settings}");

    let mut callers = Vec::new();
    for level in [
        AccessLevel::AuthorizedUser,
        AccessLevel::RestrictedViewer,
        AccessLevel::Agent,
        AccessLevel::ProjectManager,
        AccessLevel::UserManager,
    ] {
        callers.push(person(&app, &state, &admin, level).await);
    }
    let customer = (callers[0].user_id, callers[0].ticket.clone());
    let (_, me) = send(&app, "GET", "/api/users/me.json", Auth::Bearer(&admin), None).await;
    let admin_ticket = file(&app, Auth::Bearer(&admin)).await;
    callers.push(Caller {
        kind: Kind::Person(AccessLevel::Administrator),
        credential: admin.clone(),
        user_id: me["id"].as_i64().expect("id"),
        ticket: admin_ticket,
    });
    callers.push(Caller {
        kind: Kind::Nobody,
        credential: String::new(),
        user_id: customer.0,
        ticket: customer.1.clone(),
    });
    for scope in ["read", "write", "impersonate", "admin"] {
        callers.push(Caller {
            kind: Kind::Key(scope),
            credential: common::api_key(&state, scope),
            user_id: customer.0,
            ticket: customer.1.clone(),
        });
    }

    let mut mismatches = Vec::new();
    let mut calls = 0;
    for ((method, path), operation) in operations(&document()) {
        let requirements = security(&operation);
        for caller in &callers {
            let uri = fill(&path, |parameter| match parameter {
                // Deleting is not harmless: a ticket nobody has (the right is checked first).
                "number" if path.ends_with("/delete") => "TCK-999999".to_owned(),
                "number" => caller.ticket.clone(),
                // Reading one's own account is the least GET /api/users.json/{id} admits; the
                // changes are tried on the customer (every level the guards admit may change one).
                "id" if path.starts_with("/api/users.json/") && method == "GET" => caller.user_id.to_string(),
                "id" if path.starts_with("/api/users.json/") => customer.0.to_string(),
                "kind" => "no-such-template".to_owned(),
                _ => "999999".to_owned(),
            });
            let body = (method != "GET").then(|| json!({}));
            // Signing out ends the session the token names: a person signs out of a session of
            // its own, keeping the one the later calls use.
            let spare;
            let auth = if path == "/api/auth/logout.json" && matches!(caller.kind, Kind::Person(_)) {
                spare = common::bearer(&state, caller.user_id);
                Auth::Bearer(&spare)
            } else {
                caller.auth()
            };
            let (status, answer) = send(&app, &method, &uri, auth, body).await;
            calls += 1;
            let refused = status == 401 || status == 403 || refused_otherwise(&method, &path, caller.kind, status);
            // django-helpdesk's methods take the person's own password in their form, ITFlow's the
            // key in `api_key`: they admit none of these callers, who send neither.
            let own_credentials =
                operation["tags"].as_array().is_some_and(|t| t.iter().any(|t| t == "django-helpdesk" || t == "itflow"));
            let admitted = !own_credentials && admits(&requirements, caller.kind);
            if refused == admitted {
                mismatches.push(format!(
                    "{method} {path} as {:?}: documented {}, answered {status} {answer}",
                    caller.kind,
                    if admitted { "admitted" } else { "refused" }
                ));
            }
        }
    }
    assert!(calls > 600, "only {calls} calls");
    assert!(mismatches.is_empty(), "guards and documented security differ:\n{}", mismatches.join("\n"));
}

/// An operation's requirements as openapi.rs reads them.
fn security(operation: &Value) -> Vec<(String, Vec<String>)> {
    let Some(list) = operation["security"].as_array() else {
        return Vec::new();
    };
    list.iter()
        .flat_map(|requirement| {
            let requirement = requirement.as_object().expect("requirement");
            if requirement.is_empty() {
                return vec![(String::new(), Vec::new())];
            }
            requirement
                .iter()
                .map(|(scheme, scopes)| {
                    let scopes = scopes.as_array().expect("scopes").iter();
                    (scheme.clone(), scopes.map(|s| s.as_str().expect("scope").to_owned()).collect())
                })
                .collect()
        })
        .collect()
}

/// The document names only schemes it defines, scopes keys can have and levels people can have;
/// and every operation's description says who may call it.
#[test]
fn every_scope_and_role_of_the_document_exists() {
    let doc = document();
    let schemes = doc["components"]["securitySchemes"].as_object().expect("schemes");
    let mut unknown = Vec::new();
    for ((method, path), operation) in operations(&doc) {
        for (scheme, scopes) in security(&operation) {
            if !scheme.is_empty() && !schemes.contains_key(&scheme) {
                unknown.push(format!("{method} {path}: scheme {scheme}"));
            }
            for scope in &scopes {
                let known = match scheme.as_str() {
                    "api_key" => oxidesk::core::auth::apikeys::parse_scopes(scope).is_ok(),
                    "bearer" => oxidesk::openapi::level_of_role(scope).is_some_and(|l| l > AccessLevel::Disabled),
                    _ => false,
                };
                if !known {
                    unknown.push(format!("{method} {path}: {scheme} {scope}"));
                }
            }
        }
        let description = operation["description"].as_str().unwrap_or_default();
        if !description.contains("Access: ") {
            unknown.push(format!("{method} {path}: no Access line"));
        }
    }
    assert!(unknown.is_empty(), "{unknown:#?}");
}
