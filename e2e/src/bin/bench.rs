//! `bench`: the load benchmark of Oxidesk (see docs/PERFORMANCE.md). It prints figures; it never
//! fails on a timing.
//!
//! 1. seeds a fresh SQLite data folder with `oxidesk seed --tickets N` (timed) and creates an API key;
//! 2. starts `oxidesk serve` on a free loopback port;
//! 3. drives the scenarios with `wrk` (create, get, list, search, the desk list, counts, search by customer, the clients directory, its search, a client's tickets, sign-in), sampling the server's RSS every
//!    200 ms while each runs;
//! 4. prints a Markdown table of the figures next to the budgets.
//!
//! ```text
//! bench [--tickets N] [--seconds S] [--connections C] [--only NAME]…
//! OXIDESK_BIN=target/release/oxidesk target/release/bench
//! ```

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: bench [--tickets N] [--seconds S] [--connections C] [--only NAME]…
  --tickets N      tickets to seed before measuring (default 100000)
  --seconds S      duration of each scenario (default 15)
  --connections C  concurrent connections wrk keeps open (default 32)
  --only NAME      run only this scenario (create, get, list, search, \"desk list\", counts, live,
                   \"search customer\", clients, \"clients search\", \"client tickets\", sign-in);
                   may be given more than once
environment:
  OXIDESK_BIN      the server binary to measure (default <workspace>/target/release/oxidesk)";

/// wrk threads; the brief of the benchmark fixes it at 2 (one per core of the reference machine).
const WRK_THREADS: u32 = 2;
/// How long wrk waits for one response before counting a timeout. wrk's default (2 s) would drop
/// slow responses from the latency figures instead of showing them in the p99.
const WRK_TIMEOUT: &str = "10s";
const RSS_SAMPLE_EVERY: Duration = Duration::from_millis(200);
/// The JSON the create scenario posts (the same as e2e/bench/create.lua sends).
const CREATE_BODY: &str = r#"{"email":"bench@example.com","name":"Bench User","subject":"Printer on floor 2 jams","message":"It jams every morning.","topicId":1}"#;
/// The wrong sign-in the sign-in scenario sends (the same as e2e/bench/signin.lua).
const SIGNIN_BODY: &str = r#"{"username":"bench-guess","password":"not the password"}"#;
/// Variables that would point the server at other data or settings than the bench's own.
const FOREIGN_ENV: &[&str] =
    &["DATABASE_URL", "OXIDESK_DATABASE_URL", "OXIDESK_DATA_DIR", "OXIDESK_CONFIG", "OXIDESK_BIND", "OXIDESK_LOG"];

#[derive(Debug, Clone)]
struct Options {
    tickets: u64,
    seconds: u64,
    connections: u32,
    /// Run only the scenarios with these names (all when empty): a figure such as sign-in's peak
    /// memory without what the others leave behind.
    only: Vec<String>,
}

fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut options = Options { tickets: 100_000, seconds: 15, connections: 32, only: Vec::new() };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned()).ok_or_else(|| format!("{name} needs a value"));
        let number = |text: String| -> Result<u64, String> {
            text.trim()
                .replace('_', "")
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{name} needs a whole number above 0, not {text:?}"))
        };
        match name {
            "--tickets" => options.tickets = number(value()?)?,
            "--seconds" => options.seconds = number(value()?)?,
            "--connections" => {
                options.connections =
                    u32::try_from(number(value()?)?).map_err(|_| "--connections is too large".to_owned())?
            }
            "--only" => options.only.push(value()?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(options))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse_args(&args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("bench: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let Some(wrk) = find_in_path("wrk") else {
        eprintln!("bench: wrk was not found on PATH: install the Debian package wrk");
        return ExitCode::FAILURE;
    };
    match run(&options, &wrk) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn server_binary() -> PathBuf {
    match std::env::var_os("OXIDESK_BIN").filter(|v| !v.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => workspace_dir().join("target/release/oxidesk"),
    }
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

// ---------------------------------------------------------------------------------------------
// The run

fn run(options: &Options, wrk: &Path) -> Result<(), String> {
    let bin = server_binary();
    if !is_executable(&bin) {
        return Err(format!(
            "no server binary at {} (build it with `cargo build --release -p oxidesk`, or set OXIDESK_BIN)",
            bin.display()
        ));
    }
    // The server runs in the temporary folder, so a relative OXIDESK_BIN must be made absolute.
    let bin = fs::canonicalize(&bin).map_err(|e| format!("cannot resolve {}: {e}", bin.display()))?;
    let create_script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/create.lua");
    let signin_script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/signin.lua");
    for script in [&create_script, &signin_script] {
        if !script.is_file() {
            return Err(format!("the wrk script {} is missing", script.display()));
        }
    }

    println!("# Oxidesk load benchmark\n");
    print_context(options, &bin, wrk);

    let temp = tempfile::Builder::new()
        .prefix("oxidesk-bench-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let data = temp.path().join("data");
    let oxidesk = Oxidesk { bin: bin.clone(), data: data.clone(), cwd: temp.path().to_path_buf() };

    // 1. Seed and make a key.
    println!("## Setup\n");
    println!("- seeding {} tickets into {} …", group(options.tickets as f64), data.display());
    let started = Instant::now();
    let seeded = oxidesk.run(&["seed", "--tickets", &options.tickets.to_string()])?;
    let seed_time = started.elapsed();
    let seed_line = seeded.stderr.lines().rev().find(|l| l.contains("seeded")).unwrap_or("").trim().to_owned();
    println!(
        "- seeding took {:.1} s ({:.0} tickets/s){}",
        seed_time.as_secs_f64(),
        options.tickets as f64 / seed_time.as_secs_f64().max(1e-9),
        if seed_line.is_empty() { String::new() } else { format!(": {seed_line}") }
    );
    let db_file = data.join("oxidesk.db");
    if let Ok(meta) = fs::metadata(&db_file) {
        println!("- database file: {:.1} MB", meta.len() as f64 / 1_048_576.0);
    }
    let made = oxidesk.run(&["apikey", "create", "--name", "bench", "--scopes", "read,write,impersonate"])?;
    let key = made
        .stdout
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or_else(|| format!("`apikey create` printed no key; it said: {}", made.stderr.trim()))?
        .to_owned();

    // 2. Serve: the sign-in scenario measures hashing, not the limits that would answer 429.
    let limits = "login_attempts_per_minute = 100000000\nfailed_sign_ins_per_account = 100000000\n";
    fs::write(temp.path().join("oxidesk.toml"), limits).map_err(|e| format!("cannot write oxidesk.toml: {e}"))?;
    let port = free_port()?;
    let mut server = oxidesk.serve(port, &temp.path().join("server.log"))?;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    wait_healthy(&http, &base, &mut server)?;
    println!(
        "- server: pid {} on {base}, log in {} (removed with the folder at the end)",
        server.pid,
        server.log.display()
    );
    println!("- server RSS after start: {}", mb_text(rss_kb(server.pid)));

    // 3. One ticket number for the get scenario.
    let first = preflight(&http, &key, "GET", &format!("{base}/api/tickets.json?per_page=1&threads=false"), None)?;
    let first_ticket = serde_json::from_str::<serde_json::Value>(&first.body).ok().and_then(|v| v.get(0).cloned());
    let number = first_ticket
        .as_ref()
        .and_then(|t| t.get("ticket_number")?.as_str().map(str::to_owned))
        .ok_or_else(|| format!("no ticket number in the first page: {}", first.body))?;
    // The search by customer looks for this ticket's customer, as an agent types a name.
    let customer = first_ticket
        .as_ref()
        .and_then(|t| t.pointer("/user/fullname")?.as_str().map(str::to_owned))
        .ok_or_else(|| format!("no customer in the first page: {}", first.body))?;
    // The client scenario lists this ticket's client's tickets (every seeded customer has one).
    let client = first_ticket
        .as_ref()
        .and_then(|t| t.pointer("/client/id")?.as_i64())
        .ok_or_else(|| format!("no client on the first ticket: {}", first.body))?;
    println!("- tickets in the database: {}", first.total.as_deref().unwrap_or("?"));
    println!("- get scenario reads {number}; search by customer looks for {customer:?}");
    // The side bar's counts are computed on the first ask after a change and kept until the next
    // one (the "counts" scenario measures the kept answer): this is what a change costs.
    for ask in ["first ask: computed", "second ask: kept"] {
        let started = Instant::now();
        let counts = preflight(&http, &key, "GET", &format!("{base}/api/counts.json"), None)?;
        if counts.status != 200 {
            return Err(format!("GET /api/counts.json answered {}: {}", counts.status, counts.body));
        }
        println!("- counts at this size, {ask}: {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    }
    println!();

    // 4. The scenarios.
    let scenarios = [
        Scenario {
            name: "create",
            method: "POST",
            path: "/api/tickets.json".into(),
            script: Some(create_script),
            budget: Budget::MinRps(3_000.0),
            connections: None,
        },
        Scenario {
            name: "get",
            method: "GET",
            path: format!("/api/tickets.json/{number}"),
            script: None,
            budget: Budget::MinRps(15_000.0),
            connections: None,
        },
        Scenario {
            name: "list",
            method: "GET",
            path: "/api/tickets.json".into(),
            script: None,
            budget: Budget::MaxP99Ms(10.0),
            connections: None,
        },
        Scenario {
            name: "search",
            method: "GET",
            path: "/api/tickets.json?q=printer".into(),
            script: None,
            budget: Budget::MaxP99Ms(50.0),
            connections: None,
        },
        // Issue 14: the desk's own list (open and pending, sorted by a column it has to look up)
        // and a search by a customer's name (their tickets, and every ticket with the words).
        Scenario {
            name: "desk list",
            method: "GET",
            path: "/api/tickets.json?status=open,pending&sort=customer".into(),
            script: None,
            budget: Budget::MaxP99Ms(10.0),
            connections: None,
        },
        // The side bar's counts beside every list (issue 14), as kept between changes.
        Scenario {
            name: "counts",
            method: "GET",
            path: "/api/counts.json".into(),
            script: None,
            budget: Budget::MaxP99Ms(10.0),
            connections: None,
        },
        Scenario {
            name: "search customer",
            method: "GET",
            path: format!("/api/tickets.json?q={}", customer.replace(' ', "%20")),
            script: None,
            budget: Budget::MaxP99Ms(50.0),
            connections: None,
        },
        // Issue 16: the clients directory (a page by name, with each client's domains, primary
        // contact and open tickets), its search, and a client's tickets (the client page).
        Scenario {
            name: "clients",
            method: "GET",
            path: "/api/clients.json".into(),
            script: None,
            budget: Budget::MaxP99Ms(10.0),
            connections: None,
        },
        Scenario {
            name: "clients search",
            method: "GET",
            path: "/api/clients.json?q=logistics".into(),
            script: None,
            budget: Budget::MaxP99Ms(50.0),
            connections: None,
        },
        Scenario {
            name: "client tickets",
            method: "GET",
            path: format!("/api/tickets.json?client={client}&threads=false"),
            script: None,
            budget: Budget::MaxP99Ms(10.0),
            connections: None,
        },
        // Sixteen guessers at once (issue 13): memory must stay within the budget while the
        // server hashes their passwords. Every answer is a 401, counted in the errors column.
        Scenario {
            name: "sign-in",
            method: "POST",
            path: "/api/auth/login.json".into(),
            script: Some(signin_script),
            budget: Budget::PeakRssMb(RSS_BUDGET_MB),
            connections: Some(16),
        },
    ];
    println!("## Scenarios\n");
    let mut results = Vec::new();
    if let Some(unknown) =
        options.only.iter().find(|name| *name != LIVE && !scenarios.iter().any(|s| s.name == name.as_str()))
    {
        return Err(format!("--only {unknown:?}: no scenario has this name"));
    }
    let chosen = scenarios.iter().filter(|s| options.only.is_empty() || options.only.iter().any(|n| n == s.name));
    for scenario in chosen {
        let url = format!("{base}{}", scenario.path);
        let body = match (scenario.name, scenario.method) {
            ("sign-in", _) => Some(SIGNIN_BODY),
            (_, "POST") => Some(CREATE_BODY),
            _ => None,
        };
        let check = preflight(&http, &key, scenario.method, &url, body)?;
        println!(
            "### {} — {} {}\n\n- one request first: HTTP {}{}, {} bytes",
            scenario.name,
            scenario.method,
            scenario.path,
            check.status,
            check.total.as_ref().map(|t| format!(", X-Total-Count {t}")).unwrap_or_default(),
            check.body.len()
        );
        if !(200..300).contains(&check.status) {
            println!("- the server refused it: {}", short(&check.body, 300));
        }
        let cpu_before = CpuSnapshot::take(server.pid);
        let sampler = RssSampler::start(server.pid);
        let outcome = run_wrk(wrk, options, scenario, &url, &key);
        let peak_kb = sampler.finish();
        let cpu = CpuSnapshot::take(server.pid).since(&cpu_before);
        server.still_running()?;
        let outcome = outcome?;
        println!(
            "- {} requests in {} s, {} errors (non-2xx {}, socket errors {}), peak RSS {}",
            group(outcome.requests as f64),
            options.seconds,
            group(outcome.errors() as f64),
            outcome.non_2xx,
            outcome.socket_errors,
            mb_text(Some(peak_kb))
        );
        println!("- {}\n", cpu.describe(outcome.requests));
        println!("```text\n{}\n```\n", outcome.raw.trim_end());
        results.push(Measured { scenario, wrk: outcome, peak_rss_kb: peak_kb, cpu });
    }

    // 5. Live updates: a customer's reply, until an agent's open list shows it.
    if options.only.is_empty() || options.only.iter().any(|n| n == LIVE) {
        let customer_id = first_ticket
            .as_ref()
            .and_then(|t| t.pointer("/user/id")?.as_i64())
            .ok_or_else(|| format!("no customer id in the first page: {}", first.body))?;
        measure_live(&http, &base, &key, &number, customer_id)?;
        server.still_running()?;
    }

    // 6. The table.
    print_table(&results, options, seed_time);
    drop(server);
    Ok(())
}

/// The live-updates measurement's name for `--only`.
const LIVE: &str = "live";
/// Replies measured one after another.
const LIVE_SAMPLES: usize = 40;

/// Time from a customer's reply (the `PUT` sent) to the agents' event stream delivering it, and to
/// the agent's open list (`status=open,pending`, newest first) having read it again, as the desk
/// does on the event: the issue's "≤ 1 s" target. Replies go one after another, not under load.
fn measure_live(
    http: &reqwest::blocking::Client,
    base: &str,
    key: &str,
    number: &str,
    customer_id: i64,
) -> Result<(), String> {
    let auth = oxidesk_e2e::Auth::Key(key.to_owned());
    let stream = oxidesk_e2e::open_events(&format!("{base}/api/events"), &auth, None)?;
    let list = format!("{base}/api/tickets.json?status=open,pending&sort=-updated&per_page=25&threads=false");
    let (mut to_event, mut to_list) = (Vec::new(), Vec::new());
    for i in 0..LIVE_SAMPLES {
        let started = Instant::now();
        let reply = http
            .put(format!("{base}/api/tickets.json/{number}"))
            .header("X-API-Key", key)
            .json(&serde_json::json!({"message": format!("Any news? ({i})"), "user_id": customer_id}))
            .send()
            .map_err(|e| format!("live: the reply failed: {e}"))?;
        if !reply.status().is_success() {
            return Err(format!("live: the reply was refused: HTTP {}", reply.status()));
        }
        let (heard, _) = stream
            .arrival(Duration::from_secs(10), |e| e.data["kind"] == "ticket.message" && e.data["ticket"] == number)
            .ok_or("live: the event stream did not deliver the reply within 10 s")?;
        let page =
            http.get(&list).header("X-API-Key", key).send().map_err(|e| format!("live: the list failed: {e}"))?;
        let text = page.text().map_err(|e| format!("live: the list failed: {e}"))?;
        if !text.contains(number) {
            return Err(format!("live: the open list does not show {number} after its reply"));
        }
        to_event.push(heard.duration_since(started).as_secs_f64() * 1000.0);
        to_list.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let describe = |samples: &mut Vec<f64>| {
        samples.sort_by(f64::total_cmp);
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        format!("p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms", at(0.5), at(0.95), at(1.0))
    };
    println!(
        "### live — a customer's reply until an agent's open list shows it
"
    );
    println!("- {LIVE_SAMPLES} replies to {number}, one after another, the stream open as an agent (a key)");
    println!("- reply sent → event delivered: {}", describe(&mut to_event));
    println!(
        "- reply sent → open list read again: {} (target ≤ 1,000 ms)
",
        describe(&mut to_list)
    );
    Ok(())
}

fn print_context(options: &Options, bin: &Path, wrk: &Path) {
    let cpus = thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, m)| m.trim().to_owned()))
        .unwrap_or_else(|| "unknown".into());
    let mem = fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:").map(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok()))
        .flatten()
        .map(|kb| format!("{:.1} GB", kb / 1_048_576.0))
        .unwrap_or_else(|| "unknown".into());
    let date = command_line_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "unknown".into());
    let kernel = command_line_of("uname", &["-sr"]).unwrap_or_else(|| "unknown".into());
    let version = command_line_of(&bin.to_string_lossy(), &["--version"]).unwrap_or_else(|| "unknown".into());
    let wrk_version = Command::new(wrk)
        .arg("-v")
        .output()
        .ok()
        .and_then(|o| {
            let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
            text.lines().find(|l| l.starts_with("wrk ")).map(|l| l.trim().to_owned())
        })
        .unwrap_or_else(|| "wrk (version unknown)".into());
    let commit = commit_text();
    let built = command_line_of("date", &["-u", "-r", &bin.to_string_lossy(), "+%Y-%m-%d %H:%M UTC"])
        .map(|t| format!(", built {t}"))
        .unwrap_or_default();
    let mut command = format!("OXIDESK_BIN={}", shell_quote(&bin.to_string_lossy()));
    for arg in std::env::args() {
        command.push(' ');
        command.push_str(&shell_quote(&arg));
    }
    println!("- date: {date}");
    println!("- machine: {cpus} CPUs (nproc), {model}, {mem} RAM, {kernel}");
    println!("- load average at start: {}", load_average());
    let idle_check = CpuSnapshot::take(std::process::id());
    thread::sleep(Duration::from_secs(1));
    let idle_check = CpuSnapshot::take(std::process::id()).since(&idle_check);
    if idle_check.machine_total > 0 {
        println!(
            "- CPU busy during the second before the run (other work on the machine): {:.0}%",
            100.0 * idle_check.machine_busy as f64 / idle_check.machine_total as f64
        );
    }
    println!("- server: {} ({version}{built}{commit}), SQLite", bin.display());
    println!("- load generator: {wrk_version}, {WRK_THREADS} threads, {} connections, {} s per scenario, timeout {WRK_TIMEOUT}, same machine", options.connections, options.seconds);
    println!("- command: `{command}`\n");
}

fn commit_text() -> String {
    let dir = workspace_dir();
    let dir = dir.to_string_lossy();
    let Some(head) = command_line_of("git", &["-C", &dir, "rev-parse", "--short", "HEAD"]) else {
        return String::new();
    };
    let dirty = Command::new("git")
        .args(["-C", &dir, "status", "--porcelain", "--untracked-files=no"])
        .output()
        .ok()
        .is_some_and(|o| !o.stdout.is_empty());
    format!(", workspace now at commit {head}{}", if dirty { " with uncommitted changes" } else { "" })
}

/// The first line a command prints, if it runs and succeeds.
fn command_line_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).stdin(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).lines().next().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty())
}

