//! What each subcommand does. Errors are reported once, by `main`, as a sentence.

use std::io::{BufRead, IsTerminal};
use std::net::TcpListener;

use actix_web::web;
use diesel::prelude::*;
use shared::validate::{Email, PersonName, Username};
use shared::AccessLevel;

use crate::accounts::rules::{insert_user, NewUserInput};
use crate::cli::{AdminCommand, ApikeyCommand, Cli, Command};
use crate::config::Config;
use crate::core::auth::apikeys;
use crate::core::auth::jwt::JwtKeys;
use crate::core::auth::password;
use crate::core::db::models::ApiKeyRow;
use crate::core::db::schema::api_keys;
use crate::core::db::{self, write_tx, DbPool};
use crate::core::state::AppState;
use crate::features::{CONSUMERS, JOB_KINDS};

pub type CommandResult = Result<(), Box<dyn std::error::Error>>;

pub fn run(cli: Cli) -> CommandResult {
    let bind = match &cli.command {
        Command::Serve { bind } => bind.clone(),
        _ => None,
    };
    let config = Config::load(&cli.global, bind.as_deref())?;
    match cli.command {
        Command::Openapi => {
            println!("{}", crate::openapi::json());
            Ok(())
        }
        Command::Serve { .. } => serve(config),
        Command::Migrate => {
            open(&config)?;
            println!("database is up to date");
            Ok(())
        }
        Command::Admin { command: AdminCommand::Create { username, email, name } } => {
            admin_create(&config, &username, &email, name.as_deref())
        }
        Command::Apikey { command } => apikey(&config, command),
        Command::Seed { tickets } => crate::seed::run(&open(&config)?, tickets),
    }
}

/// Commands other than `serve` need one connection. (A larger pool would keep opening connections
/// in the background while the command exits, which libpq does not survive.)
fn open(config: &Config) -> Result<DbPool, db::DbSetupError> {
    db::connect(&config.database_url, 1)
}

fn serve(config: Config) -> CommandResult {
    let pool = db::connect_server(&config.database_url, config.pool_size)?;
    let jwt = JwtKeys::load_or_create(&config.data_dir)?;
    std::fs::create_dir_all(config.attachments_dir())?;
    let listener = TcpListener::bind(config.bind).map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let addr = listener.local_addr()?;
    let workers = config.workers;
    let state = web::Data::new(AppState::new(pool.clone(), config, jwt, CONSUMERS));
    crate::core::jobs::spawn(pool.clone(), state.config.clone(), JOB_KINDS)?;
    if state.config.mail.worker {
        let context = crate::mail::inbound::Context::new(&state.config, state.events.clone());
        crate::mail::fetch::spawn(pool, state.config.clone(), context)?;
    }
    tracing::info!(%addr, engine = ?state.engine, "oxidesk listening on http://{addr}");
    actix_web::rt::System::new().block_on(async move { crate::startup::run(listener, state, workers)?.await })?;
    Ok(())
}

/// The password comes from OXIDESK_ADMIN_PASSWORD, or the first line of standard input.
fn read_password() -> Result<String, Box<dyn std::error::Error>> {
    if let Ok(p) = std::env::var("OXIDESK_ADMIN_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        eprint!("Password for the new administrator: ");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn admin_create(config: &Config, username: &str, email: &str, name: Option<&str>) -> CommandResult {
    let username = Username::parse(username).map_err(|e| format!("--username {e}"))?;
    let email = Email::parse(email).map_err(|e| format!("--email {e}"))?;
    let name = PersonName::parse(name.unwrap_or(username.as_str())).map_err(|e| format!("--name {e}"))?;
    let password = read_password()?;
    password::check_new(&password, &[username.as_str(), email.as_str(), name.as_str()])
        .map_err(|e| format!("the password {e}"))?;
    let hash = password::hash(&password).map_err(|e| e.to_string())?;
    let pool = open(config)?;
    let mut conn = pool.get()?;
    let user = write_tx(&mut conn, |conn| {
        insert_user(
            conn,
            None,
            NewUserInput {
                username: Some(&username),
                email: &email,
                name: &name,
                phone: "",
                level: AccessLevel::Administrator,
                password_hash: Some(&hash),
                notes: "",
                timezone: None,
                language: None,
                email_confirmed: true,
            },
            None,
        )
    })
    .map_err(|e| match e {
        crate::core::error::ApiError::InvalidFields(f) => {
            f.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    })?;
    println!("administrator {} created (id {})", username, user.id);
    Ok(())
}

fn apikey(config: &Config, command: ApikeyCommand) -> CommandResult {
    let pool = open(config)?;
    let mut conn = pool.get()?;
    let now = chrono::Utc::now().naive_utc();
    match command {
        ApikeyCommand::Create { name, scopes, allow_ip, expires, secret } => {
            let name = name.trim().to_owned();
            if name.is_empty() || name.len() > 100 {
                return Err("--name must be 1 to 100 characters".into());
            }
            let scopes = apikeys::parse_scopes(&scopes).map_err(|e| format!("--scopes: {e}"))?;
            let networks = apikeys::parse_networks(&allow_ip).map_err(|e| format!("--allow-ip: {e}"))?;
            let expires_at =
                expires.as_deref().map(apikeys::parse_expiry).transpose().map_err(|e| format!("--expires: {e}"))?;
            let spec = apikeys::KeySpec { name: &name, scopes: &scopes, networks: &networks, expires_at };
            let key = match secret.as_deref() {
                None => apikeys::generate(),
                Some(kept) => {
                    shared::apikeys::check_imported_secret(kept).map_err(|e| format!("--secret {e}"))?;
                    apikeys::imported(kept).ok_or("--secret is not a key to keep")?
                }
            };
            let (row, secret) = apikeys::insert(&mut conn, spec, key)?;
            eprintln!("API key {} \"{}\" created with scopes {}. It is shown only now:", row.id, row.name, row.scopes);
            println!("{secret}");
        }
        ApikeyCommand::List => {
            let keys: Vec<ApiKeyRow> =
                api_keys::table.select(ApiKeyRow::as_select()).order(api_keys::id).load(&mut conn)?;
            println!("{:<5} {:<24} {:<26} {:<20} {:<20} STATE", "ID", "NAME", "SCOPES", "ALLOWED FROM", "LAST USED");
            for k in keys {
                println!(
                    "{:<5} {:<24} {:<26} {:<20} {:<20} {}",
                    k.id,
                    k.name,
                    k.scopes,
                    k.allow_ip.unwrap_or_else(|| "anywhere".into()),
                    k.last_used_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "never".into()),
                    match (k.revoked_at, k.expires_at) {
                        (Some(_), _) => "revoked",
                        (None, Some(at)) if at <= now => "expired",
                        _ => "active",
                    }
                );
            }
        }
        ApikeyCommand::Revoke { id } => {
            let changed = diesel::update(api_keys::table.find(id).filter(api_keys::revoked_at.is_null()))
                .set(api_keys::revoked_at.eq(now))
                .execute(&mut conn)?;
            if changed == 0 {
                return Err(format!("no active API key has id {id}").into());
            }
            println!("API key {id} revoked");
        }
    }
    Ok(())
}
