//! The test mail servers of scripts/mail.sh (aiosmtpd sinks and a dovecot), started when the
//! tests run without OXIDESK_MAIL_TEST_DIR, and SMTP sinks of a test's own that it stops and
//! starts (an outage).

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::OnceLock;
use std::time::Duration;

/// The state directory of the shared test servers (scripts/mail.sh prints it).
pub fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os("OXIDESK_MAIL_TEST_DIR").filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/mail.sh");
        let out = Command::new(&script).output().expect("run scripts/mail.sh");
        assert!(out.status.success(), "scripts/mail.sh failed: {}", String::from_utf8_lossy(&out.stderr));
        PathBuf::from(String::from_utf8(out.stdout).expect("utf-8").trim())
    })
}

/// The self-signed certificate of the test servers.
pub fn cert() -> PathBuf {
    dir().join("cert.pem")
}

/// An address nobody else in the test run uses.
pub fn address(name: &str) -> String {
    use rand::Rng;
    format!("{name}-{:08x}@example.com", rand::thread_rng().gen::<u32>())
}

/// Every mail an SMTP sink (a Maildir) received for `to`, as raw bytes, oldest first.
pub fn received(maildir: &Path, to: &str) -> Vec<Vec<u8>> {
    let mut found: Vec<(std::time::SystemTime, Vec<u8>)> = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else { continue };
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).expect("read mail");
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(400)]).to_string();
            let envelope_to = head.lines().find_map(|l| l.strip_prefix("X-Envelope-To: ")).unwrap_or("");
            if envelope_to.split(", ").any(|a| a.eq_ignore_ascii_case(to)) {
                let at = entry.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH);
                found.push((at, bytes));
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, b)| b).collect()
}

/// The shared plain sink's Maildir (port 10025, no authentication).
pub fn plain_sink() -> PathBuf {
    dir().join("smtp-plain")
}

/// An SMTP sink of the test's own, on a free port, that the test may stop and start again.
pub struct Sink {
    pub port: u16,
    pub maildir: PathBuf,
    child: Option<Child>,
}

impl Sink {
    /// A sink on a free port, not started yet.
    pub fn new(maildir: PathBuf) -> Sink {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Sink { port, maildir, child: None }
    }

    pub fn start(&mut self) {
        dir(); // the shared setup checks that aiosmtpd is installed
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/smtp_sink.py");
        let child = Command::new("/usr/bin/python3")
            .arg(script)
            .args(["--port", &self.port.to_string(), "--maildir"])
            .arg(&self.maildir)
            .spawn()
            .expect("start smtp_sink.py");
        self.child = Some(child);
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the SMTP sink did not start on {}", self.port);
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.stop();
    }
}
