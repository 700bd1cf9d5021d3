//! `bench_mail`: how fast mail goes in and out of the real binary (see docs/PERFORMANCE.md). It
//! prints figures; it never fails on a timing. Against the test mail servers of scripts/mail.sh:
//!
//! 1. pipe: N mails posted one after another to `POST /api/tickets.email` (each a new ticket);
//! 2. outbox: the N receipts those tickets queued (with the mail worker off), delivered to the SMTP
//!    sink once the server restarts with its worker;
//! 3. IMAP: N mails in a dovecot mailbox, fetched and turned into tickets once fetching is on.
//!
//! ```text
//! bench_mail [--mails N]
//! OXIDESK_BIN=target/release/oxidesk OXIDESK_MAIL_TEST_DIR=$(scripts/mail.sh) target/release/bench_mail
//! ```

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use oxidesk_e2e::{mail_test_dir, Auth, TestServer, ALLOW_LOOPBACK};
use reqwest::Method;
use serde_json::json;

const PASSWORD: &str = "the bench's long password";

fn mail(n: usize, run: &str) -> String {
    format!(
        "From: Sender {n} <sender{n}@example.com>\r\nTo: support@desk.test\r\nSubject: Printer {n} jams\r\n\
         Message-ID: <bench-{n}-{run}@example.com>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIt jams every morning.\r\n\r\n-- \r\nSender {n}\r\n"
    )
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > limit {
            eprintln!("{what}: not done after {limit:?}");
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    start.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mails: usize = match args.as_slice() {
        [] => 500,
        [flag, n] if flag == "--mails" => match n.parse() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("--mails takes a positive number");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: bench_mail [--mails N]");
            return ExitCode::from(2);
        }
    };
    let mut s = TestServer::start_with_config(&format!("[mail]\nworker = false\n{ALLOW_LOOPBACK}"));
    s.admin_create("admin", "admin@desk.test", PASSWORD);
    let admin = Auth::bearer(&s.login_token("admin", PASSWORD));
    let key = s.apikey("bench", "read,write", None);
    s.put_json("/api/settings.json", &admin, &json!({"allow_guest_tickets": true})).expect(200);
    s.put_json(
        "/api/mail/settings.json",
        &admin,
        &json!({
            "smtp_host": "127.0.0.1", "smtp_port": 10025, "smtp_security": "none", "from_address": "desk@desk.test"
        }),
    )
    .expect(200);
    let run = format!("{}-{}", std::process::id(), s.port);

    // 1. Piping.
    let mut latencies = Vec::with_capacity(mails);
    let start = Instant::now();
    for n in 0..mails {
        let t = Instant::now();
        let r = s.send(
            Method::POST,
            "/api/tickets.email",
            &key.auth(),
            &[],
            Some("text/plain"),
            Some(mail(n, &run).into_bytes()),
        );
        r.expect(201);
        latencies.push(t.elapsed());
    }
    let pipe_time = start.elapsed();
    latencies.sort();

    // 2. The receipts those tickets queued, once the server runs its mail worker.
    let pending =
        |s: &TestServer, admin: &Auth| s.get("/api/outbox.json?status=pending&per_page=1", admin).total_count();
    let queued = pending(&s, &admin);
    std::fs::write(s.data_dir().join("oxidesk.toml"), format!("[mail]\npoll_ms = 100\n{ALLOW_LOOPBACK}"))
        .expect("config");
    s.crash_and_restart();
    let admin = Auth::bearer(&s.login_token("admin", PASSWORD));
    let smtp_time = wait_until("outbox", Duration::from_secs(600), || pending(&s, &admin) == 0);

    // 3. IMAP.
    let user = format!("bench-{run}");
    let maildir = mail_test_dir().join("dovecot/home").join(&user).join("Maildir");
    for sub in ["", "tmp", "new", "cur"] {
        std::fs::create_dir_all(maildir.join(sub)).expect("mailbox");
        std::fs::set_permissions(maildir.join(sub), std::fs::Permissions::from_mode(0o777)).expect("mailbox");
    }
    let _ =
        std::fs::set_permissions(maildir.parent().unwrap_or(Path::new("/")), std::fs::Permissions::from_mode(0o777));
    for n in 0..mails {
        let name = format!("{n:06}.bench");
        std::fs::write(maildir.join("tmp").join(&name), mail(mails + n, &run)).expect("deliver");
        std::fs::rename(maildir.join("tmp").join(&name), maildir.join("new").join(&name)).expect("deliver");
    }
    let before = s.ticket_total(&admin);
    s.put_json(
        "/api/mail/settings.json",
        &admin,
        &json!({
            "imap_enabled": true, "imap_host": "127.0.0.1", "imap_port": 10143, "imap_security": "none",
            "imap_user": user, "imap_password": "secret", "imap_processed_folder": "Processed"
        }),
    )
    .expect(200);
    let imap_time = wait_until("imap", Duration::from_secs(600), || s.ticket_total(&admin) >= before + mails as i64);

    let rate = |n: i64, d: Duration| n as f64 / d.as_secs_f64().max(1e-9);
    println!("| what | mails | time | mails/s | notes |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| pipe (`POST /api/tickets.email`, one at a time) | {mails} | {:.2} s | {:.0} | p50 {:.1} ms, p99 {:.1} ms per mail |",
        pipe_time.as_secs_f64(),
        rate(mails as i64, pipe_time),
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
    );
    println!(
        "| outbox → SMTP sink | {queued} | {:.2} s | {:.0} | rounds of 20 mails over one connection |",
        smtp_time.as_secs_f64(),
        rate(queued, smtp_time)
    );
    println!(
        "| IMAP → tickets | {mails} | {:.2} s | {:.0} | batches of 50, moved to Processed |",
        imap_time.as_secs_f64(),
        rate(mails as i64, imap_time)
    );
    ExitCode::SUCCESS
}
