//! One profile's library: a SQLite database plus content-addressed image files under one folder.
//! Every path stored in the database is relative to that folder, so a library can move or sync.

mod db;

use std::path::{Path, PathBuf};

use sqlx::SqlitePool;

use crate::Result;
use crate::profile::{self, ProfileKind};

pub const DATABASE_FILE: &str = "library.sqlite";

#[derive(Debug, Clone)]
pub struct Library {
    root: PathBuf,
    profile_id: String,
    pool: SqlitePool,
}

impl Library {
    /// Opens (creating if needed) the library of `profile_id` under `data_dir`, runs migrations and
    /// makes sure the profile row exists.
    pub async fn open(data_dir: &Path, profile_id: &str, kind: ProfileKind) -> Result<Self> {
        let root = profile::profile_dir(data_dir, profile_id)?;
        tokio::fs::create_dir_all(&root).await?;
        let pool = db::open_pool(&root.join(DATABASE_FILE)).await?;
        db::ensure_profile(&pool, profile_id, kind).await?;
        Ok(Self {
            root,
            profile_id: profile_id.to_owned(),
            pool,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn job_count(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE profile_id = ?")
            .bind(&self.profile_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
