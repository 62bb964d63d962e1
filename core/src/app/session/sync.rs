//! The profile's sync: its setup and secret, "sync now" with its progress on the event stream, the
//! connection test, other devices' deletions waiting for confirmation, and originals fetched on
//! demand when this device does not keep them all.
//!
//! What a sync may use is decided here, by [`SyncAccess`]: the `NANOFORGE_SYNC_*` variables apply
//! to the profile the process runs for only (`CoreConfig::sync_env_profile`); a saved secret
//! access key goes only to the endpoint, bucket and access key id it was typed for
//! ([`SecretBinding`]); and the bucket libraries a profile syncs are its account's (the owner the
//! syncer checks in `library.json`).

use std::path::PathBuf;
use std::time::Duration;

use super::Session;
use crate::accounts::{
    LOCAL_PROFILE_ID, Profile, ProfileKind, Secret, SecretPurpose, Secrets, account_profile_id,
};
use crate::app::events::{CoreEvent, SyncEvent};
use crate::library::Library;
use crate::library::replica::PendingApplied;
use crate::sync::{
    DeviceInfo, Progress, SecretBinding, SyncError, SyncLocation, SyncParty, SyncReport, SyncSetup,
    SyncStatus, Syncer,
};
use crate::{AppError, CoreConfig, Result};

/// How long a presigned input URL lives: the provider's queue and retries fit in it, and it is
/// hours, not days.
pub const INPUT_URL_TTL: Duration = Duration::from_secs(6 * 3600);

/// What one profile's syncs may use: its library, its secrets, its account, and the environment's
/// sync variables when they are this profile's.
#[derive(Clone)]
pub(super) struct SyncAccess {
    library: Library,
    secrets: Secrets,
    profile: Profile,
    /// The `NANOFORGE_SYNC_*` variables, when this is the profile they apply to.
    env: Option<Vec<(String, String)>>,
}

impl SyncAccess {
    pub(super) fn new(
        library: &Library,
        secrets: &Secrets,
        profile: &Profile,
        config: &CoreConfig,
    ) -> Self {
        let env = (config.sync_env_profile.as_deref() == Some(profile.id.as_str()))
            .then(|| config.sync_env.clone());
        Self {
            library: library.clone(),
            secrets: secrets.clone(),
            profile: profile.clone(),
            env,
        }
    }

    /// `setup` with the environment's overrides, if they are this profile's.
    fn with_env(&self, setup: SyncSetup) -> SyncSetup {
        match &self.env {
            Some(vars) => setup.with_env(vars),
            None => setup,
        }
    }

    /// The saved setup with the environment's overrides, if they are this profile's.
    async fn setup(&self) -> Result<SyncSetup> {
        Ok(self.with_env(SyncSetup::load(&self.library).await?))
    }

    /// `NANOFORGE_SYNC_SECRET_ACCESS_KEY`, if set and this profile's.
    fn env_secret(&self) -> Option<Secret> {
        self.env.as_ref()?;
        self.secrets.from_env(SecretPurpose::SyncSecretKey)
    }

    /// The account this profile's bucket libraries belong to: the hash of its issuer and subject
    /// (as its profile id is made), or `local`.
    fn owner(&self) -> String {
        let p = &self.profile;
        match (p.kind, &p.issuer, &p.subject) {
            (ProfileKind::Local, _, _) => LOCAL_PROFILE_ID.to_owned(),
            (_, Some(issuer), Some(subject)) => account_profile_id(issuer, subject),
            _ => p.id.clone(),
        }
    }

    /// A syncer from the saved setup, the environment and the secret.
    pub(super) async fn syncer(&self) -> Result<Syncer> {
        let setup = self.setup().await?;
        self.syncer_with(&setup, None).await
    }

    /// A syncer for `setup`, with `typed` (a secret just typed), else the environment's, else the
    /// saved one if it was typed for this location.
    async fn syncer_with(&self, setup: &SyncSetup, typed: Option<String>) -> Result<Syncer> {
        let location = setup.location(&self.profile.id)?;
        let secret = match (typed.filter(|s| !s.trim().is_empty()), self.env_secret()) {
            (Some(typed), _) => typed,
            (None, Some(env)) => env.expose().to_owned(),
            (None, None) => self.saved_secret_for(&location).await?,
        };
        let party = SyncParty {
            device: DeviceInfo::this_device(),
            keep_originals: setup.keep_originals,
            owner: self.owner(),
        };
        Ok(Syncer::new(
            self.library.replica(),
            location,
            &secret,
            party,
        ))
    }

    /// The saved secret, if it may go to `location`.
    async fn saved_secret_for(&self, location: &SyncLocation) -> Result<String> {
        let secret = self
            .secrets
            .get(&self.profile.id, SecretPurpose::SyncSecretKey)
            .await?
            .ok_or(SyncError::SecretMissing)?;
        self.check_binding(location).await?;
        Ok(secret.expose().to_owned())
    }

