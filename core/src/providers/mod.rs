//! Image generation providers, driven one step at a time by the job queue:
//! [`Provider::submit`], then [`Provider::poll_once`] until it is not pending, then
//! [`Provider::download`] for each URL. A synchronous provider (the demo, Google's Gemini API)
//! answers the submit with [`SubmitOutcome::Immediate`] and is never polled. What each provider
//! can do is data in the catalog; the [`Registry`] holds the ones a profile can use.

pub mod demo;
pub mod download;
pub mod error;
pub mod gemini;
pub(crate) mod input_url;
pub mod nanobanana;
mod outcome;
pub mod registry;
pub mod request;
pub mod retry;

use std::path::Path;
use std::time::Duration;

use tokio::time::Instant;

pub use crate::catalog::{AspectRatio, ImageSize, Model, ProviderKind};
pub use demo::{DEMO_NAME, DemoProvider};
pub use download::{DownloadLimits, DownloadProgress, DownloadedImage};
pub use error::{ProviderError, Service};
pub use nanobanana::{NanoBananaClient, NanoBananaConfig};
pub use outcome::{ImageSource, PollOutcome, SubmitOutcome};
pub use registry::Registry;
pub use request::{GenerationRequest, MAX_IMAGES, WATERMARK_MAX_CHARS};
pub use retry::RetryPolicy;

/// Every provider the app can use; enum dispatch keeps async calls simple and `Send`.
#[derive(Debug, Clone)]
pub enum Provider {
    NanoBanana(NanoBananaClient),
    Gemini(gemini::GeminiClient),
    Demo(DemoProvider),
}

impl Provider {
    /// Which provider this is (stored with each job).
    pub fn kind(&self) -> ProviderKind {
        match self {
            Provider::NanoBanana(_) => ProviderKind::NanoBanana,
            Provider::Gemini(_) => ProviderKind::Gemini,
            Provider::Demo(_) => ProviderKind::Demo,
        }
    }

    /// Validates, then starts a generation. Requests for more images than one task gives must be
    /// split first with [`GenerationRequest::split_into_tasks`] (one job per task).
    pub async fn submit(&self, req: &GenerationRequest) -> Result<SubmitOutcome, ProviderError> {
        self.submit_with(req, &[], None, Duration::from_secs(600))
            .await
    }

    /// [`Provider::submit`] with local input images (sent inline where the provider takes them),
    /// a conversation's `contents` to send instead of a single user turn (Gemini), and the
    /// longest a synchronous call may take.
    pub async fn submit_with(
        &self,
        req: &GenerationRequest,
        inputs: &[gemini::InlineImage],
        contents: Option<Vec<serde_json::Value>>,
        timeout: Duration,
    ) -> Result<SubmitOutcome, ProviderError> {
        match self {
            Provider::NanoBanana(c) => {
                // Library inputs reach Nano Banana only as URLs: the queue adds a link to each
                // (`queue::inputs`) before the submit.
                if !inputs.is_empty() || req.image_urls.len() < req.input_images.len() {
                    return Err(local_inputs_need_sync());
                }
                c.submit(req)
                    .await
                    .map(|task_id| SubmitOutcome::Remote { task_id })
            }
            Provider::Gemini(c) => {
                let answer = c.generate(req, inputs, contents, timeout).await?;
                // A text-only answer is a turn of the conversation (the person can answer it):
                // it goes back to the queue, which keeps it, then reports it.
                if !answer.is_text_only() {
                    answer.check_images(answer.cost)?;
                }
                Ok(SubmitOutcome::Immediate {
                    images: answer.images.into_iter().map(ImageSource::Bytes).collect(),
                    cost: Some(answer.cost),
                    answer: Some(answer.parts),
                })
            }
            Provider::Demo(d) => d
                .generate(req)
                .await
                .map(|images| SubmitOutcome::Immediate {
                    images,
                    cost: Some(0.0),
                    answer: None,
                }),
        }
    }

    /// One status check of a remote task.
    pub async fn poll_once(&self, task_id: &str) -> Result<PollOutcome, ProviderError> {
        match self {
            Provider::NanoBanana(c) => c.poll_once(task_id).await,
            Provider::Gemini(_) | Provider::Demo(_) => Err(no_remote_tasks()),
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
            Provider::Gemini(_) | Provider::Demo(_) => Err(no_remote_tasks()),
        }
    }

    /// The remaining balance, or `None` for providers without one (the demo).
    pub async fn credits(&self) -> Result<Option<f64>, ProviderError> {
        match self {
            Provider::NanoBanana(c) => c.credits().await.map(Some),
            Provider::Gemini(_) | Provider::Demo(_) => Ok(None),
        }
    }
}

/// Nano Banana takes only public URLs; a local file needs sync's presigned URL.
pub fn local_inputs_need_sync() -> ProviderError {
    ProviderError::InvalidInput(
        "Nano Banana takes input images only as public URLs: set up sync (Settings → Sync) so a \
         local file can be handed to it as a short-lived link, or use Gemini, which takes files \
         directly"
            .into(),
    )
}

fn no_remote_tasks() -> ProviderError {
    ProviderError::InvalidInput(
        "this provider finishes at submit; it has no remote tasks or URLs".into(),
    )
}
