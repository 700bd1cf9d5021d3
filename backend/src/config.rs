//! Settings, loaded once: command-line flags, then `OXIDESK_*` variables (clap reads both), then
//! `oxidesk.toml`, then defaults. `DATABASE_URL` is honoured too, so `DATABASE_URL=postgres://…`
//! switches to PostgreSQL as most tools expect.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ipnet::IpNet;
use serde::Deserialize;

use crate::cli::GlobalArgs;
use crate::core::http::limits::BodyTimes;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "data";
const DEFAULT_CONFIG_FILE: &str = "oxidesk.toml";

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// Largest attachment accepted, in bytes (after decoding).
    pub max_attachment_bytes: usize,
    /// Lifetime of an access token, in seconds.
    pub access_token_ttl_secs: i64,
    pub refresh_token_ttl_days: i64,
    pub pool_size: u32,
    pub workers: usize,
    /// Login attempts allowed per client address per minute.
    pub login_attempts_per_minute: u32,
    /// Failed sign-ins an account takes from unknown devices in 15 minutes before those devices
    /// must wait (a device the person signed in from before is not held back).
    pub failed_sign_ins_per_account: u32,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed: the client
    /// address of a request from one of them is the one it forwarded for. Empty (the default):
    /// the TCP peer is the client, whatever a header says.
    pub trusted_proxies: Vec<IpNet>,
    /// A request body must keep arriving (no pause longer than `idle`) and be complete within
    /// `total` (core::http::limits).
    pub body_times: BodyTimes,
    /// Requests one client address may have in progress at once.
    pub requests_in_flight_per_address: u32,
    /// The address people reach the desk at, for links in mail (never taken from a request's
    /// Host header, which an attacker chooses). Default: http:// and the bind address.
    pub public_url: String,
    /// Web origins (`https://intranet.example.com`) whose pages may call the API from the
    /// browser. Empty (the default): no cross-origin calls.
    pub cors_origins: Vec<String>,
    /// Sign-in through an LDAP / Active Directory server, when `[ldap]` is set.
    pub ldap: Option<LdapConfig>,
    /// Mail delivery and fetching; the servers and accounts are settings (`mail::settings`).
    pub mail: MailConfig,
    /// The job worker (`core::jobs`).
    pub jobs: JobsConfig,
    /// Where the desk may connect out to (`core::net`), from `[outbound]` in `oxidesk.toml` only:
    /// the API can set a mail server's host, but never widen this.
    pub outbound: OutboundConfig,
}

/// `[outbound]`: the networks the administrator opened to outgoing connections (mail servers now,
/// webhooks later) besides the public internet. Empty by default: loopback, private, link-local
/// and the other special addresses are refused (`core::net::address`).
#[derive(Debug, Clone, Default)]
pub struct OutboundConfig {
    /// `10.1.0.0/16`, `127.0.0.0/8`, `fd12::/64`, or one address (`192.0.2.7`, taken as /32).
    pub allow: Vec<ipnet::IpNet>,
}

/// `[outbound]` as written in `oxidesk.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOutbound {
    #[serde(default)]
    allow: Vec<String>,
}

impl FileOutbound {
    fn check(self) -> Result<OutboundConfig, ConfigError> {
        let allow = self
            .allow
            .iter()
            .map(|text| {
                network(text).map(|net| net.trunc()).ok_or_else(|| ConfigError::Outbound(text.trim().to_owned()))
            })
            .collect::<Result<_, _>>()?;
        Ok(OutboundConfig { allow })
    }
}

/// How this process runs jobs, from `[jobs]` in `oxidesk.toml`. Which kinds it runs is each
/// kind's own switch (mail delivery: `[mail] worker`).
#[derive(Debug, Clone)]
pub struct JobsConfig {
    /// How often the worker looks for due jobs. `[jobs] poll_ms`, or its older name `[mail] poll_ms`.
    pub poll: Duration,
}

