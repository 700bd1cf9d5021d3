//! django-helpdesk's method API (seed 001, issue 15 §1) against the real binary: every method
//! with its bad inputs, the answers' statuses and content types as the seed gives them, the
//! person's level deciding what they may do, and the seed's curl command as written.

use std::process::Command;

use oxidesk_e2e::*;
use reqwest::Method;

const PASSWORD: &str = "susan's long passphrase";

struct Desk {
    s: TestServer,
    admin: Auth,
    susan: Person,
    carol: Person,
}

fn desk() -> Desk {
    let s = TestServer::start_with_config("login_attempts_per_minute = 1000");
    let admin = s.admin_auth();
    let susan = s.create_person(&admin, "susan", 3, Some(PASSWORD));
    let carol = s.create_person(&admin, "carol", 1, Some(PASSWORD));
    Desk { s, admin, susan, carol }
}

/// A form POST as django-helpdesk's clients send it: `path` under the site, `fields` encoded.
fn call(s: &TestServer, path: &str, fields: &[(&str, &str)]) -> Resp {
    let body = serde_urlencoded::to_string(fields).expect("a form");
    s.send(Method::POST, path, &Auth::None, &[], Some("application/x-www-form-urlencoded"), Some(body.into_bytes()))
}

impl Desk {
    /// `method` as `who` (their password), with `fields`.
    fn as_(&self, who: &Person, method: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all = vec![("user", who.username.as_str()), ("password", PASSWORD)];
        all.extend_from_slice(fields);
        call(&self.s, &format!("/api/{method}/"), &all)
    }

    fn ticket(&self, number: &str) -> serde_json::Value {
        self.s.ticket(&format!("TCK-{number}"), &self.admin)
    }
}

#[track_caller]
fn text(r: &Resp, status: u16, body: &str) {
    assert_eq!((r.status, r.text.as_str()), (status, body), "{}", r.text);
    assert_eq!(r.content_type(), "text/plain");
}

