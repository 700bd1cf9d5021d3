//! The admin API against the real binary: statuses, priorities, queues, topics, users and API
//! keys. Each refused request is checked to leave the catalog, the users and the tickets as they were.

use oxidesk_e2e::*;

const ADMIN_PASSWORD: &str = "the admin's long password";
const PASSWORD: &str = "everybody's long password";

/// A server with an administrator signed in and a staff key made with the CLI.
struct Desk {
    server: TestServer,
    admin: Auth,
    /// read, write, impersonate.
    staff: Auth,
}

fn desk() -> Desk {
    let server = TestServer::start();
    server.admin_create("admin", "admin@example.com", ADMIN_PASSWORD);
    let admin = Auth::Bearer(server.login_token("admin", ADMIN_PASSWORD));
    let staff = server.apikey("staff", "read,write,impersonate", None).auth();
    Desk { server, admin, staff }
}

impl Desk {
    /// Everything the admin API manages, as the administrator sees it.
    fn state(&self) -> Value {
        let get = |path: &str| {
            let r = self.server.get(path, &self.admin);
            r.expect(200);
            r.json()
        };
        json!({
            "statuses": get("/api/statuses.json"),
            "priorities": get("/api/priorities.json"),
            "queues": get("/api/queues.json"),
            "topics": get("/api/topics.json?all=true"),
            "users": get("/api/users.json?per_page=100"),
            "keys": without_last_use(get("/api/apikeys.json")),
        })
    }

    #[track_caller]
    fn unchanged(&self, before: &Value, what: &str) {
        assert_eq!(&self.state(), before, "{what}: a refused request changed something");
    }

    /// A user of this level with a password, created by the administrator; returns their id.
    fn user(&self, username: &str, level: i64) -> i64 {
        let body = json!({"username": username, "name": format!("{username} Person"), "email": format!("{username}@example.com"),
                          "password": PASSWORD, "level": level});
        let r = self.server.post_json("/api/users.json", &self.admin, &body);
        r.expect(201);
        r.json()["id"].as_i64().expect("user id")
    }

    fn token(&self, username: &str) -> Auth {
        Auth::Bearer(self.server.login_token(username, PASSWORD))
    }

    fn raw(&self, method: Method, path: &str, auth: &Auth, content_type: &str, body: &str) -> Resp {
        self.server.send(method, path, auth, &[], Some(content_type), Some(body.as_bytes().to_vec()))
    }

    fn id_of(&self, r: &Resp) -> i64 {
        r.expect(201);
        r.json()["id"].as_i64().unwrap_or_else(|| panic!("no id in {}", r.text))
    }
}

/// A key's `last_used` moves whenever it is presented, refused requests included: that is
/// bookkeeping, not a change the request made.
fn without_last_use(mut keys: Value) -> Value {
    for key in keys.as_array_mut().into_iter().flatten() {
        key["last_used"] = Value::Null;
    }
    keys
}

