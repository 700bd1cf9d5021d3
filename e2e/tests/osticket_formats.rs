//! osTicket's other ways in (issue 15 §4) against the real binary: the XML create of osTicket's
//! `setup/doc/api/tickets.md`, sent by curl as the document shows, and mail piping with osTicket's
//! answers (any sender opens a ticket; 201 made, 202 taken without a ticket, 200 seen before,
//! 400 no mail at all).

use std::process::Command;

use oxidesk_e2e::*;
use reqwest::Method;
use serde_json::Value;

/// osTicket's documented example, with a real GIF for its picture.
const EXAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ticket alert="true" autorespond="true" source="API">
    <name>Angry User</name>
    <email>api@osticket.example</email>
    <subject>Testing API</subject>
    <phone>318-555-8634X123</phone>
    <message type="text/html"><![CDATA[<p>Message content <b>here</b></p>]]></message>
    <attachments>
        <file name="file.txt" type="text/plain"><![CDATA[ File content ... ]]></file>
        <file name="image.gif" type="image/gif" encoding="base64">
            R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7
        </file>
    </attachments>
    <ip>123.211.233.122</ip>
</ticket>"#;

fn xml(s: &TestServer, auth: &Auth, headers: &[(&str, &str)], body: &str) -> Resp {
    s.send(Method::POST, "/api/tickets.xml", auth, headers, Some("application/xml"), Some(body.as_bytes().to_vec()))
}

/// The document's curl command, with the desk's address and a key.
#[test]
fn osticket_documented_xml_example_opens_a_ticket() {
    let s = TestServer::start();
    let admin = s.admin_auth();
    let key = s.apikey("osticket", "read,write", None).key;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ticket.xml");
    std::fs::write(&file, EXAMPLE).unwrap();
    let out = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}", "-X", "POST", "-H", &format!("X-API-Key: {key}")])
        .args(["-H", "Content-Type: application/xml", "--data-binary", &format!("@{}", file.display())])
        .arg(s.url("/api/tickets.xml"))
        .output()
        .expect("curl runs");
    let answer = String::from_utf8_lossy(&out.stdout).to_string();
    let (number, status) = answer.rsplit_once('\n').unwrap();
    assert_eq!(status, "201", "{answer}");
    assert!(number.starts_with("TCK-"), "the number as text, as osTicket answers: {answer}");

    let t = s.ticket(number, &admin);
    assert_eq!(
        (t["subject"].as_str(), t["source"].as_str(), t["user"]["fullname"].as_str(), t["user"]["email"].as_str()),
        (Some("Testing API"), Some("API"), Some("Angry User"), Some("api@osticket.example")),
        "{t}"
    );
    let first = &t["threads"][0];
    assert_eq!(first["format"], "html", "{first}");
    assert!(first["body"].as_str().unwrap().contains("<b>here</b>"), "{first}");
    let files: Vec<(&str, &str)> = first["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["filename"].as_str().unwrap(), a["content_type"].as_str().unwrap()))
        .collect();
    assert_eq!(files, [("file.txt", "text/plain"), ("image.gif", "image/gif")]);
    let gif = first["attachments"][1]["href"].as_str().unwrap();
    let picture = s.send(Method::GET, gif, &admin, &[], None, None);
    picture.expect(200);
    assert!(picture.text.starts_with("GIF89a"), "decoded from base64");
    let text = s.send(Method::GET, first["attachments"][0]["href"].as_str().unwrap(), &admin, &[], None, None);
    assert_eq!(text.text, "File content ...");
}

