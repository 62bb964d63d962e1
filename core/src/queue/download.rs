//! DOWNLOADING → COMPLETED: each result is streamed to a staging file inside the library folder
//! and ingested as the service sent it (generation metadata embedded). A slot already stored (a
//! resumed job) is skipped, so a restart never stores an image twice. A failed download or ingest
//! is tried again within the job's budget; past it the job is recoverable (the URLs are kept).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::job_data::ResultUrls;
use super::runner::{RunCtx, Step};
use super::shared::Shared;
use super::{JobStage, now_ms};
use crate::crash::{CrashPoint, crash_point};
use crate::library::{
    EmbeddedMetadata, ImageFlag, IngestOptions, IngestSource, JobPurpose, JobRecord, JobStatus,
    JobUpdate,
};
use crate::providers::{DownloadProgress, DownloadedImage, ImageSource, Provider, ProviderError};
use crate::{CoreError, Result};

/// Staging folder inside the library (same file system as the store, outside what the integrity
/// scan looks at).
const STAGING_DIR: &str = "downloads";
const STAGING_PREFIX: &str = ".dl-";
/// A staging folder this old belongs to no running download.
const STALE_STAGING: Duration = Duration::from_secs(24 * 3600);
/// Download progress is reported at most this often per image.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

impl Shared {
    /// Downloads and stores every result slot not stored yet, then completes the job. A failure
    /// is tried again after a back-off while the job's budget lasts.
    pub(super) async fn fetch_results(
        &self,
        job: JobRecord,
        provider: &Provider,
        ctx: &mut RunCtx,
        cancel: &CancellationToken,
    ) -> Result<Step> {
        let results = ResultUrls::of_job(&job)?;
        match self
            .fetch_slots(&job, provider, &results, ctx, cancel)
            .await
        {
            Ok(true) => {
                if !results.staged.is_empty() {
                    let (root, id) = (self.library.root().to_path_buf(), job.id.clone());
                    tokio::task::spawn_blocking(move || super::staging::remove(&root, &id))
                        .await??;
                }
                let step = self.complete(job).await?;
                if let Step::Finished(job) = &step {
                    self.learn_credits(job, provider, ctx).await;
                }
                Ok(step)
            }
            Ok(false) => Ok(Step::Lost),
            // Our own storage failing is not the download's fault: no point asking again.
            Err(e @ (CoreError::Io(_) | CoreError::Database(_))) => Err(e),
            // A staged answer the library refuses (not an image, over the limits) will never
            // store: nothing is left to recover, the job fails as charged.
            Err(e) if !results.staged.is_empty() => {
                self.drop_staged_answer(&job).await?;
                Err(e)
            }
            // A result that keeps failing the same way (404, not an image, too large): say why.
            Err(e) if ctx.failing_for(self.config.failure_streak_limit) => Err(e),
            Err(e) if tokio::time::Instant::now() < ctx.deadline => {
                let delay = ctx.backoff(self.config.poll_interval, None);
                tracing::warn!(job = %job.id, error = %e, ?delay, "fetching the result failed; trying again");
                Ok(Step::Wait(job, delay))
            }
            Err(e) => Err(e),
        }
    }

    /// `Ok(false)` when cancelled.
    async fn fetch_slots(
        &self,
        job: &JobRecord,
        provider: &Provider,
        results: &ResultUrls,
        ctx: &RunCtx,
        cancel: &CancellationToken,
    ) -> Result<bool> {
        let slots = results.slots();
        for slot in 0..slots {
            if self.library.image_at(&job.id, slot).await?.is_some() {
                continue;
            }
            if let Some(staged) = results.staged.get(slot as usize) {
                // A paid answer already on disk: stored as it is, no request.
                self.events.emit(
                    &job.id,
                    JobStage::Ingesting {
                        image: slot,
                        images: slots,
                    },
                );
                crash_point(CrashPoint::WhileIngesting);
                let source = IngestSource::File(self.library.absolute_path(staged)?);
                self.ingest_answer(job, slot, source).await?;
                continue;
            }
            let staging = self.staging_dir().await?;
            let dest = staging.path().join("image");
            let fetched = tokio::select! {
                fetched = self.download_slot(job, provider, results, slot, &dest, ctx.deadline) => fetched,
                () = cancel.cancelled() => return Ok(false),
            }?;
            self.events.emit(
                &job.id,
                JobStage::Ingesting {
                    image: slot,
                    images: slots,
                },
            );
            crash_point(CrashPoint::WhileIngesting);
            let source = IngestSource::File(fetched.path);
            self.ingest_answer(job, slot, source).await?;
            tokio::task::spawn_blocking(move || drop(staging)).await?;
        }
        Ok(true)
    }