#[test]
fn a_catalog_in_use_cannot_lose_what_tickets_point_to() {
    let d = desk();
    let s = &d.server;
    let status = d.id_of(&s.post_json(
        "/api/statuses.json",
        &d.admin,
        &json!({"name": "Waiting on customer", "state": "pending"}),
    ));
    let priority = d.id_of(&s.post_json("/api/priorities.json", &d.admin, &json!({"name": "Critical"})));
    let queue =
        d.id_of(&s.post_json("/api/queues.json", &d.admin, &json!({"name": "Network", "email": "net@example.com"})));
    let topic = d.id_of(&s.post_json("/api/topics.json", &d.admin, &json!({"value": "VPN", "queue_id": queue})));

    let r = s.send(
        Method::POST,
        "/api/tickets.json",
        &d.staff,
        &[("Accept", "application/json")],
        Some("application/json"),
        Some(
            serde_json::to_vec(&json!({"email": "carl@example.com", "name": "Carl C", "subject": "VPN drops",
            "message": "Every hour", "topicId": topic, "priority": "critical"}))
            .unwrap(),
        ),
    );
    r.expect(201);
    let ticket = r.json();
    assert_eq!(
        (&ticket["queue_id"], &ticket["priority_id"], &ticket["topicId"]),
        (&json!(queue), &json!(priority), &json!(topic)),
        "{ticket}"
    );
    let number = ticket["ticket_number"].as_str().unwrap().to_owned();
    s.put_json(
        &format!("/api/tickets.json/{number}"),
        &d.staff,
        &json!({"status_id": status, "version": ticket["version"]}),
    )
    .expect(200);

    let before = d.state();
    let ticket_before = s.snapshot(&number, &d.staff);
    for path in [
        format!("/api/statuses.json/{status}"),
        format!("/api/priorities.json/{priority}"),
        format!("/api/queues.json/{queue}"),
        format!("/api/topics.json/{topic}"),
        "/api/statuses.json/1".to_owned(),
        "/api/priorities.json/2".to_owned(),
    ] {
        let body = s.send(Method::DELETE, &path, &d.admin, &[], None, None).expect_error(409, "conflict");
        assert!(body["error"]["message"].as_str().unwrap().len() > 20, "{body}");
    }
    let r = s.send(Method::DELETE, &format!("/api/topics.json/{topic}"), &d.admin, &[], None, None);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("deactivate"), "{}", r.text);
    // Closing a status its tickets have would close them without a resolution.
    s.put_json(
        &format!("/api/statuses.json/{status}"),
        &d.admin,
        &json!({"name": "Waiting on customer", "state": "closed"}),
    )
    .expect_error(409, "conflict");
    s.put_json("/api/statuses.json/1", &d.admin, &json!({"name": "Open", "state": "pending"}))
        .expect_invalid_fields(&["state"]);
    d.unchanged(&before, "deleting what tickets use");
    s.assert_unchanged(&number, &d.staff, &ticket_before, "deleting what tickets use");

    // Deactivated, the topic leaves the public list but stays on its ticket and in the full list.
    let r = s.put_json(&format!("/api/topics.json/{topic}"), &d.admin, &json!({"active": false}));
    r.expect(200);
    assert_eq!(r.json()["active"], false);
    let public = s.get("/api/topics.json", &d.staff).json();
    assert!(!public.as_array().unwrap().iter().any(|t| t["id"] == topic), "{public}");
    let all = s.get("/api/topics.json?all=true", &d.staff).json();
    assert!(all.as_array().unwrap().iter().any(|t| t["id"] == topic && t["active"] == false), "{all}");
    assert_eq!(s.ticket(&number, &d.staff)["topicId"], topic);

    // Renames show on the ticket; unused entries go.
    s.put_json(&format!("/api/priorities.json/{priority}"), &d.admin, &json!({"name": "Emergency"})).expect(200);
    assert_eq!(s.ticket(&number, &d.staff)["priority"], "Emergency");
    let spare = d.id_of(&s.post_json("/api/queues.json", &d.admin, &json!({"name": "Spare"})));
    s.send(Method::DELETE, &format!("/api/queues.json/{spare}"), &d.admin, &[], None, None).expect(204);
    s.send(Method::DELETE, "/api/statuses.json/8", &d.admin, &[], None, None).expect(204);
    let statuses = s.get("/api/statuses.json", &d.staff).json();
    assert!(!statuses.as_array().unwrap().iter().any(|st| st["id"] == 8), "{statuses}");
    assert!(
        statuses.as_array().unwrap().windows(2).all(|w| w[0]["sort"].as_i64() <= w[1]["sort"].as_i64()),
        "ordered by sort: {statuses}"
    );
}

