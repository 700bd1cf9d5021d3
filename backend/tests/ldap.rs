//! Sign-in through a real OpenLDAP server: `OXIDESK_LDAP_URL=$(scripts/ldap.sh)` names the server
//! with the test directory (its people are listed in scripts/ldap.sh). Without it these tests say
//! why on stderr and pass.

mod common;

use std::time::Duration;

use actix_web::test;
use actix_web::web;
use common::{answer, app, audit_count, bearer, conn, expect_error, state_with, test_db, TestDb};
use diesel::prelude::*;
use oxidesk::accounts::rules::{insert_user, NewUserInput};
use oxidesk::config::LdapConfig;
use oxidesk::core::db::models::UserRow;
use oxidesk::core::db::schema::users;
use oxidesk::core::state::AppState;
use serde_json::{json, Value};
use shared::validate::{Email, PersonName, Username};
use shared::AccessLevel;

const LOCAL_PASSWORD: &str = "a long enough passphrase";

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

const PEOPLE: &str = "uid={username},ou=people,dc=oxidesk,dc=test";

/// The app with this `[ldap]` section, and a login limit no test reaches.
async fn app_with(ldap: LdapConfig) -> (TestDb, web::Data<AppState>, impl TestApp) {
    let db = test_db();
    let st = state_with(&db, |config| {
        config.ldap = Some(ldap);
        config.login_attempts_per_minute = 10_000;
    });
    let app = app(st.clone()).await;
    (db, st, app)
}

/// The app signing in through the test directory (`change` adjusting its section), or `None`
/// after saying why the test does nothing.
async fn with_directory(
    test: &str,
    change: impl FnOnce(&mut LdapConfig),
) -> Option<(TestDb, web::Data<AppState>, impl TestApp)> {
    let Some(url) = std::env::var("OXIDESK_LDAP_URL").ok().filter(|u| !u.trim().is_empty()) else {
        eprintln!("SKIPPED {test}: OXIDESK_LDAP_URL is not set (run with OXIDESK_LDAP_URL=$(scripts/ldap.sh), as `make test-unit` does)");
        return None;
    };
    let mut ldap = LdapConfig::new(url, PEOPLE);
    change(&mut ldap);
    Some(app_with(ldap).await)
}

async fn login(app: &impl TestApp, username: &str, password: &str) -> (u16, Value) {
    let req = test::TestRequest::post()
        .uri("/api/auth/login.json")
        .peer_addr("10.1.2.3:40000".parse().unwrap())
        .set_json(json!({"username": username, "password": password}));
    answer(app, req.to_request()).await
}

/// PUT as the bearer of `token`.
async fn put(app: &impl TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let req =
        test::TestRequest::put().uri(path).insert_header(("Authorization", format!("Bearer {token}"))).set_json(body);
    answer(app, req.to_request()).await
}

async fn set_password(app: &impl TestApp, token: &str, id: i64) -> (u16, Value) {
    put(app, token, &format!("/api/users.json/{id}/password"), json!({"password": "a password set here"})).await
}

/// A local account; with `LOCAL_PASSWORD` when `password`, as `oxidesk admin create` makes one.
fn local_user(st: &AppState, username: Option<&str>, email: &str, level: AccessLevel, password: bool) -> UserRow {
    let hash = password.then(|| oxidesk::core::auth::password::hash(LOCAL_PASSWORD).unwrap());
    let username = username.map(|u| Username::parse(u).unwrap());
    let (email, name) = (Email::parse(email).unwrap(), PersonName::parse("Local Person").unwrap());
    insert_user(
        &mut conn(st),
        None,
        NewUserInput {
            username: username.as_ref(),
            email: &email,
            name: &name,
            phone: "",
            level,
            password_hash: hash.as_deref(),
            notes: "",
            timezone: None,
            language: None,
            email_confirmed: true,
        },
        None,
    )
    .unwrap()
}

fn user_named(st: &AppState, username: &str) -> Option<UserRow> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(&mut conn(st))
        .optional()
        .unwrap()
}

fn user_count(st: &AppState) -> i64 {
    users::table.count().get_result(&mut conn(st)).unwrap()
}

