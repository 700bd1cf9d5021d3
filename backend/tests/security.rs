//! Accounts and sessions (issue 4): confirming a registration, resetting and changing a
//! password, refresh-token rotation and reuse, sessions that end on a level change, common
//! passwords, capability thresholds, API key scopes and expiry, and CORS — each with its bad
//! inputs, on a real database.

mod common;

use actix_web::{test, App};
use common::{api_key, app, exchange, mailed_token, outbox_until, send, state, test_db, Auth};
use serde_json::{json, Value};

const ADMIN_PASSWORD: &str = "the admin's long password";

/// First run: the administrator's access token.
async fn admin_token(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
) -> String {
    let (status, body) = send(
        app,
        "POST",
        "/api/setup.json",
        Auth::Nobody,
        Some(json!({
            "username": "admin", "name": "Ada Admin", "email": "admin@example.com", "password": ADMIN_PASSWORD,
            "allow_registrations": true
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["access_token"].as_str().expect("token").to_owned()
}

#[actix_web::test]
async fn a_registration_is_confirmed_by_its_mailed_link_once() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = admin_token(&app).await;
    let body = json!({"username": "jdoe", "name": "John Doe", "email": "john@example.com", "password": "john's long passphrase"});
    let (status, reg) = send(&app, "POST", "/api/auth/register.json", Auth::Nobody, Some(body)).await;
    assert_eq!((status, reg["message"].as_str().is_some()), (202, true), "{reg}");
    let (_, jdoe) = send(&app, "GET", "/api/users.json?q=jdoe", Auth::Bearer(&admin), None).await;
    assert_eq!(jdoe[0]["email_confirmed"], false, "{jdoe}");

    let login = json!({"username": "JDoe", "password": "john's long passphrase"});
    let (status, refused) = send(&app, "POST", "/api/auth/login.json", Auth::Nobody, Some(login.clone())).await;
    assert_eq!(status, 403, "not confirmed yet: {refused}");
    // A wrong password says nothing about confirmation.
    let (status, _) = send(
        &app,
        "POST",
        "/api/auth/login.json",
        Auth::Nobody,
        Some(json!({"username": "jdoe", "password": "wrong one"})),
    )
    .await;
    assert_eq!(status, 401);

    // The sign-in mailed a second link: the first one no longer works, the newest does, once.
    let (_, mails) = send(&app, "GET", "/api/outbox.json", Auth::Bearer(&admin), None).await;
    let confirmations: Vec<_> = mails.as_array().unwrap().iter().filter(|m| m["kind"] == "account.confirm").collect();
    assert_eq!(confirmations.len(), 2, "{mails}");
    assert!(confirmations[0]["subject"].as_str().unwrap().contains("Confirm"), "{mails}");
    let token = mailed_token(&app, &st, &admin, "john@example.com", "/confirm?token=").await;
    for (bad, why) in [
        (json!({}), "no token"),
        (json!({"token": "x".repeat(300)}), "too long"),
        (json!({"token": "nope"}), "unknown"),
    ] {
        let (status, err) = send(&app, "POST", "/api/auth/confirm.json", Auth::Nobody, Some(bad)).await;
        assert_eq!((status, err["error"]["fields"]["token"].is_string()), (422, true), "{why}: {err}");
    }
    let (status, _) = send(&app, "POST", "/api/auth/confirm.json", Auth::Nobody, Some(json!({"token": token}))).await;
    assert_eq!(status, 204);
    let (status, _) = send(&app, "POST", "/api/auth/confirm.json", Auth::Nobody, Some(json!({"token": token}))).await;
    assert_eq!(status, 422, "single use");
    let (status, signed_in) = send(&app, "POST", "/api/auth/login.json", Auth::Nobody, Some(login)).await;
    assert_eq!((status, signed_in["user"]["email_confirmed"].as_bool()), (200, Some(true)), "{signed_in}");

    // The outbox is the administrator's: nobody else reads the links in it.
    let customer = signed_in["access_token"].as_str().unwrap();
    assert_eq!(send(&app, "GET", "/api/outbox.json", Auth::Bearer(customer), None).await.0, 403);
    assert_eq!(send(&app, "GET", "/api/outbox.json", Auth::Nobody, None).await.0, 401);
    assert_eq!(send(&app, "GET", "/api/outbox.json?per_page=0", Auth::Bearer(&admin), None).await.0, 422);
}

#[actix_web::test]
async fn a_forgotten_password_is_reset_by_a_single_use_link() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = admin_token(&app).await;
    let (_, me) = send(
        &app,
        "POST",
        "/api/auth/login.json",
        Auth::Nobody,
        Some(json!({"username": "admin", "password": ADMIN_PASSWORD})),
    )
    .await;
    let old_session = me["access_token"].as_str().unwrap().to_owned();

    // The same answer whether or not the account exists.
    let (status, known) =
        send(&app, "POST", "/api/auth/reset.json", Auth::Nobody, Some(json!({"login": "ADMIN@example.com"}))).await;
    let (status2, unknown) =
        send(&app, "POST", "/api/auth/reset.json", Auth::Nobody, Some(json!({"login": "nobody@example.com"}))).await;
    assert_eq!((status, status2), (202, 202));
    assert_eq!(known, unknown);
    let (status, err) = send(&app, "POST", "/api/auth/reset.json", Auth::Nobody, Some(json!({"login": "  "}))).await;
    assert_eq!((status, err["error"]["fields"]["login"].is_string()), (422, true), "{err}");
    let resets = |mails: &[Value]| mails.iter().filter(|m| m["kind"] == "account.reset").count();
    outbox_until(&app, &admin, |mails| resets(mails) == 1).await;
    // The unknown address's request had as long to queue a mail: none for it.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(resets(&outbox_until(&app, &admin, |_| true).await), 1, "none for the unknown address");

    let token = mailed_token(&app, &st, &admin, "admin@example.com", "/reset?token=").await;
    // A common password is refused and the token stays good.
    let (status, err) = send(
        &app,
        "POST",
        "/api/auth/reset/confirm.json",
        Auth::Nobody,
        Some(json!({"token": token, "password": "password123"})),
    )
    .await;
    assert_eq!((status, err["error"]["fields"]["password"].is_string()), (422, true), "{err}");
    let (status, _) = send(
        &app,
        "POST",
        "/api/auth/reset/confirm.json",
        Auth::Nobody,
        Some(json!({"token": token, "password": "a fresh long passphrase"})),
    )
    .await;
    assert_eq!(status, 204);
    let (status, err) = send(
        &app,
        "POST",
        "/api/auth/reset/confirm.json",
        Auth::Nobody,
        Some(json!({"token": token, "password": "another long passphrase"})),
    )
    .await;
    assert_eq!((status, err["error"]["fields"]["token"].is_string()), (422, true), "a used token: {err}");

    // Every session ended; the new password works, the old one not.
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(&old_session), None).await.0, 401);
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(&admin), None).await.0, 401);
    let (status, _) = send(
        &app,
        "POST",
        "/api/auth/login.json",
        Auth::Nobody,
        Some(json!({"username": "admin", "password": ADMIN_PASSWORD})),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = send(
        &app,
        "POST",
        "/api/auth/login.json",
        Auth::Nobody,
        Some(json!({"username": "admin", "password": "a fresh long passphrase"})),
    )
    .await;
    assert_eq!(status, 200);
    let actions: Vec<String> = {
        use diesel::prelude::*;
        use oxidesk::core::db::schema::audit_log;
        audit_log::table.select(audit_log::action).load(&mut common::conn(&st)).unwrap()
    };
    assert!(
        actions.iter().any(|a| a == "user.reset_requested") && actions.iter().any(|a| a == "user.password_reset"),
        "{actions:?}"
    );
}