fn shell_quote(text: &str) -> String {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+".contains(c)) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

fn short(text: &str, max: usize) -> String {
    let t: String = text.chars().take(max).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}

// ---------------------------------------------------------------------------------------------
// The server

struct Oxidesk {
    bin: PathBuf,
    data: PathBuf,
    cwd: PathBuf,
}

struct CommandOutput {
    stdout: String,
    stderr: String,
}

impl Oxidesk {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.arg("--data-dir").arg(&self.data).args(args).current_dir(&self.cwd).stdin(Stdio::null());
        for name in FOREIGN_ENV {
            cmd.env_remove(name);
        }
        cmd
    }

    fn run(&self, args: &[&str]) -> Result<CommandOutput, String> {
        let out = self.command(args).output().map_err(|e| format!("cannot run {}: {e}", self.bin.display()))?;
        let output = CommandOutput {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        if !out.status.success() {
            return Err(format!(
                "`oxidesk {}` failed ({}):\n{}{}",
                args.join(" "),
                out.status,
                output.stdout,
                output.stderr
            ));
        }
        Ok(output)
    }

    fn serve(&self, port: u16, log: &Path) -> Result<Server, String> {
        let file = fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = file.try_clone().map_err(|e| format!("cannot reopen {}: {e}", log.display()))?;
        let child = self
            .command(&["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(file)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.bin.display()))?;
        Ok(Server { pid: child.id(), child, log: log.to_path_buf() })
    }
}

/// The running server. Dropping it kills this child (and only it), also when the bench fails.
struct Server {
    child: Child,
    pid: u32,
    log: PathBuf,
}

impl Server {
    fn still_running(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!("the server exited ({status}); its log:\n{}", self.log_tail())),
            Err(e) => Err(format!("cannot check the server process: {e}")),
        }
    }

    fn log_tail(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot find a free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| format!("cannot find a free port: {e}"))
}

fn wait_healthy(http: &reqwest::blocking::Client, base: &str, server: &mut Server) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = http.get(format!("{base}/api/health")).timeout(Duration::from_secs(2)).send() {
            if r.status().as_u16() == 200 {
                return Ok(());
            }
        }
        if let Err(e) = server.still_running() {
            return Err(format!("the server did not start: {e}"));
        }
        if Instant::now() > deadline {
            return Err(format!("GET /api/health did not answer 200 within 60 s; server log:\n{}", server.log_tail()));
        }
        thread::sleep(Duration::from_millis(100));
    }
}

