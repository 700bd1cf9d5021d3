//! Black-box test harness: starts the real `oxidesk` binary on a free loopback port with its own
//! data directory (and, when `TEST_DATABASE_URL` is set, its own PostgreSQL database), runs its
//! CLI against the same data, and sends HTTP requests to it.
//!
//! - Binary: `OXIDESK_BIN`, else `$CARGO_TARGET_DIR/debug/oxidesk`, else `<workspace>/target/debug/oxidesk`.
//! - PostgreSQL: `TEST_DATABASE_URL=postgres://…` (a role with CREATEDB); each `TestServer` creates
//!   a database `oxidesk_e2e_<pid>_<n>` and drops it when dropped.
//!
//! Every response is read whole into a [`Resp`], so assertions can show the body on failure.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use reqwest::blocking::Client;
pub use reqwest::header::HeaderMap;
pub use reqwest::Method;
pub use serde_json::{json, Value};

/// How a request authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    /// `X-API-Key: <key>`.
    Key(String),
    /// `Authorization: Bearer <jwt>`.
    Bearer(String),
}

impl Auth {
    pub fn key(key: &str) -> Auth {
        Auth::Key(key.to_owned())
    }

    pub fn bearer(token: &str) -> Auth {
        Auth::Bearer(token.to_owned())
    }
}

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    /// What was asked, for failure messages.
    pub request: String,
}

impl Resp {
    /// The body as JSON; panics (showing the body) when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!("{}: the body is not JSON ({e}): status {} body {:?}", self.request, self.status, self.text)
        })
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|v| v.to_str().unwrap_or("<not text>").to_owned())
    }

    pub fn content_type(&self) -> String {
        self.header("content-type").unwrap_or_default()
    }

    /// Panics unless the status is `expected`, showing the request and the body.
    #[track_caller]
    pub fn expect(&self, expected: u16) -> &Resp {
        assert_eq!(
            self.status, expected,
            "{}: expected status {expected}, got {} with body {}",
            self.request, self.status, self.text
        );
        self
    }

    /// Panics unless this is the API's error body with this status and code; returns the body.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> Value {
        self.expect(status);
        assert!(
            self.content_type().starts_with("application/json"),
            "{}: an error should be JSON, got content type {:?}",
            self.request,
            self.content_type()
        );
        let body = self.json();
        let error = body.get("error").unwrap_or_else(|| panic!("{}: no `error` object in {}", self.request, self.text));
        assert_eq!(error["code"], code, "{}: wrong error code in {}", self.request, self.text);
        assert!(
            error["message"].as_str().is_some_and(|m| !m.trim().is_empty()),
            "{}: the error has no message: {}",
            self.request,
            self.text
        );
        body
    }

    /// Panics unless this is a 422 naming every one of `fields`; returns the `fields` object.
    #[track_caller]
    pub fn expect_invalid_fields(&self, fields: &[&str]) -> Value {
        let body = self.expect_error(422, "invalid_fields");
        let named = body["error"]["fields"].clone();
        for field in fields {
            assert!(
                named.get(*field).and_then(Value::as_str).is_some_and(|m| !m.is_empty()),
                "{}: the 422 should name the field {field:?}, it named {named}",
                self.request
            );
        }
        named
    }

    /// The value of the cookie `name` this response sets, if it sets one.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers.get_all("set-cookie").iter().find_map(|v| {
            let (pair, _) = v.to_str().ok()?.split_once(';').unwrap_or((v.to_str().ok()?, ""));
            let (k, value) = pair.split_once('=')?;
            (k.trim() == name).then(|| value.trim().to_owned())
        })
    }

    /// `X-Total-Count` as a number.
    #[track_caller]
    pub fn total_count(&self) -> i64 {
        self.header("x-total-count")
            .unwrap_or_else(|| panic!("{}: no X-Total-Count header", self.request))
            .parse()
            .unwrap_or_else(|e| panic!("{}: X-Total-Count is not a number: {e}", self.request))
    }
}

/// An API key made with the CLI.
#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: i64,
    pub key: String,
}

