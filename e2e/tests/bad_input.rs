//! Every way a client can get a request wrong, against the real binary: each is refused with the
//! right status and error body, and — for writes — leaves every ticket, thread and user as it was.

use oxidesk_e2e::*;

const ALICE_PASSWORD: &str = "alice's long password";
const BOB_PASSWORD: &str = "bob's very long password";

/// A server with a staff key, two customers who can sign in, and one ticket each.
struct World {
    server: TestServer,
    /// read, write, impersonate.
    staff: Auth,
    alice_id: i64,
    alice: Auth,
    bob_id: i64,
    alice_ticket: String,
    bob_ticket: String,
}

/// A customer with a password, made by an administrator (no key chooses a password).
fn create_customer(server: &TestServer, name: &str, email: &str, password: &str) -> i64 {
    let r = server.post_json(
        "/api/users.json",
        &server.admin_auth(),
        &json!({"name": name, "email": email, "password": password}),
    );
    r.expect(201);
    let user = r.json();
    assert_eq!(user["level"], 1, "{user}");
    user["id"].as_i64().expect("user id")
}

fn open_ticket(server: &TestServer, auth: &Auth, body: Value) -> String {
    let r = server.post_json("/api/tickets.json", auth, &body);
    r.expect(201);
    r.text.trim().to_owned()
}

fn world() -> World {
    let server = TestServer::start();
    let staff = server.apikey("staff", "read,write,impersonate,admin", None).auth();
    let alice_id = create_customer(&server, "Alice Able", "alice@example.com", ALICE_PASSWORD);
    let bob_id = create_customer(&server, "Bob Baker", "bob@example.com", BOB_PASSWORD);
    let alice_ticket = open_ticket(
        &server,
        &staff,
        json!({"email": "alice@example.com", "subject": "Alice's laptop", "message": "It will not boot"}),
    );
    let bob_ticket = open_ticket(
        &server,
        &staff,
        json!({"email": "bob@example.com", "subject": "Bob's payslip", "message": "Private salary details"}),
    );
    let alice = Auth::Bearer(server.login_token("alice@example.com", ALICE_PASSWORD));
    World { server, staff, alice_id, alice, bob_id, alice_ticket, bob_ticket }
}

impl World {
    fn path(&self, number: &str) -> String {
        format!("/api/tickets.json/{number}")
    }

    /// How many tickets and users exist, as the staff key sees them.
    fn counts(&self) -> (i64, i64) {
        let users = self.server.get("/api/users.json?per_page=1", &self.staff);
        users.expect(200);
        (self.server.ticket_total(&self.staff), users.total_count())
    }

    fn snapshot(&self, number: &str) -> Snapshot {
        self.server.snapshot(number, &self.staff)
    }

    #[track_caller]
    fn unchanged(&self, number: &str, before: &Snapshot, what: &str) {
        self.server.assert_unchanged(number, &self.staff, before, what);
    }

    /// Snapshots of both tickets.
    fn both(&self) -> (Snapshot, Snapshot) {
        (self.snapshot(&self.alice_ticket), self.snapshot(&self.bob_ticket))
    }

    #[track_caller]
    fn both_unchanged(&self, before: &(Snapshot, Snapshot), what: &str) {
        self.unchanged(&self.alice_ticket, &before.0, what);
        self.unchanged(&self.bob_ticket, &before.1, what);
    }

    fn raw(&self, method: Method, path: &str, auth: &Auth, content_type: Option<&str>, body: &str) -> Resp {
        self.server.send(method, path, auth, &[], content_type, Some(body.as_bytes().to_vec()))
    }
}

fn valid_create() -> Value {
    json!({"name": "New Person", "email": "new.person@example.com", "subject": "Help", "message": "Please"})
}

fn with(mut base: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().expect("an object") {
        base[k] = v.clone();
    }
    base
}

#[test]
fn malformed_json_is_400_and_writes_nothing() {
    let w = world();
    let counts = w.counts();
    let before = w.both();
    let alice = w.path(&w.alice_ticket);
    for body in [
        r#"{"subject": "#,
        r#"{"subject": "a", "message": "b",}"#,
        "{} trailing",
        "[1, 2]",
        "\"just a string\"",
        "nul\u{0}l",
    ] {
        for (method, path) in [(Method::POST, "/api/tickets.json"), (Method::PUT, alice.as_str())] {
            let r = w.raw(method.clone(), path, &w.staff, Some("application/json"), body);
            r.expect_error(400, "bad_request");
        }
        let r = w.raw(Method::POST, "/api/scp/tickets/reply.json", &w.staff, Some("application/json"), body);
        r.expect_error(400, "bad_request");
        let r = w.raw(Method::POST, "/api/users.json", &w.staff, Some("application/json"), body);
        r.expect_error(400, "bad_request");
    }
    // Valid JSON, but a field of the wrong type: a 422 naming it.
    let r = w.server.post_json("/api/tickets.json", &w.staff, &with(valid_create(), json!({"subject": 5})));
    r.expect_invalid_fields(&["subject"]);
    let r = w.server.post_json("/api/tickets.json", &w.staff, &with(valid_create(), json!({"topicId": "two"})));
    r.expect_invalid_fields(&["topicId"]);
    let r = w.server.put_json(&alice, &w.staff, &json!({"message": "hi", "version": "latest"}));
    r.expect_invalid_fields(&["version"]);
    assert_eq!(w.counts(), counts, "no ticket and no user may be created");
    w.both_unchanged(&before, "malformed JSON");
}

