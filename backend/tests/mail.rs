//! Mail out (issue 5), against real SMTP servers (aiosmtpd, scripts/mail.sh): the mail settings
//! and "send test mail" over plain SMTP, STARTTLS and TLS; who hears of which ticket change, with
//! threading headers; an outage, a refusal and an interrupted hand-over, each delivered once at
//! most; the templates with their preview — each with its bad inputs, on a real database.

mod common;

use std::path::Path;

use actix_web::dev::{Service, ServiceResponse};
use common::mail::{self as servers, Sink};
use common::{app, first_admin, send, state, state_with, test_db, Auth};
use oxidesk::core::jobs::{self, Tally};
use oxidesk::core::state::AppState;
use oxidesk::mail::deliver::SEND;
use serde_json::{json, Value};

const PASSWORD: &str = "a long passphrase";

/// A user made by the administrator (confirmed), signed in.
async fn person(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    admin: &str,
    name: &str,
    email: &str,
    level: i64,
) -> (i64, String) {
    let (status, user) = send(
        app,
        "POST",
        "/api/users.json",
        Auth::Bearer(admin),
        Some(json!({
            "username": name, "name": format!("{name} Person"), "email": email, "password": PASSWORD, "level": level
        })),
    )
    .await;
    assert_eq!(status, 201, "{user}");
    let (status, login) =
        send(app, "POST", "/api/auth/login.json", Auth::Nobody, Some(json!({"username": name, "password": PASSWORD})))
            .await;
    assert_eq!(status, 200, "{login}");
    (user["id"].as_i64().unwrap(), login["access_token"].as_str().unwrap().to_owned())
}

async fn smtp_settings(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    admin: &str,
    settings: Value,
) -> Value {
    let (status, body) = send(app, "PUT", "/api/mail/settings.json", Auth::Bearer(admin), Some(settings)).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The plain shared sink, sending as desk@desk.test.
async fn plain_smtp(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    admin: &str,
) {
    smtp_settings(app, admin, json!({"smtp_host": "127.0.0.1", "smtp_port": 10025, "smtp_security": "none", "from_address": "desk@desk.test"})).await;
}

/// A ticket filed by a program for a customer at `email` (who gets its receipt).
async fn ticket_for(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    key: &str,
    email: &str,
) -> String {
    let (status, t) = send(
        app,
        "POST",
        "/api/tickets.json",
        Auth::Key(key),
        Some(json!({"email": email, "name": "Cus Tomer", "subject": "Down", "message": "m"})),
    )
    .await;
    assert_eq!(status, 201, "{t}");
    t["ticket_number"].as_str().unwrap().to_owned()
}

/// One round of the mail jobs, as the worker runs it.
async fn deliver(st: &AppState) -> Tally {
    jobs::run_due(&st.pool, &st.config, &SEND).await.expect("deliver")
}

/// Takes the due mail jobs as a worker that then dies would: its lease has already run out.
fn claim_and_die(st: &AppState) -> Vec<jobs::Claimed> {
    let now = chrono::Utc::now().naive_utc();
    jobs::claim(&mut common::conn(st), SEND.name, "dead", now, now - chrono::Duration::seconds(1), 10).unwrap()
}

async fn outbox_rows(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    admin: &str,
) -> Vec<Value> {
    let (status, mails) = send(app, "GET", "/api/outbox.json?per_page=100", Auth::Bearer(admin), None).await;
    assert_eq!(status, 200, "{mails}");
    mails.as_array().unwrap().clone()
}

fn parse(raw: &[u8]) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default().parse(raw).expect("a mail")
}

fn header(raw: &[u8], name: &str) -> String {
    parse(raw).header_raw(name).map(|v| v.trim().to_owned()).unwrap_or_default()
}

/// The one mail `to` got (panics when none or several).
fn only(maildir: &Path, to: &str) -> Vec<u8> {
    let mut got = servers::received(maildir, to);
    assert_eq!(got.len(), 1, "mails to {to}");
    got.pop().unwrap()
}

