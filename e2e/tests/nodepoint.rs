//! NodePoint's JSON API (seed 000 §5, issue 15 §2) against the real binary: NodePoint's own client
//! scripts unchanged but for the address, every command with its bad inputs in NodePoint's answer
//! shapes, keys and their scopes, and `from_user`.

use std::process::Command;

use oxidesk_e2e::*;
use reqwest::Method;
use serde_json::{json, Value};

const READ_KEY: &str = "0qvG4DkOz8NZnkuhn4aczck7r3qQVYS4";
const WRITE_KEY: &str = "c5BT44108cYxBRHOYLnykazACsjkkQP3";

struct Desk {
    s: TestServer,
    admin: Auth,
}

/// A desk with NodePoint's two keys kept (read; read and write) and an agent, bob.
fn desk() -> Desk {
    let s = TestServer::start_with_config("login_attempts_per_minute = 1000");
    let admin = s.admin_auth();
    for (name, secret, scopes) in
        [("nodepoint-read", READ_KEY, json!(["read"])), ("nodepoint-write", WRITE_KEY, json!(["read", "write"]))]
    {
        s.post_json("/api/apikeys.json", &admin, &json!({"name": name, "secret": secret, "scopes": scopes}))
            .expect(201);
    }
    s.create_person(&admin, "bob", 3, Some("bob's long passphrase"));
    Desk { s, admin }
}

/// A GET of `/nodepoint/?…`; NodePoint answers 200 with text/plain JSON whatever happened.
fn get(s: &TestServer, query: &[(&str, &str)]) -> Value {
    let query = serde_urlencoded::to_string(query).unwrap();
    let r = s.send(Method::GET, &format!("/nodepoint/?{query}"), &Auth::None, &[], None, None);
    parsed(&r)
}

fn post(s: &TestServer, path: &str, form: &[(&str, &str)]) -> Value {
    let body = serde_urlencoded::to_string(form).unwrap().into_bytes();
    let r = s.send(Method::POST, path, &Auth::None, &[], Some("application/x-www-form-urlencoded"), Some(body));
    parsed(&r)
}

#[track_caller]
fn parsed(r: &Resp) -> Value {
    assert_eq!((r.status, r.content_type().as_str()), (200, "text/plain; charset=UTF-8"), "{}", r.text);
    let value: Value = serde_json::from_str(&r.text).unwrap_or_else(|e| panic!("{e}: {}", r.text));
    let lines: Vec<&str> = r.text.lines().collect();
    assert!(
        lines[1].starts_with(" \"message\": ") && lines[2].starts_with(" \"status\": "),
        "message and status first: {}",
        r.text
    );
    value
}

/// The call's parameters with a key first.
fn with_key<'a>(key: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    [("key", key)].iter().chain(extra).copied().collect()
}

#[track_caller]
fn refused(answer: &Value, status: &str, message: &str) {
    assert_eq!((answer["status"].as_str(), answer["message"].as_str()), (Some(status), Some(message)), "{answer}");
}

