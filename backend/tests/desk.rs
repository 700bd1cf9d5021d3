//! First run, settings, registration, guest tickets, visibility, and the agents' desk features
//! (list filters, following, time spent, bulk changes, saved views): each with its bad inputs,
//! on a real database.

mod common;

use common::{api_key, app, send, state, test_db, Auth};
use serde_json::{json, Value};

fn setup_body() -> Value {
    json!({
        "username": "admin", "name": "Ada Admin", "email": "admin@example.com",
        "password": "a long passphrase", "site_name": "ACME IT", "ticket_prefix": "IT-",
        "visibility": "restricted", "allow_registrations": true, "allow_guest_tickets": false
    })
}

/// Runs the first-run setup and answers the administrator's access token.
async fn set_up(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
) -> String {
    let (status, body) = send(app, "POST", "/api/setup.json", Auth::Nobody, Some(setup_body())).await;
    assert_eq!(status, 201, "{body}");
    body["access_token"].as_str().expect("token").to_owned()
}

/// A desk after its first run: the database (kept alive), the app, the administrator's token and
/// a key with every scope but impersonation.
macro_rules! set_up_desk {
    ($db:ident, $app:ident, $admin:ident, $key:ident) => {
        let $db = test_db();
        let st = state(&$db);
        let $app = app(st.clone()).await;
        #[allow(unused_variables)]
        let $admin = set_up(&$app).await;
        #[allow(unused_variables)]
        let $key = api_key(&st, "read,write,admin");
    };
}

/// Creates a user (as the administrator: no key chooses a password) and signs them in.
async fn person(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    admin: &str,
    username: &str,
    level: i64,
) -> (i64, String) {
    let (status, user) = send(
        app,
        "POST",
        "/api/users.json",
        Auth::Bearer(admin),
        Some(json!({
            "username": username, "name": format!("{username} Person"), "email": format!("{username}@example.com"),
            "password": "a long passphrase", "level": level
        })),
    )
    .await;
    assert_eq!(status, 201, "{user}");
    let (status, login) = send(
        app,
        "POST",
        "/api/auth/login.json",
        Auth::Nobody,
        Some(json!({
            "username": username, "password": "a long passphrase"
        })),
    )
    .await;
    assert_eq!(status, 200, "{login}");
    (user["id"].as_i64().expect("id"), login["access_token"].as_str().expect("token").to_owned())
}

async fn new_ticket(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    auth: Auth<'_>,
    subject: &str,
) -> String {
    let (status, t) = send(
        app,
        "POST",
        "/api/tickets.json",
        auth,
        Some(json!({
            "subject": subject, "message": format!("About {subject}")
        })),
    )
    .await;
    assert_eq!(status, 201, "{t}");
    t["ticket_number"].as_str().expect("number").to_owned()
}

async fn numbers(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    auth: Auth<'_>,
    query: &str,
) -> Vec<String> {
    let (status, list) = send(app, "GET", &format!("/api/tickets.json?threads=false&{query}"), auth, None).await;
    assert_eq!(status, 200, "{query}: {list}");
    list.as_array().expect("list").iter().map(|t| t["ticket_number"].as_str().unwrap_or_default().to_owned()).collect()
}

#[actix_web::test]
async fn first_run_creates_the_administrator_once_and_only_from_valid_input() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let (_, settings) = send(&app, "GET", "/api/settings.json", Auth::Nobody, None).await;
    assert_eq!(settings["setup_needed"], true);
    assert_eq!(settings["visibility"], "restricted");

    // Every bad field at once, and nothing is created.
    let mut bad = setup_body();
    bad["username"] = json!("a b");
    bad["password"] = json!("short");
    bad["ticket_prefix"] = json!("no spaces");
    bad["visibility"] = json!("secret");
    let (status, err) = send(&app, "POST", "/api/setup.json", Auth::Nobody, Some(bad)).await;
    assert_eq!(status, 422, "{err}");
    for field in ["username", "password", "ticket_prefix", "visibility"] {
        assert!(err["error"]["fields"][field].is_string(), "{field}: {err}");
    }
    let (_, settings) = send(&app, "GET", "/api/settings.json", Auth::Nobody, None).await;
    assert_eq!(settings["setup_needed"], true);
    assert_eq!(settings["site_name"], "Oxidesk");

    let token = set_up(&app).await;
    let (status, me) = send(&app, "GET", "/api/users/me.json", Auth::Bearer(&token), None).await;
    assert_eq!((status, me["level"].as_i64()), (200, Some(6)));
    let (_, settings) = send(&app, "GET", "/api/settings.json", Auth::Nobody, None).await;
    assert_eq!(settings["setup_needed"], false);
    assert_eq!(settings["site_name"], "ACME IT");
    assert_eq!(settings["allow_registrations"], true);

    // The prefix applies to new tickets.
    let number = new_ticket(&app, Auth::Bearer(&token), "Prefix check").await;
    assert!(number.starts_with("IT-"), "{number}");

    // A second first run is refused and changes nothing.
    let mut again = setup_body();
    again["username"] = json!("intruder");
    again["email"] = json!("intruder@example.com");
    again["site_name"] = json!("Owned");
    let (status, _) = send(&app, "POST", "/api/setup.json", Auth::Nobody, Some(again)).await;
    assert_eq!(status, 409);
    let (_, settings) = send(&app, "GET", "/api/settings.json", Auth::Nobody, None).await;
    assert_eq!(settings["site_name"], "ACME IT");
    let (status, _) = send(
        &app,
        "POST",
        "/api/auth/login.json",
        Auth::Nobody,
        Some(json!({"username": "intruder", "password": "a long passphrase"})),
    )
    .await;
    assert_eq!(status, 401);
}

#[actix_web::test]
async fn settings_change_only_for_administrators_and_only_with_valid_values() {
    set_up_desk!(db, app, admin, key);
    let (_, agent) = person(&app, &admin, "agent", 3).await;

    let (status, s) = send(
        &app,
        "PUT",
        "/api/settings.json",
        Auth::Bearer(&admin),
        Some(json!({
            "notice": "Maintenance on Friday", "rows_per_page": 50, "max_upload_bytes": 2048
        })),
    )
    .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(
        (s["notice"].as_str(), s["rows_per_page"].as_i64(), s["max_upload_bytes"].as_i64()),
        (Some("Maintenance on Friday"), Some(50), Some(2048))
    );

    for (auth, expected) in [(Auth::Bearer(&agent), 403), (Auth::Nobody, 401)] {
        let (status, _) = send(&app, "PUT", "/api/settings.json", auth, Some(json!({"site_name": "Changed"}))).await;
        assert_eq!(status, expected);
    }
    // A key with the admin scope runs the desk too.
    let (status, _) =
        send(&app, "PUT", "/api/settings.json", Auth::Key(&key), Some(json!({"notice": "Set by a script"}))).await;
    assert_eq!(status, 200);
    for (body, field) in [
        (json!({"rows_per_page": 1000}), "rows_per_page"),
        (json!({"rows_per_page": "many"}), "rows_per_page"),
        (json!({"allow_guest_tickets": "perhaps"}), "allow_guest_tickets"),
        (json!({"max_upload_bytes": 1}), "max_upload_bytes"),
        (json!({"max_upload_bytes": 1_000_000_000}), "max_upload_bytes"),
        (json!({"site_name": ""}), "site_name"),
        (json!({"notice": "x".repeat(1001)}), "notice"),
        (json!({"visibility": "everyone"}), "visibility"),
        (json!({"site_name": "Good", "ticket_prefix": "bad prefix"}), "ticket_prefix"),
    ] {
        let (status, err) = send(&app, "PUT", "/api/settings.json", Auth::Bearer(&admin), Some(body.clone())).await;
        assert_eq!(status, 422, "{body}: {err}");
        assert!(err["error"]["fields"][field].is_string(), "{body}: {err}");
    }
    let (_, s) = send(&app, "GET", "/api/settings.json", Auth::Nobody, None).await;
    assert_eq!(
        (s["site_name"].as_str(), s["ticket_prefix"].as_str(), s["rows_per_page"].as_i64()),
        (Some("ACME IT"), Some("IT-"), Some(50))
    );

    // The upload limit applies to attachments; the rows per page to lists.
    let (status, _) = send(&app, "POST", "/api/tickets.json", Auth::Bearer(&admin), Some(json!({
        "subject": "Big", "message": "file", "attachments": [{"big.txt": format!("data:text/plain,{}", "x".repeat(4096))}]
    }))).await;
    assert_eq!(status, 413);
    for i in 0..3 {
        new_ticket(&app, Auth::Bearer(&admin), &format!("Row {i}")).await;
    }
    send(&app, "PUT", "/api/settings.json", Auth::Bearer(&admin), Some(json!({"rows_per_page": 5}))).await;
    for i in 0..3 {
        new_ticket(&app, Auth::Bearer(&admin), &format!("More {i}")).await;
    }
    assert_eq!(numbers(&app, Auth::Bearer(&admin), "").await.len(), 5);
}

