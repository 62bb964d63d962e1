//! "200 but no image" answers and broken ones over real HTTP: blocked prompts and outputs,
//! NO_IMAGE, text only, MAX_TOKENS, corrupt and huge image parts, hangs and resets.

mod common;

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{Api, FLASH, PRO, final_images, parts, prompt};
use fake_gemini::{ContentShape, Fault, FaultAction, Outcome, Scenario};
use serde_json::{Value, json};

fn outcome(outcome: Outcome) -> Scenario {
    Scenario {
        outcome,
        ..Scenario::default()
    }
}

#[tokio::test]
async fn a_blocked_prompt_has_no_candidates_and_says_why() {
    let api = Api::start().await;
    let scenario =
        r#"@fake{"outcome":{"kind":"promptBlocked","blockReason":"PROHIBITED_CONTENT"}} x"#;
    let (status, answer) = api.generate(PRO, &prompt(scenario)).await;
    assert_eq!(status, 200);
    assert!(answer.get("candidates").is_none(), "{answer}");
    assert_eq!(
        answer["promptFeedback"]["blockReason"],
        "PROHIBITED_CONTENT"
    );
    assert!(answer["promptFeedback"]["safetyRatings"].is_array());
    assert!(
        answer["usageMetadata"]["promptTokenCount"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[tokio::test]
async fn a_blocked_output_comes_in_three_shapes_and_still_bills_thinking() {
    let api = Api::start().await;
    let shapes = [
        (ContentShape::PartsNull, json!({"parts": null})),
        (ContentShape::NoContent, Value::Null),
        (ContentShape::NoParts, json!({"role": "model"})),
    ];
    let reasons = [
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
        "IMAGE_OTHER",
        "PROHIBITED_CONTENT",
        "SAFETY",
    ];
    for (i, reason) in reasons.into_iter().enumerate() {
        let (shape, content) = &shapes[i % 3];
        api.server.set_scenario(outcome(Outcome::OutputBlocked {
            finish_reason: reason.into(),
            content_shape: *shape,
        }));
        let (status, answer) = api.generate(FLASH, &prompt("x")).await;
        assert_eq!(status, 200);
        let candidate = &answer["candidates"][0];
        assert_eq!(candidate["finishReason"], reason);
        assert!(
            candidate["finishMessage"]
                .as_str()
                .unwrap()
                .starts_with("Unable to show")
        );
        assert_eq!(candidate["content"], *content, "{shape:?}");
        assert_eq!(answer["usageMetadata"]["candidatesTokenCount"], 0);
        assert!(
            answer["usageMetadata"]["thoughtsTokenCount"]
                .as_u64()
                .unwrap()
                > 0
        );
        assert!(final_images(&answer).is_empty());
    }
}

#[tokio::test]
async fn no_image_text_only_and_max_tokens_answer_200_without_an_image() {
    let api = Api::start().await;
    let cases = [
        (r#"{"kind":"noImage"}"#, "NO_IMAGE", 0),
        (
            r#"{"kind":"noImage","text":"I drew nothing."}"#,
            "NO_IMAGE",
            1,
        ),
        (
            r#"{"kind":"textOnly","text":"I'm unable to help with that."}"#,
            "STOP",
            1,
        ),
        (r#"{"kind":"maxTokens"}"#, "MAX_TOKENS", 0),
    ];
    for (kind, reason, texts) in cases {
        let (status, answer) = api
            .generate(PRO, &prompt(&format!("@fake{{\"outcome\":{kind}}} x")))
            .await;
        assert_eq!(status, 200);
        assert_eq!(answer["candidates"][0]["finishReason"], reason, "{kind}");
        let parts = parts(&answer);
        assert_eq!(parts.len(), texts, "{kind}: {answer}");
        assert!(parts.iter().all(|p| p.get("inlineData").is_none()));
    }
    let log = api.server.last_generate().unwrap();
    assert_eq!(
        (log.status, log.answer.as_deref()),
        (Some(200), Some("maxTokens"))
    );
}
#[tokio::test]
async fn corrupt_image_parts_fail_to_decode_in_their_own_ways() {
    let api = Api::start().await;
    let data = |answer: &Value| {
        let part = parts(answer)
            .into_iter()
            .find(|p| p.get("inlineData").is_some())
            .unwrap();
        part["inlineData"]["data"].as_str().unwrap().to_owned()
    };
    let (_, answer) = api
        .generate(FLASH, &prompt(r#"@fake{"outcome":{"kind":"badBase64"}} x"#))
        .await;
    assert!(STANDARD.decode(data(&answer)).is_err());
    let (_, answer) = api
        .generate(
            FLASH,
            &prompt(r#"@fake{"outcome":{"kind":"notAnImage"}} x"#),
        )
        .await;
    let bytes = STANDARD.decode(data(&answer)).unwrap();
    assert!(image::load_from_memory(&bytes).is_err());
    let (_, answer) = api
        .generate(
            PRO,
            &prompt(r#"@fake{"outcome":{"kind":"truncatedPng"}} x"#),
        )
        .await;
    let (mime, bytes) = final_images(&answer).remove(0);
    assert_eq!(mime, "image/png");
    assert!(bytes.starts_with(b"\x89PNG") && image::load_from_memory(&bytes).is_err());
}

#[tokio::test]
async fn a_huge_image_part_is_valid_and_about_the_size_asked_for() {
    let api = Api::start().await;
    let megabytes = 30 * 1024 * 1024;
    api.server
        .set_scenario(outcome(Outcome::HugeImage { bytes: megabytes }));
    let (status, answer) = api.generate(FLASH, &prompt("x")).await;
    assert_eq!(status, 200);
    let (_, bytes) = final_images(&answer).remove(0);
    assert!((megabytes as usize..megabytes as usize + 1024 * 1024).contains(&bytes.len()));
    let image = image::load_from_memory(&bytes).unwrap();
    assert_eq!(image.width(), 4096);
}

#[tokio::test]
async fn hang_outlasts_the_client_timeout_and_reset_drops_the_connection() {
    let api = Api::start().await;
    let key = api.key();
    let short = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let call = |client: &reqwest::Client, body: Value| {
        client
            .post(api.server.generate_url(PRO))
            .header("x-goog-api-key", &key)
            .json(&body)
            .send()
    };
    let error = call(&short, prompt(r#"@fake{"outcome":{"kind":"hang"}} x"#))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    let error = call(&short, prompt(r#"@fake{"outcome":{"kind":"reset"}} x"#))
        .await
        .unwrap_err();
    assert!(!error.is_timeout() && error.is_request(), "{error:?}");
    api.server.push_fault(Fault::new(1, FaultAction::Reset));
    let error = call(&short, prompt("x")).await.unwrap_err();
    assert!(!error.is_timeout(), "a reset as a one-off fault: {error:?}");
    // Rendering the first image can outlast the short timeout on a busy machine.
    let ok = call(
        &api.http,
        prompt(r#"@fake{"outcome":{"kind":"hang","ms":20}} x"#),
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), 200, "a short hang answers after all");
    let answers: Vec<_> = api
        .server
        .generate_requests()
        .iter()
        .map(|r| (r.status, r.answer.clone()))
        .collect();
    assert_eq!(answers[0], (None, Some("hang".into())));
    assert_eq!(answers[1], (None, Some("reset".into())));
    assert_eq!(answers[2], (None, Some("reset".into())));
}