    /// Stores one answer image of `job` in slot `slot` (a masked edit's composited first).
    async fn ingest_answer(&self, job: &JobRecord, slot: u32, source: IngestSource) -> Result<()> {
        let mut options = ingest_options(job);
        let source = if job.mask_edit.is_some() {
            let answer = match source {
                IngestSource::Bytes(bytes) => bytes,
                IngestSource::File(path) => tokio::fs::read(&path).await?,
            };
            match self.composite_answer(job, answer).await? {
                Some(done) => {
                    options.flag = done.flag;
                    IngestSource::Bytes(done.png)
                }
                None => return Err(CoreError::Internal("a masked edit lost its record".into())),
            }
        } else {
            source
        };
        let image = self
            .library
            .ingest_image(Some(&job.id), slot, source, options)
            .await?;
        // An upscale answered well below the size asked for is kept (it was paid for), flagged.
        if job.purpose == Some(JobPurpose::Upscale)
            && f64::from(image.width.max(image.height))
                < 0.9 * f64::from(job.image_size.long_side())
        {
            self.library
                .set_image_flag(&image.id, ImageFlag::WrongSize)
                .await?;
        }
        Ok(())
    }

    /// Stores images a synchronous provider returned (the demo), then completes the job.
    pub(super) async fn store_inline(
        &self,
        job: JobRecord,
        images: Vec<ImageSource>,
    ) -> Result<Step> {
        let slots = u32::try_from(images.len()).unwrap_or(u32::MAX);
        for (slot, image) in (0..slots).zip(images) {
            if self.library.image_at(&job.id, slot).await?.is_some() {
                continue;
            }
            let ImageSource::Bytes(bytes) = image else {
                return Err(CoreError::Provider(ProviderError::Protocol {
                    message: "a synchronous provider returned a URL instead of image bytes".into(),
                }));
            };
            let stage = JobStage::Ingesting {
                image: slot,
                images: slots,
            };
            self.events.emit(&job.id, stage);
            self.ingest_answer(&job, slot, IngestSource::Bytes(bytes))
                .await?;
        }
        self.complete(job).await
    }

    async fn complete(&self, job: JobRecord) -> Result<Step> {
        // A remote job's duration (the provider's work) was recorded when its result was ready;
        // a synchronous one's ends now.
        let duration = match (job.duration_ms, job.submitted_at) {
            (None, Some(at)) => Some(u64::try_from(now_ms() - at as i64).unwrap_or(0)),
            _ => None,
        };
        let update = JobUpdate {
            status: Some(JobStatus::Completed),
            duration_ms: duration,
            // Synchronous providers answer with the images: that answer is the charge.
            cost: (job.cost == 0.0).then_some(job.estimated_cost),
            clear_error: true,
            ..JobUpdate::default()
        };
        Ok(match self.commit(&job.id, update).await? {
            Some(job) => Step::Finished(job),
            None => Step::Lost,
        })
    }

    /// Forgets a staged answer that cannot be stored (the row first, then the files).
    async fn drop_staged_answer(&self, job: &JobRecord) -> Result<()> {
        let nothing = ResultUrls {
            urls: Vec::new(),
            fallback_urls: Vec::new(),
            raw: None,
            staged: Vec::new(),
        };
        let update = JobUpdate {
            response_data: Some(nothing.to_response_data()?),
            ..JobUpdate::default()
        };
        self.commit(&job.id, update).await?;
        let (root, id) = (self.library.root().to_path_buf(), job.id.clone());
        tokio::task::spawn_blocking(move || super::staging::remove(&root, &id)).await?
    }