#[actix_web::test]
async fn changing_your_password_ends_your_other_sessions() {
    let db = test_db();
    let app = app(state(&db)).await;
    let first = admin_token(&app).await;
    let (_, second) = send(
        &app,
        "POST",
        "/api/auth/login.json",
        Auth::Nobody,
        Some(json!({"username": "admin", "password": ADMIN_PASSWORD})),
    )
    .await;
    let second = second["access_token"].as_str().unwrap().to_owned();
    let path = "/api/users/me/password.json";
    for (body, field) in [
        (json!({"current_password": "wrong", "new_password": "a fresh long passphrase"}), "current_password"),
        (json!({"current_password": ADMIN_PASSWORD, "new_password": "short"}), "new_password"),
        (json!({"current_password": ADMIN_PASSWORD, "new_password": "iloveyou123"}), "new_password"),
        (json!({"current_password": ADMIN_PASSWORD, "new_password": ADMIN_PASSWORD}), "new_password"),
    ] {
        let (status, err) = send(&app, "PUT", path, Auth::Bearer(&second), Some(body.clone())).await;
        assert_eq!((status, err["error"]["fields"][field].is_string()), (422, true), "{body}: {err}");
    }
    assert_eq!(send(&app, "PUT", path, Auth::Nobody, Some(json!({}))).await.0, 401);
    let reply = exchange(
        &app,
        "PUT",
        path,
        Auth::Bearer(&second),
        &[],
        Some(json!({
            "current_password": ADMIN_PASSWORD, "new_password": "a fresh long passphrase"
        })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.refresh_cookie().is_some(), "a new session");
    let third = reply.body["access_token"].as_str().unwrap();
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(&first), None).await.0, 401);
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(&second), None).await.0, 401);
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(third), None).await.0, 200);
}

