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

    // The same mail again (an MTA retrying): 200 with the same ticket, nothing new.
    let (status, again) = pipe(&app, &key, &first).await;
    assert_eq!(
        (status, again["ticket"].as_str(), again["duplicate"].as_bool()),
        (200, Some(number.as_str()), Some(true))
    );
    assert_eq!(entries(&ticket(&app, &admin, &number).await).len(), 1);

    // A reply to our receipt (by its headers) joins the ticket, its quoted history cut.
    let receipt_id = mailed_ids(&st, "carla@example.com").pop().unwrap();
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
    // The reply to our receipt carries Carla's reply token; the one by its subject only claims her address.
    let marks: Vec<bool> = entries(&t).iter().map(|e| e["unverified"].is_string()).collect();
    assert_eq!(marks, [false, false, true], "{t}");

    // Someone else naming the ticket does not join it: piped (osTicket's rule: the key vouches
    // for the mail, whoever wrote it), a stranger's mail opens a ticket of its own.
    let stranger = mail(
        "Mallory <mallory@evil.test>",
        &format!("Re: [{number}] Printer on fire"),
        "evil2@evil.test",
        "",
        "Hello?",
    );
    let (status, piped) = pipe(&app, &key, &stranger).await;
    assert_eq!((status, piped["outcome"].as_str()), (201, Some("ticket")), "{piped}");
    assert_ne!(piped["ticket"].as_str(), Some(number.as_str()));
    let theirs = ticket(&app, &admin, piped["ticket"].as_str().unwrap()).await;
    assert_eq!(
        (theirs["user"]["email"].as_str(), theirs["user"]["fullname"].as_str()),
        (Some("mallory@evil.test"), Some("Mallory"))
    );

    // An agent's mail that only names the ticket proves nothing (anyone can write a From): it is an
    // internal note marked unverified, and the customer hears nothing of it.
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
    assert_eq!((last["type"].as_str(), last["poster"].as_str()), (Some("N"), Some("Sam Agent")), "{last}");
    assert!(last["unverified"].as_str().is_some_and(|why| why.contains("reply token")), "{last}");
    assert_eq!(mailed_ids(&st, "carla@example.com").len(), 1, "the receipt and nothing since");
}

/// The Message-IDs of the mail queued for `to`, oldest first, with their reply tokens (which the
/// API masks): what that person's mail client receives.
fn mailed_ids(st: &AppState, to: &str) -> Vec<String> {
    use diesel::prelude::*;
    use oxidesk::core::db::schema::outbox;
    outbox::table
        .filter(outbox::recipient.eq(to))
        .order(outbox::id)
        .select(outbox::message_id.assume_not_null())
        .load(&mut common::conn(st))
        .unwrap()
}

