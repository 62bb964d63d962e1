//! Shared set-up for the sync tests: a real S3 server (tests/s3-server) on 127.0.0.1 with one
//! bucket, and "devices" that are whole `AppCore`s, each on its own data folder, pointed at the
//! same bucket and prefix. What a test compares is what a person would: the rows of the library
//! (jobs, images, flags) and the bytes of every file.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use nanoforge_core::accounts::{Secret, SecretPurpose, SecretStore, Secrets, SessionStore};
use nanoforge_core::providers::{GenerationRequest, Model};
use nanoforge_core::queue::JobStage;
use nanoforge_core::sync::{SyncReport, SyncSetup};
use nanoforge_core::{AppCore, CoreConfig, ProfileChoice};
use s3_test_server::S3Server;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

pub const BUCKET: &str = "nanoforge-sync";
pub const PATIENCE: Duration = Duration::from_secs(30);

pub struct World {
    pub s3: S3Server,
    pub dir: tempfile::TempDir,
}

impl World {
    pub async fn start() -> World {
        let dir = tempfile::tempdir().expect("temp dir");
        let s3 = S3Server::start(dir.path().join("s3"))
            .await
            .expect("start the S3 server");
        s3.create_bucket(BUCKET).await.expect("bucket");
        World { s3, dir }
    }

    /// The sync settings every device of this world uses (prefix `prefix`).
    pub fn settings(&self, prefix: &str) -> SyncSetup {
        SyncSetup {
            endpoint: self.s3.endpoint().to_owned(),
            bucket: BUCKET.to_owned(),
            region: self.s3.region().to_owned(),
            prefix: prefix.to_owned(),
            access_key_id: self.s3.access_key().to_owned(),
            keep_originals: true,
            cache_mb: 64,
            auto_sync: false,
        }
    }

    pub fn data_dir(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A device named `name` (its own data folder), synced to `lib/`.
    pub async fn device(&self, name: &str) -> AppCore {
        self.device_with(name, self.settings("lib/")).await
    }

    pub async fn device_with(&self, name: &str, settings: SyncSetup) -> AppCore {
        self.device_tweaked(name, settings, |_| {}).await
    }

    /// A device whose core config is changed by `tweak` first (e.g. a slow demo provider).
    pub async fn device_tweaked(
        &self,
        name: &str,
        settings: SyncSetup,
        tweak: impl FnOnce(&mut CoreConfig),
    ) -> AppCore {
        let core = open_core_with(&self.data_dir(name), tweak).await;
        core.session()
            .update_sync_setup(settings, Some(self.s3.secret_key().to_owned()))
            .await
            .expect("save the sync settings");
        core
    }

    /// Every object key in the bucket, sorted.
    pub fn keys(&self) -> Vec<String> {
        let root = self.s3.root().join(BUCKET);
        let mut keys = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let key = path
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    // s3s-fs keeps its metadata next to the objects.
                    if !key.contains(".s3s") && !key.starts_with('.') {
                        keys.push(key);
                    }
                }
            }
        }
        keys.sort();
        keys
    }
}

/// A core on its own data folder, with secrets in memory (no keychain needed).
pub async fn open_core(data_dir: &Path) -> AppCore {
    open_core_with(data_dir, |_| {}).await
}

pub async fn open_core_with(data_dir: &Path, tweak: impl FnOnce(&mut CoreConfig)) -> AppCore {
    let mut config = CoreConfig::new(data_dir);
    config.demo_latency = Some(Duration::ZERO);
    config.poll_interval = Duration::from_millis(20);
    tweak(&mut config);
    AppCore::open_with(
        config,
        Secrets::new(Arc::new(SessionStore::new())),
        ProfileChoice::Current,
    )
    .await
    .expect("open the core")
}

