use std::path::PathBuf;
use std::time::Duration;

use crate::accounts::OidcConfig;
use crate::providers::RetryPolicy;

pub use crate::APP_IDENTIFIER;

pub const DEFAULT_NANOBANANA_BASE_URL: &str = "https://api.nanobananaapi.ai";

/// The variables that set up a profile's sync without a setup step (a headless machine, a test).
pub const SYNC_ENV_VARS: &[&str] = &[
    "NANOFORGE_SYNC_ENDPOINT",
    "NANOFORGE_SYNC_BUCKET",
    "NANOFORGE_SYNC_REGION",
    "NANOFORGE_SYNC_PREFIX",
    "NANOFORGE_SYNC_ACCESS_KEY_ID",
    "NANOFORGE_SYNC_KEEP_ORIGINALS",
];

/// Most jobs one process may run at once; more only queues at the service.
pub const MAX_CONCURRENCY: u32 = 8;

/// Everything the core needs to start besides its secret store (which the shell hands to
/// [`crate::AppCore::open`]). Built once by the shell (from the platform's app-data dir) or by the
/// CLI (from the environment).
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// Root of all local data: `profiles.json` and one sub-folder per profile under `profiles/`.
    pub data_dir: PathBuf,
    pub nanobanana_base_url: String,
    /// Google's Gemini API root (`GEMINI_BASE_URL`); the client appends `/v1beta/models/...`.
    pub gemini_base_url: String,
    /// The identity provider and client used to sign in (Google unless configured otherwise).
    pub oidc: OidcConfig,
    /// How long a sign-in waits for the browser.
    pub sign_in_timeout: Duration,
    /// Resume the unfinished jobs of a profile when it is opened (the app; the CLI resumes only
    /// on `nanoforge resume`).
    pub auto_resume: bool,
    /// Whether `NANOBANANA_API_KEY` and the other key variables override the secret store (on
    /// when the configuration comes from the environment; tests set their keys explicitly).
    pub secret_env_overrides: bool,
    /// Time between two status checks of one task.
    pub poll_interval: Duration,
    /// Jobs of this process that may run (submit to ingest) at the same time.
    pub concurrency: usize,
    /// Simulated time of a demo generation; `None` keeps the demo provider's per-size defaults.
    pub demo_latency: Option<Duration>,
    /// How long a claim on a job lasts without renewal (renewed every third of it). After a crash,
    /// another process may take the job over once this has passed.
    pub lease_ttl: Duration,
    /// Retries of the provider's safe-to-repeat calls.
    pub retry: RetryPolicy,
    /// Longest an API call may take in all.
    pub request_timeout: Duration,
    /// A download fails when no byte arrives for this long.
    pub download_idle_timeout: Duration,
    /// The `NANOFORGE_SYNC_*` variables ([`SYNC_ENV_VARS`], name and value) the configuration was
    /// read with. They override the sync setup of [`Self::sync_env_profile`] only.
    pub sync_env: Vec<(String, String)>,
    /// The one profile `sync_env` and `NANOFORGE_SYNC_SECRET_ACCESS_KEY` apply to; unset,
    /// [`crate::AppCore::open`] sets it to the profile it opens (the CLI's `--profile`, else
    /// `NANOFORGE_PROFILE`, else the current one; the app's profile at start). Never another.
    pub sync_env_profile: Option<String>,
    /// This installation: the jobs it records are driven only by it (see [`crate::install`]).
    pub install_id: String,
    /// How long a result or status that keeps failing the same way (a URL answering 404, a
    /// status that is not JSON) is retried before the job is left recoverable, naming the cause.
    pub failure_streak_limit: Duration,
    /// The longest a synchronous paid call (a Gemini generation) may take, whatever the job's own
    /// time limit: its answer is paid for, so only the service's own silence ends it.
    pub paid_call_timeout: Duration,
    /// The largest request a conversation may send inline (Gemini's limit; tests shrink it).
    pub inline_request_limit: u64,
}