#[actix_web::test]
async fn the_first_sign_in_creates_the_user_from_the_directory_and_later_ones_find_it() {
    let Some((_db, st, app)) = with_directory("first sign-in", |_| {}).await else { return };

    let (status, body) = login(&app, "alice", "alice-secret-1").await;
    assert_eq!(status, 200, "{body}");
    let user = &body["user"];
    assert_eq!(
        (user["username"].as_str(), user["email"].as_str(), user["fullname"].as_str()),
        (Some("alice"), Some("alice@oxidesk.test"), Some("Alice Liddell"))
    );
    assert_eq!(
        (user["level"].as_i64(), user["lastname"].as_str()),
        (Some(i64::from(i16::from(AccessLevel::AuthorizedUser))), Some("Liddell"))
    );
    let alice = user_named(&st, "alice").expect("alice was created");
    assert_eq!(alice.password_hash, None, "the directory keeps the password");
    assert_eq!((audit_count(&st, "user.create"), audit_count(&st, "auth.login")), (1, 1));

    // Later: the same user, whatever the case of the name, or by email address.
    for name in ["ALICE", "Alice", "alice@oxidesk.test"] {
        let (status, body) = login(&app, name, "alice-secret-1").await;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(body["user"]["id"].as_i64(), Some(alice.id), "{name}");
    }
    assert_eq!((user_count(&st), audit_count(&st, "user.create")), (1, 1));

    // A first sign-in in capitals keeps the name in lower case; no mail attribute: a placeholder.
    let (status, body) = login(&app, "CAROL", "carol-secret-1").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["user"]["username"].as_str(), body["user"]["email"].as_str(), body["user"]["fullname"].as_str()),
        (Some("carol"), Some("carol@ldap.invalid"), Some("Carol Danvers"))
    );
}

#[actix_web::test]
async fn wrong_passwords_unknown_people_and_odd_names_are_refused_without_creating_anyone() {
    let Some((_db, st, app)) = with_directory("refusals", |_| {}).await else { return };

    for (name, password) in [
        ("alice", "not-alices-password"),
        ("alice", "ALICE-SECRET-1"),
        ("zed", "zed-secret-1"),
        ("alice)(uid=*", "alice-secret-1"),
        ("*", "alice-secret-1"),
        ("uid=alice,ou=people", "alice-secret-1"),
        ("alice@oxidesk.test", "alice-secret-1"), // an email address before the first sign-in: no user name
    ] {
        expect_error(&login(&app, name, password).await, 401, "unauthorized");
    }
    assert_eq!(audit_count(&st, "auth.login_failed"), 7);
    // An empty password would be an unauthenticated bind, which LDAP servers may accept.
    let (status, body) = login(&app, "alice", "").await;
    assert!([400, 401, 422].contains(&status), "{status} {body}");
    assert_eq!(user_count(&st), 0, "nobody was created");
}

#[actix_web::test]
async fn disabled_users_stay_out_and_directory_emails_never_take_over_accounts() {
    let Some((_db, st, app)) = with_directory("disabled users", |_| {}).await else { return };

    assert_eq!(login(&app, "dave", "dave-secret-1").await.0, 200);
    let dave = user_named(&st, "dave").unwrap();
    diesel::update(users::table.find(dave.id)).set(users::level.eq(0)).execute(&mut conn(&st)).unwrap();
    expect_error(&login(&app, "dave", "dave-secret-1").await, 401, "unauthorized");

    // bob@oxidesk.test is a local customer's address already (no user name, no password, as a
    // ticket by email makes one): bob from the directory gets an account of his own.
    let customer = local_user(&st, None, "bob@oxidesk.test", AccessLevel::AuthorizedUser, false);
    let (status, body) = login(&app, "bob", "bob-secret-1").await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(body["user"]["id"].as_i64(), Some(customer.id));
    assert_eq!(body["user"]["email"], "bob@ldap.invalid");
    // The customer, found by email, has no user name the directory could check.
    expect_error(&login(&app, "bob@oxidesk.test", "bob-secret-1").await, 401, "unauthorized");
}

