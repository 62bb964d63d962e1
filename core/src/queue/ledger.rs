//! The queue's SQL over the jobs table: leases (which queue drives a job, until when; see
//! migrations/0002_job_queue.sql), updates that only apply while the lease is held (so a job
//! cancelled or taken over elsewhere is never written back to life), cancelling, and starting the
//! recovery of a job whose paid result may still exist. The library keeps the job records; this is
//! who may drive them.

use crate::clock::now_ms;
use crate::library::{JobRecord, JobStatus, JobUpdate, Library, update_job_query};
use crate::{CoreError, Result};

/// `JobStatus::UNFINISHED`, spelled for SQL.
macro_rules! unfinished {
    () => {
        "('PENDING', 'SUBMITTED', 'PROCESSING', 'DOWNLOADING')"
    };
}

/// What a cancel says, decided from the row as it is when the cancel lands (not from an earlier
/// read that a submit in flight may already have made stale).
const CANCELLED_UNSENT: &str = "Cancelled before it was sent; nothing was charged.";
const CANCELLED_SENT: &str = "Cancelled here; the service may still finish the task and charge for \
it. If it does, Recover fetches the image.";
/// A Batch API job has no task of its own to fetch later: its batch's result for it is not kept.
const CANCELLED_IN_BATCH: &str = "Cancelled while Google's Batch API had it: if Google ran it before \
the cancel landed, it may still be charged at the batch price. Its result is not fetched, so there is \
nothing to recover.";

/// Who holds a job's lease, and until when (Unix ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLease {
    pub owner: String,
    pub expires_at: i64,
}

/// The job ledger of one library, as the queue drives it. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Ledger {
    library: Library,
    /// This installation: only it drives the jobs it recorded (see `crate::install`).
    install: String,
}

impl Ledger {
    pub fn new(library: Library, install: &str) -> Self {
        Self {
            library,
            install: install.to_owned(),
        }
    }

    /// The ledger as this machine's installation drives it.
    pub fn for_this_install(library: Library) -> Self {
        Self::new(library, &crate::install::this_install_id())
    }

