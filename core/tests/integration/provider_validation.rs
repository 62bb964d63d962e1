//! Bad requests are refused on this machine, with a clear message, before any request is sent.

use crate::provider_support;

use nanoforge_core::ErrorKind;
use nanoforge_core::providers::{
    AspectRatio, GenerationRequest, ImageSize, Model, NanoBananaClient, NanoBananaConfig, Provider,
    ProviderError,
};
use provider_support::{client, fake, request};

fn refused(req: &GenerationRequest) -> String {
    match req.validate() {
        Err(ProviderError::InvalidInput(message)) => message,
        other => panic!("expected InvalidInput for {req:?}, got {other:?}"),
    }
}

#[test]
fn blank_and_overlong_prompts_are_refused_per_model_limit() {
    assert!(refused(&request("   \n", Model::NanoBanana2)).contains("prompt is empty"));

    let limits = [
        (Model::NanoBanana, 5_000),
        (Model::NanoBanana2, 20_000),
        (Model::NanoBananaPro, 10_000),
    ];
    for (model, limit) in limits {
        assert_eq!(model.info().max_prompt_chars as usize, limit);
        // Characters, not bytes: a multi-byte prompt at the limit is fine.
        assert!(request(&"é".repeat(limit), model).validate().is_ok());
        let message = refused(&request(&"a".repeat(limit + 1), model));
        assert!(message.contains(&limit.to_string()), "{message}");
    }
}

#[test]
fn counts_outside_one_to_four_are_refused() {
    for count in [0, 5, 200] {
        let mut req = request("a cat", Model::NanoBanana);
        req.count = count;
        assert!(refused(&req).contains("between 1 and 4"));
    }
    let mut req = request("a cat", Model::NanoBanana);
    req.count = 4;
    assert!(req.validate().is_ok());
}

#[test]
fn unknown_sizes_ratios_and_models_are_refused_when_parsed() {
    let size = "huge".parse::<ImageSize>().unwrap_err();
    assert_eq!(
        nanoforge_core::CoreError::from(size.clone()).kind(),
        ErrorKind::InvalidInput
    );
    assert!(size.to_string().contains("unknown size 'huge'"));
    assert!(
        "7:5"
            .parse::<AspectRatio>()
            .unwrap_err()
            .to_string()
            .contains("unknown aspect ratio")
    );
    assert!("dall-e".parse::<Model>().is_err());

    assert_eq!("1024".parse::<ImageSize>().unwrap(), ImageSize::S1K);
    assert_eq!("2048x2048".parse::<ImageSize>().unwrap(), ImageSize::S2K);
    assert_eq!("4k".parse::<ImageSize>().unwrap(), ImageSize::S4K);
    assert_eq!(
        "16:9".parse::<AspectRatio>().unwrap(),
        AspectRatio::Landscape16x9
    );
    assert_eq!(
        "nano-banana-pro".parse::<Model>().unwrap(),
        Model::NanoBananaPro
    );
    // JSON uses the same names.
    let req: GenerationRequest = serde_json::from_value(serde_json::json!({
        "prompt": "x", "model": "nano-banana-2", "size": "2K", "aspectRatio": "21:9", "count": 2
    }))
    .unwrap();
    assert_eq!(
        (req.model, req.size, req.aspect_ratio, req.count),
        (
            Model::NanoBanana2,
            ImageSize::S2K,
            AspectRatio::Landscape21x9,
            2
        )
    );
    assert!(
        serde_json::from_value::<GenerationRequest>(
            serde_json::json!({"prompt": "x", "size": "huge"})
        )
        .is_err()
    );
}

#[test]
fn ratios_are_checked_against_the_model() {
    let mut req = request("a cat", Model::NanoBanana);
    req.aspect_ratio = AspectRatio::Portrait1x8;
    assert!(refused(&req).contains("does not offer the aspect ratio 1:8"));
    req.aspect_ratio = AspectRatio::Auto;
    assert!(req.validate().is_err());
    req.model = Model::NanoBananaPro;
    assert!(req.validate().is_ok());
    req.aspect_ratio = AspectRatio::Landscape8x1;
    assert!(req.validate().is_err());
    req.model = Model::NanoBanana2;
    assert!(req.validate().is_ok());
}