#[actix_web::test]
async fn mail_settings_are_for_administrators_and_every_field_is_checked() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let (status, defaults) = send(&app, "GET", "/api/mail/settings.json", Auth::Bearer(&admin), None).await;
    assert_eq!(
        (status, defaults["smtp_host"].as_str(), defaults["smtp_port"].as_i64()),
        (200, Some(""), Some(587)),
        "{defaults}"
    );

    let (status, err) =
        send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(json!({"imap_enabled": "maybe"})))
            .await;
    assert_eq!((status, err["error"]["fields"]["imap_enabled"].is_string()), (422, true), "{err}");
    let bad = json!({
        "smtp_host": "smtp example", "smtp_port": 70000, "smtp_security": "ssl", "from_address": "desk",
        "imap_port": 0, "imap_poll_seconds": 5, "imap_folder": "", "smtp_password": "two\nlines"
    });
    let (status, err) = send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(bad)).await;
    let fields: Vec<&String> = err["error"]["fields"].as_object().map(|f| f.keys().collect()).unwrap_or_default();
    assert_eq!(status, 422, "{err}");
    assert_eq!(
        fields,
        [
            "from_address",
            "imap_folder",
            "imap_poll_seconds",
            "imap_port",
            "smtp_host",
            "smtp_password",
            "smtp_port",
            "smtp_security"
        ]
    );
    let (_, unchanged) = send(&app, "GET", "/api/mail/settings.json", Auth::Bearer(&admin), None).await;
    assert_eq!(unchanged, defaults, "nothing of a refused change is written");

    let saved = smtp_settings(&app, &admin, json!({
        "smtp_host": "smtp.example.com", "smtp_security": "tls", "smtp_user": "desk", "smtp_password": "s3cret pass", "from_address": "Desk@Example.com"
    }))
    .await;
    assert_eq!(
        (saved["smtp_port"].as_i64(), saved["smtp_password_set"].as_bool(), saved["from_address"].as_str()),
        (Some(465), Some(true), Some("desk@example.com"))
    );
    assert!(!saved.to_string().contains("s3cret"), "the password is never shown: {saved}");
    let (_, audit) = send(&app, "GET", "/api/settings.json", Auth::Nobody, None).await;
    assert!(!audit.to_string().contains("smtp"), "the public settings hold no mail settings: {audit}");
    let (_, cleared) =
        send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(json!({"smtp_password": ""}))).await;
    assert_eq!(cleared["smtp_password_set"], false);

    let (_, agent) = person(&app, &admin, "agent", "agent@desk.test", 5).await;
    let read_key = common::api_key(&st, "read,write");
    let admin_key = common::api_key(&st, "admin");
    for (auth, expected) in
        [(Auth::Bearer(&agent), 403), (Auth::Key(&read_key), 403), (Auth::Nobody, 401), (Auth::Key(&admin_key), 200)]
    {
        assert_eq!(send(&app, "GET", "/api/mail/settings.json", auth, None).await.0, expected);
    }
    assert_eq!(
        send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&agent), Some(json!({"smtp_host": "x"}))).await.0,
        403
    );
}

#[actix_web::test]
async fn a_test_mail_goes_out_over_plain_smtp_starttls_and_tls() {
    let db = test_db();
    let st = state_with(&db, |c| c.mail.ca_file = Some(servers::cert()));
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let (status, err) = send(&app, "POST", "/api/mail/test.json", Auth::Bearer(&admin), Some(json!({}))).await;
    assert_eq!(status, 409, "no server yet: {err}");
    for (port, security, dir) in
        [(10025, "none", "smtp-plain"), (10587, "starttls", "smtp-starttls"), (10465, "tls", "smtp-tls")]
    {
        let auth = if security == "none" {
            json!({"smtp_user": ""})
        } else {
            json!({"smtp_user": "desk", "smtp_password": "secret"})
        };
        smtp_settings(&app, &admin, json!({"smtp_host": "localhost", "smtp_port": port, "smtp_security": security, "from_address": "desk@desk.test"})).await;
        smtp_settings(&app, &admin, auth).await;
        let to = servers::address(security);
        let (status, check) =
            send(&app, "POST", "/api/mail/test.json", Auth::Bearer(&admin), Some(json!({"to": to}))).await;
        assert_eq!((status, check["ok"].as_bool()), (200, Some(true)), "{security}: {check}");
        let mail = only(&servers::dir().join(dir), &to);
        assert_eq!(parse(&mail).subject(), Some("Test mail from Oxidesk"), "{security}");
    }
    // A wrong password, a port where nothing listens, a certificate nobody vouches for: findings, not errors.
    smtp_settings(&app, &admin, json!({"smtp_password": "wrong"})).await;
    let (_, check) =
        send(&app, "POST", "/api/mail/test.json", Auth::Bearer(&admin), Some(json!({"to": "x@example.com"}))).await;
    assert_eq!(check["ok"], false);
    assert!(check["detail"].as_str().unwrap().contains("535"), "{check}");
    smtp_settings(&app, &admin, json!({"smtp_port": 9, "smtp_security": "none", "smtp_user": ""})).await;
    let (_, check) =
        send(&app, "POST", "/api/mail/test.json", Auth::Bearer(&admin), Some(json!({"to": "x@example.com"}))).await;
    assert!(check["detail"].as_str().unwrap().contains("cannot connect"), "{check}");
    let untrusted = state(&db);
    let untrusted_app = common::app(untrusted).await;
    smtp_settings(
        &app,
        &admin,
        json!({"smtp_port": 10465, "smtp_security": "tls", "smtp_user": "desk", "smtp_password": "secret"}),
    )
    .await;
    let (_, check) =
        send(&untrusted_app, "POST", "/api/mail/test.json", Auth::Bearer(&admin), Some(json!({"to": "x@example.com"})))
            .await;
    assert!(check["detail"].as_str().unwrap().contains("certificate"), "{check}");

    let (status, err) =
        send(&app, "POST", "/api/mail/test.json", Auth::Bearer(&admin), Some(json!({"to": "not an address"}))).await;
    assert_eq!((status, err["error"]["fields"]["to"].is_string()), (422, true), "{err}");
    let key = common::api_key(&st, "admin");
    let (status, err) = send(&app, "POST", "/api/mail/test.json", Auth::Key(&key), Some(json!({}))).await;
    assert_eq!(status, 422, "a key has no address of its own: {err}");
}

