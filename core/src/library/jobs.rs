//! The durable job ledger: a job is recorded before anything is sent to the provider and every
//! step of its life is committed as it happens, so a restart can pick it up again. History's pages
//! are in `jobs/pages.rs`, the patch of a row in `jobs/updates.rs`.

use sqlx::SqliteConnection;

use super::Library;
use super::db::{f64_to_ms, ms_to_f64, now_ms, to_u32};
use super::types::{JobFamily, JobPurpose, JobRecord, JobStatus, JobUpdate, NewJob, TaskType};
use crate::catalog::{AspectRatio, ImageSize, Model, ProviderKind};
use crate::{CoreError, ErrorKind, Result};

macro_rules! job_columns {
    () => {
        "id, image_id, prompt, task_type, provider, model, image_size, aspect_ratio, num_images, \
         watermark, input_image_urls, seed, remote_task_id, response_data, cost, duration_ms, status, \
         error_kind, error_message, attempts, timeout_secs, parent_job_id, parent_image_id, \
         created_at, updated_at, completed_at, may_be_charged, estimated_cost, submitted_at, queue_ms, \
         input_image_ids, origin_device, charged_credits, driver_install, conversation, mask_edit, purpose, \
         batch_id"
    };
}

// History's pages (after the macro, which they use).
mod pages;
mod updates;
pub(super) use pages::next_cursor;
pub(crate) use updates::update_job_query;

#[derive(sqlx::FromRow)]
struct JobRow {
    id: String,
    image_id: Option<String>,
    prompt: String,
    task_type: String,
    provider: String,
    model: String,
    image_size: i64,
    aspect_ratio: String,
    num_images: i64,
    watermark: Option<String>,
    input_image_urls: Option<String>,
    seed: Option<i64>,
    remote_task_id: Option<String>,
    response_data: Option<String>,
    cost: f64,
    duration_ms: Option<i64>,
    status: String,
    error_kind: Option<String>,
    error_message: Option<String>,
    attempts: i64,
    timeout_secs: Option<i64>,
    parent_job_id: Option<String>,
    parent_image_id: Option<String>,
    created_at: i64,
    updated_at: i64,
    completed_at: Option<i64>,
    may_be_charged: bool,
    estimated_cost: f64,
    submitted_at: Option<i64>,
    queue_ms: Option<i64>,
    input_image_ids: Option<String>,
    origin_device: Option<String>,
    charged_credits: Option<f64>,
    driver_install: Option<String>,
    conversation: Option<String>,
    mask_edit: Option<String>,
    purpose: Option<String>,
    batch_id: Option<String>,
}

impl JobRow {
    pub(super) fn into_record(self) -> Result<JobRecord> {
        let damaged = |what: &str, value: &str| {
            CoreError::Internal(format!(
                "job {} has an unknown {what} {value:?} in the library",
                self.id
            ))
        };
        let provider = self
            .provider
            .parse::<ProviderKind>()
            .map_err(|_| damaged("provider", &self.provider))?;
        let model = self
            .model
            .parse::<Model>()
            .map_err(|_| damaged("model", &self.model))?;
        // A malformed value is shown as no inputs rather than hiding the whole job.
        let json_list = |v: Option<&str>| -> Vec<String> {
            v.filter(|s| !s.is_empty())
                .and_then(|json| serde_json::from_str(json).ok())
                .unwrap_or_default()
        };
        let input_image_urls = json_list(self.input_image_urls.as_deref());
        let input_image_ids = json_list(self.input_image_ids.as_deref());
        let image_size = ImageSize::nearest(to_u32(self.image_size));
        let aspect_ratio = self.aspect_ratio.parse::<AspectRatio>().unwrap_or_else(|_| {
            tracing::warn!(job = %self.id, ratio = %self.aspect_ratio, "unknown aspect ratio in the library; shown as 1:1");
            AspectRatio::Square
        });
        Ok(JobRecord {
            id: self.id,
            image_id: self.image_id,
            image_sha256: None,
            prompt: self.prompt,
            task_type: TaskType::parse(&self.task_type)?,
            provider,
            model,
            image_size,
            aspect_ratio,
            num_images: to_u32(self.num_images),
            watermark: self.watermark,
            input_image_urls,
            input_image_ids,
            seed: self.seed.and_then(|s| u32::try_from(s).ok()),
            remote_task_id: self.remote_task_id,
            response_data: self.response_data,
            cost: self.cost,
            estimated_cost: self.estimated_cost,
            may_be_charged: self.may_be_charged,
            duration_ms: self.duration_ms.map(ms_to_f64),
            queue_ms: self.queue_ms.map(ms_to_f64),
            submitted_at: self.submitted_at.map(ms_to_f64),
            status: JobStatus::parse(&self.status)?,
            error_kind: self.error_kind.as_deref().map(ErrorKind::parse_stored),
            error_message: self.error_message,
            attempts: to_u32(self.attempts),
            timeout_secs: self.timeout_secs.map(to_u32),
            parent_job_id: self.parent_job_id,
            parent_image_id: self.parent_image_id,
            created_at: ms_to_f64(self.created_at),
            updated_at: ms_to_f64(self.updated_at),
            completed_at: self.completed_at.map(ms_to_f64),
            origin_device: self.origin_device,
            charged_credits: self.charged_credits,
            driver_install: self.driver_install,
            conversation: self.conversation,
            mask_edit: self.mask_edit,
            purpose: self.purpose.as_deref().and_then(JobPurpose::parse),
            batch_id: self.batch_id,
        })
    }
}

