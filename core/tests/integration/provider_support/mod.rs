//! Shared set-up for the provider tests: a fake Nano Banana server on 127.0.0.1 and a client with
//! short timeouts and quick retries pointed at it.

#![allow(dead_code)]

use std::time::Duration;

use fake_nanobanana::FakeServer;
use nanoforge_core::accounts::ApiKey;
use nanoforge_core::providers::{
    DownloadLimits, GenerationRequest, Model, NanoBananaClient, NanoBananaConfig, Provider,
    RetryPolicy,
};

pub async fn fake() -> FakeServer {
    FakeServer::start().await.expect("start the fake server")
}

/// Retries quickly (10–40 ms), three attempts, waits out a `Retry-After` of up to 5 s.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(5),
    }
}

pub fn config(server: &FakeServer) -> NanoBananaConfig {
    let mut config = NanoBananaConfig::new(server.base_url());
    config.connect_timeout = Duration::from_secs(2);
    config.read_timeout = Duration::from_secs(2);
    config.request_timeout = Duration::from_secs(5);
    config.retry = fast_retry();
    config.download = DownloadLimits {
        idle_timeout: Duration::from_secs(2),
        ..DownloadLimits::default()
    };
    config.check_credits_before_submit = false;
    config
}

pub fn client_with(server: &FakeServer, config: NanoBananaConfig) -> NanoBananaClient {
    let key = ApiKey::new(server.api_key()).expect("key");
    NanoBananaClient::new(config, Some(key)).expect("client")
}

pub fn client(server: &FakeServer) -> NanoBananaClient {
    client_with(server, config(server))
}

pub fn provider(server: &FakeServer) -> Provider {
    Provider::NanoBanana(client(server))
}

pub fn request(prompt: &str, model: Model) -> GenerationRequest {
    GenerationRequest::new(prompt, model)
}

/// PNG width and height from the IHDR chunk.
pub fn png_dimensions(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let h = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    (w, h)
}

/// Polls a task every 10 ms until it is done (5 s at most); its URLs and how many polls it took.
pub async fn wait_done(provider: &Provider, task_id: &str) -> (Vec<String>, u32) {
    use nanoforge_core::providers::PollOutcome;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut polls = 0;
    loop {
        polls += 1;
        match provider.poll_once(task_id).await.expect("poll") {
            PollOutcome::Done { urls, .. } => return (urls, polls),
            PollOutcome::Failed { error, .. } => panic!("the task failed: {error}"),
            PollOutcome::Pending { .. } => {}
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the task never finished"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