#[actix_web::test]
async fn ticket_mail_reaches_the_right_people_threaded_on_the_ticket() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    plain_smtp(&app, &admin).await;
    let sink = servers::plain_sink();
    let queue_address = servers::address("queue");
    let (status, _) = send(
        &app,
        "PUT",
        "/api/queues.json/1",
        Auth::Bearer(&admin),
        Some(json!({"name": "Support", "email": queue_address})),
    )
    .await;
    assert_eq!(status, 200);
    let agent_address = servers::address("agent");
    let customer_address = servers::address("customer");
    let (agent_id, agent) = person(&app, &admin, "agent", &agent_address, 3).await;
    let (_, customer) = person(&app, &admin, "customer", &customer_address, 1).await;

    // A new ticket: a receipt to the customer, an alert to the queue's address (nobody is assigned yet).
    let (status, t) = send(
        &app,
        "POST",
        "/api/tickets.json",
        Auth::Bearer(&customer),
        Some(json!({"subject": "Printer on fire", "message": "It smokes."})),
    )
    .await;
    assert_eq!(status, 201, "{t}");
    let number = t["ticket_number"].as_str().unwrap().to_owned();
    let path = format!("/api/tickets.json/{number}");
    assert_eq!(deliver(&st).await.done, 2);
    let receipt = only(&sink, &customer_address);
    let root = format!("<{number}@desk.test>");
    assert_eq!(parse(&receipt).subject(), Some(format!("[{number}] Printer on fire").as_str()));
    assert_eq!(header(&receipt, "References"), root);
    assert_eq!(header(&receipt, "In-Reply-To"), root);
    assert_eq!(header(&receipt, "Auto-Submitted"), "auto-generated");
    assert!(parse(&receipt).body_text(0).unwrap().starts_with(oxidesk::mail::REPLY_MARKER));
    assert!(parse(&receipt).body_html(0).unwrap().contains("It smokes."));
    assert!(header(&only(&sink, &queue_address), "Subject").contains("New ticket"));

    // Assigned: the agent hears of it; the customer does not.
    let (status, _) = send(&app, "PUT", &path, Auth::Bearer(&admin), Some(json!({"assignee_ids": [agent_id]}))).await;
    assert_eq!(status, 200);
    deliver(&st).await;
    assert!(header(&only(&sink, &agent_address), "Subject").contains("Assigned to you"));

    // The agent answers: the customer gets it; the agent (who wrote it) does not.
    let (status, _) =
        send(&app, "PUT", &path, Auth::Bearer(&agent), Some(json!({"message": "Unplug it, please."}))).await;
    assert_eq!(status, 200);
    deliver(&st).await;
    let mails = servers::received(&sink, &customer_address);
    assert_eq!(mails.len(), 2);
    let answer = parse(&mails[1]);
    assert!(answer.body_text(0).unwrap().contains("Unplug it, please."));
    assert_eq!(header(&mails[1], "In-Reply-To"), root);
    assert_eq!(servers::received(&sink, &agent_address).len(), 1);

    // An internal note by the administrator: the agent only.
    let (status, _) =
        send(&app, "PUT", &path, Auth::Bearer(&admin), Some(json!({"message": "Call facilities.", "type": "note"})))
            .await;
    assert_eq!(status, 200);
    deliver(&st).await;
    assert_eq!(servers::received(&sink, &customer_address).len(), 2, "notes never reach customers");
    let agent_mails = servers::received(&sink, &agent_address);
    assert_eq!(agent_mails.len(), 2);
    assert!(parse(&agent_mails[1]).body_text(0).unwrap().contains("Call facilities."));

    // The customer answers: the agent hears of it.
    let (status, _) =
        send(&app, "PUT", &path, Auth::Bearer(&customer), Some(json!({"message": "Done, still smokes."}))).await;
    assert_eq!(status, 200);
    deliver(&st).await;
    assert_eq!(servers::received(&sink, &agent_address).len(), 3);

    // The customer turns ticket mail off: closing the ticket tells the agent only... and the agent
    // closes it, so nobody.
    let (status, me) =
        send(&app, "PUT", "/api/users/me.json", Auth::Bearer(&customer), Some(json!({"email_notifications": false})))
            .await;
    assert_eq!((status, me["email_notifications"].as_bool()), (200, Some(false)), "{me}");
    let (status, _) = send(&app, "DELETE", &path, Auth::Bearer(&agent), Some(json!({"resolution": "Replaced"}))).await;
    assert_eq!(status, 204);
    assert_eq!(deliver(&st).await, Tally::default());
    // Turned back on: a reopening reaches the customer, threaded like the rest.
    send(&app, "PUT", "/api/users/me.json", Auth::Bearer(&customer), Some(json!({"email_notifications": true}))).await;
    let (status, _) = send(&app, "POST", &path, Auth::Bearer(&agent), Some(json!({}))).await;
    assert_eq!(status, 200);
    deliver(&st).await;
    let mails = servers::received(&sink, &customer_address);
    assert_eq!(mails.len(), 3);
    assert!(header(&mails[2], "Subject").ends_with("is Open"), "{}", header(&mails[2], "Subject"));
    assert!(header(&mails[2], "References").starts_with(&root));
    let (status, err) = send(
        &app,
        "PUT",
        "/api/users/me.json",
        Auth::Bearer(&customer),
        Some(json!({"email_notifications": "sometimes"})),
    )
    .await;
    assert_eq!((status, err["error"]["fields"]["email_notifications"].is_string()), (422, true), "{err}");
    let key = common::api_key(&st, "read,write");
    assert_eq!(
        send(&app, "PUT", "/api/users/me.json", Auth::Key(&key), Some(json!({"email_notifications": false}))).await.0,
        404
    );

    // Every row of the outbox is sent, and names its ticket.
    let rows = outbox_rows(&app, &admin).await;
    assert!(rows.iter().all(|r| r["status"] == "sent"), "{rows:?}");
    assert!(rows.iter().all(|r| r["ticket"] == number.as_str()), "{rows:?}");

    // Without an SMTP server ticket mail is off: nothing piles up to go out stale later.
    let (status, _) =
        send(&app, "PUT", "/api/mail/settings.json", Auth::Bearer(&admin), Some(json!({"smtp_host": ""}))).await;
    assert_eq!(status, 200);
    let (status, _) = send(&app, "PUT", &path, Auth::Bearer(&agent), Some(json!({"message": "Anyone there?"}))).await;
    assert_eq!(status, 200);
    assert_eq!(outbox_rows(&app, &admin).await.len(), rows.len());
}

