//! Image generation providers, driven one step at a time by the job queue:
//! [`Provider::submit`], then [`Provider::poll_once`] until it is not pending, then
//! [`Provider::download`] for each URL. A synchronous provider (the demo, later Google Gemini's
//! inline images) answers the submit with [`SubmitOutcome::Immediate`] and is never polled, so
//! adding one touches neither the queue nor the other providers.

pub mod demo;
pub mod dimensions;
pub mod download;
pub mod error;
pub mod nanobanana;
pub mod net;
pub mod pricing;
pub mod request;
pub mod retry;

use std::path::Path;
use std::time::Duration;

use tokio::time::Instant;

pub use demo::{DEMO_NAME, DemoProvider};
pub use dimensions::{AspectRatio, Resolution, SizePreset};
pub use download::{DownloadLimits, DownloadProgress, DownloadedImage};
pub use error::ProviderError;
pub use nanobanana::{NanoBananaClient, NanoBananaConfig};
pub use pricing::{GenerationTimeouts, PriceTable};
pub use request::{GenerationRequest, MAX_IMAGES, Model};
pub use retry::RetryPolicy;

/// An image a provider produced: somewhere to fetch it, or the bytes themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    Url(String),
    Bytes(Vec<u8>),
}

/// What a submit gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// A remote task to poll with [`Provider::poll_once`].
    Remote { task_id: String },
    /// The images are already here (synchronous providers).
    Immediate { images: Vec<ImageSource> },
}

/// One look at a remote task.
#[derive(Debug)]
pub enum PollOutcome {
    /// Still generating; ask again later.
    Pending { raw: serde_json::Value },
    /// Finished. `urls` are the images to download; `fallback_urls` are other copies (the
    /// upstream `originImageUrl`, short-lived) to try if one of them is gone.
    Done {
        urls: Vec<String>,
        fallback_urls: Vec<String>,
        raw: serde_json::Value,
    },
    /// Finished without images (successFlag 2 or 3). Terminal: polling again changes nothing.
    Failed {
        error: ProviderError,
        raw: serde_json::Value,
    },
}

/// A remote task that finished with images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedTask {
    pub urls: Vec<String>,
    pub fallback_urls: Vec<String>,
    pub polls: u32,
}

/// Every provider the app can use; enum dispatch keeps async calls simple and `Send`.
#[derive(Debug, Clone)]
pub enum Provider {
    NanoBanana(NanoBananaClient),
    Demo(DemoProvider),
}

impl Provider {
    /// Stored with each job: `nanobanana` or `demo`.
    pub fn id(&self) -> &'static str {
        match self {
            Provider::NanoBanana(_) => "nanobanana",
            Provider::Demo(_) => DEMO_NAME,
        }
    }

    /// The model name stored with the images of `req`.
    pub fn model_name(&self, req: &GenerationRequest) -> &'static str {
        match self {
            Provider::NanoBanana(_) => req.model.as_str(),
            Provider::Demo(_) => DEMO_NAME,
        }
    }

    pub fn prices(&self) -> PriceTable {
        match self {
            Provider::NanoBanana(c) => c.config().prices,
            Provider::Demo(_) => PriceTable::FREE,
        }
    }

    /// Validates, then starts a generation. Requests for more images than one task gives must be
    /// split first with [`GenerationRequest::split_into_tasks`] (one job per task).
    pub async fn submit(&self, req: &GenerationRequest) -> Result<SubmitOutcome, ProviderError> {
        match self {
            Provider::NanoBanana(c) => c
                .submit(req)
                .await
                .map(|task_id| SubmitOutcome::Remote { task_id }),
            Provider::Demo(d) => d
                .generate(req)
                .await
                .map(|images| SubmitOutcome::Immediate { images }),
        }
    }

    /// One status check of a remote task.
    pub async fn poll_once(&self, task_id: &str) -> Result<PollOutcome, ProviderError> {
        match self {
            Provider::NanoBanana(c) => c.poll_once(task_id).await,
            Provider::Demo(_) => Err(no_remote_tasks()),
        }
    }

    /// Streams one result image to `dest`; fails with a typed error when the download stalls for
    /// the idle timeout, passes `deadline`, or exceeds the size limits.
    pub async fn download(
        &self,
        url: &str,
        dest: &Path,
        progress: impl FnMut(DownloadProgress) + Send,
        deadline: Instant,
    ) -> Result<DownloadedImage, ProviderError> {
        match self {
            Provider::NanoBanana(c) => c.download(url, dest, progress, deadline).await,
            Provider::Demo(_) => Err(no_remote_tasks()),
        }
    }

    /// The remaining balance, or `None` for providers without one (the demo).
    pub async fn credits(&self) -> Result<Option<f64>, ProviderError> {
        match self {
            Provider::NanoBanana(c) => c.credits().await.map(Some),
            Provider::Demo(_) => Ok(None),
        }
    }

    /// Polls every `interval` until the task finishes, fails, or `timeout` passes. A terminal
    /// failure returns at once (one poll, no more requests). The queue has its own loop around
    /// [`Provider::poll_once`]; this one serves the CLI and tests.
    pub async fn wait_for_result(
        &self,
        task_id: &str,
        interval: Duration,
        timeout: Duration,
    ) -> Result<FinishedTask, ProviderError> {
        let started = Instant::now();
        let deadline = started + timeout;
        let mut polls = 0;
        loop {
            polls += 1;
            match self.poll_once(task_id).await? {
                PollOutcome::Done {
                    urls,
                    fallback_urls,
                    ..
                } => {
                    return Ok(FinishedTask {
                        urls,
                        fallback_urls,
                        polls,
                    });
                }
                PollOutcome::Failed { error, .. } => return Err(error),
                PollOutcome::Pending { .. } => {}
            }
            if Instant::now() + interval > deadline {
                return Err(ProviderError::Timeout {
                    what: format!("generation of task {task_id}"),
                    after: started.elapsed(),
                });
            }
            tokio::time::sleep(interval).await;
        }
    }
}

fn no_remote_tasks() -> ProviderError {
    ProviderError::InvalidInput(
        "the demo provider finishes at submit; it has no remote tasks or URLs".into(),
    )
}