fn validate(job: &NewJob) -> Result<()> {
    let bad = |m: &str| Err(CoreError::InvalidInput(m.to_owned()));
    if job.prompt.trim().is_empty() {
        return bad("the prompt is empty");
    }
    if !job.estimated_cost.is_finite() || job.estimated_cost < 0.0 {
        return bad("an estimated cost must be a non-negative number");
    }
    if !(1..=4).contains(&job.num_images) {
        return bad("a job makes between 1 and 4 images");
    }
    Ok(())
}

impl Library {
    /// Records a new job as PENDING with a time-ordered (v7) id.
    pub async fn insert_job(&self, job: &NewJob) -> Result<JobRecord> {
        let mut conn = self.pool.acquire().await?;
        let job = self.insert_row(&mut conn, job).await?;
        self.changes.job(&job.id, true);
        Ok(job)
    }

    /// Records `jobs` in one write transaction whose budget check sees every other job: with a
    /// `limit`, the month's spend (confirmed, possibly charged, and the estimates of jobs recorded
    /// but not sent yet) plus these jobs' estimates must stay within it, or nothing is recorded.
    /// Two generations at the same instant near the limit cannot both pass.
    pub async fn insert_jobs_within_budget(
        &self,
        jobs: &[NewJob],
        limit: Option<f64>,
    ) -> Result<Vec<JobRecord>> {
        let mut tx = super::db::begin_immediate(&self.pool).await?;
        self.check_budget_on(&mut tx, jobs, limit).await?;
        let mut recorded = Vec::with_capacity(jobs.len());
        for job in jobs {
            recorded.push(self.insert_row(&mut tx, job).await?);
        }
        tx.commit().await?;
        for job in &recorded {
            self.changes.job(&job.id, true);
        }
        Ok(recorded)
    }

    /// The budget rule, inside the caller's write transaction: with a `limit`, the month's spend
    /// (confirmed, possibly charged, and the estimates of jobs recorded but not sent yet) plus
    /// `jobs`' estimates must stay within it.
    pub(super) async fn check_budget_on(
        &self,
        tx: &mut SqliteConnection,
        jobs: &[NewJob],
        limit: Option<f64>,
    ) -> Result<()> {
        let Some(limit) = limit else {
            return Ok(());
        };
        let spent = super::stats::month_spend_on(&mut *tx, now_ms()).await?;
        let (reserved,): (f64,) = sqlx::query_as(
            "SELECT total(estimated_cost) FROM jobs
             WHERE profile_id = ? AND status = 'PENDING' AND may_be_charged = 0
               AND origin_device IS NULL",
        )
        .bind(&self.profile_id)
        .fetch_one(&mut *tx)
        .await?;
        let estimate: f64 = jobs.iter().map(|j| j.estimated_cost).sum();
        let total = spent.confirmed + spent.possible + reserved + estimate;
        if estimate > 0.0 && total > limit + 1e-9 {
            return Err(CoreError::OverBudget(format!(
                "this generation (about ${estimate:.2}) would take this month's spending to \
                 ${total:.2} of your ${limit:.2} budget; generate anyway to go over it"
            )));
        }
        Ok(())
    }