/// The people copied on a ticket (CC) hear what its customer hears, read it and answer it, and
/// change nothing else; a response's blind copies reach their addresses and only agents see them.
#[actix_web::test]
async fn copied_people_hear_read_and_answer_and_blind_copies_stay_hidden() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    plain_smtp(&app, &admin).await;
    let sink = servers::plain_sink();
    let (customer_address, carl_address, bea_address, boss_address) =
        (servers::address("customer"), servers::address("carl"), servers::address("bea"), servers::address("boss"));
    let (_, agent) = person(&app, &admin, "agent", &servers::address("agent"), 3).await;
    let (_, customer) = person(&app, &admin, "customer", &customer_address, 1).await;
    let (carl_id, carl) = person(&app, &admin, "carl", &carl_address, 1).await;

    // Bad lists are refused, naming the field, and open nothing.
    let opened =
        |cc: Value| json!({"email": customer_address, "subject": "VPN down", "message": "Since noon.", "cc": cc});
    for (cc, why) in [
        (json!(["not an address"]), "an entry that is no address"),
        (json!(["Bea <bea@example.com"]), "an unclosed <"),
        (json!((0..21).map(|i| format!("p{i}@example.com")).collect::<Vec<_>>()), "more than 20"),
    ] {
        let (status, err) = send(&app, "POST", "/api/tickets.json", Auth::Bearer(&agent), Some(opened(cc))).await;
        assert_eq!((status, err["error"]["fields"]["cc"].is_string()), (422, true), "{why}: {err}");
    }
    let (status, _) = send(
        &app,
        "POST",
        "/api/tickets.json",
        Auth::Bearer(&customer),
        Some(json!({"subject": "Mine", "message": "m", "cc": [bea_address]})),
    )
    .await;
    assert_eq!(status, 403, "customers do not copy people");
    assert_eq!(outbox_rows(&app, &admin).await.len(), 0);

    // Opened by an agent copying an account and a new address (twice): both get the receipt.
    let cc = json!([carl_address, format!("Bea Lee <{bea_address}>"), bea_address.to_uppercase()]);
    let (status, t) = send(&app, "POST", "/api/tickets.json", Auth::Bearer(&agent), Some(opened(cc))).await;
    assert_eq!(status, 201, "{t}");
    let number = t["ticket_number"].as_str().unwrap().to_owned();
    let path = format!("/api/tickets.json/{number}");
    let names: Vec<&str> = t["cc"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Bea Lee", "carl Person"]);
    deliver(&st).await;
    for address in [&customer_address, &carl_address, &bea_address] {
        assert!(header(&only(&sink, address), "Subject").contains("VPN down"), "{address}");
    }

    // A response blind-copied to the boss: customer, Bea, Carl and the boss each get their own.
    let (status, err) = send(
        &app,
        "PUT",
        &path,
        Auth::Bearer(&agent),
        Some(json!({"message": "Looking.", "type": "note", "bcc": [boss_address]})),
    )
    .await;
    assert_eq!((status, err["error"]["fields"]["bcc"].is_string()), (422, true), "a note has no blind copies: {err}");
    let (status, err) =
        send(&app, "PUT", &path, Auth::Bearer(&agent), Some(json!({"message": "Looking.", "bcc": ["boss"]}))).await;
    assert_eq!((status, err["error"]["fields"]["bcc"].is_string()), (422, true), "{err}");
    let (status, _) = send(
        &app,
        "PUT",
        &path,
        Auth::Bearer(&agent),
        Some(json!({"message": "Restarted the VPN gateway.", "bcc": [boss_address]})),
    )
    .await;
    assert_eq!(status, 200);
    deliver(&st).await;
    for address in [&customer_address, &carl_address, &bea_address, &boss_address] {
        let got = servers::received(&sink, address);
        let last = parse(got.last().unwrap()).body_text(0).unwrap().to_string();
        assert!(last.contains("Restarted the VPN gateway."), "{address}: {last}");
        let to = header(got.last().unwrap(), "To");
        assert!(to.contains(address.as_str()) && !to.contains(','), "one address per mail: {to}");
    }
    let last_response =
        |t: &Value| t["threads"].as_array().unwrap().iter().rfind(|e| e["type"] == "R").cloned().unwrap();
    let (_, seen_by_agent) = send(&app, "GET", &path, Auth::Bearer(&agent), None).await;
    assert_eq!(last_response(&seen_by_agent)["bcc"], json!([boss_address]));
    let (_, seen_by_customer) = send(&app, "GET", &path, Auth::Bearer(&customer), None).await;
    assert!(last_response(&seen_by_customer).get("bcc").is_none(), "{seen_by_customer}");

    // Carl reads it and answers it, in the list too, but changes nothing else.
    let (status, list) = send(&app, "GET", "/api/tickets.json", Auth::Bearer(&carl), None).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().map(|t| t.len()), Some(1), "{list}");
    let (status, _) =
        send(&app, "PUT", &path, Auth::Bearer(&carl), Some(json!({"message": "Works for me now."}))).await;
    assert_eq!(status, 200);
    let (_, now) = send(&app, "GET", &path, Auth::Bearer(&carl), None).await;
    let last = now["threads"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["type"].as_str(), last["user_id"].as_i64()), (Some("M"), Some(carl_id)), "{last}");
    let version = now["version"].as_i64();
    for change in [json!({"status_id": 3, "resolution": "fine"}), json!({"cc": []}), json!({"priority": "High"})] {
        let (status, _) = send(&app, "PUT", &path, Auth::Bearer(&carl), Some(change.clone())).await;
        assert_eq!(status, 403, "{change}");
    }
    assert_eq!(send(&app, "DELETE", &path, Auth::Bearer(&carl), Some(json!({"resolution": "x"}))).await.0, 403);

    // The same list again changes nothing; taking Carl off is an E entry, and he no longer reads it.
    let (_, before) = send(&app, "GET", &path, Auth::Bearer(&agent), None).await;
    assert_eq!(before["version"].as_i64(), version);
    let same = json!({"cc": [bea_address, carl_address]});
    assert_eq!(send(&app, "PUT", &path, Auth::Bearer(&agent), Some(same)).await.0, 200);
    let (_, after) = send(&app, "GET", &path, Auth::Bearer(&agent), None).await;
    assert_eq!(after["version"], before["version"], "nothing changed, nothing written");
    assert_eq!(send(&app, "PUT", &path, Auth::Bearer(&agent), Some(json!({"cc": [bea_address]}))).await.0, 200);
    let (_, after) = send(&app, "GET", &path, Auth::Bearer(&agent), None).await;
    let said = after["threads"].as_array().unwrap().last().unwrap()["body"].as_str().unwrap().to_owned();
    assert_eq!(said, "CC removed carl Person by agent Person");
    assert_eq!(send(&app, "GET", &path, Auth::Bearer(&carl), None).await.0, 404);
    let (_, list) = send(&app, "GET", "/api/tickets.json", Auth::Bearer(&carl), None).await;
    assert_eq!(list.as_array().map(|t| t.len()), Some(0), "{list}");

    // A status change reaches Bea, not Carl any more.
    let (carl_had, bea_had) =
        (servers::received(&sink, &carl_address).len(), servers::received(&sink, &bea_address).len());
    assert_eq!(send(&app, "DELETE", &path, Auth::Bearer(&agent), Some(json!({"resolution": "Fixed"}))).await.0, 204);
    deliver(&st).await;
    assert_eq!(servers::received(&sink, &carl_address).len(), carl_had);
    assert_eq!(servers::received(&sink, &bea_address).len(), bea_had + 1);
}

