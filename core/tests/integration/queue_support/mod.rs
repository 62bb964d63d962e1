//! Shared set-up for the queue tests: a fake Nano Banana server on 127.0.0.1, a real library in a
//! temp folder, and an `AppCore` with short intervals pointed at them.

#![allow(dead_code)]

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use fake_nanobanana::{Endpoint, FakeServer};
use nanoforge_core::accounts::{ApiKey, SecretPurpose, SecretStore, Secrets, SessionStore};
use nanoforge_core::library::{JobRecord, JobStatus, JobUpdate, NewJob};
use nanoforge_core::providers::{
    GenerationRequest, Model, NanoBananaClient, NanoBananaConfig, PollOutcome, Provider,
    RetryPolicy, SubmitOutcome,
};
use nanoforge_core::queue::JobStage;
use nanoforge_core::{AppCore, CoreConfig, JobEvents, ProfileChoice};
use tokio::sync::broadcast;
use tokio::time::Instant;

/// Generous bound for anything the tests wait on; a healthy run takes a fraction of it.
pub const PATIENCE: Duration = Duration::from_secs(20);
pub const POLL: Duration = Duration::from_millis(20);

pub struct Setup {
    pub server: FakeServer,
    pub dir: tempfile::TempDir,
}

pub async fn setup() -> Setup {
    Setup {
        server: FakeServer::start().await.expect("start the fake server"),
        dir: tempfile::tempdir().expect("temp dir"),
    }
}

impl Setup {
    /// Polls every 20 ms, retries quickly, leases of 2 s, the fake's key.
    pub fn config(&self) -> CoreConfig {
        config_for(&self.server, self.dir.path())
    }

    /// A core on the local profile with the fake's key in a session store.
    pub async fn core(&self) -> AppCore {
        self.core_with(|_| {}).await
    }

    pub async fn core_with(&self, tweak: impl FnOnce(&mut CoreConfig)) -> AppCore {
        let mut config = self.config();
        tweak(&mut config);
        AppCore::open_with(
            config,
            secrets_with_key(&self.server.api_key()),
            ProfileChoice::Current,
        )
        .await
        .expect("open the core")
    }

    /// A core whose local profile has `key` as its Nano Banana key.
    pub async fn core_with_key(&self, key: &str) -> AppCore {
        AppCore::open_with(self.config(), secrets_with_key(key), ProfileChoice::Current)
            .await
            .expect("open the core")
    }

    /// A core with no Nano Banana key at all (the demo provider only).
    pub async fn core_without_key(&self) -> AppCore {
        AppCore::open_with(
            self.config(),
            Secrets::new(Arc::new(SessionStore::new())),
            ProfileChoice::Current,
        )
        .await
        .expect("open the core")
    }

    /// A Nano Banana client of its own, to create remote tasks outside any queue.
    pub fn client(&self) -> Provider {
        let mut config = NanoBananaConfig::new(self.server.base_url());
        config.retry = fast_retry();
        config.check_credits_before_submit = false;
        let key = ApiKey::new(self.server.api_key()).expect("key");
        Provider::NanoBanana(NanoBananaClient::new(config, Some(key)).expect("client"))
    }

    /// Submits `req` directly and returns the task id.
    pub async fn remote_task(&self, req: &GenerationRequest) -> String {
        match self.client().submit(req).await.expect("submit") {
            SubmitOutcome::Remote { task_id } => task_id,
            other => panic!("expected a remote task, got {other:?}"),
        }
    }

    /// Polls a task directly until it is done; returns its result URLs.
    pub async fn finished_urls(&self, task_id: &str) -> Vec<String> {
        let client = self.client();
        eventually_some("the task to finish", || async {
            match client.poll_once(task_id).await.expect("poll") {
                PollOutcome::Done { urls, .. } => Some(urls),
                _ => None,
            }
        })
        .await
    }
}

pub fn config_for(server: &FakeServer, data_dir: &Path) -> CoreConfig {
    let mut config = CoreConfig::new(data_dir);
    config.nanobanana_base_url = server.base_url().to_owned();
    config.poll_interval = POLL;
    config.retry = fast_retry();
    config.request_timeout = Duration::from_secs(5);
    config.download_idle_timeout = Duration::from_secs(2);
    config.lease_ttl = Duration::from_secs(2);
    config.demo_latency = Some(Duration::ZERO);
    config
}

/// Secrets held in memory, with `key` as the local profile's Nano Banana key.
pub fn secrets_with_key(key: &str) -> Secrets {
    let store = SessionStore::new();
    store
        .set(
            "local",
            SecretPurpose::NanoBananaKey,
            &ApiKey::new(key).expect("key"),
        )
        .expect("session store");
    Secrets::new(Arc::new(store))
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(5),
    }
}

pub fn request(prompt: &str, model: Model) -> GenerationRequest {
    GenerationRequest::new(prompt, model)
}

/// Records a job row as a crashed process would have left it.
pub async fn crashed_job(core: &AppCore, req: &GenerationRequest, state: JobUpdate) -> JobRecord {
    let row = NewJob {
        prompt: req.prompt.clone(),
        provider: nanoforge_core::catalog::ProviderKind::NanoBanana,
        model: req.model,
        image_size: req.size,
        aspect_ratio: req.aspect_ratio,
        num_images: u32::from(req.count),
        ..NewJob::default()
    };
    let job = core
        .session()
        .library()
        .insert_job(&row)
        .await
        .expect("insert");
    assert_eq!(job.status, JobStatus::Pending);
    core.session()
        .library()
        .update_job(&job.id, &state)
        .await
        .expect("update")
}

/// Waits (polling every 10 ms) until `check` holds; panics with `what` after [`PATIENCE`].
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Like [`eventually`] for an async check that yields a value.
pub async fn eventually_some<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every event of `job_id` up to and including its final one.
pub async fn events_of(rx: &mut JobEvents, job_id: &str) -> Vec<JobStage> {
    let mut stages = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let event = match tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("timed out waiting for job events")
        {
            Ok(event) => event,
            // A slow reader under load misses old progress events; the newest (and the final
            // one, which comes after them) are kept.
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => panic!("the event channel closed"),
        };
        if event.job_id != job_id {
            continue;
        }
        let last = event.stage.is_final();
        stages.push(event.stage);
        if last {
            return stages;
        }
    }
}

/// Stage names with consecutive repeats folded: `queued submitted generating ...`.
pub fn stage_names(stages: &[JobStage]) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = stages.iter().map(JobStage::name).collect();
    names.dedup();
    names
}

/// Requests the fake saw, without control calls, as endpoint names.
pub fn endpoints(server: &FakeServer) -> Vec<Endpoint> {
    server
        .requests()
        .into_iter()
        .map(|r| r.endpoint)
        .filter(|e| *e != Endpoint::Control)
        .collect()
}

/// PNG width and height from the IHDR chunk.
pub fn png_dimensions(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let h = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    (w, h)
}