#[test]
fn bad_admin_requests_are_refused_and_change_nothing() {
    let d = desk();
    let s = &d.server;
    let agent_id = d.user("agent", 3);
    let agent = d.token("agent");
    let reader = s.apikey("reader", "read", None).auth();
    let before = d.state();
    let user_path = format!("/api/users.json/{agent_id}");
    let writes: Vec<(Method, String, Value)> = vec![
        (Method::POST, "/api/statuses.json".into(), json!({"name": "Fine", "state": "open"})),
        (Method::PUT, "/api/statuses.json/4".into(), json!({"name": "Fine", "state": "open"})),
        (Method::POST, "/api/priorities.json".into(), json!({"name": "Fine"})),
        (Method::PUT, "/api/priorities.json/1".into(), json!({"name": "Fine"})),
        (Method::POST, "/api/queues.json".into(), json!({"name": "Fine"})),
        (Method::PUT, "/api/queues.json/1".into(), json!({"name": "Fine"})),
        (Method::PUT, "/api/topics.json/1".into(), json!({"value": "Fine"})),
        (Method::PUT, user_path.clone(), json!({"name": "Fine Name"})),
        (Method::PUT, format!("{user_path}/password"), json!({"password": "a fine long password"})),
        (Method::POST, "/api/apikeys.json".into(), json!({"name": "fine", "scopes": ["read"]})),
    ];
    for (method, path, good) in &writes {
        let good = serde_json::to_string(good).unwrap();
        for body in [r#"{"name": "#, "[1, 2]", "{} trailing"] {
            d.raw(method.clone(), path, &d.admin, "application/json", body).expect_error(400, "bad_request");
        }
        d.raw(method.clone(), path, &d.admin, "text/plain", &good).expect_error(415, "unsupported_media_type");
        d.raw(method.clone(), path, &d.admin, "application/x-www-form-urlencoded", "name=Fine")
            .expect_error(415, "unsupported_media_type");
        d.raw(method.clone(), path, &agent, "application/json", &good).expect_error(403, "forbidden");
        d.raw(method.clone(), path, &reader, "application/json", &good).expect_error(403, "forbidden");
        d.raw(method.clone(), path, &Auth::None, "application/json", &good).expect_error(401, "unauthorized");
    }
    for (path, bad, fields) in [
        ("/api/statuses.json", json!({"name": "", "state": "asleep", "sort": -3}), &["name", "state", "sort"][..]),
        ("/api/statuses.json", json!({"name": "x".repeat(65), "state": 5}), &["state"][..]),
        ("/api/priorities.json", json!({"name": "Tab\there", "sort": "top"}), &["sort"][..]),
        ("/api/priorities.json", json!({"name": "Line\nbreak"}), &["name"][..]),
        ("/api/queues.json", json!({"name": "Net", "email": "net@@example"}), &["email"][..]),
        (
            "/api/apikeys.json",
            json!({"name": "", "scopes": ["root"], "allow_ip": "10.0.0.0/40"}),
            &["name", "scopes", "allow_ip"][..],
        ),
        ("/api/apikeys.json", json!({"name": "k", "scopes": []}), &["scopes"][..]),
    ] {
        s.post_json(path, &d.admin, &bad).expect_invalid_fields(fields);
    }
    for (path, bad, fields) in [
        ("/api/topics.json/1".to_owned(), json!({"value": " ", "queue_id": 1}), &["value"][..]),
        ("/api/topics.json/1".to_owned(), json!({"queue_id": 99}), &["queue_id"][..]),
        (user_path.clone(), json!({"email": "nope", "level": 7, "username": "x"}), &["email", "level", "username"][..]),
        (user_path.clone(), json!({"email": "ADMIN@example.com"}), &["email"][..]),
        (format!("{user_path}/password"), json!({"password": "short"}), &["password"][..]),
    ] {
        s.put_json(&path, &d.admin, &bad).expect_invalid_fields(fields);
    }
    for (path, body) in [
        ("/api/statuses.json", json!({"name": "open", "state": "open"})),
        ("/api/priorities.json", json!({"name": "URGENT"})),
        ("/api/queues.json", json!({"name": "support"})),
    ] {
        s.post_json(path, &d.admin, &body).expect_error(409, "conflict");
    }
    s.put_json("/api/topics.json/1", &d.admin, &json!({"value": "feedback"})).expect_error(409, "conflict");
    for path in [
        "/api/statuses.json/99",
        "/api/priorities.json/99",
        "/api/queues.json/99",
        "/api/topics.json/99",
        "/api/users.json/999",
    ] {
        s.put_json(path, &d.admin, &json!({"name": "Ghost", "state": "open"})).expect_error(404, "not_found");
    }
    for path in [
        "/api/statuses.json/99",
        "/api/priorities.json/99",
        "/api/queues.json/99",
        "/api/topics.json/99",
        "/api/apikeys.json/99",
        "/api/statuses.json/x",
    ] {
        s.send(Method::DELETE, path, &d.admin, &[], None, None).expect_error(404, "not_found");
    }
    for (method, path) in [
        (Method::PATCH, "/api/statuses.json/4"),
        (Method::GET, "/api/priorities.json/1"),
        (Method::PUT, "/api/statuses.json"),
        (Method::DELETE, "/api/queues.json"),
        (Method::POST, "/api/users.json/1"),
        (Method::GET, "/api/users.json/1/password"),
        (Method::PUT, "/api/apikeys.json/1"),
    ] {
        s.send(method, path, &d.admin, &[], Some("application/json"), Some(b"{}".to_vec()))
            .expect_error(405, "method_not_allowed");
    }
    d.unchanged(&before, "bad admin requests");
    s.login("agent", PASSWORD).expect(200);
}

