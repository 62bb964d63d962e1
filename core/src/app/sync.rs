//! The sync side of [`AppCore`]: the open profile's sync settings and secret, "sync now" with its
//! progress on an event channel, the connection test, automatic syncs, presigned URLs for Nano
//! Banana's image inputs, and originals fetched on demand when this device does not keep them all.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;

use super::AppCore;
use super::session::Session;
use crate::accounts::{Secret, SecretPurpose};
use crate::sync::{
    DeviceInfo, Progress, SyncError, SyncProgress, SyncReport, SyncSettings, SyncStatus, Syncer,
};
use crate::{AppError, CoreError, Result};

/// How long a presigned input URL lives: the provider's queue and retries fit in it, and it is
/// hours, not days.
pub const INPUT_URL_TTL: Duration = Duration::from_secs(6 * 3600);
/// Automatic syncs run this often while the app is open (and after each finished job).
const AUTO_SYNC_EVERY: Duration = Duration::from_secs(5 * 60);

/// What the page hears about syncs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SyncEvent {
    Started,
    Progress { progress: SyncProgress },
    Finished { report: SyncReport },
    Failed { error: AppError },
}

impl AppCore {
    /// The open profile's saved sync settings (without the environment's overrides).
    pub async fn sync_settings(&self) -> Result<SyncSettings> {
        self.session().library().load_sync_settings().await
    }

    /// Saves the sync settings (a location that is set must be valid) and, if given, the secret
    /// access key into the secret store.
    pub async fn update_sync_settings(
        &self,
        settings: SyncSettings,
        secret_access_key: Option<String>,
    ) -> Result<SyncStatus> {
        let session = self.session();
        if settings.is_configured() {
            settings.location(&session.profile().id)?;
        }
        if let Some(secret) = secret_access_key.filter(|s| !s.trim().is_empty()) {
            self.secrets()
                .set(
                    &session.profile().id,
                    SecretPurpose::SyncSecretKey,
                    Secret::new(secret)?,
                )
                .await?;
        }
        session.library().save_sync_settings(&settings).await?;
        self.sync_status().await
    }

    /// Where sync stands (no request is made).
    pub async fn sync_status(&self) -> Result<SyncStatus> {
        let session = self.session();
        let settings = session.library().load_sync_settings().await?.with_env();
        session.library().sync_status(&settings).await
    }

    pub fn subscribe_sync(&self) -> broadcast::Receiver<SyncEvent> {
        self.inner.sync_events.subscribe()
    }

    /// A syncer for `session` from its settings, the environment and its secret.
    async fn syncer(&self, session: &Session) -> Result<Syncer> {
        let settings = session.library().load_sync_settings().await?.with_env();
        self.syncer_for(session, &settings, None).await
    }

    async fn syncer_for(
        &self,
        session: &Session,
        settings: &SyncSettings,
        secret: Option<String>,
    ) -> Result<Syncer> {
        let location = settings.location(&session.profile().id)?;
        let secret = match secret.filter(|s| !s.trim().is_empty()) {
            Some(secret) => secret,
            None => self
                .secrets()
                .resolve(&session.profile().id, SecretPurpose::SyncSecretKey)
                .await?
                .ok_or(SyncError::SecretMissing)?
                .secret
                .expose()
                .to_owned(),
        };
        Ok(Syncer::new(
            session.library().clone(),
            location,
            &secret,
            DeviceInfo::this_device(),
            settings.keep_originals,
        ))
    }

    /// One sync of the open profile's library; waits for one already running here.
    pub async fn sync_now(&self) -> Result<SyncReport> {
        let session = self.session();
        let _one_at_a_time = session.sync_gate().lock().await;
        let events = self.inner.sync_events.clone();
        let _ = events.send(SyncEvent::Started);
        let outcome = match self.syncer(&session).await {
            Ok(syncer) => {
                let sink = events.clone();
                let progress = Progress::new(move |progress| {
                    let _ = sink.send(SyncEvent::Progress { progress });
                });
                syncer.run(&progress).await
            }
            Err(e) => Err(e),
        };
        match &outcome {
            Ok(report) => {
                let _ = events.send(SyncEvent::Finished {
                    report: report.clone(),
                });
            }
            Err(e) => {
                let _ = events.send(SyncEvent::Failed {
                    error: AppError {
                        kind: e.kind(),
                        message: e.to_string(),
                    },
                });
            }
        }
        outcome
    }

