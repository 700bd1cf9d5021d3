//! The admin API on a real database: statuses, priorities, queues, topics, users and API keys —
//! who may change them, what is refused, and that a refused request changes nothing.

mod common;

use actix_web::test;
use common::{api_key, app, audit_count, bearer, call, conn, expect_error, state, test_db};
use oxidesk::accounts::rules::{insert_user, NewUserInput};
use oxidesk::core::state::AppState;
use serde_json::{json, Value};
use shared::validate::{Email, PersonName, Username};
use shared::AccessLevel;

const PASSWORD: &str = "a long enough passphrase";

/// How a request authenticates.
#[derive(Clone)]
enum Auth {
    Key(String),
    Bearer(String),
}

trait TestApp:
    actix_web::dev::Service<actix_http::Request, Response = actix_web::dev::ServiceResponse, Error = actix_web::Error>
{
}
impl<S> TestApp for S where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >
{
}

async fn send(app: &impl TestApp, method: &str, path: &str, auth: &Auth, body: Option<Value>) -> (u16, Value) {
    let mut req = test::TestRequest::default()
        .method(method.parse().unwrap())
        .uri(path)
        .insert_header(("Accept", "application/json"));
    req = match auth {
        Auth::Key(k) => req.insert_header(("X-API-Key", k.as_str())),
        Auth::Bearer(t) => req.insert_header(("Authorization", format!("Bearer {t}"))),
    };
    if let Some(body) = body {
        req = req.set_json(body);
    }
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    (status, serde_json::from_slice(&test::read_body(resp).await).unwrap_or(Value::Null))
}

/// A raw body with a content type, for malformed and non-JSON requests.
async fn send_raw(
    app: &impl TestApp,
    method: &str,
    path: &str,
    auth: &Auth,
    content_type: &str,
    body: &str,
) -> (u16, Value) {
    let mut req = test::TestRequest::default()
        .method(method.parse().unwrap())
        .uri(path)
        .insert_header(("Content-Type", content_type))
        .set_payload(body.to_owned());
    req = match auth {
        Auth::Key(k) => req.insert_header(("X-API-Key", k.as_str())),
        Auth::Bearer(t) => req.insert_header(("Authorization", format!("Bearer {t}"))),
    };
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    (status, serde_json::from_slice(&test::read_body(resp).await).unwrap_or(Value::Null))
}

/// A user of this level who can sign in, and a token for them.
fn person(st: &AppState, username: &str, level: AccessLevel) -> (i64, Auth) {
    let hash = oxidesk::core::auth::password::hash(PASSWORD).unwrap();
    let username = Username::parse(username).unwrap();
    let email = Email::parse(&format!("{username}@example.com")).unwrap();
    let name = PersonName::parse(&format!("{username} Person")).unwrap();
    let user = insert_user(
        &mut conn(st),
        None,
        NewUserInput {
            username: Some(&username),
            email: &email,
            name: &name,
            phone: "",
            level,
            password_hash: Some(&hash),
            notes: "",
            timezone: None,
            language: None,
            email_confirmed: true,
        },
        None,
    )
    .unwrap();
    (user.id, Auth::Bearer(bearer(st, user.id)))
}

#[track_caller]
fn expect_fields(got: &(u16, Value), fields: &[&str]) {
    expect_error(got, 422, "invalid_fields");
    for f in fields {
        assert!(got.1["error"]["fields"][f].is_string(), "{f} not named in {}", got.1);
    }
}

