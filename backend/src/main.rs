//! `oxidesk`: the helpdesk server and its administration commands.

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
    let cli = oxidesk::cli::Cli::parse();
    match oxidesk::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