#[actix_web::test]
async fn local_accounts_sign_in_locally_and_directory_users_get_no_local_password() {
    let Some((_db, st, app)) = with_directory("local accounts", |_| {}).await else { return };
    // "admin" is in the directory too, with another password: the local one wins.
    let admin = local_user(&st, Some("admin"), "admin@example.com", AccessLevel::Administrator, true);
    let agent = local_user(&st, Some("agent"), "agent@example.com", AccessLevel::Agent, true);
    assert_eq!(login(&app, "admin", LOCAL_PASSWORD).await.0, 200);
    expect_error(&login(&app, "admin", "directory-admin-1").await, 401, "unauthorized");

    assert_eq!(login(&app, "alice", "alice-secret-1").await.0, 200);
    let alice = user_named(&st, "alice").unwrap();
    let token = bearer(&st, admin.id);
    let refused = set_password(&app, &token, alice.id).await;
    expect_error(&refused, 409, "conflict");
    assert!(refused.1["error"]["message"].as_str().unwrap().contains("LDAP"), "{}", refused.1);
    assert_eq!(user_named(&st, "alice").unwrap().password_hash, None);
    assert_eq!(login(&app, "alice", "alice-secret-1").await.0, 200, "still the directory's");
    // Local accounts keep their passwords managed here.
    assert_eq!(set_password(&app, &token, agent.id).await.0, 204);

    // An account made beforehand with the directory's user name and no password gets its level
    // before the first sign-in.
    let carol = local_user(&st, Some("carol"), "carol@example.com", AccessLevel::Agent, false);
    let (status, body) = login(&app, "carol", "carol-secret-1").await;
    assert_eq!(
        (status, body["user"]["id"].as_i64(), body["user"]["level"].as_i64()),
        (200, Some(carol.id), Some(3)),
        "{body}"
    );

    // Nobody registers a local account, even where registrations are open: it could take a
    // directory user's name before they first sign in.
    assert_eq!(put(&app, &token, "/api/settings.json", json!({"allow_registrations": true})).await.0, 200);
    let req = test::TestRequest::post().uri("/api/auth/register.json").set_json(
        json!({"username": "bob", "name": "Not Bob", "email": "not.bob@example.com", "password": "a password of mine"}),
    );
    let refused = answer(&app, req.to_request()).await;
    expect_error(&refused, 403, "forbidden");
    assert!(refused.1["error"]["message"].as_str().unwrap().contains("LDAP"), "{}", refused.1);
    assert!(user_named(&st, "bob").is_none());
}

#[actix_web::test]
async fn with_base_dn_the_user_is_searched_and_the_configured_attributes_read() {
    let Some((_db, _, app)) = with_directory("base_dn search", |ldap| {
        ldap.base_dn = Some("dc=oxidesk,dc=test".into());
        ldap.name_attribute = "sn".into();
        ldap.email_attribute = "MAIL".into();
    })
    .await
    else {
        return;
    };
    let (status, body) = login(&app, "alice", "alice-secret-1").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["user"]["fullname"].as_str(), body["user"]["email"].as_str()),
        (Some("Liddell"), Some("alice@oxidesk.test"))
    );
}

/// A port where nothing listens, and one that accepts connections and never answers.
fn dead_ports() -> (u16, std::net::TcpListener) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    (closed, std::net::TcpListener::bind("127.0.0.1:0").unwrap())
}

#[actix_web::test]
async fn a_directory_that_does_not_answer_is_a_503_and_local_accounts_still_sign_in() {
    // Needs no directory: the point is that there is none.
    let (closed, silent) = dead_ports();
    for url in [format!("ldap://127.0.0.1:{closed}"), format!("ldap://{}", silent.local_addr().unwrap())] {
        let mut ldap = LdapConfig::new(url.clone(), PEOPLE);
        ldap.timeout = Duration::from_secs(1);
        let (_db, st, app) = app_with(ldap).await;
        local_user(&st, Some("admin"), "admin@example.com", AccessLevel::Administrator, true);
        let started = std::time::Instant::now();
        let down = login(&app, "alice", "alice-secret-1").await;
        expect_error(&down, 503, "unavailable");
        assert!(down.1["error"]["message"].as_str().unwrap().contains("LDAP"), "{}", down.1);
        assert!(started.elapsed() < Duration::from_secs(4), "{url}: the timeout bounds the wait");
        assert_eq!(user_count(&st), 1, "{url}: nobody was created");
        assert_eq!(
            login(&app, "admin", LOCAL_PASSWORD).await.0,
            200,
            "{url}: local accounts do not need the directory"
        );
    }
}
