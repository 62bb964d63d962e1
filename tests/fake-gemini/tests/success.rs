//! Successful answers over real HTTP: parts in order, thought parts and signatures, real PNG and
//! JPEG bytes of the right pixel size, token counts per model and size, and the scenario knobs
//! that shape a success (image-only, several images, mime overrides and lies).

mod common;

use common::{Api, FLASH, FLASH31, PRO, dimensions, final_images, parts, prompt, with_config};
use serde_json::json;

#[tokio::test]
async fn a_flash_answer_is_text_then_a_real_png_with_its_tokens() {
    let api = Api::start().await;
    let (status, answer) = api
        .generate(FLASH, &with_config("a cat", "16:9", "1K"))
        .await;
    assert_eq!(status, 200, "{answer}");
    let candidate = &answer["candidates"][0];
    assert_eq!(candidate["content"]["role"], "model");
    assert_eq!(candidate["finishReason"], "STOP");
    assert_eq!(candidate["index"], 0);
    let parts = parts(&answer);
    assert_eq!(parts.len(), 2);
    assert!(parts[0]["text"].is_string(), "text first");
    assert!(
        parts
            .iter()
            .all(|p| p.get("thought").is_none() && p.get("thoughtSignature").is_none())
    );
    let images = final_images(&answer);
    assert_eq!(images[0].0, "image/png");
    assert!(images[0].1.starts_with(b"\x89PNG"));
    assert_eq!(dimensions(&images[0].1), (1344, 768));
    let usage = &answer["usageMetadata"];
    assert_eq!(
        usage["candidatesTokensDetails"],
        json!([{"modality": "IMAGE", "tokenCount": 1290}])
    );
    let sum = usage["promptTokenCount"].as_u64().unwrap()
        + usage["candidatesTokenCount"].as_u64().unwrap();
    assert_eq!(usage["totalTokenCount"].as_u64(), Some(sum));
    assert!(usage.get("thoughtsTokenCount").is_none());
    assert_eq!(answer["modelVersion"], FLASH);
    assert!(
        answer["responseId"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
}

#[tokio::test]
async fn pro_thinks_answers_jpeg_and_recognises_an_echoed_signature() {
    let api = Api::start().await;
    let (status, answer) = api.generate(PRO, &with_config("a cat", "16:9", "1K")).await;
    assert_eq!(status, 200, "{answer}");
    let parts = parts(&answer);
    let first_final = parts.iter().position(|p| p["thought"] != true).unwrap();
    assert!(
        first_final >= 2,
        "a thought text and a thought image come first: {parts:?}"
    );
    assert!(parts[..first_final].iter().any(|p| p["text"].is_string()));
    assert!(
        parts[..first_final]
            .iter()
            .any(|p| p["inlineData"].is_object())
    );
    assert!(
        parts[first_final..]
            .iter()
            .all(|p| p["thoughtSignature"].is_string())
    );
    let images = final_images(&answer);
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].0, "image/jpeg");
    assert_eq!(dimensions(&images[0].1), (1376, 768));
    let usage = &answer["usageMetadata"];
    assert!(usage["thoughtsTokenCount"].as_u64().unwrap() > 0);
    assert_eq!(usage["candidatesTokensDetails"][0]["tokenCount"], 1120);
    let total = [
        "promptTokenCount",
        "candidatesTokenCount",
        "thoughtsTokenCount",
    ]
    .iter()
    .map(|k| usage[k].as_u64().unwrap())
    .sum::<u64>();
    assert_eq!(usage["totalTokenCount"].as_u64(), Some(total));

    // The next turn sends the model's final parts back with their signatures.
    let echoed: Vec<_> = parts[first_final..].to_vec();
    let body = json!({"contents": [
        {"role": "user", "parts": [{"text": "a cat"}]},
        {"role": "model", "parts": echoed},
        {"role": "user", "parts": [{"text": "now in blue"}]},
    ]});
    assert_eq!(api.generate(PRO, &body).await.0, 200);
    let log = api.server.last_generate().unwrap();
    assert!(log.thought_signature_echoed && log.thought_signatures_known);
    let payload = log.payload.unwrap();
    assert_eq!(payload.contents[1].parts, ["text", "inlineData"]);
    assert_eq!(payload.prompt.as_deref(), Some("now in blue"));
    assert_eq!(payload.inline_images[0].role.as_deref(), Some("model"));
}

#[tokio::test]
async fn token_counts_and_pixels_follow_size_and_model() {
    let api = Api::start().await;
    let cases = [
        (PRO, "4K", "16:9", 2000, (5504, 3072), "image/jpeg"),
        (FLASH31, "512", "1:1", 747, (512, 512), "image/png"),
        (FLASH31, "2K", "1:4", 1680, (1024, 4096), "image/png"),
        (FLASH31, "4K", "21:9", 2520, (6336, 2688), "image/png"),
    ];
    for (model, size, ratio, tokens, pixels, mime) in cases {
        let (status, answer) = api.generate(model, &with_config("x", ratio, size)).await;
        assert_eq!(status, 200, "{answer}");
        let usage = &answer["usageMetadata"]["candidatesTokensDetails"][0];
        assert_eq!(usage["tokenCount"], tokens, "{model} {size}");
        let images = final_images(&answer);
        assert_eq!(images[0].0, mime);
        assert_eq!(dimensions(&images[0].1), pixels, "{model} {size} {ratio}");
    }
}

#[tokio::test]
async fn image_only_several_images_and_mime_knobs() {
    let api = Api::start().await;
    let mut body = prompt("x");
    body["generationConfig"] = json!({"responseModalities": ["IMAGE"]});
    let (_, answer) = api.generate(FLASH, &body).await;
    assert!(
        parts(&answer).iter().all(|p| p.get("inlineData").is_some()),
        "{answer}"
    );

    let (_, answer) = api
        .generate(FLASH, &prompt(r#"@fake{"images":3} three cats"#))
        .await;
    let images = final_images(&answer);
    assert_eq!(images.len(), 3);
    assert_ne!(images[0].1, images[1].1, "the images differ");
    assert_eq!(
        answer["usageMetadata"]["candidatesTokensDetails"][0]["tokenCount"],
        3 * 1290
    );

    let (_, answer) = api
        .generate(
            PRO,
            &prompt(r#"@fake{"mime":"image/png","thoughts":false} x"#),
        )
        .await;
    assert!(parts(&answer).iter().all(|p| p.get("thought").is_none()));
    assert_eq!(final_images(&answer)[0].0, "image/png");
    assert!(final_images(&answer)[0].1.starts_with(b"\x89PNG"));

    let (_, answer) = api
        .generate(FLASH, &prompt(r#"@fake{"mimeLies":true} x"#))
        .await;
    let (mime, bytes) = &final_images(&answer)[0];
    assert_eq!(mime, "image/png");
    assert!(
        bytes.starts_with(&[0xff, 0xd8, 0xff]),
        "the bytes are a JPEG"
    );
    let (_, answer) = api
        .generate(FLASH31, &prompt(r#"@fake{"thoughts":true} x"#))
        .await;
    assert!(
        parts(&answer).iter().any(|p| p["thought"] == true),
        "3.1 Flash thinks when asked"
    );
}