#[actix_web::test]
async fn auto_replies_bounces_and_lists_create_nothing_and_tell_nobody() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
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
            (202, Some("auto"), None),
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
        // A picture shown in the HTML keeps its place: the body names it, the file says its name.
        if sample.starts_with("mixed-related") {
            assert!(body.contains(r#"<img src="cid:logo@firma.test""#), "{body}");
            let logo = first["attachments"].as_array().unwrap().iter().find(|f| f["filename"] == "logo.png").unwrap();
            assert_eq!(logo["content_id"], "logo@firma.test", "{logo}");
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
    // Bytes that are no mail at all are the caller's mistake: 400, and nothing is kept.
    let (status, refused) = pipe(&app, &key, &fixture("binary-garbage.eml")).await;
    assert_eq!(status, 400, "{refused}");
    // A mail that cannot be handled is kept aside: 202, not 201 (no ticket was made).
    let (status, piped) = pipe(&app, &key, &fixture("from-without-at.eml")).await;
    assert_eq!(
        (status, piped["outcome"].as_str(), piped["ticket"].as_str()),
        (202, Some("quarantined"), None),
        "{piped}"
    );
    let (status, list) =
        send(&app, "GET", "/api/mail/inbound.json?outcome=quarantined", Auth::Bearer(&admin), None).await;
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(1)), "{list}");
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
    assert_eq!(pipe(&app, &write, b"Just some words, no header block.\r\n").await.0, 400);
    assert_eq!(pipe(&app, &write, b"{\"subject\": \"json\"}").await.0, 400);
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

    // With the mailbox taking known people's mail only, a stranger's is logged as ignored; a
    // customer's still opens a ticket.
    let (status, _) =
        send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(json!({"imap_senders": "known"})))
            .await;
    assert_eq!(status, 200);
    mailbox.deliver(&mail("stranger@example.com", "Let me in", "imap-stranger@example.com", "", "Hi"));
    mailbox.deliver(&mail("user1@example.com", "Problem again", "imap-known@example.com", "", "Help"));
    assert_eq!(fetch(&st).await.unwrap().handled, 2);
    let log = latest_mail(&app, &admin, 2).await;
    assert_eq!(senders_and_outcomes(&log), [("stranger@example.com", "ignored"), ("user1@example.com", "ticket")]);
    let (status, bad) =
        send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(json!({"imap_senders": "friends"})))
            .await;
    assert_eq!((status, bad["error"]["fields"]["imap_senders"].is_string()), (422, true), "{bad}");
    // Known people and clients' domains (ITFlow): a stranger at a client's domain opens a ticket
    // for that client and becomes its contact; one elsewhere is still ignored.
    let (_, acme) = send(
        &app,
        "POST",
        "/api/clients.json",
        Auth::Bearer(&admin),
        Some(json!({"name": "Acme", "domains": ["acme.example"]})),
    )
    .await;
    let senders = json!({"imap_senders": "known_and_clients"});
    assert_eq!(send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(senders)).await.0, 200);
    mailbox.deliver(&mail("Ed Acme <ed@acme.example>", "Printer", "imap-acme@acme.example", "", "Jammed"));
    mailbox.deliver(&mail("eve@elsewhere.example", "Hello", "imap-eve@elsewhere.example", "", "Hi"));
    assert_eq!(fetch(&st).await.unwrap().handled, 2);
    let log = latest_mail(&app, &admin, 2).await;
    assert_eq!(senders_and_outcomes(&log), [("ed@acme.example", "ticket"), ("eve@elsewhere.example", "ignored")]);
    let number = log.as_array().unwrap().iter().find(|m| m["outcome"] == "ticket").unwrap()["ticket"].clone();
    let (_, t) =
        send(&app, "GET", &format!("/api/tickets.json/{}", number.as_str().unwrap()), Auth::Bearer(&admin), None).await;
    assert_eq!((&t["client"]["id"], &t["contact"]["name"]), (&acme["id"], &json!("Ed Acme")), "{t}");

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
    assert_eq!(mailbox.processed(), 10);
}

/// The mail log's latest `n` entries.
async fn latest_mail(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    admin: &str,
    n: usize,
) -> Value {
    let path = format!("/api/mail/inbound.json?per_page={n}");
    send(app, "GET", &path, Auth::Bearer(admin), None).await.1
}

/// (sender, outcome) of each entry of a mail log page, in order of sender.
fn senders_and_outcomes(log: &Value) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["sender"].as_str().unwrap(), m["outcome"].as_str().unwrap()))
        .collect();
    pairs.sort();
    pairs
}

/// A mail answering ticket `number` by its subject, with these headers (references, results).
fn answer(from: &str, number: &str, id: &str, headers: &str, text: &str) -> Vec<u8> {
    mail(from, &format!("Re: [{number}] Printer on fire"), id, headers, text)
}

fn in_reply_to(id: &str) -> String {
    format!("In-Reply-To: {id}\r\nReferences: {id}\r\n")
}