#[actix_web::test]
async fn a_reused_refresh_token_ends_its_whole_session() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    admin_token(&app).await;
    let login = admin_sign_in(&app).await;
    let first_cookie = login.refresh_cookie().expect("cookie");
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    let rotated =
        exchange(&app, "POST", "/api/auth/refresh.json", Auth::Nobody, &[("Cookie", &first_cookie)], None).await;
    assert_eq!(rotated.status, 200);
    let second_cookie = rotated.refresh_cookie().expect("a new cookie");
    assert_ne!(first_cookie, second_cookie);

    // Within the grace of a concurrent refresh: refused, but the session lives.
    let early =
        exchange(&app, "POST", "/api/auth/refresh.json", Auth::Nobody, &[("Cookie", &first_cookie)], None).await;
    assert_eq!(early.status, 401);
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(&access), None).await.0, 200);

    // Later, a used token is a stolen one: the whole family ends, access tokens included.
    {
        use diesel::prelude::*;
        use oxidesk::core::db::schema::refresh_tokens;
        let long_ago = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(5);
        diesel::update(refresh_tokens::table.filter(refresh_tokens::revoked_at.is_not_null()))
            .set(refresh_tokens::revoked_at.eq(long_ago))
            .execute(&mut common::conn(&st))
            .unwrap();
    }
    let thief =
        exchange(&app, "POST", "/api/auth/refresh.json", Auth::Nobody, &[("Cookie", &first_cookie)], None).await;
    assert_eq!(thief.status, 401);
    let owner =
        exchange(&app, "POST", "/api/auth/refresh.json", Auth::Nobody, &[("Cookie", &second_cookie)], None).await;
    assert_eq!(owner.status, 401, "the family is revoked");
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(&access), None).await.0, 401);
    let reuse: i64 = {
        use diesel::prelude::*;
        use oxidesk::core::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.eq("auth.refresh_reuse"))
            .count()
            .get_result(&mut common::conn(&st))
            .unwrap()
    };
    assert_eq!(reuse, 1);

    // Signing out ends the session at once, its access token too.
    let login = admin_sign_in(&app).await;
    let cookie = login.refresh_cookie().unwrap();
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    // Beside the refresh cookie, the marker the web app reads before it asks for a refresh (and
    // which names the app for the account's level): no secret, readable by scripts, on every path;
    // cleared on sign-out with the refresh cookie.
    let set_cookies = |reply: &common::Reply| -> Vec<String> {
        reply.headers.get_all("set-cookie").filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
    };
    let marker =
        set_cookies(&login).into_iter().find(|c| c.starts_with("oxidesk_session=desk;")).expect("the session marker");
    assert!(marker.contains("Path=/;") && !marker.contains("HttpOnly"), "{marker}");
    let out = exchange(&app, "POST", "/api/auth/logout.json", Auth::Nobody, &[("Cookie", &cookie)], None).await;
    assert_eq!(out.status, 204);
    assert!(
        set_cookies(&out).iter().any(|c| c.starts_with("oxidesk_session=;") && c.contains("Max-Age=0")),
        "{:?}",
        set_cookies(&out)
    );
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(&access), None).await.0, 401);
    assert_eq!(
        exchange(&app, "POST", "/api/auth/refresh.json", Auth::Nobody, &[("Cookie", &cookie)], None).await.status,
        401
    );

    // A script signs out with its access token alone: the session ends all the same, and a copy
    // of that token taken before is refused.
    let login = admin_sign_in(&app).await;
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    let cookie = login.refresh_cookie().unwrap();
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(&access), None).await.0, 200);
    assert_eq!(send(&app, "POST", "/api/auth/logout.json", Auth::Bearer(&access), None).await.0, 204);
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(&access), None).await.0, 401);
    assert_eq!(
        exchange(&app, "POST", "/api/auth/refresh.json", Auth::Nobody, &[("Cookie", &cookie)], None).await.status,
        401,
        "the session's refresh token ends with it"
    );
    // A token that is no token signs nobody out and is no error.
    assert_eq!(send(&app, "POST", "/api/auth/logout.json", Auth::Bearer("not.a.token"), None).await.0, 204);
}