    /// A finished job of a provider with a balance: the balance now against the one read before
    /// its submit is what it took, when no other submit of this library ran in between. Nothing
    /// here may fail the job: a balance that cannot be read teaches nothing.
    async fn learn_credits(&self, job: &JobRecord, provider: &Provider, ctx: &RunCtx) {
        let Some((before, at)) = ctx.balance_before else {
            return;
        };
        let Ok(Some(after)) = provider.credits().await else {
            return;
        };
        let now = now_ms();
        // A submit recorded shortly before the first read may still have reached the service
        // after it: the window reaches back by the longest a submit may take.
        let reach = i64::try_from(self.config.request_timeout.as_millis()).unwrap_or(i64::MAX);
        let from = at.saturating_sub(reach);
        match self.library.other_submits_between(&job.id, from, now).await {
            Ok(false) => {}
            Ok(true) => return,
            Err(e) => {
                tracing::debug!(error = %e, "could not check for other submits");
                return;
            }
        }
        let recorded = self
            .library
            .record_charged_credits(
                &job.id,
                job.provider,
                job.model,
                job.image_size,
                job.num_images,
                before - after,
            )
            .await;
        if let Err(e) = recorded {
            tracing::warn!(job = %job.id, error = %e, "could not record the credits a job took");
        }
    }

    /// One slot's image, from its URL or, if that copy is gone, from the fallback copy.
    async fn download_slot(
        &self,
        job: &JobRecord,
        provider: &Provider,
        results: &ResultUrls,
        slot: u32,
        dest: &Path,
        deadline: Instant,
    ) -> Result<DownloadedImage> {
        let index = slot as usize;
        let primary = results.urls.get(index).ok_or_else(|| {
            CoreError::Internal(format!("job {} has no URL for image {slot}", job.id))
        })?;
        let first = self
            .download_url(
                job,
                provider,
                primary,
                slot,
                results.slots(),
                dest,
                deadline,
            )
            .await;
        let error = match first {
            Ok(image) => return Ok(image),
            Err(e) => e,
        };
        let replaceable = matches!(
            error,
            ProviderError::ResultUnavailable { .. }
                | ProviderError::Download { .. }
                | ProviderError::NotAnImage { .. }
        );
        match results.fallback_urls.get(index) {
            Some(fallback) if replaceable && fallback != primary => {
                tracing::info!(job = %job.id, slot, error = %error, "trying the fallback copy");
                Ok(self
                    .download_url(
                        job,
                        provider,
                        fallback,
                        slot,
                        results.slots(),
                        dest,
                        deadline,
                    )
                    .await?)
            }
            _ => Err(error.into()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn download_url(
        &self,
        job: &JobRecord,
        provider: &Provider,
        url: &str,
        slot: u32,
        slots: u32,
        dest: &Path,
        deadline: Instant,
    ) -> std::result::Result<DownloadedImage, ProviderError> {
        let events = self.events.clone();
        let job_id = job.id.clone();
        let mut last: Option<std::time::Instant> = None;
        let progress = move |p: DownloadProgress| {
            let finished = p.total.is_some_and(|t| p.received >= t);
            if p.received > 0 && !finished {
                crash_point(CrashPoint::WhileDownloading);
            }
            let due = last.is_none_or(|at| at.elapsed() >= PROGRESS_EVERY);
            if finished || due {
                last = Some(std::time::Instant::now());
                let stage = JobStage::Downloading {
                    image: slot,
                    images: slots,
                    received_bytes: p.received as f64,
                    total_bytes: p.total.map(|t| t as f64),
                };
                events.emit(&job_id, stage);
            }
        };
        provider.download(url, dest, progress, deadline).await
    }

    /// A fresh staging folder, removed when dropped.
    async fn staging_dir(&self) -> Result<tempfile::TempDir> {
        let parent = self.library.root().join(STAGING_DIR);
        let dir = tokio::task::spawn_blocking(move || {
            crate::private_fs::create_dir_all(&parent)?;
            tempfile::Builder::new()
                .prefix(STAGING_PREFIX)
                .tempdir_in(&parent)
        })
        .await??;
        Ok(dir)
    }
}

/// Results are kept as the service sent them (a 4K Pro image is 5504 px wide): never scaled.
fn ingest_options(job: &JobRecord) -> IngestOptions {
    // A conversation's images are stored byte-for-byte as the model sent them (the replay sends
    // them back, and their provenance stays intact); copies that leave carry the metadata.
    let byte_exact = job.provider.info().conversations;
    IngestOptions {
        max_long_side: None,
        metadata: (!byte_exact).then(|| EmbeddedMetadata::from_job(job)),
        ..IngestOptions::default()
    }
}

/// Removes staging folders left by a crash long ago (blocking; run on the blocking pool).
pub(super) fn sweep_stale_staging(library_root: &Path) {
    let parent: PathBuf = library_root.join(STAGING_DIR);
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > STALE_STAGING);
        if name.to_string_lossy().starts_with(STAGING_PREFIX) && stale {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