#[test]
fn each_method_does_what_django_helpdesk_did_through_the_native_rules() {
    let d = desk();
    let queues = d.as_(&d.susan, "list_queues", &[]);
    assert_eq!((queues.status, queues.content_type().as_str()), (200, "text/json"));
    let list: serde_json::Value = serde_json::from_str(&queues.text).expect("JSON");
    // By title, ids as strings.
    let titles: Vec<_> = list.as_array().unwrap().iter().map(|q| q["title"].as_str().unwrap().to_owned()).collect();
    assert!(titles.windows(2).all(|w| w[0].to_lowercase() <= w[1].to_lowercase()), "{list}");
    assert!(list.as_array().unwrap().contains(&serde_json::json!({"id": "1", "title": "Support"})), "{list}");

    // create_ticket: the number's digits; the submitter becomes the customer; 1 is the highest
    // priority; the agent found by find_user is assigned.
    let susan_id = d.as_(&d.susan, "find_user", &[("username", "susan")]);
    text(&susan_id, 200, &d.susan.id.to_string());
    let made = d.as_(
        &d.susan,
        "create_ticket",
        &[
            ("queue", "1"),
            ("title", "Printer on fire"),
            ("body", "Smoke everywhere"),
            ("submitter_email", "dora@example.com"),
            ("assigned_to", &susan_id.text),
            ("priority", "1"),
        ],
    );
    assert_eq!(made.status, 200, "{}", made.text);
    assert!(made.text.chars().all(|c| c.is_ascii_digit()), "{}", made.text);
    let number = made.text.clone();
    let t = d.ticket(&number);
    assert_eq!((t["subject"].as_str(), t["priority"].as_str()), (Some("Printer on fire"), Some("Urgent")), "{t}");
    assert_eq!(t["user"]["email"], "dora@example.com");
    assert_eq!(t["assigned_to"][0]["id"], d.susan.id);
    assert_eq!(threads(&t)[0]["body"], "Smoke everywhere");
    // Without body and priority: the title is the message, the priority the default.
    let plain = d.as_(&d.susan, "create_ticket", &[("queue", "1"), ("title", "Mouse")]);
    let t2 = d.ticket(&plain.text);
    assert_eq!((t2["priority"].as_str(), threads(&t2)[0]["body"].as_str()), (Some("Normal"), Some("Mouse")));
    assert_eq!(t2["user"]["email"], d.susan.email, "an agent's own ticket without a submitter");

    // hold and unhold: the pending status and back; again changes nothing.
    text(&d.as_(&d.susan, "hold_ticket", &[("ticket", &number)]), 200, "");
    assert_eq!(d.ticket(&number)["ticket_status"], "On hold");
    text(&d.as_(&d.susan, "hold_ticket", &[("ticket", &number)]), 200, "");
    text(&d.as_(&d.susan, "unhold_ticket", &[("ticket", &format!("TCK-{number}"))]), 200, "");
    assert_eq!(d.ticket(&number)["ticket_status"], "Open");

    // add_followup: public is a response, private (the default) an internal note.
    text(&d.as_(&d.susan, "add_followup", &[("ticket", &number), ("message", "On my way"), ("public", "y")]), 200, "");
    text(&d.as_(&d.susan, "add_followup", &[("ticket", &number), ("message", "Bring an extinguisher")]), 200, "");
    let kinds: Vec<_> =
        threads(&d.ticket(&number)).iter().filter(|e| e["type"] != "E").map(|e| e["type"].clone()).collect();
    assert_eq!(kinds, ["M", "R", "N"]);

    // resolve, with its resolution.
    text(&d.as_(&d.susan, "resolve", &[("ticket", &number), ("resolution", "Extinguished")]), 200, "");
    let t = d.ticket(&number);
    assert_eq!((t["status_state"].as_str(), t["resolution"].as_str()), (Some("resolved"), Some("Extinguished")));

    // The same under /helpdesk/api/ and without the slash.
    let other =
        call(&d.s, "/helpdesk/api/hold_ticket", &[("user", "susan"), ("password", PASSWORD), ("ticket", &plain.text)]);
    text(&other, 200, "");
    assert_eq!(d.ticket(&plain.text)["ticket_status"], "On hold");

    // delete_ticket: administrators only (the threshold), with confirm; the number stays taken.
    let as_admin = |method: &str, fields: &[(&str, &str)]| {
        let mut all = vec![("user", "e2e-admin"), ("password", "the e2e administrator's passphrase")];
        all.extend_from_slice(fields);
        call(&d.s, &format!("/api/{method}/"), &all)
    };
    text(
        &d.as_(&d.susan, "delete_ticket", &[("ticket", &number), ("confirm", "yes")]),
        403,
        "Deleting tickets needs the Administrator level or higher",
    );
    text(&as_admin("delete_ticket", &[("ticket", &number)]), 400, "No confirmation provided");
    text(&as_admin("delete_ticket", &[("ticket", &number), ("confirm", "yes")]), 200, "");
    d.s.get(&format!("/api/tickets.json/TCK-{number}"), &d.admin).expect_error(404, "not_found");
    text(&as_admin("delete_ticket", &[("ticket", &number), ("confirm", "yes")]), 404, "Invalid ticket ID");
    let next = d.as_(&d.susan, "create_ticket", &[("queue", "1"), ("title", "After")]);
    assert!(next.text.parse::<i64>().unwrap() > number.parse::<i64>().unwrap(), "{} reused?", next.text);
}