struct Checked {
    status: u16,
    total: Option<String>,
    body: String,
}

/// One request before the load, so that a scenario that would only measure errors says why.
fn preflight(
    http: &reqwest::blocking::Client,
    key: &str,
    method: &str,
    url: &str,
    json_body: Option<&str>,
) -> Result<Checked, String> {
    let mut request = match method {
        "POST" => http.post(url),
        _ => http.get(url),
    }
    .header("X-API-Key", key);
    if let Some(body) = json_body {
        request = request.header("Content-Type", "application/json").body(body.to_owned());
    }
    let response = request.send().map_err(|e| format!("{method} {url}: {e}"))?;
    let status = response.status().as_u16();
    let total = response.headers().get("X-Total-Count").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.text().map_err(|e| format!("{method} {url}: {e}"))?;
    Ok(Checked { status, total, body })
}

// ---------------------------------------------------------------------------------------------
// RSS

fn rss_kb(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn mb_text(kb: Option<u64>) -> String {
    kb.map(|kb| format!("{:.1} MB", kb as f64 / 1024.0)).unwrap_or_else(|| "unknown".into())
}

/// Samples VmRSS of a process every 200 ms on its own thread until finished; keeps the peak (kB).
struct RssSampler {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<u64>,
}

impl RssSampler {
    fn start(pid: u32) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = thread::spawn(move || {
            let mut peak = 0;
            loop {
                peak = peak.max(rss_kb(pid).unwrap_or(0));
                if flag.load(Ordering::Relaxed) {
                    return peak;
                }
                thread::sleep(RSS_SAMPLE_EVERY);
            }
        });
        RssSampler { stop, handle }
    }

    fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or(0)
    }
}