#[actix_web::test]
async fn a_new_level_ends_the_users_sessions() {
    let db = test_db();
    let app = app(state(&db)).await;
    let admin = admin_token(&app).await;
    let (status, agent) = send(&app, "POST", "/api/users.json", Auth::Bearer(&admin), Some(json!({
        "username": "agent", "name": "Agent A", "email": "agent@example.com", "password": "the agent's passphrase", "level": 3
    }))).await;
    assert_eq!(status, 201, "{agent}");
    let login = exchange(
        &app,
        "POST",
        "/api/auth/login.json",
        Auth::Nobody,
        &[],
        Some(json!({"username": "agent", "password": "the agent's passphrase"})),
    )
    .await;
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    let cookie = login.refresh_cookie().unwrap();
    let path = format!("/api/users.json/{}", agent["id"]);
    // A change that keeps the level keeps the session.
    assert_eq!(send(&app, "PUT", &path, Auth::Bearer(&admin), Some(json!({"phone": "555-0100"}))).await.0, 200);
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(&access), None).await.0, 200);
    assert_eq!(send(&app, "PUT", &path, Auth::Bearer(&admin), Some(json!({"level": 2}))).await.0, 200);
    assert_eq!(send(&app, "GET", "/api/users/me.json", Auth::Bearer(&access), None).await.0, 401);
    assert_eq!(
        exchange(&app, "POST", "/api/auth/refresh.json", Auth::Nobody, &[("Cookie", &cookie)], None).await.status,
        401
    );
}

