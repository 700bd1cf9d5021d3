//! Mail in, against the real binary and the test dovecot (scripts/mail.sh): the server is killed
//! (SIGKILL) in the middle of fetching a full mailbox, started again, and in the end every mail is
//! exactly one ticket — none lost, none twice.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use oxidesk_e2e::*;

const MAILS: usize = 150;

fn waiting(maildir: &std::path::Path) -> usize {
    ["new", "cur"].iter().map(|d| std::fs::read_dir(maildir.join(d)).map(|e| e.count()).unwrap_or(0)).sum()
}

#[test]
fn a_fetcher_killed_mid_batch_loses_and_repeats_nothing() {
    let mut s = TestServer::start_with_config(&format!("[mail]\npoll_ms = 50\n{ALLOW_LOOPBACK}"));
    s.admin_create("admin", "admin@desk.test", "the admin's long password");
    let admin = Auth::bearer(&s.login_token("admin", "the admin's long password"));
    let user = format!("crash-{}-{}", std::process::id(), s.port);
    let maildir = mailbox(&user);
    for n in 0..MAILS {
        let raw = format!(
            "From: Sender {n} <sender{n}@example.com>\r\nTo: support@desk.test\r\nSubject: Crash test {n}\r\nMessage-ID: <crash-{n}-{user}@example.com>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nMail number {n}.\r\n"
        );
        deliver(&maildir, n, &raw);
    }
    s.put_json("/api/settings.json", &admin, &serde_json::json!({"allow_guest_tickets": true})).expect(200);
    s.put_json(
        "/api/mail/settings.json",
        &admin,
        &serde_json::json!({
            "imap_enabled": true, "imap_host": "127.0.0.1", "imap_port": 10143, "imap_security": "none",
            "imap_user": user, "imap_password": "secret", "imap_processed_folder": "Processed", "imap_poll_seconds": 10
        }),
    )
    .expect(200);

    // Kill it as soon as the first tickets exist, while the rest are still being fetched.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut at_crash = 0;
    while at_crash == 0 {
        assert!(Instant::now() < deadline, "no ticket within a minute; log:\n{}", s.log());
        std::thread::sleep(Duration::from_millis(20));
        at_crash = s.ticket_total(&admin);
    }
    s.crash_and_restart();
    let admin = Auth::bearer(&s.login_token("admin", "the admin's long password"));
    eprintln!("killed with {at_crash} of {MAILS} mails handled");

    let deadline = Instant::now() + Duration::from_secs(120);
    while waiting(&maildir) > 0 {
        assert!(Instant::now() < deadline, "{} mails still waiting; log:\n{}", waiting(&maildir), s.log());
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(s.ticket_total(&admin), MAILS as i64);
    let mut subjects = BTreeSet::new();
    for page in 1..=2 {
        let list = s.get(&format!("/api/tickets.json?per_page=100&page={page}&threads=false"), &admin).json();
        for t in list.as_array().unwrap() {
            assert!(subjects.insert(t["subject"].as_str().unwrap().to_owned()), "a ticket twice: {t}");
        }
    }
    assert_eq!(subjects.len(), MAILS);
    let log = s.get("/api/mail/inbound.json?outcome=ticket&per_page=1", &admin);
    assert_eq!(log.total_count(), MAILS as i64, "one log line per mail");
}
