//! `oxidesk`: the helpdesk server and its administration commands.

mod accounts;
mod audit;
mod auth;
mod cli;
mod commands;
mod config;
mod db;
mod error;
mod openapi;
mod routes;
mod seed;
mod startup;
mod state;
mod tickets;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OXIDESK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,oxidesk::http=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