/// A ticket by a new customer, with extra fields; returns its number.
async fn ticket(app: &impl TestApp, key: &Auth, extra: Value) -> String {
    let mut body = json!({"email": "cust@example.com", "name": "Cus Tomer", "subject": "Help", "message": "Please"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, t) = send(app, "POST", "/api/tickets.json", key, Some(body)).await;
    assert_eq!(status, 201, "{t}");
    t["ticket_number"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn statuses_are_listed_in_order_and_changed_by_administrators() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let (_, admin) = person(&st, "admin", AccessLevel::Administrator);
    let (_, agent) = person(&st, "agent", AccessLevel::Agent);
    let (_, customer) = person(&st, "customer", AccessLevel::AuthorizedUser);
    let staff_key = api_key(&st, "read,write,admin");
    let staff = Auth::Key(staff_key.clone());
    assert_eq!(call(&app, "GET", "/api/statuses.json", &staff_key, None).await.0, 200);

    let (status, list) = send(&app, "GET", "/api/statuses.json", &customer, None).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["New", "Open", "In progress", "On hold", "Resolved", "Closed", "Invalid", "Duplicate"]);
    assert_eq!(list[3], json!({"id": 6, "name": "On hold", "state": "pending", "sort": 4}));

    let (status, created) = send(
        &app,
        "POST",
        "/api/statuses.json",
        &admin,
        Some(json!({"name": " Waiting for parts ", "state": "pending"})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        (created["name"].as_str(), created["state"].as_str(), created["sort"].as_i64()),
        (Some("Waiting for parts"), Some("pending"), Some(9))
    );
    let id = created["id"].as_i64().unwrap();
    assert_eq!(audit_count(&st, "status.create"), 1);

    // Who may not, and what is not valid: nothing is stored.
    expect_error(
        &send(&app, "POST", "/api/statuses.json", &agent, Some(json!({"name": "X", "state": "open"}))).await,
        403,
        "forbidden",
    );
    expect_error(
        &send(
            &app,
            "POST",
            "/api/statuses.json",
            &Auth::Key(api_key(&st, "read")),
            Some(json!({"name": "X", "state": "open"})),
        )
        .await,
        403,
        "forbidden",
    );
    // Tickets' write scope is not enough to change the catalog: that takes the admin scope.
    expect_error(
        &send(
            &app,
            "POST",
            "/api/statuses.json",
            &Auth::Key(api_key(&st, "read,write")),
            Some(json!({"name": "X", "state": "open"})),
        )
        .await,
        403,
        "forbidden",
    );
    expect_error(
        &send(&app, "POST", "/api/statuses.json", &admin, Some(json!({"name": "waiting FOR parts", "state": "open"})))
            .await,
        409,
        "conflict",
    );
    expect_fields(
        &send(&app, "POST", "/api/statuses.json", &admin, Some(json!({"name": "", "state": "asleep", "sort": -1})))
            .await,
        &["name", "state", "sort"],
    );
    expect_fields(
        &send(&app, "POST", "/api/statuses.json", &admin, Some(json!({"name": "x".repeat(65), "state": "open"}))).await,
        &["name"],
    );
    expect_fields(
        &send(
            &app,
            "POST",
            "/api/statuses.json",
            &admin,
            Some(json!({"name": "A\nB", "state": "open", "sort": 1_000_001})),
        )
        .await,
        &["name", "sort"],
    );
    expect_fields(
        &send(
            &app,
            "POST",
            "/api/statuses.json",
            &admin,
            Some(json!({"name": "Typed", "state": "open", "sort": "first"})),
        )
        .await,
        &["sort"],
    );
    expect_error(
        &send_raw(&app, "POST", "/api/statuses.json", &admin, "application/json", r#"{"name": "#).await,
        400,
        "bad_request",
    );
    expect_error(
        &send_raw(&app, "POST", "/api/statuses.json", &admin, "text/plain", r#"{"name": "Plain", "state": "open"}"#)
            .await,
        415,
        "unsupported_media_type",
    );
    let (_, after) = send(&app, "GET", "/api/statuses.json", &staff, None).await;
    assert_eq!(after.as_array().unwrap().len(), 9, "no refused status was stored");
    assert_eq!(audit_count(&st, "status.create"), 1);

    // The built-in statuses keep their state and stay; a rename is fine.
    expect_fields(
        &send(&app, "PUT", "/api/statuses.json/3", &admin, Some(json!({"name": "Closed", "state": "open"}))).await,
        &["state"],
    );
    let (status, renamed) =
        send(&app, "PUT", "/api/statuses.json/3", &staff, Some(json!({"name": "Done", "state": "closed"}))).await;
    assert_eq!((status, renamed["name"].as_str(), renamed["sort"].as_i64()), (200, Some("Done"), Some(6)), "{renamed}");
    expect_error(&send(&app, "DELETE", "/api/statuses.json/2", &admin, None).await, 409, "conflict");
    expect_error(&send(&app, "DELETE", "/api/statuses.json/999", &admin, None).await, 404, "not_found");
    expect_error(
        &send(&app, "PUT", "/api/statuses.json/999", &admin, Some(json!({"name": "Ghost", "state": "open"}))).await,
        404,
        "not_found",
    );
    expect_error(
        &send(&app, "PUT", "/api/statuses.json/4", &admin, Some(json!({"name": "Open", "state": "open"}))).await,
        409,
        "conflict",
    );

    // A status in use: open ↔ pending is fine, closing or deleting it is not.
    let number = ticket(&app, &staff, json!({})).await;
    let (status, t) =
        send(&app, "PUT", &format!("/api/tickets.json/{number}"), &staff, Some(json!({"status_id": id, "version": 1})))
            .await;
    assert_eq!(status, 200, "{t}");
    expect_error(
        &send(
            &app,
            "PUT",
            &format!("/api/statuses.json/{id}"),
            &admin,
            Some(json!({"name": "Parts", "state": "closed"})),
        )
        .await,
        409,
        "conflict",
    );
    let (status, moved) = send(
        &app,
        "PUT",
        &format!("/api/statuses.json/{id}"),
        &admin,
        Some(json!({"name": "Parts", "state": "open", "sort": 3})),
    )
    .await;
    assert_eq!((status, moved["state"].as_str(), moved["sort"].as_i64()), (200, Some("open"), Some(3)), "{moved}");
    expect_error(&send(&app, "DELETE", &format!("/api/statuses.json/{id}"), &admin, None).await, 409, "conflict");
    let (_, t) = send(&app, "GET", &format!("/api/tickets.json/{number}"), &staff, None).await;
    assert_eq!(t["statusId"], id, "the ticket keeps its status");

    // Unused: deleted, with an audit row.
    let (_, spare) =
        send(&app, "POST", "/api/statuses.json", &admin, Some(json!({"name": "Spare", "state": "closed", "sort": 0})))
            .await;
    let spare = spare["id"].as_i64().unwrap();
    let (status, _) = send(&app, "DELETE", &format!("/api/statuses.json/{spare}"), &admin, None).await;
    assert_eq!(status, 204);
    assert_eq!(audit_count(&st, "status.delete"), 1);
    expect_error(&send(&app, "DELETE", &format!("/api/statuses.json/{spare}"), &admin, None).await, 404, "not_found");
    expect_error(&send(&app, "PATCH", "/api/statuses.json/4", &admin, None).await, 405, "method_not_allowed");
    expect_error(&send(&app, "DELETE", "/api/statuses.json/abc", &admin, None).await, 404, "not_found");
}

#[actix_web::test]
async fn priorities_are_changed_unless_tickets_or_new_tickets_need_them() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let (_, admin) = person(&st, "admin", AccessLevel::Administrator);
    let (_, manager) = person(&st, "manager", AccessLevel::UserManager);
    let staff = Auth::Key(api_key(&st, "read,write,admin"));

    let (status, list) = send(&app, "GET", "/api/priorities.json", &manager, None).await;
    assert_eq!(status, 200);
    assert_eq!(list[3], json!({"id": 4, "name": "Urgent", "sort": 4}));
    let (status, critical) =
        send(&app, "POST", "/api/priorities.json", &admin, Some(json!({"name": "Critical"}))).await;
    assert_eq!((status, critical["sort"].as_i64()), (201, Some(5)), "{critical}");
    let id = critical["id"].as_i64().unwrap();
    expect_error(
        &send(&app, "POST", "/api/priorities.json", &manager, Some(json!({"name": "Mine"}))).await,
        403,
        "forbidden",
    );
    expect_error(
        &send(&app, "POST", "/api/priorities.json", &admin, Some(json!({"name": "HIGH"}))).await,
        409,
        "conflict",
    );
    expect_fields(&send(&app, "POST", "/api/priorities.json", &admin, Some(json!({"name": "  "}))).await, &["name"]);
    expect_fields(
        &send(&app, "PUT", &format!("/api/priorities.json/{id}"), &admin, Some(json!({"sort": 2}))).await,
        &["name"],
    );
    expect_error(
        &send(&app, "PUT", &format!("/api/priorities.json/{id}"), &admin, Some(json!({"name": "low"}))).await,
        409,
        "conflict",
    );
    let (status, renamed) =
        send(&app, "PUT", &format!("/api/priorities.json/{id}"), &admin, Some(json!({"name": "Emergency"}))).await;
    assert_eq!((status, renamed["sort"].as_i64()), (200, Some(5)), "the sort stays when absent: {renamed}");

    // Tickets name priorities by the new name; one in use cannot go, nor can the default.
    let number = ticket(&app, &staff, json!({"priority": "emergency"})).await;
    let (_, t) = send(&app, "GET", &format!("/api/tickets.json/{number}"), &staff, None).await;
    assert_eq!(t["priority_id"], id, "{t}");
    expect_error(&send(&app, "DELETE", &format!("/api/priorities.json/{id}"), &admin, None).await, 409, "conflict");
    expect_error(&send(&app, "DELETE", "/api/priorities.json/2", &admin, None).await, 409, "conflict");
    let (status, _) = send(&app, "DELETE", "/api/priorities.json/1", &admin, None).await;
    assert_eq!(status, 204);
    let (_, list) = send(&app, "GET", "/api/priorities.json", &staff, None).await;
    assert_eq!(list.as_array().unwrap().len(), 4);
    assert_eq!(audit_count(&st, "priority.delete"), 1);
    assert_eq!(audit_count(&st, "priority.update"), 1);
}

#[actix_web::test]
async fn queues_are_created_and_deleted_only_when_unused() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let (_, admin) = person(&st, "admin", AccessLevel::Administrator);
    let (_, agent) = person(&st, "agent", AccessLevel::Agent);
    let staff = Auth::Key(api_key(&st, "read,write,admin"));

    let (status, queue) =
        send(&app, "POST", "/api/queues.json", &admin, Some(json!({"name": "Network", "email": "Net@Example.com"})))
            .await;
    assert_eq!(status, 201, "{queue}");
    assert_eq!(queue["email"], "net@example.com");
    let id = queue["id"].as_i64().unwrap();
    expect_fields(
        &send(&app, "POST", "/api/queues.json", &admin, Some(json!({"name": "Bad", "email": "not an address"}))).await,
        &["email"],
    );
    expect_fields(&send(&app, "POST", "/api/queues.json", &admin, Some(json!({}))).await, &["name"]);
    expect_error(
        &send(&app, "POST", "/api/queues.json", &admin, Some(json!({"name": "sales"}))).await,
        409,
        "conflict",
    );
    expect_error(
        &send(&app, "POST", "/api/queues.json", &agent, Some(json!({"name": "Agents"}))).await,
        403,
        "forbidden",
    );
    let (status, queue) =
        send(&app, "PUT", &format!("/api/queues.json/{id}"), &admin, Some(json!({"name": "Networks", "email": ""})))
            .await;
    assert_eq!((status, &queue["email"]), (200, &Value::Null), "{queue}");
    expect_error(
        &send(&app, "PUT", &format!("/api/queues.json/{id}"), &admin, Some(json!({"name": "Support"}))).await,
        409,
        "conflict",
    );
    expect_error(
        &send(&app, "PUT", "/api/queues.json/99", &admin, Some(json!({"name": "Ghost"}))).await,
        404,
        "not_found",
    );

    // A topic routes to it: 409; routed away, it goes.
    let (_, topic) =
        send(&app, "POST", "/api/topics.json", &admin, Some(json!({"value": "Wifi", "queue_id": id}))).await;
    let topic = topic["id"].as_i64().unwrap();
    expect_error(&send(&app, "DELETE", &format!("/api/queues.json/{id}"), &admin, None).await, 409, "conflict");
    send(&app, "PUT", &format!("/api/topics.json/{topic}"), &admin, Some(json!({"queue_id": 1}))).await;
    let (status, _) = send(&app, "DELETE", &format!("/api/queues.json/{id}"), &admin, None).await;
    assert_eq!(status, 204);
    // Tickets are in Sales: 409. Support is then the last one left after Sales... both stay.
    ticket(&app, &staff, json!({"queue_id": 2})).await;
    expect_error(&send(&app, "DELETE", "/api/queues.json/2", &admin, None).await, 409, "conflict");
    let (_, list) = send(&app, "GET", "/api/queues.json", &staff, None).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(audit_count(&st, "queue.create"), 1);
    assert_eq!(audit_count(&st, "queue.delete"), 1);
}

#[actix_web::test]
async fn the_last_queue_stays() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let (_, admin) = person(&st, "admin", AccessLevel::Administrator);
    let (status, _) = send(&app, "DELETE", "/api/queues.json/2", &admin, None).await;
    assert_eq!(status, 204);
    // Support still has the default topics; route them nowhere else is possible, so move on:
    for topic in 1..=4 {
        let (status, _) = send(&app, "DELETE", &format!("/api/topics.json/{topic}"), &admin, None).await;
        assert_eq!(status, 204);
    }
    let got = send(&app, "DELETE", "/api/queues.json/1", &admin, None).await;
    expect_error(&got, 409, "conflict");
    assert!(got.1["error"]["message"].as_str().unwrap().contains("only queue"), "{}", got.1);
}

#[actix_web::test]
async fn topics_can_be_deactivated_renamed_and_deleted_when_unused() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let (_, admin) = person(&st, "admin", AccessLevel::Administrator);
    let (_, customer) = person(&st, "customer", AccessLevel::AuthorizedUser);
    let staff = Auth::Key(api_key(&st, "read,write,admin"));

    let (status, topic) = send(&app, "PUT", "/api/topics.json/2", &admin, Some(json!({"active": false}))).await;
    assert_eq!(status, 200, "{topic}");
    assert_eq!(topic, json!({"id": 2, "value": "Feedback", "queue_id": 1, "queue": "Support", "active": false}));
    let (_, active) = send(&app, "GET", "/api/topics.json", &customer, None).await;
    assert_eq!(active.as_array().unwrap().len(), 3);
    assert!(active.as_array().unwrap().iter().all(|t| t["active"] == true));
    let (_, all) = send(&app, "GET", "/api/topics.json?all=true", &staff, None).await;
    assert_eq!(all.as_array().unwrap().len(), 4);
    expect_error(&send(&app, "GET", "/api/topics.json?all=true", &customer, None).await, 403, "forbidden");
    expect_error(&send(&app, "GET", "/api/topics.json?all=maybe", &staff, None).await, 400, "bad_request");
    // An inactive topic is not offered for new tickets.
    let got = send(
        &app,
        "POST",
        "/api/tickets.json",
        &staff,
        Some(json!({"email": "c@example.com", "name": "C C", "subject": "S", "message": "M", "topicId": 2})),
    )
    .await;
    expect_fields(&got, &["topicId"]);

    let (status, renamed) =
        send(&app, "PUT", "/api/topics.json/2", &admin, Some(json!({"name": "Ideas", "queue_id": 2, "active": true})))
            .await;
    assert_eq!(
        (status, renamed["value"].as_str(), renamed["queue"].as_str()),
        (200, Some("Ideas"), Some("Sales")),
        "{renamed}"
    );
    expect_error(
        &send(&app, "PUT", "/api/topics.json/2", &admin, Some(json!({"value": "general inquiry"}))).await,
        409,
        "conflict",
    );
    expect_fields(
        &send(&app, "PUT", "/api/topics.json/2", &admin, Some(json!({"value": "", "queue_id": 5}))).await,
        &["value"],
    );
    expect_fields(&send(&app, "PUT", "/api/topics.json/2", &admin, Some(json!({"queue_id": 5}))).await, &["queue_id"]);
    expect_fields(&send(&app, "PUT", "/api/topics.json/2", &admin, Some(json!({"active": "no"}))).await, &["active"]);
    expect_error(
        &send(&app, "PUT", "/api/topics.json/2", &customer, Some(json!({"active": false}))).await,
        403,
        "forbidden",
    );
    expect_error(
        &send(&app, "PUT", "/api/topics.json/77", &admin, Some(json!({"active": false}))).await,
        404,
        "not_found",
    );
    let (_, same) = send(&app, "GET", "/api/topics.json?all=true", &staff, None).await;
    assert!(same.as_array().unwrap().contains(&renamed), "refused updates changed nothing: {same}");

    ticket(&app, &staff, json!({"topicId": 3})).await;
    let got = send(&app, "DELETE", "/api/topics.json/3", &admin, None).await;
    expect_error(&got, 409, "conflict");
    assert!(got.1["error"]["message"].as_str().unwrap().contains("deactivate"), "{}", got.1);
    let (status, _) = send(&app, "DELETE", "/api/topics.json/4", &admin, None).await;
    assert_eq!(status, 204);
    let (_, all) = send(&app, "GET", "/api/topics.json?all=true", &staff, None).await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!(audit_count(&st, "topic.update"), 2);
    assert_eq!(audit_count(&st, "topic.delete"), 1);
}

