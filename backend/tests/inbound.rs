//! Mail in (issue 5): osTicket's piping (`POST /api/tickets.email`) and the IMAP fetcher against a
//! real dovecot (scripts/mail.sh) — new tickets, replies threaded by headers and by subject,
//! auto-replies that do nothing, real-world MIME samples, each mail handled once, the quarantine —
//! with their bad inputs, on a real database.

mod common;

use std::path::PathBuf;

use actix_web::dev::{Service, ServiceResponse};
use common::mail as servers;
use common::{api_key, app, first_admin, send, state, state_with, test_db, Auth};
use oxidesk::core::state::AppState;
use oxidesk::mail::{fetch, inbound};
use serde_json::{json, Value};

const PASSWORD: &str = "a long passphrase";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail").join(name)).expect("fixture")
}

/// Posts a raw mail as an MTA would (any Content-Type), with JSON asked for.
async fn pipe(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    key: &str,
    raw: &[u8],
) -> (u16, Value) {
    let req = actix_web::test::TestRequest::post()
        .uri("/api/tickets.email")
        .insert_header(("X-API-Key", key))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .insert_header(("Accept", "application/json"))
        .set_payload(raw.to_vec())
        .to_request();
    let resp = actix_web::test::call_service(app, req).await;
    let status = resp.status().as_u16();
    let body = actix_web::test::read_body(resp).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn mail(from: &str, subject: &str, message_id: &str, extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: support@desk.test\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n{extra_headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

async fn ticket(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    admin: &str,
    number: &str,
) -> Value {
    let (status, t) = send(app, "GET", &format!("/api/tickets.json/{number}"), Auth::Bearer(admin), None).await;
    assert_eq!(status, 200, "{t}");
    t
}

fn entries(t: &Value) -> Vec<Value> {
    t["threads"].as_array().unwrap().iter().filter(|e| e["type"] != "E").cloned().collect()
}

async fn allow_guests(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    admin: &str,
) {
    let (status, _) =
        send(app, "PUT", "/api/settings.json", Auth::Bearer(admin), Some(json!({"allow_guest_tickets": true}))).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn piped_mail_opens_a_ticket_once_and_replies_thread_onto_it() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let key = api_key(&st, "read,write");
    // A server that is never reached: the test reads what the desk queued.
    let (status, _) = send(
        &app,
        "PUT",
        "/api/mail/settings.json",
        Auth::Bearer(&admin),
        Some(json!({"smtp_host": "127.0.0.1", "smtp_port": 9, "from_address": "desk@desk.test"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, customer) = send(
        &app,
        "POST",
        "/api/users.json",
        Auth::Bearer(&admin),
        Some(json!({
            "username": "carla", "name": "Carla Diaz", "email": "carla@example.com", "password": PASSWORD
        })),
    )
    .await;
    assert_eq!(status, 201, "{customer}");

    let first = mail(
        "Carla Diaz <Carla@Example.com>",
        "Printer on fire",
        "first@client.test",
        "",
        "It smokes.\r\n\r\n-- \r\nCarla",
    );
    let (status, piped) = pipe(&app, &key, &first).await;
    assert_eq!((status, piped["outcome"].as_str()), (201, Some("ticket")), "{piped}");
    let number = piped["ticket"].as_str().unwrap().to_owned();
    let t = ticket(&app, &admin, &number).await;
    assert_eq!(
        (t["subject"].as_str(), t["source"].as_str(), t["user"]["email"].as_str()),
        (Some("Printer on fire"), Some("Email"), Some("carla@example.com")),
        "{t}"
    );
    assert_eq!(entries(&t)[0]["body"], "It smokes.", "the signature is cut");

    // The same mail again (an MTA retrying): the same answer, nothing new.
    let (status, again) = pipe(&app, &key, &first).await;
    assert_eq!(
        (status, again["ticket"].as_str(), again["duplicate"].as_bool()),
        (201, Some(number.as_str()), Some(true))
    );
    assert_eq!(entries(&ticket(&app, &admin, &number).await).len(), 1);

    // A reply to our receipt (by its headers) joins the ticket, its quoted history cut.
    let receipt_id = {
        let (_, mails) = send(&app, "GET", "/api/outbox.json", Auth::Bearer(&admin), None).await;
        mails.as_array().unwrap().iter().find(|m| m["recipient"] == "carla@example.com").unwrap()["message_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let quoted = format!(
        "Still smoking.\r\n\r\nOn Tue, 24 Nov 2026, Desk wrote:\r\n> {}\r\n> We got it.",
        oxidesk::mail::REPLY_MARKER
    );
    let reply = mail(
        "carla@example.com",
        "Re: something else",
        "second@client.test",
        &format!("In-Reply-To: {receipt_id}\r\nReferences: <first@client.test> {receipt_id}\r\n"),
        &quoted,
    );
    let (status, piped) = pipe(&app, &key, &reply).await;
    assert_eq!(
        (status, piped["outcome"].as_str(), piped["ticket"].as_str()),
        (201, Some("reply"), Some(number.as_str())),
        "{piped}"
    );
    // And one that only names the ticket in its subject.
    let by_subject = mail(
        "carla@example.com",
        &format!("AW: [{number}] Printer on fire"),
        "third@client.test",
        "",
        "Fixed now, thanks.",
    );
    let (_, piped) = pipe(&app, &key, &by_subject).await;
    assert_eq!(
        (piped["outcome"].as_str(), piped["ticket"].as_str()),
        (Some("reply"), Some(number.as_str())),
        "{piped}"
    );
    let t = ticket(&app, &admin, &number).await;
    let bodies: Vec<String> = entries(&t).iter().map(|e| e["body"].as_str().unwrap().to_owned()).collect();
    assert_eq!(bodies, ["It smokes.", "Still smoking.", "Fixed now, thanks."]);

    // Someone else naming the ticket does not join it: with guest tickets off, nothing happens.
    let stranger =
        mail("mallory@evil.test", &format!("Re: [{number}] Printer on fire"), "evil@evil.test", "", "Wire me money.");
    let (status, piped) = pipe(&app, &key, &stranger).await;
    assert_eq!((status, piped["outcome"].as_str(), piped["ticket"].as_str()), (201, Some("ignored"), None), "{piped}");
    // With guest tickets on, a stranger's mail opens a ticket of its own.
    allow_guests(&app, &admin).await;
    let stranger = mail(
        "Mallory <mallory@evil.test>",
        &format!("Re: [{number}] Printer on fire"),
        "evil2@evil.test",
        "",
        "Hello?",
    );
    let (_, piped) = pipe(&app, &key, &stranger).await;
    assert_eq!(piped["outcome"], "ticket", "{piped}");
    assert_ne!(piped["ticket"].as_str(), Some(number.as_str()));

    // An agent answering by mail answers the customer, who is told.
    let (status, _) = send(
        &app,
        "POST",
        "/api/users.json",
        Auth::Bearer(&admin),
        Some(json!({
            "username": "sam", "name": "Sam Agent", "email": "sam@desk.test", "password": PASSWORD, "level": 3
        })),
    )
    .await;
    assert_eq!(status, 201);
    let answer = mail(
        "sam@desk.test",
        &format!("Re: [{number}] Printer on fire"),
        "agent@desk.test",
        "",
        "A technician is on the way.",
    );
    let (_, piped) = pipe(&app, &key, &answer).await;
    assert_eq!(piped["outcome"], "reply");
    let t = ticket(&app, &admin, &number).await;
    let last = entries(&t).pop().unwrap();
    assert_eq!((last["type"].as_str(), last["poster"].as_str()), (Some("R"), Some("Sam Agent")), "{last}");
    let (_, mails) = send(&app, "GET", "/api/outbox.json?per_page=100", Auth::Bearer(&admin), None).await;
    assert!(
        mails
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["recipient"] == "carla@example.com" && m["kind"] == "ticket.reply.customer"),
        "{mails}"
    );
}

#[actix_web::test]
async fn auto_replies_bounces_and_lists_create_nothing_and_tell_nobody() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    allow_guests(&app, &admin).await;
    let key = api_key(&st, "read,write");
    let (_, before) = send(&app, "GET", "/api/outbox.json", Auth::Bearer(&admin), None).await;
    for sample in [
        "out-of-office-auto-submitted.eml",
        "exchange-oof-automatic-reply.eml",
        "bounce-multipart-report-mailer-daemon.eml",
        "mailing-list-list-id.eml",
        "x-loop-oxidesk-notification.eml",
    ] {
        let (status, piped) = pipe(&app, &key, &fixture(sample)).await;
        assert_eq!(
            (status, piped["outcome"].as_str(), piped["ticket"].as_str()),
            (201, Some("auto"), None),
            "{sample}: {piped}"
        );
    }
    // Mail from the desk's own address is a loop too.
    let (status, _) = send(
        &app,
        "PUT",
        "/api/mail/settings.json",
        Auth::Bearer(&admin),
        Some(json!({"from_address": "support@desk.test"})),
    )
    .await;
    assert_eq!(status, 200);
    let own = mail("support@desk.test", "Hello", "own@desk.test", "", "Loop?");
    assert_eq!(pipe(&app, &key, &own).await.1["outcome"], "auto");
    let (_, tickets) = send(&app, "GET", "/api/tickets.json", Auth::Bearer(&admin), None).await;
    assert_eq!(tickets.as_array().map(Vec::len), Some(0), "{tickets}");
    let (_, after) = send(&app, "GET", "/api/outbox.json", Auth::Bearer(&admin), None).await;
    assert_eq!(before, after, "nobody is told");
    let (_, log) = send(&app, "GET", "/api/mail/inbound.json?outcome=auto", Auth::Bearer(&admin), None).await;
    assert_eq!(log.as_array().map(Vec::len), Some(6), "{log}");
    assert!(log[0]["reason"].as_str().unwrap().contains("own address"), "{log}");
}

#[actix_web::test]
async fn real_world_mime_samples_become_readable_tickets() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    allow_guests(&app, &admin).await;
    let key = api_key(&st, "read,write");
    // (sample, subject, a piece of the first message, attachment names)
    let long_line = "0123456789".repeat(1000);
    let samples: [(&str, &str, &str, &[&str]); 7] = [
        ("alternative-iso-8859-1-qp.eml", "Drucker fällt ständig aus", "Drucker", &[]),
        (
            "mixed-related-inline-png-pdf-rfc2231.eml",
            "Rechnung und Screenshot",
            "",
            &["logo.png", "Rechnung März 2026.pdf"],
        ),
        ("shift-jis-body-iso-2022-jp-subject.eml", "プリンターの故障", "", &[]),
        ("windows-1252-8bit.eml", "Invoice question", "€", &[]),
        ("long-line-10000-chars.eml", "Stack trace", &long_line, &[]),
        ("broken-headers-no-message-id.eml", "", "", &[]),
        ("utf-8-base64-csv-attachment.eml", "Kundenliste 👋", "", &[]),
    ];
    for (sample, subject, text, files) in samples {
        let (status, piped) = pipe(&app, &key, &fixture(sample)).await;
        assert_eq!((status, piped["outcome"].as_str()), (201, Some("ticket")), "{sample}: {piped}");
        let t = ticket(&app, &admin, piped["ticket"].as_str().unwrap()).await;
        if !subject.is_empty() {
            assert_eq!(t["subject"], subject, "{sample}");
        }
        let first = &entries(&t)[0];
        let body = first["body"].as_str().unwrap();
        assert!(body.contains(text), "{sample}: {}", body.chars().take(300).collect::<String>());
        assert!(!body.contains("<script"), "{sample}: sanitised");
        let names: Vec<&str> = first["attachments"]
            .as_array()
            .map(|a| a.iter().filter_map(|f| f["filename"].as_str()).collect())
            .unwrap_or_default();
        for f in files {
            assert!(names.contains(f), "{sample}: {f} in {names:?}");
        }
    }
    // An HTML-only Outlook reply keeps the answer as sanitised HTML without the quoted mail.
    let (_, piped) = pipe(&app, &key, &fixture("outlook-html-only-reply-divrplyfwdmsg.eml")).await;
    let t = ticket(&app, &admin, piped["ticket"].as_str().unwrap()).await;
    let body = entries(&t)[0]["body"].as_str().unwrap().to_owned();
    assert!(!body.contains("divRplyFwdMsg") && !body.contains("<script"), "{body}");
}

#[actix_web::test]
async fn unreadable_mail_is_quarantined_kept_retried_and_discarded() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let key = api_key(&st, "read,write");
    for sample in ["binary-garbage.eml", "from-without-at.eml"] {
        let (status, piped) = pipe(&app, &key, &fixture(sample)).await;
        assert_eq!((status, piped["outcome"].as_str()), (201, Some("quarantined")), "{sample}: {piped}");
    }
    let (status, list) =
        send(&app, "GET", "/api/mail/inbound.json?outcome=quarantined", Auth::Bearer(&admin), None).await;
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(2)), "{list}");
    let id = list[0]["id"].as_i64().unwrap();
    assert!(list[0]["reason"].as_str().unwrap().contains("sender"), "{list}");
    assert_eq!(list[0]["size"].as_i64(), Some(fixture("from-without-at.eml").len() as i64));

    let req = actix_web::test::TestRequest::get()
        .uri(&format!("/api/mail/inbound.json/{id}/raw"))
        .insert_header(("Authorization", format!("Bearer {admin}")))
        .to_request();
    let resp = actix_web::test::call_service(&app, req).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(actix_web::test::read_body(resp).await.to_vec(), fixture("from-without-at.eml"), "kept byte for byte");
    let (status, again) =
        send(&app, "POST", &format!("/api/mail/inbound.json/{id}/retry"), Auth::Bearer(&admin), None).await;
    assert_eq!(
        (status, again["outcome"].as_str(), again["id"].as_i64()),
        (200, Some("quarantined"), Some(id)),
        "still unreadable: {again}"
    );
    let (status, _) = send(&app, "DELETE", &format!("/api/mail/inbound.json/{id}"), Auth::Bearer(&admin), None).await;
    assert_eq!(status, 204);
    assert_eq!(send(&app, "DELETE", &format!("/api/mail/inbound.json/{id}"), Auth::Bearer(&admin), None).await.0, 404);

    // Handled mail is a log line: it is neither kept nor discarded.
    allow_guests(&app, &admin).await;
    let (_, piped) = pipe(&app, &key, &mail("ok@example.com", "Fine", "fine@example.com", "", "Hello")).await;
    let (_, list) = send(&app, "GET", "/api/mail/inbound.json?outcome=ticket", Auth::Bearer(&admin), None).await;
    assert_eq!(list[0]["ticket"], piped["ticket"], "{list}");
    let handled = list[0]["id"].as_i64().unwrap();
    for (method, path) in [
        ("GET", format!("/api/mail/inbound.json/{handled}/raw")),
        ("POST", format!("/api/mail/inbound.json/{handled}/retry")),
        ("DELETE", format!("/api/mail/inbound.json/{handled}")),
    ] {
        assert_eq!(send(&app, method, &path, Auth::Bearer(&admin), None).await.0, 409, "{method} {path}");
    }
    assert_eq!(send(&app, "GET", "/api/mail/inbound.json?outcome=lost", Auth::Bearer(&admin), None).await.0, 422);
    assert_eq!(send(&app, "GET", "/api/mail/inbound.json", Auth::Key(&key), None).await.0, 403);
    assert_eq!(send(&app, "POST", "/api/mail/inbound.json/999999/retry", Auth::Bearer(&admin), None).await.0, 404);
}

#[actix_web::test]
async fn the_pipe_refuses_bad_callers_and_bodies() {
    let db = test_db();
    let st = state_with(&db, |c| c.max_attachment_bytes = 64 * 1024);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let write = api_key(&st, "read,write");
    let read = api_key(&st, "read");
    let raw = mail("a@example.com", "s", "x@example.com", "", "b");
    assert_eq!(pipe(&app, &read, &raw).await.0, 403);
    assert_eq!(pipe(&app, "not-a-key", &raw).await.0, 401);
    assert_eq!(pipe(&app, &write, b"  \r\n").await.0, 400);
    assert_eq!(pipe(&app, &write, &vec![b'a'; 3 << 20]).await.0, 413);
    let (status, customer) = send(
        &app,
        "POST",
        "/api/users.json",
        Auth::Bearer(&admin),
        Some(json!({
            "username": "cus", "name": "Cus Tomer", "email": "cus@example.com", "password": PASSWORD
        })),
    )
    .await;
    assert_eq!(status, 201, "{customer}");
    let (_, login) = send(
        &app,
        "POST",
        "/api/auth/login.json",
        Auth::Nobody,
        Some(json!({"username": "cus", "password": PASSWORD})),
    )
    .await;
    let token = login["access_token"].as_str().unwrap();
    let req = actix_web::test::TestRequest::post()
        .uri("/api/tickets.email")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .set_payload(raw.clone())
        .to_request();
    assert_eq!(actix_web::test::call_service(&app, req).await.status().as_u16(), 403, "customers do not pipe mail");
    // osTicket's pipe scripts read the ticket number as text.
    let req = actix_web::test::TestRequest::post()
        .uri("/api/tickets.email")
        .insert_header(("X-API-Key", write.as_str()))
        .insert_header(("Content-Type", "message/rfc822"))
        .set_payload(mail("cus@example.com", "By pipe", "pipe@example.com", "", "Hello"))
        .to_request();
    let resp = actix_web::test::call_service(&app, req).await;
    assert_eq!(
        (resp.status().as_u16(), resp.headers().get("X-Oxidesk-Outcome").and_then(|v| v.to_str().ok())),
        (201, Some("ticket"))
    );
    let number = String::from_utf8(actix_web::test::read_body(resp).await.to_vec()).unwrap();
    assert!(number.starts_with("TCK-"), "{number}");
}

/// A mailbox of its own on the test dovecot (any user name, password "secret").
struct Mailbox {
    user: String,
    dir: PathBuf,
}

impl Mailbox {
    fn new() -> Mailbox {
        use std::os::unix::fs::PermissionsExt;
        let user = servers::address("box").replace('@', "_at_");
        let dir = servers::dir().join("dovecot/home").join(&user).join("Maildir");
        for sub in ["", "tmp", "new", "cur"] {
            let path = dir.join(sub);
            std::fs::create_dir_all(&path).unwrap();
            // dovecot's mail processes run as nobody.
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777)).unwrap();
            let _ = std::fs::set_permissions(path.parent().unwrap(), std::fs::Permissions::from_mode(0o777));
        }
        Mailbox { user, dir }
    }

    /// Delivers as an MTA does: written under tmp/, renamed into new/.
    fn deliver(&self, raw: &[u8]) {
        use rand::Rng;
        let name = format!(
            "{}.{:016x}.test",
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0),
            rand::thread_rng().gen::<u64>()
        );
        std::fs::write(self.dir.join("tmp").join(&name), raw).unwrap();
        std::fs::rename(self.dir.join("tmp").join(&name), self.dir.join("new").join(&name)).unwrap();
    }

    fn processed(&self) -> usize {
        std::fs::read_dir(self.dir.join(".Processed/cur")).map(|d| d.count()).unwrap_or(0)
    }
}

