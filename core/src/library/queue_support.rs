//! What the job queue needs beyond the job ledger: leases (which queue drives a job, until when;
//! see migrations/0002_job_queue.sql) and updates that only apply while the lease is held, so a
//! job cancelled or taken over elsewhere is never written back to life.

use super::Library;
use super::db::now_ms;
use super::types::{JobRecord, JobStatus, JobUpdate};
use crate::{CoreError, Result};

macro_rules! unfinished {
    () => {
        "('PENDING', 'SUBMITTED', 'PROCESSING', 'DOWNLOADING')"
    };
}

/// Who holds a job's lease, and until when (Unix ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLease {
    pub owner: String,
    pub expires_at: i64,
}

impl Library {
    /// Takes the lease of an unfinished job for `owner` until `ttl_ms` from now, in one atomic
    /// UPDATE: it succeeds when nobody holds the job, `owner` already does, or the holder's lease
    /// has expired. `false` when the job is finished or another live queue holds it.
    pub async fn claim_job(&self, id: &str, owner: &str, ttl_ms: i64) -> Result<bool> {
        let now = now_ms();
        let claimed: Option<(String,)> = sqlx::query_as(concat!(
            "UPDATE jobs SET lease_owner = ?, lease_expires_at = ?
             WHERE id = ? AND profile_id = ? AND status IN ",
            unfinished!(),
            " AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at IS NULL
                    OR lease_expires_at < ?)
             RETURNING id"
        ))
        .bind(owner)
        .bind(now.saturating_add(ttl_ms))
        .bind(id)
        .bind(&self.profile_id)
        .bind(owner)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(claimed.is_some())
    }

    /// Extends every lease `owner` holds on an unfinished job; returns the ids still held.
    pub async fn renew_leases(&self, owner: &str, ttl_ms: i64) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(concat!(
            "UPDATE jobs SET lease_expires_at = ?
             WHERE profile_id = ? AND lease_owner = ? AND status IN ",
            unfinished!(),
            " RETURNING id"
        ))
        .bind(now_ms().saturating_add(ttl_ms))
        .bind(&self.profile_id)
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Gives up every lease `owner` holds (a queue shutting down), so another process can resume
    /// those jobs at once instead of waiting for the leases to expire. Returns how many.
    pub async fn release_leases(&self, owner: &str) -> Result<u32> {
        let done = sqlx::query(
            "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL
             WHERE profile_id = ? AND lease_owner = ?",
        )
        .bind(&self.profile_id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(u32::try_from(done.rows_affected()).unwrap_or(u32::MAX))
    }

    pub async fn job_lease(&self, id: &str) -> Result<Option<JobLease>> {
        let row: Option<(Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT lease_owner, lease_expires_at FROM jobs WHERE id = ? AND profile_id = ?",
        )
        .bind(id)
        .bind(&self.profile_id)
        .fetch_optional(&self.pool)
        .await?;
        let (owner, expires) = row.ok_or_else(|| CoreError::NotFound(format!("job {id}")))?;
        Ok(owner.map(|owner| JobLease {
            owner,
            expires_at: expires.unwrap_or(0),
        }))
    }

    /// [`Library::update_job`], applied only while `owner` holds the job's lease and the job is
    /// unfinished. A terminal status also releases the lease. `None`: the job was cancelled or
    /// taken over elsewhere, and nothing was written.
    pub async fn update_leased_job(
        &self,
        id: &str,
        owner: &str,
        update: &JobUpdate,
    ) -> Result<Option<JobRecord>> {
        let mut q = super::jobs::update_job_query(update, true)?;
        q.push(" WHERE id = ").push_bind(id.to_owned());
        q.push(" AND profile_id = ")
            .push_bind(self.profile_id.clone());
        q.push(" AND lease_owner = ").push_bind(owner.to_owned());
        q.push(concat!(" AND status IN ", unfinished!(), " RETURNING id"));
        let updated: Option<(String,)> = q.build_query_as().fetch_optional(&self.pool).await?;
        match updated {
            Some(_) => Ok(Some(self.get_job(id).await?)),
            None => Ok(None),
        }
    }

    /// Marks an unfinished job CANCELLED whoever holds it (the holder notices at its next renewal
    /// or write). `None` when the job had already finished.
    pub async fn cancel_unfinished_job(
        &self,
        id: &str,
        error_kind: &str,
        message: &str,
    ) -> Result<Option<JobRecord>> {
        let now = now_ms();
        let updated: Option<(String,)> = sqlx::query_as(concat!(
            "UPDATE jobs SET status = ?, error_kind = ?, error_message = ?, updated_at = ?,
                 completed_at = coalesce(completed_at, ?), lease_owner = NULL, lease_expires_at = NULL
             WHERE id = ? AND profile_id = ? AND status IN ",
            unfinished!(),
            " RETURNING id"
        ))
        .bind(JobStatus::Cancelled.as_str())
        .bind(error_kind)
        .bind(message)
        .bind(now)
        .bind(now)
        .bind(id)
        .bind(&self.profile_id)
        .fetch_optional(&self.pool)
        .await?;
        match updated {
            Some(_) => Ok(Some(self.get_job(id).await?)),
            None => Ok(None),
        }
    }
}