#[test]
fn local_paths_are_not_input_images() {
    for path in [
        "/home/me/cat.png",
        "file:///home/me/cat.png",
        "C:\\cat.png",
        "cat.png",
        "ftp://x/cat.png",
    ] {
        let mut req = request("make it blue", Model::NanoBanana);
        req.image_urls = vec![path.into()];
        let message = refused(&req);
        assert!(
            message.contains("a public URL is needed until R2 sync can provide one"),
            "{message}"
        );
    }
    let mut req = request("make it blue", Model::NanoBananaPro);
    req.image_urls = vec!["https://example.com/cat.png".into(); 9];
    assert!(refused(&req).contains("at most 8 input images"));
    req.image_urls.truncate(8);
    assert!(req.validate().is_ok());
}

#[test]
fn watermark_only_where_the_model_has_one() {
    let mut req = request("a cat", Model::NanoBanana2);
    req.watermark = Some("© me".into());
    assert!(refused(&req).contains("no watermark option"));
    req.model = Model::NanoBanana;
    assert!(req.validate().is_ok());
    req.watermark = Some("x".repeat(101));
    assert!(req.validate().is_err());
}

#[test]
fn sizes_are_checked_against_the_model() {
    let mut req = request("a cat", Model::NanoBanana2);
    req.size = ImageSize::S4K;
    assert!(req.validate().is_ok(), "4K can be requested");
    req.size = ImageSize::S512;
    assert!(refused(&req).contains("does not offer the size 512"));
    req.model = Model::NanoBanana;
    req.size = ImageSize::S2K;
    assert!(refused(&req).contains("choose 1K"));
    assert_eq!(ImageSize::default(), ImageSize::S1K);
    assert_eq!(AspectRatio::Landscape16x9.dimensions(1024), (1024, 576));
    assert_eq!(AspectRatio::Portrait9x16.dimensions(1536), (864, 1536));
}

#[test]
fn several_images_become_one_task_each_where_the_model_needs_it() {
    let mut req = request("a cat", Model::NanoBanana2);
    req.count = 3;
    req.seed = Some(10);
    let tasks = req.split_into_tasks();
    assert_eq!(tasks.len(), 3);
    assert!(tasks.iter().all(|t| t.count == 1));
    assert_eq!(
        tasks.iter().map(|t| t.seed).collect::<Vec<_>>(),
        vec![Some(10), Some(11), Some(12)]
    );
    req.model = Model::NanoBanana;
    assert_eq!(req.split_into_tasks().len(), 1);
}

#[tokio::test]
async fn refused_requests_send_nothing() {
    let server = fake().await;
    let provider = Provider::NanoBanana(client(&server));
    let mut bad = vec![
        request("", Model::NanoBanana2),
        request(&"a".repeat(20_001), Model::NanoBanana2),
        request("a cat", Model::Demo),
    ];
    let mut local = request("edit", Model::NanoBanana);
    local.image_urls = vec!["/tmp/cat.png".into()];
    bad.push(local);
    let mut too_many = request("a cat", Model::NanoBanana);
    too_many.count = 5;
    bad.push(too_many);
    let mut unsplit = request("a cat", Model::NanoBananaPro);
    unsplit.count = 2;
    bad.push(unsplit);
    for req in &bad {
        let error = provider.submit(req).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{req:?}: {error}");
    }
    assert!(provider.poll_once("  ").await.is_err());
    assert_eq!(server.api_request_count(), 0, "{:?}", server.requests());
}

#[tokio::test]
async fn a_missing_key_is_reported_before_any_request() {
    let server = fake().await;
    let client = NanoBananaClient::new(NanoBananaConfig::new(server.base_url()), None).unwrap();
    let error = client
        .submit(&request("a cat", Model::NanoBanana2))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ApiKeyMissing);
    assert!(
        error
            .to_string()
            .contains("no Nano Banana API key: set it in Settings"),
        "{error}"
    );
    assert_eq!(
        client.credits().await.unwrap_err().kind(),
        ErrorKind::ApiKeyMissing
    );
    assert_eq!(server.api_request_count(), 0);

    let bad_base = NanoBananaClient::new(NanoBananaConfig::new("not a url"), None).unwrap_err();
    assert_eq!(bad_base.kind(), ErrorKind::InvalidInput);
}
