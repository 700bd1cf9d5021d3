//! Users, sign-in and help topics: the happy paths and every bad input, on a real database.

mod common;

use actix_web::test;
use common::{api_key, app, call, first_admin, send, state, test_db, Auth};
use serde_json::{json, Value};

async fn login(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    body: Value,
    ip: &str,
) -> (u16, Value, Option<String>, Option<String>) {
    let req = test::TestRequest::post()
        .uri("/api/auth/login.json")
        .peer_addr(format!("{ip}:40000").parse().unwrap())
        .set_json(body)
        .to_request();
    let resp = test::call_service(app, req).await;
    let status = resp.status().as_u16();
    let cookie = resp.response().cookies().find(|c| c.name() == "oxidesk_refresh").map(|c| c.value().to_owned());
    let retry = resp.headers().get("Retry-After").map(|v| v.to_str().unwrap().to_owned());
    let body: Value = serde_json::from_slice(&test::read_body(resp).await).unwrap_or(Value::Null);
    (status, body, cookie, retry)
}

async fn bearer_get(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    path: &str,
    token: &str,
) -> (u16, Value) {
    let req =
        test::TestRequest::get().uri(path).insert_header(("Authorization", format!("Bearer {token}"))).to_request();
    let resp = test::call_service(app, req).await;
    let status = resp.status().as_u16();
    (status, serde_json::from_slice(&test::read_body(resp).await).unwrap_or(Value::Null))
}

