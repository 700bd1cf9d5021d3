//! Clients (issue 16): the directory and its bad inputs, contacts and their accounts, a ticket's
//! client and contact, a technical contact's view, a closed client, the mail-domain rule, and
//! the thresholds — on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL).

mod common;

use actix_http::Request;
use actix_web::dev::{Service, ServiceResponse};
use common::{api_key, app, bearer, first_admin, send, state, test_db, Auth};
use serde_json::{json, Value};

const PASSWORD: &str = "a long passphrase";

/// A person of this level, signed in: their id and token.
async fn person(
    app: &impl Service<Request, Response = ServiceResponse, Error = actix_web::Error>,
    st: &oxidesk::core::state::AppState,
    admin: &str,
    name: &str,
    level: i64,
) -> (i64, String) {
    let body = json!({
        "username": name, "name": format!("{name} Person"), "email": format!("{name}@acme.example"),
        "password": PASSWORD, "level": level
    });
    let (status, user) = send(app, "POST", "/api/users.json", Auth::Bearer(admin), Some(body)).await;
    assert_eq!(status, 201, "{user}");
    let id = user["id"].as_i64().unwrap();
    (id, bearer(st, id))
}

fn field(body: &Value, name: &str) -> String {
    body["error"]["fields"][name].as_str().unwrap_or_else(|| panic!("no error for {name}: {body}")).to_owned()
}