    /// Checks a location before it is saved: the bucket can be read (keys, bucket, endpoint,
    /// TLS) and written (a token that may only read is named as such). Leaves nothing behind.
    pub async fn test_sync_connection(
        &self,
        settings: SyncSettings,
        secret_access_key: Option<String>,
    ) -> Result<()> {
        let session = self.session();
        let syncer = self
            .syncer_for(&session, &settings.with_env(), secret_access_key)
            .await?;
        syncer.probe().await
    }

    /// Syncs on start, after each finished job and every few minutes while the app runs, when
    /// the open profile has sync set up with automatic syncs on. Failures (offline) wait for the
    /// next turn.
    pub fn start_auto_sync(&self) {
        let core = self.clone();
        tokio::spawn(async move {
            let mut jobs = core.subscribe();
            let mut profile = core.watch_profile();
            let mut every = tokio::time::interval(AUTO_SYNC_EVERY);
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    event = jobs.recv() => match event {
                        Ok(event) if event.stage.is_final() => {}
                        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                    changed = profile.changed() => if changed.is_err() { return },
                }
                if !core.auto_sync_wanted().await {
                    continue;
                }
                if let Err(e) = core.sync_now().await {
                    tracing::info!(error = %e, "automatic sync did not complete; trying again later");
                }
            }
        });
    }

    async fn auto_sync_wanted(&self) -> bool {
        let session = self.session();
        match session.library().load_sync_settings().await {
            Ok(settings) => {
                let settings = settings.with_env();
                settings.auto_sync && settings.is_configured()
            }
            Err(_) => false,
        }
    }

    /// A URL that Nano Banana can fetch input image `id` from: its original, uploaded to the
    /// sync bucket if it is not there yet, signed for [`INPUT_URL_TTL`].
    pub async fn presign_input(&self, id: &str) -> Result<String> {
        let session = self.session();
        let syncer = match self.syncer(&session).await {
            Ok(syncer) => syncer,
            Err(CoreError::Sync(SyncError::NotConfigured)) => {
                return Err(crate::providers::local_inputs_need_sync().into());
            }
            Err(e) => return Err(e),
        };
        syncer.upload_original(id).await?;
        Ok(syncer.presign(id, INPUT_URL_TTL).await?)
    }

    /// The path of image `id`'s original, fetched from the sync bucket first when this device
    /// does not have it (a phone keeps thumbnails and fetches originals when opened).
    pub async fn ensure_original(&self, id: &str) -> Result<PathBuf> {
        let session = self.session();
        let library = session.library();
        let image = library.get_image(id).await?;
        let path = library.absolute_path(&image.path)?;
        if tokio::fs::try_exists(&path).await.unwrap_or(false)
            || !library.original_is_remote(id).await?
        {
            return Ok(path);
        }
        let syncer = self.syncer(&session).await?;
        syncer.fetch_original(id).await?;
        let settings = library.load_sync_settings().await?.with_env();
        if !settings.keep_originals {
            library
                .evict_fetched_originals(u64::from(settings.cache_mb) * 1024 * 1024, id)
                .await?;
        }
        Ok(path)
    }
}

/// Whether `url` is a presigned URL (ours expire, so a rerun makes new ones).
pub(super) fn is_presigned(url: &str) -> bool {
    url.contains("X-Amz-Signature=")
}

impl AppCore {
    /// Nano Banana fetches input images by URL: the request's library inputs are uploaded to the
    /// sync bucket (if not there yet) and given as presigned URLs. Without sync set up, a clear
    /// error says so. Other providers take the inputs as they are.
    pub(super) async fn inputs_for_provider(
        &self,
        request: &mut crate::providers::GenerationRequest,
        options: crate::queue::GenerateOptions,
    ) -> Result<crate::queue::GenerateOptions> {
        if request.input_images.is_empty() {
            return Ok(options);
        }
        let kind = self
            .session()
            .queue()
            .provider_for(request, &options)
            .await?;
        if kind != crate::catalog::ProviderKind::NanoBanana {
            return Ok(options);
        }
        for id in request.input_images.clone() {
            let url = self.presign_input(&id).await?;
            request.image_urls.push(url);
        }
        Ok(crate::queue::GenerateOptions {
            inputs_as_urls: true,
            ..options
        })
    }
}
