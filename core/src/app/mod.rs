//! [`AppCore`]: the one value the shell and the CLI hold. It owns the configuration, the secret
//! store, the device's profiles, one event bus, and the *current session* — the open library and
//! generation queue of one profile — behind a swap. Everything a command does goes through the
//! current session, so nothing outside the core can reach the library of a profile that is not
//! open; switching profiles swaps the session whole.

mod accounts;
mod files;
mod inputs;
mod session;
mod settings;
mod sync;

use std::sync::{Arc, RwLock};

use serde::Serialize;
use tokio::sync::{broadcast, watch};

pub use accounts::{AccountsState, ProfileSummary};
pub use session::Session;
pub use settings::ApiKeyStatus;
pub use sync::{INPUT_URL_TTL, SyncEvent};

use crate::accounts::{IdentityProvider, Profile, ProfileRegistry, SecretStore, Secrets};
use crate::library::JobRecord;
use crate::providers::GenerationRequest;
use crate::queue::{
    CreditsInfo, EVENT_BUFFER, GenerateOptions, JobEvent, ProviderKind, ResumeReport,
};
use crate::{CoreConfig, CoreError, Result};

/// Which profile [`AppCore::open`] opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileChoice {
    /// The device's current profile (`local` if none was chosen or it is gone).
    Current,
    /// This one; an unknown id is an error and creates nothing.
    Named(String),
}

/// Built once; cheap to share (`Arc` inside).
#[derive(Clone)]
pub struct AppCore {
    inner: Arc<Inner>,
}

struct Inner {
    config: CoreConfig,
    secrets: Secrets,
    registry: ProfileRegistry,
    session: RwLock<Arc<Session>>,
    /// Serialises profile switches (and sign-ins that end in one).
    switching: tokio::sync::Mutex<()>,
    events: broadcast::Sender<JobEvent>,
    profile_tx: watch::Sender<ProfileSummary>,
    sign_in: tokio::sync::Mutex<Option<accounts::SignInSlot>>,
    identity: tokio::sync::OnceCell<IdentityProvider>,
    sync_events: broadcast::Sender<sync::SyncEvent>,
}

/// What the shell shows about the running core.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub profile_id: String,
    /// The data folder, for display ("where your data lives"); files are reached by id only.
    pub data_dir: String,
    pub job_count: u32,
}

impl AppCore {
    /// Opens `choice`'s library with `store` as the secret store. Opening needs no network, so
    /// an offline start opens the last library. With `config.auto_resume`, the profile's
    /// unfinished jobs continue in the background.
    pub async fn open(
        config: CoreConfig,
        store: Arc<dyn SecretStore>,
        choice: ProfileChoice,
    ) -> Result<Self> {
        let secrets = if config.secret_env_overrides {
            Secrets::with_env(store, |name| std::env::var(name).ok())
        } else {
            Secrets::new(store)
        };
        Self::open_with(config, secrets, choice).await
    }

    /// [`AppCore::open`] with the secrets already wrapped (tests pass their own environment).
    pub async fn open_with(
        config: CoreConfig,
        secrets: Secrets,
        choice: ProfileChoice,
    ) -> Result<Self> {
        config.check()?;
        let registry = ProfileRegistry::new(&config.data_dir);
        let profile = match choice {
            ProfileChoice::Current => {
                let id = registry.current_id()?;
                registry.get(&id)?.unwrap_or_else(Profile::local)
            }
            ProfileChoice::Named(id) => registry.get(id.trim())?.ok_or_else(|| {
                CoreError::NotFound(format!("profile {id} (see `nanoforge account list`)"))
            })?,
        };
        crate::library::create_private_dir(&config.data_dir).await?;
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let session = Session::open(&config, &secrets, profile, &events).await?;
        let (profile_tx, _) = watch::channel(ProfileSummary::of(session.profile(), true));
        let core = Self {
            inner: Arc::new(Inner {
                config,
                secrets,
                registry,
                session: RwLock::new(Arc::new(session)),
                switching: tokio::sync::Mutex::new(()),
                events,
                profile_tx,
                sign_in: tokio::sync::Mutex::new(None),
                identity: tokio::sync::OnceCell::new(),
                sync_events: broadcast::channel(EVENT_BUFFER).0,
            }),
        };
        core.after_open();
        Ok(core)
    }