// ---------------------------------------------------------------------------------------------
// CPU: how busy the machine was during a scenario, and how much of it was the server. The rest is
// wrk itself and whatever else runs on the machine (compare with the load average at start).

#[derive(Debug, Clone, Copy, Default)]
struct CpuSnapshot {
    /// All CPUs, in clock ticks (USER_HZ) since boot, from /proc/stat.
    machine_total: u64,
    machine_busy: u64,
    /// The server's user + system time, in the same ticks, from /proc/PID/stat.
    server: u64,
}

impl CpuSnapshot {
    fn take(pid: u32) -> CpuSnapshot {
        let mut snap = CpuSnapshot::default();
        if let Some(line) = fs::read_to_string("/proc/stat").ok().and_then(|s| s.lines().next().map(str::to_owned)) {
            let fields: Vec<u64> = line.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
            // user nice system idle iowait irq softirq steal (guest time is already in user).
            let total: u64 = fields.iter().take(8).sum();
            let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
            snap.machine_total = total;
            snap.machine_busy = total.saturating_sub(idle);
        }
        if let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) {
            // After "pid (comm) ": state is field 3, utime 14 and stime 15.
            if let Some((_, rest)) = stat.rsplit_once(") ") {
                let fields: Vec<&str> = rest.split_whitespace().collect();
                let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
                snap.server = tick(11) + tick(12);
            }
        }
        snap
    }

    fn since(&self, before: &CpuSnapshot) -> CpuSnapshot {
        CpuSnapshot {
            machine_total: self.machine_total.saturating_sub(before.machine_total),
            machine_busy: self.machine_busy.saturating_sub(before.machine_busy),
            server: self.server.saturating_sub(before.server),
        }
    }

    fn describe(&self, requests: u64) -> String {
        if self.machine_total == 0 {
            return "CPU use unknown".into();
        }
        let share = |ticks: u64| 100.0 * ticks as f64 / self.machine_total as f64;
        let per_request = if requests > 0 {
            format!(
                ", {:.2} ms of server CPU per request",
                self.server as f64 * 1000.0 / clock_ticks_per_second() / requests as f64
            )
        } else {
            String::new()
        };
        format!(
            "CPU of all cores: {:.0}% busy, of which the server {:.0}% and wrk plus everything else {:.0}%{per_request}",
            share(self.machine_busy),
            share(self.server),
            share(self.machine_busy.saturating_sub(self.server)),
        )
    }
}

