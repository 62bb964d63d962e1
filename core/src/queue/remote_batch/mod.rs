//! Gemini's Batch API for a batch's Gemini jobs (half price, results within 24 h): the jobs are
//! recorded with the remote batches that carry them (inline creates of at most
//! [`MAX_PER_REMOTE_BATCH`] requests, one model each; `library/remote_batches.rs`), then driven
//! here instead of by the per-job runner until each job's answer is staged; the runner then
//! stores it as it stores any Gemini answer.
//!
//! - `create.rs`: the create, guarded like a paid submit (the attempt committed durably first; a
//!   lost answer resolved by listing the service's batches by display name, never by creating
//!   again while the first may exist).
//! - `poll.rs`: one status check of one remote batch, with back-off (seconds, then minutes; a 429
//!   waits what the service asked), and what each final state does to the jobs.
//! - `results.rs`: results matched to jobs by `metadata.key` only; anything else quarantined.
//!
//! [`Queue::remote_batches_step`] does one round (each due remote batch once) and says when the
//! next is due; [`Queue::drive_remote_batches`] loops over it for a bounded time.

mod create;
mod poll;
mod results;
pub(crate) mod waiting;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::Queue;
use super::shared::Shared;
use crate::batch::RemoteBatchInfo;
use crate::catalog::{Model, ProviderKind};
use crate::library::{JobRecord, NewRemoteBatch, RemoteBatchRow};
use crate::providers::Provider;
use crate::providers::gemini::{GeminiClient, RemoteState};
use crate::{CoreError, Result};

/// Requests per inline create: results come back inline, so a create stays a manageable size.
pub const MAX_PER_REMOTE_BATCH: usize = 20;

/// The Batch API's price as a share of the interactive one.
pub const BATCH_PRICE_FACTOR: f64 = 0.5;

/// The longest wait between two looks at one remote batch.
const MAX_POLL_DELAY: Duration = Duration::from_secs(300);

/// Where the remote batches stand after a round.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemoteRound {
    /// Remote batches not yet ended.
    pub live: u32,
    /// When the next one is due, if any is live.
    pub next_in: Option<Duration>,
}

/// `row` as `batch status` shows it, carrying `jobs` jobs.
fn remote_info(row: &RemoteBatchRow, jobs: u32) -> RemoteBatchInfo {
    let quarantined = row
        .quarantined
        .as_deref()
        .and_then(|q| serde_json::from_str::<Vec<serde_json::Value>>(q).ok())
        .map_or(0, |q| u32::try_from(q.len()).unwrap_or(u32::MAX));
    let state = row
        .remote_state
        .as_deref()
        .map(|s| format!("{:?}", RemoteState::parse(s)).to_ascii_lowercase());
    RemoteBatchInfo {
        display_name: row.display_name.clone(),
        model: row.model,
        phase: row.phase.clone(),
        name: row.remote_name.clone(),
        state,
        jobs,
        quarantined,
        error: row.error.clone(),
    }
}

/// The remote batches for a batch's jobs (`jobs[i]` run by `providers[i]`): the Gemini ones, per
/// model in the batch's order, in creates of at most [`MAX_PER_REMOTE_BATCH`].
pub fn plan_remote_batches(jobs: &[(ProviderKind, Model)]) -> Vec<NewRemoteBatch> {
    let mut models: Vec<Model> = Vec::new();
    for (provider, model) in jobs {
        if *provider == ProviderKind::Gemini && !models.contains(model) {
            models.push(*model);
        }
    }
    let mut remotes = Vec::new();
    for model in models {
        let indices: Vec<usize> = jobs
            .iter()
            .enumerate()
            .filter(|(_, (p, m))| *p == ProviderKind::Gemini && *m == model)
            .map(|(i, _)| i)
            .collect();
        for chunk in indices.chunks(MAX_PER_REMOTE_BATCH) {
            remotes.push(NewRemoteBatch {
                chunk: u32::try_from(remotes.len()).unwrap_or(u32::MAX),
                model,
                jobs: chunk.to_vec(),
            });
        }
    }
    remotes
}

/// The wait before the next look at a remote batch looked at `polls` times: the queue's interval
/// doubled per look, at most [`MAX_POLL_DELAY`], at least what the service asked for.
pub(crate) fn poll_delay(interval: Duration, polls: u32, asked: Option<Duration>) -> Duration {
    let delay = interval
        .saturating_mul(1u32 << polls.min(16))
        .min(MAX_POLL_DELAY);
    asked.map_or(delay, |a| a.max(delay))
}

impl Queue {
    /// One round: each remote batch that is due is created, reconciled or looked at once.
    pub async fn remote_batches_step(&self) -> Result<RemoteRound> {
        self.shared.remote_round().await
    }

    /// Rounds until every remote batch has ended or `for_at_most` has passed (a remote batch
    /// takes minutes to hours: the CLI drives them for a bounded time, `resume` again later).
    /// Returns the last round's view.
    pub async fn drive_remote_batches(&self, for_at_most: Duration) -> Result<RemoteRound> {
        let until = tokio::time::Instant::now() + for_at_most;
        loop {
            let round = self.remote_batches_step().await?;
            let Some(next) = round.next_in else {
                return Ok(round);
            };
            let wake = (tokio::time::Instant::now() + next).min(until);
            if tokio::time::Instant::now() >= until {
                return Ok(round);
            }
            tokio::time::sleep_until(wake).await;
        }
    }

    /// The remote batches of batch `batch_id`, as `batch status` shows them.
    pub async fn remote_batch_infos(&self, batch_id: &str) -> Result<Vec<RemoteBatchInfo>> {
        let library = &self.shared.library;
        let mut infos = Vec::new();
        for row in library.remote_batches_of(batch_id).await? {
            let jobs = library.remote_batch_job_ids(&row.id).await?.len();
            infos.push(remote_info(&row, u32::try_from(jobs).unwrap_or(u32::MAX)));
        }
        Ok(infos)
    }