impl Default for JobsConfig {
    fn default() -> JobsConfig {
        JobsConfig { poll: Duration::from_secs(2) }
    }
}

/// `[jobs]` as written in `oxidesk.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileJobs {
    poll_ms: Option<u64>,
}

/// How this process takes part in mail, from `[mail]` in `oxidesk.toml`.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// Deliver the outbox (the `mail.send` jobs) and fetch IMAP here. Several replicas may all do
    /// it: they never take the same mail. Off for a replica that should only answer requests.
    pub worker: bool,
    /// A PEM file of certificates to trust for SMTP and IMAP besides the system's (a private CA,
    /// or a self-signed server).
    pub ca_file: Option<PathBuf>,
    /// The first retry waits this long; each next one twice as long, up to an hour.
    pub retry_base: Duration,
    /// Time allowed to connect to a mail server and for each of its answers.
    pub timeout: Duration,
    /// The authserv-ids (RFC 8601) of the receiving mail servers whose `Authentication-Results`
    /// the desk believes (`mail::trust`), lowercase. Empty: only reply tokens verify mail.
    pub trusted_authserv_ids: Vec<String>,
}

impl Default for MailConfig {
    fn default() -> MailConfig {
        MailConfig {
            worker: true,
            ca_file: None,
            retry_base: Duration::from_secs(30),
            timeout: Duration::from_secs(30),
            trusted_authserv_ids: Vec::new(),
        }
    }
}

/// `[mail]` as written in `oxidesk.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMail {
    worker: Option<bool>,
    ca_file: Option<PathBuf>,
    poll_ms: Option<u64>,
    retry_base_secs: Option<u64>,
    timeout_secs: Option<u64>,
    trusted_authserv_ids: Option<Vec<String>>,
}

impl FileMail {
    fn check(self) -> Result<MailConfig, ConfigError> {
        let d = MailConfig::default();
        let positive = |v: Option<u64>, name, default: Duration, unit: fn(u64) -> Duration| match v {
            Some(0) => Err(ConfigError::Zero(name)),
            Some(n) => Ok(unit(n)),
            None => Ok(default),
        };
        Ok(MailConfig {
            worker: self.worker.unwrap_or(d.worker),
            ca_file: env_or("OXIDESK_MAIL_CA_FILE", self.ca_file.map(|p| p.display().to_string())).map(PathBuf::from),
            retry_base: positive(self.retry_base_secs, "[mail] retry_base_secs", d.retry_base, Duration::from_secs)?,
            timeout: positive(self.timeout_secs, "[mail] timeout_secs", d.timeout, Duration::from_secs)?,
            trusted_authserv_ids: match std::env::var("OXIDESK_MAIL_TRUSTED_AUTHSERV_IDS") {
                Ok(list) => list.split(',').map(str::to_owned).collect(),
                Err(_) => self.trusted_authserv_ids.unwrap_or_default(),
            }
            .iter()
            .filter(|id| !id.trim().is_empty())
            .map(|id| authserv_id(id))
            .collect::<Result<_, _>>()?,
        })
    }
}

/// An authserv-id as a receiving server writes it first in its Authentication-Results (a host
/// name, usually), lowercase.
fn authserv_id(id: &str) -> Result<String, ConfigError> {
    let id = id.trim();
    let fits = |c: char| c.is_ascii_graphic() && !matches!(c, ';' | '(' | ')' | '"' | '\\');
    if id.chars().all(fits) {
        Ok(id.to_ascii_lowercase())
    } else {
        Err(ConfigError::AuthservId(id.to_owned()))
    }
}

