//! The `remote_batches` and `remote_batch_jobs` tables (migration 0013): Gemini Batch API creates
//! and the jobs each carries. The rows are written in the batch's own transaction; the phase moves
//! by compare-and-set (`unsent` → `sending` is the claim on the one create), and the attempt and
//! the remote name are committed durably, like a paid submit's attempt and task id.

use sqlx::SqliteConnection;

use super::Library;
use super::db::now_ms;
use crate::catalog::Model;
use crate::{CoreError, Result};

/// One remote batch as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteBatchRow {
    pub id: String,
    pub batch_id: String,
    pub chunk: u32,
    pub display_name: String,
    pub model: Model,
    /// `unsent`, `sending`, `created` or `ended`.
    pub phase: String,
    pub remote_name: Option<String>,
    pub remote_state: Option<String>,
    pub create_attempts: u32,
    pub sent_at: Option<i64>,
    pub polls: u32,
    pub next_at: i64,
    /// JSON list of the results given to no job.
    pub quarantined: Option<String>,
    pub error: Option<String>,
}

/// A remote batch to record with its batch: its chunk number, model and the indices (into the
/// batch's job rows) of the jobs it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRemoteBatch {
    pub chunk: u32,
    pub model: Model,
    pub jobs: Vec<usize>,
}

type Columns = (
    String,
    String,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    i64,
    i64,
    Option<String>,
    Option<String>,
);

const COLUMNS: &str = "id, batch_id, chunk, display_name, model, phase, remote_name, remote_state, \
                       create_attempts, sent_at, polls, next_at, quarantined, error";

fn from_columns(c: Columns) -> Result<RemoteBatchRow> {
    let (id, batch_id, chunk, display_name, model, phase, remote_name, remote_state) =
        (c.0, c.1, c.2, c.3, c.4, c.5, c.6, c.7);
    Ok(RemoteBatchRow {
        id,
        batch_id,
        chunk: u32::try_from(chunk).unwrap_or(0),
        display_name,
        model: model.parse::<Model>()?,
        phase,
        remote_name,
        remote_state,
        create_attempts: u32::try_from(c.8).unwrap_or(0),
        sent_at: c.9,
        polls: u32::try_from(c.10).unwrap_or(0),
        next_at: c.11,
        quarantined: c.12,
        error: c.13,
    })
}

/// The display name of chunk `chunk` of batch `batch_id`: how a listing finds a create whose
/// answer was lost.
pub fn remote_display_name(batch_id: &str, chunk: u32) -> String {
    format!("nf:{batch_id}:chunk-{chunk}")
}

/// What to write to a remote batch's row (only the fields set).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RemoteBatchUpdate {
    pub phase: Option<&'static str>,
    pub remote_name: Option<String>,
    pub remote_state: Option<String>,
    pub count_poll: bool,
    pub next_at: Option<i64>,
    pub quarantined: Option<String>,
    pub error: Option<String>,
}

