use std::path::PathBuf;

/// The application identifier; the platform data dir of the app and the CLI's default both end in it,
/// so both use the same library.
pub const APP_IDENTIFIER: &str = "dev.nanoforge.studio";

pub const DEFAULT_NANOBANANA_BASE_URL: &str = "https://api.nanobananaapi.ai";

/// Everything the core needs to start. Built once by the shell (from the platform's app-data dir)
/// or by the CLI (from the environment).
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// Root of all local data: one sub-folder per profile under `profiles/`.
    pub data_dir: PathBuf,
    pub nanobanana_base_url: String,
}

impl CoreConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            nanobanana_base_url: DEFAULT_NANOBANANA_BASE_URL.to_owned(),
        }
    }

    /// The CLI's configuration: `NANOFORGE_DATA_DIR`, else the platform data dir shared with the app.
    pub fn from_env() -> crate::Result<Self> {
        let data_dir = match std::env::var_os("NANOFORGE_DATA_DIR") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => default_data_dir()?,
        };
        let mut config = Self::new(data_dir);
        if let Ok(url) = std::env::var("NANOBANANA_BASE_URL")
            && !url.trim().is_empty()
        {
            config.nanobanana_base_url = url.trim().trim_end_matches('/').to_owned();
        }
        Ok(config)
    }
}

/// `$XDG_DATA_HOME/dev.nanoforge.studio` on Linux, the same folder Tauri's `app_data_dir` gives the app.
pub fn default_data_dir() -> crate::Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or_else(|| {
            crate::CoreError::Config("no platform data directory; set NANOFORGE_DATA_DIR".into())
        })
}
