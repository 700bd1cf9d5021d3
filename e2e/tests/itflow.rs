//! ITFlow's API v1 for tickets and replies (seeds 002/004, issue 15 §3) against the real binary:
//! each endpoint and its bad inputs in ITFlow's answer shapes, a key kept from ITFlow, and the
//! seed's PowerShell example as curl.

use std::process::Command;

use oxidesk_e2e::*;
use reqwest::Method;
use serde_json::{json, Value};

/// A key as ITFlow makes them (156 letters and digits), kept as it is.
fn itflow_key() -> String {
    "3iVeTipINS9eDGpm".repeat(10).chars().take(156).collect()
}

struct Desk {
    s: TestServer,
    admin: Auth,
    key: String,
    reader: String,
}

fn desk() -> Desk {
    let s = TestServer::start();
    let admin = s.admin_auth();
    let key = itflow_key();
    s.post_json("/api/apikeys.json", &admin, &json!({"name": "itflow", "secret": key, "scopes": ["read", "write"]}))
        .expect(201);
    let reader = s.apikey("itflow-read", "read", None).key;
    s.create_person(&admin, "agent", 3, Some("the agent's long passphrase"));
    Desk { s, admin, key, reader }
}

fn get(s: &TestServer, path: &str, query: &[(&str, &str)]) -> Resp {
    let query = serde_urlencoded::to_string(query).unwrap();
    s.send(Method::GET, &format!("{path}?{query}"), &Auth::None, &[], None, None)
}

fn post(s: &TestServer, path: &str, body: Value) -> Resp {
    s.send(Method::POST, path, &Auth::None, &[], Some("application/json"), Some(body.to_string().into_bytes()))
}

#[track_caller]
fn ok(r: &Resp) -> Value {
    assert_eq!((r.status, r.content_type().as_str()), (200, "application/json"), "{}", r.text);
    let v: Value = serde_json::from_str(&r.text).unwrap();
    assert_eq!(v["success"], "True", "{v}");
    v
}

#[track_caller]
fn failed(r: &Resp, status: u16, message: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    let v: Value = serde_json::from_str(&r.text).unwrap_or(Value::Null);
    assert_eq!((v["success"].as_str(), v["message"].as_str()), (Some("False"), Some(message)), "{}", r.text);
}