impl Library {
    /// Records `remotes` for the jobs just inserted in `tx` (`job_ids` in the batch's order).
    pub(super) async fn insert_remote_batches(
        &self,
        tx: &mut SqliteConnection,
        batch_id: &str,
        job_ids: &[String],
        remotes: &[NewRemoteBatch],
    ) -> Result<()> {
        let now = now_ms();
        for remote in remotes {
            let id = uuid::Uuid::now_v7().to_string();
            sqlx::query(
                "INSERT INTO remote_batches (id, profile_id, batch_id, chunk, display_name, model,
                     created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(&self.profile_id)
            .bind(batch_id)
            .bind(i64::from(remote.chunk))
            .bind(remote_display_name(batch_id, remote.chunk))
            .bind(remote.model.as_str())
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for (position, index) in remote.jobs.iter().enumerate() {
                let job_id = job_ids.get(*index).ok_or_else(|| {
                    CoreError::Internal(format!("remote batch job {index} out of range"))
                })?;
                sqlx::query(
                    "INSERT INTO remote_batch_jobs (job_id, remote_id, position) VALUES (?, ?, ?)",
                )
                .bind(job_id)
                .bind(&id)
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
                .execute(&mut *tx)
                .await?;
            }
        }
        Ok(())
    }

    /// The remote batches of batch `batch_id`, by chunk.
    pub async fn remote_batches_of(&self, batch_id: &str) -> Result<Vec<RemoteBatchRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM remote_batches WHERE profile_id = ? AND batch_id = ? \
             ORDER BY chunk"
        );
        let rows: Vec<Columns> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&self.profile_id)
            .bind(batch_id)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(from_columns).collect()
    }

    /// Every remote batch of this profile that has not ended, oldest first.
    pub async fn live_remote_batches(&self) -> Result<Vec<RemoteBatchRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM remote_batches WHERE profile_id = ? AND phase <> 'ended' \
             ORDER BY created_at, chunk"
        );
        let rows: Vec<Columns> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&self.profile_id)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(from_columns).collect()
    }

    pub async fn remote_batch(&self, id: &str) -> Result<RemoteBatchRow> {
        let sql = format!("SELECT {COLUMNS} FROM remote_batches WHERE id = ? AND profile_id = ?");
        let row: Option<Columns> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(&self.profile_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(from_columns)
            .transpose()?
            .ok_or_else(|| CoreError::NotFound(format!("remote batch {id}")))
    }

    /// The ids of the jobs remote batch `id` carries, in the order they were sent.
    pub async fn remote_batch_job_ids(&self, id: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT job_id FROM remote_batch_jobs WHERE remote_id = ? ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Whether job `job_id` goes through a remote batch (and so is never sent interactively).
    pub async fn in_remote_batch(&self, job_id: &str) -> Result<bool> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM remote_batch_jobs WHERE job_id = ?")
                .bind(job_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.is_some())
    }

    /// Moves remote batch `id` from `from` to `to` in one compare-and-set, committed durably (the
    /// move to `sending` is the claim on its one create). `false`: it was not in `from`.
    pub async fn move_remote_batch(&self, id: &str, from: &str, to: &'static str) -> Result<bool> {
        let now = now_ms();
        let sending = to == "sending";
        let moved = sqlx::query(
            "UPDATE remote_batches SET phase = ?, updated_at = ?,
                 create_attempts = create_attempts + ?, sent_at = CASE WHEN ? THEN ? ELSE sent_at END
             WHERE id = ? AND profile_id = ? AND phase = ?",
        )
        .bind(to)
        .bind(now)
        .bind(i64::from(sending))
        .bind(sending)
        .bind(now)
        .bind(id)
        .bind(&self.profile_id)
        .bind(from)
        .execute(&self.durable)
        .await?;
        Ok(moved.rows_affected() == 1)
    }

    /// Writes `update` to remote batch `id`, durably (a remote name must survive a power cut).
    pub async fn update_remote_batch(&self, id: &str, update: &RemoteBatchUpdate) -> Result<()> {
        sqlx::query(
            "UPDATE remote_batches SET updated_at = ?,
                 phase = coalesce(?, phase),
                 remote_name = coalesce(?, remote_name),
                 remote_state = coalesce(?, remote_state),
                 polls = polls + ?,
                 next_at = coalesce(?, next_at),
                 quarantined = coalesce(?, quarantined),
                 error = coalesce(?, error)
             WHERE id = ? AND profile_id = ?",
        )
        .bind(now_ms())
        .bind(update.phase)
        .bind(&update.remote_name)
        .bind(&update.remote_state)
        .bind(i64::from(update.count_poll))
        .bind(update.next_at)
        .bind(&update.quarantined)
        .bind(&update.error)
        .bind(id)
        .bind(&self.profile_id)
        .execute(&self.durable)
        .await?;
        Ok(())
    }
}
