//! Shared set-up for the Gemini tests: the fake of Google's `generateContent` on 127.0.0.1, a
//! real library in a temp folder, and an `AppCore` with the fake's key in a session store.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use fake_gemini::FakeGemini;
use nanoforge_core::accounts::{ApiKey, SecretPurpose, SecretStore, Secrets, SessionStore};
use nanoforge_core::catalog::{Model, ProviderKind};
use nanoforge_core::library::JobRecord;
use nanoforge_core::providers::GenerationRequest;
use nanoforge_core::queue::GenerateOptions;
use nanoforge_core::{AppCore, CoreConfig, ProfileChoice};

pub struct Env {
    pub fake: FakeGemini,
    pub core: AppCore,
    pub dir: tempfile::TempDir,
}

/// The config a Gemini test's core opens with, pointed at `fake`.
pub fn config_for(fake: &FakeGemini, dir: &std::path::Path) -> CoreConfig {
    let mut config = CoreConfig::new(dir);
    config.gemini_base_url = fake.base_url().to_owned();
    config.poll_interval = Duration::from_millis(20);
    config.lease_ttl = Duration::from_secs(2);
    config
}

/// Secrets held in memory, with `key` as the local profile's Gemini key.
pub fn secrets_with_key(key: &str) -> Secrets {
    let store = SessionStore::new();
    store
        .set(
            "local",
            SecretPurpose::GeminiKey,
            &ApiKey::new(key).unwrap(),
        )
        .unwrap();
    Secrets::new(Arc::new(store))
}

pub async fn env_with_key(key: &str) -> Env {
    env_from(key, |_| {}).await
}

/// An env whose core's config is changed by `tweak` first.
pub async fn env_with(tweak: impl FnOnce(&mut CoreConfig)) -> Env {
    env_from(fake_gemini::DEFAULT_API_KEY, tweak).await
}

async fn env_from(key: &str, tweak: impl FnOnce(&mut CoreConfig)) -> Env {
    let fake = FakeGemini::start().await.expect("start the fake");
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_for(&fake, dir.path());
    tweak(&mut config);
    let core = AppCore::open_with(config, secrets_with_key(key), ProfileChoice::Current)
        .await
        .unwrap();
    Env { fake, core, dir }
}

/// A core on `dir` (again, after a quit) with `key`.
pub async fn open(fake: &FakeGemini, dir: &std::path::Path, key: &str) -> AppCore {
    AppCore::open_with(
        config_for(fake, dir),
        secrets_with_key(key),
        ProfileChoice::Current,
    )
    .await
    .unwrap()
}

pub async fn env() -> Env {
    env_with_key(fake_gemini::DEFAULT_API_KEY).await
}

impl Env {
    /// The same library opened again by a new core (the next start).
    pub async fn reopen(&self) -> AppCore {
        open(&self.fake, self.dir.path(), fake_gemini::DEFAULT_API_KEY).await
    }
}

/// Generates `req` with an optional time limit and waits for its end.
pub async fn run(env: &Env, req: GenerationRequest, timeout: Option<u32>) -> JobRecord {
    let options = GenerateOptions {
        timeout_secs: timeout,
        ..GenerateOptions::default()
    };
    let jobs = env.core.session().generate(req, options).await.unwrap();
    assert_eq!(jobs[0].provider, ProviderKind::Gemini);
    env.core.session().wait(&jobs[0].id).await.unwrap()
}

pub fn request(prompt: &str, model: Model) -> GenerationRequest {
    GenerationRequest::new(prompt, model)
}