/// NodePoint's own scripts, with only the server's address changed.
#[test]
fn nodepoints_own_client_scripts_run_unchanged() {
    let d = desk();
    let dir = tempfile::tempdir().unwrap();
    let run = |script: &str, old_url: &str| {
        let text = std::fs::read_to_string(format!("{}/tests/nodepoint/{script}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(text.contains(old_url), "{script} names {old_url}");
        let path = dir.path().join(script);
        std::fs::write(&path, text.replace(old_url, &d.s.url("/nodepoint/"))).unwrap();
        let out = Command::new("python3").arg(&path).output().expect("python3 runs");
        assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let printed = run("add_ticket.py", "http://127.0.0.1/nodepoint/");
    assert!(printed.contains("'status': 'OK'") && printed.contains("'message': 'Ticket "), "{printed}");
    let number: String = printed.chars().filter(char::is_ascii_digit).collect();
    let t = d.s.ticket(&format!("TCK-{number}"), &d.admin);
    assert_eq!((t["subject"].as_str(), t["queue_id"].as_i64()), (Some("This is a test ticket"), Some(1)));
    assert_eq!(threads(&t)[0]["body"], "Some description");

    let printed = run("list_users.py", "http://localhost/nodepoint/");
    let names: Vec<&str> = printed.lines().collect();
    assert!(names.contains(&"bob") && names.contains(&"e2e-admin"), "{printed}");
}

#[test]
fn each_command_answers_as_nodepoint_and_acts_through_the_native_rules() {
    let d = desk();
    // add_ticket at the site's root (where NodePoint was installed), priority High.
    let added = get(
        &d.s,
        &with_key(
            WRITE_KEY,
            &[
                ("api", "add_ticket"),
                ("product_id", "1"),
                ("release_id", "1.0"),
                ("title", "Printer"),
                ("description", "Out of toner"),
                ("priority", "High"),
            ],
        ),
    );
    assert_eq!(added["status"], "OK", "{added}");
    let id: String = added["message"].as_str().unwrap().chars().filter(char::is_ascii_digit).collect();
    let id = id.as_str();
    let root =
        d.s.send(Method::GET, &format!("/?api=show_ticket&key={READ_KEY}&id={id}"), &Auth::None, &[], None, None);
    let shown = parsed(&root);
    // Two `status` keys, as NodePoint writes them: a client reads the last, the ticket's (a new
    // ticket is Open here).
    assert!(root.text.contains("\"status\": \"OK\"") && root.text.contains("\"status\": \"Open\""), "{}", root.text);
    assert_eq!(shown["status"], "Open");
    for (field, value) in [
        ("id", id),
        ("product_id", "1"),
        ("title", "Printer"),
        ("description", "Out of toner"),
        ("priority", "High"),
        ("modified_on", shown["modified_on"].as_str().unwrap()),
    ] {
        assert_eq!(shown[field], value, "{field}: {shown}");
    }
    assert!(shown["created_on"].as_str().unwrap().len() >= 24, "{shown}");
    // The web app still answers the root without ?api=.
    let app = d.s.send(Method::GET, "/", &Auth::None, &[], None, None);
    assert!(app.status == 200 && app.content_type().starts_with("text/html"), "{}", app.status);

    // update_ticket: status, priority, time (hours), a summary; assign_ticket; add_comment.
    let updated = post(
        &d.s,
        "/nodepoint/",
        &with_key(
            WRITE_KEY,
            &[
                ("api", "update_ticket"),
                ("id", id),
                ("status", "Hold"),
                ("priority", "Low"),
                ("time_spent", "1.5"),
                ("summary", "Ordered toner"),
            ],
        ),
    );
    assert_eq!(updated["message"], "Ticket updated.", "{updated}");
    let assigned = get(&d.s, &with_key(WRITE_KEY, &[("api", "assign_ticket"), ("id", id), ("user", "bob")]));
    assert_eq!(assigned["message"], "Ticket updated.");
    let commented =
        get(&d.s, &with_key(WRITE_KEY, &[("api", "add_comment"), ("id", id), ("comment", "Toner arrives Monday")]));
    assert_eq!(commented["message"], "Comment added.");
    let shown = get(&d.s, &[("api", "show_ticket"), ("key", READ_KEY), ("id", id)]);
    assert_eq!(
        (shown["status"].as_str(), shown["priority"].as_str(), shown["assigned_to"].as_str()),
        (Some("Hold"), Some("Low"), Some("bob"))
    );
    let comments: Vec<&str> =
        shown["comments"].as_array().unwrap().iter().map(|c| c["comment"].as_str().unwrap()).collect();
    assert_eq!(comments, ["Ordered toner", "Toner arrives Monday"]);
    let time = get(&d.s, &[("api", "show_time"), ("key", READ_KEY), ("id", id)]);
    assert_eq!(
        (time["time"][0]["hours"].as_str(), time["time"][0]["name"].as_str()),
        (Some("1.5"), Some("api")),
        "{time}"
    );
    // Resolved without a resolution: NodePoint needs none; the summary or a line stands in.
    let resolved = get(&d.s, &with_key(WRITE_KEY, &[("api", "update_ticket"), ("id", id), ("status", "Resolved")]));
    assert_eq!(resolved["status"], "OK", "{resolved}");
    let t = d.s.ticket(&format!("TCK-{id}"), &d.admin);
    assert_eq!(t["status_state"], "resolved");

    // list_tickets by product (a queue), the closed ones left out; list_users; verify_password.
    let listed = get(&d.s, &[("api", "list_tickets"), ("key", READ_KEY), ("product_id", "1")]);
    let ids: Vec<&str> = listed["tickets"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&id), "{listed}");
    assert_eq!(get(&d.s, &[("api", "list_tickets"), ("key", READ_KEY), ("product_id", "999")])["tickets"], json!([]));
    let users = get(&d.s, &[("api", "list_users"), ("key", READ_KEY)]);
    let bob = users["users"].as_array().unwrap().iter().find(|u| u["name"] == "bob").unwrap().clone();
    assert_eq!(bob, json!({"name": "bob", "access_level": "3", "email": "bob@example.com"}));
    let valid = get(
        &d.s,
        &[("api", "verify_password"), ("key", READ_KEY), ("user", "bob"), ("password", "bob's long passphrase")],
    );
    assert_eq!(valid["message"], "Credentials are valid.");
    refused(
        &get(&d.s, &[("api", "verify_password"), ("key", READ_KEY), ("user", "bob"), ("password", "wrong")]),
        "ERR_INVALID_CRED",
        "Invalid credentials.",
    );

    // add_user: an account its owner gives a password ("Forgot password"); change_password: never by a key.
    let made = get(
        &d.s,
        &with_key(
            WRITE_KEY,
            &[("api", "add_user"), ("user", "carol"), ("password", "secret1"), ("email", "carol@example.com")],
        ),
    );
    assert_eq!((made["message"].as_str(), made["user"].as_str()), (Some("User added."), Some("carol")), "{made}");
    refused(
        &get(
            &d.s,
            &with_key(
                WRITE_KEY,
                &[("api", "add_user"), ("user", "carol"), ("password", "secret1"), ("email", "carol2@example.com")],
            ),
        ),
        "ERR_INVALID_ARGUMENT",
        "User already exist.",
    );
    let changed =
        get(&d.s, &with_key(WRITE_KEY, &[("api", "change_password"), ("user", "carol"), ("password", "secret2")]));
    assert_eq!(changed["status"], "ERR_AD_ENABLED", "{changed}");
    refused(
        &get(&d.s, &[("api", "verify_password"), ("key", READ_KEY), ("user", "carol"), ("password", "secret1")]),
        "ERR_INVALID_CRED",
        "Invalid credentials.",
    );

    // from_user: refused until the setting is on, then acting as that person with an impersonating key.
    let as_bob = [
        ("api", "add_ticket"),
        ("product_id", "1"),
        ("release_id", "1"),
        ("title", "T"),
        ("description", "D"),
        ("from_user", "bob"),
    ];
    refused(&get(&d.s, &with_key(WRITE_KEY, &as_bob)), "ERR_INVALID_ARGUMENT", "User impersonation is not on.");
    d.s.put_json("/api/settings.json", &d.admin, &json!({"api_impersonation": true})).expect(200);
    let t = get(&d.s, &with_key(WRITE_KEY, &as_bob));
    assert_eq!(t["status"], "ERR_INVALID_KEY", "a write key without the impersonate scope: {t}");
    let imp = d.s.apikey("imp", "read,write,impersonate", None).key;
    let t = get(
        &d.s,
        &[
            ("api", "add_ticket"),
            ("key", &imp),
            ("product_id", "1"),
            ("release_id", "1"),
            ("title", "Bob's"),
            ("description", "D"),
            ("from_user", "bob"),
        ],
    );
    assert_eq!(t["status"], "OK", "{t}");
    let id2: String = t["message"].as_str().unwrap().chars().filter(char::is_ascii_digit).collect();
    assert_eq!(d.s.ticket(&format!("TCK-{id2}"), &d.admin)["user"]["email"], "bob@example.com");
}

#[test]
fn bad_keys_and_arguments_get_nodepoints_errors_and_change_nothing() {
    let d = desk();
    let added = get(
        &d.s,
        &[
            ("api", "add_ticket"),
            ("key", WRITE_KEY),
            ("product_id", "1"),
            ("release_id", "1"),
            ("title", "Base"),
            ("description", "D"),
        ],
    );
    let id: String = added["message"].as_str().unwrap().chars().filter(char::is_ascii_digit).collect();
    let before = d.s.snapshot(&format!("TCK-{id}"), &d.admin);
    let total = d.s.ticket_total(&d.admin);
    let id = id.as_str();

    refused(
        &get(&d.s, &[("key", READ_KEY)]),
        "ERR_INVALID_API",
        "Invalid 'api' value. See the manual for valid values.",
    );
    refused(
        &get(&d.s, &[("api", "drop_tables"), ("key", WRITE_KEY)]),
        "ERR_INVALID_API",
        "Invalid 'api' value. See the manual for valid values.",
    );
    refused(&get(&d.s, &[("api", "list_users")]), "ERR_MISSING_ARGUMENT", "Missing 'key' argument.");
    refused(
        &get(&d.s, &[("api", "list_users"), ("key", "not-a-key-at-all-xxxxxxxx")]),
        "ERR_INVALID_KEY",
        "Invalid 'key' value.",
    );
    // The read key does not write (NodePoint's keys are one each).
    refused(
        &get(&d.s, &[("api", "add_comment"), ("key", READ_KEY), ("id", id), ("comment", "x")]),
        "ERR_INVALID_KEY",
        "Invalid 'key' value.",
    );
    // Arguments are checked before the key, in NodePoint's order; empty and 0 are missing.
    refused(
        &get(&d.s, &[("api", "add_ticket"), ("key", "bad"), ("title", "x")]),
        "ERR_MISSING_ARGUMENT",
        "Missing 'description' argument.",
    );
    refused(
        &get(&d.s, &[("api", "show_ticket"), ("key", READ_KEY), ("id", "0")]),
        "ERR_MISSING_ARGUMENT",
        "Missing 'id' argument.",
    );
    refused(
        &get(&d.s, &[("api", "show_ticket"), ("key", READ_KEY), ("id", "999999")]),
        "ERR_INVALID_ID",
        "Ticket not found.",
    );
    refused(
        &get(
            &d.s,
            &[
                ("api", "add_ticket"),
                ("key", WRITE_KEY),
                ("product_id", "99"),
                ("release_id", "1"),
                ("title", "x"),
                ("description", "y"),
            ],
        ),
        "ERR_INVALID_PRODUCT_ID",
        "Invalid 'product_id' value.",
    );
    for (extra, message) in [
        (vec![("status", "Frozen")], "Invalid 'status' value."),
        (vec![("priority", "Urgent")], "Invalid 'priority' value."),
        (vec![("time_spent", "-2")], "Invalid 'time_spent' value."),
        (vec![("time_spent", "abc")], "Invalid 'time_spent' value."),
    ] {
        let mut q = with_key(WRITE_KEY, &[("api", "update_ticket"), ("id", id)]);
        q.extend(extra);
        refused(&get(&d.s, &q), "ERR_INVALID_ARGUMENT", message);
    }
    refused(
        &get(&d.s, &[("api", "assign_ticket"), ("key", WRITE_KEY), ("id", id)]),
        "ERR_INVALID_ARGUMENT",
        "Missing 'user' value.",
    );
    refused(
        &get(&d.s, &[("api", "assign_ticket"), ("key", WRITE_KEY), ("id", id), ("user", "nobody")]),
        "ERR_INVALID_ARGUMENT",
        "Invalid 'user' value.",
    );
    refused(
        &get(&d.s, &[("api", "add_user"), ("key", WRITE_KEY), ("user", "ab"), ("password", "secret1")]),
        "ERR_ARGUMENT_LENGTH",
        "Bad length for 'user' argument (between 3 and 50 characters).",
    );
    refused(
        &get(&d.s, &[("api", "add_user"), ("key", WRITE_KEY), ("user", "dave")]),
        "ERR_MISSING_ARGUMENT",
        "Missing 'password' argument.",
    );
    // A revoked key is no key.
    let gone = d.s.apikey("gone", "read", None);
    d.s.apikey_revoke(gone.id);
    let r = d.s.get_until_revoked(&format!("/nodepoint/?api=list_users&key={}", gone.key), &Auth::None);
    refused(&parsed(&r), "ERR_INVALID_KEY", "Invalid 'key' value.");

    d.s.assert_unchanged(&format!("TCK-{id}"), &d.admin, &before, "refused calls");
    assert_eq!(d.s.ticket_total(&d.admin), total);
}

/// The client commands (manual §5.15–5.18): a client with its contact, its events, and their
/// bad inputs in NodePoint's order and words.
#[test]
fn client_commands_answer_as_nodepoint() {
    let d = desk();
    let added = get(
        &d.s,
        &with_key(
            WRITE_KEY,
            &[
                ("api", "add_client"),
                ("name", "Acme Corp"),
                ("status", "paid"),
                ("contact", "Ann Lee"),
                ("notes", "Key account"),
            ],
        ),
    );
    refused(&added, "OK", "Client added.");
    let list = get(&d.s, &with_key(READ_KEY, &[("api", "list_clients")]));
    refused(&list, "OK", "Clients list.");
    let acme = &list["clients"][0];
    assert_eq!(
        (acme["name"].as_str(), acme["status"].as_str(), acme["contact"].as_str(), acme["notes"].as_str()),
        (Some("Acme Corp"), Some("Paid"), Some("Ann Lee"), Some("Key account")),
        "{list}"
    );
    let id = acme["id"].as_str().unwrap().to_owned();
    // At the site's root too, where NodePoint was installed (issue 16's "done when").
    let root = d.s.send(Method::GET, &format!("/?api=list_clients&key={READ_KEY}"), &Auth::None, &[], None, None);
    assert_eq!(parsed(&root)["clients"], list["clients"]);
    // The desk sees the same client, its contact the primary one.
    let client = d.s.get(&format!("/api/clients.json/{id}"), &d.admin).json();
    assert_eq!(client["primary_contact"]["name"], "Ann Lee");

    let event = post(
        &d.s,
        "/nodepoint/",
        &with_key(
            WRITE_KEY,
            &[
                ("api", "add_event"),
                ("client_id", &id),
                ("type", "Phone call"),
                ("summary", "Renewal"),
                ("notes", "Two seats"),
            ],
        ),
    );
    assert_eq!(event["status"], "OK", "{event}");
    assert!(event["message"].as_str().unwrap().starts_with("Event "), "{event}");
    let events = get(&d.s, &with_key(READ_KEY, &[("api", "list_events"), ("client_id", &id)]));
    refused(&events, "OK", "Events list.");
    let e = &events["events"][0];
    assert_eq!(
        (e["user"].as_str(), e["type"].as_str(), e["summary"].as_str(), e["notes"].as_str()),
        (Some("api"), Some("Call"), Some("Renewal"), Some("Two seats")),
        "{events}"
    );
    let date: Vec<&str> = e["date"].as_str().unwrap().split_whitespace().collect();
    assert!(date.len() == 5 && date[4].len() == 4 && date[3].matches(':').count() == 2, "ctime: {e}");
    // An unknown client has no events, as in NodePoint.
    let none = get(&d.s, &with_key(READ_KEY, &[("api", "list_events"), ("client_id", "999999")]));
    assert_eq!(none["events"].as_array().map(Vec::len), Some(0), "{none}");

    // Bad inputs, in NodePoint's order: nothing is written.
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![("api", "add_client"), ("name", "X"), ("contact", "Y")],
            "ERR_MISSING_ARGUMENT",
            "Missing 'status' argument.",
        ),
        (
            vec![("api", "add_client"), ("status", "Closed"), ("name", "X"), ("contact", "Y"), ("key", WRITE_KEY)],
            "ERR_INVALID_ARGUMENT",
            "Invalid 'status' value. Must be one of: Prospect, Contact, Supplier, Paid, Unpaid.",
        ),
        (
            vec![("api", "add_client"), ("status", "Paid"), ("contact", "Y"), ("key", WRITE_KEY)],
            "ERR_MISSING_ARGUMENT",
            "Missing 'name' argument.",
        ),
        (
            vec![("api", "add_client"), ("status", "Paid"), ("name", "X"), ("contact", "Y"), ("key", READ_KEY)],
            "ERR_INVALID_KEY",
            "Invalid 'key' value.",
        ),
        (vec![("api", "list_events"), ("key", READ_KEY)], "ERR_MISSING_ARGUMENT", "Missing 'client_id' argument."),
        (vec![("api", "list_clients")], "ERR_MISSING_ARGUMENT", "Missing 'key' argument."),
        (
            vec![("api", "add_event"), ("client_id", "1"), ("type", "Call"), ("key", WRITE_KEY)],
            "ERR_MISSING_ARGUMENT",
            "Missing 'summary' argument.",
        ),
        (
            vec![("api", "add_event"), ("summary", "S"), ("type", "Call"), ("key", WRITE_KEY)],
            "ERR_MISSING_ARGUMENT",
            "Missing 'client_id' argument.",
        ),
        (
            vec![("api", "add_event"), ("summary", "S"), ("client_id", &id), ("key", WRITE_KEY)],
            "ERR_MISSING_ARGUMENT",
            "Missing 'type' argument.",
        ),
        (
            vec![("api", "add_event"), ("summary", "S"), ("client_id", "999999"), ("type", "Call"), ("key", WRITE_KEY)],
            "ERR_INVALID_ID",
            "Client not found.",
        ),
        (
            vec![("api", "add_event"), ("summary", "S"), ("client_id", &id), ("type", "Call"), ("key", READ_KEY)],
            "ERR_INVALID_KEY",
            "Invalid 'key' value.",
        ),
    ];
    for (params, status, message) in cases {
        refused(&get(&d.s, &params), status, message);
    }
    let telegram = get(
        &d.s,
        &with_key(WRITE_KEY, &[("api", "add_event"), ("summary", "S"), ("client_id", &id), ("type", "Telegram")]),
    );
    assert_eq!(telegram["status"], "ERR_INVALID_ARGUMENT", "{telegram}");
    let after = get(&d.s, &with_key(READ_KEY, &[("api", "list_clients")]));
    assert_eq!(after["clients"].as_array().map(Vec::len), Some(1));
    let events = get(&d.s, &with_key(READ_KEY, &[("api", "list_events"), ("client_id", &id)]));
    assert_eq!(events["events"].as_array().map(Vec::len), Some(1));
}