/// POST /api/auth/refresh.json with the cookie client (the refresh cookie of the last login).
fn refresh(s: &TestServer) -> Resp {
    s.send_with(s.cookie_client(), Method::POST, "/api/auth/refresh.json", &Auth::None, &[], None, None)
}

#[test]
fn user_managers_manage_users_within_their_level_and_disabled_users_are_out() {
    let d = desk();
    let s = &d.server;
    let manager_id = d.user("manager", 5);
    let agent_id = d.user("agent", 3);
    let customer_id = d.user("customer", 1);
    let manager = d.token("manager");
    let admin_id = s.get("/api/users/me.json", &d.admin).json()["id"].as_i64().unwrap();

    // The desk's list of assignable agents.
    let staff = s.get("/api/users.json?staff=true", &d.token("agent"));
    staff.expect(200);
    let ids: Vec<i64> = staff.json().as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [admin_id, manager_id, agent_id]);
    assert_eq!(staff.total_count(), 3);

    let r = s.put_json(&format!("/api/users.json/{customer_id}"), &manager, &json!({"level": 3, "name": "Cora Agent"}));
    r.expect(200);
    assert_eq!((r.json()["level"].as_i64(), r.json()["lastname"].as_str()), (Some(3), Some("Agent")));
    let before = d.state();
    for (id, body) in [
        (customer_id, json!({"level": 6})),
        (admin_id, json!({"name": "Not Yours"})),
        (manager_id, json!({"level": 1})),
        (manager_id, json!({"level": 0})),
    ] {
        s.put_json(&format!("/api/users.json/{id}"), &manager, &body).expect_error(403, "forbidden");
    }
    s.put_json(&format!("/api/users.json/{admin_id}"), &d.admin, &json!({"level": 5})).expect_error(403, "forbidden");
    s.put_json(
        &format!("/api/users.json/{admin_id}/password"),
        &manager,
        &json!({"password": "taking over the admin"}),
    )
    .expect_error(403, "forbidden");
    s.put_json(
        &format!("/api/users.json/{agent_id}/password"),
        &d.staff,
        &json!({"password": "a key sets no passwords"}),
    )
    .expect_error(403, "forbidden");
    d.unchanged(&before, "users changed beyond one's rights");

    // A new password ends the user's sessions: the refresh cookie no longer works.
    s.login("agent", PASSWORD).expect(200);
    refresh(s).expect(200);
    s.put_json(
        &format!("/api/users.json/{agent_id}/password"),
        &manager,
        &json!({"password": "the agent's new password"}),
    )
    .expect(204);
    refresh(s).expect_error(401, "unauthorized");
    s.login("agent", PASSWORD).expect_error(401, "unauthorized");
    let token = Auth::Bearer(s.login_token("agent", "the agent's new password"));

    // Disabled: the session, the token and the password all stop working.
    let r = s.put_json(&format!("/api/users.json/{agent_id}"), &manager, &json!({"level": 0}));
    r.expect(200);
    assert_eq!(r.json()["level_name"], "Disabled");
    refresh(s).expect_error(401, "unauthorized");
    s.get("/api/users/me.json", &token).expect_error(401, "unauthorized");
    s.login("agent", "the agent's new password").expect_error(401, "unauthorized");
    let r = s.get(&format!("/api/users.json/{agent_id}"), &d.admin);
    assert_eq!(r.json()["level"], 0);
}