#[test]
fn xml_answers_as_the_json_create_and_refuses_bad_documents() {
    let s = TestServer::start();
    let admin = s.admin_auth();
    let key = s.apikey("osticket", "read,write", None).auth();
    let read = s.apikey("reader", "read", None).auth();
    let total = s.ticket_total(&admin);

    // Attributes and elements alike; the ticket as JSON for a client that accepts it.
    let doc = r#"<ticket name="Bea Lee" email="bea@example.com" alert="false"><subject>Laptop</subject><message>It &amp; the dock</message><unknown_field>skipped</unknown_field></ticket>"#;
    let r = xml(&s, &key, &[("Accept", "application/json")], doc);
    r.expect(201);
    let t = r.json();
    assert_eq!((t["subject"].as_str(), t["user"]["fullname"].as_str()), (Some("Laptop"), Some("Bea Lee")), "{t}");
    assert_eq!(t["threads"][0]["body"], "It & the dock");
    assert_eq!(r.header("Location"), Some(format!("/api/tickets.json/{}", t["ticket_number"].as_str().unwrap())));

    let refused = |r: Resp, status: u16, code: &str| -> Value { r.expect_error(status, code) };
    let e = refused(xml(&s, &key, &[], "<ticket><subject>x</ticket>"), 400, "bad_request");
    assert!(e["error"]["message"].as_str().unwrap().starts_with("XML error:"), "{e}");
    refused(xml(&s, &key, &[], "<tickets><subject>x</subject></tickets>"), 400, "bad_request");
    refused(xml(&s, &key, &[], "   "), 400, "bad_request");
    let e = refused(
        xml(&s, &key, &[], "<ticket><name>A</name><email>a@example.com</email></ticket>"),
        422,
        "invalid_fields",
    );
    assert!(e["error"]["fields"]["subject"].is_string(), "the missing field is named: {e}");
    let e = refused(xml(&s, &key, &[], r#"<ticket subject="a"><subject>b</subject></ticket>"#), 422, "invalid_fields");
    assert!(e["error"]["fields"]["subject"].is_string(), "{e}");
    let e = refused(
        xml(
            &s,
            &key,
            &[],
            r#"<ticket><name>A</name><email>a@example.com</email><subject>s</subject><message>m</message><attachments><file name="x.bin" encoding="base64">***</file></attachments></ticket>"#,
        ),
        422,
        "invalid_fields",
    );
    assert!(e["error"]["fields"]["attachments[0]"].as_str().unwrap().contains("x.bin"), "{e}");
    refused(xml(&s, &read, &[], doc), 403, "forbidden");
    refused(xml(&s, &Auth::None, &[], doc), 401, "unauthorized");
    refused(xml(&s, &Auth::Key("not-a-key".into()), &[], doc), 401, "unauthorized");
    assert_eq!(s.ticket_total(&admin), total + 1, "only the good document made a ticket");
}

fn pipe(s: &TestServer, key: &Auth, raw: &str) -> Resp {
    s.send(Method::POST, "/api/tickets.email", key, &[], Some("message/rfc822"), Some(raw.as_bytes().to_vec()))
}

#[test]
fn piped_mail_answers_as_osticket() {
    let s = TestServer::start();
    let admin = s.admin_auth();
    let key = s.apikey("mta", "read,write", None).auth();
    let total = s.ticket_total(&admin);

    // A sender nobody knows: a customer is made and the ticket is theirs (guest tickets are off).
    let mail = "From: Nora Stranger <nora@example.org>\r\nSubject: VPN down\r\nMessage-ID: <vpn-1@example.org>\r\nContent-Type: text/plain\r\n\r\nThe VPN drops every minute.\r\n";
    let r = pipe(&s, &key, mail);
    assert_eq!((r.status, r.header("X-Oxidesk-Outcome").as_deref()), (201, Some("ticket")), "{}", r.text);
    let number = r.text.clone();
    let t = s.ticket(&number, &admin);
    assert_eq!((t["user"]["email"].as_str(), t["source"].as_str()), (Some("nora@example.org"), Some("Email")), "{t}");

    // The MTA retrying: 200 and the same ticket, nothing new.
    let r = pipe(&s, &key, mail);
    assert_eq!((r.status, r.text.as_str()), (200, number.as_str()));
    // An out-of-office: taken, no ticket.
    let oof = "From: nora@example.org\r\nSubject: Out of office\r\nMessage-ID: <oof@example.org>\r\nAuto-Submitted: auto-replied\r\n\r\nAway.\r\n";
    let r = pipe(&s, &key, oof);
    assert_eq!((r.status, r.text.as_str(), r.header("X-Oxidesk-Outcome").as_deref()), (202, "", Some("auto")));
    // A mail without a usable sender is kept aside for an administrator.
    let r = pipe(&s, &key, "From: nobody\r\nSubject: ?\r\nMessage-ID: <q@example.org>\r\n\r\n?\r\n");
    assert_eq!((r.status, r.header("X-Oxidesk-Outcome").as_deref()), (202, Some("quarantined")), "{}", r.text);
    // Bytes that are no mail: 400, nothing kept.
    let logged = s.get("/api/mail/inbound.json?per_page=1", &admin).total_count();
    pipe(&s, &key, "no headers at all").expect_error(400, "bad_request");
    assert_eq!(s.get("/api/mail/inbound.json?per_page=1", &admin).total_count(), logged);
    assert_eq!(s.ticket_total(&admin), total + 1);
}
