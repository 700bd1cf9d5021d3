//! `oxidesk`: the helpdesk server and its administration commands.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    fewer_malloc_arenas();
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

/// glibc gives threads that allocate at once arenas of their own (up to eight per core) and keeps
/// what each one freed: under load the server held a quarter more memory with nothing in use
/// (docs/PERFORMANCE.md). Two arenas serve a server that mostly waits on its database as well.
/// Called before any thread starts; `MALLOC_ARENA_MAX` in the environment still decides.
fn fewer_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}
