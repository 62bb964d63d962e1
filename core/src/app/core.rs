//! [`AppCore`] itself: what the device holds (configuration, secrets, profiles, sign-in, the event
//! stream, the current-session swap) and how it opens. Profiles and sign-in are in `accounts.rs`,
//! automatic syncs in `auto_sync.rs`; everything per profile is a [`Session`] method.

use std::sync::{Arc, RwLock, Weak};

use serde::Serialize;
use tokio::sync::{broadcast, watch};
use tokio_util::sync::CancellationToken;

use super::events::{Bus, CoreEvent, EVENT_BUFFER, JobEvents};
use super::profiles::ProfileSummary;
use super::session::Session;
use crate::accounts::signin::PendingSignIn;
use crate::accounts::{IdentityProvider, Profile, ProfileRegistry, SecretStore, Secrets};
use crate::{CoreConfig, CoreError, Result};

/// A sign-in waiting for the browser, and how to call it off.
pub(super) struct SignInSlot {
    pub(super) pending: Option<PendingSignIn>,
    pub(super) cancel: CancellationToken,
}

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
    pub(super) inner: Arc<Inner>,
}

/// An [`AppCore`] that does not keep it alive (background tasks hold one).
#[derive(Clone)]
pub struct WeakAppCore(Weak<Inner>);

impl WeakAppCore {
    pub fn upgrade(&self) -> Option<AppCore> {
        self.0.upgrade().map(|inner| AppCore { inner })
    }
}

pub(super) struct Inner {
    pub(super) config: CoreConfig,
    pub(super) secrets: Secrets,
    pub(super) registry: ProfileRegistry,
    pub(super) session: RwLock<Arc<Session>>,
    /// Serialises profile switches (and sign-ins that end in one).
    pub(super) switching: tokio::sync::Mutex<()>,
    pub(super) bus: Bus,
    pub(super) profile_tx: watch::Sender<ProfileSummary>,
    pub(super) sign_in: tokio::sync::Mutex<Option<SignInSlot>>,
    /// The provider of the sign-in configuration last used (rebuilt when it changes).
    pub(super) identity: tokio::sync::Mutex<Option<IdentityProvider>>,
    /// Cancelled when the core shuts down or is dropped: background tasks end.
    pub(super) stopped: CancellationToken,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stopped.cancel();
    }
}

/// A marker in the data folder: the first-run welcome was dismissed.
const WELCOME_DISMISSED: &str = "welcome-dismissed";

/// What the shell shows about the running core.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub profile_id: String,
    /// The open profile's image URL key (`nf://localhost/<profile>/<key>/thumb/<sha256>`): new
    /// each time a profile opens.
    pub image_url_key: String,
    /// The data folder, for display ("where your data lives"); files are reached by id only.
    pub data_dir: String,
    pub job_count: u32,
    /// The first-run welcome was dismissed on this device (it does not come back).
    pub welcome_dismissed: bool,
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
        // The NANOFORGE_SYNC_* variables are this profile's only (see `sync_env_profile`).
        let mut config = config;
        config
            .sync_env_profile
            .get_or_insert_with(|| profile.id.clone());
        crate::library::create_private_dir(&config.data_dir).await?;
        let (bus, _) = broadcast::channel(EVENT_BUFFER);
        let session = Session::open(&config, &secrets, profile, &bus).await?;
        let (profile_tx, _) = watch::channel(ProfileSummary::of(session.profile(), true));
        let core = Self {
            inner: Arc::new(Inner {
                config,
                secrets,
                registry,
                session: RwLock::new(Arc::new(session)),
                switching: tokio::sync::Mutex::new(()),
                bus,
                profile_tx,
                sign_in: tokio::sync::Mutex::new(None),
                identity: tokio::sync::Mutex::new(None),
                stopped: CancellationToken::new(),
            }),
        };
        core.after_open();
        Ok(core)
    }

    /// The current profile's session. Resolve it once per operation and do the whole operation
    /// on it: after a switch it is no longer the one the user sees, but it stays the one the
    /// operation started in.
    pub fn session(&self) -> Arc<Session> {
        Arc::clone(&self.inner.session.read().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn downgrade(&self) -> WeakAppCore {
        WeakAppCore(Arc::downgrade(&self.inner))
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

    /// Everything that happens, of every profile (see [`CoreEvent`]).
    pub fn subscribe(&self) -> broadcast::Receiver<CoreEvent> {
        self.inner.bus.subscribe()
    }

    /// Job progress only (the CLI's progress bars, tests).
    pub fn job_events(&self) -> JobEvents {
        JobEvents::new(self.subscribe())
    }

    /// The open profile; changes when the user switches, signs in, signs out or removes one.
    pub fn watch_profile(&self) -> watch::Receiver<ProfileSummary> {
        self.inner.profile_tx.subscribe()
    }

    /// Paid requests of the open profile in flight now (a Gemini call; a submit whose task id
    /// has not arrived).
    pub fn paid_requests_in_flight(&self) -> u32 {
        self.session().paid_requests_in_flight()
    }

    /// Quitting gracefully (the first Ctrl-C, SIGTERM or SIGHUP; the window closed): no new paid
    /// request starts, the ones in flight are waited for until their answer or task id is
    /// recorded (each bounded by its own timeout), then every job is handed back. Says so on the
    /// event stream first. A second interrupt calls [`AppCore::shutdown`] instead of waiting.
    pub async fn quit(&self) -> Result<u32> {
        let session = self.session();
        let paid_requests = session.paid_requests_in_flight();
        let _ = self.inner.bus.send(CoreEvent::Quitting { paid_requests });
        self.inner.stopped.cancel();
        session.finish_paid_requests().await;
        session.shutdown().await
    }

    /// Stops background work and hands the open profile's jobs back (leases released) at once,
    /// so a CLI or the next start resumes them. A paid request in flight is cut off: its job is
    /// left in its honest state (may be charged, never resent).
    pub async fn shutdown(&self) -> Result<u32> {
        self.inner.stopped.cancel();
        self.session().shutdown().await
    }

    pub async fn app_info(&self) -> Result<AppInfo> {
        let session = self.session();
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            profile_id: session.profile().id.clone(),
            image_url_key: session.image_url_key().to_owned(),
            data_dir: self.config().data_dir.display().to_string(),
            job_count: session.job_count().await?,
            welcome_dismissed: self.config().data_dir.join(WELCOME_DISMISSED).exists(),
        })
    }

    /// The first-run welcome is not shown again on this device.
    pub async fn dismiss_welcome(&self) -> Result<()> {
        let dir = self.config().data_dir.clone();
        crate::private_fs::create_dir_all_async(&dir).await?;
        tokio::fs::write(dir.join(WELCOME_DISMISSED), b"").await?;
        Ok(())
    }

    /// Background work when a profile opens: resuming its unfinished jobs (the app only).
    pub(super) fn after_open(&self) {
        if !self.config().auto_resume {
            return;
        }
        let session = self.session();
        tokio::spawn(async move {
            match session.resume_unfinished().await {
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
