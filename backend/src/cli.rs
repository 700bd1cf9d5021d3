//! The command line (clap). Every subcommand shares the global options that locate the data.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "oxidesk", version, about = "Self-hosted IT helpdesk")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Folder for the SQLite database, attachments and the signing key.
    #[arg(long, global = true, env = "OXIDESK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// postgres://user:pass@host/db for PostgreSQL; a file path for SQLite (default DATA_DIR/oxidesk.db).
    #[arg(long, global = true, env = "OXIDESK_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Settings file (default ./oxidesk.toml when it exists).
    #[arg(long, global = true, env = "OXIDESK_CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (API, SPA and workers).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "OXIDESK_BIND")]
        bind: Option<String>,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Manage administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Manage API keys for programs.
    Apikey {
        #[command(subcommand)]
        command: ApikeyCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Fill the database with realistic demo data.
    Seed {
        /// How many tickets to create.
        #[arg(long, default_value_t = 1000)]
        tickets: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an administrator; the password comes from OXIDESK_ADMIN_PASSWORD or standard input.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        /// Display name (defaults to the user name).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApikeyCommand {
    /// Create a key and print it once.
    Create {
        #[arg(long)]
        name: String,
        /// Comma-separated: read, write, impersonate, admin.
        #[arg(long, default_value = "read")]
        scopes: String,
        /// Accept the key only from this address range (CIDR, e.g. 10.0.0.0/8); repeatable.
        #[arg(long)]
        allow_ip: Vec<String>,
        /// Refuse the key after this date (2027-06-30, through that day UTC) or RFC 3339 moment.
        #[arg(long)]
        expires: Option<String>,
        /// Keep this key of another product's scripts (NodePoint's, ITFlow's) instead of making
        /// one: 20 to 256 letters, digits, -, _ or .
        #[arg(long)]
        secret: Option<String>,
    },
    /// List keys (never their secrets).
    List,
    /// Revoke a key by id.
    Revoke { id: i64 },
}
