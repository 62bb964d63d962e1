//! Accounts: the profiles on this device, signing in with Google in the system browser (never a
//! webview), switching, signing out and removing a profile.

use nanoforge_core::{AccountsState, AppCore, AppError, ProfileSummary, SignInClientStatus};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

/// Profiles on this device, the open one, and whether sign-in is configured in this build.
#[tauri::command]
#[specta::specta]
pub async fn accounts_state(core: State<'_, AppCore>) -> Result<AccountsState, AppError> {
    Ok(core.accounts_state()?)
}

/// A sign-in started: the page shows the URL with Copy and Cancel whatever happened to the browser.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SignInStarted {
    pub url: String,
    /// Whether the system browser was asked to open it (it can still fail silently).
    pub browser_opened: bool,
}

/// Starts a sign-in and opens the system browser at the provider's page. Then call
/// `finish_sign_in`, which resolves when the browser comes back.
#[tauri::command]
#[specta::specta]
pub async fn begin_sign_in<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, AppCore>,
) -> Result<SignInStarted, AppError> {
    let url = core.begin_sign_in().await?;
    // Tests (and people who prefer it) can keep the browser closed and use the shown link.
    let browser_opened = std::env::var_os("NANOFORGE_NO_BROWSER").is_none()
        && app.opener().open_url(&url, None::<&str>).is_ok();
    Ok(SignInStarted {
        url,
        browser_opened,
    })
}

/// Waits for the browser, verifies the account and opens its library.
#[tauri::command]
#[specta::specta]
pub async fn finish_sign_in(core: State<'_, AppCore>) -> Result<ProfileSummary, AppError> {
    Ok(core.finish_sign_in().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_sign_in(core: State<'_, AppCore>) -> Result<(), AppError> {
    core.cancel_sign_in().await;
    Ok(())
}

/// Opens another profile of this device (no network needed).
#[tauri::command]
#[specta::specta]
pub async fn switch_profile(
    core: State<'_, AppCore>,
    id: String,
) -> Result<ProfileSummary, AppError> {
    Ok(core.switch_profile(&id).await?)
}

/// Back to the local library; the account's files stay.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(core: State<'_, AppCore>) -> Result<ProfileSummary, AppError> {
    Ok(core.sign_out().await?)
}

/// Deletes a profile's library folder and keys from this device (asked first in the UI); returns a
/// warning when its keys could not be deleted.
#[tauri::command]
#[specta::specta]
pub async fn remove_profile(
    core: State<'_, AppCore>,
    id: String,
) -> Result<Option<String>, AppError> {
    Ok(core.remove_profile(&id).await?)
}

/// The sign-in client in use and where it comes from (never its secret).
#[tauri::command]
#[specta::specta]
pub async fn sign_in_client(core: State<'_, AppCore>) -> Result<SignInClientStatus, AppError> {
    Ok(core.sign_in_client().await?)
}

/// Uses the person's own client on this device; the secret goes to the keychain.
#[tauri::command]
#[specta::specta]
pub async fn set_sign_in_client(
    core: State<'_, AppCore>,
    client_id: String,
    client_secret: Option<String>,
) -> Result<SignInClientStatus, AppError> {
    Ok(core.set_sign_in_client(&client_id, client_secret).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn clear_sign_in_client(
    core: State<'_, AppCore>,
) -> Result<SignInClientStatus, AppError> {
    Ok(core.clear_sign_in_client().await?)
}

/// Runs the client's issuer discovery (Settings' Test); no browser opens.
#[tauri::command]
#[specta::specta]
pub async fn test_sign_in_client(core: State<'_, AppCore>) -> Result<SignInClientStatus, AppError> {
    Ok(core.test_sign_in_client().await?)
}