async fn login(app: &impl TestApp, username: &str, password: &str) -> (u16, Option<String>) {
    let req = test::TestRequest::post()
        .uri("/api/auth/login.json")
        .peer_addr("10.9.9.9:40000".parse().unwrap())
        .set_json(json!({"username": username, "password": password}))
        .to_request();
    let resp = test::call_service(app, req).await;
    let cookie = resp.response().cookies().find(|c| c.name() == "oxidesk_refresh").map(|c| c.value().to_owned());
    (resp.status().as_u16(), cookie)
}

async fn refresh(app: &impl TestApp, cookie: &str) -> u16 {
    let req = test::TestRequest::post()
        .uri("/api/auth/refresh.json")
        .cookie(actix_web::cookie::Cookie::new("oxidesk_refresh", cookie.to_owned()))
        .to_request();
    test::call_service(app, req).await.status().as_u16()
}

#[actix_web::test]
async fn user_managers_change_users_within_their_own_level() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let (admin_id, admin) = person(&st, "admin", AccessLevel::Administrator);
    let (other_admin, _) = person(&st, "admin2", AccessLevel::Administrator);
    let (manager_id, manager) = person(&st, "manager", AccessLevel::UserManager);
    let (agent_id, agent) = person(&st, "agent", AccessLevel::Agent);
    let (customer_id, customer) = person(&st, "customer", AccessLevel::AuthorizedUser);
    let path = |id: i64| format!("/api/users.json/{id}");

    // Reading one user: agents any, others only themselves.
    let (status, me) = send(&app, "GET", &path(customer_id), &customer, None).await;
    assert_eq!((status, me["username"].as_str()), (200, Some("customer")));
    expect_error(&send(&app, "GET", &path(agent_id), &customer, None).await, 403, "forbidden");
    assert_eq!(send(&app, "GET", &path(customer_id), &agent, None).await.0, 200);
    expect_error(&send(&app, "GET", &path(999), &agent, None).await, 404, "not_found");

    // The list of assignable agents.
    let (_, staff) = send(&app, "GET", "/api/users.json?staff=true", &agent, None).await;
    let ids: Vec<i64> = staff.as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [admin_id, other_admin, manager_id, agent_id]);

    // A user manager promotes below their own level, edits fields; validated and unique.
    let (status, promoted) = send(
        &app,
        "PUT",
        &path(customer_id),
        &manager,
        Some(json!({"level": 3, "name": "Cara Agent", "phone": " 555 "})),
    )
    .await;
    assert_eq!(status, 200, "{promoted}");
    assert_eq!(
        (
            promoted["level"].as_i64(),
            promoted["firstname"].as_str(),
            promoted["lastname"].as_str(),
            promoted["phone"].as_str()
        ),
        (Some(3), Some("Cara"), Some("Agent"), Some("555"))
    );
    expect_error(&send(&app, "PUT", &path(agent_id), &manager, Some(json!({"level": 5}))).await, 403, "forbidden");
    assert_eq!(send(&app, "PUT", &path(agent_id), &manager, Some(json!({"level": 4}))).await.0, 200);
    let before = send(&app, "GET", &path(customer_id), &admin, None).await.1;
    expect_error(&send(&app, "PUT", &path(customer_id), &manager, Some(json!({"level": 6}))).await, 403, "forbidden");
    expect_error(
        &send(&app, "PUT", &path(admin_id), &manager, Some(json!({"name": "Demoted"}))).await,
        403,
        "forbidden",
    );
    expect_error(&send(&app, "PUT", &path(manager_id), &manager, Some(json!({"level": 3}))).await, 403, "forbidden");
    expect_error(&send(&app, "PUT", &path(admin_id), &admin, Some(json!({"level": 0}))).await, 403, "forbidden");
    expect_error(
        &send(&app, "PUT", &path(customer_id), &agent_as_agent(&st, "agent3").await, Some(json!({"name": "X"}))).await,
        403,
        "forbidden",
    );
    expect_fields(
        &send(
            &app,
            "PUT",
            &path(customer_id),
            &manager,
            Some(json!({"email": "bad", "username": "a b", "name": "", "phone": "x".repeat(65), "level": 9})),
        )
        .await,
        &["email", "username", "name", "phone", "level"],
    );
    expect_fields(
        &send(&app, "PUT", &path(customer_id), &manager, Some(json!({"email": "ADMIN@example.com"}))).await,
        &["email"],
    );
    expect_fields(
        &send(&app, "PUT", &path(customer_id), &manager, Some(json!({"username": "Manager"}))).await,
        &["username"],
    );
    expect_fields(&send(&app, "PUT", &path(customer_id), &manager, Some(json!({"level": "high"}))).await, &["level"]);
    expect_error(&send(&app, "PUT", &path(999), &manager, Some(json!({"name": "Nobody"}))).await, 404, "not_found");
    assert_eq!(send(&app, "GET", &path(customer_id), &admin, None).await.1, before, "refused updates changed nothing");
    // Keeping one's own level, and an administrator changing another administrator, are fine.
    assert_eq!(send(&app, "PUT", &path(manager_id), &manager, Some(json!({"level": 5, "phone": "1"}))).await.0, 200);
    assert_eq!(send(&app, "PUT", &path(other_admin), &admin, Some(json!({"level": 4}))).await.0, 200);
    // A key manages users below administrator only.
    let key = Auth::Key(api_key(&st, "read,write,admin"));
    assert_eq!(send(&app, "PUT", &path(other_admin), &key, Some(json!({"level": 3}))).await.0, 200);
    expect_error(&send(&app, "PUT", &path(other_admin), &key, Some(json!({"level": 6}))).await, 403, "forbidden");
    expect_error(&send(&app, "PUT", &path(admin_id), &key, Some(json!({"name": "Key Made"}))).await, 403, "forbidden");
    assert!(audit_count(&st, "user.update") >= 5);
}