#[actix_web::test]
async fn capability_thresholds_are_set_by_the_administrator_and_enforced() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = admin_token(&app).await;
    let (_, settings) = send(&app, "GET", "/api/settings.json", Auth::Nobody, None).await;
    assert_eq!(settings["capabilities"]["upload_files"], 1);
    assert_eq!(settings["capabilities"]["view_user_details"], 3);
    assert_eq!(settings["capabilities"].as_object().unwrap().len(), 10, "{settings}");
    assert_eq!(settings["new_user_level"], 1);

    let (status, err) = send(
        &app,
        "PUT",
        "/api/settings.json",
        Auth::Bearer(&admin),
        Some(json!({"capabilities": {"upload_files": 9, "teleport": 1}})),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    assert!(
        err["error"]["fields"]["capabilities.upload_files"].is_string()
            && err["error"]["fields"]["capabilities.teleport"].is_string(),
        "{err}"
    );
    let (status, changed) = send(
        &app,
        "PUT",
        "/api/settings.json",
        Auth::Bearer(&admin),
        Some(json!({"capabilities": {"upload_files": 3, "view_user_details": 5}})),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (changed["capabilities"]["upload_files"].as_i64(), changed["capabilities"]["custom_forms"].as_i64()),
        (Some(3), Some(4))
    );

    let (_, customer) = send(&app, "POST", "/api/users.json", Auth::Bearer(&admin), Some(json!({
        "username": "cora", "name": "Cora Customer", "email": "cora@example.com", "password": "cora's long passphrase"
    }))).await;
    let (_, agent) = send(&app, "POST", "/api/users.json", Auth::Bearer(&admin), Some(json!({
        "username": "agent", "name": "Agent A", "email": "agent@example.com", "password": "the agent's passphrase", "level": 3
    }))).await;
    let sign_in = |name: &'static str, password: &'static str| {
        let app = &app;
        async move {
            let (_, body) = send(
                app,
                "POST",
                "/api/auth/login.json",
                Auth::Nobody,
                Some(json!({"username": name, "password": password})),
            )
            .await;
            body["access_token"].as_str().expect("token").to_owned()
        }
    };
    let cora = sign_in("cora", "cora's long passphrase").await;
    let agent_token = sign_in("agent", "the agent's passphrase").await;
    let file = json!([{"note.txt": "data:text/plain,hello"}]);
    let (status, err) = send(
        &app,
        "POST",
        "/api/tickets.json",
        Auth::Bearer(&cora),
        Some(json!({"subject": "S", "message": "M", "attachments": file})),
    )
    .await;
    assert_eq!(status, 403, "below the upload level: {err}");
    let (status, _) =
        send(&app, "POST", "/api/tickets.json", Auth::Bearer(&cora), Some(json!({"subject": "S", "message": "M"})))
            .await;
    assert_eq!(status, 201, "without files it is fine");
    let (status, _) = send(
        &app,
        "POST",
        "/api/tickets.json",
        Auth::Bearer(&agent_token),
        Some(json!({"subject": "S", "message": "M", "attachments": file})),
    )
    .await;
    assert_eq!(status, 201);

    // Below "view user details", an agent lists the staff (to assign) but not the directory.
    assert_eq!(send(&app, "GET", "/api/users.json", Auth::Bearer(&agent_token), None).await.0, 403);
    assert_eq!(send(&app, "GET", "/api/users.json?staff=true", Auth::Bearer(&agent_token), None).await.0, 200);
    assert_eq!(
        send(&app, "GET", &format!("/api/users.json/{}", customer["id"]), Auth::Bearer(&agent_token), None).await.0,
        403
    );
    assert_eq!(
        send(&app, "GET", &format!("/api/users.json/{}", agent["id"]), Auth::Bearer(&agent_token), None).await.0,
        200,
        "oneself"
    );
    assert_eq!(send(&app, "GET", "/api/users.json", Auth::Bearer(&admin), None).await.0, 200);
    let _ = st;
}

#[actix_web::test]
async fn keys_need_the_admin_scope_to_run_the_desk_and_stop_when_they_expire() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = admin_token(&app).await;
    let writer = api_key(&st, "read,write");
    let runner = api_key(&st, "read,admin");
    let topic = json!({"topic": "Printers", "queue_id": 1});
    assert_eq!(send(&app, "POST", "/api/topics.json", Auth::Key(&writer), Some(topic.clone())).await.0, 403);
    assert_eq!(send(&app, "POST", "/api/topics.json", Auth::Key(&runner), Some(topic)).await.0, 201);
    assert_eq!(send(&app, "GET", "/api/outbox.json", Auth::Key(&runner), None).await.0, 200);
    assert_eq!(send(&app, "GET", "/api/outbox.json", Auth::Key(&writer), None).await.0, 403);
    // Keys never manage keys, whatever their scopes.
    assert_eq!(
        send(&app, "POST", "/api/apikeys.json", Auth::Key(&runner), Some(json!({"name": "x", "scopes": ["read"]})))
            .await
            .0,
        403
    );

    for (expires, why) in [("2001-01-01", "past"), ("soon", "not a date"), ("2030-02-30", "no such day")] {
        let (status, err) = send(
            &app,
            "POST",
            "/api/apikeys.json",
            Auth::Bearer(&admin),
            Some(json!({"name": "x", "scopes": ["read"], "expires": expires})),
        )
        .await;
        assert_eq!((status, err["error"]["fields"]["expires"].is_string()), (422, true), "{why}: {err}");
    }
    let (status, created) = send(
        &app,
        "POST",
        "/api/apikeys.json",
        Auth::Bearer(&admin),
        Some(json!({"name": "temp", "scopes": ["read"], "expires": "2099-12-31"})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["key"]["expires"], "2100-01-01T00:00:00Z");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert_eq!(send(&app, "GET", "/api/topics.json", Auth::Key(&secret), None).await.0, 200);
    {
        use diesel::prelude::*;
        use oxidesk::core::db::schema::api_keys;
        let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1);
        diesel::update(api_keys::table.filter(api_keys::name.eq("temp")))
            .set(api_keys::expires_at.eq(past))
            .execute(&mut common::conn(&st))
            .unwrap();
    }
    // A fresh server (no cached key) refuses it.
    let fresh = common::app(state(&db)).await;
    let (status, err) = send(&fresh, "GET", "/api/tickets.json", Auth::Key(&secret), None).await;
    assert_eq!(status, 401, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("expired"), "{err}");
}