    /// Cancels batch `batch_id`'s remote batches: one never created is never sent; a created one
    /// is cancelled at the service and looked at once more (it may have finished first, and its
    /// results are then stored). The caller cancels the jobs still unfinished afterwards.
    pub async fn cancel_remote_batches(&self, batch_id: &str) -> Result<()> {
        let _turn = self.shared.remote_round.lock().await;
        for row in self.shared.library.remote_batches_of(batch_id).await? {
            self.shared.cancel_remote(row).await?;
        }
        Ok(())
    }
}

impl Queue {
    /// Keeps driving the remote batches in the background while any is live and this queue
    /// exists (the app; a CLI drives them for a bounded time and exits).
    pub fn spawn_remote_driver(&self) {
        if self.shared.remote_driver.swap(true, Ordering::SeqCst) {
            return;
        }
        let weak = Arc::downgrade(&self.shared);
        tokio::spawn(async move {
            loop {
                let Some(shared) = weak.upgrade() else {
                    break;
                };
                let wait = match shared.remote_round().await {
                    Ok(round) if round.live == 0 => {
                        shared.remote_driver.store(false, Ordering::SeqCst);
                        break;
                    }
                    Ok(round) => round.next_in.unwrap_or(MAX_POLL_DELAY).min(MAX_POLL_DELAY),
                    Err(e) => {
                        tracing::warn!(error = %e, "a round over the remote batches failed");
                        MAX_POLL_DELAY / 10
                    }
                };
                drop(shared);
                tokio::time::sleep(wait).await;
            }
        });
    }
}

impl Shared {
    async fn remote_round(self: &Arc<Self>) -> Result<RemoteRound> {
        let _turn = self.remote_round.lock().await;
        let now = super::now_ms();
        for row in self.library.live_remote_batches().await? {
            if row.next_at > now {
                continue;
            }
            let copy = row.clone();
            if let Err(e) = self.remote_step(row).await {
                // One remote batch's trouble (no key, a library error) does not stop the others,
                // and it is looked at again after a back-off, not in a tight loop.
                let wait = poll_delay(self.config.poll_interval, copy.polls, None);
                tracing::warn!(remote = %copy.display_name, error = %e, ?wait, "a remote batch step failed");
                self.remote_later(&copy, wait, true).await?;
            }
        }
        let live = self.library.live_remote_batches().await?;
        let now = super::now_ms();
        let next_in = live
            .iter()
            .map(|r| Duration::from_millis(u64::try_from(r.next_at - now).unwrap_or(0)))
            .min()
            .map(|d| d.max(Duration::from_millis(10)));
        Ok(RemoteRound {
            live: u32::try_from(live.len()).unwrap_or(u32::MAX),
            next_in,
        })
    }

    /// Does the one thing remote batch `row`'s phase calls for.
    async fn remote_step(self: &Arc<Self>, row: RemoteBatchRow) -> Result<()> {
        let Some(jobs) = self.claim_remote_jobs(&row).await? else {
            return Ok(());
        };
        match row.phase.as_str() {
            "unsent" => self.create_remote(row, jobs).await,
            "sending" => self.reconcile_remote(row, jobs).await,
            "created" => self.poll_remote(row, jobs).await,
            _ => Ok(()),
        }
    }

    /// The Gemini client, or why there is none (no key: the remote batch waits).
    pub(super) async fn gemini(&self) -> Result<GeminiClient> {
        let providers = self.providers().await?;
        match providers.get(ProviderKind::Gemini)? {
            Provider::Gemini(client) => Ok(client.clone()),
            _ => Err(CoreError::Internal(
                "the Gemini provider is not Gemini".into(),
            )),
        }
    }

    /// Claims every unfinished job of `row` for this queue; `None` when another live process holds
    /// one of them (it drives the remote batch now). Jobs already past the remote batch (staged,
    /// cancelled, ...) are left out.
    async fn claim_remote_jobs(&self, row: &RemoteBatchRow) -> Result<Option<Vec<JobRecord>>> {
        let mut jobs = Vec::new();
        for id in self.library.remote_batch_job_ids(&row.id).await? {
            let job = self.library.get_job(&id).await?;
            if !waiting::waits_on_remote(&job) {
                continue;
            }
            // Free, ours, expired, or held by a process proven gone (a crash mid-create).
            if !self.claim(&id).await? {
                return Ok(None);
            }
            jobs.push(self.library.get_job(&id).await?);
        }
        Ok(Some(jobs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemini_jobs_in_creates_of_twenty_per_model() {
        let mut jobs = vec![(ProviderKind::Gemini, Model::Gemini31FlashImage); 25];
        jobs.insert(3, (ProviderKind::NanoBanana, Model::NanoBananaPro));
        let plan = plan_remote_batches(&jobs);
        assert_eq!(plan.len(), 2);
        assert_eq!(plan[0].jobs.len(), 20);
        assert_eq!(plan[1].jobs.len(), 5);
        assert!(!plan.iter().any(|r| r.jobs.contains(&3)));
        assert_eq!(plan[1].chunk, 1);
    }

    #[test]
    fn polls_back_off_to_minutes_and_honour_the_service() {
        let second = Duration::from_secs(1);
        assert_eq!(poll_delay(second, 0, None), second);
        assert_eq!(poll_delay(second, 3, None), 8 * second);
        assert_eq!(poll_delay(second, 30, None), MAX_POLL_DELAY);
        assert_eq!(poll_delay(second, 0, Some(19 * second)), 19 * second);
    }
}
