//! The real app, in-process, on a real database: a SQLite file in a temporary folder, or a fresh
//! PostgreSQL database when TEST_DATABASE_URL is set.

// Each test file uses some of these helpers.
#![allow(dead_code)]

use actix_http::Request;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App};
use diesel::prelude::*;
use oxidesk::cli::GlobalArgs;
use oxidesk::config::Config;
use oxidesk::core::auth::jwt::JwtKeys;
use oxidesk::core::db::{self, AnyConnection};
use oxidesk::core::state::AppState;
use serde_json::Value;

pub mod mail;

pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    drop_pg: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.drop_pg.take() {
            if let Ok(mut conn) = diesel::PgConnection::establish(&admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn);
            }
        }
    }
}

pub fn test_db() -> TestDb {
    let dir = tempfile::tempdir().expect("tempdir");
    match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(admin_url) => {
            static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let name = format!(
                "oxidesk_it_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            );
            let mut conn = diesel::PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
            diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).expect("create database");
            let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
            TestDb { url: format!("{base}/{name}"), dir, drop_pg: Some((admin_url, name)) }
        }
        None => {
            let url = dir.path().join("oxidesk.db").display().to_string();
            TestDb { url, dir, drop_pg: None }
        }
    }
}

pub fn state(db: &TestDb) -> web::Data<AppState> {
    state_with(db, |_| {})
}

/// The state with settings changed from the defaults, e.g. an `[ldap]` section.
pub fn state_with(db: &TestDb, change: impl FnOnce(&mut Config)) -> web::Data<AppState> {
    state_consuming(db, change, oxidesk::features::CONSUMERS)
}

/// The state with other consumers of the rules' events than the server's.
pub fn state_consuming(
    db: &TestDb,
    change: impl FnOnce(&mut Config),
    consumers: &'static [oxidesk::core::events::Consumer],
) -> web::Data<AppState> {
    // The test mail servers (scripts/mail.sh) listen on this machine, which the outgoing policy
    // refuses unless the configuration file allows it: as an administrator would, in the file.
    let file = db.dir.path().join("oxidesk.toml");
    std::fs::write(&file, "[outbound]\nallow = [\"127.0.0.0/8\", \"::1/128\"]\n").expect("write oxidesk.toml");
    let args = GlobalArgs {
        data_dir: Some(db.dir.path().to_path_buf()),
        database_url: Some(db.url.clone()),
        config: Some(file),
    };
    let mut config = Config::load(&args, None).expect("config");
    change(&mut config);
    let pool = db::connect(&config.database_url, 8).expect("database");
    let jwt = JwtKeys::load_or_create(&config.data_dir).expect("jwt secret");
    web::Data::new(AppState::new(pool, config, jwt, consumers))
}

pub async fn app(
    state: web::Data<AppState>,
) -> impl Service<Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(App::new().configure(oxidesk::startup::app_config(state))).await
}

pub fn conn(state: &AppState) -> diesel::r2d2::PooledConnection<diesel::r2d2::ConnectionManager<AnyConnection>> {
    state.pool.get().expect("connection")
}

/// A key with these scopes, stored as `oxidesk apikey create` stores it.
/// An access token for the user, in a new session (as a sign-in would make).
pub fn bearer(state: &AppState, user_id: i64) -> String {
    let started = oxidesk::core::auth::sessions::start(&mut conn(state), user_id, 1).unwrap();
    state.jwt.issue(user_id, started.session_id, 600).unwrap()
}

pub fn api_key(state: &AppState, scopes: &str) -> String {
    use oxidesk::core::db::schema::api_keys;
    let key = oxidesk::core::auth::apikeys::generate();
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::name.eq("test"),
            api_keys::prefix.eq(&key.prefix),
            api_keys::key_hash.eq(&key.hash),
            api_keys::scopes.eq(scopes),
            api_keys::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(&mut conn(state))
        .expect("insert key");
    key.secret
}

pub async fn call(
    app: &impl Service<Request, Response = ServiceResponse, Error = actix_web::Error>,
    method: &str,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = test::TestRequest::default()
        .method(method.parse().expect("method"))
        .uri(path)
        .insert_header(("X-API-Key", key))
        .insert_header(("Accept", "application/json"));
    if let Some(body) = body {
        req = req.set_json(body);
    }
    answer(app, req.to_request()).await
}

/// Sends a request; its status and JSON body (Null when the body is not JSON).
pub async fn answer(
    app: &impl Service<Request, Response = ServiceResponse, Error = actix_web::Error>,
    req: Request,
) -> (u16, Value) {
    let resp = test::call_service(app, req).await;
    let status = resp.status().as_u16();
    (status, json_body(resp).await)
}

#[derive(Clone, Copy)]
pub enum Auth<'a> {
    Nobody,
    Key(&'a str),
    Bearer(&'a str),
}

/// A request from 192.0.2.20 with these credentials; the answer's status and JSON body.
pub async fn send(
    app: &impl Service<Request, Response = ServiceResponse, Error = actix_web::Error>,
    method: &str,
    path: &str,
    auth: Auth<'_>,
    body: Option<Value>,
) -> (u16, Value) {
    let reply = exchange(app, method, path, auth, &[], body).await;
    (reply.status, reply.body)
}

/// An answer with its headers.
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: actix_web::http::header::HeaderMap,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }

    /// The refresh cookie's value, as `name=value` to send back.
    pub fn refresh_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("oxidesk_refresh=") && !c.starts_with("oxidesk_refresh=;"))
            .map(|c| c.split(';').next().unwrap_or_default().to_owned())
    }
}