    /// Takes the lease of an unfinished job for `owner` until `ttl_ms` from now, in one atomic
    /// UPDATE: it succeeds when nobody holds the job, `owner` already does, or the holder's lease
    /// has expired. `false` when the job is finished or another live queue holds it.
    pub async fn claim_job(&self, id: &str, owner: &str, ttl_ms: i64) -> Result<bool> {
        let now = now_ms();
        let claimed: Option<(String,)> = sqlx::query_as(concat!(
            "UPDATE jobs SET lease_owner = ?, lease_expires_at = ?,
                 driver_install = coalesce(driver_install, ?)
             WHERE id = ? AND profile_id = ? AND origin_device IS NULL
               AND (driver_install IS NULL OR driver_install = ?) AND status IN ",
            unfinished!(),
            " AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at IS NULL
                    OR lease_expires_at < ?)
             RETURNING id"
        ))
        .bind(owner)
        .bind(now.saturating_add(ttl_ms))
        .bind(&self.install)
        .bind(id)
        .bind(self.library.profile_id())
        .bind(&self.install)
        .bind(owner)
        .bind(now)
        .fetch_optional(self.library.pool())
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
        .bind(self.library.profile_id())
        .bind(owner)
        .fetch_all(self.library.pool())
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
        .bind(self.library.profile_id())
        .bind(owner)
        .execute(self.library.pool())
        .await?;
        Ok(u32::try_from(done.rows_affected()).unwrap_or(u32::MAX))
    }

    /// Takes a job over from `old_owner` (a process proven gone) in one compare-and-set.
    pub async fn take_over_job(
        &self,
        id: &str,
        old_owner: &str,
        new_owner: &str,
        ttl_ms: i64,
    ) -> Result<bool> {
        let taken: Option<(String,)> = sqlx::query_as(concat!(
            "UPDATE jobs SET lease_owner = ?, lease_expires_at = ?
             WHERE id = ? AND profile_id = ? AND lease_owner = ?
               AND (driver_install IS NULL OR driver_install = ?) AND status IN ",
            unfinished!(),
            " RETURNING id"
        ))
        .bind(new_owner)
        .bind(now_ms().saturating_add(ttl_ms))
        .bind(id)
        .bind(self.library.profile_id())
        .bind(old_owner)
        .bind(&self.install)
        .fetch_optional(self.library.pool())
        .await?;
        Ok(taken.is_some())
    }

    /// Starts recovering a job whose result may exist (recoverable, or failed or cancelled with a
    /// task id): back to `to` (SUBMITTED to poll, DOWNLOADING to fetch the recorded URLs), claimed
    /// for `owner`. `None` when the job is not recoverable or another live queue holds it.
    pub async fn begin_recovery(
        &self,
        id: &str,
        to: JobStatus,
        owner: &str,
        ttl_ms: i64,
    ) -> Result<Option<JobRecord>> {
        let now = now_ms();
        let started: Option<(String,)> = sqlx::query_as(
            "UPDATE jobs SET status = ?1, lease_owner = ?2, lease_expires_at = ?3, updated_at = ?4,
                 completed_at = NULL, error_kind = NULL, error_message = NULL,
                 driver_install = coalesce(driver_install, ?7)
             WHERE id = ?5 AND profile_id = ?6 AND origin_device IS NULL
               AND (driver_install IS NULL OR driver_install = ?7)
               AND status IN ('RECOVERABLE', 'FAILED', 'CANCELLED')
               AND (remote_task_id IS NOT NULL OR response_data IS NOT NULL)
               AND (lease_owner IS NULL OR lease_owner = ?2 OR lease_expires_at IS NULL
                    OR lease_expires_at < ?4)
             RETURNING id",
        )
        .bind(to.as_str())
        .bind(owner)
        .bind(now.saturating_add(ttl_ms))
        .bind(now)
        .bind(id)
        .bind(self.library.profile_id())
        .bind(&self.install)
        .fetch_optional(self.library.pool())
        .await?;
        match started {
            Some(_) => {
                self.library.changes().job(id, false);
                Ok(Some(self.library.get_job(id).await?))
            }
            None => Ok(None),
        }
    }

    pub async fn job_lease(&self, id: &str) -> Result<Option<JobLease>> {
        let row: Option<(Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT lease_owner, lease_expires_at FROM jobs WHERE id = ? AND profile_id = ?",
        )
        .bind(id)
        .bind(self.library.profile_id())
        .fetch_optional(self.library.pool())
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
        self.update_leased_job_on(self.library.pool(), id, owner, update)
            .await
    }

    /// [`Library::update_leased_job`], committed so that it survives a power cut (the attempt
    /// before a paid submit, the task id after it).
    pub async fn update_leased_job_durably(
        &self,
        id: &str,
        owner: &str,
        update: &JobUpdate,
    ) -> Result<Option<JobRecord>> {
        self.update_leased_job_on(self.library.durable_pool(), id, owner, update)
            .await
    }

    async fn update_leased_job_on(
        &self,
        pool: &sqlx::SqlitePool,
        id: &str,
        owner: &str,
        update: &JobUpdate,
    ) -> Result<Option<JobRecord>> {
        let mut q = update_job_query(update, true)?;
        q.push(" WHERE id = ").push_bind(id.to_owned());
        q.push(" AND profile_id = ")
            .push_bind(self.library.profile_id().to_owned());
        q.push(" AND lease_owner = ").push_bind(owner.to_owned());
        q.push(concat!(" AND status IN ", unfinished!(), " RETURNING id"));
        let updated: Option<(String,)> = q.build_query_as().fetch_optional(pool).await?;
        match updated {
            Some(_) => {
                self.library.changes().job(id, false);
                Ok(Some(self.library.get_job(id).await?))
            }
            None => Ok(None),
        }
    }

    /// Marks an unfinished job CANCELLED whoever holds it (the holder notices at its next renewal
    /// or write). Whether it may have been charged is decided in the same statement, from the row
    /// as it is then: an attempt or a task id means the submit went out. `None` when the job had
    /// already finished (or is recoverable: there is nothing running to cancel).
    pub async fn cancel_unfinished_job(&self, id: &str) -> Result<Option<JobRecord>> {
        let now = now_ms();
        let updated: Option<(String,)> = sqlx::query_as(concat!(
            "UPDATE jobs SET status = 'CANCELLED',
                 error_kind = CASE WHEN attempts > 0
                     AND id IN (SELECT job_id FROM remote_batch_jobs) THEN 'batch_cancelled'
                     ELSE 'cancelled' END,
                 error_message = CASE WHEN attempts = 0 AND remote_task_id IS NULL THEN ?
                     WHEN id IN (SELECT job_id FROM remote_batch_jobs) THEN ? ELSE ? END,
                 may_be_charged = CASE WHEN attempts = 0 AND remote_task_id IS NULL THEN 0 ELSE 1 END,
                 updated_at = ?, completed_at = coalesce(completed_at, ?),
                 lease_owner = NULL, lease_expires_at = NULL
             WHERE id = ? AND profile_id = ? AND origin_device IS NULL AND status IN ",
            unfinished!(),
            " RETURNING id"
        ))
        .bind(CANCELLED_UNSENT)
        .bind(CANCELLED_IN_BATCH)
        .bind(CANCELLED_SENT)
        .bind(now)
        .bind(now)
        .bind(id)
        .bind(self.library.profile_id())
        .fetch_optional(self.library.pool())
        .await?;
        match updated {
            Some(_) => {
                self.library.changes().job(id, false);
                Ok(Some(self.library.get_job(id).await?))
            }
            None => Ok(None),
        }
    }
}