fn clock_ticks_per_second() -> f64 {
    command_line_of("getconf", &["CLK_TCK"]).and_then(|t| t.parse().ok()).filter(|t: &f64| *t > 0.0).unwrap_or(100.0)
}

// ---------------------------------------------------------------------------------------------
// wrk

#[derive(Debug, Clone, Copy)]
enum Budget {
    MinRps(f64),
    MaxP99Ms(f64),
    PeakRssMb(f64),
}

struct Scenario {
    name: &'static str,
    method: &'static str,
    path: String,
    script: Option<PathBuf>,
    budget: Budget,
    /// wrk's connections for this scenario, when not `--connections`.
    connections: Option<u32>,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct WrkOutcome {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    non_2xx: u64,
    socket_errors: u64,
    raw: String,
}

impl WrkOutcome {
    fn errors(&self) -> u64 {
        self.non_2xx + self.socket_errors
    }
}

struct Measured<'a> {
    scenario: &'a Scenario,
    wrk: WrkOutcome,
    peak_rss_kb: u64,
    cpu: CpuSnapshot,
}

fn run_wrk(wrk: &Path, options: &Options, scenario: &Scenario, url: &str, key: &str) -> Result<WrkOutcome, String> {
    let connections = scenario.connections.unwrap_or(options.connections);
    let threads = WRK_THREADS.min(connections);
    let mut cmd = Command::new(wrk);
    cmd.arg("--latency")
        .args(["-t", &threads.to_string()])
        .args(["-c", &connections.to_string()])
        .args(["-d", &format!("{}s", options.seconds)])
        .args(["--timeout", WRK_TIMEOUT])
        .env("OXIDESK_BENCH_KEY", key)
        .stdin(Stdio::null());
    match &scenario.script {
        Some(script) => {
            cmd.arg("-s").arg(script);
        }
        None => {
            cmd.args(["-H", &format!("X-API-Key: {key}")]);
        }
    }
    cmd.arg(url);
    let out = cmd.output().map_err(|e| format!("cannot run wrk: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        return Err(format!("wrk failed for {} ({}):\n{stdout}{stderr}", scenario.name, out.status));
    }
    parse_wrk(&stdout).map_err(|e| format!("cannot read wrk's output for {} ({e}):\n{stdout}{stderr}", scenario.name))
}

/// Reads wrk's `--latency` report.
fn parse_wrk(text: &str) -> Result<WrkOutcome, String> {
    let mut out = WrkOutcome { raw: text.to_owned(), ..Default::default() };
    let (mut rps, mut p50, mut p99, mut requests) = (None, None, None, None);
    let mut in_distribution = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("Latency Distribution") {
            in_distribution = true;
            continue;
        }
        if in_distribution {
            let mut words = line.split_whitespace();
            match (words.next(), words.next()) {
                (Some("50%"), Some(v)) => p50 = Some(duration_ms(v)?),
                (Some("99%"), Some(v)) => p99 = Some(duration_ms(v)?),
                (Some(w), _) if w.ends_with('%') => {}
                _ => in_distribution = false,
            }
            if in_distribution {
                continue;
            }
        }
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            rps = Some(v.trim().parse::<f64>().map_err(|_| format!("bad Requests/sec {v:?}"))?);
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            out.non_2xx = v.trim().parse().map_err(|_| format!("bad non-2xx count {v:?}"))?;
        } else if let Some(v) = line.strip_prefix("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            for part in v.split(',') {
                let n = part.split_whitespace().last().unwrap_or("0");
                out.socket_errors += n.parse::<u64>().map_err(|_| format!("bad socket errors {v:?}"))?;
            }
        } else if let Some((n, _)) = line.split_once(" requests in ") {
            requests = Some(n.trim().parse::<u64>().map_err(|_| format!("bad request count {n:?}"))?);
        }
    }
    out.rps = rps.ok_or("no Requests/sec line")?;
    out.p50_ms = p50.ok_or("no 50% latency line (was --latency given?)")?;
    out.p99_ms = p99.ok_or("no 99% latency line")?;
    out.requests = requests.ok_or("no \"N requests in\" line")?;
    Ok(out)
}

