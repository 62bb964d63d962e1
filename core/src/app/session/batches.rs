//! Batches for this session's profile: plan one (expanded and priced, nothing recorded), record
//! one (every job in one transaction under one batch id, the budget checked for all of them; with
//! `batch_api`, the Gemini jobs at the Batch API's price through its batches), see where one
//! stands, drive the Batch API's batches, and cancel one. The wildcard lists templates draw from
//! are in `prompts.rs`.

use std::time::Duration;

use super::Session;
use crate::batch::{BatchPlan, BatchRequest, BatchStatus, BatchSummary, PlannedJob, RecordedBatch};
use crate::catalog::ProviderKind;
use crate::catalog::round_micro_usd;
use crate::library::{BatchRow, ExpectedTime};
use crate::providers::GenerationRequest;
use crate::queue::{BATCH_PRICE_FACTOR, BatchRows, RemoteRound};
use crate::{CoreError, Result};

impl Session {
    /// What `request` would record and cost at the prices in effect; nothing is recorded or sent.
    pub async fn plan_batch(&self, request: &BatchRequest) -> Result<BatchPlan> {
        Ok(self.plan_rows(request).await?.0)
    }

    /// Records every job of `request` in one transaction under a new batch id and starts them.
    /// Over the limit, over the budget (without `over_budget`) or on any invalid job, nothing is
    /// recorded. The expansion happens here, once: a resume drives the recorded jobs.
    pub async fn record_batch(&self, request: &BatchRequest) -> Result<RecordedBatch> {
        let (plan, planned) = self.plan_rows(request).await?;
        let models = serde_json::to_string(&request.models)
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        let mode =
            serde_json::to_string(&request.mode).map_err(|e| CoreError::Internal(e.to_string()))?;
        let seed = match request.mode {
            crate::batch::ExpansionMode::Random { seed, .. } => Some(seed),
            crate::batch::ExpansionMode::AllCombinations => None,
        };
        let row = BatchRow {
            id: uuid::Uuid::now_v7().to_string(),
            template: request.template.clone(),
            mode,
            seed,
            models,
            image_size: request.size.map_or(0, |s| s.long_side()),
            aspect_ratio: request.aspect_ratio.as_str().to_owned(),
            count: plan.count,
            estimated_cost: plan.estimated_cost,
            created_at: 0,
        };
        let jobs = self
            .queue
            .record_batch(&row, &planned, request.over_budget, request.batch_api)
            .await?;
        Ok(RecordedBatch {
            batch_id: row.id,
            plan,
            jobs,
        })
    }

    /// How long the jobs sent now take at the profile's concurrency: the work of every job (its
    /// model and size's expected time) shared among the slots. `None` while any of them has no
    /// expected time yet; Batch API jobs are not counted (their results come within 24 h).
    async fn batch_expected_time(
        &self,
        jobs: &[PlannedJob],
        batch_api: bool,
    ) -> Result<Option<ExpectedTime>> {
        let concurrency = self.preferences().await?.concurrency.max(1);
        let mut known = std::collections::HashMap::new();
        let (mut median, mut p90, mut samples) = (0u64, 0u64, u32::MAX);
        let mut any = false;
        for job in jobs {
            if batch_api && job.provider == ProviderKind::Gemini {
                continue;
            }
            let key = (job.model, job.size);
            let time = match known.get(&key) {
                Some(t) => *t,
                None => {
                    let t = self.library.expected_time(job.model, job.size).await?;
                    known.insert(key, t);
                    t
                }
            };
            let Some(t) = time else { return Ok(None) };
            median += u64::from(t.median_ms);
            p90 += u64::from(t.p90_ms);
            samples = samples.min(t.samples);
            any = true;
        }
        if !any {
            return Ok(None);
        }
        let share =
            |total: u64| u32::try_from(total.div_ceil(u64::from(concurrency))).unwrap_or(u32::MAX);
        Ok(Some(ExpectedTime {
            median_ms: share(median),
            p90_ms: share(p90),
            samples,
        }))
    }