impl ApiKey {
    pub fn auth(&self) -> Auth {
        Auth::Key(self.key.clone())
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The PostgreSQL database of one server: created on start, dropped on drop.
struct PgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PgDatabase {
    fn create(admin_url: &str) -> PgDatabase {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("oxidesk_e2e_{}_{}", std::process::id(), n);
        psql(admin_url, &format!("DROP DATABASE IF EXISTS {name}"));
        psql(admin_url, &format!("CREATE DATABASE {name}"));
        PgDatabase { admin_url: admin_url.to_owned(), url: with_database(admin_url, &name), name }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let out = Command::new("psql")
            .arg(&self.admin_url)
            .args(["-v", "ON_ERROR_STOP=1", "-q", "-c"])
            .arg(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .stdin(Stdio::null())
            .output();
        match out {
            Ok(o) if o.status.success() => {}
            Ok(o) => eprintln!("warning: could not drop {}: {}", self.name, String::from_utf8_lossy(&o.stderr)),
            Err(e) => eprintln!("warning: could not run psql to drop {}: {e}", self.name),
        }
    }
}

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .arg(url)
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run psql (needed for TEST_DATABASE_URL): {e}"));
    assert!(
        out.status.success(),
        "psql {sql:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The same URL naming another database: `postgres://u:p@h:5432/db?x=y` → `…/name?x=y`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[after_scheme..].find('/').map(|i| i + after_scheme).unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Where the server binary is.
pub fn binary_path() -> PathBuf {
    if let Some(bin) = std::env::var_os("OXIDESK_BIN").filter(|v| !v.is_empty()) {
        return PathBuf::from(bin);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        let dir = if dir.is_absolute() { dir } else { workspace.join(dir) };
        let bin = dir.join("debug").join("oxidesk");
        if bin.exists() {
            return bin;
        }
    }
    workspace.join("target").join("debug").join("oxidesk")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0").local_addr().unwrap().port()
}

/// A running server with its own data.
pub struct TestServer {
    pub base_url: String,
    pub port: u16,
    bin: PathBuf,
    child: Option<Child>,
    log_path: PathBuf,
    database_url: Option<String>,
    client: Client,
    cookie_client: Client,
    /// The session of the administrator `admin_auth` made.
    admin: std::sync::OnceLock<String>,
    // Dropped after the child is killed (fields drop in order; Drop::drop kills first).
    pg: Option<PgDatabase>,
    data_dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server on SQLite, or on a fresh PostgreSQL database when `TEST_DATABASE_URL` is set.
    pub fn start() -> TestServer {
        TestServer::start_with_config("")
    }

    /// Starts a server whose data folder holds this `oxidesk.toml` (read by the server and the
    /// CLI), e.g. `login_attempts_per_minute = 1000`.
    pub fn start_with_config(config: &str) -> TestServer {
        let bin = binary_path();
        assert!(
            bin.exists(),
            "the server binary {} does not exist: run `cargo build -p oxidesk` or set OXIDESK_BIN",
            bin.display()
        );
        let data_dir = tempfile::Builder::new().prefix("oxidesk-e2e-").tempdir().expect("tempdir");
        let pg = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .map(|u| PgDatabase::create(u.trim()));
        let database_url = pg.as_ref().map(|p| p.url.clone());
        let log_path = data_dir.path().join("server.log");
        if !config.is_empty() {
            std::fs::write(data_dir.path().join("oxidesk.toml"), config).expect("write oxidesk.toml");
        }
        let client = Client::builder()
            .timeout(Duration::from_secs(180))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        let cookie_client = Client::builder()
            .timeout(Duration::from_secs(180))
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("http client");
        let server = TestServer {
            base_url: String::new(),
            port: 0,
            bin,
            child: None,
            log_path,
            database_url,
            client,
            cookie_client,
            admin: std::sync::OnceLock::new(),
            pg,
            data_dir,
        };
        server.started()
    }

    /// Starts the process; the free port may be taken between probing and binding: tries a few.
    fn started(mut self) -> TestServer {
        let mut last_error = String::new();
        for _ in 0..5 {
            match self.spawn_and_wait() {
                Ok(()) => return self,
                Err(e) => last_error = e,
            }
        }
        panic!("the server did not start: {last_error}");
    }

    fn spawn_and_wait(&mut self) -> Result<(), String> {
        let port = free_port();
        let log = File::create(&self.log_path).map_err(|e| e.to_string())?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;
        let mut cmd = self.command();
        cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}")]).stdin(Stdio::null()).stdout(log).stderr(log_err);
        let child = cmd.spawn().map_err(|e| format!("cannot run {}: {e}", self.bin.display()))?;
        self.child = Some(child);
        self.port = port;
        self.base_url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().map_err(|e| e.to_string())? {
                self.child = None;
                return Err(format!("the server exited ({status}) while starting; its log:\n{}", self.log()));
            }
            let probe = self.client.get(format!("{}/api/health", self.base_url)).timeout(Duration::from_secs(2)).send();
            if let Ok(r) = probe {
                if r.status().as_u16() == 200 {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                self.kill();
                return Err(format!("GET /api/health did not answer 200 within 30 s; server log:\n{}", self.log()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The binary with this server's data directory (and database), in a clean environment.
    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.bin);
        for (name, _) in std::env::vars_os() {
            let n = name.to_string_lossy();
            if n.starts_with("OXIDESK_") || n == "DATABASE_URL" {
                cmd.env_remove(&name);
            }
        }
        // No ./oxidesk.toml of the caller's may leak in.
        cmd.current_dir(self.data_dir.path());
        cmd.arg("--data-dir").arg(self.data_dir.path());
        if let Some(url) = &self.database_url {
            cmd.arg("--database-url").arg(url);
        }
        cmd
    }

    /// A second server on this one's database (PostgreSQL) with the same signing secret, as
    /// another replica behind a load balancer would be: a token of one works on the other.
    pub fn replica(&self) -> TestServer {
        assert!(self.database_url.is_some(), "replicas share a PostgreSQL database: set TEST_DATABASE_URL");
        let data_dir = tempfile::Builder::new().prefix("oxidesk-e2e-replica-").tempdir().expect("tempdir");
        for file in ["jwt_secret", "oxidesk.toml"] {
            let from = self.data_dir.path().join(file);
            if from.exists() {
                std::fs::copy(&from, data_dir.path().join(file)).expect("copy to the replica");
            }
        }
        TestServer {
            base_url: String::new(),
            port: 0,
            bin: self.bin.clone(),
            child: None,
            log_path: data_dir.path().join("server.log"),
            database_url: self.database_url.clone(),
            client: self.client.clone(),
            cookie_client: self.cookie_client.clone(),
            admin: std::sync::OnceLock::new(),
            pg: None,
            data_dir,
        }
        .started()
    }

    /// Opens `GET /api/events` (with `Last-Event-ID` when given); see [`open_events`].
    pub fn events(&self, auth: &Auth, last_event_id: Option<i64>) -> EventStream {
        let stream = open_events(&self.url("/api/events"), auth, last_event_id);
        stream.unwrap_or_else(|e| panic!("GET /api/events: {e}"))
    }

    /// Opens `GET /api/events` on a socket of its own and reads the answer's head: the socket
    /// while the stream is open (dropping it closes the stream), none when it was refused.
    pub fn hold_stream(&self, auth: &Auth) -> Option<TcpStream> {
        use std::io::{Read, Write};
        let credential = match auth {
            Auth::None => String::new(),
            Auth::Key(k) => format!("X-API-Key: {k}\r\n"),
            Auth::Bearer(t) => format!("Authorization: Bearer {t}\r\n"),
        };
        let mut socket = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let request = format!("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n{credential}\r\n");
        socket.write_all(request.as_bytes()).expect("send");
        let mut head = [0u8; 12];
        socket.read_exact(&mut head).expect("the answer's head");
        (&head == b"HTTP/1.1 200").then_some(socket)
    }

    /// Whether a stream held by [`TestServer::hold_stream`] says `event: bye` within ten seconds.
    pub fn says_bye(socket: &mut TcpStream) -> bool {
        use std::io::Read;
        socket.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("a read timeout");
        let mut heard = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = socket.read(&mut buf) {
            heard.extend_from_slice(&buf[..n]);
            if heard.windows(10).any(|w| w == b"event: bye") {
                return true;
            }
        }
        false
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// "postgres" or "sqlite".
    pub fn engine(&self) -> &'static str {
        if self.database_url.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    }

    /// What the server wrote so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Kills the server (SIGKILL: no shutdown of any kind, as a crash or power cut would) and starts
    /// it again on the same data, on a new port.
    pub fn crash_and_restart(&mut self) {
        self.kill();
        let mut last_error = String::new();
        for _ in 0..5 {
            match self.spawn_and_wait() {
                Ok(()) => return,
                Err(e) => last_error = e,
            }
        }
        panic!("the server did not start again: {last_error}");
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Runs the CLI with this server's data and returns what it did, whatever its exit status.
    pub fn cli_output(&self, args: &[&str], envs: &[(&str, &str)]) -> Output {
        let mut cmd = self.command();
        cmd.args(args).stdin(Stdio::null());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", self.bin.display()))
    }

    /// Runs the CLI with this server's data; panics unless it exits with success.
    #[track_caller]
    pub fn cli(&self, args: &[&str], envs: &[(&str, &str)]) -> Output {
        let out = self.cli_output(args, envs);
        assert!(
            out.status.success(),
            "oxidesk {args:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// `oxidesk admin create` with the password in `OXIDESK_ADMIN_PASSWORD`.
    pub fn admin_create(&self, username: &str, email: &str, password: &str) {
        self.cli(
            &["admin", "create", "--username", username, "--email", email],
            &[("OXIDESK_ADMIN_PASSWORD", password)],
        );
    }

    /// `oxidesk apikey create`; returns the key as printed (one line on stdout).
    pub fn apikey_create(&self, name: &str, scopes: &str, allow_ip: Option<&str>) -> String {
        self.apikey(name, scopes, allow_ip).key
    }

    /// `oxidesk apikey create`, with the key's id (from the CLI's message on stderr).
    pub fn apikey(&self, name: &str, scopes: &str, allow_ip: Option<&str>) -> ApiKey {
        let mut args = vec!["apikey", "create", "--name", name, "--scopes", scopes];
        if let Some(ip) = allow_ip {
            args.extend(["--allow-ip", ip]);
        }
        let out = self.cli(&args, &[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = stdout.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 1, "apikey create should print the key alone on stdout, printed {stdout:?}");
        let key = lines[0].to_owned();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let id = stderr
            .split_whitespace()
            .skip_while(|w| *w != "key")
            .nth(1)
            .and_then(|w| w.parse::<i64>().ok())
            .unwrap_or_else(|| self.apikey_id_by_name(name));
        ApiKey { id, key }
    }

    fn apikey_id_by_name(&self, name: &str) -> i64 {
        let out = self.cli(&["apikey", "list"], &[]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .skip(1)
            .find_map(|l| {
                let mut words = l.split_whitespace();
                let id = words.next()?.parse::<i64>().ok()?;
                (words.next()? == name).then_some(id)
            })
            .unwrap_or_else(|| panic!("no API key named {name:?} in `apikey list`"))
    }

    /// GET `path` until the key is refused: the server keeps checked keys for up to 2 s, so a
    /// revocation takes effect within that time. Returns the refusal (or the last answer).
    pub fn get_until_revoked(&self, path: &str, auth: &Auth) -> Resp {
        let start = std::time::Instant::now();
        loop {
            let r = self.get(path, auth);
            if r.status == 401 || start.elapsed() > std::time::Duration::from_secs(3) {
                return r;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// `oxidesk apikey revoke ID`.
    pub fn apikey_revoke(&self, id: i64) {
        self.cli(&["apikey", "revoke", &id.to_string()], &[]);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// The client without a cookie store.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The client that keeps cookies (for the refresh cookie of logins).
    pub fn cookie_client(&self) -> &Client {
        &self.cookie_client
    }

    /// Sends any request; `body` is sent as is with `content_type` when given. Every part of a
    /// request is an argument, so that attack tests can vary any one of them.
    #[allow(clippy::too_many_arguments)]
    pub fn send_with(
        &self,
        client: &Client,
        method: Method,
        path: &str,
        auth: &Auth,
        headers: &[(&str, &str)],
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Resp {
        let request = format!("{method} {path}");
        let mut rb = client.request(method, self.url(path));
        rb = match auth {
            Auth::None => rb,
            Auth::Key(k) => rb.header("X-API-Key", k),
            Auth::Bearer(t) => rb.header("Authorization", format!("Bearer {t}")),
        };
        for (k, v) in headers {
            rb = rb.header(*k, *v);
        }
        if let Some(ct) = content_type {
            rb = rb.header("Content-Type", ct);
        }
        if let Some(b) = body {
            rb = rb.body(b);
        }
        let response = rb.send().unwrap_or_else(|e| {
            panic!("{request}: no answer ({e}); the server log ends with:\n{}", tail(&self.log(), 40))
        });
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        // An event stream never ends by itself: its status and headers are the answer here
        // (`TestServer::events` reads one).
        let streaming = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/event-stream"));
        let text = if streaming {
            String::new()
        } else {
            response.text().unwrap_or_else(|e| panic!("{request}: cannot read the body: {e}"))
        };
        Resp { status, headers, text, request }
    }

    pub fn send(
        &self,
        method: Method,
        path: &str,
        auth: &Auth,
        headers: &[(&str, &str)],
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Resp {
        self.send_with(&self.client, method, path, auth, headers, content_type, body)
    }

    fn send_json(&self, method: Method, path: &str, auth: &Auth, body: &Value) -> Resp {
        let bytes = serde_json::to_vec(body).expect("serialise");
        self.send(method, path, auth, &[], Some("application/json"), Some(bytes))
    }

    pub fn get(&self, path: &str, auth: &Auth) -> Resp {
        self.send(Method::GET, path, auth, &[], None, None)
    }

    pub fn post_json(&self, path: &str, auth: &Auth, body: &Value) -> Resp {
        self.send_json(Method::POST, path, auth, body)
    }

    pub fn put_json(&self, path: &str, auth: &Auth, body: &Value) -> Resp {
        self.send_json(Method::PUT, path, auth, body)
    }

    pub fn delete_json(&self, path: &str, auth: &Auth, body: &Value) -> Resp {
        self.send_json(Method::DELETE, path, auth, body)
    }

    /// POST /api/auth/login.json with the cookie-keeping client.
    pub fn login(&self, username: &str, password: &str) -> Resp {
        let body = serde_json::to_vec(&json!({"username": username, "password": password})).unwrap();
        self.send_with(
            &self.cookie_client,
            Method::POST,
            "/api/auth/login.json",
            &Auth::None,
            &[],
            Some("application/json"),
            Some(body),
        )
    }

    /// Logs in and returns the access token; panics unless the login succeeds.
    #[track_caller]
    pub fn login_token(&self, username: &str, password: &str) -> String {
        let r = self.login(username, password);
        r.expect(200);
        r.json()["access_token"].as_str().unwrap_or_else(|| panic!("no access_token in {}", r.text)).to_owned()
    }

    /// GET /api/tickets.json/{number} as `auth`; panics unless 200.
    #[track_caller]
    pub fn ticket(&self, number: &str, auth: &Auth) -> Value {
        let r = self.get(&format!("/api/tickets.json/{number}"), auth);
        r.expect(200);
        r.json()
    }

    /// The server's own view of how many tickets exist (as seen by `auth`, a staff key).
    #[track_caller]
    pub fn ticket_total(&self, auth: &Auth) -> i64 {
        let r = self.get("/api/tickets.json?threads=false&per_page=1", auth);
        r.expect(200);
        r.total_count()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // A server that died by itself during the test crashed: say so (unless already failing).
        let crashed = match self.child.as_mut().map(|c| c.try_wait()) {
            Some(Ok(Some(status))) => Some(status.to_string()),
            _ => None,
        };
        self.kill();
        // The database goes after the server is gone (field order: pg before data_dir).
        self.pg.take();
        let log = self.log();
        if std::thread::panicking() {
            eprintln!("--- server log ({}) ---\n{}", self.engine(), tail(&log, 60));
            return;
        }
        if let Some(status) = crashed {
            panic!("the server exited by itself during the test ({status}); its log:\n{}", tail(&log, 80));
        }
        if log.contains("panicked at") {
            panic!("the server panicked during the test; its log:\n{}", tail(&log, 80));
        }
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A markdown table of a document of the workspace (`docs/…`), as the tests that walk one read it.
#[derive(Debug, Clone)]
pub struct DocTable {
    /// The header's cells.
    pub header: Vec<String>,
    /// Each row's cells, as many as the header's.
    pub rows: Vec<Vec<String>>,
}

impl DocTable {
    /// The first table of `docs/<name>` whose header's first cells are `first_cells`; cells are
    /// trimmed and lose their backticks (`\|` stands for a `|` inside a cell). Panics when there
    /// is no such table or a row has the wrong number of cells.
    pub fn read(name: &str, first_cells: &[&str]) -> DocTable {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("docs").join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let mut lines = text.lines().map(str::trim);
        let header = lines
            .by_ref()
            .filter(|l| l.starts_with('|'))
            .map(table_cells)
            .find(|cells| cells.len() >= first_cells.len() && cells.iter().zip(first_cells).all(|(c, f)| c == f))
            .unwrap_or_else(|| panic!("docs/{name} has no table whose header starts with {first_cells:?}"));
        let rows: Vec<Vec<String>> = lines
            .take_while(|l| l.starts_with('|'))
            .map(table_cells)
            .filter(|cells| !cells.iter().all(|c| !c.is_empty() && c.chars().all(|ch| ch == '-' || ch == ':')))
            .collect();
        for row in &rows {
            assert_eq!(
                row.len(),
                header.len(),
                "docs/{name}: this row has {} cells, the header {}: {row:?}",
                row.len(),
                header.len()
            );
        }
        DocTable { header, rows }
    }

    /// Where a column is, by its header.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

fn table_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').filter(|i| !i.ends_with('\\')).unwrap_or(inner);
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => cells.last_mut().unwrap().push(chars.next().unwrap()),
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().trim_matches('`').trim().to_owned()).collect()
}

/// `data:<mime>;base64,<bytes>`.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    use base64::Engine as _;
    format!("data:{mime};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The thread entries of a ticket.
pub fn threads(ticket: &Value) -> Vec<Value> {
    ticket["threads"].as_array().cloned().unwrap_or_else(|| panic!("the ticket has no threads array: {ticket}"))
}

/// The thread entries of one type ("M", "R", "N", "E").
pub fn entries_of(ticket: &Value, kind: &str) -> Vec<Value> {
    threads(ticket).into_iter().filter(|e| e["type"] == kind).collect()
}

/// What a rejected write must not change: the version, the status, the thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub version: Value,
    pub status_id: Value,
    pub subject: Value,
    pub priority_id: Value,
    pub topic_id: Value,
    pub assigned_to: Value,
    pub updated: Value,
    pub thread_ids: Vec<Value>,
    pub thread_bodies: Vec<Value>,
}

impl Snapshot {
    pub fn of(ticket: &Value) -> Snapshot {
        let t = threads(ticket);
        Snapshot {
            version: ticket["version"].clone(),
            status_id: ticket["statusId"].clone(),
            subject: ticket["subject"].clone(),
            priority_id: ticket["priority_id"].clone(),
            topic_id: ticket["topicId"].clone(),
            assigned_to: ticket["assigned_to"].clone(),
            updated: ticket["updated_timestamp"].clone(),
            thread_ids: t.iter().map(|e| e["id"].clone()).collect(),
            thread_bodies: t.iter().map(|e| e["body"].clone()).collect(),
        }
    }
}

/// A user a test made through the API.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub username: String,
    pub email: String,
}

impl TestServer {
    /// An administrator's session, the administrator made on first use (`oxidesk admin create`):
    /// who creates people with passwords, which no API key may choose.
    pub fn admin_auth(&self) -> Auth {
        let token = self.admin.get_or_init(|| {
            let password = "the e2e administrator's passphrase";
            self.admin_create("e2e-admin", "e2e-admin@example.com", password);
            self.login_token("e2e-admin", password)
        });
        Auth::Bearer(token.clone())
    }

    /// A user `username` (email `username@example.com`) of this level, made by `admin`.
    #[track_caller]
    pub fn create_person(&self, admin: &Auth, username: &str, level: i64, password: Option<&str>) -> Person {
        let email = format!("{username}@example.com");
        let body = json!({"username": username, "name": format!("{username} Person"), "email": email, "level": level, "password": password});
        let r = self.post_json("/api/users.json", admin, &body);
        r.expect(201);
        Person { id: r.json()["id"].as_i64().expect("user id"), username: username.to_owned(), email }
    }

    /// A ticket of `owner` filed by a staff key, with a text attachment when one is named (its
    /// content: "<username>'s file"); returns its number.
    #[track_caller]
    pub fn open_ticket_for(&self, staff: &Auth, owner: &Person, attachment: Option<&str>) -> String {
        let mut body =
            json!({"email": owner.email, "subject": format!("{}'s problem", owner.username), "message": "It broke"});
        if let Some(name) = attachment {
            body["attachments"] =
                json!([{ name: data_url("text/plain", format!("{}'s file", owner.username).as_bytes()) }]);
        }
        let r = self.post_json("/api/tickets.json", staff, &body);
        r.expect(201);
        r.text.trim().to_owned()
    }

    /// The id of the first attachment of the ticket's first entry.
    #[track_caller]
    pub fn first_attachment(&self, staff: &Auth, number: &str) -> i64 {
        let ticket = self.ticket(number, staff);
        threads(&ticket)[0]["attachments"][0]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no attachment on {number}: {ticket}"))
    }

    /// The ticket's state as a staff key sees it.
    #[track_caller]
    pub fn snapshot(&self, number: &str, staff: &Auth) -> Snapshot {
        Snapshot::of(&self.ticket(number, staff))
    }

    /// Panics unless the ticket is exactly as in `before`.
    #[track_caller]
    pub fn assert_unchanged(&self, number: &str, staff: &Auth, before: &Snapshot, what: &str) {
        let after = self.snapshot(number, staff);
        assert_eq!(&after, before, "{what}: a rejected request changed ticket {number}");
    }
}

/// The `oxidesk.toml` section that lets a server connect to the test mail servers on this machine
/// (scripts/mail.sh), which the outgoing policy refuses by default.
pub const ALLOW_LOOPBACK: &str = "[outbound]\nallow = [\"127.0.0.0/8\", \"::1/128\"]\n";

/// The state directory of the test mail servers (scripts/mail.sh: SMTP sinks and a dovecot on
/// 127.0.0.1), started when the tests run without OXIDESK_MAIL_TEST_DIR.
/// What `probe` finds, once it finds something: it is asked again every 50 ms, for up to 10 s
/// (work that a request starts after answering, like a reset mail, has happened by then).
#[track_caller]
pub fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(Instant::now() < deadline, "still not there after 10 s: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The token in the newest account mail to `recipient` that links to `page` (`/reset`,
/// `/confirm`). The outbox shows only `hidden-until-sent` where the token goes; the token is issued
/// when the mail leaves. So the administrator (`admin`, a person) points the desk at the shared test
/// SMTP sink, the server's worker delivers the mail, and the token is read from the mail that
/// arrived, found by its Message-ID (other tests share the sink).
#[track_caller]
pub fn mailed_token(server: &TestServer, admin: &Auth, recipient: &str, page: &str) -> String {
    let hidden = format!("{page}?token=hidden-until-sent");
    // A reset request queues its mail after answering: wait for it.
    let queued = |server: &TestServer| -> Value {
        eventually(&format!("a mail to {recipient} with {hidden}"), || {
            let outbox = server.get("/api/outbox.json?per_page=100", admin);
            outbox.expect(200);
            let mails = outbox.json();
            mails
                .as_array()
                .expect("mails")
                .iter()
                .find(|m| m["recipient"] == recipient && m["body"].as_str().is_some_and(|b| b.contains(&hidden)))
                .cloned()
        })
    };
    let id = queued(server)["id"].clone();
    let smtp = json!({"smtp_host": "127.0.0.1", "smtp_port": 10025, "smtp_security": "none", "from_address": "desk@desk.test"});
    server.put_json("/api/mail/settings.json", admin, &smtp).expect(200);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mail = loop {
        let mail = queued(server);
        assert_eq!(mail["id"], id, "a newer mail to {recipient} was queued meanwhile");
        match mail["status"].as_str() {
            Some("sent") => break mail,
            Some("failed") => panic!("the mail to {recipient} failed: {mail}"),
            _ if Instant::now() > deadline => panic!("the mail to {recipient} was not sent in 30 s: {mail}"),
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    let message_id = mail["message_id"].as_str().expect("a Message-ID").trim_matches(['<', '>']).to_owned();
    let sink = mail_test_dir().join("smtp-plain");
    let text = ["new", "cur"]
        .iter()
        .filter_map(|sub| std::fs::read_dir(sink.join(sub)).ok())
        .flatten()
        .flatten()
        .filter_map(|entry| std::fs::read(entry.path()).ok())
        .find_map(|raw| {
            let parsed = mail_parser::MessageParser::default().parse(&raw)?;
            (parsed.message_id() == Some(message_id.as_str())).then(|| parsed.body_text(0).map(|t| t.into_owned()))?
        })
        .unwrap_or_else(|| panic!("the mail <{message_id}> to {recipient} is not in {}", sink.display()));
    let marker = format!("{page}?token=");
    let start = text.rfind(&marker).expect("the link") + marker.len();
    text[start..].chars().take_while(char::is_ascii_alphanumeric).collect()
}

pub fn mail_test_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("OXIDESK_MAIL_TEST_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/mail.sh");
    let out = Command::new(&script).output().expect("run scripts/mail.sh");
    assert!(out.status.success(), "scripts/mail.sh failed: {}", String::from_utf8_lossy(&out.stderr));
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// A fresh mailbox on the test dovecot (any user, password "secret"), world-writable: dovecot's
/// mail processes run as nobody.
pub fn mailbox(user: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = mail_test_dir().join("dovecot/home").join(user).join("Maildir");
    for sub in ["", "tmp", "new", "cur"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::set_permissions(dir.join(sub), std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    std::fs::set_permissions(dir.parent().unwrap(), std::fs::Permissions::from_mode(0o777)).unwrap();
    dir
}

/// Delivers a mail into a mailbox as an MTA does: written under tmp/, renamed into new/.
pub fn deliver(maildir: &Path, n: usize, raw: &str) {
    let name = format!("{n:05}.{}.test", std::process::id());
    std::fs::write(maildir.join("tmp").join(&name), raw).unwrap();
    std::fs::rename(maildir.join("tmp").join(&name), maildir.join("new").join(&name)).unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_split_on_unescaped_pipes() {
        assert_eq!(table_cells("| `GET /a` | 200 |"), ["GET /a", "200"]);
        assert_eq!(table_cells(r"| a \| b | `x` |"), ["a | b", "x"]);
    }

    #[test]
    fn database_urls_are_rewritten_to_the_test_database() {
        assert_eq!(with_database("postgres://u:p@h:5432/db", "x"), "postgres://u:p@h:5432/x");
        assert_eq!(with_database("postgres://u:p@h/db?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}

/// Opens an event stream at `url` and reads it on a thread of its own: each `event:` with its
/// JSON `data:` arrives on the returned stream's channel. An error when it does not answer 200.
pub fn open_events(url: &str, auth: &Auth, last_event_id: Option<i64>) -> Result<EventStream, String> {
    let client = Client::builder().timeout(None).build().map_err(|e| e.to_string())?;
    let mut rb = client.get(url);
    rb = match auth {
        Auth::None => rb,
        Auth::Key(k) => rb.header("X-API-Key", k),
        Auth::Bearer(t) => rb.header("Authorization", format!("Bearer {t}")),
    };
    if let Some(id) = last_event_id {
        rb = rb.header("Last-Event-ID", id.to_string());
    }
    let response = rb.send().map_err(|e| e.to_string())?;
    if response.status().as_u16() != 200 {
        return Err(format!("HTTP {}", response.status()));
    }
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        let (mut event, mut data, mut id) = (String::new(), String::new(), None);
        for line in std::io::BufReader::new(response).lines() {
            let Ok(line) = line else { return };
            if line.is_empty() {
                if !event.is_empty() {
                    let value = serde_json::from_str(&data).unwrap_or(Value::Null);
                    let message = Event { name: std::mem::take(&mut event), id: id.take(), data: value };
                    if sender.send((Instant::now(), message)).is_err() {
                        return;
                    }
                }
                data.clear();
            } else if let Some(v) = line.strip_prefix("event: ") {
                event = v.to_owned();
            } else if let Some(v) = line.strip_prefix("data: ") {
                data.push_str(v);
            } else if let Some(v) = line.strip_prefix("id: ") {
                id = v.parse().ok();
            }
        }
    });
    Ok(EventStream { receiver })
}

/// One message of the event stream.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub id: Option<i64>,
    pub data: Value,
}

/// An open `GET /api/events`, read on its own thread (`TestServer::events`).
pub struct EventStream {
    /// Each message with when it was read.
    receiver: std::sync::mpsc::Receiver<(Instant, Event)>,
}

impl EventStream {
    /// The first message within `wait` for which `wanted` holds (the others are passed over).
    pub fn wait_for(&self, wait: Duration, wanted: impl Fn(&Event) -> bool) -> Option<Event> {
        self.arrival(wait, wanted).map(|(_, event)| event)
    }

    /// As [`EventStream::wait_for`], with the moment the message was read off the wire.
    pub fn arrival(&self, wait: Duration, wanted: impl Fn(&Event) -> bool) -> Option<(Instant, Event)> {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.receiver.recv_timeout(left) {
                Ok((at, event)) if wanted(&event) => return Some((at, event)),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }

    /// Every message that arrives within `wait`.
    pub fn collect(&self, wait: Duration) -> Vec<Event> {
        let deadline = Instant::now() + wait;
        let mut all = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.receiver.recv_timeout(left) {
                Ok((_, event)) => all.push(event),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => break,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        all
    }
}