/// wrk prints durations as `812.00us`, `4.25ms`, `1.02s`, `1.50m` or `2.00h`.
fn duration_ms(text: &str) -> Result<f64, String> {
    let split = text.find(|c: char| c.is_ascii_alphabetic()).ok_or_else(|| format!("no unit in {text:?}"))?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().map_err(|_| format!("bad duration {text:?}"))?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return Err(format!("unknown unit in {text:?}")),
    };
    Ok(value * factor)
}

// ---------------------------------------------------------------------------------------------
// The report

const RSS_BUDGET_MB: f64 = 100.0;

/// "met", or by how much the figure misses the budget, in percent of the budget.
fn verdict(actual: f64, budget: f64, higher_is_better: bool) -> String {
    let miss = if higher_is_better { (budget - actual) / budget } else { (actual - budget) / budget };
    if miss <= 0.0 {
        "met".into()
    } else {
        format!("missed by {}%", percent(miss * 100.0))
    }
}

fn percent(p: f64) -> String {
    if p < 10.0 {
        format!("{p:.1}")
    } else {
        format!("{p:.0}")
    }
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2}")
    } else if v < 1000.0 {
        format!("{v:.1}")
    } else {
        group(v)
    }
}

/// 12345.6 → "12,346".
fn group(v: f64) -> String {
    let digits = format!("{:.0}", v.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn print_table(results: &[Measured<'_>], options: &Options, seed_time: Duration) {
    println!("## Results\n");
    println!(
        "{} seeded tickets (seeding took {:.1} s), {} connections, {} s per scenario.\n",
        group(options.tickets as f64),
        seed_time.as_secs_f64(),
        options.connections,
        options.seconds
    );
    println!("| scenario | req/s | p50 ms | p99 ms | errors | peak RSS MB | budget | result |");
    println!("|---|---:|---:|---:|---:|---:|---|---|");
    let mut peak_kb = 0;
    for m in results {
        peak_kb = peak_kb.max(m.peak_rss_kb);
        let (budget, result) = match m.scenario.budget {
            Budget::MinRps(b) => (format!("≥ {} req/s", group(b)), verdict(m.wrk.rps, b, true)),
            Budget::MaxP99Ms(b) => (format!("p99 ≤ {} ms", group(b)), verdict(m.wrk.p99_ms, b, false)),
            Budget::PeakRssMb(b) => {
                (format!("RSS ≤ {} MB", group(b)), verdict(m.peak_rss_kb as f64 / 1024.0, b, false))
            }
        };
        println!(
            "| {} | {} | {} | {} | {} | {:.1} | {budget} | {result} |",
            m.scenario.name,
            group(m.wrk.rps),
            ms(m.wrk.p50_ms),
            ms(m.wrk.p99_ms),
            group(m.wrk.errors() as f64),
            m.peak_rss_kb as f64 / 1024.0,
        );
    }
    let peak_mb = peak_kb as f64 / 1024.0;
    println!(
        "| all (server peak) | | | | | {peak_mb:.1} | RSS ≤ {RSS_BUDGET_MB:.0} MB | {} |",
        verdict(peak_mb, RSS_BUDGET_MB, false)
    );
    println!();
    let per_request: Vec<String> = results
        .iter()
        .filter(|m| m.wrk.requests > 0)
        .map(|m| {
            let ms = m.cpu.server as f64 * 1000.0 / clock_ticks_per_second() / m.wrk.requests as f64;
            format!("{} {ms:.2} ms", m.scenario.name)
        })
        .collect();
    println!("Server CPU per request: {}.", per_request.join(", "));
    println!(
        "errors = responses other than 2xx/3xx plus socket errors (connect, read, write, timeout) as wrk counts them."
    );
    println!("Peak RSS is the largest VmRSS of the server process sampled every 200 ms during the scenario.");
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Running 3s test @ http://127.0.0.1:4000/api/tickets.json
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.12ms    2.01ms  30.00ms   80.00%
    Req/Sec     3.10k   200.00     3.50k    70.00%
  Latency Distribution
     50%  812.00us
     75%    6.00ms
     90%    7.50ms
     99%    1.20s
  18500 requests in 3.00s, 10.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 5
  Non-2xx or 3xx responses: 12
Requests/sec:   6160.25
Transfer/sec:      3.33MB
";

    #[test]
    fn reads_wrk_output() {
        let out = parse_wrk(SAMPLE).unwrap();
        assert_eq!(out.rps, 6160.25);
        assert!((out.p50_ms - 0.812).abs() < 1e-9);
        assert_eq!(out.p99_ms, 1200.0);
        assert_eq!(out.requests, 18500);
        assert_eq!(out.non_2xx, 12);
        assert_eq!(out.socket_errors, 6);
        assert_eq!(out.errors(), 18);
    }

    #[test]
    fn clean_run_has_no_errors() {
        let text = SAMPLE
            .replace("  Socket errors: connect 0, read 1, write 0, timeout 5\n", "")
            .replace("  Non-2xx or 3xx responses: 12\n", "");
        assert_eq!(parse_wrk(&text).unwrap().errors(), 0);
        assert!(parse_wrk("Requests/sec: 1\n").is_err());
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(3_500.0, 3_000.0, true), "met");
        assert_eq!(verdict(1_500.0, 3_000.0, true), "missed by 50%");
        assert_eq!(verdict(10.5, 10.0, false), "missed by 5.0%");
        assert_eq!(verdict(9.0, 10.0, false), "met");
        assert_eq!(group(15_000.4), "15,000");
        assert_eq!(group(999.0), "999");
    }

    #[test]
    fn arguments() {
        let args = |a: &[&str]| parse_args(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let o = args(&["--tickets", "2000", "--seconds=3"]).unwrap().unwrap();
        assert_eq!((o.tickets, o.seconds, o.connections), (2000, 3, 32));
        assert!(args(&["--tickets"]).is_err());
        assert!(args(&["--seconds", "0"]).is_err());
        assert!(args(&["--help"]).unwrap().is_none());
    }
}