/// The `[ldap]` section, checked: people without a local password sign in by a simple bind as
/// themselves (see `accounts::directory`).
#[derive(Debug, Clone)]
pub struct LdapConfig {
    /// `ldap://host[:port]` or `ldaps://host[:port]`.
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS before binding.
    pub starttls: bool,
    /// Whom to bind as, `{username}` standing for the user name: a DN
    /// (`uid={username},ou=people,dc=example,dc=org`), a UPN (`{username}@example.org`) or a
    /// down-level logon name (`EXAMPLE\{username}`).
    pub bind_dn: String,
    /// Where to look the user up after the bind, to read their email and name. Without it, a DN
    /// template's entry itself is read; a UPN or down-level template reads nothing.
    pub base_dn: Option<String>,
    /// The search filter under `base_dn`, `{username}` escaped per RFC 4515.
    pub user_filter: String,
    pub email_attribute: String,
    pub name_attribute: String,
    /// The longest a sign-in waits for the directory (connect, TLS, bind and search together).
    pub timeout: Duration,
}

/// `[ldap]` as written in `oxidesk.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLdap {
    url: String,
    #[serde(default)]
    starttls: bool,
    bind_dn: String,
    base_dn: Option<String>,
    user_filter: Option<String>,
    email_attribute: Option<String>,
    name_attribute: Option<String>,
    timeout_secs: Option<u64>,
}

