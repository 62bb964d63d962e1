//! The offline demo provider: deterministic, labelled, sized like the request, free.

use crate::provider_support;

use std::time::Duration;

use nanoforge_core::ErrorKind;
use nanoforge_core::providers::{
    AspectRatio, DemoProvider, GenerationRequest, ImageSize, ImageSource, Model, Provider,
    SubmitOutcome,
};
use provider_support::png_dimensions;

fn demo() -> Provider {
    Provider::Demo(DemoProvider::with_latency(Duration::ZERO))
}

async fn images(provider: &Provider, req: &GenerationRequest) -> Vec<Vec<u8>> {
    match provider.submit(req).await.unwrap() {
        SubmitOutcome::Immediate { images, .. } => images
            .into_iter()
            .map(|i| match i {
                ImageSource::Bytes(b) => b,
                ImageSource::Url(u) => panic!("demo images are bytes, got {u}"),
            })
            .collect(),
        other => panic!("demo answers at once, got {other:?}"),
    }
}

fn req(prompt: &str, seed: u32) -> GenerationRequest {
    let mut req = GenerationRequest::new(prompt, Model::Demo);
    req.seed = Some(seed);
    req.size = ImageSize::S512;
    req
}

#[tokio::test]
async fn the_same_prompt_and_seed_give_the_same_bytes() {
    let provider = demo();
    let a = images(&provider, &req("a lighthouse in fog", 7)).await;
    let b = images(&provider, &req("a lighthouse in fog", 7)).await;
    assert_eq!(a, b);
    let other_seed = images(&provider, &req("a lighthouse in fog", 8)).await;
    let other_prompt = images(&provider, &req("a lighthouse at noon", 7)).await;
    assert_ne!(a, other_seed);
    assert_ne!(a, other_prompt);
}

#[tokio::test]
async fn images_have_the_preset_size_and_aspect_and_count() {
    let provider = demo();
    let mut request = req("mountains", 1);
    request.size = ImageSize::S1K;
    request.aspect_ratio = AspectRatio::Landscape16x9;
    request.count = 3;
    let pngs = images(&provider, &request).await;
    assert_eq!(pngs.len(), 3);
    assert_ne!(pngs[0], pngs[1], "each image of a request differs");
    for png in &pngs {
        assert_eq!(png_dimensions(png), (1024, 576));
    }
}

#[tokio::test]
async fn images_are_labelled_as_demo() {
    let png = images(&demo(), &req("a cat", 3)).await.remove(0);
    let text = String::from_utf8_lossy(&png);
    assert!(
        text.contains("tEXtSoftware\0Nanoforge demo provider"),
        "PNG text chunk"
    );
    assert!(text.contains("DEMO image"));
    let decoded = image::load_from_memory(&png).unwrap().to_rgb8();
    // The badge's glyphs are pure white on a dark plate in the bottom-right corner.
    let (w, h) = decoded.dimensions();
    let white = (w * 3 / 4..w)
        .flat_map(|x| (h * 7 / 8..h).map(move |y| (x, y)))
        .filter(|&(x, y)| decoded.get_pixel(x, y).0 == [255, 255, 255])
        .count();
    assert!(white > 50, "{white} white badge pixels");
}

#[tokio::test]
async fn the_demo_is_named_free_and_offline() {
    let provider = demo();
    let request = req("a cat", 1);
    assert_eq!(provider.kind(), nanoforge_core::catalog::ProviderKind::Demo);
    let _ = &request;
    assert_eq!(
        Model::Demo.info().size(request.size).map(|s| s.price_usd),
        Some(0.0)
    );
    assert_eq!(provider.credits().await.unwrap(), None);
    assert_eq!(
        provider.poll_once("x").await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let blank = req("  ", 1);
    assert_eq!(
        provider.submit(&blank).await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}

#[tokio::test]
async fn the_simulated_latency_is_waited() {
    let realistic = DemoProvider::new();
    let mut request = req("a cat", 1);
    assert_eq!(realistic.latency_for(&request), Duration::from_secs(2));
    request.size = ImageSize::S2K;
    assert_eq!(realistic.latency_for(&request), Duration::from_secs(5));

    let provider = Provider::Demo(DemoProvider::with_latency(Duration::from_millis(50)));
    let started = std::time::Instant::now();
    images(&provider, &req("a cat", 1)).await;
    assert!(started.elapsed() >= Duration::from_millis(50));
}