async fn fetch(st: &AppState) -> Option<oxidesk::mail::imap::Batch> {
    fetch::fetch_mail(&st.pool, &st.config, &inbound::Context::new(&st.config, st.events.clone())).await.expect("fetch")
}

#[actix_web::test]
async fn the_imap_fetcher_turns_a_mailbox_into_tickets_once() {
    let db = test_db();
    let st = state_with(&db, |c| c.mail.ca_file = Some(servers::cert()));
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    allow_guests(&app, &admin).await;
    let mailbox = Mailbox::new();
    let (status, err) = send(&app, "POST", "/api/mail/imap-test.json", Auth::Bearer(&admin), None).await;
    assert_eq!(status, 409, "no server yet: {err}");
    let settings = json!({
        "imap_host": "localhost", "imap_port": 10993, "imap_security": "tls", "imap_user": mailbox.user,
        "imap_password": "wrong", "imap_folder": "INBOX", "imap_processed_folder": "Processed"
    });
    let (status, _) = send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(settings)).await;
    assert_eq!(status, 200);
    let (_, check) = send(&app, "POST", "/api/mail/imap-test.json", Auth::Bearer(&admin), None).await;
    assert_eq!(check["ok"], false, "{check}");
    send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(json!({"imap_password": "secret"}))).await;
    for n in 0..3 {
        mailbox.deliver(&mail(
            &format!("user{n}@example.com"),
            &format!("Problem {n}"),
            &format!("imap{n}@example.com"),
            "",
            "Help",
        ));
    }
    mailbox.deliver(&fixture("out-of-office-auto-submitted.eml"));
    mailbox.deliver(&fixture("binary-garbage.eml"));
    let (_, check) = send(&app, "POST", "/api/mail/imap-test.json", Auth::Bearer(&admin), None).await;
    assert_eq!(
        (check["ok"].as_bool(), check["detail"].as_str()),
        (Some(true), Some("INBOX: 5 messages, 5 unread")),
        "{check}"
    );

    assert!(fetch(&st).await.is_none(), "fetching is off until turned on");
    send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(json!({"imap_enabled": true}))).await;
    let batch = fetch(&st).await.unwrap();
    assert_eq!((batch.handled, batch.remaining), (5, false));
    assert_eq!(mailbox.processed(), 5, "every handled mail moved out of the inbox");
    let (_, tickets) = send(&app, "GET", "/api/tickets.json?per_page=100", Auth::Bearer(&admin), None).await;
    assert_eq!(tickets.as_array().map(Vec::len), Some(3), "{tickets}");
    let (_, log) = send(&app, "GET", "/api/mail/inbound.json", Auth::Bearer(&admin), None).await;
    let outcomes: Vec<&str> = log.as_array().unwrap().iter().map(|m| m["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["quarantined", "auto", "ticket", "ticket", "ticket"]);
    assert!(log.as_array().unwrap().iter().all(|m| m["source"] == "imap"));

    // The same mail delivered again (a crash before the move): found by its Message-ID, nothing new.
    mailbox.deliver(&mail("user0@example.com", "Problem 0", "imap0@example.com", "", "Help"));
    assert_eq!(fetch(&st).await.unwrap().handled, 1);
    let (_, tickets) = send(&app, "GET", "/api/tickets.json?per_page=100", Auth::Bearer(&admin), None).await;
    assert_eq!(tickets.as_array().map(Vec::len), Some(3));

    // Without a processed folder, handled mail stays in the inbox, marked read.
    send(
        &app,
        "PUT",
        "/api/mail/settings.json",
        Auth::Bearer(&admin),
        Some(json!({"imap_processed_folder": "", "imap_port": 10143, "imap_security": "starttls"})),
    )
    .await;
    mailbox.deliver(&mail("user9@example.com", "Problem 9", "imap9@example.com", "", "Help"));
    assert_eq!(fetch(&st).await.unwrap().handled, 1);
    assert_eq!(fetch(&st).await.unwrap().handled, 0, "read mail is not fetched again");
    assert_eq!(mailbox.processed(), 6);
}