/// A message with a tracking image and a link whose text names another site, quoted in the
/// receipt the desk mails its customer: neither the outbox row nor the mail that reaches the SMTP
/// server carries the image or the misleading text, in its HTML or its text part; the links show
/// their real targets.
#[actix_web::test]
async fn mailed_html_carries_no_remote_image_and_no_misleading_link() {
    use diesel::prelude::*;
    use oxidesk::core::db::schema::outbox;

    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    plain_smtp(&app, &admin).await;
    let sink = servers::plain_sink();
    let customer = servers::address("htmlcustomer");
    let hostile = r#"<p>Please pay<img src="https://tracker.example/p.gif"> at <a href="https://evil.example">https://bank.example</a> or <a href="https://evil.example/pay">our portal</a>.</p>"#;
    let key = common::api_key(&st, "read,write");
    let (status, t) = send(
        &app,
        "POST",
        "/api/tickets.json",
        Auth::Key(&key),
        Some(json!({"email": customer, "subject": "Invoice", "message": hostile})),
    )
    .await;
    assert_eq!(status, 201, "{t}");
    // The row as queued: its HTML and its text.
    let (html, text): (Option<String>, String) = outbox::table
        .filter(outbox::recipient.eq(&customer))
        .select((outbox::body_html, outbox::body_text))
        .first(&mut common::conn(&st))
        .unwrap();
    let html = html.unwrap();
    deliver(&st).await;
    let mail = only(&sink, &customer);
    let mail = parse(&mail);
    let (sent_html, sent_text) = (mail.body_html(0).unwrap().into_owned(), mail.body_text(0).unwrap().into_owned());
    for (part, body) in [("row html", &html), ("row text", &text), ("sent html", &sent_html), ("sent text", &sent_text)]
    {
        assert!(!body.contains("tracker.example/p.gif") && !body.contains("<img"), "{part}: {body}");
        assert!(!body.contains("bank.example"), "{part}: {body}");
        assert!(body.contains("[image: tracker.example]"), "{part}: {body}");
        assert!(body.contains("our portal (https://evil.example/pay)"), "{part}: {body}");
        assert!(body.contains("https://evil.example/"), "{part}: {body}");
    }
    assert!(
        sent_html.contains(r#"<a href="https://evil.example/" rel="noopener noreferrer">https://evil.example/</a>"#),
        "{sent_html}"
    );
}

#[actix_web::test]
async fn a_response_mails_its_pictures_in_their_place_and_its_files_attached() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    plain_smtp(&app, &admin).await;
    let sink = servers::plain_sink();
    let customer = servers::address("picturecustomer");
    let key = common::api_key(&st, "read,write");
    let number = ticket_for(&app, &key, &customer).await;
    deliver(&st).await;
    let path = format!("/api/tickets.json/{number}");
    let (_, before) = send(&app, "GET", &path, Auth::Bearer(&admin), None).await;
    let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==";

    // A picture the response does not carry: refused by name, nothing written or mailed.
    for (message, files) in [
        ("See ![shot](cid:pasted-1.png)", json!([])),
        ("See ![shot](cid:pasted-1.png)", json!([{"pasted-2.png": png}])),
        (r#"<p>See <img src="cid:logo@x"></p>"#, json!([{"logo.png": png}])),
    ] {
        let format = if message.starts_with('<') { "text" } else { "markdown" };
        let body = json!({"message": message, "format": format, "attachments": files});
        let (status, err) = send(&app, "PUT", &path, Auth::Bearer(&admin), Some(body)).await;
        assert_eq!(status, 422, "{err}");
        assert!(
            err["error"]["fields"]["message"].as_str().unwrap().contains("not one of the message's attachments"),
            "{err}"
        );
    }
    let (_, unchanged) = send(&app, "GET", &path, Auth::Bearer(&admin), None).await;
    assert_eq!(unchanged["threads"], before["threads"]);

    let body = json!({
        "message": "It looks like this:\n![Pasted picture](cid:pasted-1.png)\nThe log is attached.",
        "format": "markdown",
        "attachments": [{"pasted-1.png": png}, {"log.txt": "data:text/plain;base64,U3RhY2sgdHJhY2U="}],
    });
    let (status, t) = send(&app, "PUT", &path, Auth::Bearer(&admin), Some(body)).await;
    assert_eq!(status, 200, "{t}");
    let last = t["threads"].as_array().unwrap().iter().rev().find(|e| e["type"] == "R").unwrap().clone();
    assert!(last["body"].as_str().unwrap().contains(r#"<img src="cid:pasted-1.png" alt="Pasted picture">"#), "{last}");
    let files: Vec<(&str, &Value)> = last["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["filename"].as_str().unwrap(), &f["content_id"]))
        .collect();
    assert_eq!(files, [("pasted-1.png", &json!("pasted-1.png")), ("log.txt", &Value::Null)]);

    assert_eq!(deliver(&st).await.done, 1);
    let raw = servers::received(&sink, &customer).pop().unwrap();
    let mail = parse(&raw);
    assert!(mail.body_html(0).unwrap().contains(r#"src="cid:pasted-1.png""#));
    let parts: Vec<(Option<&str>, Option<&str>, Vec<u8>)> = {
        use mail_parser::MimeHeaders;
        mail.attachments().map(|a| (a.attachment_name(), a.content_id(), a.contents().to_vec())).collect()
    };
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert_eq!((parts[0].0, parts[0].1), (Some("pasted-1.png"), Some("pasted-1.png")));
    assert!(parts[0].2.starts_with(b"\x89PNG"));
    assert_eq!((parts[1].0, parts[1].1, parts[1].2.as_slice()), (Some("log.txt"), None, b"Stack trace".as_slice()));
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("multipart/related") && text.contains("multipart/mixed"), "{text}");
}

#[actix_web::test]
async fn mail_survives_an_smtp_outage_and_arrives_once() {
    let db = test_db();
    // Long enough that "not due yet" holds on a loaded machine, short enough to wait for.
    let st = state_with(&db, |c| c.mail.retry_base = std::time::Duration::from_millis(1500));
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    let mut sink = Sink::new(db.dir.path().join("sink"));
    smtp_settings(&app, &admin, json!({"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_security": "none", "from_address": "desk@desk.test"})).await;
    let key = common::api_key(&st, "read,write");
    let mut addresses = Vec::new();
    for n in 0..3 {
        let to = servers::address(&format!("outage{n}"));
        ticket_for(&app, &key, &to).await;
        addresses.push(to);
    }
    // The server is down: nothing leaves, every mail waits for its retry.
    assert_eq!(deliver(&st).await, Tally { retrying: 3, ..Default::default() });
    let rows = outbox_rows(&app, &admin).await;
    for row in &rows {
        assert_eq!((row["status"].as_str(), row["attempts"].as_i64()), (Some("pending"), Some(1)), "{row}");
        assert!(row["last_error"].as_str().unwrap().contains("cannot connect"), "{row}");
        assert!(row["next_attempt"].is_string(), "{row}");
    }
    // Back up: a retry waits for its time, then each mail goes out once.
    sink.start();
    assert_eq!(deliver(&st).await, Tally::default(), "not due yet");
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    assert_eq!(deliver(&st).await.done, 3);
    assert_eq!(deliver(&st).await, Tally::default());
    for to in &addresses {
        let mail = only(&sink.maildir, to);
        // As the outbox shows it: the reply token of its recipient masked.
        let id = oxidesk::mail::thread::token_masked(&header(&mail, "Message-ID"));
        assert!(id.contains(".…@"), "{id}");
        assert!(rows.iter().any(|r| r["message_id"] == id.as_str()), "the queued Message-ID is the one sent: {id}");
    }
    let rows = outbox_rows(&app, &admin).await;
    assert!(rows.iter().all(|r| r["status"] == "sent" && r["attempts"] == 2), "{rows:?}");
    let (status, sent_only) = send(&app, "GET", "/api/outbox.json?status=sent", Auth::Bearer(&admin), None).await;
    assert_eq!((status, sent_only.as_array().map(Vec::len)), (200, Some(3)));
    assert_eq!(send(&app, "GET", "/api/outbox.json?status=lost", Auth::Bearer(&admin), None).await.0, 422);
}

#[actix_web::test]
async fn a_refused_mail_fails_at_once_and_an_interrupted_one_is_never_sent_twice_on_its_own() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    plain_smtp(&app, &admin).await;
    let key = common::api_key(&st, "read,write");
    let refused = servers::address("reject");
    ticket_for(&app, &key, &refused).await;
    assert_eq!(deliver(&st).await, Tally { failed: 1, ..Default::default() });
    let row = outbox_rows(&app, &admin).await.remove(0);
    assert_eq!((row["status"].as_str(), row["attempts"].as_i64()), (Some("failed"), Some(1)));
    assert!(row["last_error"].as_str().unwrap().contains("550"), "{row}");
    assert_eq!(deliver(&st).await, Tally::default(), "a refusal is not retried");
    // The administrator may send it again (it fails again, once).
    let id = row["id"].as_i64().unwrap();
    let (status, again) = send(&app, "POST", &format!("/api/outbox.json/{id}/retry"), Auth::Bearer(&admin), None).await;
    assert_eq!((status, again["status"].as_str()), (200, Some("pending")), "{again}");
    assert_eq!(deliver(&st).await.failed, 1);

    // A worker died after taking a mail, before handing it over: its lease runs out and the mail goes.
    let lost = servers::address("lost");
    ticket_for(&app, &key, &lost).await;
    let taken = claim_and_die(&st);
    assert_eq!(taken.len(), 1);
    assert_eq!(deliver(&st).await.done, 1);
    only(&servers::plain_sink(), &lost);

    // A worker died while handing a mail over: it may have arrived, so it is not sent again on its own.
    let unsure = servers::address("unsure");
    ticket_for(&app, &key, &unsure).await;
    let taken = claim_and_die(&st);
    jobs::handing_over(&mut common::conn(&st), taken[0].id, "dead").unwrap();
    assert_eq!(deliver(&st).await, Tally::default());
    assert!(servers::received(&servers::plain_sink(), &unsure).is_empty());
    let mail: Value = serde_json::from_str(&taken[0].payload).unwrap();
    let path = format!("/api/outbox.json/{}/retry", mail["mail"]);
    let (status, _) = send(&app, "POST", &path, Auth::Bearer(&admin), None).await;
    assert_eq!(status, 200, "the administrator decides");
    assert_eq!(deliver(&st).await.done, 1);
    only(&servers::plain_sink(), &unsure);
    let (status, err) = send(&app, "POST", &path, Auth::Bearer(&admin), None).await;
    assert_eq!(status, 409, "a sent mail is not sent again: {err}");
    assert_eq!(send(&app, "POST", "/api/outbox.json/999999/retry", Auth::Bearer(&admin), None).await.0, 404);
    assert_eq!(send(&app, "POST", "/api/outbox.json/abc/retry", Auth::Bearer(&admin), None).await.0, 404);
    assert_eq!(send(&app, "POST", &path, Auth::Key(&key), None).await.0, 403);
}

#[actix_web::test]
async fn replicas_delivering_at_once_send_each_mail_once() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    plain_smtp(&app, &admin).await;
    let key = common::api_key(&st, "read,write");
    let to = servers::address("busy");
    for _ in 0..30 {
        ticket_for(&app, &key, &to).await;
    }
    let workers = (0..3).map(|_| {
        let st = st.clone();
        tokio::spawn(async move {
            let mut sent = 0;
            loop {
                let round = jobs::run_due(&st.pool, &st.config, &SEND).await.expect("deliver").done;
                if round == 0 {
                    return sent;
                }
                sent += round;
            }
        })
    });
    let mut total = 0;
    for w in workers.collect::<Vec<_>>() {
        total += w.await.unwrap();
    }
    assert_eq!(total, 30);
    let mails = servers::received(&servers::plain_sink(), &to);
    let mut ids: Vec<String> = mails.iter().map(|m| header(m, "Message-ID")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((mails.len(), ids.len()), (30, 30));
}

#[actix_web::test]
async fn templates_are_checked_previewed_used_and_reset() {
    let db = test_db();
    let st = state(&db);
    let app = app(st.clone()).await;
    let admin = first_admin(&app).await;
    plain_smtp(&app, &admin).await;
    let (status, list) = send(&app, "GET", "/api/mail/templates.json", Auth::Bearer(&admin), None).await;
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(11)), "{list}");
    let path = "/api/mail/templates.json/ticket.created.customer";

    let bad = json!({"subject": "{{ ticket.nope }}", "body_text": "{% if %}", "body_html": "{{ status.to }}"});
    for url in [path.to_owned(), format!("{path}/preview")] {
        let (status, err) = send(
            &app,
            if url.ends_with("preview") { "POST" } else { "PUT" },
            &url,
            Auth::Bearer(&admin),
            Some(bad.clone()),
        )
        .await;
        assert_eq!(status, 422, "{err}");
        assert_eq!(err["error"]["fields"].as_object().unwrap().len(), 3, "{err}");
    }
    let (status, err) =
        send(&app, "PUT", path, Auth::Bearer(&admin), Some(json!({"subject": " ", "body_text": ""}))).await;
    assert_eq!((status, err["error"]["fields"].as_object().map(|f| f.len())), (422, Some(2)), "{err}");
    let (status, err) =
        send(&app, "PUT", path, Auth::Bearer(&admin), Some(json!({"subject": "s", "body_text": "x".repeat(20_001)})))
            .await;
    assert_eq!(status, 422, "{err}");

    let mine = json!({
        "subject": "Got it: {{ ticket.subject }}", "body_text": "Hi {{ recipient.name }}, we have {{ ticket.number }}.",
        "body_html": "<p>Hi {{ recipient.name }}</p>"
    });
    let (status, preview) =
        send(&app, "POST", &format!("{path}/preview"), Auth::Bearer(&admin), Some(mine.clone())).await;
    assert_eq!((status, preview["subject"].as_str()), (200, Some("[TCK-1042] Got it: Printer on fire")), "{preview}");
    assert!(preview["body_text"].as_str().unwrap().ends_with("Hi Jane Customer, we have TCK-1042."), "{preview}");
    let (status, saved) = send(&app, "PUT", path, Auth::Bearer(&admin), Some(mine)).await;
    assert_eq!((status, saved["customized"].as_bool()), (200, Some(true)), "{saved}");

    let key = common::api_key(&st, "read,write");
    let (_, t) = send(
        &app,
        "POST",
        "/api/tickets.json",
        Auth::Key(&key),
        Some(json!({"email": "tom@example.com", "name": "Tom <b>Thumb</b>", "subject": "Keyboard", "message": "m"})),
    )
    .await;
    let number = t["ticket_number"].as_str().unwrap();
    let rows = outbox_rows(&app, &admin).await;
    let receipt = rows.iter().find(|r| r["recipient"] == "tom@example.com").expect("receipt");
    assert_eq!(receipt["subject"], format!("[{number}] Got it: Keyboard"));

    let (status, reset) = send(&app, "DELETE", path, Auth::Bearer(&admin), None).await;
    assert_eq!((status, reset["customized"].as_bool()), (200, Some(false)), "{reset}");
    assert_eq!(
        send(
            &app,
            "PUT",
            "/api/mail/templates.json/ticket.nothing",
            Auth::Bearer(&admin),
            Some(json!({"subject": "s", "body_text": "b"}))
        )
        .await
        .0,
        404
    );
    assert_eq!(
        send(&app, "DELETE", "/api/mail/templates.json/ticket.nothing", Auth::Bearer(&admin), None).await.0,
        404
    );
    assert_eq!(send(&app, "GET", "/api/mail/templates.json", Auth::Key(&key), None).await.0, 403);
    assert_eq!(send(&app, "PUT", path, Auth::Nobody, Some(json!({"subject": "s", "body_text": "b"}))).await.0, 401);
    assert_eq!(common::audit_count(&st, "mail.template.update"), 1);
}