#[actix_web::test]
async fn visitors_register_only_when_allowed_and_with_valid_fields() {
    set_up_desk!(db, app, admin, key);
    let body =
        json!({"username": "jdoe", "name": "John Doe", "email": "john@example.com", "password": "a long passphrase"});

    for (bad, field) in [
        (
            json!({"username": "jd", "name": "John", "email": "j2@example.com", "password": "a long passphrase"}),
            "username",
        ),
        (json!({"username": "jdoe2", "name": "", "email": "j2@example.com", "password": "a long passphrase"}), "name"),
        (json!({"username": "jdoe2", "name": "John", "email": "nope", "password": "a long passphrase"}), "email"),
        (json!({"username": "jdoe2", "name": "John", "email": "j2@example.com", "password": "short"}), "password"),
    ] {
        let (status, err) = send(&app, "POST", "/api/auth/register.json", Auth::Nobody, Some(bad.clone())).await;
        assert_eq!(status, 422, "{bad}: {err}");
        assert!(err["error"]["fields"][field].is_string(), "{bad}: {err}");
    }
    // Registrations are confirmed by mail unless the administrator turns that off.
    let (status, reg) = send(&app, "POST", "/api/auth/register.json", Auth::Nobody, Some(body.clone())).await;
    assert_eq!(status, 202, "{reg}");
    let (_, found) = send(&app, "GET", "/api/users.json?q=jdoe", Auth::Bearer(&admin), None).await;
    assert_eq!((found[0]["level"].as_i64(), found[0]["email_confirmed"].as_bool()), (Some(1), Some(false)), "{found}");
    // (Confirming, and signing in after it: tests/security.rs.)

    // A taken name or address gets the answer a free one gets, so the form cannot tell who has an
    // account; their owner is mailed instead (tests/security.rs), and nothing is created.
    for (taken, email) in [
        (
            json!({"username": "ADMIN", "name": "J", "email": "j2@example.com", "password": "a long passphrase"}),
            "j2@example.com",
        ),
        (
            json!({"username": "jdoe2", "name": "J", "email": "ADMIN@example.com", "password": "a long passphrase"}),
            "ADMIN@example.com",
        ),
    ] {
        let (status, answer) = send(&app, "POST", "/api/auth/register.json", Auth::Nobody, Some(taken.clone())).await;
        assert_eq!(status, 202, "{taken}: {answer}");
        assert_eq!(
            answer,
            json!({"message": reg["message"].as_str().unwrap().replace("john@example.com", &email.to_lowercase())})
        );
    }
    let (_, users) = send(&app, "GET", "/api/users.json?per_page=100", Auth::Bearer(&admin), None).await;
    assert_eq!(users.as_array().map(Vec::len), Some(2), "only the admin and jdoe: {users}");

    // Without confirmation, at the level the settings give new accounts, signed in at once.
    send(
        &app,
        "PUT",
        "/api/settings.json",
        Auth::Bearer(&admin),
        Some(json!({"confirm_registrations": false, "new_user_level": 2})),
    )
    .await;
    let (status, reg) = send(
        &app,
        "POST",
        "/api/auth/register.json",
        Auth::Nobody,
        Some(json!({
            "username": "vic", "name": "Vic Viewer", "email": "vic@example.com", "password": "vic's long passphrase"
        })),
    )
    .await;
    assert_eq!((status, reg["user"]["level"].as_i64()), (201, Some(2)), "{reg}");
    assert!(reg["access_token"].is_string());
    let (_, users) = send(&app, "GET", "/api/users.json?per_page=100", Auth::Bearer(&admin), None).await;
    assert_eq!(users.as_array().map(Vec::len), Some(3), "only the admin, jdoe and vic: {users}");
    // Signed in at once, a taken name has nothing left to hide: it is refused, without saying which.
    let (status, err) = send(&app, "POST", "/api/auth/register.json", Auth::Nobody, Some(body.clone())).await;
    assert_eq!(status, 422, "{err}");
    assert!(err["error"]["fields"]["username"].is_string(), "{err}");

    send(&app, "PUT", "/api/settings.json", Auth::Bearer(&admin), Some(json!({"allow_registrations": false}))).await;
    let (status, _) = send(
        &app,
        "POST",
        "/api/auth/register.json",
        Auth::Nobody,
        Some(json!({
            "username": "late", "name": "Late Comer", "email": "late@example.com", "password": "a long passphrase"
        })),
    )
    .await;
    assert_eq!(status, 403);
}

#[actix_web::test]
async fn until_mail_is_set_up_registrations_say_an_administrator_confirms() {
    set_up_desk!(db, app, admin, key);
    let register = |name: &str| json!({"username": name, "name": "Mary Doe", "email": format!("{name}@example.com"), "password": "a long passphrase"});
    // No SMTP server yet: nobody is told to wait for a mail that will not come.
    let (_, settings) = send(&app, "GET", "/api/settings.json", Auth::Nobody, None).await;
    assert_eq!(settings["mail_ready"], false, "{settings}");
    let (status, reg) = send(&app, "POST", "/api/auth/register.json", Auth::Nobody, Some(register("mary"))).await;
    assert_eq!(status, 202, "{reg}");
    assert!(reg["message"].as_str().is_some_and(|m| m.contains("an administrator will confirm")), "{reg}");
    // A taken address gets the same answer.
    let (_, taken) = send(&app, "POST", "/api/auth/register.json", Auth::Nobody, Some(register("admin"))).await;
    assert_eq!(taken, reg);
    let smtp = json!({"smtp_host": "127.0.0.1", "smtp_port": 9, "from_address": "desk@desk.test"});
    let (status, _) = send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(smtp)).await;
    assert_eq!(status, 200);
    let (_, settings) = send(&app, "GET", "/api/settings.json", Auth::Nobody, None).await;
    assert_eq!(settings["mail_ready"], true, "{settings}");
    let (status, reg) = send(&app, "POST", "/api/auth/register.json", Auth::Nobody, Some(register("mdoe"))).await;
    assert_eq!(status, 202, "{reg}");
    assert_eq!(reg["message"], "We have mailed mdoe@example.com: open the mail to finish registering, then sign in.");
    let _ = (db, key);
}

#[actix_web::test]
async fn guests_file_tickets_only_when_allowed() {
    set_up_desk!(db, app, admin, key);
    let ticket = json!({"name": "Gus Guest", "email": "gus@example.com", "subject": "No account", "message": "Help"});
    let (status, _) = send(&app, "POST", "/api/tickets.json", Auth::Nobody, Some(ticket.clone())).await;
    assert_eq!(status, 401);

    send(&app, "PUT", "/api/settings.json", Auth::Bearer(&admin), Some(json!({"allow_guest_tickets": true}))).await;
    let (status, err) =
        send(&app, "POST", "/api/tickets.json", Auth::Nobody, Some(json!({"subject": "s", "message": "m"}))).await;
    assert_eq!(status, 422, "{err}");
    assert!(err["error"]["fields"]["email"].is_string(), "{err}");
    let (status, err) = send(
        &app,
        "POST",
        "/api/tickets.json",
        Auth::Nobody,
        Some(json!({"email": "gus@example.com", "subject": "s", "message": "m"})),
    )
    .await;
    assert_eq!(status, 422, "a guest names themselves: {err}");
    assert!(err["error"]["fields"]["name"].is_string(), "{err}");
    assert_eq!(numbers(&app, Auth::Bearer(&admin), "").await.len(), 0);

    // The form offers the active help topics without credentials; inactive ones stay for agents.
    let (status, topics) = send(&app, "GET", "/api/topics.json", Auth::Nobody, None).await;
    assert_eq!(status, 200);
    assert!(topics.as_array().is_some_and(|t| !t.is_empty()), "{topics}");
    assert_eq!(send(&app, "GET", "/api/topics.json?all=true", Auth::Nobody, None).await.0, 403);
    let (status, t) = send(&app, "POST", "/api/tickets.json", Auth::Nobody, Some(ticket)).await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(t["user"]["email"], "gus@example.com");
    assert_eq!(t["user"]["fullname"], "Gus Guest");
    assert_eq!(t["source"], "Web");
    // A guest's wrong key is still a 401, never a guest ticket.
    let (status, _) = send(
        &app,
        "POST",
        "/api/tickets.json",
        Auth::Key("oxk_wrong_key"),
        Some(json!({"subject": "s", "message": "m"})),
    )
    .await;
    assert_eq!(status, 401);
}

