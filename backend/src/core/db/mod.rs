//! The database: one code path for SQLite and PostgreSQL through diesel's `MultiConnection`.
//! The pool picks the engine from the URL; only `search.rs` holds SQL that differs between them.

pub mod models;
pub mod schema;
pub mod search;

use std::path::Path;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Sqlite(SqliteConnection),
    Postgresql(PgConnection),
}

pub type DbPool = Pool<ConnectionManager<AnyConnection>>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of_url(url: &str) -> Engine {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            Engine::Sqlite
        }
    }

    pub fn of(conn: &AnyConnection) -> Engine {
        match conn {
            AnyConnection::Sqlite(_) => Engine::Sqlite,
            AnyConnection::Postgresql(_) => Engine::Postgres,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot open the database: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("cannot prepare the data folder {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("cannot back up the database before migrating: {0}")]
    Backup(std::io::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("cannot start the WAL checkpoint thread: {0}")]
    Checkpointer(std::io::Error),
}

/// SQLite settings every connection needs: WAL with synchronous=NORMAL keeps an acknowledged write
/// across a killed process; foreign keys are off by default in SQLite; a busy timeout lets writers
/// queue instead of failing under load.
#[derive(Debug)]
struct SqlitePragmas {
    /// The server checkpoints the WAL in the background (`spawn_checkpointer`), so that no request
    /// pays for it; other commands let SQLite checkpoint as it writes.
    background_checkpoints: bool,
}

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        if let AnyConnection::Sqlite(c) = conn {
            c.batch_execute(
                // busy_timeout first: switching to WAL needs a lock another connection may hold.
                // An 8 MB page cache per connection: the OS caches the file for all of them.
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                 PRAGMA foreign_keys = ON; PRAGMA cache_size = -8000;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
            if self.background_checkpoints {
                c.batch_execute("PRAGMA wal_autocheckpoint = 0;").map_err(diesel::r2d2::Error::QueryError)?;
            }
        }
        Ok(())
    }
}

/// Copies the WAL back into the database once a second on a thread of its own (SQLite only).
/// PASSIVE never blocks readers or writers; it does what it can and tries again.
pub fn spawn_checkpointer(pool: DbPool) -> std::io::Result<()> {
    std::thread::Builder::new().name("wal-checkpoint".into()).spawn(move || loop {
        std::thread::sleep(Duration::from_secs(1));
        match pool.get() {
            Ok(mut conn) => {
                if let Err(e) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE);") {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
            }
            Err(e) => tracing::warn!(error = %e, "no connection for the WAL checkpoint"),
        }
    })?;
    Ok(())
}

/// Opens a pool on `url` (a `postgres://` URL, or a SQLite file path) and brings the schema up to
/// date. A SQLite file with pending migrations is copied to `<file>.bak-<timestamp>` first.
pub fn connect(url: &str, pool_size: u32) -> Result<DbPool, DbSetupError> {
    open_pool(url, pool_size, false)
}

/// The server's pool: as `connect`, and on SQLite the WAL is checkpointed by a background thread
/// rather than by whichever request crosses the threshold.
pub fn connect_server(url: &str, pool_size: u32) -> Result<DbPool, DbSetupError> {
    let pool = open_pool(url, pool_size, true)?;
    if Engine::of_url(url) == Engine::Sqlite {
        spawn_checkpointer(pool.clone()).map_err(DbSetupError::Checkpointer)?;
    }
    Ok(pool)
}