/// A fresh agent's token (agents cannot manage users).
async fn agent_as_agent(st: &AppState, name: &str) -> Auth {
    person(st, name, AccessLevel::Agent).1
}

#[actix_web::test]
async fn disabled_users_and_reset_passwords_end_sessions() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let (_, admin) = person(&st, "admin", AccessLevel::Administrator);
    let (user_id, _) = person(&st, "dana", AccessLevel::Agent);
    let path = format!("/api/users.json/{user_id}");

    let (status, cookie) = login(&app, "dana", PASSWORD).await;
    assert_eq!(status, 200);
    let cookie = cookie.unwrap();
    // A new password: the old one and the old session stop working, the new one signs in.
    expect_fields(
        &send(&app, "PUT", &format!("{path}/password"), &admin, Some(json!({"password": "short"}))).await,
        &["password"],
    );
    assert_eq!(login(&app, "dana", PASSWORD).await.0, 200, "a refused password changed nothing");
    let (status, _) =
        send(&app, "PUT", &format!("{path}/password"), &admin, Some(json!({"password": "a brand new passphrase"})))
            .await;
    assert_eq!(status, 204);
    assert_eq!(refresh(&app, &cookie).await, 401);
    assert_eq!(login(&app, "dana", PASSWORD).await.0, 401);
    let (status, cookie) = login(&app, "dana", "a brand new passphrase").await;
    assert_eq!(status, 200);
    assert_eq!(audit_count(&st, "user.password"), 1);
    expect_error(
        &send(
            &app,
            "PUT",
            &format!("{path}/password"),
            &Auth::Key(api_key(&st, "read,write")),
            Some(json!({"password": "by a key, no"})),
        )
        .await,
        403,
        "forbidden",
    );
    expect_error(
        &send(&app, "PUT", "/api/users.json/999/password", &admin, Some(json!({"password": "nobody's pass"}))).await,
        404,
        "not_found",
    );

    // Disabled: no sign-in, no refresh, no token.
    let token = Auth::Bearer(bearer(&st, user_id));
    assert_eq!(send(&app, "GET", "/api/users/me.json", &token, None).await.0, 200);
    let (status, user) = send(&app, "PUT", &path, &admin, Some(json!({"level": 0}))).await;
    assert_eq!((status, user["level_name"].as_str()), (200, Some("Disabled")));
    assert_eq!(audit_count(&st, "user.disable"), 1);
    assert_eq!(refresh(&app, &cookie.unwrap()).await, 401);
    assert_eq!(login(&app, "dana", "a brand new passphrase").await.0, 401);
    assert_eq!(send(&app, "GET", "/api/users/me.json", &token, None).await.0, 401);
}