#[actix_web::test]
async fn visibility_decides_who_reads_which_tickets_and_notes_stay_internal() {
    set_up_desk!(db, app, admin, key);
    let (_, alice) = person(&app, &admin, "alice", 1).await;
    let (_, bob) = person(&app, &admin, "bob", 1).await;
    let number = new_ticket(&app, Auth::Bearer(&alice), "Alice's laptop").await;
    let (status, _) = send(
        &app,
        "PUT",
        &format!("/api/tickets.json/{number}"),
        Auth::Bearer(&admin),
        Some(json!({
            "message": "secret internal remark", "type": "note"
        })),
    )
    .await;
    assert_eq!(status, 200);
    let path = format!("/api/tickets.json/{number}");

    // Restricted: Bob sees nothing of Alice's; visitors must sign in.
    assert!(numbers(&app, Auth::Bearer(&bob), "").await.is_empty());
    assert_eq!(send(&app, "GET", &path, Auth::Bearer(&bob), None).await.0, 404);
    assert_eq!(send(&app, "GET", &path, Auth::Nobody, None).await.0, 401);
    assert_eq!(send(&app, "GET", "/api/tickets.json", Auth::Nobody, None).await.0, 401);

    // Private: every signed-in user reads every ticket, but only its owner writes to it.
    send(&app, "PUT", "/api/settings.json", Auth::Bearer(&admin), Some(json!({"visibility": "private"}))).await;
    assert_eq!(numbers(&app, Auth::Bearer(&bob), "").await, vec![number.clone()]);
    let (status, t) = send(&app, "GET", &path, Auth::Bearer(&bob), None).await;
    assert_eq!(status, 200);
    assert!(!t.to_string().contains("secret internal remark"), "{t}");
    let (status, _) = send(&app, "PUT", &path, Auth::Bearer(&bob), Some(json!({"message": "me too"}))).await;
    assert_eq!(status, 403);
    assert_eq!(send(&app, "GET", &path, Auth::Nobody, None).await.0, 401);

    // Public: visitors read too, never notes, and never search them.
    send(&app, "PUT", "/api/settings.json", Auth::Bearer(&admin), Some(json!({"visibility": "public"}))).await;
    let (status, t) = send(&app, "GET", &path, Auth::Nobody, None).await;
    assert_eq!(status, 200);
    assert!(!t.to_string().contains("secret internal remark"), "{t}");
    assert_eq!(numbers(&app, Auth::Nobody, "").await, vec![number.clone()]);
    assert!(numbers(&app, Auth::Nobody, "q=secret").await.is_empty());
    assert_eq!(send(&app, "PUT", &path, Auth::Nobody, Some(json!({"message": "hi"}))).await.0, 401);
}

#[actix_web::test]
async fn agents_filter_follow_record_time_and_change_tickets_in_bulk() {
    set_up_desk!(db, app, admin, key);
    let (agent_id, agent) = person(&app, &admin, "agent", 3).await;
    let (_, customer) = person(&app, &admin, "carol", 1).await;
    let a = new_ticket(&app, Auth::Bearer(&customer), "Printer jam").await;
    let b = new_ticket(&app, Auth::Bearer(&customer), "VPN down").await;
    let c = new_ticket(&app, Auth::Bearer(&customer), "New mouse").await;
    let me = Auth::Bearer(&agent);

    // Assignment, priority and topic filters.
    send(
        &app,
        "PUT",
        &format!("/api/tickets.json/{a}"),
        me,
        Some(json!({"assignee_ids": [agent_id], "priority": "Urgent", "topicId": 2})),
    )
    .await;
    assert_eq!(numbers(&app, me, "assignee=me").await, vec![a.clone()]);
    assert_eq!(numbers(&app, me, &format!("assignee={agent_id}")).await, vec![a.clone()]);
    let mut unassigned = numbers(&app, me, "assignee=none").await;
    unassigned.sort();
    assert_eq!(unassigned, vec![b.clone(), c.clone()]);
    assert_eq!(numbers(&app, me, "priority=4").await, vec![a.clone()]);
    // Sorting by priority follows the administrator's order, not the ids.
    send(&app, "PUT", &format!("/api/tickets.json/{b}"), me, Some(json!({"priority": "Low"}))).await;
    assert_eq!(numbers(&app, me, "sort=-priority").await[0], a);
    let (status, _) =
        send(&app, "PUT", "/api/priorities.json/4", Auth::Bearer(&admin), Some(json!({"name": "Urgent", "sort": 0})))
            .await;
    assert_eq!(status, 200);
    assert_eq!(numbers(&app, me, "sort=priority").await[0], a);
    assert_eq!(numbers(&app, me, "sort=-priority").await[2], a);
    assert_eq!(numbers(&app, me, "topic=2").await, vec![a.clone()]);
    for bad in ["assignee=someone", "priority=high", "topic=x", "followed=maybe"] {
        let (status, _) = send(&app, "GET", &format!("/api/tickets.json?{bad}"), me, None).await;
        assert!(status == 400 || status == 422, "{bad}: {status}");
    }
    let (status, _) = send(&app, "GET", "/api/tickets.json?assignee=me", Auth::Key(&key), None).await;
    assert_eq!(status, 422, "a key acting as itself is nobody");

    // Following is personal and does not change the ticket.
    let (status, t) = send(&app, "PUT", &format!("/api/tickets.json/{b}/follow"), me, None).await;
    assert_eq!(status, 200);
    assert_eq!(t["followers"][0]["id"].as_i64(), Some(agent_id));
    let version = t["version"].as_i64();
    send(&app, "PUT", &format!("/api/tickets.json/{b}/follow"), me, None).await;
    assert_eq!(numbers(&app, me, "followed=true").await, vec![b.clone()]);
    let (_, t) = send(&app, "DELETE", &format!("/api/tickets.json/{b}/follow"), me, None).await;
    assert_eq!((t["followers"].as_array().map(Vec::len), t["version"].as_i64()), (Some(0), version));
    assert_eq!(send(&app, "PUT", "/api/tickets.json/NOPE-1/follow", me, None).await.0, 404);
    assert_eq!(send(&app, "PUT", &format!("/api/tickets.json/{b}/follow"), Auth::Key(&key), None).await.0, 422);

    // Time spent adds up; only agents record it, and only 1–1440 minutes at a time.
    send(&app, "PUT", &format!("/api/tickets.json/{c}"), me, Some(json!({"time_spent": 15}))).await;
    let (_, t) = send(
        &app,
        "PUT",
        &format!("/api/tickets.json/{c}"),
        me,
        Some(json!({"time_spent": 30, "message": "Swapped it"})),
    )
    .await;
    assert_eq!(t["time_spent"], 45);
    for minutes in [0, -5, 1441] {
        let (status, _) =
            send(&app, "PUT", &format!("/api/tickets.json/{c}"), me, Some(json!({"time_spent": minutes}))).await;
        assert_eq!(status, 422, "{minutes}");
    }
    assert_eq!(
        send(&app, "PUT", &format!("/api/tickets.json/{c}"), Auth::Bearer(&customer), Some(json!({"time_spent": 5})))
            .await
            .0,
        403
    );
    let (_, t) = send(&app, "GET", &format!("/api/tickets.json/{c}"), me, None).await;
    assert_eq!(t["time_spent"], 45);

    // Bulk: all or nothing.
    let bulk = |body: Value| send(&app, "POST", "/api/tickets/bulk.json", me, Some(body));
    let (status, err) = bulk(json!({"numbers": [a, b], "status_id": 2})).await;
    assert_eq!(status, 422, "resolution needed: {err}");
    assert!(err["error"]["fields"]["resolution"].is_string());
    let (status, err) = bulk(json!({"numbers": [a, "NOPE-1"], "status_id": 2, "resolution": "done"})).await;
    assert_eq!(status, 422, "{err}");
    assert!(err["error"]["fields"]["numbers"].is_string());
    for bad in [
        json!({"numbers": [], "status_id": 3}),
        json!({"numbers": [a]}),
        json!({"numbers": vec!["X"; 101], "status_id": 3}),
    ] {
        assert_eq!(bulk(bad.clone()).await.0, 422, "{bad}");
    }
    assert_eq!(numbers(&app, me, "status=open").await.len(), 3, "nothing changed");
    let (status, _) = send(
        &app,
        "POST",
        "/api/tickets/bulk.json",
        Auth::Bearer(&customer),
        Some(json!({"numbers": [a], "status_id": 3, "resolution": "x"})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, done) =
        bulk(json!({"numbers": [a, b, a], "status_id": 2, "resolution": "Fixed by the driver update"})).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["updated"].as_array().map(Vec::len), Some(2));
    let (_, t) = send(&app, "GET", &format!("/api/tickets.json/{a}"), me, None).await;
    assert_eq!(
        (t["ticket_status"].as_str(), t["resolution"].as_str()),
        (Some("Resolved"), Some("Fixed by the driver update"))
    );
    // Already resolved: left alone. Assigning in bulk works on any state.
    let (_, done) = bulk(json!({"numbers": [a, b], "status_id": 2, "resolution": "again"})).await;
    assert_eq!(done["updated"].as_array().map(Vec::len), Some(0));
    let (_, done) = bulk(json!({"numbers": [b, c], "assignee_ids": [agent_id]})).await;
    assert_eq!(done["updated"].as_array().map(Vec::len), Some(2));
    assert_eq!(numbers(&app, me, "assignee=me").await.len(), 3);
}

