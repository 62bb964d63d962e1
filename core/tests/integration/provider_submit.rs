//! The happy path against the fake server: what each model's submit sends, polling to a result,
//! downloading it, and the credit balance.

use crate::provider_support;

use std::time::Duration;

use fake_nanobanana::{Endpoint, TaskScenario};
use nanoforge_core::ErrorKind;
use nanoforge_core::providers::{
    AspectRatio, ImageSize, Model, PollOutcome, Provider, SubmitOutcome,
};
use provider_support::{client_with, config, fake, png_dimensions, provider, request, wait_done};
use serde_json::json;
use tokio::time::Instant;

fn task_id(outcome: SubmitOutcome) -> String {
    match outcome {
        SubmitOutcome::Remote { task_id } => task_id,
        other => panic!("expected a remote task, got {other:?}"),
    }
}

#[tokio::test]
async fn nano_banana_v1_sends_the_documented_fields() {
    let server = fake().await;
    let provider = provider(&server);
    let mut req = request("a red fox", Model::NanoBanana);
    req.aspect_ratio = AspectRatio::Landscape16x9;
    req.count = 2;
    req.watermark = Some("nanoforge".into());
    let id = task_id(provider.submit(&req).await.unwrap());

    let sent = &server.requests()[0];
    assert_eq!(sent.endpoint, Endpoint::SubmitV1);
    assert!(sent.auth_valid, "Authorization: Bearer <key>");
    let body = sent.body.clone().unwrap();
    assert_eq!(body["prompt"], "a red fox");
    assert_eq!(body["type"], "TEXTTOIAMGE");
    assert_eq!(body["image_size"], "16:9");
    assert_eq!(body["numImages"], 2);
    assert_eq!(body["watermark"], "nanoforge");
    assert!(
        body["callBackUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert!(body.get("imageUrls").is_none());

    let (urls, polls) = wait_done(&provider, &id).await;
    assert_eq!(urls.len(), 2, "numImages 2 gives two URLs");
    assert_eq!(polls, 1);
}

#[tokio::test]
async fn image_to_image_uses_the_misspelled_type_and_image_urls() {
    let server = fake().await;
    let mut req = request("make it blue", Model::NanoBanana);
    req.image_urls = vec!["https://example.com/cat.png".into()];
    provider(&server).submit(&req).await.unwrap();
    let body = server.requests()[0].body.clone().unwrap();
    assert_eq!(body["type"], "IMAGETOIAMGE");
    assert_eq!(body["imageUrls"], json!(["https://example.com/cat.png"]));
}

#[tokio::test]
async fn nano_banana_2_and_pro_send_resolution_and_aspect_ratio() {
    let server = fake().await;
    let provider = provider(&server);
    let mut req = request("a lighthouse", Model::NanoBanana2);
    req.size = ImageSize::S4K;
    req.aspect_ratio = AspectRatio::Portrait1x4;
    provider.submit(&req).await.unwrap();
    req.model = Model::NanoBananaPro;
    req.size = ImageSize::S1K;
    req.aspect_ratio = AspectRatio::Auto;
    provider.submit(&req).await.unwrap();

    let requests = server.requests();
    let (v2, pro) = (&requests[0], &requests[1]);
    assert_eq!(v2.endpoint, Endpoint::Submit2);
    let body = v2.body.clone().unwrap();
    assert_eq!(body["aspectRatio"], "1:4");
    assert_eq!(body["resolution"], "4K", "4K can be requested");
    assert_eq!(body["outputFormat"], "png");
    assert_eq!(body["imageUrls"], json!([]));
    assert_eq!(pro.endpoint, Endpoint::SubmitPro);
    let body = pro.body.clone().unwrap();
    assert_eq!(body["resolution"], "1K");
    assert_eq!(body["aspectRatio"], "auto");
    assert!(body["callBackUrl"].is_string(), "pro requires callBackUrl");
}

#[tokio::test]
async fn a_pending_task_is_polled_until_done_and_its_image_downloaded() {
    let server = fake().await;
    server.set_scenario(TaskScenario {
        pending_polls: 2,
        ..TaskScenario::default()
    });
    let provider = provider(&server);
    let mut req = request("a harbour at dusk", Model::NanoBanana2);
    req.aspect_ratio = AspectRatio::Landscape16x9;
    let id = task_id(provider.submit(&req).await.unwrap());

    assert!(matches!(
        provider.poll_once(&id).await.unwrap(),
        PollOutcome::Pending { .. }
    ));
    let (urls, polls) = wait_done(&provider, &id).await;
    assert_eq!(polls, 2, "one more pending answer, then done");
    assert_eq!(server.poll_count(&id), 3);

    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("result.png");
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    let image = provider
        .download(&urls[0], &dest, |p| seen.push(p.received), deadline)
        .await
        .unwrap();
    assert_eq!((image.width, image.height), (1024, 576), "1K tier, 16:9");
    assert_eq!(image.format, "png");
    let bytes = std::fs::read(&dest).unwrap();
    assert_eq!(png_dimensions(&bytes), (1024, 576));
    assert_eq!(image.bytes, bytes.len() as u64);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]) && seen.last() == Some(&image.bytes));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");

    let downloads: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == Endpoint::Image)
        .collect();
    assert_eq!(downloads.len(), 1);
    assert!(
        !downloads[0].auth_present,
        "the API key is not sent to the image host"
    );
}

#[tokio::test]
async fn the_credit_balance_is_read_and_a_zero_balance_refuses_submit() {
    let server = fake().await;
    server.set_credits(42.5);
    let provider = provider(&server);
    assert_eq!(provider.credits().await.unwrap(), Some(42.5));

    let mut checking = config(&server);
    checking.check_credits_before_submit = true;
    let checking = Provider::NanoBanana(client_with(&server, checking));
    checking
        .submit(&request("a cat", Model::NanoBanana2))
        .await
        .unwrap();
    assert_eq!(server.submit_count(), 1);

    server.set_credits(0.0);
    let error = checking
        .submit(&request("a cat", Model::NanoBanana2))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutOfCredits);
    assert!(error.to_string().contains("out of credits"));
    assert_eq!(server.submit_count(), 1, "no submit after a zero balance");
    assert_eq!(server.count(Endpoint::Credit), 3);
}