#[test]
fn administrators_manage_api_keys_and_keys_do_not() {
    let d = desk();
    let s = &d.server;
    let r = s.post_json(
        "/api/apikeys.json",
        &d.admin,
        &json!({"name": "website", "scopes": ["read", "write"], "allow_ip": "127.0.0.1"}),
    );
    r.expect(201);
    let created = r.json();
    let secret = created["secret"].as_str().unwrap().to_owned();
    let id = created["key"]["id"].as_i64().unwrap();
    assert_eq!(created["key"]["allow_ip"], "127.0.0.1/32", "{created}");
    assert_eq!(created["key"]["revoked"], Value::Null);

    // The key works, and the CLI sees it.
    let website = Auth::key(&secret);
    s.get("/api/statuses.json", &website).expect(200);
    let listed = String::from_utf8_lossy(&s.cli(&["apikey", "list"], &[]).stdout).to_string();
    assert!(
        listed.lines().any(|l| l.starts_with(&id.to_string()) && l.contains("website") && l.contains("active")),
        "{listed}"
    );
    let keys = s.get("/api/apikeys.json", &d.admin);
    keys.expect(200);
    assert!(!keys.text.contains(&secret), "the secret is shown once only");
    assert_eq!(keys.json().as_array().unwrap().len(), 2);

    // Keys never manage keys, whatever their scopes; nor do people below administrator.
    let before = d.state();
    for auth in [&d.staff, &website] {
        s.get("/api/apikeys.json", auth).expect_error(403, "forbidden");
        s.post_json(
            "/api/apikeys.json",
            auth,
            &json!({"name": "escalate", "scopes": ["read", "write", "impersonate"]}),
        )
        .expect_error(403, "forbidden");
        s.send(Method::DELETE, "/api/apikeys.json/1", auth, &[], None, None).expect_error(403, "forbidden");
    }
    d.user("manager", 5);
    let manager = d.token("manager");
    s.get("/api/apikeys.json", &manager).expect_error(403, "forbidden");
    let before_with_manager = d.state();
    s.post_json("/api/apikeys.json", &manager, &json!({"name": "mine", "scopes": ["read"]}))
        .expect_error(403, "forbidden");
    d.unchanged(&before_with_manager, "key requests by a user manager");
    assert_eq!(before["keys"], before_with_manager["keys"]);

    // Revoked: refused at once, listed as revoked by the API and the CLI.
    s.send(Method::DELETE, &format!("/api/apikeys.json/{id}"), &d.admin, &[], None, None).expect(204);
    s.get("/api/statuses.json", &website).expect_error(401, "unauthorized");
    let keys = s.get("/api/apikeys.json", &d.admin).json();
    let key = keys.as_array().unwrap().iter().find(|k| k["id"] == id).unwrap().clone();
    assert!(key["revoked"].is_string(), "{key}");
    let listed = String::from_utf8_lossy(&s.cli(&["apikey", "list"], &[]).stdout).to_string();
    assert!(listed.lines().any(|l| l.starts_with(&id.to_string()) && l.contains("revoked")), "{listed}");
    s.send(Method::DELETE, &format!("/api/apikeys.json/{id}"), &d.admin, &[], None, None).expect(204);
}