#[actix_web::test]
async fn agents_find_tickets_by_number_customer_or_text_and_sort_by_every_column() {
    set_up_desk!(db, app, admin, key);
    let (agent_id, agent) = person(&app, &admin, "agent", 3).await;
    let (_, carol) = person(&app, &admin, "carol", 1).await;
    let (_, dave) = person(&app, &admin, "dave", 1).await;
    let a = new_ticket(&app, Auth::Bearer(&carol), "Printer jam").await;
    let b = new_ticket(&app, Auth::Bearer(&dave), "VPN down").await;
    let c = new_ticket(&app, Auth::Bearer(&carol), "new mouse").await;
    let me = Auth::Bearer(&agent);
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };

    // A number in any usual form finds that ticket (the desk's prefix is "IT-").
    let digits = a.trim_start_matches("IT-");
    assert!(a.starts_with("IT-"), "{a}");
    for q in [a.clone(), a.to_lowercase(), format!("%23{digits}"), digits.to_owned()] {
        assert_eq!(numbers(&app, me, &format!("q={q}")).await, vec![a.clone()], "{q}");
    }
    // A customer's name or address finds their tickets; the text still finds its own.
    assert_eq!(sorted(numbers(&app, me, "q=carol").await), sorted(vec![a.clone(), c.clone()]));
    assert_eq!(sorted(numbers(&app, me, "q=CAROL%40example.com").await), sorted(vec![a.clone(), c.clone()]));
    assert_eq!(numbers(&app, me, "q=dave%20person").await, vec![b.clone()]);
    assert_eq!(numbers(&app, me, "q=printer").await, vec![a.clone()]);
    assert!(numbers(&app, me, "q=carol%20vpn").await.is_empty(), "every word");
    assert_eq!(numbers(&app, me, "q=carol%20printer").await, vec![a.clone()], "the customer and the text");
    // A customer searching finds only their own tickets, whoever's name they type.
    assert!(numbers(&app, Auth::Bearer(&carol), "q=dave").await.is_empty());
    assert!(numbers(&app, Auth::Bearer(&carol), &format!("q={b}")).await.is_empty());
    assert_eq!(numbers(&app, Auth::Bearer(&carol), "q=carol").await.len(), 2);

    // Every column sorts, both ways; equal values go by number in the same direction.
    assert_eq!(numbers(&app, me, "sort=subject").await, vec![c.clone(), a.clone(), b.clone()], "case aside");
    assert_eq!(numbers(&app, me, "sort=-subject").await, vec![b.clone(), a.clone(), c.clone()]);
    assert_eq!(numbers(&app, me, "sort=customer").await, vec![a.clone(), c.clone(), b.clone()]);
    assert_eq!(numbers(&app, me, "sort=-customer").await, vec![b.clone(), c.clone(), a.clone()]);
    // The customer column follows a renamed customer and a ticket given to someone else.
    let (_, carol_row) = send(&app, "GET", "/api/users.json?q=carol", Auth::Bearer(&admin), None).await;
    let carol_id = carol_row[0]["id"].as_i64().expect("carol");
    let (status, _) = send(
        &app,
        "PUT",
        &format!("/api/users.json/{carol_id}"),
        Auth::Bearer(&admin),
        Some(json!({"name": "Zoe Zed"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(numbers(&app, me, "sort=customer").await, vec![b.clone(), a.clone(), c.clone()]);
    let (status, _) = send(
        &app,
        "PUT",
        &format!("/api/tickets.json/{c}"),
        me,
        Some(json!({"requester_email": "aaron@example.com", "requester_name": "Aaron Able"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(numbers(&app, me, "sort=customer").await, vec![c.clone(), b.clone(), a.clone()]);
    let set = |number: &String, change: Value| {
        let (path, token, app) = (format!("/api/tickets.json/{number}"), admin.clone(), &app);
        async move {
            let (status, t) = send(app, "PUT", &path, Auth::Bearer(&token), Some(change)).await;
            assert_eq!(status, 200, "{t}");
        }
    };
    // Statuses in the administrator's order: Open, In progress, On hold.
    set(&b, json!({"status_id": 6})).await;
    set(&c, json!({"status_id": 5})).await;
    assert_eq!(numbers(&app, me, "sort=status").await, vec![a.clone(), c.clone(), b.clone()]);
    assert_eq!(numbers(&app, me, "sort=-status").await, vec![b.clone(), c.clone(), a.clone()]);
    // By the first assignee's name ("Ada Admin" before "agent Person"); the unassigned last.
    set(&b, json!({"assignee_ids": [agent_id]})).await;
    let admin_id = send(&app, "GET", "/api/users.json?q=admin", Auth::Bearer(&admin), None).await.1[0]["id"].clone();
    set(&c, json!({"assignee_ids": [admin_id]})).await;
    assert_eq!(numbers(&app, me, "sort=assignee").await, vec![c.clone(), b.clone(), a.clone()]);
    assert_eq!(numbers(&app, me, "sort=-assignee").await, vec![b.clone(), c.clone(), a.clone()]);
    // Due times follow the tickets' creation here (the queue's answer time): number order.
    assert_eq!(numbers(&app, me, "sort=due").await, vec![a.clone(), b.clone(), c.clone()]);
    assert_eq!(numbers(&app, me, "sort=-due").await, vec![c.clone(), b.clone(), a.clone()]);

    // Several statuses or states at once: what the desk lists by default.
    assert_eq!(sorted(numbers(&app, me, "status=open,pending").await), sorted(vec![a.clone(), b.clone(), c.clone()]));
    assert_eq!(numbers(&app, me, "status=pending").await, vec![b.clone()]);
    assert_eq!(sorted(numbers(&app, me, "status=New,Open,6").await), sorted(vec![a.clone(), b.clone()]));

    for (bad, field) in [
        ("sort=customer,subject", "sort"),
        ("sort=--subject", "sort"),
        ("sort=requester", "sort"),
        ("status=open,nope", "status"),
        ("status=%2C%2C", "status"),
        ("q=%23", "q"),
    ] {
        let (status, err) = send(&app, "GET", &format!("/api/tickets.json?{bad}"), me, None).await;
        assert_eq!(status, 422, "{bad}: {err}");
        assert!(err["error"]["fields"][field].is_string(), "{bad}: {err}");
    }
    let _ = key;
}

#[actix_web::test]
async fn a_change_to_what_already_is_writes_nothing() {
    set_up_desk!(db, app, admin, key);
    let (agent_id, agent) = person(&app, &admin, "agent", 3).await;
    let (_, carol) = person(&app, &admin, "carol", 1).await;
    let number = new_ticket(&app, Auth::Bearer(&carol), "Printer jam").await;
    let path = format!("/api/tickets.json/{number}");
    let me = Auth::Bearer(&agent);
    let (status, first) =
        send(&app, "PUT", &path, me, Some(json!({"assignee_ids": [agent_id], "priority": "High"}))).await;
    assert_eq!(status, 200, "{first}");
    let events = |t: &Value| t["threads"].as_array().map(|e| e.iter().filter(|e| e["type"] == "E").count());
    assert!(events(&first).is_some_and(|n| n >= 1), "the assignment is an event: {first}");
    // The side panel and bulk saves send every field: the same values again change nothing.
    let same = json!({
        "assignee_ids": [agent_id, agent_id], "priority": "High", "subject": "Printer jam",
        "queue_id": first["queue_id"], "topicId": first["topicId"]
    });
    let (status, again) = send(&app, "PUT", &path, me, Some(same)).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!((again["version"].clone(), events(&again)), (first["version"].clone(), events(&first)), "{again}");
    assert_eq!(again["updated_timestamp"], first["updated_timestamp"]);
    let (status, bulk) = send(
        &app,
        "POST",
        "/api/tickets/bulk.json",
        me,
        Some(json!({"numbers": [number], "assignee_ids": [agent_id]})),
    )
    .await;
    assert_eq!(status, 200, "{bulk}");
    let (_, after) = send(&app, "GET", &path, me, None).await;
    assert_eq!((after["version"].clone(), events(&after)), (first["version"].clone(), events(&first)), "{after}");
    // A real change still counts.
    let (_, changed) = send(&app, "PUT", &path, me, Some(json!({"priority": "Low"}))).await;
    assert_eq!(changed["version"].as_i64(), first["version"].as_i64().map(|v| v + 1), "{changed}");
    let _ = (db, key);
}

#[actix_web::test]
async fn seeded_tickets_never_happen_after_now_and_their_statuses_have_a_history() {
    set_up_desk!(db, app, admin, key);
    let st = state(&db);
    oxidesk::seed::run(&st.pool, 300).expect("seed");
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut seen = 0;
    for page in 1..=3 {
        let (status, list) =
            send(&app, "GET", &format!("/api/tickets.json?per_page=100&page={page}"), Auth::Bearer(&admin), None).await;
        assert_eq!(status, 200, "{list}");
        for t in list.as_array().expect("tickets") {
            seen += 1;
            let updated = t["updated_timestamp"].as_str().expect("updated");
            assert!(updated <= now.as_str(), "{} updated in the future: {updated}", t["ticket_number"]);
            let entries = t["threads"].as_array().expect("thread");
            for e in entries {
                let at = e["created"].as_str().expect("created");
                assert!(at <= updated, "{}: an entry after the last change: {e}", t["ticket_number"]);
            }
            // Every ticket starts Open: one in another status shows the change that took it there.
            let status_name = t["ticket_status"].as_str().expect("status");
            let changed = entries.iter().any(|e| {
                e["type"] == "E"
                    && e["body"].as_str().is_some_and(|b| b.starts_with(&format!("Open → {status_name} by ")))
            });
            assert_eq!(changed, status_name != "Open", "{}: {status_name}: {entries:?}", t["ticket_number"]);
        }
    }
    assert_eq!(seen, 300);
    let _ = key;
}

#[actix_web::test]
async fn saved_views_are_private_named_filters() {
    set_up_desk!(db, app, admin, key);
    let (_, agent) = person(&app, &admin, "agent", 3).await;
    let me = Auth::Bearer(&agent);

    let (status, view) = send(
        &app,
        "POST",
        "/api/views.json",
        me,
        Some(json!({"name": "My urgent", "query": "?assignee=me&priority=4&page=3"})),
    )
    .await;
    assert_eq!(status, 201, "{view}");
    assert_eq!(view["query"], "assignee=me&priority=4");
    for (body, status) in [
        (json!({"name": "My urgent", "query": "status=open"}), 409),
        (json!({"name": "", "query": "status=open"}), 422),
        (json!({"name": "Bad", "query": "priority=high"}), 422),
        (json!({"name": "Long", "query": "q=".to_owned() + &"x".repeat(1000)}), 422),
    ] {
        assert_eq!(send(&app, "POST", "/api/views.json", me, Some(body.clone())).await.0, status, "{body}");
    }
    let (_, views) = send(&app, "GET", "/api/views.json", me, None).await;
    assert_eq!(views.as_array().map(Vec::len), Some(1));
    // Someone else's view is not there for you; keys have none.
    let (_, others) = send(&app, "GET", "/api/views.json", Auth::Bearer(&admin), None).await;
    assert_eq!(others.as_array().map(Vec::len), Some(0));
    let id = view["id"].as_i64().expect("id");
    assert_eq!(send(&app, "DELETE", &format!("/api/views.json/{id}"), Auth::Bearer(&admin), None).await.0, 404);
    assert_eq!(send(&app, "GET", "/api/views.json", Auth::Key(&key), None).await.0, 403);
    assert_eq!(send(&app, "DELETE", "/api/views.json/abc", me, None).await.0, 404);
    assert_eq!(send(&app, "DELETE", &format!("/api/views.json/{id}"), me, None).await.0, 204);
    assert_eq!(send(&app, "DELETE", &format!("/api/views.json/{id}"), me, None).await.0, 404);
}

/// The titles of a ticket's E entries, in order.
fn event_titles(ticket: &Value) -> Vec<String> {
    ticket["threads"]
        .as_array()
        .map(|entries| {
            entries.iter().filter(|e| e["type"] == "E").filter_map(|e| e["title"].as_str().map(str::to_owned)).collect()
        })
        .unwrap_or_default()
}

#[actix_web::test]
async fn agents_open_tickets_for_people_and_give_them_to_others() {
    set_up_desk!(db, app, admin, key);
    let (agent_id, agent) = person(&app, &admin, "agent", 3).await;
    let (carol_id, carol) = person(&app, &admin, "carol", 1).await;
    let me = Auth::Bearer(&agent);
    let count = |list: &Value| list.as_array().map_or(0, Vec::len);
    let (_, users_before) = send(&app, "GET", "/api/users.json?per_page=100", Auth::Bearer(&admin), None).await;

    // Bad inputs, each alone and all at once, write nothing: no ticket, no customer.
    let base = json!({"email": "nora@example.com", "name": "Nora New", "subject": "Phone call", "message": "Her screen is black"});
    let with = |extra: Value| {
        let mut body = base.clone();
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        body
    };
    for (extra, field) in [
        (json!({"status_id": 2}), "resolution"),
        (json!({"status_id": 999}), "status_id"),
        (json!({"assignee_ids": [carol_id]}), "assignee_ids"),
        (json!({"assignee_ids": [987_654]}), "assignee_ids"),
    ] {
        let (status, body) = send(&app, "POST", "/api/tickets.json", me, Some(with(extra.clone()))).await;
        assert_eq!(status, 422, "{extra}: {body}");
        assert!(body["error"]["fields"][field].is_string(), "{extra}: {body}");
    }
    let (status, body) =
        send(&app, "POST", "/api/tickets.json", Auth::Bearer(&carol), Some(with(json!({"assignee_ids": [agent_id]}))))
            .await;
    assert_eq!(status, 403, "customers do not assign: {body}");
    let (status, body) =
        send(&app, "POST", "/api/tickets.json", Auth::Bearer(&carol), Some(with(json!({"status_id": 1})))).await;
    assert_eq!(status, 403, "nor choose a status: {body}");
    assert!(numbers(&app, me, "").await.is_empty());
    let (_, users_after) = send(&app, "GET", "/api/users.json?per_page=100", Auth::Bearer(&admin), None).await;
    assert_eq!(count(&users_after), count(&users_before), "no customer was made: {users_after}");

    // A phone call solved at once: for a new customer, assigned, resolved, in one request.
    let (status, t) = send(
        &app,
        "POST",
        "/api/tickets.json",
        me,
        Some(with(json!({
            "source": "Phone", "priority": "High", "assignee_ids": [agent_id], "status_id": 2,
            "resolution": "Walked her through the monitor's input button"
        }))),
    )
    .await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(
        (t["user"]["email"].as_str(), t["user"]["fullname"].as_str()),
        (Some("nora@example.com"), Some("Nora New"))
    );
    assert_eq!(t["assigned_to"][0]["id"].as_i64(), Some(agent_id), "{t}");
    assert_eq!(
        (t["ticket_status"].as_str(), t["priority"].as_str(), t["source"].as_str()),
        (Some("Resolved"), Some("High"), Some("Phone"))
    );
    assert_eq!(t["resolution"], "Walked her through the monitor's input button");
    assert_eq!(event_titles(&t), vec!["Status Changed", "Assignment"], "{t}");
    let number = t["ticket_number"].as_str().expect("number").to_owned();
    let path = format!("/api/tickets.json/{number}");

    // Give it to Carol: an E entry names both; she sees it now.
    let (status, _) = send(&app, "GET", &path, Auth::Bearer(&carol), None).await;
    assert_eq!(status, 404);
    let version = t["version"].as_i64();
    let (status, moved) =
        send(&app, "PUT", &path, me, Some(json!({"requester_email": "CAROL@example.com", "version": version}))).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["user"]["id"].as_i64(), Some(carol_id));
    let entry = moved["threads"].as_array().and_then(|e| e.last().cloned()).unwrap_or_default();
    assert_eq!(entry["title"], "Requester Changed");
    assert_eq!(entry["body"], "Requester changed from Nora New to carol Person by agent Person");
    let (status, _) = send(&app, "GET", &path, Auth::Bearer(&carol), None).await;
    assert_eq!(status, 200);
    // The same person again changes nothing; bad requests change nothing.
    let (_, same) = send(&app, "PUT", &path, me, Some(json!({"requester_email": "carol@example.com"}))).await;
    assert_eq!(same["version"], moved["version"], "{same}");
    for (body, status, field) in [
        (json!({"requester_email": "not an address"}), 422, Some("requester_email")),
        (json!({"requester_email": "new@example.com", "requester_name": "Bad\u{7}Name"}), 422, Some("requester_name")),
        (json!({"requester_email": "nora@example.com", "version": 1}), 409, None),
    ] {
        let (got, answer) = send(&app, "PUT", &path, me, Some(body.clone())).await;
        assert_eq!(got, status, "{body}: {answer}");
        if let Some(field) = field {
            assert!(answer["error"]["fields"][field].is_string(), "{body}: {answer}");
        }
    }
    let (status, _) =
        send(&app, "PUT", &path, Auth::Bearer(&carol), Some(json!({"requester_email": "nora@example.com"}))).await;
    assert_eq!(status, 403, "a customer does not give their ticket away");
    let (_, after) = send(&app, "GET", &path, me, None).await;
    assert_eq!((after["version"].clone(), after["user"]["id"].as_i64()), (moved["version"].clone(), Some(carol_id)));
    // A new address becomes a customer, named as given.
    let (status, given) = send(
        &app,
        "PUT",
        &path,
        me,
        Some(json!({"requester_email": "omar@example.com", "requester_name": "Omar Other"})),
    )
    .await;
    assert_eq!(status, 200, "{given}");
    assert_eq!(
        (given["user"]["fullname"].as_str(), given["user"]["email"].as_str()),
        (Some("Omar Other"), Some("omar@example.com"))
    );

    // The customer panel's lists: a person's tickets by when they last wrote.
    let older = new_ticket(&app, Auth::Bearer(&carol), "Older").await;
    let newer = new_ticket(&app, Auth::Bearer(&carol), "Newer").await;
    send(
        &app,
        "PUT",
        &format!("/api/tickets.json/{older}"),
        Auth::Bearer(&carol),
        Some(json!({"message": "Any news?"})),
    )
    .await;
    assert_eq!(
        numbers(&app, me, &format!("user_id={carol_id}&sort=-message")).await,
        vec![older.clone(), newer.clone()]
    );
    assert_eq!(numbers(&app, me, &format!("user_id={carol_id}&sort=message")).await, vec![newer, older]);
    let _ = (db, key);
}

#[actix_web::test]
async fn drafts_are_kept_per_person_and_ticket_and_end_when_sent() {
    set_up_desk!(db, app, admin, key);
    let (_, agent) = person(&app, &admin, "agent", 3).await;
    let (_, viewer) = person(&app, &admin, "viewer", 2).await;
    let (_, carol) = person(&app, &admin, "carol", 1).await;
    let (_, dave) = person(&app, &admin, "dave", 1).await;
    let number = new_ticket(&app, Auth::Bearer(&carol), "Printer jam").await;
    let path = format!("/api/tickets.json/{number}/draft");
    let me = Auth::Bearer(&agent);
    let marked = |list: &Value| list[0]["draft"].as_bool();

    let (status, _) = send(&app, "GET", &path, me, None).await;
    assert_eq!(status, 204, "no draft yet");
    let (status, kept) = send(&app, "PUT", &path, me, Some(json!({"message": "Half a note", "type": "note"}))).await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!((kept["message"].as_str(), kept["type"].as_str()), (Some("Half a note"), Some("note")));
    assert!(kept["updated"].is_string());
    let (status, again) = send(&app, "PUT", &path, me, Some(json!({"message": "A whole reply"}))).await;
    assert_eq!((status, again["type"].as_str()), (200, Some("response")), "{again}");
    let (_, read) = send(&app, "GET", &path, me, None).await;
    assert_eq!(read["message"], "A whole reply", "the second save replaced the first");
    // Drafts are each person's: Carol's is her own, and the list marks only the writer's tickets.
    let (status, _) = send(&app, "GET", &path, Auth::Bearer(&carol), None).await;
    assert_eq!(status, 204);
    let (_, list) = send(&app, "GET", "/api/tickets.json?threads=false", me, None).await;
    assert_eq!(marked(&list), Some(true), "{list}");
    let (_, list) = send(&app, "GET", "/api/tickets.json?threads=false", Auth::Bearer(&carol), None).await;
    assert_eq!(marked(&list), Some(false), "{list}");
    let (status, hers) =
        send(&app, "PUT", &path, Auth::Bearer(&carol), Some(json!({"message": "It jams on page 2"}))).await;
    assert_eq!((status, hers["type"].as_str()), (200, Some("message")), "{hers}");

    // Bad inputs and callers change nothing.
    let huge = "x".repeat(shared::validate::MESSAGE_MAX_BYTES + 1);
    for (auth, body, status) in [
        (me, json!({"message": "x", "type": "message"}), 422),
        (Auth::Bearer(&carol), json!({"message": "x", "type": "note"}), 422),
        (me, json!({"message": huge}), 422),
        (me, json!({"message": "nul \u{0} inside"}), 422),
        (me, json!({"message": 5}), 422),
        (Auth::Bearer(&dave), json!({"message": "not my ticket"}), 404),
        (Auth::Bearer(&viewer), json!({"message": "I only read"}), 403),
        (Auth::Key(&key), json!({"message": "programs keep none"}), 403),
        (Auth::Nobody, json!({"message": "who?"}), 401),
    ] {
        let (got, answer) = send(&app, "PUT", &path, auth, Some(body.clone())).await;
        assert_eq!(got, status, "{answer}");
    }
    let (_, read) = send(&app, "GET", &path, me, None).await;
    assert_eq!(read["message"], "A whole reply");
    let (status, _) = send(&app, "GET", &path, Auth::Bearer(&dave), None).await;
    assert_eq!(status, 404, "another customer's ticket does not exist for Dave");
    let (status, _) = send(&app, "DELETE", &path, Auth::Key(&key), None).await;
    assert_eq!(status, 403);

    // Sending ends the writer's draft, not anyone else's.
    let (status, _) =
        send(&app, "PUT", &format!("/api/tickets.json/{number}"), me, Some(json!({"message": "A whole reply"}))).await;
    assert_eq!(status, 200);
    let (status, _) = send(&app, "GET", &path, me, None).await;
    assert_eq!(status, 204, "sent, so gone");
    let (_, list) = send(&app, "GET", "/api/tickets.json?threads=false", me, None).await;
    assert_eq!(marked(&list), Some(false), "{list}");
    let (status, _) = send(&app, "GET", &path, Auth::Bearer(&carol), None).await;
    assert_eq!(status, 200, "Carol's draft stays");
    // An empty save, or a delete, discards.
    let (status, _) = send(&app, "PUT", &path, Auth::Bearer(&carol), Some(json!({"message": "  "}))).await;
    assert_eq!(status, 204);
    let (status, _) = send(&app, "GET", &path, Auth::Bearer(&carol), None).await;
    assert_eq!(status, 204);
    send(&app, "PUT", &path, me, Some(json!({"message": "Another"}))).await;
    let (status, _) = send(&app, "DELETE", &path, me, None).await;
    assert_eq!(status, 204);
    let (status, _) = send(&app, "GET", &path, me, None).await;
    assert_eq!(status, 204);
    let _ = db;
}

#[actix_web::test]
async fn agents_hear_of_what_concerns_them_and_mark_what_they_read() {
    set_up_desk!(db, app, admin, key);
    let (alex_id, alex) = person(&app, &admin, "alex", 3).await;
    let (_, bea) = person(&app, &admin, "bea", 3).await;
    let (_, viewer) = person(&app, &admin, "viewer", 2).await;
    let (_, carol) = person(&app, &admin, "carol", 1).await;
    let number = new_ticket(&app, Auth::Bearer(&carol), "Printer jam").await;
    let ticket = format!("/api/tickets.json/{number}");
    let read = format!("{ticket}/read");
    let (a, b) = (Auth::Bearer(&alex), Auth::Bearer(&bea));
    let row = |auth| {
        let app = &app;
        async move {
            let (status, list) = send(app, "GET", "/api/tickets.json?threads=false", auth, None).await;
            assert_eq!(status, 200, "{list}");
            let t = &list[0];
            (t["unread"].as_bool(), t["unread_message"].as_bool(), t["waiting_for"].as_str().map(str::to_owned))
        }
    };
    let bell = |auth| {
        let app = &app;
        async move {
            let (status, list) = send(app, "GET", "/api/notifications.json?unread=true", auth, None).await;
            assert_eq!(status, 200, "{list}");
            let reasons: Vec<String> = list
                .as_array()
                .expect("list")
                .iter()
                .map(|n| n["reason"].as_str().unwrap_or_default().into())
                .collect();
            reasons
        }
    };

    // Never read: unread, with the customer's message; the agents' turn. Read in several tabs at
    // once: each succeeds (one upsert; the browser stories on PostgreSQL once met a 409 here).
    assert_eq!(row(a).await, (Some(true), Some(true), Some("agent".into())));
    let tabs = futures_util::future::join_all((0..6).map(|_| send(&app, "PUT", &read, a, None))).await;
    assert!(tabs.iter().all(|(status, _)| *status == 204), "{tabs:?}");
    assert_eq!(row(a).await, (Some(false), Some(false), Some("agent".into())));
    assert_eq!(
        row(Auth::Bearer(&carol)).await,
        (Some(false), Some(false), Some("agent".into())),
        "customers have no unread state"
    );

    // Bea assigns Alex and follows: Alex hears of it, the ticket is unread to him, not to her.
    let (status, _) = send(&app, "PUT", &ticket, b, Some(json!({"assignee_ids": [alex_id]}))).await;
    assert_eq!(status, 200);
    send(&app, "PUT", &format!("{ticket}/follow"), b, None).await;
    assert_eq!(bell(a).await, ["assigned"]);
    assert_eq!(row(a).await.0, Some(true));
    assert_eq!(row(b).await.0, Some(false), "her own change is read");
    let (_, list) = send(&app, "GET", "/api/notifications.json", a, None).await;
    assert_eq!((list[0]["ticket"].as_str(), list[0]["actor"].as_str()), (Some(number.as_str()), Some("bea Person")));
    assert_eq!((list[0]["subject"].as_str(), list[0]["read"].as_bool()), (Some("Printer jam"), Some(false)));

    // Carol writes; Bea notes, naming Alex; Alex answers.
    send(&app, "PUT", &ticket, Auth::Bearer(&carol), Some(json!({"message": "Still jammed"}))).await;
    assert_eq!(row(a).await.1, Some(true), "a new message");
    send(
        &app,
        "PUT",
        &ticket,
        b,
        Some(json!({"message": "@alex can you look? (mail bea@example.com)", "type": "note"})),
    )
    .await;
    assert_eq!(bell(a).await, ["mention", "message", "assigned"]);
    assert_eq!(bell(b).await, Vec::<String>::new(), "she heard of Carol's message and read it by writing her note");
    let (status, _) = send(&app, "PUT", &ticket, a, Some(json!({"message": "Try tray 2"}))).await;
    assert_eq!(status, 200);
    assert_eq!(
        row(a).await,
        (Some(false), Some(false), Some("customer".into())),
        "answered: read, the customer's turn"
    );
    assert_eq!(bell(a).await, Vec::<String>::new(), "acting on the ticket read its notifications");
    assert_eq!(bell(b).await, ["response"], "following, she hears of Alex's answer");
    let (_, hers) = send(&app, "GET", "/api/notifications.json", b, None).await;
    let reasons: Vec<(&str, bool)> = hers
        .as_array()
        .expect("list")
        .iter()
        .map(|n| (n["reason"].as_str().unwrap_or_default(), n["read"].as_bool().unwrap_or_default()))
        .collect();
    assert_eq!(reasons, [("response", false), ("message", true)]);

    // Marking: some unread again, then all read; only one's own.
    let (_, all) = send(&app, "GET", "/api/notifications.json", a, None).await;
    let first = all[0]["id"].as_i64().expect("id");
    let (status, marked) =
        send(&app, "POST", "/api/notifications/read.json", a, Some(json!({"ids": [first], "read": false}))).await;
    assert_eq!((status, marked["updated"].as_i64(), marked["unread"].as_i64()), (200, Some(1), Some(1)), "{marked}");
    let (_, hers) = send(&app, "GET", "/api/notifications.json", b, None).await;
    let hers = hers[0]["id"].as_i64().expect("id");
    for (auth, body, status) in [
        (a, json!({"ids": [hers]}), 422),
        (a, json!({"ids": [first, 999_999]}), 422),
        (a, json!({"ids": (0..501).collect::<Vec<i64>>()}), 422),
        (a, json!({"ids": "all"}), 422),
        (Auth::Key(&key), json!({}), 403),
        (Auth::Bearer(&carol), json!({}), 403),
        (Auth::Bearer(&viewer), json!({}), 403),
        (Auth::Nobody, json!({}), 401),
    ] {
        let (got, answer) = send(&app, "POST", "/api/notifications/read.json", auth, Some(body.clone())).await;
        assert_eq!(got, status, "{body}: {answer}");
    }
    assert_eq!(bell(a).await.len(), 1, "nothing changed");
    assert_eq!(bell(b).await.len(), 1, "nothing changed");
    let (_, marked) = send(&app, "POST", "/api/notifications/read.json", a, Some(json!({}))).await;
    assert_eq!((marked["updated"].as_i64(), marked["unread"].as_i64()), (Some(1), Some(0)), "{marked}");

    // Unread again on request; bad callers and tickets.
    let (status, _) = send(&app, "DELETE", &read, a, None).await;
    assert_eq!(status, 204);
    assert_eq!(row(a).await.0, Some(true));
    for (method, path, auth, status) in [
        ("PUT", read.as_str(), Auth::Key(&key), 403),
        ("PUT", read.as_str(), Auth::Bearer(&carol), 403),
        ("PUT", read.as_str(), Auth::Nobody, 401),
        ("PUT", "/api/tickets.json/IT-999999/read", a, 404),
        ("DELETE", "/api/tickets.json/IT-999999/read", a, 404),
        ("GET", "/api/notifications.json", Auth::Key(&key), 403),
        ("GET", "/api/notifications.json", Auth::Bearer(&carol), 403),
        ("GET", "/api/notifications.json", Auth::Bearer(&viewer), 403),
        ("GET", "/api/notifications.json", Auth::Nobody, 401),
        ("GET", "/api/notifications.json?per_page=0", a, 422),
        ("GET", "/api/notifications.json?page=0", a, 422),
        ("GET", "/api/notifications.json?per_page=101", a, 422),
    ] {
        let (got, answer) = send(&app, method, path, auth, None).await;
        assert_eq!(got, status, "{method} {path}: {answer}");
    }
    let _ = db;
}

#[actix_web::test]
async fn the_side_bar_counts_open_tickets_and_follows_each_change() {
    set_up_desk!(db, app, admin, key);
    let (alex_id, alex) = person(&app, &admin, "alex", 3).await;
    let (_, carol) = person(&app, &admin, "carol", 1).await;
    let a = Auth::Bearer(&alex);
    let mut numbers = Vec::new();
    for subject in ["One", "Two", "Three"] {
        numbers.push(new_ticket(&app, Auth::Bearer(&carol), subject).await);
    }
    let (status, _) =
        send(&app, "POST", "/api/views.json", a, Some(json!({"name": "Mine", "query": "assignee=me"}))).await;
    assert_eq!(status, 201);
    send(&app, "POST", "/api/views.json", a, Some(json!({"name": "Everything", "query": "status=any"}))).await;
    let counts = || {
        let app = &app;
        async move {
            let (status, counts) = send(app, "GET", "/api/counts.json", a, None).await;
            assert_eq!(status, 200, "{counts}");
            let views: Vec<(String, i64)> = counts["views"]
                .as_array()
                .expect("views")
                .iter()
                .map(|v| (v["name"].as_str().unwrap_or_default().to_owned(), v["open"].as_i64().unwrap_or(-1)))
                .collect();
            let queued: i64 =
                counts["queues"].as_array().expect("queues").iter().filter_map(|q| q["open"].as_i64()).sum();
            (
                [&counts["open"], &counts["mine"], &counts["unassigned"], &counts["followed"]].map(|v| v.as_i64()),
                queued,
                views,
            )
        }
    };
    let views = |mine: i64, all: i64| vec![("Everything".to_owned(), all), ("Mine".to_owned(), mine)];
    assert_eq!(counts().await, ([Some(3), Some(0), Some(3), Some(0)], 3, views(0, 3)));
    // Each change shows at the next ask (the kept counts are stamped with the latest change).
    send(&app, "PUT", &format!("/api/tickets.json/{}", numbers[0]), a, Some(json!({"assignee_ids": [alex_id]}))).await;
    assert_eq!(counts().await, ([Some(3), Some(1), Some(2), Some(0)], 3, views(1, 3)));
    send(&app, "PUT", &format!("/api/tickets.json/{}/follow", numbers[1]), a, None).await;
    let (status, _) = send(
        &app,
        "PUT",
        &format!("/api/tickets.json/{}", numbers[2]),
        a,
        Some(json!({"status_id": 2, "resolution": "Fixed"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(counts().await, ([Some(2), Some(1), Some(1), Some(1)], 2, views(1, 3)));
    let (_, list) = send(&app, "GET", "/api/views.json", a, None).await;
    let mine = list.as_array().expect("views").iter().find(|v| v["name"] == "Mine").expect("view")["id"].as_i64();
    send(&app, "DELETE", &format!("/api/views.json/{}", mine.expect("id")), a, None).await;
    assert_eq!(counts().await.2, vec![("Everything".to_owned(), 3)], "a deleted view is no longer counted");

    let (status, counts) = send(&app, "GET", "/api/counts.json", Auth::Key(&key), None).await;
    assert_eq!((status, counts["open"].as_i64(), counts["mine"].as_i64()), (200, Some(2), Some(0)), "{counts}");
    for (auth, status) in [(Auth::Bearer(&carol), 403), (Auth::Nobody, 401)] {
        let (got, answer) = send(&app, "GET", "/api/counts.json", auth, None).await;
        assert_eq!(got, status, "{answer}");
    }
    let _ = db;
}

#[actix_web::test]
async fn agents_sign_their_responses_when_they_ask() {
    set_up_desk!(db, app, admin, key);
    let (_, alex) = person(&app, &admin, "alex", 3).await;
    let (_, carol) = person(&app, &admin, "carol", 1).await;
    let number = new_ticket(&app, Auth::Bearer(&carol), "Printer jam").await;
    let a = Auth::Bearer(&alex);
    let (status, me) =
        send(&app, "PUT", "/api/users/me.json", a, Some(json!({"signature": "  Alex Agent\nIT desk, ext. 42  "})))
            .await;
    assert_eq!((status, me["signature"].as_str()), (200, Some("Alex Agent\nIT desk, ext. 42")), "{me}");
    for (body, status) in [
        (json!({"signature": "x".repeat(shared::users::SIGNATURE_MAX_CHARS + 1)}), 422),
        (json!({"signature": "nul \u{0}"}), 422),
        (json!({"signature": 5}), 422),
    ] {
        let (got, answer) = send(&app, "PUT", "/api/users/me.json", a, Some(body.clone())).await;
        assert_eq!(got, status, "{body}: {answer}");
    }
    let (_, me) = send(&app, "GET", "/api/users/me.json", a, None).await;
    assert_eq!(me["signature"], "Alex Agent\nIT desk, ext. 42", "a refused change changed nothing");

    let reply = |body: Value, auth| {
        let (app, path) = (&app, format!("/api/tickets.json/{number}"));
        async move {
            let (status, ticket) = send(app, "PUT", &path, auth, Some(body)).await;
            assert_eq!(status, 200, "{ticket}");
            let last = ticket["threads"].as_array().expect("thread").last().cloned().expect("an entry");
            last["body"].as_str().unwrap_or_default().to_owned()
        }
    };
    assert_eq!(
        reply(json!({"message": "Try tray 2", "signature": true}), a).await,
        "Try tray 2\n\n-- \nAlex Agent\nIT desk, ext. 42"
    );
    assert_eq!(reply(json!({"message": "No signature asked"}), a).await, "No signature asked");
    assert_eq!(reply(json!({"message": "A note", "type": "note", "signature": true}), a).await, "A note");
    let html = reply(json!({"message": "<p>Try <b>tray 2</b></p>", "signature": true}), a).await;
    assert!(html.starts_with("<p>Try <b>tray 2</b></p><p>-- <br>Alex"), "{html}");
    assert!(html.contains("<br>IT") && !html.contains('\n'), "{html}");
    // A customer's message and a program's response carry none.
    assert_eq!(reply(json!({"message": "Thanks", "signature": true}), Auth::Bearer(&carol)).await, "Thanks");
    assert_eq!(reply(json!({"message": "From a script", "signature": true}), Auth::Key(&key)).await, "From a script");
    // A signature is text: markup in it stays text in an HTML response.
    send(&app, "PUT", "/api/users/me.json", a, Some(json!({"signature": "<script>alert(1)</script>"}))).await;
    let html = reply(json!({"message": "<p>Signed</p>", "signature": true}), a).await;
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script"), "{html}");
    // An empty signature is none.
    send(&app, "PUT", "/api/users/me.json", a, Some(json!({"signature": ""}))).await;
    assert_eq!(reply(json!({"message": "Plain", "signature": true}), a).await, "Plain");
    let _ = db;
}

#[actix_web::test]
async fn agents_write_in_markdown_and_get_safe_html() {
    set_up_desk!(db, app, admin, key);
    let (_, alex) = person(&app, &admin, "alex", 3).await;
    let (_, carol) = person(&app, &admin, "carol", 1).await;
    let number = new_ticket(&app, Auth::Bearer(&carol), "VPN").await;
    let path = format!("/api/tickets.json/{number}");
    let a = Auth::Bearer(&alex);
    let markdown = "**Fixed**: restart the _client_\nthen sign in\n\n- one\n- two\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2))";
    let (status, ticket) = send(&app, "PUT", &path, a, Some(json!({"message": markdown, "format": "markdown"}))).await;
    assert_eq!(status, 200, "{ticket}");
    let last = ticket["threads"].as_array().unwrap().last().unwrap().clone();
    let body = last["body"].as_str().unwrap();
    assert_eq!(last["format"], "html");
    assert!(body.starts_with("<p><strong>Fixed</strong>: restart the <em>client</em><br>\nthen sign in</p>"), "{body}");
    assert!(body.contains("<li>one</li>"), "{body}");
    assert!(!body.contains("<script") && !body.contains("javascript:"), "{body}");
    // Plain text stays text; an unknown format, or a Markdown message that is only unsafe, changes nothing.
    let (_, before) = send(&app, "GET", &path, a, None).await;
    for (body, field) in [
        (json!({"message": "Hi", "format": "rtf"}), "format"),
        (json!({"message": "<script>alert(1)</script>", "format": "markdown"}), "message"),
        (json!({"message": "  ", "format": "markdown"}), "message"),
    ] {
        let (status, err) = send(&app, "PUT", &path, a, Some(body.clone())).await;
        assert_eq!((status, err["error"]["fields"][field].is_string()), (422, true), "{body}: {err}");
    }
    let (_, after) = send(&app, "GET", &path, a, None).await;
    assert_eq!(after["version"], before["version"]);
    let (_, ticket) = send(&app, "PUT", &path, a, Some(json!({"message": "*not* markdown", "format": "text"}))).await;
    let last = ticket["threads"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["body"].as_str(), last["format"].as_str()), (Some("*not* markdown"), Some("text")));
    let _ = (db, key);
}

/// Deleting a ticket (`POST /api/tickets.json/{number}/delete`): refused below the threshold and
/// to keys without the admin scope (the ticket as it was); then gone with its thread, people and
/// the files no other message shares; audited; its number never given again; the threshold is the
/// administrator's to lower.
#[actix_web::test]
async fn a_ticket_is_deleted_for_good_by_those_allowed_and_its_number_never_returns() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = set_up(&app).await;
    let (_, agent) = person(&app, &admin, "agent", 3).await;
    let (_, carol) = person(&app, &admin, "carol", 1).await;
    let (writer, keeper) = (api_key(&st, "read,write"), api_key(&st, "read,write,admin"));
    let shared = json!({"shared.txt": "data:text/plain;base64,U2hhcmVk"});
    let mut numbers = Vec::new();
    for subject in ["First", "Second"] {
        let body = json!({"email": "carol@example.com", "subject": subject, "message": "m", "attachments": [shared]});
        let (status, t) = send(&app, "POST", "/api/tickets.json", Auth::Bearer(&admin), Some(body)).await;
        assert_eq!(status, 201, "{t}");
        numbers.push(t["ticket_number"].as_str().unwrap().to_owned());
    }
    let path = |n: &str| format!("/api/tickets.json/{n}");
    let first = &numbers[0];
    let note = json!({"message": "Internal", "type": "note", "attachments": [{"only.txt": "data:text/plain;base64,T25seQ=="}], "cc": ["dora@example.com"]});
    let (status, t) = send(&app, "PUT", &path(first), Auth::Bearer(&admin), Some(note)).await;
    assert_eq!(status, 200, "{t}");
    send(&app, "PUT", &format!("{}/follow", path(first)), Auth::Bearer(&agent), None).await;
    send(&app, "PUT", &format!("{}/draft", path(first)), Auth::Bearer(&admin), Some(json!({"message": "half"}))).await;
    let files: Vec<String> = t["threads"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["attachments"].as_array().cloned().unwrap_or_default())
        .map(|a| a["sha256"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(files.len(), 2);
    let stored = |sha: &str| oxidesk::tickets::content::blob_path(&st.config.attachments_dir(), sha).exists();
    assert!(files.iter().all(|sha| stored(sha)));

    let delete = |n: &str| format!("{}/delete", path(n));
    for (auth, status) in
        [(Auth::Nobody, 401), (Auth::Bearer(&carol), 403), (Auth::Bearer(&agent), 403), (Auth::Key(&writer), 403)]
    {
        let (got, body) = send(&app, "POST", &delete(first), auth, None).await;
        assert_eq!(got, status, "{body}");
    }
    let (status, _) = send(&app, "POST", &delete("TCK-999999"), Auth::Bearer(&admin), None).await;
    assert_eq!(status, 404);
    let (status, still) = send(&app, "GET", &path(first), Auth::Bearer(&admin), None).await;
    assert_eq!(
        (status, still["threads"].clone(), still["followers"].as_array().map(Vec::len)),
        (200, t["threads"].clone(), Some(1))
    );

    let (status, _) = send(&app, "POST", &delete(first), Auth::Bearer(&admin), None).await;
    assert_eq!(status, 204);
    assert_eq!(send(&app, "GET", &path(first), Auth::Bearer(&admin), None).await.0, 404);
    assert_eq!(send(&app, "POST", &delete(first), Auth::Bearer(&admin), None).await.0, 404);
    assert_eq!(common::audit_count(&st, "ticket.delete"), 1);
    // The shared file stays for the second ticket; the note's own is gone.
    let shared_sha = &files[0];
    assert!(stored(shared_sha) && !stored(&files[1]), "{files:?}");
    let (_, second) = send(&app, "GET", &path(&numbers[1]), Auth::Bearer(&admin), None).await;
    let href = second["threads"][0]["attachments"][0]["href"].as_str().unwrap().to_owned();
    assert_eq!(send(&app, "GET", &href, Auth::Bearer(&admin), None).await.0, 200);
    let (_, list) = send(&app, "GET", "/api/tickets.json?status=all", Auth::Bearer(&admin), None).await;
    assert!(!list.to_string().contains(first.as_str()), "{list}");

    // The newest ticket deleted by a key with the admin scope: the next number is still new.
    let (status, _) = send(&app, "POST", &delete(&numbers[1]), Auth::Key(&keeper), None).await;
    assert_eq!(status, 204);
    let (_, third) = send(
        &app,
        "POST",
        "/api/tickets.json",
        Auth::Bearer(&admin),
        Some(json!({"email": "carol@example.com", "subject": "Third", "message": "m"})),
    )
    .await;
    let digits = |n: &str| n.trim_start_matches(|c: char| !c.is_ascii_digit()).parse::<i64>().unwrap();
    let third = third["ticket_number"].as_str().unwrap().to_owned();
    assert!(digits(&third) > digits(&numbers[1]), "{third} after {}", numbers[1]);

    // The administrator lowers the threshold: agents may delete.
    let (status, _) = send(
        &app,
        "PUT",
        "/api/settings.json",
        Auth::Bearer(&admin),
        Some(json!({"capabilities": {"delete_tickets": 3}})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(send(&app, "POST", &delete(&third), Auth::Bearer(&agent), None).await.0, 204);
}
