//! Downloading results: expired, truncated, stalled, bogus and oversized downloads fail with a
//! typed error within their limits and leave no file behind; transient failures are retried.

use crate::provider_support;

use std::path::Path;
use std::time::Duration;

use fake_nanobanana::{Endpoint, FakeServer, Fault, FaultAction, Target, TaskScenario};
use nanoforge_core::ErrorKind;
use nanoforge_core::providers::{
    DownloadLimits, DownloadedImage, Model, NanoBananaConfig, PollOutcome, Provider, ProviderError,
};
use provider_support::{client_with, config, fake, request};
use tokio::time::Instant;

/// A finished task's first result URL.
async fn result_url(server: &FakeServer, provider: &Provider, scenario: TaskScenario) -> String {
    server.set_scenario(scenario);
    let outcome = provider
        .submit(&request("a cat", Model::NanoBanana2))
        .await
        .unwrap();
    let nanoforge_core::providers::SubmitOutcome::Remote { task_id } = outcome else {
        panic!("remote task expected");
    };
    match provider.poll_once(&task_id).await.unwrap() {
        PollOutcome::Done { urls, .. } => urls[0].clone(),
        other => panic!("{other:?}"),
    }
}

fn provider_with(server: &FakeServer, tweak: impl FnOnce(&mut NanoBananaConfig)) -> Provider {
    let mut config = config(server);
    config.download.idle_timeout = Duration::from_millis(300);
    tweak(&mut config);
    Provider::NanoBanana(client_with(server, config))
}

async fn download(
    provider: &Provider,
    url: &str,
    dir: &Path,
    deadline: Duration,
) -> Result<DownloadedImage, ProviderError> {
    let dest = dir.join("image.png");
    let result = provider
        .download(url, &dest, |_| {}, Instant::now() + deadline)
        .await;
    if result.is_err() {
        let left: Vec<_> = std::fs::read_dir(dir).unwrap().collect();
        assert!(
            left.is_empty(),
            "a failed download leaves nothing: {left:?}"
        );
    }
    result
}

fn image_requests(server: &FakeServer) -> usize {
    server.count(Endpoint::Image)
}

fn with_image(action: FaultAction) -> TaskScenario {
    TaskScenario {
        image: Some(action),
        ..TaskScenario::default()
    }
}

#[tokio::test]
async fn an_expired_result_url_is_reported_without_retrying() {
    let server = fake().await;
    let provider = provider_with(&server, |_| {});
    let url = result_url(&server, &provider, with_image(FaultAction::NotFound)).await;
    let dir = tempfile::tempdir().unwrap();
    let error = download(&provider, &url, dir.path(), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Download);
    assert!(matches!(
        error,
        ProviderError::ResultUnavailable { status: 404 }
    ));
    assert_eq!(image_requests(&server), 1);
}

#[tokio::test]
async fn a_truncated_download_is_retried_then_reported() {
    let server = fake().await;
    let provider = provider_with(&server, |_| {});
    let url = result_url(&server, &provider, with_image(FaultAction::Truncated)).await;
    let dir = tempfile::tempdir().unwrap();
    let error = download(&provider, &url, dir.path(), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Download, "{error}");
    assert!(error.is_retryable());
    assert_eq!(image_requests(&server), 3, "max_attempts");
}

#[tokio::test]
async fn a_download_truncated_once_succeeds_on_retry() {
    let server = fake().await;
    let provider = provider_with(&server, |_| {});
    let url = result_url(&server, &provider, TaskScenario::default()).await;
    server.push_fault(Fault::new(Target::Image, 1, FaultAction::Truncated));
    let dir = tempfile::tempdir().unwrap();
    let image = download(&provider, &url, dir.path(), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!((image.width, image.height), (1024, 1024));
    assert_eq!(image_requests(&server), 2);
}

#[tokio::test]
async fn a_stalled_download_fails_after_the_idle_timeout() {
    let server = fake().await;
    let provider = provider_with(&server, |c| c.retry.max_attempts = 1);
    let url = result_url(&server, &provider, with_image(FaultAction::Stalled)).await;
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let error = download(&provider, &url, dir.path(), Duration::from_secs(10))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.to_string().contains("no data after"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn the_overall_deadline_bounds_retries_of_a_stalled_download() {
    let server = fake().await;
    let provider = provider_with(&server, |c| {
        c.download.idle_timeout = Duration::from_secs(30);
        c.retry.max_attempts = 10;
    });
    let url = result_url(&server, &provider, with_image(FaultAction::Stalled)).await;
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let error = download(&provider, &url, dir.path(), Duration::from_millis(400))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_body_that_is_not_an_image_is_refused() {
    let server = fake().await;
    let provider = provider_with(&server, |_| {});
    let url = result_url(&server, &provider, with_image(FaultAction::NotImage)).await;
    let dir = tempfile::tempdir().unwrap();
    let error = download(&provider, &url, dir.path(), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidImage, "{error}");
    assert_eq!(image_requests(&server), 1);
}

#[tokio::test]
async fn oversized_downloads_are_refused() {
    let server = fake().await;
    let provider = provider_with(&server, |c| {
        c.download = DownloadLimits {
            max_bytes: 256 * 1024,
            ..c.download
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        FaultAction::HugeContentLength,
        FaultAction::Endless,
        FaultAction::HugeDimensions,
    ];
    for action in cases {
        let before = image_requests(&server);
        let url = result_url(&server, &provider, with_image(action.clone())).await;
        let error = download(&provider, &url, dir.path(), Duration::from_secs(5))
            .await
            .unwrap_err();
        assert_eq!(
            error.kind(),
            ErrorKind::ImageTooLarge,
            "{action:?}: {error}"
        );
        assert_eq!(
            image_requests(&server),
            before + 1,
            "{action:?} is not retried"
        );
        if action == FaultAction::HugeDimensions {
            assert!(error.to_string().contains("100000×100000"), "{error}");
        }
    }
}

#[tokio::test]
async fn a_5xx_from_the_image_host_is_retried() {
    let server = fake().await;
    let provider = provider_with(&server, |_| {});
    let url = result_url(&server, &provider, TaskScenario::default()).await;
    let busy = FaultAction::Http {
        status: 503,
        code: None,
        msg: None,
        retry_after: None,
    };
    server.push_fault(Fault::new(Target::Image, 2, busy));
    let dir = tempfile::tempdir().unwrap();
    download(&provider, &url, dir.path(), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(image_requests(&server), 3);
}

#[tokio::test]
async fn only_http_urls_are_downloaded() {
    let server = fake().await;
    let provider = provider_with(&server, |_| {});
    let dir = tempfile::tempdir().unwrap();
    let error = download(
        &provider,
        "file:///etc/passwd",
        dir.path(),
        Duration::from_secs(1),
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(server.api_request_count(), 0);
}
