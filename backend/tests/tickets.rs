//! The ticket rules that need a real database: concurrent writers, numbering, visibility of
//! internal notes, and the customer's reopen window.

mod common;

use common::{api_key, app, bearer, call, conn, state, test_db};
use diesel::prelude::*;
use serde_json::json;

#[actix_web::test]
async fn a_stale_version_gets_409_and_changes_nothing() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let key = api_key(&st, "read,write,impersonate");
    let (status, ticket) = call(
        &app,
        "POST",
        "/api/tickets.json",
        &key,
        Some(json!({"email": "ann@example.com", "name": "Ann Lee", "subject": "VPN down", "message": "It drops."})),
    )
    .await;
    assert_eq!(status, 201, "{ticket}");
    let number = ticket["ticket_number"].as_str().unwrap().to_owned();
    let path = format!("/api/tickets.json/{number}");
    let (first, after) =
        call(&app, "PUT", &path, &key, Some(json!({"message": "Looking into it", "version": 1}))).await;
    assert_eq!(first, 200, "{after}");
    assert_eq!(after["version"], 2);
    let (second, error) = call(&app, "PUT", &path, &key, Some(json!({"message": "Me too", "version": 1}))).await;
    assert_eq!(second, 409);
    assert_eq!(error["error"]["code"], "conflict");
    let (_, now) = call(&app, "GET", &path, &key, None).await;
    assert_eq!(now["version"], 2);
    assert_eq!(now["threads"].as_array().unwrap().len(), 2, "the rejected reply was not stored");
}

#[actix_web::test]
async fn parallel_creates_get_distinct_numbers() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let key = api_key(&st, "read,write");
    let calls = (0..12).map(|i| {
        call(
            &app,
            "POST",
            "/api/tickets.json",
            &key,
            Some(json!({
                "email": format!("user{}@example.com", i % 3), "name": "Some One",
                "subject": format!("Ticket {i}"), "message": "Hello"
            })),
        )
    });
    let results = futures_util::future::join_all(calls).await;
    let mut numbers: Vec<String> = results
        .iter()
        .map(|(status, t)| {
            assert_eq!(*status, 201, "{t}");
            t["ticket_number"].as_str().unwrap().to_owned()
        })
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 12);
    let (_, list) = call(&app, "GET", "/api/tickets.json?per_page=100&threads=false", &key, None).await;
    assert_eq!(list.as_array().unwrap().len(), 12);
    let customers: i64 = oxidesk::core::db::schema::users::table.count().get_result(&mut conn(&st)).unwrap();
    assert_eq!(customers, 3, "one account per email address");
}

