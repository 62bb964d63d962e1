//! The profile's sync: its setup and secret, "sync now" with its progress on the event stream, the
//! connection test, and originals fetched on demand when this device does not keep them all.

use std::path::PathBuf;
use std::time::Duration;

use super::Session;
use crate::accounts::{Secret, SecretPurpose, Secrets};
use crate::app::events::{CoreEvent, SyncEvent};
use crate::library::Library;
use crate::sync::{
    DeviceInfo, Progress, SyncError, SyncReport, SyncSetup, SyncStatus, Syncer,
};
use crate::{AppError, Result};

/// How long a presigned input URL lives: the provider's queue and retries fit in it, and it is
/// hours, not days.
pub const INPUT_URL_TTL: Duration = Duration::from_secs(6 * 3600);

/// A syncer for `library` from its saved setup, the environment and its secret.
pub(super) async fn syncer_for_library(
    library: &Library,
    secrets: &Secrets,
    profile_id: &str,
) -> Result<Syncer> {
    let setup = SyncSetup::load(library).await?.with_env();
    syncer_with(library, secrets, profile_id, &setup, None).await
}

async fn syncer_with(
    library: &Library,
    secrets: &Secrets,
    profile_id: &str,
    setup: &SyncSetup,
    secret: Option<String>,
) -> Result<Syncer> {
    let location = setup.location(profile_id)?;
    let secret = match secret.filter(|s| !s.trim().is_empty()) {
        Some(secret) => secret,
        None => secrets
            .resolve(profile_id, SecretPurpose::SyncSecretKey)
            .await?
            .ok_or(SyncError::SecretMissing)?
            .secret
            .expose()
            .to_owned(),
    };
    Ok(Syncer::new(
        library.replica(),
        location,
        &secret,
        DeviceInfo::this_device(),
        setup.keep_originals,
    ))
}

impl Session {
    /// The saved sync setup (without the environment's overrides).
    pub async fn sync_setup(&self) -> Result<SyncSetup> {
        SyncSetup::load(&self.library).await
    }

    /// Saves the sync setup (a location that is set must be valid) and, if given, the secret
    /// access key into the secret store.
    pub async fn update_sync_setup(
        &self,
        setup: SyncSetup,
        secret_access_key: Option<String>,
    ) -> Result<SyncStatus> {
        if setup.is_configured() {
            setup.location(&self.profile.id)?;
        }
        if let Some(secret) = secret_access_key.filter(|s| !s.trim().is_empty()) {
            self.secrets()
                .set(
                    &self.profile.id,
                    SecretPurpose::SyncSecretKey,
                    Secret::new(secret)?,
                )
                .await?;
        }
        setup.save(&self.library).await?;
        self.sync_status().await
    }

    /// Where sync stands (no request is made).
    pub async fn sync_status(&self) -> Result<SyncStatus> {
        let setup = SyncSetup::load(&self.library).await?.with_env();
        SyncStatus::read(&self.library.replica(), &setup).await
    }

    /// Whether automatic syncs are on for this profile (and it is set up).
    pub(crate) async fn auto_sync_wanted(&self) -> bool {
        match SyncSetup::load(&self.library).await {
            Ok(setup) => {
                let setup = setup.with_env();
                setup.auto_sync && setup.is_configured()
            }
            Err(e) => {
                tracing::warn!(error = %e, "automatic sync skipped");
                false
            }
        }
    }

    async fn syncer(&self) -> Result<Syncer> {
        syncer_for_library(&self.library, self.secrets(), &self.profile.id).await
    }

    /// One sync of this profile's library; waits for one already running here.
    pub async fn sync_now(&self) -> Result<SyncReport> {
        let _one_at_a_time = self.sync_gate.lock().await;
        let profile_id = self.profile.id.clone();
        let event = |event: SyncEvent| CoreEvent::Sync {
            profile_id: profile_id.clone(),
            event,
        };
        self.emit(event(SyncEvent::Started));
        let outcome = match self.syncer().await {
            Ok(syncer) => {
                let bus = self.bus.clone();
                let id = self.profile.id.clone();
                let progress = Progress::new(move |progress| {
                    let _ = bus.send(CoreEvent::Sync {
                        profile_id: id.clone(),
                        event: SyncEvent::Progress { progress },
                    });
                });
                syncer.run(&progress).await
            }
            Err(e) => Err(e),
        };
        self.emit(event(match &outcome {
            Ok(report) => SyncEvent::Finished {
                report: report.clone(),
            },
            Err(e) => SyncEvent::Failed {
                error: AppError {
                    kind: e.kind(),
                    message: e.to_string(),
                },
            },
        }));
        outcome
    }

    /// Checks a location before it is saved: the bucket can be read (keys, bucket, endpoint,
    /// TLS) and written (a token that may only read is named as such). Leaves nothing behind.
    pub async fn test_sync_connection(
        &self,
        setup: SyncSetup,
        secret_access_key: Option<String>,
    ) -> Result<()> {
        let setup = setup.with_env();
        let syncer = syncer_with(
            &self.library,
            self.secrets(),
            &self.profile.id,
            &setup,
            secret_access_key,
        )
        .await?;
        syncer.probe().await
    }

    /// The path of image `id`'s original, fetched from the sync bucket first when this device
    /// does not have it (a phone keeps thumbnails and fetches originals when opened).
    pub async fn ensure_original(&self, id: &str) -> Result<PathBuf> {
        let image = self.library.get_image(id).await?;
        let path = self.library.absolute_path(&image.path)?;
        let replica = self.library.replica();
        if tokio::fs::try_exists(&path).await.unwrap_or(false)
            || !replica.original_is_remote(id).await?
        {
            return Ok(path);
        }
        let syncer = self.syncer().await?;
        syncer.fetch_original(id).await?;
        let setup = SyncSetup::load(&self.library).await?.with_env();
        if !setup.keep_originals {
            replica
                .evict_fetched_originals(u64::from(setup.cache_mb) * 1024 * 1024, id)
                .await?;
        }
        Ok(path)
    }
}