#[actix_web::test]
async fn administrators_create_list_and_revoke_api_keys() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let (_, admin) = person(&st, "admin", AccessLevel::Administrator);
    let (_, manager) = person(&st, "manager", AccessLevel::UserManager);
    let cli_key = Auth::Key(api_key(&st, "read,write,impersonate"));

    let (status, created) = send(
        &app,
        "POST",
        "/api/apikeys.json",
        &admin,
        Some(json!({"name": " website ", "scopes": ["read", "write", "read"], "allow_ip": "127.0.0.0/8"})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let key = &created["key"];
    assert_eq!((key["name"].as_str(), key["allow_ip"].as_str()), (Some("website"), Some("127.0.0.0/8")));
    assert_eq!(key["scopes"], json!(["read", "write"]));
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with(&format!("oxk_{}_", key["prefix"].as_str().unwrap())));
    let id = key["id"].as_i64().unwrap();

    let (status, list) = send(&app, "GET", "/api/apikeys.json", &admin, None).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(!list.to_string().contains(&secret), "the secret is never shown again");

    // Refused: other people, every key, bad fields.
    expect_error(&send(&app, "GET", "/api/apikeys.json", &manager, None).await, 403, "forbidden");
    expect_error(&send(&app, "GET", "/api/apikeys.json", &cli_key, None).await, 403, "forbidden");
    expect_error(
        &send(&app, "POST", "/api/apikeys.json", &cli_key, Some(json!({"name": "x", "scopes": ["read"]}))).await,
        403,
        "forbidden",
    );
    expect_error(&send(&app, "DELETE", &format!("/api/apikeys.json/{id}"), &cli_key, None).await, 403, "forbidden");
    expect_fields(&send(&app, "POST", "/api/apikeys.json", &admin, Some(json!({}))).await, &["name", "scopes"]);
    expect_fields(
        &send(
            &app,
            "POST",
            "/api/apikeys.json",
            &admin,
            Some(json!({"name": "x".repeat(65), "scopes": ["root"], "allow_ip": "10.0.0.0/33"})),
        )
        .await,
        &["name", "scopes", "allow_ip"],
    );
    expect_fields(
        &send(&app, "POST", "/api/apikeys.json", &admin, Some(json!({"name": "x", "scopes": "read"}))).await,
        &["scopes"],
    );
    expect_fields(
        &send(
            &app,
            "POST",
            "/api/apikeys.json",
            &admin,
            Some(json!({"name": "x", "scopes": ["read"], "allow_ip": "somewhere"})),
        )
        .await,
        &["allow_ip"],
    );
    let (_, list) = send(&app, "GET", "/api/apikeys.json", &admin, None).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "no refused key was stored");

    // The new key works from its network, and stops working the moment it is revoked.
    let new_key = Auth::Key(secret);
    let from =
        |ip: &str| test::TestRequest::get().uri("/api/statuses.json").peer_addr(format!("{ip}:5000").parse().unwrap());
    let req = |ip: &str| match &new_key {
        Auth::Key(k) => from(ip).insert_header(("X-API-Key", k.as_str())).to_request(),
        Auth::Bearer(_) => unreachable!(),
    };
    assert_eq!(test::call_service(&app, req("127.0.0.1")).await.status().as_u16(), 200);
    assert_eq!(test::call_service(&app, req("192.0.2.1")).await.status().as_u16(), 403);
    let (status, _) = send(&app, "DELETE", &format!("/api/apikeys.json/{id}"), &admin, None).await;
    assert_eq!(status, 204);
    assert_eq!(test::call_service(&app, req("127.0.0.1")).await.status().as_u16(), 401);
    let (status, _) = send(&app, "DELETE", &format!("/api/apikeys.json/{id}"), &admin, None).await;
    assert_eq!(status, 204, "revoking twice is harmless");
    expect_error(&send(&app, "DELETE", "/api/apikeys.json/999", &admin, None).await, 404, "not_found");
    let (_, list) = send(&app, "GET", "/api/apikeys.json", &admin, None).await;
    assert!(list[1]["revoked"].is_string(), "{list}");
    assert_eq!(audit_count(&st, "apikey.create"), 1);
    assert_eq!(audit_count(&st, "apikey.revoke"), 1);
}