#[actix_web::test]
async fn customers_never_see_internal_notes_nor_find_tickets_by_them() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let key = api_key(&st, "read,write,impersonate");
    let (_, ticket) = call(
        &app,
        "POST",
        "/api/tickets.json",
        &key,
        Some(json!({"email": "bo@example.com", "name": "Bo Berg", "subject": "Laptop", "message": "Broken screen"})),
    )
    .await;
    let number = ticket["ticket_number"].as_str().unwrap();
    let user_id = ticket["user"]["id"].as_i64().unwrap();
    let path = format!("/api/tickets.json/{number}");
    let (status, _) =
        call(&app, "PUT", &path, &key, Some(json!({"message": "warranty expired zebra", "type": "note"}))).await;
    assert_eq!(status, 200);
    // The agent's view has the note; the customer's has not.
    let (_, agent_view) = call(&app, "GET", &path, &key, None).await;
    assert!(agent_view["threads"].as_array().unwrap().iter().any(|e| e["type"] == "N"));
    let (status, customer_view) =
        call(&app, "PUT", &path, &key, Some(json!({"user_id": user_id, "message": "Any news?"}))).await;
    assert_eq!(status, 200);
    assert!(customer_view["threads"].as_array().unwrap().iter().all(|e| e["type"] != "N"), "{customer_view}");
    let (_, agent_hits) = call(&app, "GET", "/api/tickets.json?q=zebra", &key, None).await;
    assert_eq!(agent_hits.as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn customers_reopen_only_within_the_window_agents_always() {
    use oxidesk::core::db::schema::tickets;
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let key = api_key(&st, "read,write,impersonate");
    let (_, ticket) = call(
        &app,
        "POST",
        "/api/tickets.json",
        &key,
        Some(json!({"email": "cy@example.com", "name": "Cy Dee", "subject": "Badge", "message": "Badge rejected"})),
    )
    .await;
    let number = ticket["ticket_number"].as_str().unwrap().to_owned();
    let user_id = ticket["user"]["id"].as_i64().unwrap();
    let path = format!("/api/tickets.json/{number}");
    let (status, _) = call(&app, "DELETE", &path, &key, Some(json!({"user_id": user_id}))).await;
    assert_eq!(status, 204);
    // Pretend it was closed four days ago.
    let long_ago = chrono::Utc::now().naive_utc() - chrono::Duration::hours(96);
    diesel::update(tickets::table.filter(tickets::number.eq(&number)))
        .set(tickets::closed_at.eq(Some(long_ago)))
        .execute(&mut conn(&st))
        .unwrap();
    let (status, error) = call(&app, "POST", &path, &key, Some(json!({"user_id": user_id}))).await;
    assert_eq!(status, 403, "{error}");
    let (status, reopened) = call(&app, "POST", &path, &key, None).await;
    assert_eq!(status, 200);
    assert_eq!(reopened["status_state"], "open");
    assert_eq!(reopened["close_timestamp"], serde_json::Value::Null);
}

#[actix_web::test]
async fn only_keys_name_the_address_a_ticket_came_from() {
    use actix_web::test::{call_service, TestRequest};
    use oxidesk::core::db::schema::audit_log;
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let key = api_key(&st, "read,write");
    // A website files for its visitor and names the visitor's address.
    let (status, ticket) = call(
        &app,
        "POST",
        "/api/tickets.json",
        &key,
        Some(json!({"email": "cat@example.com", "subject": "From the website", "message": "Hi", "ip": "203.0.113.7"})),
    )
    .await;
    assert_eq!(status, 201, "{ticket}");
    // A person naming an address is recorded by their own: the audit log cannot be forged.
    let token = bearer(&st, ticket["user"]["id"].as_i64().unwrap());
    let req = TestRequest::post()
        .uri("/api/tickets.json")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .peer_addr("192.0.2.44:50000".parse().unwrap())
        .set_json(json!({"subject": "Myself", "message": "Hi", "ip": "203.0.113.99"}));
    assert_eq!(call_service(&app, req.to_request()).await.status().as_u16(), 201);
    let ips: Vec<Option<String>> = audit_log::table
        .filter(audit_log::action.eq("ticket.create"))
        .order(audit_log::id)
        .select(audit_log::ip)
        .load(&mut conn(&st))
        .unwrap();
    assert_eq!(ips, [Some("203.0.113.7".to_owned()), Some("192.0.2.44".to_owned())]);
}

/// `?format=` chooses what the create answers, whatever `Accept` says; without it `Accept` does,
/// so that osTicket's scripts (neither) keep getting the bare number. A wrong value is a 422
/// naming `format` that files nothing.
#[actix_web::test]
async fn the_create_answer_is_what_format_asks_for() {
    use actix_web::test::{call_service, read_body, TestRequest};
    use oxidesk::core::db::schema::tickets;
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let key = api_key(&st, "read,write");
    let create = |query: &str, accept: Option<&str>| {
        let req = TestRequest::post()
            .uri(&format!("/api/tickets.json{query}"))
            .insert_header(("X-API-Key", key.clone()))
            .set_json(json!({"email": "dee@example.com", "subject": "Printer", "message": "Jammed"}));
        match accept {
            Some(accept) => req.insert_header(("Accept", accept)).to_request(),
            None => req.to_request(),
        }
    };
    for (query, accept, json_back) in [
        ("", None, false),
        ("", Some("application/json"), true),
        ("?format=json", None, true),
        ("?format=json", Some("text/plain"), true),
        ("?format=text", Some("application/json"), false),
    ] {
        let resp = call_service(&app, create(query, accept)).await;
        assert_eq!(resp.status().as_u16(), 201, "{query} {accept:?}");
        let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let body = read_body(resp).await;
        let number = if json_back {
            assert!(content_type.starts_with("application/json"), "{query} {accept:?}: {content_type}");
            let ticket: serde_json::Value = serde_json::from_slice(&body).expect("a JSON ticket");
            assert_eq!(ticket["subject"], "Printer", "{ticket}");
            ticket["ticket_number"].as_str().expect("ticket_number").to_owned()
        } else {
            assert!(content_type.starts_with("text/plain"), "{query} {accept:?}: {content_type}");
            String::from_utf8(body.to_vec()).expect("text")
        };
        assert!(number.starts_with("TCK-"), "{query} {accept:?}: {number:?}");
    }
    for bad in ["xml", "JSON", ""] {
        let resp = call_service(&app, create(&format!("?format={bad}"), Some("application/json"))).await;
        assert_eq!(resp.status().as_u16(), 422, "format={bad}");
        let error: serde_json::Value = serde_json::from_slice(&read_body(resp).await).expect("an error body");
        assert_eq!(error["error"]["code"], "invalid_fields", "{error}");
        assert!(error["error"]["fields"]["format"].as_str().is_some_and(|m| m.contains("json or text")), "{error}");
    }
    let filed: i64 = tickets::table.count().get_result(&mut conn(&st)).unwrap();
    assert_eq!(filed, 5, "a wrong format files nothing");
}