#[actix_web::test]
async fn users_are_created_with_valid_fields_only() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let key = api_key(&st, "read,write,admin");
    // Customers take the write scope; staff the admin scope.
    let writer = api_key(&st, "read,write");
    let (status, body) = call(
        &app,
        "POST",
        "/api/users.json",
        &writer,
        Some(json!({
            "name": "Agent Smith", "email": "smith@example.com", "level": 3
        })),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    // No key chooses a password: the person sets their own ("Forgot password").
    let (status, refused) = call(&app, "POST", "/api/users.json", &key, Some(json!({
        "username": "agent.smith", "name": "Agent Smith", "email": "Smith@Example.com", "password": "long enough pass", "level": 3
    }))).await;
    assert_eq!(status, 403, "{refused}");
    let (status, user) = call(
        &app,
        "POST",
        "/api/users.json",
        &key,
        Some(json!({
            "username": "agent.smith", "name": "Agent Smith", "email": "Smith@Example.com", "level": 3
        })),
    )
    .await;
    assert_eq!(status, 201, "{user}");
    assert_eq!(user["email"], "smith@example.com");
    assert_eq!(user["level"], 3);
    assert_eq!(user["lastname"], "Smith");
    for (body, field) in [
        (json!({"name": "No Mail"}), "email"),
        (json!({"name": "Bad", "email": "not-an-email"}), "email"),
        (json!({"email": "x@example.com"}), "name"),
        (json!({"name": "Dup", "email": "SMITH@example.com"}), "email"),
        (json!({"name": "Dup", "email": "other@example.com", "username": "AGENT.SMITH"}), "username"),
        (json!({"name": "Lvl", "email": "lvl@example.com", "level": 9}), "level"),
        (json!({"name": "Nm", "email": "nm@example.com", "username": "a b"}), "username"),
        (json!({"name": "Tz", "email": "tz@example.com", "timezone": "Europe/<b>Berlin"}), "timezone"),
        (json!({"name": "Tz", "email": "tz@example.com", "timezone": "x".repeat(65)}), "timezone"),
        (json!({"name": "Tz", "email": "tz@example.com", "timezone": ""}), "timezone"),
        (json!({"name": "Lg", "email": "lg@example.com", "language": "German"}), "language"),
        (json!({"name": "Lg", "email": "lg@example.com", "language": "de_DE"}), "language"),
        (json!({"name": "Lg", "email": "lg@example.com", "language": "<b>de"}), "language"),
        (json!({"name": "Lg", "email": "lg@example.com", "language": ""}), "language"),
    ] {
        let (status, error) = call(&app, "POST", "/api/users.json", &key, Some(body.clone())).await;
        assert_eq!(status, 422, "{body} → {error}");
        assert!(error["error"]["fields"].get(field).is_some(), "{body} → {error}");
    }
    let (status, _) = call(
        &app,
        "POST",
        "/api/users.json",
        &key,
        Some(json!({"name": "Root", "email": "root@example.com", "level": 6})),
    )
    .await;
    assert_eq!(status, 403, "keys cannot create administrators");
    let read_only = api_key(&st, "read");
    let (status, _) =
        call(&app, "POST", "/api/users.json", &read_only, Some(json!({"name": "R", "email": "r@example.com"}))).await;
    assert_eq!(status, 403);
    let (status, list) = call(&app, "GET", "/api/users.json?q=smith", &key, None).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1, "only the one valid user exists");
    // Where a person lives and what they read: set on create, changed or cleared later.
    let body =
        json!({"name": "Jürgen Kunde", "email": "jk@example.com", "timezone": "Europe/Berlin", "language": "de-AT"});
    let (status, made) = call(&app, "POST", "/api/users.json", &key, Some(body)).await;
    assert_eq!(
        (status, made["timezone"].as_str(), made["language"].as_str()),
        (201, Some("Europe/Berlin"), Some("de-AT"))
    );
    let path = format!("/api/users.json/{}", made["id"]);
    let (status, changed) = call(&app, "PUT", &path, &key, Some(json!({"language": "pt-BR", "timezone": ""}))).await;
    assert_eq!(
        (status, changed["language"].as_str(), changed["timezone"].is_null()),
        (200, Some("pt-BR"), true),
        "{changed}"
    );
    for body in [json!({"language": "português"}), json!({"timezone": "Mars/Olympus Mons"})] {
        let (status, error) = call(&app, "PUT", &path, &key, Some(body.clone())).await;
        assert_eq!(status, 422, "{body} → {error}");
    }
    let (_, unchanged) = call(&app, "GET", &path, &key, None).await;
    assert_eq!((unchanged["language"].as_str(), unchanged["timezone"].is_null()), (Some("pt-BR"), true));
    // A person's passwords are checked: too short, or osTicket's example, one of the most common.
    let admin = first_admin(&app).await;
    for password in ["short", "thepassword"] {
        let body = json!({"name": "Short", "email": "short@example.com", "password": password});
        let (status, error) = send(&app, "POST", "/api/users.json", Auth::Bearer(&admin), Some(body)).await;
        assert_eq!((status, error["error"]["fields"]["password"].is_string()), (422, true), "{error}");
    }
    // osTicket's example, from a key: without the password it chose, the person is created.
    let osticket_example = json!({
        "phone": "4254441212X123", "notes": "Mynotes", "name": "john doe", "email": "new.user@example.com",
        "password": "john's own passphrase", "timezone": "America/Los_Angeles"
    });
    let (status, body) = call(&app, "POST", "/api/scp/users.json", &key, Some(osticket_example.clone())).await;
    assert_eq!(status, 403, "{body}");
    let mut fine = osticket_example;
    fine.as_object_mut().unwrap().remove("password");
    let (status, answer) = call(&app, "POST", "/api/scp/users.json", &key, Some(fine)).await;
    assert_eq!(status, 201);
    assert_eq!(answer, json!({"name": "john doe", "email": "new.user@example.com", "phone": "4254441212X123"}));
}