#[test]
fn tickets_and_replies_as_itflow_writes_them() {
    let d = desk();
    let k = d.key.as_str();
    let made = ok(&post(
        &d.s,
        "/api/v1/tickets/create.php",
        json!({"api_key": k, "ticket_subject": "Computer broken", "ticket_details": "It will not boot", "ticket_priority": "High", "client_id": "0"}),
    ));
    assert_eq!(made["count"], "1");
    let id = made["data"][0]["insert_id"].as_i64().expect("a number");
    let id_text = id.to_string();

    // The seed's PowerShell example, as curl (only the address and the key changed).
    let out = Command::new("curl")
        .arg("-s")
        .arg(d.s.url(&format!("/itflow/api/v1/tickets/read.php?api_key={k}&ticket_id={id}")))
        .output()
        .expect("curl runs");
    let read: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((read["success"].as_str(), read["count"].as_i64()), (Some("True"), Some(1)), "{read}");
    let row = &read["data"][0];
    for (column, value) in [
        ("ticket_id", id_text.as_str()),
        ("ticket_prefix", "TCK-"),
        ("ticket_number", id_text.as_str()),
        ("ticket_subject", "Computer broken"),
        ("ticket_details", "It will not boot"),
        ("ticket_priority", "High"),
        ("ticket_status", "2"),
        ("ticket_source", "API"),
        ("ticket_client_id", "0"),
    ] {
        assert_eq!(row[column], value, "{column}: {row}");
    }
    assert!(row["ticket_created_at"].as_str().unwrap().len() == 19 && row["ticket_closed_at"].is_null(), "{row}");

    // Replies: a public one with time worked that resolves, then the list of the ticket's.
    let reply = ok(&post(
        &d.s,
        "/api/v1/ticket_replies/create.php",
        json!({"api_key": k, "ticket_id": id, "ticket_reply": "Replaced PSU", "ticket_reply_type": "public", "ticket_reply_time_worked": "0:30:00", "ticket_status": 4}),
    ));
    assert!(reply["data"][0]["insert_id"].as_i64().unwrap() > 0);
    ok(&post(
        &d.s,
        "/api/v1/ticket_replies/create.php",
        json!({"api_key": k, "ticket_id": id, "ticket_reply": "Old PSU in the bin"}),
    ));
    let t = d.s.ticket(&format!("TCK-{id}"), &d.admin);
    assert_eq!((t["status_state"].as_str(), t["time_spent"].as_i64()), (Some("resolved"), Some(30)));
    let replies = ok(&get(&d.s, "/api/v1/ticket_replies/read.php", &[("api_key", k), ("ticket_id", &id_text)]));
    let kinds: Vec<&str> =
        replies["data"].as_array().unwrap().iter().map(|r| r["ticket_reply_type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["Client", "Public", "Internal"]);
    assert_eq!(replies["count"], 3);
    let internal = ok(&get(
        &d.s,
        "/api/v1/ticket_replies/read.php",
        &[("api_key", k), ("ticket_id", &id_text), ("type", "internal")],
    ));
    assert_eq!(internal["data"][0]["ticket_reply"], "Old PSU in the bin");

    // Resolve another ticket; the list, with limit and offset, by number.
    let second = ok(&post(&d.s, "/api/v1/tickets/create.php", json!({"api_key": k, "ticket_subject": "Mouse"})))
        ["data"][0]["insert_id"]
        .as_i64()
        .unwrap();
    assert_eq!(ok(&post(&d.s, "/api/v1/tickets/resolve.php", json!({"api_key": k, "ticket_id": second})))["count"], 1);
    let list = ok(&get(&d.s, "/api/v1/tickets/read.php", &[("api_key", k)]));
    let ids: Vec<&str> = list["data"].as_array().unwrap().iter().map(|r| r["ticket_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [id_text.as_str(), &second.to_string()]);
    let page = ok(&get(&d.s, "/api/v1/tickets/read.php", &[("api_key", k), ("limit", "1"), ("offset", "1")]));
    assert_eq!((page["count"].as_i64(), page["data"][0]["ticket_priority"].as_str()), (Some(1), Some("Low")));
    // The key may come in the JSON body of a POST, or the query.
    ok(&post(&d.s, &format!("/api/v1/tickets/create.php?api_key={k}"), json!({"ticket_subject": "Keyboard"})));
}

#[test]
fn bad_keys_methods_and_fields_get_itflows_answers_and_change_nothing() {
    let d = desk();
    let k = d.key.as_str();
    let id = ok(&post(&d.s, "/api/v1/tickets/create.php", json!({"api_key": k, "ticket_subject": "Base"})))["data"][0]
        ["insert_id"]
        .as_i64()
        .unwrap();
    let before = d.s.snapshot(&format!("TCK-{id}"), &d.admin);
    let total = d.s.ticket_total(&d.admin);

    let none = get(&d.s, "/api/v1/tickets/read.php", &[]);
    assert_eq!((none.status, none.text.as_str()), (401, ""));
    failed(
        &get(&d.s, "/api/v1/tickets/read.php", &[("api_key", "3iVeTipINS9eDGpm")]),
        401,
        "Authentication failed. API key is invalid or has expired.",
    );
    failed(
        &post(&d.s, "/api/v1/tickets/create.php", json!({"api_key": d.reader, "ticket_subject": "x"})),
        403,
        "This API key lacks the write scope.",
    );
    failed(
        &get(&d.s, "/api/v1/tickets/create.php", &[("api_key", k)]),
        405,
        "Can only send POST requests to this endpoint.",
    );
    failed(
        &post(&d.s, "/api/v1/tickets/read.php", json!({"api_key": k})),
        405,
        "Can only send GET requests to this endpoint.",
    );
    let put = d.s.send(Method::PUT, "/itflow/api/v1/tickets/read.php", &Auth::None, &[], None, None);
    failed(&put, 405, "Can only send GET requests to this endpoint.");
    assert_eq!(put.header("allow").as_deref(), Some("GET"));

    let insert_failed = "Auth success but insert query failed, ensure ALL required variables are provided (and aren't duplicates where applicable) and database schema is up-to-date. Turn on error logging and look for 'undefined index'.";
    let update_failed = "Auth success but update query failed/returned no results. Ensure ALL required variables are provided and database schema is up-to-date. Most likely cause: non-existent module ID (i.e. bad contact ID/ticket ID/etc) or no rows changed.";
    let no_resource = "No resource (for this client and company) with the specified parameter(s).";
    for (path, body, message) in [
        ("/api/v1/tickets/create.php", json!({"api_key": k}), insert_failed.to_owned()),
        (
            "/api/v1/tickets/create.php",
            json!({"api_key": k, "ticket_subject": "x", "client_id": 999}),
            "client_id no such client.".to_owned(),
        ),
        (
            "/api/v1/tickets/create.php",
            json!({"api_key": k, "ticket_subject": "x", "ticket_asset_id": 3}),
            "ticket_asset_id names an asset: assets do not exist here yet (send 0 or leave it out).".to_owned(),
        ),
        (
            "/api/v1/tickets/create.php",
            json!({"api_key": k, "ticket_subject": "x", "ticket_priority": "Critical"}),
            "ticket_priority must be Low, Medium or High.".to_owned(),
        ),
        ("/api/v1/tickets/resolve.php", json!({"api_key": k, "ticket_id": 999999}), update_failed.to_owned()),
        ("/api/v1/tickets/resolve.php", json!({"api_key": k, "ticket_id": "abc"}), update_failed.to_owned()),
        ("/api/v1/ticket_replies/create.php", json!({"api_key": k, "ticket_id": id}), insert_failed.to_owned()),
        (
            "/api/v1/ticket_replies/create.php",
            json!({"api_key": k, "ticket_id": id, "ticket_reply": "x", "ticket_reply_time_worked": "half an hour"}),
            "ticket_reply_time_worked must be H:MM:SS.".to_owned(),
        ),
        (
            "/api/v1/ticket_replies/create.php",
            json!({"api_key": k, "ticket_id": id, "ticket_reply": "x", "ticket_status": 9}),
            "ticket_status 9 is not one of ITFlow's: 1 New, 2 Open, 3 On Hold, 4 Resolved, 5 Closed.".to_owned(),
        ),
    ] {
        failed(&post(&d.s, path, body.clone()), 200, &message);
    }
    failed(&get(&d.s, "/api/v1/tickets/read.php", &[("api_key", k), ("ticket_id", "999999")]), 200, no_resource);
    failed(
        &get(&d.s, "/api/v1/ticket_replies/read.php", &[("api_key", k), ("ticket_reply_id", "999999")]),
        200,
        no_resource,
    );
    let odd = post(&d.s, "/api/v1/tickets/create.php", json!("not an object"));
    assert_eq!((odd.status, odd.text.as_str()), (401, ""), "a body that is no object carries no key");

    d.s.assert_unchanged(&format!("TCK-{id}"), &d.admin, &before, "refused calls");
    assert_eq!(d.s.ticket_total(&d.admin), total);
}

/// ITFlow's client and contact on tickets: stored, read back, and a change for another client
/// refused as ITFlow refuses it.
#[test]
fn tickets_carry_their_client_and_contact() {
    let d = desk();
    let k = d.key.as_str();
    let client = d.s.post_json("/api/clients.json", &d.admin, &json!({"name": "Acme Corp"}));
    client.expect(201);
    let client_id = client.json()["id"].as_i64().unwrap();
    let contact = d.s.post_json(
        &format!("/api/clients.json/{client_id}/contacts"),
        &d.admin,
        &json!({"name": "Ann Lee", "email": "ann@acme.example"}),
    );
    contact.expect(201);
    let contact_id = contact.json()["id"].as_i64().unwrap();
    let made = ok(&post(
        &d.s,
        "/api/v1/tickets/create.php",
        json!({"api_key": k, "ticket_subject": "Printer", "client_id": client_id, "ticket_contact_id": contact_id}),
    ));
    let id = made["data"][0]["insert_id"].as_i64().unwrap();
    let read = ok(&get(&d.s, "/api/v1/tickets/read.php", &[("api_key", k), ("ticket_id", &id.to_string())]));
    let row = &read["data"][0];
    assert_eq!(
        (row["ticket_client_id"].as_str(), row["ticket_contact_id"].as_str()),
        (Some(client_id.to_string().as_str()), Some(contact_id.to_string().as_str())),
        "{row}"
    );
    // The contact asked: the ticket is theirs (an account made for their address).
    let ticket = d.s.get(&format!("/api/tickets.json/{id}"), &d.admin).json();
    assert_eq!(ticket["user"]["email"], "ann@acme.example", "{ticket}");
    // Another client's id changes nothing; the ticket's own resolves it.
    let other =
        post(&d.s, "/api/v1/tickets/resolve.php", json!({"api_key": k, "ticket_id": id, "client_id": client_id + 1}));
    assert_eq!(other.json()["success"], "False", "{}", other.text);
    ok(&post(&d.s, "/api/v1/tickets/resolve.php", json!({"api_key": k, "ticket_id": id, "client_id": client_id})));
}
