//! The `batches` table (migration 0011): a batch's row and its jobs are written in one write
//! transaction with the budget check, so a batch is recorded whole or not at all, and its jobs are
//! the expansion made once (a resume drives these rows and never expands the template again).

use std::collections::HashMap;

use super::Library;
use super::db::now_ms;
use super::remote_batches::NewRemoteBatch;
use super::types::{JobRecord, NewJob};
use crate::{CoreError, Result};

/// A batch as recorded: what was asked and what it was expected to cost.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRow {
    pub id: String,
    pub template: String,
    /// The expansion mode as JSON (`crate::batch::ExpansionMode`).
    pub mode: String,
    pub seed: Option<u32>,
    /// The model ids fanned out to, as JSON.
    pub models: String,
    pub image_size: u32,
    pub aspect_ratio: String,
    pub count: u32,
    pub estimated_cost: f64,
    pub created_at: i64,
}

type Columns = (
    String,
    String,
    String,
    Option<i64>,
    String,
    i64,
    String,
    i64,
    f64,
    i64,
);

const COLUMNS: &str = "id, template, mode, seed, models, image_size, aspect_ratio, count, \
                       estimated_cost, created_at";

fn from_columns(c: Columns) -> BatchRow {
    let (id, template, mode, seed, models, size, ratio, count, estimated_cost, created_at) = c;
    BatchRow {
        id,
        template,
        mode,
        seed: seed.and_then(|s| u32::try_from(s).ok()),
        models,
        image_size: u32::try_from(size).unwrap_or(0),
        aspect_ratio: ratio,
        count: u32::try_from(count).unwrap_or(0),
        estimated_cost,
        created_at,
    }
}

impl Library {
    /// Records `batch` and its `jobs` (tagged with its id) in one transaction whose budget check
    /// covers all of them, as [`Library::insert_jobs_within_budget`] does for one generation:
    /// over the limit, nothing is recorded. `remotes` are the Gemini Batch API creates the jobs go
    /// through (by index into `jobs`), recorded in the same transaction so no job of theirs is
    /// ever seen without its remote batch (and sent interactively by mistake).
    pub async fn insert_batch_within_budget(
        &self,
        batch: &BatchRow,
        jobs: &[NewJob],
        limit: Option<f64>,
        remotes: &[NewRemoteBatch],
    ) -> Result<Vec<JobRecord>> {
        if jobs.is_empty() {
            return Err(CoreError::InvalidInput(
                "a batch needs at least one job".into(),
            ));
        }
        let mut tx = super::db::begin_immediate(&self.pool).await?;
        self.check_budget_on(&mut tx, jobs, limit).await?;
        sqlx::query(
            "INSERT INTO batches (id, profile_id, template, mode, seed, models, image_size,
                aspect_ratio, count, estimated_cost, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&batch.id)
        .bind(&self.profile_id)
        .bind(&batch.template)
        .bind(&batch.mode)
        .bind(batch.seed.map(i64::from))
        .bind(&batch.models)
        .bind(i64::from(batch.image_size))
        .bind(&batch.aspect_ratio)
        .bind(i64::from(batch.count))
        .bind(batch.estimated_cost)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let mut recorded = Vec::with_capacity(jobs.len());
        for job in jobs {
            let row = self.insert_row(&mut tx, job).await?;
            // Set in the same transaction as the insert; the sync trigger of the insert already
            // queued the job, and the outbox reads the row (batch_id included) when it packs.
            sqlx::query("UPDATE jobs SET batch_id = ? WHERE id = ?")
                .bind(&batch.id)
                .bind(&row.id)
                .execute(&mut *tx)
                .await?;
            recorded.push(row);
        }
        if !remotes.is_empty() {
            let ids: Vec<String> = recorded.iter().map(|j| j.id.clone()).collect();
            self.insert_remote_batches(&mut tx, &batch.id, &ids, remotes)
                .await?;
        }
        tx.commit().await?;
        for job in &recorded {
            self.changes.job(&job.id, true);
        }
        Ok(recorded)
    }

    /// The batch `id` of this profile.
    pub async fn batch(&self, id: &str) -> Result<BatchRow> {
        let sql = format!("SELECT {COLUMNS} FROM batches WHERE id = ? AND profile_id = ?");
        let row: Option<Columns> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(&self.profile_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(from_columns)
            .ok_or_else(|| CoreError::NotFound(format!("batch {id}")))
    }

    /// The newest batch of this profile, if any.
    pub async fn latest_batch(&self) -> Result<Option<BatchRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM batches WHERE profile_id = ? ORDER BY created_at DESC, id DESC \
             LIMIT 1"
        );
        let row: Option<Columns> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&self.profile_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(from_columns))
    }
}

impl BatchRow {
    /// When it was recorded, as the page's times are (Unix ms as a float).
    pub fn created_at_ms(&self) -> f64 {
        super::db::ms_to_f64(self.created_at)
    }
}

impl Library {
    /// The hashes of batch `batch_id`'s images by image id: its grid shows their thumbnails at the
    /// cacheable, content-addressed URL, which the jobs' own columns cannot name.
    pub(super) async fn batch_image_hashes(
        &self,
        batch_id: &str,
    ) -> Result<HashMap<String, String>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT i.id, i.sha256 FROM jobs j JOIN images i ON i.id = j.image_id \
             WHERE j.profile_id = ? AND j.batch_id = ?",
        )
        .bind(&self.profile_id)
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// This profile's newest batches first, at most `limit` of them.
    pub async fn recent_batches(&self, limit: u32) -> Result<Vec<BatchRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM batches WHERE profile_id = ? ORDER BY created_at DESC, id DESC \
             LIMIT ?"
        );
        let rows: Vec<Columns> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&self.profile_id)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(from_columns).collect())
    }
}
