//! The fake keeps to the generateContent contract over real HTTP: the key in the header or the
//! query, unknown models, and the API's validation of the payload. Success shapes are in
//! `success.rs`, "200 but no image" and broken answers in `failures.rs`, transient errors and the
//! controls in `faults.rs`.

mod common;

use common::{
    Api, FLASH, FLASH31, Key, PRO, detail, dimensions, final_images, prompt, with_config,
    with_images,
};
use fake_gemini::{KeySource, Limits};
use serde_json::json;

#[tokio::test]
async fn the_key_is_read_from_the_header_or_the_query_and_a_bad_one_is_a_400() {
    let api = Api::start().await;
    let key = api.key();
    let body = prompt("a cat");
    assert_eq!(
        api.generate_with(FLASH, Key::Header(&key), &body).await.0,
        200
    );
    assert_eq!(
        api.generate_with(FLASH, Key::Query(&key), &body).await.0,
        200
    );
    for bad in [Key::None, Key::Header("wrong"), Key::Query("wrong")] {
        let (status, answer) = api.generate_with(FLASH, bad, &body).await;
        assert_eq!(status, 400, "Google answers 400, not 401: {answer}");
        let error = &answer["error"];
        assert_eq!(error["code"], 400);
        assert_eq!(error["status"], "INVALID_ARGUMENT");
        assert_eq!(
            error["message"],
            "API key not valid. Please pass a valid API key."
        );
        let info = detail(&answer, "ErrorInfo").unwrap();
        assert_eq!(info["reason"], "API_KEY_INVALID");
        assert_eq!(info["domain"], "googleapis.com");
        assert_eq!(
            info["metadata"]["service"],
            "generativelanguage.googleapis.com"
        );
        assert!(detail(&answer, "LocalizedMessage").is_some());
    }
    let log = api.server.generate_requests();
    assert_eq!(log.len(), 5);
    assert_eq!(
        (log[0].key_source, log[0].key_valid),
        (Some(KeySource::Header), true)
    );
    assert_eq!(
        (log[1].key_source, log[1].key_valid),
        (Some(KeySource::Query), true)
    );
    assert_eq!(
        log[1].query.as_deref(),
        Some("key=REDACTED"),
        "the key stays out of the log"
    );
    assert!(!log[2].key_present);
    assert_eq!((log[3].key_present, log[3].key_valid), (true, false));
    assert_eq!(log[4].answer.as_deref(), Some("invalidKey"));
}

#[tokio::test]
async fn unknown_and_retired_models_are_404_and_v1_works() {
    let api = Api::start().await;
    for model in [
        "gemini-3-pro-image-preview",
        "gemini-3.1-flash-image-preview",
        "imagen-9",
    ] {
        let (status, answer) = api.generate(model, &prompt("a cat")).await;
        assert_eq!(status, 404, "{answer}");
        assert_eq!(answer["error"]["status"], "NOT_FOUND");
        assert!(answer["error"]["message"].as_str().unwrap().contains(model));
    }
    let url = format!(
        "{}/v1/models/{FLASH}:generateContent",
        api.server.base_url()
    );
    let response = api
        .http
        .post(url)
        .header("x-goog-api-key", api.key())
        .json(&prompt("a cat"));
    assert_eq!(response.send().await.unwrap().status(), 200);
    assert_eq!(
        api.server.last_generate().unwrap().api_version.as_deref(),
        Some("v1")
    );
    let url = format!(
        "{}/v1beta/models/{FLASH}:countTokens",
        api.server.base_url()
    );
    assert_eq!(api.http.post(url).send().await.unwrap().status(), 404);
    assert_eq!(api.server.model_count("gemini-3-pro-image-preview"), 1);
    assert_eq!(api.server.model_count(FLASH), 1);
}