/// The desk of the trust tests: mail out to an SMTP server never reached (the tests read what was
/// queued), `mx.desk.test` trusted, the customer Carla with a ticket opened by mail, and the
/// agent Sam assigned to it (so the desk mails him about it). The app, the state, the admin's
/// token, Carla's id and the ticket number.
async fn trust_desk(
    db: &common::TestDb,
    change: impl FnOnce(&mut oxidesk::config::Config),
) -> (
    impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    actix_web::web::Data<AppState>,
    String,
    i64,
    String,
) {
    let st = state_with(db, |c| {
        c.mail.trusted_authserv_ids = vec!["mx.desk.test".to_owned()];
        change(c);
    });
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let settings = json!({"smtp_host": "127.0.0.1", "smtp_port": 9, "from_address": "desk@desk.test"});
    assert_eq!(send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(settings)).await.0, 200);
    let mut ids = Vec::new();
    for (name, email, level) in [("carla", "carla@example.com", 1), ("sam", "sam@desk.test", 3)] {
        let body = json!({"username": name, "name": name, "email": email, "password": PASSWORD, "level": level});
        let (status, made) = send(&app, "POST", "/api/users.json", Auth::Bearer(&admin), Some(body)).await;
        assert_eq!(status, 201, "{made}");
        ids.push(made["id"].as_i64().unwrap());
    }
    let (carla, sam) = (ids[0], ids[1]);
    let key = api_key(&st, "read,write");
    let (_, piped) =
        pipe(&app, &key, &mail("carla@example.com", "Printer on fire", "t0@client.test", "", "Smoke.")).await;
    let number = piped["ticket"].as_str().unwrap().to_owned();
    let path = format!("/api/tickets.json/{number}");
    let (status, _) = send(&app, "PUT", &path, Auth::Bearer(&admin), Some(json!({"assignee_ids": [sam]}))).await;
    assert_eq!(status, 200);
    (app, st, admin, carla, number)
}

/// The last thread entry that is not an event, as an agent and as the customer see it.
async fn last_entry(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    st: &AppState,
    admin: &str,
    customer: i64,
    number: &str,
) -> (Value, Option<Value>) {
    let agent_view = entries(&ticket(app, admin, number).await).pop().unwrap();
    let token = common::bearer(st, customer);
    let customer_view = entries(&ticket(app, &token, number).await).into_iter().find(|e| e["id"] == agent_view["id"]);
    (agent_view, customer_view)
}

