//! The accounts side of [`AppCore`]: listing and switching profiles, signing in (which creates or
//! reopens an account's library and switches to it), signing out, and removing a profile from
//! this device. Only one sign-in is in flight at a time; a new one cancels the old.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::core::{AppCore, SignInSlot};
use super::profiles::{AccountsState, ProfileSummary};
use super::session::Session;
use crate::accounts::signin::{self, VerifiedIdentity};
use crate::accounts::{LOCAL_PROFILE_ID, Profile, ProfileKind, account_profile_id, profile_dir};
use crate::clock::now_ms;
use crate::{CoreError, Result};

impl AppCore {
    pub fn accounts_state(&self) -> Result<AccountsState> {
        let session = self.session();
        let current = session.profile().id.clone();
        let profiles: Vec<_> = self
            .inner
            .registry
            .list()?
            .iter()
            .map(|p| ProfileSummary::of(p, p.id == current))
            .collect();
        let current = profiles
            .iter()
            .find(|p| p.current)
            .cloned()
            .unwrap_or_else(|| ProfileSummary::of(session.profile(), true));
        Ok(AccountsState {
            current,
            profiles,
            sign_in_configured: self.config().oidc.is_configured() || self.has_device_client(),
            issuer: self.config().oidc.issuer.clone(),
        })
    }

    /// Starts a sign-in and returns the URL to open in the system browser (the app and the CLI
    /// also show it, since opening a browser can silently fail). Cancels any sign-in in flight.
    pub async fn begin_sign_in(&self) -> Result<String> {
        let mut slot = self.inner.sign_in.lock().await;
        if let Some(old) = slot.take() {
            old.cancel.cancel();
        }
        let provider = self.identity_provider().await?;
        let pending = signin::begin(&provider).await?;
        let url = pending.url.clone();
        *slot = Some(SignInSlot {
            pending: Some(pending),
            cancel: CancellationToken::new(),
        });
        Ok(url)
    }

    /// Waits for the browser to come back, verifies the account, then opens its library (created
    /// on its first sign-in here, reused after) and makes it current. On any failure nothing is
    /// created and the open profile stays open.
    pub async fn finish_sign_in(&self) -> Result<ProfileSummary> {
        let (pending, cancel) = {
            let mut slot = self.inner.sign_in.lock().await;
            let slot = slot.as_mut().ok_or_else(|| {
                CoreError::InvalidInput("no sign-in is in progress: start one first".into())
            })?;
            let pending = slot.pending.take().ok_or_else(|| {
                CoreError::InvalidInput("this sign-in is already being completed".into())
            })?;
            (pending, slot.cancel.clone())
        };
        let timeout = self.config().sign_in_timeout;
        let identity = pending.finish(timeout, &cancel, || now_ms() / 1000).await?;
        if cancel.is_cancelled() {
            return Err(signin::SignInError::Cancelled.into());
        }
        self.adopt_identity(identity).await
    }

    /// Stops the sign-in in flight, if any (its listener is released).
    pub async fn cancel_sign_in(&self) {
        if let Some(slot) = self.inner.sign_in.lock().await.take() {
            slot.cancel.cancel();
        }
    }

    /// The verified account becomes a profile: its library folder is created (or reopened) first,
    /// then it is listed, then opened.
    async fn adopt_identity(&self, identity: VerifiedIdentity) -> Result<ProfileSummary> {
        let id = account_profile_id(&identity.issuer, &identity.subject);
        let now = now_ms();
        let existing = self.inner.registry.get(&id)?;
        let profile = Profile {
            id: id.clone(),
            kind: ProfileKind::Google,
            issuer: Some(identity.issuer),
            subject: Some(identity.subject),
            email: identity.email,
            email_verified: identity.email_verified,
            name: identity.name,
            created_at: existing.as_ref().map_or(now, |p| p.created_at),
            last_used_at: now,
        };
        let dir = profile_dir(&self.config().data_dir, &id)?;
        let fresh = !dir.exists();
        if let Err(e) = crate::library::Library::open(&self.config().data_dir, &profile)
            .await
            .map(drop)
        {
            if fresh {
                let _ = std::fs::remove_dir_all(&dir);
            }
            return Err(e);
        }
        self.inner.registry.upsert_account(profile)?;
        tracing::info!(profile = %id, "signed in");
        self.switch_profile(&id).await
    }

    /// Opens profile `id` (no network involved) and makes it current for the app and the CLI.
    /// The old session's queue stops and hands its jobs back; they resume when it is opened again.
    pub async fn switch_profile(&self, id: &str) -> Result<ProfileSummary> {
        let _switching = self.inner.switching.lock().await;
        let id = id.trim();
        let profile = self
            .inner
            .registry
            .get(id)?
            .ok_or_else(|| CoreError::NotFound(format!("profile {id}")))?;
        let old = self.session();
        if old.profile().id == profile.id {
            self.inner.registry.set_current(id, now_ms())?;
            return Ok(ProfileSummary::of(old.profile(), true));
        }
        let session =
            Session::open(self.config(), self.secrets(), profile, &self.inner.bus).await?;
        let profile = self.inner.registry.set_current(id, now_ms())?;
        *self
            .inner
            .session
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Arc::new(session);
        if let Err(e) = old.shutdown().await {
            tracing::warn!(error = %e, "the closed profile's jobs could not be handed back");
        }
        let summary = ProfileSummary::of(&profile, true);
        self.inner.profile_tx.send_replace(summary.clone());
        let _ = self.inner.bus.send(super::events::CoreEvent::Profile {
            profile: summary.clone(),
        });
        self.after_open();
        Ok(summary)
    }

    /// Back to the signed-out local library. The account's library and keys stay on this device.
    pub async fn sign_out(&self) -> Result<ProfileSummary> {
        self.switch_profile(LOCAL_PROFILE_ID).await
    }

    /// Deletes a profile from this device: its library folder and its secrets (the bucket, if it
    /// synced, is not touched). The open profile switches to `local` first. `local` stays.
    /// Returns a warning when the keychain could not be reached to delete the profile's keys.
    pub async fn remove_profile(&self, id: &str) -> Result<Option<String>> {
        let id = id.trim();
        if id == LOCAL_PROFILE_ID {
            return Err(CoreError::InvalidInput(
                "the local library cannot be removed".into(),
            ));
        }
        if self.inner.registry.get(id)?.is_none() {
            return Err(CoreError::NotFound(format!("profile {id}")));
        }
        if self.session().profile().id == id {
            self.sign_out().await?;
        }
        self.inner.registry.remove(id)?;
        // The keys go even if the folder cannot be removed completely, and the other way round.
        let warning = match self.secrets().delete_all(id).await {
            Ok(()) => None,
            Err(e @ CoreError::Keychain(_)) => Some(format!(
                "the library was removed, but its keys could not be deleted: {e}"
            )),
            Err(e) => return Err(e),
        };
        let dir = profile_dir(&self.config().data_dir, id)?;
        match tokio::fs::remove_dir_all(&dir).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(CoreError::Io(e)),
            _ => {}
        }
        tracing::info!(profile = %id, "profile removed from this device");
        Ok(warning)
    }
}