/// A key another product's scripts send (NodePoint's write key here) is kept as it is: they run
/// unchanged. Only a long key of plain characters is kept, and none two could be mistaken for.
#[actix_web::test]
async fn a_key_of_another_products_scripts_is_kept_as_it_is() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let (_, admin) = person(&st, "admin", AccessLevel::Administrator);
    let nodepoint = "c5BT44108cYxBRHOYLnykazACsjkkQP3";
    let body = |secret: &str| json!({"name": "nodepoint", "scopes": ["read", "write"], "secret": secret});
    for bad in [
        "short-key",
        "has a space in it 123456",
        "oxk_abcdefgh_abcdefghijklmnopqrstuvwxyz012345",
        &"x".repeat(257),
        "ünïcödé-ünïcödé-ünïcödé",
    ] {
        expect_fields(&send(&app, "POST", "/api/apikeys.json", &admin, Some(body(bad))).await, &["secret"]);
    }
    let (status, created) = send(&app, "POST", "/api/apikeys.json", &admin, Some(body(nodepoint))).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!((created["secret"].as_str(), created["key"]["prefix"].as_str()), (Some(nodepoint), Some("~c5BT4410")));
    // The same first eight characters could not be told apart: refused.
    let (status, _) =
        send(&app, "POST", "/api/apikeys.json", &admin, Some(body("c5BT4410-another-key-entirely"))).await;
    assert_eq!(status, 409);
    let (_, list) = send(&app, "GET", "/api/apikeys.json", &admin, None).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");

    let kept = Auth::Key(nodepoint.to_owned());
    assert_eq!(send(&app, "GET", "/api/tickets.json", &kept, None).await.0, 200);
    let near = Auth::Key("c5BT44108cYxBRHOYLnykazACsjkkQP4".to_owned());
    expect_error(&send(&app, "GET", "/api/tickets.json", &near, None).await, 401, "unauthorized");
    let id = created["key"]["id"].as_i64().unwrap();
    assert_eq!(send(&app, "DELETE", &format!("/api/apikeys.json/{id}"), &admin, None).await.0, 204);
    expect_error(&send(&app, "GET", "/api/tickets.json", &kept, None).await, 401, "unauthorized");
}