#[test]
fn bad_callers_and_inputs_get_django_helpdesk_s_answers_and_change_nothing() {
    let d = desk();
    let number = d.as_(&d.susan, "create_ticket", &[("queue", "1"), ("title", "Base")]).text;
    let before = d.s.snapshot(&format!("TCK-{number}"), &d.admin);
    let total = d.s.ticket_total(&d.admin);

    // Anything but POST, on every path form: 405 with Allow.
    for path in ["/api/hold_ticket/", "/api/hold_ticket", "/helpdesk/api/hold_ticket/"] {
        for method in [Method::GET, Method::PUT, Method::DELETE] {
            let r = d.s.send(method.clone(), path, &Auth::None, &[], None, None);
            text(&r, 405, "Invalid request method");
            assert_eq!(r.header("allow").as_deref(), Some("POST"), "{method} {path}");
        }
    }
    // Credentials: none, wrong, unknown, a token instead (ignored).
    for fields in [
        vec![("ticket", number.as_str())],
        vec![("user", "susan"), ("password", "wrong"), ("ticket", &number)],
        vec![("user", "nobody"), ("password", PASSWORD), ("ticket", &number)],
    ] {
        text(&call(&d.s, "/api/hold_ticket/", &fields), 403, "Invalid username or password");
    }
    let r = d.s.send(
        Method::POST,
        "/api/hold_ticket/",
        &d.admin,
        &[],
        Some("application/x-www-form-urlencoded"),
        Some(b"ticket=1".to_vec()),
    );
    text(&r, 403, "Invalid username or password");
    // The seed's list spells the field `username`: it signs in too.
    let r = call(&d.s, "/api/list_queues/", &[("username", "susan"), ("password", PASSWORD)]);
    assert_eq!(r.status, 200);

    // create_ticket's form errors, in django's words.
    let long = "x".repeat(101);
    for (fields, status, answer) in [
        (vec![], 400, "* queue\n  * This field is required.\n* title\n  * This field is required.".to_owned()),
        (
            vec![("queue", "1"), ("title", long.as_str())],
            400,
            "* title\n  * Ensure this value has at most 100 characters (it has 101).".to_owned(),
        ),
        (
            vec![("queue", "99"), ("title", "x")],
            404,
            "* queue\n  * Select a valid choice. 99 is not one of the available choices.".to_owned(),
        ),
        (
            vec![("queue", "1"), ("title", "x"), ("priority", "9")],
            400,
            "* priority\n  * Select a valid choice. 9 is not one of the available choices.".to_owned(),
        ),
        (
            vec![("queue", "1"), ("title", "x"), ("assigned_to", "999999")],
            404,
            "* assigned_to\n  * Select a valid choice. 999999 is not one of the available choices.".to_owned(),
        ),
        (vec![("queue", "1"), ("title", "x"), ("submitter_email", "not an address")], 400, String::new()),
    ] {
        let r = d.as_(&d.susan, "create_ticket", &fields);
        assert_eq!(r.status, status, "{fields:?}: {}", r.text);
        assert_eq!(r.content_type(), "text/plain");
        if answer.is_empty() {
            assert!(r.text.starts_with("* submitter_email\n  * "), "{}", r.text);
        } else {
            assert_eq!(r.text, answer, "{fields:?}");
        }
    }

    // The ticket methods' own errors.
    let n = number.as_str();
    for (method, fields, status, answer) in [
        ("hold_ticket", vec![], 404, "Invalid ticket ID"),
        ("hold_ticket", vec![("ticket", "abc")], 404, "Invalid ticket ID"),
        ("unhold_ticket", vec![("ticket", "999999")], 404, "Invalid ticket ID"),
        ("add_followup", vec![("ticket", n), ("message", "x"), ("public", "maybe")], 400, "Invalid 'public' flag"),
        ("add_followup", vec![("ticket", n), ("message", "  ")], 400, "Blank message"),
        ("resolve", vec![("ticket", n)], 400, "Blank resolution"),
        ("delete_ticket", vec![("ticket", n)], 400, "No confirmation provided"),
        ("find_user", vec![("username", "nobody-here")], 404, "Invalid username provided"),
    ] {
        text(&d.as_(&d.susan, method, &fields), status, answer);
    }

    // A customer: her own ticket, a message; never a status, a note, another's ticket or people.
    let hers = d.as_(&d.carol, "create_ticket", &[("queue", "1"), ("title", "Mine")]);
    assert_eq!(hers.status, 200, "{}", hers.text);
    text(
        &d.as_(&d.carol, "add_followup", &[("ticket", &hers.text), ("message", "Any news?"), ("public", "y")]),
        200,
        "",
    );
    for (method, fields) in [
        ("hold_ticket", vec![("ticket", hers.text.as_str())]),
        ("add_followup", vec![("ticket", hers.text.as_str()), ("message", "psst"), ("public", "n")]),
        ("find_user", vec![("username", "susan")]),
    ] {
        let r = d.as_(&d.carol, method, &fields);
        assert_eq!((r.status, r.content_type().as_str()), (403, "text/plain"), "{method}: {}", r.text);
    }
    text(&d.as_(&d.carol, "resolve", &[("ticket", n), ("resolution", "done")]), 404, "Invalid ticket ID");

    d.s.assert_unchanged(&format!("TCK-{number}"), &d.admin, &before, "refused calls");
    assert_eq!(d.s.ticket_total(&d.admin), total + 1, "only Carol's ticket was made");
}

/// The seed's curl command, as written but for the address, the person and the ticket.
#[test]
fn the_seeds_curl_command_holds_a_ticket() {
    let d = desk();
    let number = d.as_(&d.susan, "create_ticket", &[("queue", "1"), ("title", "Curl")]).text;
    let out = Command::new("curl")
        .args(["-s", "-w", "%{http_code}", &d.s.url("/api/hold_ticket/"), "--data"])
        .arg(format!("user=susan&password={}&ticket={number}", PASSWORD.replace(' ', "+")))
        .output()
        .expect("curl runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "200");
    assert_eq!(d.ticket(&number)["ticket_status"], "On hold");
}
