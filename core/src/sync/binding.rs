//! Where the saved secret access key may go. The secret lives in the secret store; beside it, in
//! the library's settings, is the label of the endpoint, bucket and access key id it was typed
//! for (not the secret, nor anything derived from it). A stored secret is only ever sent to that
//! place: pointing the setup at another host, bucket or key id needs the secret typed again, so a
//! script in the page cannot send the library (signed with the saved secret) somewhere else.

use serde::{Deserialize, Serialize};

use super::setup::SyncLocation;
use crate::Result;
use crate::library::Library;

/// The settings key of the binding.
const SETTINGS_KEY: &str = "sync_secret_for";

/// The place a saved secret was typed for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretBinding {
    pub endpoint: String,
    pub bucket: String,
    pub access_key_id: String,
}

impl SecretBinding {
    /// The binding of a checked location (normalised: no trailing slash, trimmed).
    pub fn of(location: &SyncLocation) -> SecretBinding {
        SecretBinding {
            endpoint: location.endpoint.clone(),
            bucket: location.bucket.clone(),
            access_key_id: location.access_key_id.clone(),
        }
    }

    /// The binding saved with the library's secret, if one was.
    pub async fn load(library: &Library) -> Result<Option<SecretBinding>> {
        library.read_setting(SETTINGS_KEY).await
    }

    pub async fn save(&self, library: &Library) -> Result<()> {
        library.write_setting(SETTINGS_KEY, self).await
    }
}