#[actix_web::test]
async fn every_admin_route_is_documented() {
    let doc: Value = serde_json::from_str(&oxidesk::openapi::json()).unwrap();
    for (path, methods) in [
        ("/api/statuses.json", &["get", "post"][..]),
        ("/api/statuses.json/{id}", &["put", "delete"][..]),
        ("/api/priorities.json", &["get", "post"][..]),
        ("/api/priorities.json/{id}", &["put", "delete"][..]),
        ("/api/queues.json", &["get", "post"][..]),
        ("/api/queues.json/{id}", &["put", "delete"][..]),
        ("/api/topics.json/{id}", &["put", "delete"][..]),
        ("/api/users.json/{id}", &["get", "put"][..]),
        ("/api/users.json/{id}/password", &["put"][..]),
        ("/api/apikeys.json", &["get", "post"][..]),
        ("/api/apikeys.json/{id}", &["delete"][..]),
    ] {
        for method in methods {
            assert!(doc["paths"][path][method].is_object(), "{method} {path} is missing from the OpenAPI document");
        }
    }
    let topics = &doc["paths"]["/api/topics.json"]["get"]["parameters"];
    assert!(topics.as_array().unwrap().iter().any(|p| p["name"] == "all"), "{topics}");
    let users = &doc["paths"]["/api/users.json"]["get"]["parameters"];
    assert!(users.as_array().unwrap().iter().any(|p| p["name"] == "staff"), "{users}");
}