#[test]
fn a_body_that_is_not_json_is_415_and_writes_nothing() {
    let w = world();
    let counts = w.counts();
    let before = w.both();
    let json_text = serde_json::to_string(&valid_create()).unwrap();
    let alice = w.path(&w.alice_ticket);
    for content_type in
        ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"]
    {
        let r = w.raw(Method::POST, "/api/tickets.json", &w.staff, Some(content_type), &json_text);
        r.expect_error(415, "unsupported_media_type");
        let r = w.raw(Method::PUT, &alice, &w.staff, Some(content_type), r#"{"message": "sneaky"}"#);
        r.expect_error(415, "unsupported_media_type");
        let r = w.raw(Method::DELETE, &alice, &w.staff, Some(content_type), r#"{"resolution": "sneaky"}"#);
        r.expect_error(415, "unsupported_media_type");
    }
    let r = w.raw(Method::POST, "/api/tickets.json", &w.staff, Some("text/plain"), "subject=Help&message=Please");
    r.expect_error(415, "unsupported_media_type");
    // No content type at all on a JSON body is not JSON either.
    let r = w.raw(Method::POST, "/api/tickets.json", &w.staff, None, &json_text);
    assert!(
        r.status == 415 || r.status == 201,
        "a JSON body without Content-Type is either refused with 415 or read as JSON, got {} {}",
        r.status,
        r.text
    );
    let counts_after = w.counts();
    let created = if r.status == 201 { 1 } else { 0 };
    assert_eq!(counts_after.0, counts.0 + created, "only the request that was accepted created a ticket");
    w.both_unchanged(&before, "non-JSON bodies");
}

#[test]
fn missing_or_empty_required_fields_are_422_naming_them() {
    let w = world();
    let counts = w.counts();

    let r = w.server.post_json("/api/tickets.json", &w.staff, &json!({}));
    let fields = r.expect_invalid_fields(&["subject", "message", "email"]);
    assert!(fields.as_object().unwrap().len() >= 3, "{fields}");
    // An empty body counts as {}.
    let r = w.raw(Method::POST, "/api/tickets.json", &w.staff, Some("application/json"), "");
    r.expect_invalid_fields(&["subject", "message", "email"]);
    let r = w.server.post_json(
        "/api/tickets.json",
        &w.staff,
        &json!({"name": "New Person", "email": "", "subject": "   ", "message": " \n\t "}),
    );
    r.expect_invalid_fields(&["subject", "message", "email"]);
    for (field, value) in
        [("subject", json!("")), ("message", json!("")), ("subject", Value::Null), ("message", Value::Null)]
    {
        let r = w.server.post_json("/api/tickets.json", &w.staff, &with(valid_create(), json!({ field: value })));
        let named = r.expect_invalid_fields(&[field]);
        assert_eq!(named.as_object().unwrap().len(), 1, "only {field} is wrong: {named}");
    }
    let r = w.server.post_json("/api/tickets.json", &w.staff, &with(valid_create(), json!({"email": "not-an-email"})));
    r.expect_invalid_fields(&["email"]);
    let r = w.server.post_json(
        "/api/tickets.json",
        &w.staff,
        &with(valid_create(), json!({"subject": "Line\r\nBcc: x@example.com"})),
    );
    r.expect_invalid_fields(&["subject"]);
    let r = w.server.post_json("/api/tickets.json", &w.staff, &with(valid_create(), json!({"ip": "not an ip"})));
    r.expect_invalid_fields(&["ip"]);
    // A signed-in customer writes for themselves: no email needed, but subject and message are.
    let r = w.server.post_json("/api/tickets.json", &w.alice, &json!({"subject": ""}));
    let named = r.expect_invalid_fields(&["subject", "message"]);
    assert!(named.get("email").is_none(), "a customer needs no email: {named}");
    assert_eq!(w.counts(), counts, "no ticket and no customer may be created");

    // PUT with nothing to do; users and topics and staff replies with missing fields.
    let before = w.snapshot(&w.alice_ticket);
    let r = w.server.put_json(&w.path(&w.alice_ticket), &w.staff, &json!({}));
    r.expect_invalid_fields(&["message"]);
    let r = w.server.put_json(&w.path(&w.alice_ticket), &w.staff, &json!({"message": "   "}));
    r.expect_invalid_fields(&["message"]);
    w.unchanged(&w.alice_ticket, &before, "PUT without a message");
    let r = w.server.post_json("/api/scp/tickets/reply.json", &w.staff, &json!({"ticketNumber": w.alice_ticket}));
    r.expect_invalid_fields(&["response"]);
    let r = w.server.post_json("/api/scp/tickets/reply.json", &w.staff, &json!({"response": "hello"}));
    r.expect_invalid_fields(&["ticketNumber"]);
    w.unchanged(&w.alice_ticket, &before, "staff replies without fields");
    let r = w.server.post_json("/api/users.json", &w.staff, &json!({}));
    r.expect_invalid_fields(&["name", "email"]);
    let r = w.server.post_json(
        "/api/users.json",
        &w.server.admin_auth(),
        &json!({"name": "Short Pass", "email": "short@example.com", "password": "x"}),
    );
    r.expect_invalid_fields(&["password"]);
    let r = w.server.post_json("/api/topics.json", &w.staff, &json!({"value": "  "}));
    r.expect_invalid_fields(&["value"]);
    let r = w.server.get("/api/topics.json", &w.staff);
    assert_eq!(r.json().as_array().map(Vec::len), Some(4), "no topic was added: {}", r.text);
    assert_eq!(w.counts(), counts);
    let r = w.server.get("/api/scp/tickets/staffTickets.json", &w.staff);
    r.expect_invalid_fields(&["staffUserName"]);
    let r = w.server.get("/api/scp/tickets/clientTickets.json", &w.staff);
    r.expect_invalid_fields(&["clientUserMail"]);
    let r = w.server.get("/api/scp/tickets/ticketInfo.json", &w.staff);
    r.expect_invalid_fields(&["ticketNumber"]);
}

#[test]
fn subjects_over_255_characters_and_messages_over_1_mib_are_422() {
    let w = world();
    let counts = w.counts();
    // 255 characters (not bytes) fit.
    let r =
        w.server.post_json("/api/tickets.json", &w.staff, &with(valid_create(), json!({"subject": "é".repeat(255)})));
    r.expect(201);
    let fits = r.text.trim().to_owned();
    assert_eq!(w.server.ticket(&fits, &w.staff)["subject"], "é".repeat(255));
    let counts = (counts.0 + 1, counts.1 + 1);

    let r = w.server.post_json(
        "/api/tickets.json",
        &w.staff,
        &with(valid_create(), json!({"subject": "x".repeat(256), "email": "other@example.com"})),
    );
    let named = r.expect_invalid_fields(&["subject"]);
    assert_eq!(named.as_object().unwrap().len(), 1, "{named}");
    let too_long = "m".repeat(1024 * 1024 + 1);
    let r = w.server.post_json(
        "/api/tickets.json",
        &w.staff,
        &with(valid_create(), json!({"message": too_long, "email": "other@example.com"})),
    );
    r.expect_invalid_fields(&["message"]);
    assert_eq!(w.counts(), counts, "no ticket and no customer may be created");

    let before = w.snapshot(&w.alice_ticket);
    let path = w.path(&w.alice_ticket);
    let r = w.server.put_json(&path, &w.staff, &json!({"subject": "y".repeat(256)}));
    r.expect_invalid_fields(&["subject"]);
    let r = w.server.put_json(&path, &w.staff, &json!({"subject": "Fine subject", "message": too_long}));
    r.expect_invalid_fields(&["message"]);
    let r = w.server.put_json(&path, &w.alice, &json!({"message": too_long}));
    r.expect_invalid_fields(&["message"]);
    let r = w.server.post_json(
        "/api/scp/tickets/reply.json",
        &w.staff,
        &json!({"ticketNumber": w.alice_ticket, "response": too_long}),
    );
    r.expect_error(422, "invalid_fields");
    w.unchanged(&w.alice_ticket, &before, "oversized subject or message");

    // Exactly 1 MiB is still a message.
    let r = w.server.put_json(&path, &w.alice, &json!({"message": "z".repeat(1024 * 1024)}));
    r.expect(200);
    let t = r.json();
    assert_eq!(threads(&t).last().unwrap()["body"].as_str().map(str::len), Some(1024 * 1024));
}

fn blobs(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries.flatten().map(|e| if e.path().is_dir() { blobs(&e.path()) } else { 1 }).sum()
}

#[test]
fn attachments_over_the_limit_are_413_and_bad_data_urls_422() {
    let w = world();
    let counts = w.counts();
    let attachments_dir = w.server.data_dir().join("attachments");
    let stored = blobs(&attachments_dir);
    let over = vec![b'a'; 10 * 1024 * 1024 + 1];
    let over_url = data_url("application/octet-stream", &over);

    let r = w.server.post_json(
        "/api/tickets.json",
        &w.staff,
        &with(valid_create(), json!({"attachments": [{"big.bin": over_url}]})),
    );
    r.expect_error(413, "payload_too_large");
    assert_eq!(w.counts(), counts, "no ticket and no customer may be created");
    assert_eq!(blobs(&attachments_dir), stored, "no file may be stored");

    for (url, what) in [
        ("not a data url", "no data: prefix"),
        ("data:text/plain;base64,***not base64***", "bad base64"),
        ("data:text/plain;base64", "no comma"),
        ("data:not a type;base64,SGVsbG8=", "bad media type"),
    ] {
        let r = w.server.post_json(
            "/api/tickets.json",
            &w.staff,
            &with(valid_create(), json!({"attachments": [{"a.txt": url}]})),
        );
        let named = r.expect_invalid_fields(&["attachments[0]"]);
        assert_eq!(named.as_object().unwrap().len(), 1, "{what}: {named}");
    }
    let r = w.server.post_json("/api/tickets.json", &w.staff, &with(valid_create(), json!({"attachments": [{}]})));
    r.expect_invalid_fields(&["attachments[0]"]);
    let r = w.server.post_json(
        "/api/tickets.json",
        &w.staff,
        &with(valid_create(), json!({"attachments": [{"ok.txt": data_url("text/plain", b"ok")}, {"bad.txt": "data:,%"}, {"worse.txt": "nope"}]})),
    );
    r.expect_invalid_fields(&["attachments[2]"]);
    let r =
        w.server.post_json("/api/tickets.json", &w.staff, &with(valid_create(), json!({"attachments": "file.txt"})));
    r.expect_invalid_fields(&["attachments"]);
    // The message may be an osTicket data URL too; a broken one is the message's fault.
    let r = w.server.post_json(
        "/api/tickets.json",
        &w.staff,
        &with(valid_create(), json!({"message": "data:text/plain;base64,@@@"})),
    );
    r.expect_invalid_fields(&["message"]);
    assert_eq!(w.counts(), counts, "no ticket and no customer may be created");
    assert_eq!(blobs(&attachments_dir), stored, "no file may be stored");

    let before = w.snapshot(&w.alice_ticket);
    let path = w.path(&w.alice_ticket);
    let r = w.server.put_json(
        &path,
        &w.staff,
        &json!({"message": "Here is the log", "attachments": [{"big.bin": over_url}]}),
    );
    r.expect_error(413, "payload_too_large");
    let r = w.server.put_json(
        &path,
        &w.alice,
        &json!({"message": "Here is the log", "attachments": [{"log.txt": "data:text/plain;base64,%%%"}]}),
    );
    r.expect_invalid_fields(&["attachments[0]"]);
    w.unchanged(&w.alice_ticket, &before, "rejected attachments");
    assert_eq!(blobs(&attachments_dir), stored, "no file may be stored");
}

#[test]
fn unknown_topics_priorities_statuses_and_assignees_are_422() {
    let w = world();
    let counts = w.counts();
    for (changes, field) in [
        (json!({"topicId": 999}), "topicId"),
        (json!({"topicId": "999"}), "topicId"),
        (json!({"priority": "Extreme"}), "priority"),
        (json!({"priority": 9}), "priority"),
        (json!({"queue_id": 77}), "queue_id"),
        (json!({"source": "Carrier pigeon"}), "source"),
    ] {
        let r = w.server.post_json("/api/tickets.json", &w.staff, &with(valid_create(), changes.clone()));
        let named = r.expect_invalid_fields(&[field]);
        assert_eq!(named.as_object().unwrap().len(), 1, "{changes}: {named}");
    }
    // Several problems at once are all named.
    let r = w.server.post_json(
        "/api/tickets.json",
        &w.staff,
        &json!({"email": "x@example.com", "subject": "", "message": "m", "topicId": 999, "priority": "Extreme"}),
    );
    r.expect_invalid_fields(&["subject", "topicId", "priority"]);
    assert_eq!(w.counts(), counts, "no ticket and no customer may be created");

    let before = w.snapshot(&w.alice_ticket);
    let path = w.path(&w.alice_ticket);
    for (body, field) in [
        (json!({"status_id": 99, "resolution": "done"}), "status_id"),
        (json!({"topicId": 999}), "topicId"),
        (json!({"priority": "Extreme"}), "priority"),
        (json!({"queue_id": 77}), "queue_id"),
        (json!({"assignee_ids": [w.bob_id]}), "assignee_ids"),
        (json!({"assignee_ids": [424242]}), "assignee_ids"),
        (json!({"message": "hello", "type": "gossip"}), "type"),
        (json!({"message": "and a bad one", "priority": "Extreme", "subject": ""}), "priority"),
    ] {
        let r = w.server.put_json(&path, &w.staff, &body);
        r.expect_invalid_fields(&[field]);
        w.unchanged(&w.alice_ticket, &before, &format!("PUT {body}"));
    }
    let r = w.server.post_json(
        "/api/scp/tickets/reply.json",
        &w.staff,
        &json!({"ticketNumber": w.alice_ticket, "response": "r", "reply_status_id": 99}),
    );
    r.expect_error(422, "invalid_fields");
    let r = w.server.post_json(
        "/api/scp/tickets/reply.json",
        &w.staff,
        &json!({"ticketNumber": w.alice_ticket, "response": "r", "staffUserName": "alice@example.com"}),
    );
    r.expect_invalid_fields(&["staffUserName"]);
    w.unchanged(&w.alice_ticket, &before, "staff replies with bad fields");
    let r = w.server.post_json("/api/topics.json", &w.staff, &json!({"value": "Orphan", "queue_id": 77}));
    r.expect_invalid_fields(&["queue_id"]);
}

#[test]
fn missing_wrong_and_revoked_credentials_are_401_and_missing_scopes_403() {
    let w = world();
    let counts = w.counts();
    let before = w.both();
    let path = w.path(&w.alice_ticket);

    let no_auth_requests: Vec<(Method, String)> = vec![
        (Method::GET, "/api/tickets.json".into()),
        (Method::POST, "/api/tickets.json".into()),
        (Method::GET, path.clone()),
        (Method::PUT, path.clone()),
        (Method::DELETE, path.clone()),
        (Method::POST, path.clone()),
        (Method::GET, "/api/topics.json".into()),
        (Method::GET, "/api/users.json".into()),
        (Method::POST, "/api/scp/tickets/reply.json".into()),
    ];
    let body = serde_json::to_string(
        &json!({"message": "hi", "subject": "s", "email": "e@example.com", "user_id": w.alice_id}),
    )
    .unwrap();
    for auth in [
        Auth::None,
        Auth::key("oxk_nope1234_abcdefghijklmnopqrstuvwxyz012345"),
        Auth::key("not-even-a-key"),
        Auth::key(""),
        Auth::bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"),
    ] {
        for (method, p) in &no_auth_requests {
            // The active help topics are public (the guest form offers them); wrong credentials
            // on them are still a 401.
            if matches!(auth, Auth::None) && p == "/api/topics.json" {
                w.raw(method.clone(), p, &auth, None, "").expect(200);
                continue;
            }
            let r = w.raw(method.clone(), p, &auth, Some("application/json"), &body);
            r.expect_error(401, "unauthorized");
            assert!(r.header("www-authenticate").is_some(), "{} {p}: a 401 says how to authenticate", method);
        }
    }

    // A real key with a wrong secret is as unknown as any.
    let real = w.server.apikey("real", "read,write", None);
    let (prefix, _) = real.key.rsplit_once('_').unwrap();
    let wrong_secret = format!("{prefix}_{}", "x".repeat(32));
    w.server.get("/api/tickets.json", &Auth::key(&wrong_secret)).expect_error(401, "unauthorized");

    // A revoked key stops working within the server's key cache lifetime (2 s).
    w.server.get("/api/tickets.json", &real.auth()).expect(200);
    w.server.apikey_revoke(real.id);
    let r = w.server.get_until_revoked("/api/tickets.json", &real.auth());
    r.expect_error(401, "unauthorized");
    let r = w.server.post_json("/api/tickets.json", &real.auth(), &valid_create());
    r.expect_error(401, "unauthorized");
    let r = w.server.put_json(&path, &real.auth(), &json!({"message": "from a revoked key"}));
    r.expect_error(401, "unauthorized");

    // A read key reads, and writes nothing.
    let reader = w.server.apikey("reader", "read", None).auth();
    w.server.get("/api/tickets.json", &reader).expect(200);
    w.server.get(&path, &reader).expect(200);
    w.server.post_json("/api/tickets.json", &reader, &valid_create()).expect_error(403, "forbidden");
    w.server.put_json(&path, &reader, &json!({"message": "reader writes"})).expect_error(403, "forbidden");
    w.server.delete_json(&path, &reader, &json!({})).expect_error(403, "forbidden");
    w.server.post_json(&path, &reader, &json!({})).expect_error(403, "forbidden");
    w.server
        .post_json("/api/users.json", &reader, &json!({"name": "Eve", "email": "eve@example.com"}))
        .expect_error(403, "forbidden");
    w.server.post_json("/api/topics.json", &reader, &json!({"value": "Reader topic"})).expect_error(403, "forbidden");
    w.server
        .post_json("/api/scp/tickets/reply.json", &reader, &json!({"ticketNumber": w.alice_ticket, "response": "r"}))
        .expect_error(403, "forbidden");
    // A write-only key cannot read.
    let writer = w.server.apikey("writer", "write", None).auth();
    w.server.get("/api/tickets.json", &writer).expect_error(403, "forbidden");
    w.server.get(&path, &writer).expect_error(403, "forbidden");

    assert_eq!(w.counts(), counts, "no ticket and no user may be created");
    w.both_unchanged(&before, "requests without the right credentials");
    let r = w.server.get("/api/topics.json", &w.staff);
    assert_eq!(r.json().as_array().map(Vec::len), Some(4));
}

#[test]
fn impersonation_needs_the_scope_and_an_existing_user() {
    let w = world();
    let counts = w.counts();
    let before = w.both();
    let path = w.path(&w.alice_ticket);
    let write_only = w.server.apikey("no-impersonation", "read,write", None).auth();

    // The key may open tickets for an email, but not act as a user.
    let r = w.server.post_json("/api/tickets.json", &write_only, &with(valid_create(), json!({"user_id": w.alice_id})));
    r.expect_error(403, "forbidden");
    for acting in [
        json!({"user_id": w.alice_id}),
        json!({"email": "alice@example.com"}),
        json!({"from_user": "alice@example.com"}),
    ] {
        let r = w.server.put_json(&path, &write_only, &with(acting.clone(), json!({"message": "pretending"})));
        r.expect_error(403, "forbidden");
        let r = w.server.delete_json(&path, &write_only, &acting);
        r.expect_error(403, "forbidden");
        let r = w.server.post_json(&path, &write_only, &acting);
        r.expect_error(403, "forbidden");
    }
    w.both_unchanged(&before, "impersonation without the scope");

    // With the scope, the user must exist.
    let r = w.server.post_json("/api/tickets.json", &w.staff, &with(valid_create(), json!({"user_id": 999_999})));
    r.expect_invalid_fields(&["user_id"]);
    for (acting, field) in [
        (json!({"user_id": 999_999}), "user_id"),
        (json!({"email": "ghost@example.com"}), "email"),
        (json!({"from_user": "ghost"}), "from_user"),
    ] {
        let r = w.server.put_json(&path, &w.staff, &with(acting.clone(), json!({"message": "boo"})));
        r.expect_invalid_fields(&[field]);
        let r = w.server.delete_json(&path, &w.staff, &acting);
        r.expect_invalid_fields(&[field]);
        let r = w.server.post_json(&path, &w.staff, &acting);
        r.expect_invalid_fields(&[field]);
    }
    let r = w.server.post_json(
        "/api/scp/tickets/reply.json",
        &w.staff,
        &json!({"ticketNumber": w.alice_ticket, "response": "r", "staffUserName": "ghost"}),
    );
    r.expect_error(422, "invalid_fields");

    // A signed-in customer cannot name someone else either.
    let r = w.server.put_json(&path, &w.alice, &json!({"user_id": w.bob_id, "message": "I am Bob"}));
    r.expect_error(403, "forbidden");
    let r = w.server.post_json(
        "/api/tickets.json",
        &w.alice,
        &json!({"user_id": w.bob_id, "subject": "s", "message": "m"}),
    );
    r.expect_error(403, "forbidden");
    // Nor create users.
    let r = w.server.post_json(
        "/api/users.json",
        &w.alice,
        &json!({"name": "Mallory", "email": "mallory@example.com", "level": 3}),
    );
    r.expect_error(403, "forbidden");

    assert_eq!(w.counts(), counts, "no ticket and no user may be created");
    w.both_unchanged(&before, "impersonating nobody");
}

#[test]
fn a_customer_gets_404_for_another_customers_ticket_exactly_as_for_no_ticket() {
    let w = world();
    let before = w.both();
    let bob = w.path(&w.bob_ticket);
    let unknown = "/api/tickets.json/TCK-99999";

    let foreign = w.server.get(&bob, &w.alice);
    let missing = w.server.get(unknown, &w.alice);
    foreign.expect_error(404, "not_found");
    missing.expect_error(404, "not_found");
    assert_eq!(foreign.json(), missing.json(), "someone else's ticket must look like no ticket");
    assert!(!foreign.text.contains("payslip") && !foreign.text.contains("Bob"), "{}", foreign.text);
    let digits = w.bob_ticket.trim_start_matches("TCK-");
    let r = w.server.get(&format!("/api/tickets.json/{digits}"), &w.alice);
    assert_eq!(r.json(), missing.json());
    r.expect(404);

    // Writes answer the same, and change nothing.
    for (method, body) in
        [(Method::PUT, json!({"message": "Let me in"})), (Method::DELETE, json!({})), (Method::POST, json!({}))]
    {
        let r = w.server.send(
            method.clone(),
            &bob,
            &w.alice,
            &[],
            Some("application/json"),
            Some(body.to_string().into_bytes()),
        );
        r.expect_error(404, "not_found");
        assert_eq!(r.json(), missing.json(), "{method} on someone else's ticket");
    }
    // The same through an impersonating key.
    let r = w.server.put_json(&bob, &w.staff, &json!({"user_id": w.alice_id, "message": "Let me in"}));
    r.expect_error(404, "not_found");
    let r = w.server.delete_json(&bob, &w.staff, &json!({"email": "alice@example.com"}));
    r.expect_error(404, "not_found");
    w.both_unchanged(&before, "a customer touching another's ticket");

    // Lists never show it, whatever the filter says.
    for query in [format!("user_id={}", w.bob_id), "email=bob@example.com".into(), "q=payslip".into(), String::new()] {
        let r = w.server.get(&format!("/api/tickets.json?{query}"), &w.alice);
        r.expect(200);
        assert!(!r.text.contains(&w.bob_ticket), "?{query} shows Bob's ticket to Alice: {}", r.text);
    }
    let r = w.server.get(&format!("/api/tickets.json?user_id={}", w.bob_id), &w.alice);
    assert_eq!(r.total_count(), 0);
    // Nor the staff endpoints nor the user list.
    w.server
        .get("/api/scp/tickets/clientTickets.json?clientUserMail=bob@example.com", &w.alice)
        .expect_error(403, "forbidden");
    w.server
        .get(&format!("/api/scp/tickets/ticketInfo.json?ticketNumber={}", w.bob_ticket), &w.alice)
        .expect_error(403, "forbidden");
    w.server.get("/api/users.json", &w.alice).expect_error(403, "forbidden");
    // Nor Bob's attachments, nor (for Bob) the agents' internal ones.
    let r = w.server.put_json(
        &bob,
        &w.staff,
        &json!({"user_id": w.bob_id, "message": "My payslip", "attachments": [{"payslip.txt": data_url("text/plain", b"salary: secret")}]}),
    );
    r.expect(200);
    let bob_file = threads(&r.json()).last().unwrap()["attachments"][0]["href"].as_str().expect("href").to_owned();
    let r = w.server.put_json(
        &bob,
        &w.staff,
        &json!({"type": "note", "message": "HR only", "attachments": [{"hr.txt": data_url("text/plain", b"internal remarks")}]}),
    );
    r.expect(200);
    let note_file = threads(&r.json()).last().unwrap()["attachments"][0]["href"].as_str().expect("href").to_owned();
    let no_file = w.server.get("/api/attachments/424242", &w.alice);
    no_file.expect_error(404, "not_found");
    for href in [&bob_file, &note_file] {
        let r = w.server.get(href, &w.alice);
        r.expect_error(404, "not_found");
        assert_eq!(r.json(), no_file.json(), "{href} must look like no attachment to Alice");
        assert!(!r.text.contains("secret") && !r.text.contains("internal"), "{}", r.text);
    }
    let bob_auth = Auth::Bearer(w.server.login_token("bob@example.com", BOB_PASSWORD));
    let r = w.server.get(&bob_file, &bob_auth);
    r.expect(200);
    assert_eq!(r.text, "salary: secret");
    let r = w.server.get(&note_file, &bob_auth);
    r.expect_error(404, "not_found");
    assert_eq!(r.json(), no_file.json(), "a note's attachment must look like no attachment to the customer");
    w.server.get(&note_file, &w.staff).expect(200);
    let before = w.both();

    // For staff too, an unknown number is a 404.
    for number in ["TCK-99999", "99999", "nonsense", "TCK-"] {
        let r = w.server.get(&format!("/api/tickets.json/{number}"), &w.staff);
        r.expect_error(404, "not_found");
        let r = w.server.put_json(&format!("/api/tickets.json/{number}"), &w.staff, &json!({"message": "hello?"}));
        r.expect_error(404, "not_found");
    }
    w.server.get("/api/scp/tickets/ticketInfo.json?ticketNumber=TCK-99999", &w.staff).expect_error(404, "not_found");
    let r = w.server.post_json(
        "/api/scp/tickets/reply.json",
        &w.staff,
        &json!({"ticketNumber": "TCK-99999", "response": "r"}),
    );
    r.expect_error(404, "not_found");
    w.server.get("/api/attachments/424242", &w.staff).expect_error(404, "not_found");
    w.both_unchanged(&before, "unknown numbers");
}

#[test]
fn a_stale_version_is_409_and_changes_nothing() {
    let w = world();
    let path = w.path(&w.alice_ticket);
    let seen = w.server.ticket(&w.alice_ticket, &w.staff);
    let v = seen["version"].as_i64().expect("version");

    // Someone else answers first…
    let r = w.server.put_json(&path, &w.staff, &json!({"message": "First answer", "version": v}));
    r.expect(200);
    assert_eq!(r.json()["version"], v + 1);
    let before = w.snapshot(&w.alice_ticket);

    // …so everything sent with the version seen before conflicts.
    for body in [
        json!({"message": "Second answer", "version": v}),
        json!({"message": "Old version as text", "version": v.to_string()}),
        json!({"priority": "Urgent", "version": v}),
        json!({"status_id": 2, "resolution": "Fixed", "version": v}),
        json!({"subject": "Renamed", "message": "and a note", "type": "note", "version": v}),
        json!({"user_id": w.alice_id, "message": "customer, stale", "version": v}),
        json!({"message": "from the future", "version": v + 5}),
    ] {
        let r = w.server.put_json(&path, &w.staff, &body);
        r.expect_error(409, "conflict");
        w.unchanged(&w.alice_ticket, &before, &format!("stale PUT {body}"));
    }
    let r = w.server.put_json(&path, &w.alice, &json!({"message": "stale customer", "version": v}));
    r.expect_error(409, "conflict");
    let r = w.server.delete_json(&path, &w.staff, &json!({"version": v}));
    r.expect_error(409, "conflict");
    let r = w.server.delete_json(&path, &w.alice, &json!({"version": v}));
    r.expect_error(409, "conflict");
    w.unchanged(&w.alice_ticket, &before, "stale close");

    // Resolve it with the right version; a stale reopen conflicts too.
    let current = before.version.as_i64().unwrap();
    let r = w.server.put_json(&path, &w.staff, &json!({"status_id": 2, "resolution": "Fixed", "version": current}));
    r.expect(200);
    let resolved = w.snapshot(&w.alice_ticket);
    let r = w.server.post_json(&path, &w.staff, &json!({"version": current}));
    r.expect_error(409, "conflict");
    w.unchanged(&w.alice_ticket, &resolved, "stale reopen");
    let r = w.server.post_json(&path, &w.staff, &json!({"version": resolved.version}));
    r.expect(200);
}

#[test]
fn leaving_the_open_states_without_a_resolution_is_422() {
    let w = world();
    let path = w.path(&w.alice_ticket);
    let before = w.snapshot(&w.alice_ticket);
    for body in [
        json!({"status_id": 2}),
        json!({"status_id": 3}),
        json!({"status_id": 7, "resolution": ""}),
        json!({"status_id": 8, "resolution": "   "}),
        json!({"statusId": "2", "message": "Done, I think"}),
    ] {
        let r = w.server.put_json(&path, &w.staff, &body);
        let named = r.expect_invalid_fields(&["resolution"]);
        assert!(named["resolution"].as_str().is_some(), "{named}");
        w.unchanged(&w.alice_ticket, &before, &format!("PUT {body}"));
    }
    let r = w.server.post_json(
        "/api/scp/tickets/reply.json",
        &w.staff,
        &json!({"ticketNumber": w.alice_ticket, "response": "   ", "reply_status_id": 2}),
    );
    r.expect_invalid_fields(&["response"]);
    w.unchanged(&w.alice_ticket, &before, "an empty staff reply");

    // With a resolution it goes through and says why.
    let r = w.server.put_json(&path, &w.staff, &json!({"status_id": 2, "resolution": "Replaced the disk"}));
    r.expect(200);
    let t = r.json();
    assert_eq!(t["ticket_status"], "Resolved");
    assert_eq!(t["resolution"], "Replaced the disk");
    let events = entries_of(&t, "E");
    assert_eq!(events.len(), 1, "{t}");
    assert_eq!(events[0]["title"], "Status Changed");
    assert!(events[0]["body"].as_str().unwrap_or_default().contains("Replaced the disk"), "{t}");
}

#[test]
fn script_and_event_handler_html_is_stored_sanitised() {
    let w = world();
    let nasty = r#"<p>Hello <b>there</b></p><script>alert('x')</script><img src="x" onerror="alert(1)"><a href="javascript:alert(2)" onclick="steal()">click</a>"#;
    let r = w.server.send(
        Method::POST,
        "/api/tickets.json",
        &w.staff,
        &[("Accept", "application/json")],
        Some("application/json"),
        Some(with(valid_create(), json!({"message": nasty})).to_string().into_bytes()),
    );
    r.expect(201);
    let created = r.json();
    let number = created["ticket_number"].as_str().unwrap().to_owned();
    let check = |entry: &Value, what: &str| {
        let body = entry["body"].as_str().unwrap_or_default().to_ascii_lowercase();
        for bad in ["<script", "onerror", "onclick", "javascript:", "alert("] {
            assert!(!body.contains(bad), "{what}: {bad:?} survived in {body:?}");
        }
        assert_eq!(entry["message"]["body"], entry["body"], "{what}: both copies are the clean one");
        assert_eq!(entry["format"], "html", "{what}");
    };
    let first = &threads(&created)[0];
    check(first, "the created message");
    assert!(first["body"].as_str().unwrap().contains("<b>there</b>"), "safe markup is kept: {first}");
    let stored = server_entry(&w, &number, 0);
    check(&stored, "the created message, read back");

    // A reply by a customer, and a reply sent as an osTicket HTML data URL.
    let path = w.path(&w.alice_ticket);
    let r = w.server.put_json(
        &path,
        &w.alice,
        &json!({"message": "<div onmouseover=\"x()\">Hi<svg onload=alert(3)></svg></div>"}),
    );
    r.expect(200);
    let t = r.json();
    let last = threads(&t).last().unwrap().clone();
    assert!(!last["body"].as_str().unwrap().to_ascii_lowercase().contains("onmouseover"), "{last}");
    assert!(!last["body"].as_str().unwrap().to_ascii_lowercase().contains("onload"), "{last}");
    assert!(last["body"].as_str().unwrap().contains("Hi"), "{last}");
    let encoded = "data:text/html,%3Cp%3EAs%20HTML%3C%2Fp%3E%3Cscript%3Ealert(4)%3C%2Fscript%3E";
    let r = w.server.put_json(&path, &w.staff, &json!({"message": encoded}));
    r.expect(200);
    let t = r.json();
    let last = threads(&t).last().unwrap().clone();
    check(&last, "a data-URL reply");
    assert!(last["body"].as_str().unwrap().contains("As HTML"), "{last}");
    // The ticket list answers the same clean bodies.
    let r = w.server.get("/api/tickets.json", &w.staff);
    r.expect(200);
    let lower = r.text.to_ascii_lowercase();
    for bad in ["<script", "onerror", "onclick", "javascript:", "onmouseover", "onload"] {
        assert!(!lower.contains(bad), "{bad:?} in the ticket list");
    }

    // A message that is nothing but a script is empty once cleaned: refused, nothing written.
    let before = w.snapshot(&w.alice_ticket);
    let r = w.server.put_json(&path, &w.alice, &json!({"message": "<script>alert(5)</script>"}));
    r.expect_invalid_fields(&["message"]);
    w.unchanged(&w.alice_ticket, &before, "a script-only message");
    let counts = w.counts();
    let r = w.server.post_json(
        "/api/tickets.json",
        &w.staff,
        &with(valid_create(), json!({"message": "<script>alert(6)</script>"})),
    );
    r.expect_invalid_fields(&["message"]);
    assert_eq!(w.counts(), counts);

    // Plain text with angle brackets stays text.
    let r = w.server.put_json(&path, &w.alice, &json!({"message": "if a < b and c > d then"}));
    r.expect(200);
    let last = threads(&r.json()).last().unwrap().clone();
    assert_eq!(last["body"], "if a < b and c > d then");
    assert_eq!(last["format"], "text");
}

fn server_entry(w: &World, number: &str, index: usize) -> Value {
    threads(&w.server.ticket(number, &w.staff))[index].clone()
}

#[test]
fn unsupported_methods_are_405() {
    let w = world();
    let before = w.both();
    let counts = w.counts();
    let path = w.path(&w.alice_ticket);
    // RFC 9110: a 405 lists the methods the resource does support in `Allow` (found by
    // Schemathesis' unsupported-method check).
    for (method, p, allow) in [
        (Method::PATCH, path.as_str(), "GET, PUT, POST, DELETE"),
        (Method::PATCH, "/api/tickets.json", "GET, POST"),
        (Method::PUT, "/api/tickets.json", "GET, POST"),
        (Method::DELETE, "/api/tickets.json", "GET, POST"),
        (Method::DELETE, "/api/topics.json", "GET, POST"),
        (Method::PUT, "/api/users.json", "GET, POST"),
        (Method::GET, "/api/scp/tickets/reply.json", "POST"),
        (Method::POST, "/api/scp/tickets/staffTickets.json", "GET"),
        (Method::GET, "/api/auth/login.json", "POST"),
        (Method::TRACE, "/api/health", "GET"),
    ] {
        let r = w.raw(
            method.clone(),
            p,
            &w.staff,
            Some("application/json"),
            r#"{"message": "x", "status_id": 3, "resolution": "x"}"#,
        );
        r.expect_error(405, "method_not_allowed");
        assert_eq!(r.header("allow").as_deref(), Some(allow), "{method} {p}");
    }
    w.both_unchanged(&before, "unsupported methods");
    assert_eq!(w.counts(), counts);
}

#[test]
fn page_sizes_and_list_filters_out_of_range_are_422() {
    let w = world();
    for (query, field) in [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=-5", "per_page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("status=sleeping", "status"),
        ("status=99", "status"),
        ("sort=colour", "sort"),
        ("q=%22%2A%3A%28%29", "q"),
    ] {
        let r = w.server.get(&format!("/api/tickets.json?{query}"), &w.staff);
        r.expect_invalid_fields(&[field]);
    }
    for query in ["per_page=0", "per_page=101", "page=0"] {
        let r = w.server.get(&format!("/api/users.json?{query}"), &w.staff);
        r.expect_error(422, "invalid_fields");
    }
    // The edges are fine.
    for query in [
        "per_page=1",
        "per_page=100",
        "page=1",
        "page=50",
        "status=open",
        "status=Open",
        "status=1",
        "sort=-created",
        "sort=priority",
    ] {
        let r = w.server.get(&format!("/api/tickets.json?{query}"), &w.staff);
        r.expect(200);
        assert_eq!(r.total_count(), 2, "{query}: both open tickets match");
    }
    let r = w.server.get("/api/tickets.json?page=50", &w.staff);
    assert_eq!(r.json(), json!([]), "a page past the end is empty");
    // So is the last page number there is: its offset once overflowed into a 500 (found by
    // Schemathesis).
    for list in ["/api/tickets.json", "/api/users.json", "/api/scp/tickets.json"] {
        let r = w.server.get(&format!("{list}?page={}", i64::MAX), &w.staff);
        r.expect(200);
        assert_eq!(r.json(), json!([]), "{list}: page i64::MAX");
    }
    let r = w.server.get("/api/tickets.json?per_page=1", &w.staff);
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
    let link = r.header("link").unwrap_or_default();
    assert!(link.contains("rel=\"next\"") && link.contains("page=2"), "{link:?}");
    // Not numbers at all: a 400 or a 422, never a 500.
    for query in ["per_page=many", "page=first", "user_id=me"] {
        let r = w.server.get(&format!("/api/tickets.json?{query}"), &w.staff);
        assert!(r.status == 400 || r.status == 422, "?{query}: got {} {}", r.status, r.text);
        r.expect_error(r.status, if r.status == 400 { "bad_request" } else { "invalid_fields" });
    }
}

#[test]
fn customers_cannot_post_internal_notes_nor_change_fields() {
    let w = world();
    let path = w.path(&w.alice_ticket);
    let before = w.snapshot(&w.alice_ticket);
    let as_alice_by_key = |body: Value| with(json!({"user_id": w.alice_id}), body);

    for body in [
        json!({"message": "I am an agent now", "type": "note"}),
        json!({"message": "As a response", "type": "response"}),
        json!({"status_id": 2, "resolution": "I fixed it myself"}),
        json!({"status_id": 5}),
        json!({"priority": "Urgent"}),
        json!({"subject": "Renamed by the customer"}),
        json!({"topicId": 1}),
        json!({"queue_id": 2}),
        json!({"assignee_ids": []}),
        json!({"message": "and while I am here", "priority": "Urgent"}),
    ] {
        let r = w.server.put_json(&path, &w.alice, &body);
        r.expect_error(403, "forbidden");
        w.unchanged(&w.alice_ticket, &before, &format!("customer JWT PUT {body}"));
        let r = w.server.put_json(&path, &w.staff, &as_alice_by_key(body.clone()));
        r.expect_error(403, "forbidden");
        w.unchanged(&w.alice_ticket, &before, &format!("impersonated customer PUT {body}"));
    }
    // Nor use the staff endpoints.
    let r = w.server.post_json(
        "/api/scp/tickets/reply.json",
        &w.alice,
        &json!({"ticketNumber": w.alice_ticket, "response": "Resolved by me", "reply_status_id": 2}),
    );
    assert!(r.status == 403 || r.status == 422, "a customer's staff reply: {} {}", r.status, r.text);
    w.unchanged(&w.alice_ticket, &before, "a customer's staff reply");
    w.server.get("/api/scp/tickets/staffTickets.json?staffUserName=alice", &w.alice).expect_error(403, "forbidden");
    w.server.post_json("/api/topics.json", &w.alice, &json!({"value": "Mine"})).expect_error(403, "forbidden");

    // What a customer may do still works: write a message.
    let r = w.server.put_json(&path, &w.alice, &json!({"message": "Any news?", "type": "message"}));
    r.expect(200);
    let t = r.json();
    let last = threads(&t).last().unwrap().clone();
    assert_eq!(last["type"], "M");
    assert_eq!(last["user_id"], w.alice_id);
}

#[test]
fn a_key_limited_to_another_network_is_403_from_loopback() {
    let w = world();
    let counts = w.counts();
    let before = w.both();
    let remote_only = w.server.apikey("office-only", "read,write,impersonate", Some("10.0.0.0/8"));
    let path = w.path(&w.alice_ticket);
    let r = w.server.get("/api/tickets.json", &remote_only.auth());
    let body = r.expect_error(403, "forbidden");
    assert!(!body.to_string().contains(&w.alice_ticket));
    w.server.get(&path, &remote_only.auth()).expect_error(403, "forbidden");
    w.server.post_json("/api/tickets.json", &remote_only.auth(), &valid_create()).expect_error(403, "forbidden");
    w.server.put_json(&path, &remote_only.auth(), &json!({"message": "from afar"})).expect_error(403, "forbidden");
    w.server.delete_json(&path, &remote_only.auth(), &json!({})).expect_error(403, "forbidden");
    assert_eq!(w.counts(), counts);
    w.both_unchanged(&before, "a key used from a refused address");

    // The same key allowed on loopback works.
    let local = w.server.apikey_create("loopback", "read", Some("127.0.0.0/8"));
    let r = w.server.get("/api/tickets.json", &Auth::key(&local));
    r.expect(200);
    assert_eq!(r.total_count(), 2);
}

#[test]
fn too_many_logins_from_one_address_are_429_with_retry_after() {
    let server = TestServer::start();
    server.admin_create("root", "root@example.com", "the right long password");
    let r = server.login("root", "");
    r.expect_invalid_fields(&["password"]);
    let mut limited = None;
    for attempt in 2..=14 {
        let r = server.login("root", "a wrong long password");
        if r.status == 429 {
            limited = Some((attempt, r));
            break;
        }
        r.expect_error(401, "unauthorized");
    }
    let (attempt, r) = limited.expect("11 logins within a minute should be limited");
    assert!(attempt >= 11, "limited too early, at attempt {attempt}: 10 a minute are allowed");
    r.expect_error(429, "rate_limited");
    let retry: u64 = r.header("retry-after").expect("Retry-After").parse().expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    // Even the right password waits.
    server.login("root", "the right long password").expect_error(429, "rate_limited");
}

#[test]
fn the_staff_reply_endpoint_names_its_own_fields_in_422s() {
    let w = world();
    let before = w.snapshot(&w.alice_ticket);
    let too_long = "m".repeat(1024 * 1024 + 1);
    let mut wrong = Vec::new();
    for (body, field) in [
        (json!({"ticketNumber": w.alice_ticket, "response": "r", "staffUserName": "ghost"}), "staffUserName"),
        (
            json!({"ticketNumber": w.alice_ticket, "response": "r", "staffUserName": "alice@example.com"}),
            "staffUserName",
        ),
        (json!({"ticketNumber": w.alice_ticket, "response": "r", "reply_status_id": 99}), "reply_status_id"),
        (json!({"ticketNumber": w.alice_ticket, "response": too_long}), "response"),
        (json!({"ticketNumber": w.alice_ticket, "response": "   "}), "response"),
        (json!({"response": "r"}), "ticketNumber"),
    ] {
        let r = w.server.post_json("/api/scp/tickets/reply.json", &w.staff, &body);
        let named = r.expect_error(422, "invalid_fields")["error"]["fields"].clone();
        if named.get(field).is_none() {
            let shown = if body["response"].as_str().is_some_and(|s| s.len() > 100) {
                "<1 MiB + 1 response>".to_owned()
            } else {
                body.to_string()
            };
            wrong.push(format!(
                "POST /api/scp/tickets/reply.json {shown}: expected fields to name {field:?}, got {named}"
            ));
        }
        w.unchanged(&w.alice_ticket, &before, "a refused staff reply");
    }
    assert!(wrong.is_empty(), "the 422s must name the fields of the request that was sent:\n{}", wrong.join("\n"));
}

#[test]
fn a_conflicting_update_stores_no_attachment_file() {
    let w = world();
    let path = w.path(&w.alice_ticket);
    let attachments_dir = w.server.data_dir().join("attachments");
    let v = w.server.ticket(&w.alice_ticket, &w.staff)["version"].as_i64().unwrap();
    w.server.put_json(&path, &w.staff, &json!({"message": "bump", "version": v})).expect(200);
    let before = w.snapshot(&w.alice_ticket);
    let stored = blobs(&attachments_dir);
    let r = w.server.put_json(
        &path,
        &w.staff,
        &json!({"message": "stale, with a file", "version": v,
                "attachments": [{"stale.txt": data_url("text/plain", b"this upload was refused")}]}),
    );
    r.expect_error(409, "conflict");
    w.unchanged(&w.alice_ticket, &before, "a stale PUT with an attachment");
    assert_eq!(blobs(&attachments_dir), stored, "a refused update must not leave its attachment on disk");
}
