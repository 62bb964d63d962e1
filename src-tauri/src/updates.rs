//! Updating this install in place (tauri-plugin-updater, desktop only): check the endpoint (the
//! build's `plugins.updater.endpoints`, or the one a self-hoster set in Settings), download the
//! package, verify its minisign signature against the build's public key, install it (`pkexec
//! dpkg -i` / `rpm -U` on Linux), then the user restarts. The core keeps the settings and the
//! rules (what to offer, what was skipped); the update found by the last check waits here for
//! the user's "Update".

use nanoforge_core::{
    AppCore, AppError, AvailableUpdate, ErrorKind, UpdateProgress, UpdateSettings,
};
use tauri::{AppHandle, Runtime};

/// The update the last check found, until it is installed or another check replaces it.
#[derive(Default)]
pub struct PendingUpdate {
    #[cfg(desktop)]
    update: tokio::sync::Mutex<Option<tauri_plugin_updater::Update>>,
    /// Why the last check failed, for the hint in Settings (a background check stays quiet).
    last_error: std::sync::Mutex<Option<String>>,
}

impl PendingUpdate {
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|e| e.clone())
    }

    #[cfg(desktop)]
    fn set_last_error(&self, error: Option<String>) {
        if let Ok(mut last) = self.last_error.lock() {
            *last = error;
        }
    }
}

/// Settings → Updates: the device's settings, the build's endpoint, the last check's failure.
pub async fn settings<R: Runtime>(
    app: &AppHandle<R>,
    core: &AppCore,
    pending: &PendingUpdate,
) -> UpdateSettings {
    let built_in_endpoint = app
        .config()
        .plugins
        .0
        .get("updater")
        .and_then(|u| u.get("endpoints"))
        .and_then(|e| e.get(0))
        .and_then(|e| e.as_str())
        .map(str::to_owned);
    UpdateSettings {
        preferences: core.update_preferences().await,
        built_in_endpoint,
        last_check_error: pending.last_error(),
        supported: cfg!(desktop),
    }
}

fn update_error(kind: ErrorKind, what: &str, e: impl std::fmt::Display) -> AppError {
    AppError {
        kind,
        message: format!("{what}: {e}"),
    }
}

/// Checks for a newer version. A background check looks only when the user left checks on and
/// never offers a skipped version; its failures (offline, an endpoint down) are a log line and a
/// hint in Settings, not an error on screen.
#[cfg(desktop)]
pub async fn check<R: Runtime>(
    app: &AppHandle<R>,
    core: &AppCore,
    pending: &PendingUpdate,
    background: bool,
) -> Result<Option<AvailableUpdate>, AppError> {
    if !core.should_check_for_updates(background).await {
        return Ok(None);
    }
    match find(app, core).await {
        Ok(found) => {
            pending.set_last_error(None);
            let offer = found.as_ref().map(available);
            let offered = match &offer {
                Some(o) => core.should_offer_update(o, background).await,
                None => false,
            };
            *pending.update.lock().await = found.filter(|_| offered);
            Ok(offer.filter(|_| offered))
        }
        Err(e) => {
            tracing::info!("update check failed: {}", e.message);
            pending.set_last_error(Some(e.message.clone()));
            if background { Ok(None) } else { Err(e) }
        }
    }
}

#[cfg(desktop)]
async fn find<R: Runtime>(
    app: &AppHandle<R>,
    core: &AppCore,
) -> Result<Option<tauri_plugin_updater::Update>, AppError> {
    use tauri_plugin_updater::UpdaterExt;
    let unreachable = |e| {
        update_error(
            ErrorKind::Network,
            "the update server could not be asked",
            e,
        )
    };
    let mut builder = app.updater_builder();
    if let Some(endpoint) = core.update_preferences().await.endpoint {
        let url = endpoint.parse().map_err(|e| {
            update_error(
                ErrorKind::InvalidInput,
                "the update address is not a URL",
                e,
            )
        })?;
        builder = builder.endpoints(vec![url]).map_err(unreachable)?;
    }
    // Debug builds only (the package test): the key its locally signed package is checked with.
    // A release build always checks against the public key compiled into it.
    #[cfg(debug_assertions)]
    if let Ok(key) = std::env::var("NANOFORGE_TEST_UPDATER_PUBKEY") {
        builder = builder.pubkey(key);
    }
    let updater = builder.build().map_err(unreachable)?;
    updater.check().await.map_err(unreachable)
}

#[cfg(desktop)]
fn available(update: &tauri_plugin_updater::Update) -> AvailableUpdate {
    AvailableUpdate {
        version: update.version.clone(),
        current_version: update.current_version.clone(),
        notes: update.body.clone().filter(|b| !b.trim().is_empty()),
        published_at: update
            .raw_json
            .get("pub_date")
            .and_then(|d| d.as_str())
            .map(str::to_owned),
    }
}

/// Downloads the update the last check found, verifies its signature and installs it, reporting
/// progress. A refused signature or a failed install leaves the running version installed and
/// says why; the update stays pending so the user can try again.
#[cfg(desktop)]
pub async fn install(
    pending: &PendingUpdate,
    progress: impl Fn(UpdateProgress),
) -> Result<(), AppError> {
    use tauri_plugin_updater::Error;
    let guard = pending.update.lock().await;
    let Some(update) = guard.as_ref() else {
        return Err(update_error(
            ErrorKind::NotFound,
            "no update to install",
            "check for updates first",
        ));
    };
    let mut downloaded = 0f64;
    let result = update
        .download_and_install(
            |chunk, total| {
                downloaded += chunk as f64;
                progress(UpdateProgress {
                    downloaded_bytes: downloaded,
                    total_bytes: total.map(|t| t as f64),
                });
            },
            || {},
        )
        .await;
    result.map_err(|e| match e {
        Error::Minisign(_) | Error::SignatureUtf8(_) | Error::Base64(_) => update_error(
            ErrorKind::UpdateRefused,
            "the update was refused: its signature does not match this app's key",
            e,
        ),
        Error::InvalidUpdaterFormat => update_error(
            ErrorKind::UpdateRefused,
            "the update was refused: it is not a package for this install",
            e,
        ),
        Error::Reqwest(_) | Error::Network(_) => {
            update_error(ErrorKind::Network, "the update could not be downloaded", e)
        }
        other => update_error(
            ErrorKind::UpdateInstallFailed,
            "the update could not be installed (the running version stays)",
            other,
        ),
    })
}

#[cfg(mobile)]
pub async fn check<R: Runtime>(
    _app: &AppHandle<R>,
    _core: &AppCore,
    _pending: &PendingUpdate,
    _background: bool,
) -> Result<Option<AvailableUpdate>, AppError> {
    // Phones update through their app store.
    Ok(None)
}

#[cfg(mobile)]
pub async fn install(
    _pending: &PendingUpdate,
    _progress: impl Fn(UpdateProgress),
) -> Result<(), AppError> {
    Err(update_error(
        ErrorKind::InvalidInput,
        "updates come from the app store on this device",
        "nothing to install",
    ))
}