/// What `oxidesk.toml` may hold; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    max_attachment_mb: Option<usize>,
    access_token_ttl_secs: Option<i64>,
    refresh_token_ttl_days: Option<i64>,
    pool_size: Option<u32>,
    workers: Option<usize>,
    login_attempts_per_minute: Option<u32>,
    failed_sign_ins_per_account: Option<u32>,
    trusted_proxies: Option<Vec<String>>,
    body_idle_timeout_secs: Option<u64>,
    body_timeout_secs: Option<u64>,
    requests_in_flight_per_address: Option<u32>,
    public_url: Option<String>,
    cors_origins: Option<Vec<String>>,
    ldap: Option<FileLdap>,
    mail: Option<FileMail>,
    jobs: Option<FileJobs>,
    outbound: Option<FileOutbound>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("invalid {path}: {source}")]
    Parse { path: String, source: toml::de::Error },
    #[error("invalid bind address {0:?}: expected HOST:PORT, like 127.0.0.1:8080")]
    Bind(String),
    #[error("{0} must be greater than zero")]
    Zero(&'static str),
    #[error("invalid {field} {value:?}: expected http:// or https://, a host and an optional port{extra}")]
    Url { field: &'static str, value: String, extra: &'static str },
    #[error("[ldap] {0}")]
    Ldap(&'static str),
    #[error("[outbound] allow: {0:?} is not a network like 10.1.0.0/16 or an address like 192.0.2.7")]
    Outbound(String),
    #[error("invalid [mail] trusted_authserv_ids entry {0:?}: expected a server's name, like mx.example.com")]
    AuthservId(String),
    #[error("invalid {field} entry {value:?}: expected an address or a range like 10.0.0.0/8")]
    Network { field: &'static str, value: String },
}

/// An address (`10.0.0.7`) or a range (`10.0.0.0/8`, `fd00::/8`) of the configuration file.
pub fn network(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>().ok().or_else(|| text.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

impl Config {
    pub fn load(args: &GlobalArgs, bind_flag: Option<&str>) -> Result<Config, ConfigError> {
        let file = read_file(args.config.as_deref())?;
        let bind_text = bind_flag.map(str::to_owned).or(file.bind).unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind = bind_text.parse().map_err(|_| ConfigError::Bind(bind_text.clone()))?;
        let data_dir = args.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database_url = args
            .database_url
            .clone()
            .or_else(|| std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty()))
            .or(file.database_url)
            .unwrap_or_else(|| data_dir.join("oxidesk.db").display().to_string());
        let config = Config {
            bind,
            data_dir,
            database_url,
            max_attachment_bytes: file.max_attachment_mb.unwrap_or(10) * 1024 * 1024,
            access_token_ttl_secs: file.access_token_ttl_secs.unwrap_or(15 * 60),
            refresh_token_ttl_days: file.refresh_token_ttl_days.unwrap_or(30),
            pool_size: file.pool_size.unwrap_or(16),
            workers: file.workers.unwrap_or(0),
            login_attempts_per_minute: file.login_attempts_per_minute.unwrap_or(10),
            failed_sign_ins_per_account: file.failed_sign_ins_per_account.unwrap_or(10),
            trusted_proxies: file
                .trusted_proxies
                .unwrap_or_default()
                .iter()
                .map(|n| network(n).ok_or_else(|| ConfigError::Network { field: "trusted_proxies", value: n.clone() }))
                .collect::<Result<_, _>>()?,
            body_times: BodyTimes {
                idle: Duration::from_secs(file.body_idle_timeout_secs.unwrap_or(10)),
                total: Duration::from_secs(file.body_timeout_secs.unwrap_or(120)),
            },
            requests_in_flight_per_address: file.requests_in_flight_per_address.unwrap_or(64),
            public_url: match env_or("OXIDESK_PUBLIC_URL", file.public_url) {
                Some(url) => web_origin("public_url", &url, true)?,
                None => format!("http://{bind}"),
            },
            cors_origins: match std::env::var("OXIDESK_CORS_ORIGINS").ok().filter(|v| !v.trim().is_empty()) {
                Some(list) => {
                    list.split(',').map(|o| web_origin("cors_origins", o, false)).collect::<Result<_, _>>()?
                }
                None => file
                    .cors_origins
                    .unwrap_or_default()
                    .iter()
                    .map(|o| web_origin("cors_origins", o, false))
                    .collect::<Result<_, _>>()?,
            },
            ldap: file.ldap.map(LdapConfig::check).transpose()?,
            jobs: JobsConfig {
                poll: match file.jobs.and_then(|j| j.poll_ms).or(file.mail.as_ref().and_then(|m| m.poll_ms)) {
                    Some(0) => return Err(ConfigError::Zero("[jobs] poll_ms")),
                    Some(ms) => Duration::from_millis(ms),
                    None => JobsConfig::default().poll,
                },
            },
            mail: file.mail.unwrap_or_default().check()?,
            outbound: file.outbound.unwrap_or_default().check()?,
        };
        if config.max_attachment_bytes == 0 {
            return Err(ConfigError::Zero("max_attachment_mb"));
        }
        if config.pool_size == 0 {
            return Err(ConfigError::Zero("pool_size"));
        }
        for (value, name) in [
            (config.login_attempts_per_minute, "login_attempts_per_minute"),
            (config.failed_sign_ins_per_account, "failed_sign_ins_per_account"),
            (config.requests_in_flight_per_address, "requests_in_flight_per_address"),
            (config.body_times.idle.as_secs() as u32, "body_idle_timeout_secs"),
            (config.body_times.total.as_secs() as u32, "body_timeout_secs"),
        ] {
            if value == 0 {
                return Err(ConfigError::Zero(name));
            }
        }
        Ok(config)
    }

    pub fn attachments_dir(&self) -> PathBuf {
        self.data_dir.join("attachments")
    }

    /// What a ticket change may carry, and where its attachments go.
    /// A JSON body may carry a message, a few base64 attachments and their overhead.
    pub fn max_json_bytes(&self) -> usize {
        self.max_attachment_bytes * 4 / 3 * 4 + 2 * 1024 * 1024
    }
}

fn env_or(name: &str, from_file: Option<String>) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty()).or(from_file)
}

/// `scheme://host[:port]`, and for the public URL an optional path prefix; without a trailing
/// slash, so that links are made by appending `/page`.
fn web_origin(field: &'static str, value: &str, path_allowed: bool) -> Result<String, ConfigError> {
    let value = value.trim().trim_end_matches('/');
    let bad = |extra| ConfigError::Url { field, value: value.to_owned(), extra };
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://")).ok_or_else(|| bad(""))?;
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '@' || c.is_control()) {
        return Err(bad(""));
    }
    if !path.is_empty() && !path_allowed {
        return Err(bad(", and no path"));
    }
    if value.contains(|c: char| c.is_whitespace() || c.is_control() || c == '?' || c == '#') {
        return Err(bad(""));
    }
    Ok(value.to_owned())
}