    pub(super) async fn insert_row(
        &self,
        conn: &mut SqliteConnection,
        job: &NewJob,
    ) -> Result<JobRecord> {
        validate(job)?;
        let now = now_ms();
        let created_at = match job.created_at {
            Some(ms) => f64_to_ms(ms, "created_at")?,
            None => now,
        };
        let json_list = |list: &[String]| -> Result<Option<String>> {
            if list.is_empty() {
                return Ok(None);
            }
            serde_json::to_string(list)
                .map(Some)
                .map_err(|e| CoreError::Internal(e.to_string()))
        };
        let urls = json_list(&job.input_image_urls)?;
        let input_ids = json_list(&job.input_image_ids)?;
        let row: JobRow = sqlx::query_as(concat!(
            "INSERT INTO jobs (id, profile_id, prompt, task_type, provider, model, image_size, aspect_ratio,
                num_images, watermark, input_image_urls, seed, timeout_secs, parent_job_id, parent_image_id,
                status, created_at, updated_at, estimated_cost, input_image_ids, driver_install,
                conversation, mask_edit, purpose)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?)
             RETURNING ",
            job_columns!()
        ))
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(&self.profile_id)
        .bind(&job.prompt)
        .bind(job.task_type.as_str())
        .bind(job.provider.as_str())
        .bind(job.model.as_str())
        .bind(i64::from(job.image_size.long_side()))
        .bind(job.aspect_ratio.as_str())
        .bind(i64::from(job.num_images))
        .bind(&job.watermark)
        .bind(urls)
        .bind(job.seed.map(i64::from))
        .bind(job.timeout_secs.map(i64::from))
        .bind(&job.parent_job_id)
        .bind(&job.parent_image_id)
        .bind(created_at)
        .bind(now)
        .bind(job.estimated_cost)
        .bind(input_ids)
        .bind(&job.driver_install)
        .bind(&job.conversation)
        .bind(&job.mask_edit)
        .bind(job.purpose.map(JobPurpose::as_str))
        .fetch_one(&mut *conn)
        .await?;
        row.into_record()
    }

    pub async fn get_job(&self, id: &str) -> Result<JobRecord> {
        let row: Option<JobRow> = sqlx::query_as(concat!(
            "SELECT ",
            job_columns!(),
            " FROM jobs WHERE id = ? AND profile_id = ?"
        ))
        .bind(id)
        .bind(&self.profile_id)
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or_else(|| CoreError::NotFound(format!("job {id}")))?
            .into_record()
    }

    /// Applies a patch in one statement (committed when it returns) and returns the job as stored.
    pub async fn update_job(&self, id: &str, update: &JobUpdate) -> Result<JobRecord> {
        let mut q = update_job_query(update, false)?;
        q.push(" WHERE id = ").push_bind(id.to_owned());
        q.push(" AND profile_id = ")
            .push_bind(self.profile_id.clone());
        q.push(concat!(" RETURNING ", job_columns!()));
        let row: Option<JobRow> = q.build_query_as().fetch_optional(&self.pool).await?;
        let job = row
            .ok_or_else(|| CoreError::NotFound(format!("job {id}")))?
            .into_record()?;
        self.changes.job(id, false);
        Ok(job)
    }

    /// The jobs recorded under `batch_id`, in the order they were recorded (the expansion's).
    pub async fn batch_jobs(&self, batch_id: &str) -> Result<Vec<JobRecord>> {
        let rows: Vec<JobRow> = sqlx::query_as(concat!(
            "SELECT ",
            job_columns!(),
            " FROM jobs WHERE profile_id = ? AND batch_id = ? ORDER BY created_at, id"
        ))
        .bind(&self.profile_id)
        .bind(batch_id)
        .fetch_all(&self.pool)
        .await?;
        let mut hashes = self.batch_image_hashes(batch_id).await?;
        rows.into_iter()
            .map(|row| {
                let mut job = row.into_record()?;
                job.image_sha256 = job.image_id.as_ref().and_then(|id| hashes.remove(id));
                Ok(job)
            })
            .collect()
    }

    /// Jobs a restarted app must resume, oldest first.
    /// Jobs a start or `nanoforge resume` looks at, oldest first: unfinished ones and recoverable
    /// ones (the status list is spelled as the partial index `idx_jobs_unfinished` has it).
    pub async fn unfinished_jobs(&self) -> Result<Vec<JobRecord>> {
        let rows: Vec<JobRow> = sqlx::query_as(concat!(
            "SELECT ",
            job_columns!(),
            " FROM jobs WHERE profile_id = ?
               AND status IN ('PENDING', 'SUBMITTED', 'PROCESSING', 'DOWNLOADING', 'RECOVERABLE')
               AND origin_device IS NULL
             ORDER BY created_at, id"
        ))
        .bind(&self.profile_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(JobRow::into_record).collect()
    }

    /// A job's lineage: the job it was run again from (or the job of the image it started from)
    /// and the jobs run again from it or from its images. Recovery happens in place and makes no
    /// child.
    pub async fn job_family(&self, id: &str) -> Result<JobFamily> {
        let job = self.get_job(id).await?;
        let parent_id = match (&job.parent_job_id, &job.parent_image_id) {
            (Some(parent), _) => Some(parent.clone()),
            (None, Some(image)) => sqlx::query_as::<_, (Option<String>,)>(
                "SELECT job_id FROM images WHERE id = ? AND profile_id = ?",
            )
            .bind(image)
            .bind(&self.profile_id)
            .fetch_optional(&self.pool)
            .await?
            .and_then(|(job,)| job),
            (None, None) => None,
        };
        let parent = match parent_id {
            Some(pid) => self.get_job(&pid).await.ok(),
            None => None,
        };
        let rows: Vec<JobRow> = sqlx::query_as(concat!(
            "SELECT ",
            job_columns!(),
            " FROM jobs WHERE profile_id = ? AND (parent_job_id = ?
                 OR parent_image_id IN (SELECT id FROM images WHERE job_id = ?))
             ORDER BY created_at, id LIMIT 200"
        ))
        .bind(&self.profile_id)
        .bind(id)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let children = rows
            .into_iter()
            .map(JobRow::into_record)
            .collect::<Result<_>>()?;
        Ok(JobFamily { parent, children })
    }
}