/// Makes `count` demo images from one job (free, local) and waits until the job is done.
pub async fn generate(core: &AppCore, prompt: &str, count: u8) -> String {
    let mut events = core.job_events();
    let mut request = GenerationRequest::new(prompt, Model::Demo);
    request.count = count;
    let jobs = core
        .session()
        .generate(request, Default::default())
        .await
        .expect("generate");
    let id = jobs[0].id.clone();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .expect("the job finished in time")
            .expect("job events");
        if event.job_id == id && event.stage.is_final() {
            assert!(
                matches!(event.stage, JobStage::Done { .. }),
                "{:?}",
                event.stage
            );
            return id;
        }
    }
}

pub async fn sync(core: &AppCore) -> SyncReport {
    core.session().sync_now().await.expect("sync")
}

/// The library as a person sees it, minus what is device-local: one line per job and image.
pub async fn snapshot(core: &AppCore) -> BTreeMap<String, String> {
    let pool = core.session().library().pool().clone();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT 'job ' || id,
                printf('%s|%s|%s|%s|%s|%s', prompt, status, model, cost,
                       ifnull(parent_job_id, '-'), ifnull(remote_task_id, '-'))
         FROM jobs
         UNION ALL
         SELECT 'image ' || id,
                printf('%s|%s|%s|%s|fav=%s|rating=%s|trashed=%s', kind, ifnull(job_id, '-'),
                       position, sha256, CASE favourite WHEN 1 THEN 'true' ELSE 'false' END,
                       rating, CASE WHEN deleted_at IS NULL THEN 'false' ELSE 'true' END)
         FROM images",
    )
    .fetch_all(&pool)
    .await
    .expect("snapshot");
    rows.into_iter().collect()
}

/// Every image's original on disk hashes to its recorded SHA-256.
pub async fn assert_files_match(core: &AppCore) {
    let session = core.session();
    let library = session.library();
    let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT id, path, sha256 FROM images")
        .fetch_all(library.pool())
        .await
        .expect("images");
    for (id, path, sha) in rows {
        let file = library.absolute_path(&path).expect("path");
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(format!("{:x}", Sha256::digest(&bytes)), sha, "{id}");
    }
}

pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + PATIENCE;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A secret store with only the sync key for the local profile.
pub fn secrets_with_sync_key(secret: &str) -> Secrets {
    let store = SessionStore::new();
    store
        .set(
            "local",
            SecretPurpose::SyncSecretKey,
            &Secret::new(secret.to_owned()).expect("secret"),
        )
        .expect("session store");
    Secrets::new(Arc::new(store))
}

/// The ids of every image of `core`'s library, sorted.
pub async fn image_ids(core: &AppCore) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM images ORDER BY id")
        .fetch_all(core.session().library().pool())
        .await
        .expect("image ids");
    rows.into_iter().map(|(id,)| id).collect()
}

/// Writes `bytes` as the object `key` of the bucket directly in the server's folder, as a
/// hostile or broken writer would (no request).
pub fn plant(world: &World, key: &str, bytes: &[u8]) {
    let path = world.s3.root().join(BUCKET).join(key);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("folders");
    std::fs::write(path, bytes).expect("plant an object");
}

/// A gzip'd segment: the header line, then one operation per line.
pub fn segment(device: &str, seq: i64, ops: &[serde_json::Value]) -> Vec<u8> {
    use std::io::Write;
    let mut text = serde_json::json!({"format": 1, "device": device, "seq": seq, "ops": ops.len()})
        .to_string();
    for op in ops {
        text.push('\n');
        text.push_str(&op.to_string());
    }
    text.push('\n');
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).expect("gzip");
    gz.finish().expect("gzip")
}

/// A device `device` that never ran Nanoforge announcing `last_seq` segments under `prefix`.
pub fn plant_head(world: &World, prefix: &str, device: &str, last_seq: i64) {
    let head = serde_json::json!({
        "format": 1, "device": device, "last_seq": last_seq, "name": device,
        "platform": "hostile", "app_version": "0", "pushed_at": 0,
    });
    plant(
        world,
        &format!("{prefix}heads/{device}.json"),
        head.to_string().as_bytes(),
    );
}
