//! The outgoing-connection policy (issue 13 §6) through the mail screens: hosts the policy refuses
//! are a 422 when saved and refused again at every connection (test mail, IMAP test, the outbox),
//! without a byte sent to them; and whatever a foreign service on an allowed address says never
//! reaches an answer or the outbox.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use common::{app, first_admin, send, state, state_with, test_db, Auth};
use oxidesk::core::jobs;
use oxidesk::core::state::AppState;
use oxidesk::mail::deliver::SEND;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// What the foreign services say: a test fails when any of it shows up in an answer.
const SECRET: &str = "secret-banner";

/// A service of the test's own on 127.0.0.1 that is not the mail server the settings expect: it
/// writes `greeting`, then answers each line it reads with `answer(line)` until that gives
/// `None`, and closes. It counts the connections it got; dropping it stops it.
struct Foreign {
    port: u16,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Foreign {
    async fn start(greeting: &'static str, answer: fn(&str) -> Option<String>) -> Foreign {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let (read, mut write) = stream.into_split();
                if write.write_all(greeting.as_bytes()).await.is_err() {
                    continue;
                }
                let mut lines = BufReader::new(read).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let Some(reply) = answer(&line) else { break };
                    if write.write_all(reply.as_bytes()).await.is_err() {
                        break;
                    }
                }
            }
        });
        Foreign { port, connections, task }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Foreign {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn hang_up(_: &str) -> Option<String> {
    None
}

async fn put_settings(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    auth: Auth<'_>,
    settings: Value,
) -> (u16, Value) {
    send(app, "PUT", "/api/mail/settings.json", auth, Some(settings)).await
}

/// "Send test mail" and "test IMAP connection": each one's `detail`, after checking it failed.
async fn tests_fail(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    auth: Auth<'_>,
) -> (String, String) {
    let (status, smtp) = send(app, "POST", "/api/mail/test.json", auth, Some(json!({"to": "x@example.com"}))).await;
    assert_eq!((status, smtp["ok"].as_bool()), (200, Some(false)), "{smtp}");
    let (status, imap) = send(app, "POST", "/api/mail/imap-test.json", auth, None).await;
    assert_eq!((status, imap["ok"].as_bool()), (200, Some(false)), "{imap}");
    (smtp["detail"].as_str().unwrap().to_owned(), imap["detail"].as_str().unwrap().to_owned())
}

/// A ticket for a customer, whose receipt the outbox then holds; one delivery round; the mail's
/// last error.
async fn last_error_of_a_mail(
    st: &AppState,
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    admin: &str,
) -> String {
    let key = common::api_key(st, "read,write");
    let ticket = json!({"email": "customer@example.com", "name": "Cus Tomer", "subject": "Down", "message": "m"});
    assert_eq!(send(app, "POST", "/api/tickets.json", Auth::Key(&key), Some(ticket)).await.0, 201);
    let tally = jobs::run_due(&st.pool, &st.config, &SEND).await.expect("deliver");
    assert!(tally.retrying >= 1 && tally.done == 0, "{tally:?}");
    let (_, rows) = send(app, "GET", "/api/outbox.json?per_page=1", Auth::Bearer(admin), None).await;
    rows[0]["last_error"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn special_addresses_are_refused_when_saved_and_at_every_connection() {
    let db = test_db();
    let closed = state_with(&db, |c| c.outbound.allow.clear());
    let app = app(closed.clone()).await;
    let admin = first_admin(&app).await;
    let key = common::api_key(&closed, "admin");
    let (_, before) = send(&app, "GET", "/api/mail/settings.json", Auth::Bearer(&admin), None).await;
    // Keys never choose the mail server (docs/security.md, "No key becomes a person").
    let (status, _) = put_settings(&app, Auth::Key(&key), json!({"smtp_host": "169.254.169.254"})).await;
    assert_eq!(status, 403);
    for auth in [Auth::Bearer(&admin)] {
        for (host, address) in [
            ("169.254.169.254", "169.254.169.254"),
            ("127.0.0.1", "127.0.0.1"),
            ("localhost", "127.0.0.1"),
            ("10.0.0.5", "10.0.0.5"),
            ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
            ("fd00:ec2::254", "fd00:ec2::254"),
        ] {
            let (status, err) =
                put_settings(&app, auth, json!({"smtp_host": host, "smtp_port": 22, "imap_host": host})).await;
            assert_eq!(status, 422, "{host}: {err}");
            for field in ["smtp_host", "imap_host"] {
                let message = err["error"]["fields"][field].as_str().unwrap_or_default();
                assert!(message.contains(&format!("the address {address} is not allowed")), "{host}: {err}");
            }
        }
    }
    let (_, after) = send(&app, "GET", "/api/mail/settings.json", Auth::Bearer(&admin), None).await;
    assert_eq!(after, before, "nothing of a refused change is written");

    // Saved while the file allowed this machine (or through a name that resolved elsewhere then):
    // every connection checks again, and knocks nowhere.
    let foreign = Foreign::start("SSH-2.0-OpenSSH_9.6 secret-banner\r\n", hang_up).await;
    let open_app = common::app(state(&db)).await;
    let settings = json!({
        "smtp_host": "127.0.0.1", "smtp_port": foreign.port, "smtp_security": "none", "from_address": "desk@desk.test",
        "imap_host": "127.0.0.1", "imap_port": foreign.port, "imap_security": "none", "imap_user": "desk"
    });
    assert_eq!(put_settings(&open_app, Auth::Bearer(&admin), settings).await.0, 200);
    for auth in [Auth::Bearer(&admin), Auth::Key(&key)] {
        let (smtp, imap) = tests_fail(&app, auth).await;
        let refusal = format!("cannot connect to 127.0.0.1:{}: the address 127.0.0.1 is not allowed", foreign.port);
        assert!(smtp.starts_with(&refusal), "{smtp}");
        assert!(imap.starts_with(&refusal), "{imap}");
    }
    let last_error = last_error_of_a_mail(&closed, &app, &admin).await;
    assert!(last_error.contains("the address 127.0.0.1 is not allowed"), "{last_error}");
    assert_eq!(foreign.connections(), 0, "a refused address was connected to");
}

#[actix_web::test]
async fn what_a_foreign_service_says_never_reaches_an_answer_or_the_outbox() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let key = common::api_key(&st, "admin");
    let ssh = Foreign::start("SSH-2.0-OpenSSH_9.6 secret-banner\r\n", hang_up).await;
    let refusing_smtp = Foreign::start("554 5.7.1 secret-banner: go away\r\n", hang_up).await;
    let refusing_imap = Foreign::start("* BYE secret-banner\r\n", hang_up).await;
    // Mail servers that greet, then refuse the sign-in with words of their own.
    let smtp_signin = Foreign::start("220 mail ESMTP\r\n", |line| {
        Some(match line.split(' ').next().unwrap_or_default() {
            "EHLO" => "250-mail\r\n250 AUTH PLAIN LOGIN\r\n".to_owned(),
            "AUTH" => format!("535 5.7.8 {SECRET} for this account\r\n"),
            _ => format!("500 {SECRET}\r\n"),
        })
    })
    .await;
    let imap_signin = Foreign::start("* OK [CAPABILITY IMAP4rev1] ready\r\n", |line| {
        let tag = line.split(' ').next().unwrap_or("*");
        Some(format!("{tag} NO [AUTHENTICATIONFAILED] {SECRET}\r\n"))
    })
    .await;

    let cases = [
        (&ssh, "none", "is not an SMTP server", "no IMAP greeting"),
        (&ssh, "starttls", "is not an SMTP server", "no IMAP greeting"),
        (&ssh, "tls", "does not speak TLS", "does not speak TLS"),
        (&refusing_smtp, "none", "refused the connection (code 554)", "no IMAP greeting"),
        (&refusing_imap, "none", "is not an SMTP server", "refused the connection (BYE)"),
        (&smtp_signin, "none", "the server refused the sign-in (code 535)", "no IMAP greeting"),
        (&imap_signin, "none", "is not an SMTP server", "refused the sign-in of \"desk\""),
    ];
    for (service, security, smtp_says, imap_says) in cases {
        let settings = json!({
            "smtp_host": "127.0.0.1", "smtp_port": service.port, "smtp_security": security,
            "smtp_user": "desk", "smtp_password": "secret", "from_address": "desk@desk.test",
            "imap_host": "127.0.0.1", "imap_port": service.port, "imap_security": security,
            "imap_user": "desk", "imap_password": "secret"
        });
        assert_eq!(put_settings(&app, Auth::Bearer(&admin), settings).await.0, 200);
        for auth in [Auth::Bearer(&admin), Auth::Key(&key)] {
            let (smtp, imap) = tests_fail(&app, auth).await;
            assert!(smtp.contains(smtp_says), "{security} on {}: {smtp}", service.port);
            assert!(imap.contains(imap_says), "{security} on {}: {imap}", service.port);
            for detail in [&smtp, &imap] {
                assert!(!detail.contains(SECRET) && !detail.contains("SSH"), "the service's words leaked: {detail}");
            }
        }
    }
    assert!(ssh.connections() > 0 && smtp_signin.connections() > 0 && imap_signin.connections() > 0);

    // The outbox keeps the class of the failure, not the server's words.
    let settings = json!({"smtp_port": smtp_signin.port, "smtp_security": "none"});
    assert_eq!(put_settings(&app, Auth::Bearer(&admin), settings).await.0, 200);
    let last_error = last_error_of_a_mail(&st, &app, &admin).await;
    assert!(last_error.contains("the server refused the sign-in (code 535)"), "{last_error}");
    assert!(!last_error.contains(SECRET), "{last_error}");
}