fn open_pool(url: &str, pool_size: u32, background_checkpoints: bool) -> Result<DbPool, DbSetupError> {
    let engine = Engine::of_url(url);
    let url = match engine {
        Engine::Postgres => url.to_owned(),
        Engine::Sqlite => {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|source| DbSetupError::DataDir { path: parent.display().to_string(), source })?;
            }
            path.to_owned()
        }
    };
    // SQLite work is CPU-bound and writers queue anyway: more connections than a few per core
    // only add contention and caches.
    let pool_size = match engine {
        Engine::Sqlite => pool_size.min(2 * std::thread::available_parallelism().map_or(2, |n| n.get() as u32)),
        Engine::Postgres => pool_size,
    };
    let pool = Pool::builder()
        .max_size(pool_size)
        // A broken connection shows as a failed query, answered as an error; checking each
        // connection with an extra statement before every use would cost every request.
        .test_on_check_out(false)
        // Open connections as needed rather than all at once at start.
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(SqlitePragmas { background_checkpoints }))
        .build(ConnectionManager::<AnyConnection>::new(url.clone()))?;
    let mut conn = pool.get()?;
    migrate(&mut conn, engine, &url)?;
    Ok(pool)
}

fn migrate(conn: &mut AnyConnection, engine: Engine, url: &str) -> Result<(), DbSetupError> {
    let migrations = || match engine {
        Engine::Sqlite => SQLITE_MIGRATIONS,
        Engine::Postgres => POSTGRES_MIGRATIONS,
    };
    let pending = conn.pending_migrations(migrations()).map_err(|e| DbSetupError::Migration(e.to_string()))?;
    if pending.is_empty() {
        return Ok(());
    }
    let has_data = !conn.applied_migrations().map_err(|e| DbSetupError::Migration(e.to_string()))?.is_empty();
    if engine == Engine::Sqlite && has_data && url != ":memory:" {
        backup_sqlite(conn, url)?;
    }
    conn.run_pending_migrations(migrations()).map_err(|e| DbSetupError::Migration(e.to_string()))?;
    tracing::info!(count = pending.len(), "database migrated");
    Ok(())
}

/// `VACUUM INTO` writes a consistent copy even while the WAL holds recent writes.
fn backup_sqlite(conn: &mut AnyConnection, path: &str) -> Result<(), DbSetupError> {
    let target = format!("{path}.bak-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S"));
    conn.batch_execute(&format!("VACUUM INTO '{}'", target.replace('\'', "''")))
        .map_err(|e| DbSetupError::Backup(std::io::Error::other(e.to_string())))?;
    tracing::info!(backup = %target, "database backed up before migrating");
    Ok(())
}

/// The OFFSET of a 1-based page of `per_page` rows. An absurd page number (say i64::MAX) saturates
/// instead of overflowing, and then simply finds nothing.
pub fn page_offset(page: i64, per_page: i64) -> i64 {
    page.saturating_sub(1).saturating_mul(per_page)
}

/// One SQLite database has one writer at a time; this process's writers take turns here.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `work` in a write transaction. On SQLite it is `BEGIN IMMEDIATE`: taking the write lock
/// up front means a transaction that read first never fails to upgrade under concurrent writers
/// (the busy timeout queues it instead).
pub fn write_tx<T, E, F>(conn: &mut AnyConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::Connection;
    match Engine::of(conn) {
        Engine::Postgres => conn.transaction(work),
        Engine::Sqlite => {
            // Writers queue here, in order, rather than polling SQLite's busy handler (which
            // sleeps up to 100 ms between attempts).
            let _writer = SQLITE_WRITER.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            conn.batch_execute("BEGIN IMMEDIATE")?;
            let outcome = work(conn).and_then(|value| {
                conn.batch_execute("COMMIT")?;
                Ok(value)
            });
            if outcome.is_err() {
                // Nothing of a failed request may stay behind; a failed COMMIT needs this too.
                let _ = conn.batch_execute("ROLLBACK");
            }
            outcome
        }
    }
}

/// Runs blocking database work on tokio's blocking threads, for the workers' own runtimes (requests
/// use `AppState::db`).
pub async fn on_pool<T: Send + 'static>(
    pool: &DbPool,
    work: impl FnOnce(&mut AnyConnection) -> crate::core::error::ApiResult<T> + Send + 'static,
) -> crate::core::error::ApiResult<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || work(&mut *pool.get()?))
        .await
        .map_err(|e| crate::core::error::ApiError::Internal(format!("a database task failed: {e}")))?
}