    async fn plan_rows(&self, request: &BatchRequest) -> Result<(BatchPlan, Vec<BatchRows>)> {
        let wildcards = self.wildcard_lists().await?;
        let prompts = request.prompts(&wildcards)?;
        let mut requests = Vec::with_capacity(prompts.len() * request.models.len());
        for expansion in &prompts {
            for model in &request.models {
                let mut one = GenerationRequest::new(expansion.prompt.clone(), *model);
                one.size = request.size.unwrap_or(model.info().default_size);
                one.aspect_ratio = request.aspect_ratio;
                requests.push(one);
            }
        }
        let mut planned = self.queue.batch_rows(requests).await?;
        if request.batch_api {
            // The Batch API's price for the jobs it carries (the Gemini ones), so the estimate,
            // the budget check and the reservation all use what the batch will cost.
            for p in planned
                .iter_mut()
                .filter(|p| p.provider == ProviderKind::Gemini)
            {
                for row in &mut p.rows {
                    row.estimated_cost = round_micro_usd(row.estimated_cost * BATCH_PRICE_FACTOR);
                }
            }
        }
        let jobs: Vec<PlannedJob> = planned
            .iter()
            .flat_map(|p| {
                p.rows.iter().map(|row| PlannedJob {
                    prompt: row.prompt.clone(),
                    model: row.model,
                    provider: p.provider,
                    size: row.image_size,
                    estimated_cost: row.estimated_cost,
                })
            })
            .collect();
        // The plain sum of the jobs' estimates, rounded as a job's estimate is.
        let total = round_micro_usd(jobs.iter().map(|j| j.estimated_cost).sum());
        let expected = self.batch_expected_time(&jobs, request.batch_api).await?;
        let plan = BatchPlan {
            count: u32::try_from(jobs.len()).unwrap_or(u32::MAX),
            jobs,
            estimated_cost: total,
            expected,
        };
        Ok((plan, planned))
    }

    /// Where batch `batch_id` stands (the newest batch without an id).
    pub async fn batch_status(&self, batch_id: Option<&str>) -> Result<BatchStatus> {
        let row = match batch_id {
            Some(id) => self.library.batch(id.trim()).await?,
            None => self
                .library
                .latest_batch()
                .await?
                .ok_or_else(|| CoreError::NotFound("a batch in this library".into()))?,
        };
        let jobs = self.library.batch_jobs(&row.id).await?;
        let remote_batches = self.queue.remote_batch_infos(&row.id).await?;
        Ok(BatchStatus {
            remote_batches,
            ..BatchStatus::of(row.id, jobs)
        })
    }

    /// The newest batches of this profile first, at most `limit` of them.
    pub async fn recent_batches(&self, limit: u32) -> Result<Vec<BatchSummary>> {
        let rows = self.library.recent_batches(limit).await?;
        Ok(rows
            .into_iter()
            .map(|row| BatchSummary {
                // A row whose models do not parse (written by a newer version) still lists.
                models: serde_json::from_str(&row.models).unwrap_or_default(),
                created_at: row.created_at_ms(),
                batch_id: row.id,
                template: row.template,
                count: row.count,
                estimated_cost: row.estimated_cost,
            })
            .collect())
    }

    /// Drives this profile's Gemini Batch API batches (create, reconcile a lost create, look at
    /// each with back-off, store results) until every one has ended or `for_at_most` has passed;
    /// the app also drives them in the background. Answers come in as jobs complete.
    pub async fn drive_remote_batches(&self, for_at_most: Duration) -> Result<RemoteRound> {
        self.queue.drive_remote_batches(for_at_most).await
    }

    /// Cancels every job of the batch that has not ended: a queued job is never sent; a sent one
    /// keeps its honest state (the service may still charge for it; see [`Session::cancel`]).
    pub async fn cancel_batch(&self, batch_id: &str) -> Result<BatchStatus> {
        let row = self.library.batch(batch_id.trim()).await?;
        // The Batch API's batches first: cancelled at the service, then looked at once more (one
        // that finished first still delivers its results).
        self.queue.cancel_remote_batches(&row.id).await?;
        for job in self.library.batch_jobs(&row.id).await? {
            if !job.status.is_unfinished() {
                continue;
            }
            // A Batch API answer already here (it finished before the cancel landed) is paid
            // for: it is stored, not cancelled.
            if job.status == crate::library::JobStatus::Downloading
                && self.library.in_remote_batch(&job.id).await?
            {
                continue;
            }
            match self.queue.cancel(&job.id).await {
                Ok(_) => {}
                // It ended between the read and the cancel: its own outcome stands.
                Err(CoreError::InvalidInput(_)) => {}
                Err(e) => return Err(e),
            }
        }
        self.batch_status(Some(&row.id)).await
    }
}
