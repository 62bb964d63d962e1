use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::accounts::{Profile, ProfileKind};
use crate::{CoreError, Result};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Next to the database; held while migrations run.
const MIGRATION_LOCK_FILE: &str = "library.migrate.lock";

/// The library's connections: WAL + a generous busy timeout, so the app and several CLI processes
/// can share one library without "database is locked".
///
/// Most commits use `synchronous=NORMAL` (safe against crashes, and cheap). The commits that guard
/// money — the attempt before a submit, the task id after it — go through `durable`, one
/// connection with `synchronous=FULL`: its commit fsyncs the WAL, so it (and everything before it)
/// survives a power cut too. With NORMAL alone the last commits before a power loss can roll back,
/// and a paid job could be sent again or lose its task id.
pub(super) async fn open_pools(path: &Path) -> Result<(SqlitePool, SqlitePool)> {
    let db = path.to_path_buf();
    tokio::task::spawn_blocking(move || make_private(&db)).await??;
    let options = |sync| -> Result<SqliteConnectOptions> {
        Ok(SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(sync)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30)))
    };
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options(SqliteSynchronous::Normal)?)
        .await?;
    run_migrations(&pool, path).await?;
    let durable = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(apple_full_fsync(options(SqliteSynchronous::Full)?))
        .await?;
    Ok((pool, durable))
}

/// On Apple platforms `fsync` does not flush the drive's cache: `synchronous=FULL` alone can lose
/// the last commits in a power cut there, so the money commits also ask for `F_FULLFSYNC`.
fn apple_full_fsync(options: SqliteConnectOptions) -> SqliteConnectOptions {
    if cfg!(target_vendor = "apple") {
        options
            .pragma("fullfsync", "ON")
            .pragma("checkpoint_fullfsync", "ON")
    } else {
        options
    }
}

/// SQLite creates a database with the umask's mode (0644 usually) and gives its -wal, -shm and
/// -journal files the database file's mode, so the file is created 0600 before SQLite opens it (an
/// empty file is a new database to SQLite). A library from before that is narrowed, its -wal and
/// -shm too (SQLite only sets the mode of those when it creates them).
fn make_private(db: &Path) -> std::io::Result<()> {
    crate::private_fs::open_options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(db)?;
    crate::private_fs::restrict(db)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = db.as_os_str().to_owned();
        side.push(suffix);
        crate::private_fs::restrict(Path::new(&side))?;
    }
    Ok(())
}

/// sqlx's migrator takes no lock on SQLite: two processes opening a fresh library at once (the app
/// and a CLI) would both try to create the tables and one would fail. An OS file lock serialises
/// them; the second then finds the migrations applied.
async fn run_migrations(pool: &SqlitePool, db_path: &Path) -> Result<()> {
    let lock_path = db_path.with_file_name(MIGRATION_LOCK_FILE);
    let lock = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
        let file = crate::private_fs::open_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        file.lock()?;
        Ok(file)
    })
    .await??;
    let result = MIGRATOR.run(pool).await;
    // Dropping the file releases the lock; unlock explicitly so the order is obvious.
    let _ = lock.unlock();
    result?;
    Ok(())
}

/// The library's own record of whose it is (the device's list is `profiles.json`); an account's
/// email and name are refreshed at each sign-in.
pub(super) async fn ensure_profile(pool: &SqlitePool, profile: &Profile) -> Result<()> {
    let display_name = if profile.kind == ProfileKind::Local {
        "Local profile".to_owned()
    } else {
        profile.display_name()
    };
    sqlx::query(
        "INSERT INTO profiles (id, kind, display_name, email, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET
             display_name = excluded.display_name,
             email = coalesce(excluded.email, profiles.email)",
    )
    .bind(&profile.id)
    .bind(profile.kind.as_str())
    .bind(display_name)
    .bind(&profile.email)
    .bind(now_ms())
    .execute(pool)
    .await?;
    Ok(())
}

/// A write transaction that takes SQLite's write lock up front. Steps that check the file system
/// and then commit rows (ingest, purge, repair) run inside one, so they serialise with each other
/// across processes and never interleave a check with another process's commit.
pub(crate) async fn begin_immediate(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

pub(crate) use crate::clock::now_ms;

/// Timestamps cross into the UI as f64 (specta refuses i64); milliseconds fit exactly in 2^53.
pub(crate) fn ms_to_f64(ms: i64) -> f64 {
    ms as f64
}

pub(crate) fn f64_to_ms(ms: f64, what: &str) -> Result<i64> {
    if ms.is_finite() && ms.abs() < 9.0e15 {
        Ok(ms.round() as i64)
    } else {
        Err(CoreError::InvalidInput(format!(
            "{what} is not a valid timestamp"
        )))
    }
}

/// Counts stored as INTEGER come back as i64; negative or huge values would be corruption.
pub(crate) fn to_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn money_commits_have_a_connection_that_syncs_every_commit() {
        let dir = tempfile::tempdir().unwrap();
        let (pool, durable) = open_pools(&dir.path().join("library.sqlite"))
            .await
            .unwrap();
        let sync = |pool: SqlitePool| async move {
            let (level,): (i64,) = sqlx::query_as("PRAGMA synchronous")
                .fetch_one(&pool)
                .await
                .unwrap();
            level
        };
        assert_eq!(sync(pool).await, 1, "NORMAL for the bulk of commits");
        assert_eq!(sync(durable).await, 2, "FULL for the ones that guard money");
    }
}
