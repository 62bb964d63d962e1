//! A batch in the queue: each job's row is made exactly as a generation of its prompt would make
//! it (provider, validation, price), and all of them are recorded in one transaction under the
//! batch's id, with one budget check for the whole batch. Then each runs as its own job: one
//! failing never stops another, and a resume drives the recorded rows, never the template.

use super::remote_batch::plan_remote_batches;
use super::{GenerateOptions, Queue, lock};
use crate::Result;
use crate::catalog::{Model, ProviderKind};
use crate::library::{BatchRow, JobRecord, NewJob};
use crate::providers::GenerationRequest;

/// One request of a batch, turned into the rows it would record and who would run them.
#[derive(Debug, Clone)]
pub struct BatchRows {
    pub provider: ProviderKind,
    /// As it would be sent (the demo's model and size when the demo runs it).
    pub request: GenerationRequest,
    pub rows: Vec<NewJob>,
}

impl Queue {
    /// The rows of each request, in order, at the prices in effect; nothing is recorded or sent.
    pub async fn batch_rows(&self, requests: Vec<GenerationRequest>) -> Result<Vec<BatchRows>> {
        let options = GenerateOptions::default();
        let mut planned = Vec::with_capacity(requests.len());
        for request in requests {
            let (provider, request, rows) = self.job_rows(request, &options).await?;
            planned.push(BatchRows {
                provider,
                request,
                rows,
            });
        }
        Ok(planned)
    }

    /// Records `batch` with every row of `planned` in one transaction (over the budget without
    /// `over_budget`: nothing is recorded) and starts the jobs. A known balance that cannot pay
    /// for the whole batch refuses first, once per provider (one balance call, not one per job).
    /// With `batch_api`, the Gemini jobs are recorded with the remote batches that carry them
    /// (see `remote_batch`) and created at once; the others start as usual.
    pub async fn record_batch(
        &self,
        batch: &BatchRow,
        planned: &[BatchRows],
        over_budget: bool,
        batch_api: bool,
    ) -> Result<Vec<JobRecord>> {
        let mut asked: Vec<ProviderKind> = Vec::new();
        for p in planned {
            if asked.contains(&p.provider) {
                continue;
            }
            asked.push(p.provider);
            // Every image the batch asks of this provider, priced at this job's rate (the
            // learned rate is per model and size; the first job's stands for the batch).
            let images: u32 = planned
                .iter()
                .filter(|q| q.provider == p.provider)
                .flat_map(|q| q.rows.iter().map(|r| r.num_images))
                .sum();
            self.shared
                .check_balance_for(p.provider, &p.request, f64::from(images))
                .await?;
        }
        let rows: Vec<NewJob> = planned.iter().flat_map(|p| p.rows.clone()).collect();
        let remotes = if batch_api {
            let runs: Vec<(ProviderKind, Model)> = planned
                .iter()
                .flat_map(|p| p.rows.iter().map(|r| (p.provider, r.model)))
                .collect();
            plan_remote_batches(&runs)
        } else {
            Vec::new()
        };
        let budget = lock(&self.shared.money).monthly_budget_usd;
        let limit = budget.filter(|_| !over_budget);
        let recorded = self
            .shared
            .library
            .insert_batch_within_budget(batch, &rows, limit, &remotes)
            .await?;
        if remotes.is_empty() {
            return self.start_all(recorded).await;
        }
        let remote: Vec<usize> = remotes.iter().flat_map(|r| r.jobs.clone()).collect();
        let ids: Vec<String> = recorded.iter().map(|j| j.id.clone()).collect();
        let interactive: Vec<JobRecord> = recorded
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !remote.contains(i))
            .map(|(_, j)| j)
            .collect();
        self.start_all(interactive).await?;
        // The creates go now (each guarded like a paid submit); a failure here leaves them to
        // the next round (`resume`, `batch status`, the app's driver).
        if let Err(e) = self.remote_batches_step().await {
            tracing::warn!(error = %e, "creating the remote batches failed; they are retried");
        }
        self.spawn_remote_driver();
        let mut jobs = Vec::with_capacity(ids.len());
        for id in &ids {
            jobs.push(self.shared.library.get_job(id).await?);
        }
        Ok(jobs)
    }
}