#[actix_web::test]
async fn cors_answers_only_the_configured_origins() {
    let db = test_db();
    let st = state(&db);
    let origins = vec!["https://intranet.example.com".to_owned()];
    let app = test::init_service(
        App::new().wrap(oxidesk::startup::cors(&origins)).configure(oxidesk::startup::app_config(st)),
    )
    .await;
    let preflight = |origin: &'static str| {
        let app = &app;
        async move {
            exchange(
                app,
                "OPTIONS",
                "/api/tickets.json",
                Auth::Nobody,
                &[
                    ("Origin", origin),
                    ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "x-api-key"),
                ],
                None,
            )
            .await
        }
    };
    let allowed = preflight("https://intranet.example.com").await;
    assert_eq!(allowed.header("access-control-allow-origin").as_deref(), Some("https://intranet.example.com"));
    assert!(allowed.header("access-control-allow-headers").unwrap_or_default().to_lowercase().contains("x-api-key"));
    let other = preflight("https://evil.example").await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    let simple =
        exchange(&app, "GET", "/api/settings.json", Auth::Nobody, &[("Origin", "https://evil.example")], None).await;
    assert_eq!((simple.status, simple.header("access-control-allow-origin")), (200, None));

    // Off by default: no origin gets CORS headers.
    let db = test_db();
    let plain = test::init_service(
        App::new().wrap(oxidesk::startup::cors(&[])).configure(oxidesk::startup::app_config(state(&db))),
    )
    .await;
    let reply = exchange(
        &plain,
        "GET",
        "/api/settings.json",
        Auth::Nobody,
        &[("Origin", "https://intranet.example.com")],
        None,
    )
    .await;
    assert_eq!((reply.status, reply.header("access-control-allow-origin")), (200, None));
}

#[actix_web::test]
async fn a_user_manager_confirms_an_address_whose_mail_never_arrived() {
    let db = test_db();
    let app = app(state(&db)).await;
    let admin = admin_token(&app).await;
    let (status, reg) = send(
        &app,
        "POST",
        "/api/auth/register.json",
        Auth::Nobody,
        Some(json!({
            "username": "lost", "name": "Lost Mail", "email": "lost@example.com", "password": "lost mail passphrase"
        })),
    )
    .await;
    assert_eq!(status, 202, "{reg}");
    let (_, lost) = send(&app, "GET", "/api/users.json?q=lost", Auth::Bearer(&admin), None).await;
    let path = format!("/api/users.json/{}", lost[0]["id"]);
    let (status, err) =
        send(&app, "PUT", &path, Auth::Bearer(&admin), Some(json!({"email_confirmed": "perhaps"}))).await;
    assert_eq!(status, 422, "{err}");
    let (status, user) = send(&app, "PUT", &path, Auth::Bearer(&admin), Some(json!({"email_confirmed": true}))).await;
    assert_eq!((status, user["email_confirmed"].as_bool()), (200, Some(true)), "{user}");
    let (status, _) = send(
        &app,
        "POST",
        "/api/auth/login.json",
        Auth::Nobody,
        Some(json!({"username": "lost", "password": "lost mail passphrase"})),
    )
    .await;
    assert_eq!(status, 200);
}

/// The administrator's sign-in answer: an access token and the refresh cookie.
async fn admin_sign_in<S, B>(app: &S) -> common::Reply
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    exchange(
        app,
        "POST",
        "/api/auth/login.json",
        Auth::Nobody,
        &[],
        Some(json!({"username": "admin", "password": ADMIN_PASSWORD})),
    )
    .await
}
