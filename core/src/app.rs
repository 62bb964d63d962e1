use std::sync::Arc;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::library::{JobRecord, Library};
use crate::profile::{LOCAL_PROFILE_ID, ProfileKind};
use crate::providers::GenerationRequest;
use crate::queue::{CreditsInfo, GenerateOptions, JobEvent, ProviderKind, Queue, ResumeReport};
use crate::{CoreConfig, Result};

/// The one value the shell and the CLI hold: configuration, the open library of the profile in
/// use and its generation queue. Built once; cheap to share (`Arc` inside).
///
/// Opening does not resume anything: the app calls [`AppCore::resume_unfinished`] once at start
/// (and `nanoforge resume` does), while a `nanoforge generate` leaves other jobs alone.
#[derive(Clone)]
pub struct AppCore {
    inner: Arc<Inner>,
}

struct Inner {
    config: CoreConfig,
    library: Library,
    queue: Queue,
}

/// What the shell shows about the running core.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub profile_id: String,
    pub library_dir: String,
    pub job_count: u32,
}

impl AppCore {
    pub async fn open(config: CoreConfig) -> Result<Self> {
        config.check()?;
        let library = Library::open(&config.data_dir, LOCAL_PROFILE_ID, ProfileKind::Local).await?;
        let queue = Queue::new(library.clone(), config.clone())?;
        let core = Self {
            inner: Arc::new(Inner {
                config,
                library,
                queue,
            }),
        };
        // Saved preferences (prices, concurrency) win over the configuration's defaults.
        if let Some(settings) = core.library().load_settings().await? {
            core.apply_settings(&settings).await;
        }
        Ok(core)
    }

    pub fn queue(&self) -> &Queue {
        &self.inner.queue
    }

    /// Records the jobs of `request` (one per task) and starts them; returns once they are
    /// recorded. Invalid input is refused before anything is recorded or sent.
    pub async fn generate(&self, request: GenerationRequest) -> Result<Vec<JobRecord>> {
        self.queue()
            .generate(request, GenerateOptions::default())
            .await
    }

    /// [`AppCore::generate`] with a provider or timeout chosen.
    pub async fn generate_with(
        &self,
        request: GenerationRequest,
        options: GenerateOptions,
    ) -> Result<Vec<JobRecord>> {
        self.queue().generate(request, options).await
    }

    /// Waits for a job to finish (here or in another process) and returns it.
    pub async fn wait(&self, job_id: &str) -> Result<JobRecord> {
        self.queue().wait(job_id).await
    }

    /// Progress of every job this process drives.
    pub fn subscribe(&self) -> broadcast::Receiver<JobEvent> {
        self.queue().subscribe()
    }

    pub async fn resume_unfinished(&self) -> Result<ResumeReport> {
        self.queue().resume_unfinished().await
    }

    pub async fn cancel(&self, job_id: &str) -> Result<JobRecord> {
        self.queue().cancel(job_id).await
    }

    pub async fn retry(&self, job_id: &str) -> Result<JobRecord> {
        self.queue().retry(job_id).await
    }

    pub async fn credits(&self) -> Result<CreditsInfo> {
        self.queue().credits().await
    }

    /// Nano Banana when an API key is known, else the offline demo provider.
    pub async fn default_provider(&self) -> Result<ProviderKind> {
        self.queue().default_provider().await
    }

    /// Stops driving jobs and releases their leases, so another process can resume them at once.
    pub async fn shutdown(&self) -> Result<u32> {
        self.queue().shutdown().await
    }

    pub fn config(&self) -> &CoreConfig {
        &self.inner.config
    }

    pub fn library(&self) -> &Library {
        &self.inner.library
    }

    pub async fn app_info(&self) -> Result<AppInfo> {
        let library = self.library();
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            profile_id: library.profile_id().to_owned(),
            library_dir: library.root().display().to_string(),
            job_count: u32::try_from(library.job_count().await?).unwrap_or(u32::MAX),
        })
    }
}