#[tokio::test]
async fn unknown_fields_are_refused_like_the_json_payload_parser() {
    let api = Api::start().await;
    let mut body = with_config("a cat", "1:1", "1K");
    body["generationConfig"]["imageConfig"]["outputMimeType"] = json!("image/jpeg");
    let (status, answer) = api.generate(PRO, &body).await;
    assert_eq!(status, 400);
    let message = "Invalid JSON payload received. Unknown name \"outputMimeType\" at \
                   'generation_config.image_config': Cannot find field.";
    assert_eq!(answer["error"]["message"], message);
    assert_eq!(answer["error"]["status"], "INVALID_ARGUMENT");
    let violation = &detail(&answer, "BadRequest").unwrap()["fieldViolations"][0];
    assert_eq!(violation["field"], "generation_config.image_config");
    assert_eq!(violation["description"], message);

    let mut body = prompt("a cat");
    body["candidateCount"] = json!(2);
    let (status, answer) = api.generate(PRO, &body).await;
    assert_eq!(status, 400);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Unknown name \"candidateCount\"")
    );
    let (status, _) = api
        .generate(
            PRO,
            &json!({"contents": [{"parts": [{"text": "a", "colour": "red"}]}]}),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn snake_case_is_accepted_and_logged_as_sent() {
    let api = Api::start().await;
    let png = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        common::tiny_png(),
    );
    let body = json!({
        "contents": [{"role": "user", "parts": [
            {"text": "make it blue"},
            {"inline_data": {"mime_type": "image/png", "data": png}},
        ]}],
        "generation_config": {
            "response_modalities": ["TEXT", "IMAGE"],
            "image_config": {"aspect_ratio": "3:2", "image_size": "2K"},
        },
    });
    let (status, answer) = api.generate(PRO, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(dimensions(&final_images(&answer)[0].1), (2528, 1696));
    let log = api.server.last_generate().unwrap();
    let payload = log.payload.unwrap();
    assert!(payload.snake_case);
    assert_eq!(payload.aspect_ratio.as_deref(), Some("3:2"));
    assert_eq!(payload.image_size.as_deref(), Some("2K"));
    assert_eq!(
        payload.response_modalities,
        Some(vec!["TEXT".into(), "IMAGE".into()])
    );
    assert_eq!(
        payload.contents[0].parts,
        ["text", "inlineData"],
        "text first"
    );
    assert_eq!(payload.inline_images.len(), 1);
    assert_eq!(
        payload.inline_images[0].mime_type.as_deref(),
        Some("image/png")
    );
    assert_eq!(
        payload.inline_images[0].bytes,
        Some(common::tiny_png().len())
    );
    assert_eq!(
        log.body_bytes,
        serde_json::to_vec(&body).unwrap().len() as u64
    );
    assert!(!log.thought_signature_echoed);
}

#[tokio::test]
async fn sizes_ratios_and_modalities_are_checked_per_model() {
    let api = Api::start().await;
    let refused = [
        (PRO, "1:8", "1K"),
        (PRO, "1:1", "4k"),
        (PRO, "1:1", "512"),
        (FLASH, "1:1", "2K"),
        (FLASH, "4:1", "1K"),
        (FLASH31, "7:3", "1K"),
        ("gemini-3.1-flash-lite-image", "1:1", "2K"),
    ];
    for (model, ratio, size) in refused {
        let (status, answer) = api.generate(model, &with_config("x", ratio, size)).await;
        assert_eq!(status, 400, "{model} {ratio} {size}: {answer}");
        assert_eq!(answer["error"]["status"], "INVALID_ARGUMENT");
    }
    let accepted = [
        (FLASH31, "1:8", "512"),
        (FLASH31, "8:1", "4K"),
        (PRO, "21:9", "4K"),
    ];
    for (model, ratio, size) in accepted {
        let (status, answer) = api.generate(model, &with_config("x", ratio, size)).await;
        assert_eq!(status, 200, "{model} {ratio} {size}: {answer}");
    }
    let mut text_only = prompt("x");
    text_only["generationConfig"] = json!({"responseModalities": ["TEXT"]});
    let (status, answer) = api.generate(PRO, &text_only).await;
    assert_eq!(
        (status, &answer["error"]["status"]),
        (400, &json!("INVALID_ARGUMENT"))
    );
}

#[tokio::test]
async fn input_images_are_counted_decoded_and_typed() {
    let api = Api::start().await;
    assert_eq!(api.generate(FLASH, &with_images("x", 3)).await.0, 200);
    let (status, answer) = api.generate(FLASH, &with_images("x", 4)).await;
    assert_eq!(status, 400, "2.5 Flash takes at most 3: {answer}");
    assert_eq!(api.generate(PRO, &with_images("x", 14)).await.0, 200);
    assert_eq!(api.generate(PRO, &with_images("x", 15)).await.0, 400);
    api.server.set_limits(Limits {
        enforce_input_images: false,
        ..Limits::default()
    });
    assert_eq!(api.generate(FLASH, &with_images("x", 4)).await.0, 200);
    api.server.set_limits(Limits {
        max_input_images: Some(1),
        ..Limits::default()
    });
    assert_eq!(api.generate(PRO, &with_images("x", 2)).await.0, 400);
    api.server.set_limits(Limits::default());

    let mut bad = with_images("x", 1);
    bad["contents"][0]["parts"][1]["inlineData"]["data"] = json!("not base64 at all!!");
    let (status, answer) = api.generate(PRO, &bad).await;
    assert_eq!(
        (status, &answer["error"]["status"]),
        (400, &json!("INVALID_ARGUMENT"))
    );
    let field = &detail(&answer, "BadRequest").unwrap()["fieldViolations"][0]["field"];
    assert_eq!(field, "contents[0].parts[1].inline_data.data");
    for mime in ["image/gif", "application/x-foo"] {
        let mut odd = with_images("x", 1);
        odd["contents"][0]["parts"][1]["inlineData"]["mimeType"] = json!(mime);
        assert_eq!(api.generate(PRO, &odd).await.0, 400, "{mime}");
    }
    let mut webp = with_images("x", 1);
    webp["contents"][0]["parts"][1]["inlineData"]["mimeType"] = json!("image/webp");
    assert_eq!(
        api.generate(PRO, &webp).await.0,
        200,
        "the mime is not sniffed"
    );
    assert_eq!(api.generate(PRO, &json!({"contents": []})).await.0, 400);
    assert_eq!(
        api.generate(PRO, &json!({"contents": [{"parts": []}]}))
            .await
            .0,
        400
    );
    let response = api
        .http
        .post(api.server.generate_url(PRO))
        .header("x-goog-api-key", api.key());
    let response = response.body("{\"contents\": [").send().await.unwrap();
    assert_eq!(response.status(), 400, "a body that is not JSON");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_400_or_413() {
    let api = Api::start().await;
    api.server.set_limits(Limits {
        max_body_bytes: 64 * 1024,
        ..Limits::default()
    });
    assert_eq!(api.generate(PRO, &with_images("x", 1)).await.0, 200);
    let big = prompt(&"x".repeat(100 * 1024));
    let (status, answer) = api.generate(PRO, &big).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["error"]["message"],
        "Request payload size exceeds the limit: 65536 bytes."
    );
    api.server.set_limits(Limits {
        max_body_bytes: 64 * 1024,
        oversize_status: 413,
        ..Limits::default()
    });
    let response = api.send(PRO, Key::Header(&api.key()), &big).await.unwrap();
    assert_eq!(response.status(), 413);
    assert!(response.text().await.unwrap().contains("That’s an error."));
    let log = api.server.last_generate().unwrap();
    assert_eq!(log.answer.as_deref(), Some("payloadTooLarge"));
    assert!(log.body_bytes > 100 * 1024);
}