pub async fn exchange<S, B>(
    app: &S,
    method: &str,
    path: &str,
    auth: Auth<'_>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Reply
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let mut req = test::TestRequest::default()
        .method(method.parse().expect("method"))
        .uri(path)
        .peer_addr("192.0.2.20:40000".parse().expect("addr"))
        .insert_header(("Accept", "application/json"));
    req = match auth {
        Auth::Nobody => req,
        Auth::Key(k) => req.insert_header(("X-API-Key", k.to_owned())),
        Auth::Bearer(t) => req.insert_header(("Authorization", format!("Bearer {t}"))),
    };
    for (name, value) in headers {
        req = req.insert_header((name.to_string(), value.to_string()));
    }
    if let Some(body) = body {
        req = req.set_json(body);
    }
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    Reply { status, body: json_body(resp).await, headers }
}

/// The answer's JSON body (Null when it is not JSON). An event stream never ends by itself: its
/// body is not read, and its status and headers are the answer.
async fn json_body<B: actix_web::body::MessageBody>(resp: ServiceResponse<B>) -> Value {
    let streaming = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/event-stream"));
    if streaming {
        return Value::Null;
    }
    let bytes = test::read_body(resp).await;
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

/// The token of the newest account mail to `recipient` whose link contains `marker`
/// (`/reset?token=`). The outbox holds only `hidden-until-sent` where the token goes: the mail is
/// delivered to the shared test SMTP sink as the worker would deliver it, and the token read from
/// the mail that arrived (found by its Message-ID, since other tests share the sink).
pub async fn mailed_token(
    app: &impl Service<Request, Response = ServiceResponse, Error = actix_web::Error>,
    state: &AppState,
    admin: &str,
    recipient: &str,
    marker: &str,
) -> String {
    let hidden = format!("{marker}{}", oxidesk::mail::outbox::HIDDEN_TOKEN);
    let wanted = |m: &&Value| m["recipient"] == recipient && m["body"].as_str().is_some_and(|b| b.contains(&hidden));
    let message_id = outbox_until(app, admin, |mails| mails.iter().find(wanted).is_some())
        .await
        .iter()
        .find(wanted)
        .expect("the mail")["message_id"]
        .as_str()
        .expect("a Message-ID")
        .to_owned();
    let smtp = serde_json::json!({
        "smtp_host": "127.0.0.1", "smtp_port": 10025, "smtp_security": "none", "from_address": "desk@desk.test"
    });
    let (status, body) = send(app, "PUT", "/api/mail/settings.json", Auth::Bearer(admin), Some(smtp)).await;
    assert_eq!(status, 200, "{body}");
    oxidesk::core::jobs::run_due(&state.pool, &state.config, &oxidesk::mail::deliver::SEND).await.expect("deliver");
    let arrived = mail::received(&mail::plain_sink(), recipient)
        .into_iter()
        .filter_map(|raw| {
            let parsed = mail_parser::MessageParser::default().parse(&raw)?;
            let id = parsed.message_id().map(|id| format!("<{id}>"));
            (id.as_deref() == Some(message_id.as_str())).then(|| parsed.body_text(0).map(|t| t.into_owned()))?
        })
        .next()
        .unwrap_or_else(|| panic!("the mail {message_id} to {recipient} did not arrive"));
    let start = arrived.rfind(marker).expect("marker") + marker.len();
    let token: String = arrived[start..].chars().take_while(char::is_ascii_alphanumeric).collect();
    assert_ne!(token, "hidden", "the delivered mail carries the real token");
    token
}

/// The outbox (newest first) once `ready` holds of it: a reset request queues its mail after
/// answering (so the answer takes the same time whether the account exists).
pub async fn outbox_until(
    app: &impl Service<Request, Response = ServiceResponse, Error = actix_web::Error>,
    admin: &str,
    ready: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let mut last = Value::Null;
    for _ in 0..100 {
        let (status, mails) = send(app, "GET", "/api/outbox.json?per_page=100", Auth::Bearer(admin), None).await;
        assert_eq!(status, 200, "{mails}");
        let list = mails.as_array().expect("mails").clone();
        if ready(&list) {
            return list;
        }
        last = mails;
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the outbox did not become as expected: {last}");
}

pub fn audit_count(state: &AppState, action: &str) -> i64 {
    use oxidesk::core::db::schema::audit_log;
    audit_log::table
        .filter(audit_log::action.eq(action))
        .count()
        .get_result(&mut conn(state))
        .expect("count audit rows")
}

/// Panics unless `got` is the API's error body with this status and code, and a message.
#[track_caller]
pub fn expect_error(got: &(u16, Value), status: u16, code: &str) {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1["error"]["code"], code, "{}", got.1);
    assert!(got.1["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", got.1);
}

/// First run: an administrator (admin@desk.test) and their access token.
pub async fn first_admin(app: &impl Service<Request, Response = ServiceResponse, Error = actix_web::Error>) -> String {
    let (status, body) = send(app, "POST", "/api/setup.json", Auth::Nobody, Some(serde_json::json!({
        "username": "admin", "name": "Ada Admin", "email": "admin@desk.test", "password": "the admin's long password"
    })))
    .await;
    assert_eq!(status, 201, "{body}");
    body["access_token"].as_str().expect("token").to_owned()
}
