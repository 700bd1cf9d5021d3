//! Settings, loaded once: command-line flags, then `OXIDESK_*` variables (clap reads both), then
//! `oxidesk.toml`, then defaults. `DATABASE_URL` is honoured too, so `DATABASE_URL=postgres://…`
//! switches to PostgreSQL as most tools expect.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::GlobalArgs;

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
}

impl Config {
    pub fn load(args: &GlobalArgs, bind_flag: Option<&str>) -> Result<Config, ConfigError> {
        let file = read_file(args.config.as_deref())?;
        let bind_text = bind_flag
            .map(str::to_owned)
            .or(file.bind)
            .unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind = bind_text.parse().map_err(|_| ConfigError::Bind(bind_text.clone()))?;
        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
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
        };
        if config.max_attachment_bytes == 0 {
            return Err(ConfigError::Zero("max_attachment_mb"));
        }
        if config.pool_size == 0 {
            return Err(ConfigError::Zero("pool_size"));
        }
        if config.login_attempts_per_minute == 0 {
            return Err(ConfigError::Zero("login_attempts_per_minute"));
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
    fn bad_files_and_addresses_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("oxidesk.toml");
        std::fs::write(&file, "no_such_key = 1\n").unwrap();
        let mut a = args();
        a.config = Some(file);
        assert!(matches!(Config::load(&a, None), Err(ConfigError::Parse { .. })));
        assert!(matches!(Config::load(&args(), Some("nowhere")), Err(ConfigError::Bind(_))));
    }
}