impl LdapConfig {
    /// A directory with the defaults of every other key: plain LDAP, the `uid` filter, the
    /// `mail` and `cn` attributes, 5 seconds.
    pub fn new(url: impl Into<String>, bind_dn: impl Into<String>) -> LdapConfig {
        LdapConfig {
            url: url.into(),
            starttls: false,
            bind_dn: bind_dn.into(),
            base_dn: None,
            user_filter: "(uid={username})".to_owned(),
            email_attribute: "mail".to_owned(),
            name_attribute: "cn".to_owned(),
            timeout: Duration::from_secs(5),
        }
    }

    fn check(file: FileLdap) -> Result<LdapConfig, ConfigError> {
        let url = file.url.trim().to_owned();
        let tls = url.starts_with("ldaps://");
        if !tls && !url.starts_with("ldap://") {
            return Err(ConfigError::Ldap("url must start with ldap:// or ldaps://"));
        }
        if tls && file.starttls {
            return Err(ConfigError::Ldap("starttls is for ldap:// URLs; ldaps:// is TLS already"));
        }
        if !file.bind_dn.contains("{username}") {
            return Err(ConfigError::Ldap("bind_dn must contain {username}"));
        }
        let mut config = LdapConfig::new(url, file.bind_dn);
        config.starttls = file.starttls;
        config.base_dn = file.base_dn.filter(|b| !b.trim().is_empty());
        if let Some(filter) = file.user_filter {
            config.user_filter = filter;
        }
        if config.base_dn.is_some() && !config.user_filter.contains("{username}") {
            return Err(ConfigError::Ldap("user_filter must contain {username}"));
        }
        if let Some(secs) = file.timeout_secs {
            if secs == 0 {
                return Err(ConfigError::Ldap("timeout_secs must be greater than zero"));
            }
            config.timeout = Duration::from_secs(secs);
        }
        config.email_attribute = file.email_attribute.unwrap_or(config.email_attribute);
        config.name_attribute = file.name_attribute.unwrap_or(config.name_attribute);
        Ok(config)
    }
}