#[actix_web::test]
async fn over_the_pipe_a_from_proves_nothing_but_a_reply_token_or_a_trusted_pass_does() {
    let db = test_db();
    let (app, st, admin, carla, number) = trust_desk(&db, |_| {}).await;
    let key = api_key(&st, "read,write");
    let to_carla = || mailed_ids(&st, "carla@example.com");
    let receipt = to_carla().pop().unwrap();

    // Mallory writes as Carla, naming the ticket in the subject: it joins, marked for the agents only.
    let forged = answer("carla@example.com", &number, "forged1@evil.test", "", "Refund me to IBAN X.");
    let (status, piped) = pipe(&app, &key, &forged).await;
    assert_eq!((status, piped["outcome"].as_str()), (201, Some("reply")), "{piped}");
    let (entry, seen) = last_entry(&app, &st, &admin, carla, &number).await;
    assert_eq!(entry["type"], "M");
    assert!(entry["unverified"].as_str().is_some_and(|why| why.contains("customer")), "{entry}");
    let seen = seen.expect("the customer sees her thread");
    assert_eq!((seen["body"].as_str(), seen.get("unverified")), (Some("Refund me to IBAN X."), None), "{seen}");
    let (_, log) = send(&app, "GET", "/api/mail/inbound.json", Auth::Bearer(&admin), None).await;
    let logged = log.as_array().unwrap().iter().find(|m| m["message_id"] == "forged1@evil.test").unwrap();
    assert!(logged["reason"].as_str().is_some_and(|r| r.starts_with("unverified sender")), "{logged}");

    // Mallory writes as Sam: an internal note, marked, and nothing goes to Carla — not even when
    // the mail names Carla's own reply token (a token is one person's).
    let sent_before = to_carla().len();
    for (n, headers) in [("2", String::new()), ("3", in_reply_to(&receipt))] {
        let forged = answer("Sam <sam@desk.test>", &number, &format!("forged{n}@evil.test"), &headers, "Pay now.");
        let (_, piped) = pipe(&app, &key, &forged).await;
        assert_eq!(piped["outcome"], "reply", "{piped}");
        let (entry, seen) = last_entry(&app, &st, &admin, carla, &number).await;
        assert_eq!((entry["type"].as_str(), entry["poster"].as_str()), (Some("N"), Some("sam")), "{entry}");
        assert!(entry["unverified"].as_str().is_some_and(|why| why.contains("internal note")), "{entry}");
        assert!(seen.is_none(), "customers never see notes");
    }
    assert_eq!(to_carla().len(), sent_before, "no mail to the customer");

    // Sam really answers the desk's mail to him (its reply token): a response, mailed to Carla.
    let to_sam = mailed_ids(&st, "sam@desk.test").pop().expect("Sam was told of the ticket");
    let real = answer("sam@desk.test", &number, "real1@desk.test", &in_reply_to(&to_sam), "On my way.");
    let (_, piped) = pipe(&app, &key, &real).await;
    assert_eq!(piped["outcome"], "reply", "{piped}");
    let (entry, seen) = last_entry(&app, &st, &admin, carla, &number).await;
    assert_eq!((entry["type"].as_str(), entry.get("unverified")), (Some("R"), None), "{entry}");
    assert_eq!(seen.unwrap()["body"], "On my way.");
    assert_eq!(to_carla().len(), sent_before + 1, "the response is mailed to Carla");
    // So does Carla, answering that response: her message is verified.
    let response = to_carla().pop().unwrap();
    let real = answer("carla@example.com", &number, "real2@client.test", &in_reply_to(&response), "Thanks!");
    pipe(&app, &key, &real).await;
    let (entry, _) = last_entry(&app, &st, &admin, carla, &number).await;
    assert_eq!(
        (entry["type"].as_str(), entry["body"].as_str(), entry.get("unverified")),
        (Some("M"), Some("Thanks!"), None)
    );

    // A trusted receiving server's DMARC pass for Sam's domain, topmost: a response.
    let pass = "Authentication-Results: mx.desk.test; spf=pass smtp.mailfrom=desk.test;\r\n dmarc=pass (p=reject) header.from=desk.test\r\n";
    let (_, piped) = pipe(&app, &key, &answer("sam@desk.test", &number, "dmarc1@desk.test", pass, "Fixed.")).await;
    assert!(piped["outcome"] == "reply");
    let (entry, _) = last_entry(&app, &st, &admin, carla, &number).await;
    assert_eq!((entry["type"].as_str(), entry.get("unverified")), (Some("R"), None), "{entry}");
    // The same pass from a server not trusted, or below the trusted server's own field (where a
    // sender puts what they like), verifies nothing.
    let untrusted = pass.replace("mx.desk.test", "mx.evil.test");
    let below = format!(
        "Authentication-Results: mx.desk.test; dmarc=fail header.from=desk.test\r\nReceived: from evil.test by mx.desk.test\r\n{pass}"
    );
    for (n, headers) in [("2", untrusted), ("3", below)] {
        let forged = answer("sam@desk.test", &number, &format!("dmarc{n}@evil.test"), &headers, "Pay now.");
        pipe(&app, &key, &forged).await;
        let (entry, _) = last_entry(&app, &st, &admin, carla, &number).await;
        assert_eq!((entry["type"].as_str(), entry["unverified"].is_string()), (Some("N"), true), "{entry}");
    }
    assert_eq!(to_carla().len(), sent_before + 2, "only the two verified responses were mailed");
}