impl CoreConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            nanobanana_base_url: DEFAULT_NANOBANANA_BASE_URL.to_owned(),
            gemini_base_url: crate::providers::gemini::DEFAULT_GEMINI_BASE_URL.to_owned(),
            oidc: OidcConfig::default(),
            sign_in_timeout: crate::accounts::DEFAULT_SIGN_IN_TIMEOUT,
            auto_resume: false,
            secret_env_overrides: false,
            poll_interval: Duration::from_secs(1),
            concurrency: 4,
            demo_latency: None,
            lease_ttl: Duration::from_secs(20),
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(60),
            download_idle_timeout: Duration::from_secs(30),
            sync_env: Vec::new(),
            sync_env_profile: None,
            install_id: crate::install::this_install_id(),
            failure_streak_limit: Duration::from_secs(60),
            paid_call_timeout: Duration::from_secs(600),
            inline_request_limit: crate::conversation::INLINE_LIMIT_BYTES,
        }
    }

    /// The CLI's configuration: `NANOFORGE_DATA_DIR`, else the platform data dir shared with the
    /// app; `NANOBANANA_BASE_URL`; and the knobs tests turn: `NANOFORGE_POLL_INTERVAL_MS`,
    /// `NANOFORGE_DEMO_LATENCY_MS`, `NANOFORGE_CONCURRENCY`, `NANOFORGE_LEASE_TTL_MS`.
    pub fn from_env() -> crate::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The app's configuration: the same variables as the CLI, but with the platform's app-data dir
    /// (which only the shell knows) as the default library location.
    pub fn from_env_or_data_dir(default_data_dir: &std::path::Path) -> crate::Result<Self> {
        Self::from_lookup(|name| {
            let value = std::env::var(name).ok().filter(|v| !v.trim().is_empty());
            match value {
                None if name == "NANOFORGE_DATA_DIR" => {
                    Some(default_data_dir.display().to_string())
                }
                v => v,
            }
        })
    }

    /// [`CoreConfig::from_env`] reading variables through `var` (for tests).
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> crate::Result<Self> {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let data_dir = match set("NANOFORGE_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => default_data_dir()?,
        };
        let mut config = Self::new(data_dir);
        config.oidc = OidcConfig::from_lookup(&var);
        config.secret_env_overrides = true;
        config.sync_env = SYNC_ENV_VARS
            .iter()
            .filter_map(|name| set(name).map(|v| ((*name).to_owned(), v)))
            .collect();
        if let Some(url) = set("NANOBANANA_BASE_URL") {
            config.nanobanana_base_url = url.trim().trim_end_matches('/').to_owned();
        }
        if let Some(url) = set("GEMINI_BASE_URL") {
            config.gemini_base_url = url.trim().trim_end_matches('/').to_owned();
        }
        let millis = |name: &str| -> crate::Result<Option<Duration>> {
            set(name)
                .map(|v| number(name, &v).map(Duration::from_millis))
                .transpose()
        };
        if let Some(d) = millis("NANOFORGE_POLL_INTERVAL_MS")? {
            config.poll_interval = d;
        }
        config.demo_latency = millis("NANOFORGE_DEMO_LATENCY_MS")?;
        if let Some(d) = millis("NANOFORGE_LEASE_TTL_MS")? {
            config.lease_ttl = d;
        }
        if let Some(v) = set("NANOFORGE_CONCURRENCY") {
            let n = number("NANOFORGE_CONCURRENCY", &v)?;
            config.concurrency = usize::try_from(n).unwrap_or(usize::MAX);
        }
        config.check()?;
        Ok(config)
    }

    /// Refuses settings the queue cannot work with.
    pub fn check(&self) -> crate::Result<()> {
        let bad = |m: &str| Err(crate::CoreError::Config(m.to_owned()));
        if self.concurrency == 0 || self.concurrency > MAX_CONCURRENCY as usize {
            return bad("the concurrency must be between 1 and 8");
        }
        for (name, url) in [
            ("NANOBANANA_BASE_URL", &self.nanobanana_base_url),
            ("GEMINI_BASE_URL", &self.gemini_base_url),
        ] {
            if !crate::net::is_secure_or_loopback(url) {
                return Err(crate::CoreError::Config(format!(
                    "{name} {url} must be an https address (plain http only on this computer)"
                )));
            }
        }
        if self.poll_interval.is_zero() {
            return bad("the poll interval must be longer than zero");
        }
        if self.lease_ttl < Duration::from_millis(300) {
            return bad("the job lease must last at least 300 ms");
        }
        Ok(())
    }
}

fn number(name: &str, value: &str) -> crate::Result<u64> {
    value.trim().parse().map_err(|_| {
        crate::CoreError::Config(format!(
            "{name} must be a whole number, not {:?}",
            value.trim()
        ))
    })
}

/// `$XDG_DATA_HOME/dev.nanoforge.studio` on Linux, the same folder Tauri's `app_data_dir` gives the app.
pub fn default_data_dir() -> crate::Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or_else(|| {
            crate::CoreError::Config("no platform data directory; set NANOFORGE_DATA_DIR".into())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_knobs_are_read_and_checked() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let config = CoreConfig::from_lookup(env(&[
            ("NANOFORGE_DATA_DIR", "/tmp/nf"),
            ("NANOBANANA_BASE_URL", "http://127.0.0.1:9/ "),
            ("NANOFORGE_POLL_INTERVAL_MS", "25"),
            ("NANOFORGE_DEMO_LATENCY_MS", "0"),
            ("NANOFORGE_CONCURRENCY", "2"),
        ]))
        .unwrap();
        assert_eq!(config.data_dir, PathBuf::from("/tmp/nf"));
        assert_eq!(config.nanobanana_base_url, "http://127.0.0.1:9");
        assert_eq!(config.poll_interval, Duration::from_millis(25));
        assert_eq!(config.demo_latency, Some(Duration::ZERO));
        assert_eq!(config.concurrency, 2);

        let bad = CoreConfig::from_lookup(env(&[
            ("NANOFORGE_DATA_DIR", "/tmp/nf"),
            ("NANOFORGE_POLL_INTERVAL_MS", "soon"),
        ]));
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("NANOFORGE_POLL_INTERVAL_MS")
        );
        let zero = CoreConfig::from_lookup(env(&[
            ("NANOFORGE_DATA_DIR", "/tmp/nf"),
            ("NANOFORGE_CONCURRENCY", "0"),
        ]));
        assert!(zero.is_err());
    }
}