    /// The current profile's session. Hold it only for one operation: after a switch it is no
    /// longer the one the user sees.
    pub fn session(&self) -> Arc<Session> {
        Arc::clone(&self.inner.session.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// The open profile's library (a cheap handle; see [`AppCore::session`] for how long to keep it).
    pub fn library(&self) -> crate::library::Library {
        self.session().library().clone()
    }

    /// The folder of the app's log files (made if missing), for "Open logs folder".
    pub fn logs_dir(&self) -> Result<std::path::PathBuf> {
        let dir = crate::logging::log_dir(&self.config().data_dir);
        crate::private_fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    pub fn config(&self) -> &CoreConfig {
        &self.inner.config
    }

    pub fn secrets(&self) -> &Secrets {
        &self.inner.secrets
    }

    /// Progress of every job of the open profile (and of a profile being closed, until its queue
    /// stops); each event names its profile.
    pub fn subscribe(&self) -> broadcast::Receiver<JobEvent> {
        self.inner.events.subscribe()
    }

    /// The open profile; changes when the user switches, signs in, signs out or removes one.
    pub fn watch_profile(&self) -> watch::Receiver<ProfileSummary> {
        self.inner.profile_tx.subscribe()
    }

    /// Records the jobs of `request` (one per task) and starts them; returns once they are
    /// recorded. Invalid input is refused before anything is recorded or sent.
    pub async fn generate(&self, request: GenerationRequest) -> Result<Vec<JobRecord>> {
        self.generate_with(request, GenerateOptions::default())
            .await
    }

    /// [`AppCore::generate`] with a provider or timeout chosen.
    pub async fn generate_with(
        &self,
        mut request: GenerationRequest,
        options: GenerateOptions,
    ) -> Result<Vec<JobRecord>> {
        let options = self.inputs_for_provider(&mut request, options).await?;
        self.session().queue().generate(request, options).await
    }

    /// Waits for a job to finish (here or in another process) and returns it.
    pub async fn wait(&self, job_id: &str) -> Result<JobRecord> {
        self.session().queue().wait(job_id).await
    }

    pub async fn resume_unfinished(&self) -> Result<ResumeReport> {
        self.session().queue().resume_unfinished().await
    }

    pub async fn cancel(&self, job_id: &str) -> Result<JobRecord> {
        self.session().queue().cancel(job_id).await
    }

    /// Recovers a paid job whose result may exist: re-poll and re-download, never resubmit.
    pub async fn retry(&self, job_id: &str) -> Result<JobRecord> {
        self.session().queue().retry(job_id).await
    }

    /// Runs a job's request again as a new paid job linked to it.
    pub async fn rerun(&self, job_id: &str, options: GenerateOptions) -> Result<Vec<JobRecord>> {
        let session = self.session();
        let old = session.library().get_job(job_id).await?;
        if old.input_image_ids.is_empty() {
            return session.queue().rerun(job_id, options).await;
        }
        // Inputs from the library: their old presigned URLs may have expired, so they are made
        // again (and Gemini gets the bytes) the way a new request's are.
        let mut request = crate::queue::request_of(&old)?;
        request.image_urls.retain(|url| !sync::is_presigned(url));
        self.generate_with(request, options.rerun_of(&old)).await
    }

    /// This month's spend against the open profile's budget.
    pub async fn budget_status(&self) -> Result<crate::queue::BudgetStatus> {
        self.session().queue().budget_status().await
    }

    /// Where a job comes from and what was made from it.
    pub async fn job_family(&self, job_id: &str) -> Result<crate::library::JobFamily> {
        self.session().library().job_family(job_id).await
    }

    pub async fn credits(&self) -> Result<CreditsInfo> {
        self.session().queue().credits().await
    }

    /// Nano Banana when an API key is known, else the offline demo provider.
    pub async fn default_provider(&self) -> Result<ProviderKind> {
        self.session().queue().default_provider().await
    }

    /// Providers that can generate for the open profile (those with a key, and the demo).
    pub async fn available_providers(&self) -> Result<Vec<ProviderKind>> {
        self.session().queue().available_providers().await
    }

    /// Stops driving jobs and releases their leases, so another process can resume them at once.
    /// The app calls it when it quits; the CLI when it exits.
    pub async fn shutdown(&self) -> Result<u32> {
        self.session().queue().shutdown().await
    }

    pub async fn app_info(&self) -> Result<AppInfo> {
        let session = self.session();
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            profile_id: session.profile().id.clone(),
            data_dir: self.config().data_dir.display().to_string(),
            job_count: u32::try_from(session.library().job_count().await?).unwrap_or(u32::MAX),
        })
    }

    /// Background work when a profile opens: resuming its unfinished jobs (the app only).
    fn after_open(&self) {
        if !self.config().auto_resume {
            return;
        }
        let session = self.session();
        tokio::spawn(async move {
            match session.queue().resume_unfinished().await {
                Ok(report) => {
                    tracing::info!(profile = %session.profile().id, ?report, "resumed unfinished jobs")
                }
                Err(e) => {
                    tracing::warn!(profile = %session.profile().id, error = %e, "could not resume unfinished jobs")
                }
            }
        });
    }
}
