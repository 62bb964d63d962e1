use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::Result;
use crate::profile::ProfileKind;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// WAL + NORMAL sync + a generous busy timeout, so the app and several CLI processes can share one
/// library without "database is locked".
pub(super) async fn open_pool(path: &Path) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(30));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

pub(super) async fn ensure_profile(pool: &SqlitePool, id: &str, kind: ProfileKind) -> Result<()> {
    sqlx::query(
        "INSERT INTO profiles (id, kind, display_name, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(id) DO NOTHING",
    )
    .bind(id)
    .bind(kind.as_str())
    .bind(if kind == ProfileKind::Local {
        "Local profile"
    } else {
        id
    })
    .bind(now_ms())
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) fn now_ms() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