    /// The saved secret was typed for `location`. One saved before bindings existed belongs to
    /// the setup saved with it, and is bound to it the first time it is used there.
    async fn check_binding(&self, location: &SyncLocation) -> Result<()> {
        let wanted = SecretBinding::of(location);
        let bound = match SecretBinding::load(&self.library).await? {
            Some(bound) => bound,
            None => {
                let saved = SyncSetup::load(&self.library).await?;
                match saved.location(&self.profile.id) {
                    Ok(saved) if SecretBinding::of(&saved) == wanted => {
                        wanted.save(&self.library).await?;
                        return Ok(());
                    }
                    _ => return Err(SyncError::SecretNotForLocation.into()),
                }
            }
        };
        if bound == wanted {
            Ok(())
        } else {
            Err(SyncError::SecretNotForLocation.into())
        }
    }
}

impl Session {
    pub(super) fn sync_access(&self) -> SyncAccess {
        SyncAccess::new(&self.library, &self.secrets, &self.profile, &self.config)
    }

    /// The saved sync setup (without the environment's overrides).
    pub async fn sync_setup(&self) -> Result<SyncSetup> {
        SyncSetup::load(&self.library).await
    }

    /// Saves the sync setup (a location that is set must be valid) and, if given, the secret
    /// access key into the secret store. A location other than the one the saved secret was typed
    /// for (endpoint, bucket or access key id) needs the secret again: `SecretNotForLocation`.
    pub async fn update_sync_setup(
        &self,
        setup: SyncSetup,
        secret_access_key: Option<String>,
    ) -> Result<SyncStatus> {
        let access = self.sync_access();
        let typed = secret_access_key.filter(|s| !s.trim().is_empty());
        let location = match setup.is_configured() {
            true => Some(setup.location(&self.profile.id)?),
            false => None,
        };
        match (&typed, &location) {
            (Some(secret), _) => {
                self.secrets()
                    .set(
                        &self.profile.id,
                        SecretPurpose::SyncSecretKey,
                        Secret::new(secret.clone())?,
                    )
                    .await?;
                if let Some(location) = &location {
                    SecretBinding::of(location).save(&self.library).await?;
                }
            }
            // The environment's secret is the one used: the saved one goes nowhere new.
            (None, Some(_)) if access.env_secret().is_some() => {}
            (None, Some(location)) => {
                let saved = self
                    .secrets()
                    .get(&self.profile.id, SecretPurpose::SyncSecretKey)
                    .await?;
                if saved.is_some() {
                    access.check_binding(location).await?;
                }
            }
            (None, None) => {}
        }
        setup.save(&self.library).await?;
        self.sync_status().await
    }

    /// Where sync stands (no request is made).
    pub async fn sync_status(&self) -> Result<SyncStatus> {
        let setup = self.sync_access().setup().await?;
        SyncStatus::read(&self.library.replica(), &setup).await
    }

    /// Whether automatic syncs are on for this profile (and it is set up).
    pub(crate) async fn auto_sync_wanted(&self) -> bool {
        match self.sync_access().setup().await {
            Ok(setup) => setup.auto_sync && setup.is_configured(),
            Err(e) => {
                tracing::warn!(error = %e, "automatic sync skipped");
                false
            }
        }
    }

    /// One sync of this profile's library; waits for one already running here. Deletions forever
    /// from another device that would empty most of the library are not applied: the report's
    /// `pending_deletions` names them, and [`Session::apply_pending_deletions`] applies them.
    pub async fn sync_now(&self) -> Result<SyncReport> {
        let _one_at_a_time = self.sync_gate.lock().await;
        let profile_id = self.profile.id.clone();
        let event = |event: SyncEvent| CoreEvent::Sync {
            profile_id: profile_id.clone(),
            event,
        };
        self.emit(event(SyncEvent::Started));
        let outcome = match self.sync_access().syncer().await {
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

    /// Applies the deletions forever that syncs held back for confirmation (see
    /// [`SyncStatus::pending_deletions`]), exactly as the pulls that read them would have. Needs
    /// no connection. An image whose original exists only here goes to the Trash instead.
    pub async fn apply_pending_deletions(&self) -> Result<PendingApplied> {
        let _one_at_a_time = self.sync_gate.lock().await;
        self.library.replica().apply_pending_purges().await
    }

    /// Checks a location before it is saved: the bucket can be read (keys, bucket, endpoint,
    /// TLS) and written (a token that may only read is named as such), and its library, if any,
    /// is this account's. Leaves nothing behind. Without a typed secret the saved one is used, and
    /// only for the location it was typed for.
    pub async fn test_sync_connection(
        &self,
        setup: SyncSetup,
        secret_access_key: Option<String>,
    ) -> Result<()> {
        let access = self.sync_access();
        let setup = access.with_env(setup);
        let syncer = access.syncer_with(&setup, secret_access_key).await?;
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
        let access = self.sync_access();
        let syncer = access.syncer().await?;
        syncer.fetch_original(id).await?;
        let setup = access.setup().await?;
        if !setup.keep_originals {
            replica
                .evict_fetched_originals(u64::from(setup.cache_mb) * 1024 * 1024, id)
                .await?;
        }
        Ok(path)
    }
}
