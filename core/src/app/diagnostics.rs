//! The device's diagnostics for the shell and the CLI: crash files not seen yet (the next start's
//! "Nanoforge closed unexpectedly"), acknowledging them, the logs folder, and the masked report
//! "Copy diagnostics" makes, which masks the keys this device holds wherever they appear.

use super::core::AppCore;
use crate::Result;
use crate::accounts::SecretPurpose;
use crate::diagnostics::{self, CrashReport, ReportContext};
use crate::secret::DEVICE_SECRETS;

impl AppCore {
    pub fn unseen_crashes(&self) -> Result<Vec<CrashReport>> {
        diagnostics::unseen_crashes(&self.config().data_dir)
    }

    /// The next start no longer shows them (they move to `logs/crashes-seen/`).
    pub fn acknowledge_crashes(&self) -> Result<u32> {
        diagnostics::acknowledge_crashes(&self.config().data_dir)
    }

    /// The report for a bug: version, OS, `webview`, unseen crashes and the last log lines, with
    /// the open profile's keys, the sync secret and the sign-in client's secret masked.
    pub async fn diagnostics_report(&self, webview: Option<String>) -> Result<String> {
        let profile = self.session().profile().id.clone();
        let mut secrets = Vec::new();
        for purpose in SecretPurpose::ALL {
            if let Ok(Some(found)) = self.secrets().resolve(&profile, purpose).await {
                secrets.push(found.secret.expose().to_owned());
            }
        }
        if let Ok(Some(found)) = self
            .secrets()
            .resolve(DEVICE_SECRETS, SecretPurpose::SignInClientSecret)
            .await
        {
            secrets.push(found.secret.expose().to_owned());
        }
        let context = ReportContext {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            webview,
            secrets,
        };
        let data_dir = self.config().data_dir.clone();
        tokio::task::spawn_blocking(move || diagnostics::diagnostics_report(&data_dir, &context))
            .await?
    }
}