fn read_file(explicit: Option<&Path>) -> Result<FileConfig, ConfigError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None if Path::new(DEFAULT_CONFIG_FILE).exists() => PathBuf::from(DEFAULT_CONFIG_FILE),
        None => return Ok(FileConfig::default()),
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
    toml::from_str(&text).map_err(|source| ConfigError::Parse { path: path.display().to_string(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> GlobalArgs {
        GlobalArgs { data_dir: None, database_url: None, config: None }
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("oxidesk.toml");
        std::fs::write(&file, "bind = \"127.0.0.1:9999\"\nmax_attachment_mb = 2\n").unwrap();
        let mut a = args();
        a.config = Some(file.clone());
        a.data_dir = Some(dir.path().join("d"));
        let c = Config::load(&a, None).unwrap();
        assert_eq!(c.bind.port(), 9999);
        assert_eq!(c.max_attachment_bytes, 2 * 1024 * 1024);
        assert!(c.database_url.ends_with("oxidesk.db"));
        let c = Config::load(&a, Some("127.0.0.1:7000")).unwrap();
        assert_eq!(c.bind.port(), 7000);
    }

    #[test]
    fn web_origins_are_checked_and_normalised() {
        assert_eq!(
            web_origin("public_url", "https://help.example.com/desk/", true).unwrap(),
            "https://help.example.com/desk"
        );
        assert_eq!(web_origin("cors_origins", "http://localhost:3000", false).unwrap(), "http://localhost:3000");
        assert!(web_origin("cors_origins", "https://a.example/path", false).is_err());
        assert!(web_origin("public_url", "ftp://a.example", true).is_err());
        assert!(web_origin("public_url", "https://", true).is_err());
        assert!(web_origin("public_url", "https://a.example/?x=1", true).is_err());
    }

    #[test]
    fn bad_files_and_addresses_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("oxidesk.toml");
        std::fs::write(&file, "no_such_key = 1\n").unwrap();
        let mut a = args();
        a.config = Some(file);
        assert!(matches!(Config::load(&a, None), Err(ConfigError::Parse { .. })));
        assert!(matches!(Config::load(&args(), Some("nowhere")), Err(ConfigError::Bind(_))));
        let trusted = load_text("[mail]\ntrusted_authserv_ids = [\"MX.Example.com\", \"\"]\n").unwrap();
        assert_eq!(trusted.mail.trusted_authserv_ids, ["mx.example.com"]);
        assert!(matches!(
            load_text("[mail]\ntrusted_authserv_ids = [\"mx; dmarc=pass\"]\n"),
            Err(ConfigError::AuthservId(_))
        ));
    }

    fn load_text(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("oxidesk.toml");
        std::fs::write(&file, text).unwrap();
        let mut a = args();
        a.config = Some(file);
        a.data_dir = Some(dir.path().join("d"));
        Config::load(&a, None)
    }

    #[test]
    fn the_ldap_section_is_optional_and_checked() {
        assert!(load_text("").unwrap().ldap.is_none());
        let c = load_text("[ldap]\nurl = \"ldap://dc.example.org\"\nbind_dn = \"EXAMPLE\\\\{username}\"\n").unwrap();
        let ldap = c.ldap.unwrap();
        assert_eq!(ldap.bind_dn, "EXAMPLE\\{username}");
        assert_eq!(
            (ldap.user_filter.as_str(), ldap.email_attribute.as_str(), ldap.name_attribute.as_str()),
            ("(uid={username})", "mail", "cn")
        );
        assert_eq!(ldap.timeout, Duration::from_secs(5));
        for bad in [
            "[ldap]\nurl = \"http://dc\"\nbind_dn = \"{username}@x\"\n",
            "[ldap]\nurl = \"ldaps://dc\"\nstarttls = true\nbind_dn = \"{username}@x\"\n",
            "[ldap]\nurl = \"ldap://dc\"\nbind_dn = \"cn=admin\"\n",
            "[ldap]\nurl = \"ldap://dc\"\nbind_dn = \"{username}@x\"\nbase_dn = \"dc=x\"\nuser_filter = \"(uid=alice)\"\n",
            "[ldap]\nurl = \"ldap://dc\"\nbind_dn = \"{username}@x\"\ntimeout_secs = 0\n",
        ] {
            assert!(matches!(load_text(bad), Err(ConfigError::Ldap(_))), "{bad}");
        }
        assert!(matches!(
            load_text("[ldap]\nurl = \"ldap://dc\"\nbind_dn = \"{username}@x\"\npassword = \"x\"\n"),
            Err(ConfigError::Parse { .. })
        ));
    }

    #[test]
    fn the_outbound_section_takes_networks_and_single_addresses() {
        assert!(load_text("").unwrap().outbound.allow.is_empty(), "nothing special is allowed by default");
        let c = load_text("[outbound]\nallow = [\"127.0.0.0/8\", \" 10.1.2.3/16 \", \"192.0.2.7\", \"fd12::/64\"]\n")
            .unwrap();
        let allow: Vec<String> = c.outbound.allow.iter().map(ToString::to_string).collect();
        assert_eq!(allow, ["127.0.0.0/8", "10.1.0.0/16", "192.0.2.7/32", "fd12::/64"]);
        for bad in ["[outbound]\nallow = [\"localhost\"]\n", "[outbound]\nallow = [\"10.0.0.0/33\"]\n"] {
            assert!(matches!(load_text(bad), Err(ConfigError::Outbound(_))), "{bad}");
        }
        assert!(matches!(load_text("[outbound]\ndeny = []\n"), Err(ConfigError::Parse { .. })));
    }
}
