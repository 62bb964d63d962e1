use std::sync::Arc;

use serde::Serialize;

use crate::library::Library;
use crate::profile::{LOCAL_PROFILE_ID, ProfileKind};
use crate::{CoreConfig, Result};

/// The one value the shell and the CLI hold: configuration plus the open library of the profile in
/// use. Built once; cheap to share (`Arc` inside).
#[derive(Clone)]
pub struct AppCore {
    inner: Arc<Inner>,
}

struct Inner {
    config: CoreConfig,
    library: Library,
}

/// What the shell shows about the running core.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub profile_id: String,
    pub library_dir: String,
    pub job_count: u32,
}

impl AppCore {
    pub async fn open(config: CoreConfig) -> Result<Self> {
        let library = Library::open(&config.data_dir, LOCAL_PROFILE_ID, ProfileKind::Local).await?;
        Ok(Self {
            inner: Arc::new(Inner { config, library }),
        })
    }

    pub fn config(&self) -> &CoreConfig {
        &self.inner.config
    }

    pub fn library(&self) -> &Library {
        &self.inner.library
    }

    pub async fn app_info(&self) -> Result<AppInfo> {
        let library = self.library();
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            profile_id: library.profile_id().to_owned(),
            library_dir: library.root().display().to_string(),
            job_count: u32::try_from(library.job_count().await?).unwrap_or(u32::MAX),
        })
    }
}