#[actix_web::test]
async fn the_directory_with_contacts_events_and_its_bad_inputs() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let a = Auth::Bearer(&admin);

    let (status, acme) = send(
        &app,
        "POST",
        "/api/clients.json",
        a,
        Some(
            json!({"name": "Acme Corp", "status": "paid", "email": "IT@Acme.Example", "website": "https://acme.example",
                    "domains": ["Acme.Example", "@acme-mail.example"], "notes": "Key account"}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{acme}");
    assert_eq!(
        (&acme["status"], &acme["email"], &acme["domains"], &acme["open_tickets"]),
        (&json!("Paid"), &json!("it@acme.example"), &json!(["acme-mail.example", "acme.example"]), &json!(0))
    );
    let id = acme["id"].as_i64().unwrap();

    // Bad inputs: each named, nothing written.
    for (body, name) in [
        (json!({"status": "Paid"}), "name"),
        (json!({"name": "x".repeat(101)}), "name"),
        (json!({"name": "Globex", "status": "Gold"}), "status"),
        (json!({"name": "Globex", "website": "javascript:alert(1)"}), "website"),
        (json!({"name": "Globex", "email": "not an address"}), "email"),
        (json!({"name": "Globex", "domains": ["localhost"]}), "domains"),
        (json!({"name": "Globex", "phone": "1\n2"}), "phone"),
    ] {
        let (status, err) = send(&app, "POST", "/api/clients.json", a, Some(body)).await;
        assert_eq!(status, 422, "{err}");
        field(&err, name);
    }
    let (status, err) =
        send(&app, "POST", "/api/clients.json", a, Some(json!({"name": "Globex", "domains": ["acme.example"]}))).await;
    assert_eq!(status, 422);
    assert!(field(&err, "domains").contains("Acme Corp"), "{err}");
    let (_, list) = send(&app, "GET", "/api/clients.json", a, None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "the refused ones were not made: {list}");

    // Contacts: one without an account (who gets one when they write in), one with.
    let (status, ann) = send(
        &app,
        "POST",
        &format!("/api/clients.json/{id}/contacts"),
        a,
        Some(json!({"name": "Ann Lee", "email": "ann@acme.example", "title": "IT manager", "technical": true, "primary": true})),
    )
    .await;
    assert_eq!(status, 201, "{ann}");
    assert_eq!((&ann["user_id"], &ann["primary"], &ann["technical"]), (&Value::Null, &json!(true), &json!(true)));
    let (status, err) = send(
        &app,
        "POST",
        &format!("/api/clients.json/{id}/contacts"),
        a,
        Some(json!({"name": "Ann Again", "email": "ANN@acme.example"})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(field(&err, "email").contains("Acme Corp"));
    let (status, err) =
        send(&app, "POST", &format!("/api/clients.json/{id}/contacts"), a, Some(json!({"title": "x"}))).await;
    assert_eq!(status, 422);
    field(&err, "name");
    let (status, _) = send(&app, "POST", "/api/clients.json/999999/contacts", a, Some(json!({"name": "Nobody"}))).await;
    assert_eq!(status, 404);
    let (status, got) = send(&app, "GET", &format!("/api/clients.json/{id}"), a, None).await;
    assert_eq!((status, &got["primary_contact"]["name"]), (200, &json!("Ann Lee")));

    // Search and filter.
    send(&app, "POST", "/api/clients.json", a, Some(json!({"name": "Globex", "status": "Closed"}))).await;
    let (_, found) = send(&app, "GET", "/api/clients.json?q=acme-mail", a, None).await;
    assert_eq!(found[0]["name"], "Acme Corp", "found by a domain: {found}");
    let (_, open) = send(&app, "GET", "/api/clients.json?status=open", a, None).await;
    assert_eq!(open.as_array().map(Vec::len), Some(1));
    let (_, closed) = send(&app, "GET", "/api/clients.json?status=closed", a, None).await;
    assert_eq!(closed[0]["name"], "Globex");
    let (status, err) = send(&app, "GET", "/api/clients.json?status=gold", a, None).await;
    assert_eq!(status, 422, "{err}");

    // The timeline, latest first; bad kinds and times refused.
    for (kind, summary, happened) in
        [("Call", "Renewal call", "2026-12-01T10:00:00Z"), ("Meeting", "Kick-off", "2026-12-03T10:00:00Z")]
    {
        let (status, e) = send(
            &app,
            "POST",
            &format!("/api/clients.json/{id}/events"),
            a,
            Some(json!({"kind": kind, "summary": summary, "notes": "Two more seats", "happened": happened})),
        )
        .await;
        assert_eq!(status, 201, "{e}");
        assert_eq!(e["user"]["name"], "Ada Admin");
    }
    let (_, timeline) = send(&app, "GET", &format!("/api/clients.json/{id}/events"), a, None).await;
    let summaries: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["summary"].as_str().unwrap()).collect();
    assert_eq!(summaries, ["Kick-off", "Renewal call"]);
    for (body, name) in [
        (json!({"kind": "Telegram", "summary": "x"}), "kind"),
        (json!({"kind": "Call"}), "summary"),
        (json!({"kind": "Call", "summary": "x", "happened": "yesterday"}), "happened"),
    ] {
        let (status, err) = send(&app, "POST", &format!("/api/clients.json/{id}/events"), a, Some(body)).await;
        assert_eq!(status, 422, "{err}");
        field(&err, name);
    }
    let (status, _) =
        send(&app, "POST", "/api/clients.json/999999/events", a, Some(json!({"kind": "Call", "summary": "x"}))).await;
    assert_eq!(status, 404);

    // Updating: absent fields stay; a contact with an account keeps its account's address.
    let (status, changed) =
        send(&app, "PUT", &format!("/api/clients.json/{id}"), a, Some(json!({"phone": "+1 555 0100"}))).await;
    assert_eq!((status, &changed["phone"], &changed["status"]), (200, &json!("+1 555 0100"), &json!("Paid")));
}

#[actix_web::test]
async fn tickets_take_their_clients_and_technical_contacts_see_them_all() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let a = Auth::Bearer(&admin);
    let (_, acme) =
        send(&app, "POST", "/api/clients.json", a, Some(json!({"name": "Acme Corp", "domains": ["acme.example"]})))
            .await;
    let id = acme["id"].as_i64().unwrap();
    // Bea and Tom have accounts; Tom is the technical contact. Cleo has none yet.
    let (bea_id, bea) = person(&app, &st, &admin, "bea", 1).await;
    let (tom_id, tom) = person(&app, &st, &admin, "tom", 1).await;
    let contacts = format!("/api/clients.json/{id}/contacts");
    let (status, c) = send(&app, "POST", &contacts, a, Some(json!({"user_id": bea_id}))).await;
    assert_eq!((status, &c["name"], &c["email"]), (201, &json!("bea Person"), &json!("bea@acme.example")), "{c}");
    let (_, t) = send(&app, "POST", &contacts, a, Some(json!({"user_id": tom_id, "technical": true}))).await;
    assert_eq!(t["technical"], true);
    let (status, err) = send(&app, "POST", &contacts, a, Some(json!({"user_id": bea_id}))).await;
    assert_eq!(status, 422, "one contact per account: {err}");
    let (_, cleo) = send(&app, "POST", &contacts, a, Some(json!({"name": "Cleo", "email": "cleo@acme.example"}))).await;

    // Bea's ticket takes her client and her as its contact.
    let (status, ticket) = send(
        &app,
        "POST",
        "/api/tickets.json",
        Auth::Bearer(&bea),
        Some(json!({"subject": "Printer", "message": "It jams"})),
    )
    .await;
    assert_eq!(status, 201, "{ticket}");
    let (_, mine) = send(&app, "GET", "/api/tickets.json", Auth::Bearer(&bea), None).await;
    let number = mine[0]["ticket_number"].as_str().unwrap().to_owned();
    assert_eq!((&mine[0]["client"]["name"], &mine[0]["contact"]["name"]), (&json!("Acme Corp"), &json!("bea Person")));

    // Tom (technical) sees and answers it; Cleo, once she has an account, sees only her own.
    let (_, toms) = send(&app, "GET", "/api/tickets.json", Auth::Bearer(&tom), None).await;
    assert_eq!(toms.as_array().map(Vec::len), Some(1), "{toms}");
    let (status, _) = send(
        &app,
        "PUT",
        &format!("/api/tickets.json/{number}"),
        Auth::Bearer(&tom),
        Some(json!({"message": "I restarted it"})),
    )
    .await;
    assert_eq!(status, 200);
    let (cleo_id, cleo_token) = person(&app, &st, &admin, "cleo", 1).await;
    let (_, list) = send(&app, "GET", &contacts, a, None).await;
    let claimed = list.as_array().unwrap().iter().find(|c| c["id"] == cleo["id"]).unwrap();
    assert_eq!(claimed["user_id"], cleo_id, "her new account took her contact: {list}");
    let (_, cleos) = send(&app, "GET", "/api/tickets.json", Auth::Bearer(&cleo_token), None).await;
    assert_eq!(cleos.as_array().map(Vec::len), Some(0));
    let (status, _) = send(&app, "GET", &format!("/api/tickets.json/{number}"), Auth::Bearer(&cleo_token), None).await;
    assert_eq!(status, 404);
    // Customers read no client, and cannot set one.
    let (status, _) = send(&app, "GET", &format!("/api/clients.json/{id}"), Auth::Bearer(&bea), None).await;
    assert_eq!(status, 403);
    let (status, _) = send(
        &app,
        "POST",
        "/api/tickets.json",
        Auth::Bearer(&bea),
        Some(json!({"subject": "x", "message": "y", "client_id": id})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) =
        send(&app, "PUT", &format!("/api/tickets.json/{number}"), Auth::Bearer(&bea), Some(json!({"client_id": 0})))
            .await;
    assert_eq!(status, 403);

    // Agents set and change the client (an E entry), refused when wrong.
    let (_, globex) = send(&app, "POST", "/api/clients.json", a, Some(json!({"name": "Globex"}))).await;
    let globex_id = globex["id"].as_i64().unwrap();
    let path = format!("/api/tickets.json/{number}");
    for (body, name) in [
        (json!({"client_id": 999999}), "client_id"),
        (json!({"client_id": globex_id, "contact_id": c["id"]}), "contact_id"),
        (json!({"contact_id": 999999}), "contact_id"),
    ] {
        let (status, err) = send(&app, "PUT", &path, a, Some(body)).await;
        assert_eq!(status, 422, "{err}");
        field(&err, name);
    }
    let (status, moved) = send(&app, "PUT", &path, a, Some(json!({"client_id": globex_id}))).await;
    assert_eq!((status, &moved["client"]["name"], &moved["contact"]), (200, &json!("Globex"), &Value::Null));
    let entry = moved["threads"].as_array().unwrap().iter().rev().find(|e| e["type"] == "E").unwrap();
    assert!(entry["body"].as_str().unwrap().contains("Client set to Globex"), "{entry}");
    let (_, by_client) = send(&app, "GET", &format!("/api/tickets.json?client={globex_id}"), a, None).await;
    assert_eq!(by_client.as_array().map(Vec::len), Some(1));
    let (status, cleared) = send(&app, "PUT", &path, a, Some(json!({"client_id": 0}))).await;
    assert_eq!((status, &cleared["client"]), (200, &Value::Null));

    // A closed client takes no new tickets, neither chosen nor its customers'.
    send(&app, "PUT", &format!("/api/clients.json/{id}"), a, Some(json!({"status": "Closed"}))).await;
    let (status, err) = send(
        &app,
        "POST",
        "/api/tickets.json",
        a,
        Some(json!({"email": "walk-in@example.com", "subject": "s", "message": "m", "client_id": id})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(field(&err, "client_id").contains("closed"), "{err}");
    let (status, err) =
        send(&app, "POST", "/api/tickets.json", Auth::Bearer(&bea), Some(json!({"subject": "s", "message": "m"})))
            .await;
    assert_eq!(status, 422, "{err}");
    let (_, open) = send(&app, "GET", "/api/tickets.json", a, None).await;
    assert_eq!(open.as_array().map(Vec::len), Some(1), "nothing more was made");
}

#[actix_web::test]
async fn an_unknown_sender_at_a_clients_domain_becomes_its_contact() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let key = api_key(&st, "read,write");
    let (_, acme) = send(
        &app,
        "POST",
        "/api/clients.json",
        Auth::Bearer(&admin),
        Some(json!({"name": "Acme Corp", "domains": ["acme.example"]})),
    )
    .await;
    let mail =
        "From: Dan Dee <dan@acme.example>\r\nSubject: VPN\r\nMessage-ID: <dan-1@acme.example>\r\n\r\nDown again.\r\n";
    let req = actix_web::test::TestRequest::post()
        .uri("/api/tickets.email")
        .insert_header(("X-API-Key", key.as_str()))
        .insert_header(("Accept", "application/json"))
        .set_payload(mail)
        .to_request();
    let (status, piped) = common::answer(&app, req).await;
    assert_eq!((status, &piped["outcome"]), (201, &json!("ticket")), "{piped}");
    let number = piped["ticket"].as_str().unwrap();
    let (_, t) = send(&app, "GET", &format!("/api/tickets.json/{number}"), Auth::Bearer(&admin), None).await;
    assert_eq!((&t["client"]["id"], &t["contact"]["name"]), (&acme["id"], &json!("Dan Dee")), "{t}");
    let (_, people) =
        send(&app, "GET", &format!("/api/clients.json/{}/contacts", acme["id"]), Auth::Bearer(&admin), None).await;
    assert_eq!(people[0]["email"], "dan@acme.example");
    assert!(people[0]["user_id"].is_i64(), "with the account the mail made: {people}");
}

#[actix_web::test]
async fn who_may_read_change_and_log() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let (_, acme) =
        send(&app, "POST", "/api/clients.json", Auth::Bearer(&admin), Some(json!({"name": "Acme Corp"}))).await;
    let id = acme["id"].as_i64().unwrap();
    let (_, viewer) = person(&app, &st, &admin, "vic", 2).await;
    let (_, agent) = person(&app, &st, &admin, "agnes", 3).await;
    let (_, manager) = person(&app, &st, &admin, "manny", 5).await;
    let (_, customer) = person(&app, &st, &admin, "cus", 1).await;
    let read_key = api_key(&st, "read");
    let events = format!("/api/clients.json/{id}/events");
    let event = || Some(json!({"kind": "Note", "summary": "x"}));
    // Reading: restricted viewers and up (the default threshold), keys with read; not customers.
    assert_eq!(send(&app, "GET", "/api/clients.json", Auth::Bearer(&viewer), None).await.0, 200);
    assert_eq!(send(&app, "GET", "/api/clients.json", Auth::Key(&read_key), None).await.0, 200);
    assert_eq!(send(&app, "GET", "/api/clients.json", Auth::Bearer(&customer), None).await.0, 403);
    assert_eq!(send(&app, "GET", "/api/clients.json", Auth::Nobody, None).await.0, 401);
    // Changing: user managers and up; events at "can add client events" (user managers by default).
    let rename = || Some(json!({"name": "Acme Inc"}));
    assert_eq!(send(&app, "PUT", &format!("/api/clients.json/{id}"), Auth::Bearer(&agent), rename()).await.0, 403);
    assert_eq!(send(&app, "PUT", &format!("/api/clients.json/{id}"), Auth::Key(&read_key), rename()).await.0, 403);
    assert_eq!(send(&app, "PUT", &format!("/api/clients.json/{id}"), Auth::Bearer(&manager), rename()).await.0, 200);
    assert_eq!(send(&app, "POST", &events, Auth::Bearer(&agent), event()).await.0, 403);
    assert_eq!(send(&app, "POST", &events, Auth::Bearer(&manager), event()).await.0, 201);
    // The thresholds are the administrator's: agents may log events, viewers see no clients.
    let (status, _) = send(
        &app,
        "PUT",
        "/api/settings.json",
        Auth::Bearer(&admin),
        Some(json!({"capabilities": {"add_client_events": 3, "view_client_details": 3}})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(send(&app, "POST", &events, Auth::Bearer(&agent), event()).await.0, 201);
    assert_eq!(send(&app, "GET", "/api/clients.json", Auth::Bearer(&viewer), None).await.0, 403);
}