#[actix_web::test]
async fn sign_in_refresh_and_the_limits_of_a_customer() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let key = api_key(&st, "read,write");
    let admin = first_admin(&app).await;
    send(&app, "POST", "/api/users.json", Auth::Bearer(&admin), Some(json!({
        "username": "carla", "name": "Carla Customer", "email": "carla@example.com", "password": "carla's passphrase"
    }))).await;
    let (status, session, cookie, _) =
        login(&app, json!({"username": "CARLA", "password": "carla's passphrase"}), "10.0.0.1").await;
    assert_eq!(status, 200, "{session}");
    let token = session["access_token"].as_str().unwrap().to_owned();
    assert_eq!(session["user"]["level"], 1);
    let (status, me) = bearer_get(&app, "/api/users/me.json", &token).await;
    assert_eq!((status, me["username"].as_str()), (200, Some("carla")));
    // A customer may not list users nor create topics.
    let (status, _) = bearer_get(&app, "/api/users.json", &token).await;
    assert_eq!(status, 403);
    // Tampered, garbage and missing tokens.
    let (status, _) = bearer_get(&app, "/api/users/me.json", &format!("{token}x")).await;
    assert_eq!(status, 401);
    let (status, _) = bearer_get(&app, "/api/users/me.json", "not.a.jwt").await;
    assert_eq!(status, 401);
    // The refresh cookie rotates: the old one no longer works.
    let cookie = cookie.expect("refresh cookie");
    let refresh = |value: String| {
        test::TestRequest::post()
            .uri("/api/auth/refresh.json")
            .cookie(actix_web::cookie::Cookie::new("oxidesk_refresh", value))
            .to_request()
    };
    let resp = test::call_service(&app, refresh(cookie.clone())).await;
    assert_eq!(resp.status().as_u16(), 200);
    let resp = test::call_service(&app, refresh(cookie)).await;
    assert_eq!(resp.status().as_u16(), 401);
    let resp = test::call_service(&app, test::TestRequest::post().uri("/api/auth/refresh.json").to_request()).await;
    assert_eq!(resp.status().as_u16(), 401);
    // /me is for people, not keys.
    let (status, _) = call(&app, "GET", "/api/users/me.json", &key, None).await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn wrong_credentials_and_brute_force_are_refused() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    send(
        &app,
        "POST",
        "/api/users.json",
        Auth::Bearer(&admin),
        Some(json!({
            "username": "dora", "name": "Dora D", "email": "dora@example.com", "password": "dora's passphrase"
        })),
    )
    .await;
    let (status, error, _, _) = login(&app, json!({"username": "dora", "password": "wrong"}), "10.0.0.2").await;
    assert_eq!(status, 401);
    assert_eq!(error["error"]["code"], "unauthorized");
    let (status, same, _, _) = login(&app, json!({"username": "nobody", "password": "wrong"}), "10.0.0.2").await;
    assert_eq!((status, &same), (401, &error), "an unknown user looks exactly like a wrong password");
    let (status, error, _, _) = login(&app, json!({"username": "", "password": ""}), "10.0.0.2").await;
    assert_eq!(status, 422);
    assert!(error["error"]["fields"]["username"].is_string() && error["error"]["fields"]["password"].is_string());
    // 10 attempts per minute per address: the 11th is refused with Retry-After, even with the
    // right password; another address is not affected.
    for _ in 0..7 {
        login(&app, json!({"username": "dora", "password": "wrong"}), "10.0.0.2").await;
    }
    let (status, error, _, retry) =
        login(&app, json!({"username": "dora", "password": "dora's passphrase"}), "10.0.0.2").await;
    assert_eq!(status, 429, "{error}");
    assert!(retry.unwrap().parse::<u64>().unwrap() >= 1);
    let (status, _, _, _) = login(&app, json!({"username": "dora", "password": "dora's passphrase"}), "10.0.0.3").await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn topics_are_created_by_admins_and_keys_with_valid_names() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let key = api_key(&st, "read,write,admin");
    let (status, topics) = call(&app, "GET", "/api/topics.json", &key, None).await;
    assert_eq!(status, 200);
    assert_eq!(topics.as_array().unwrap().len(), 4);
    assert!(topics.as_array().unwrap().iter().any(|t| t["value"] == "Feedback" && t["id"] == 2));
    let (status, topic) =
        call(&app, "POST", "/api/topics.json", &key, Some(json!({"topic": "Printers", "queue_id": 2}))).await;
    assert_eq!(status, 201, "{topic}");
    assert_eq!((topic["value"].as_str(), topic["queue"].as_str()), (Some("Printers"), Some("Sales")));
    for (body, field) in [
        (json!({"value": ""}), "value"),
        (json!({"value": "Printers"}), "value"),
        (json!({"value": "Ok", "queue_id": 99}), "queue_id"),
        (json!({"value": "x".repeat(129)}), "value"),
    ] {
        let (status, error) = call(&app, "POST", "/api/topics.json", &key, Some(body.clone())).await;
        assert_eq!(status, 422, "{body} → {error}");
        assert!(error["error"]["fields"].get(field).is_some(), "{body} → {error}");
    }
    let (_, topics) = call(&app, "GET", "/api/topics.json", &key, None).await;
    assert_eq!(topics.as_array().unwrap().len(), 5, "no rejected topic was stored");
    let (status, queues) = call(&app, "GET", "/api/queues.json", &key, None).await;
    assert_eq!(status, 200);
    assert_eq!(queues.as_array().unwrap().len(), 2);
}