#[actix_web::test]
async fn over_imap_forged_mail_is_a_marked_note_and_the_agents_token_a_response() {
    let db = test_db();
    let (app, st, admin, carla, number) = trust_desk(&db, |c| c.mail.ca_file = Some(servers::cert())).await;
    let mailbox = Mailbox::new();
    let settings = json!({
        "imap_enabled": true, "imap_host": "localhost", "imap_port": 10993, "imap_security": "tls",
        "imap_user": mailbox.user, "imap_password": "secret", "imap_folder": "INBOX", "imap_processed_folder": ""
    });
    assert_eq!(send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(settings)).await.0, 200);
    let sent_before = mailed_ids(&st, "carla@example.com").len();

    // Forged as Sam, then as Carla.
    mailbox.deliver(&answer("sam@desk.test", &number, "imap-forged1@evil.test", "", "Pay now."));
    assert_eq!(fetch(&st).await.unwrap().handled, 1);
    let (entry, seen) = last_entry(&app, &st, &admin, carla, &number).await;
    assert_eq!((entry["type"].as_str(), entry["unverified"].is_string(), seen), (Some("N"), true, None), "{entry}");
    mailbox.deliver(&answer("carla@example.com", &number, "imap-forged2@evil.test", "", "New IBAN."));
    assert_eq!(fetch(&st).await.unwrap().handled, 1);
    let (entry, seen) = last_entry(&app, &st, &admin, carla, &number).await;
    assert_eq!((entry["type"].as_str(), entry["unverified"].is_string()), (Some("M"), true), "{entry}");
    assert_eq!(seen.unwrap().get("unverified"), None);
    assert_eq!(mailed_ids(&st, "carla@example.com").len(), sent_before, "no mail to the customer");

    // Sam's real reply to the desk's mail, and one vouched for by the trusted server.
    let to_sam = mailed_ids(&st, "sam@desk.test").pop().unwrap();
    mailbox.deliver(&answer("sam@desk.test", &number, "imap-real1@desk.test", &in_reply_to(&to_sam), "On my way."));
    mailbox.deliver(&answer(
        "sam@desk.test",
        &number,
        "imap-real2@desk.test",
        "Authentication-Results: mx.desk.test; dkim=pass header.d=desk.test header.s=s1\r\n",
        "Fixed.",
    ));
    assert_eq!(fetch(&st).await.unwrap().handled, 2);
    let t = ticket(&app, &admin, &number).await;
    let last_two: Vec<(String, bool)> = entries(&t)
        .iter()
        .rev()
        .take(2)
        .map(|e| (e["type"].as_str().unwrap().to_owned(), e["unverified"].is_string()))
        .collect();
    assert_eq!(last_two, [("R".to_owned(), false), ("R".to_owned(), false)], "{t}");
    assert_eq!(mailed_ids(&st, "carla@example.com").len(), sent_before + 2);
}

/// Someone copied on a ticket answers the desk's mail to them: their message joins the thread,
/// verified by their own reply token; once taken off the ticket, their mail no longer joins it.
#[actix_web::test]
async fn people_copied_on_a_ticket_answer_it_by_mail() {
    let db = test_db();
    let (app, st, admin, _, number) = trust_desk(&db, |_| {}).await;
    let key = api_key(&st, "read,write");
    let path = format!("/api/tickets.json/{number}");
    let cc = json!({"cc": ["Dan Dee <dan@example.com>"], "message": "Dan, can you confirm?"});
    assert_eq!(send(&app, "PUT", &path, Auth::Bearer(&admin), Some(cc)).await.0, 200);
    let to_dan = mailed_ids(&st, "dan@example.com").pop().expect("Dan gets the response");
    let reply = answer("Dan Dee <dan@example.com>", &number, "dan1@example.com", &in_reply_to(&to_dan), "Confirmed.");
    let (_, piped) = pipe(&app, &key, &reply).await;
    assert_eq!(piped["outcome"], "reply", "{piped}");
    let last = entries(&ticket(&app, &admin, &number).await).pop().unwrap();
    assert_eq!(
        (last["type"].as_str(), last["poster"].as_str(), last["body"].as_str(), last.get("unverified")),
        (Some("M"), Some("Dan Dee"), Some("Confirmed."), None),
        "{last}"
    );

    assert_eq!(send(&app, "PUT", &path, Auth::Bearer(&admin), Some(json!({"cc": []}))).await.0, 200);
    let again = answer("dan@example.com", &number, "dan2@example.com", &in_reply_to(&to_dan), "Me again.");
    let (_, piped) = pipe(&app, &key, &again).await;
    assert_ne!(piped["outcome"], "reply", "{piped}");
    assert_eq!(entries(&ticket(&app, &admin, &number).await).pop().unwrap()["body"], "Confirmed.");
}
