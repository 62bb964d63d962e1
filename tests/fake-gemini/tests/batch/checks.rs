//! Refusals at create (key, model, the parser's 400s, an oversized body) against requests that
//! fail alone (the API's own checks, thought signatures), and results that come back shuffled,
//! without a key, twice, missing or as errors.

use fake_gemini::{BatchScenario, BatchState, Limits, RequestError, ResultsIn};
use serde_json::{Value, json};

use crate::common::{
    Api, FLASH, PRO, batch_body, detail, inlined, prompt, result_keys, with_config,
};
use crate::{create, finished, requests};

#[tokio::test]
async fn create_checks_key_model_and_the_parser_but_lets_bad_requests_fail_alone() {
    let api = Api::start().await;
    let body = batch_body("x", &[("k", prompt("a cat"))]);
    let url = api.server.batch_create_url(FLASH);
    let response = api
        .http
        .post(&url)
        .header("x-goog-api-key", "wrong")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(
        detail(&answer, "ErrorInfo").unwrap()["reason"],
        "API_KEY_INVALID"
    );
    assert_eq!(
        api.call("GET", "/v1beta/batches?key=wrong", None).await.0,
        200,
        "the header wins"
    );
    let bare = api
        .http
        .get(format!("{}/v1beta/batches", api.server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 400);
    let (status, answer) = api
        .create_batch("gemini-3-pro-image-preview", "x", &[("k", prompt("a"))])
        .await;
    assert_eq!(status, 404, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("batchGenerateContent")
    );

    // The parser refuses the whole create, naming the field inside the batch.
    let mut unknown = with_config("a cat", "1:1", "1K");
    unknown["generationConfig"]["imageConfig"]["outputMimeType"] = json!("image/png");
    let (status, answer) = api
        .create_batch(FLASH, "x", &[("ok", prompt("a")), ("bad", unknown)])
        .await;
    assert_eq!(status, 400);
    let violation = &detail(&answer, "BadRequest").unwrap()["fieldViolations"][0];
    assert_eq!(
        violation["field"],
        "batch.input_config.requests.requests[1].request.generation_config.image_config"
    );
    let mut bad_base64 = crate::common::with_images("x", 1);
    bad_base64["contents"][0]["parts"][1]["inlineData"]["data"] = json!("%%%");
    let (status, answer) = api.create_batch(FLASH, "x", &[("k", bad_base64)]).await;
    assert_eq!(status, 400);
    assert_eq!(
        detail(&answer, "BadRequest").unwrap()["fieldViolations"][0]["field"],
        "batch.input_config.requests.requests[0].request.contents[0].parts[1].inline_data.data"
    );
    let (status, _) = api.create_batch(FLASH, "", &[("k", prompt("a"))]).await;
    assert_eq!(status, 400, "displayName is required");
    let file =
        json!({ "batch": { "displayName": "f", "inputConfig": { "fileName": "files/abc" } } });
    let (status, _) = api
        .call(
            "POST",
            &format!("/v1beta/models/{FLASH}:batchGenerateContent"),
            Some(&file),
        )
        .await;
    assert_eq!(status, 501, "file input is not implemented");
    assert_eq!(api.server.batches_created(), 0);

    // The API's own checks fail one request; the others go ahead.
    let items = vec![
        ("ok".to_owned(), prompt("a cat")),
        ("ratio".to_owned(), with_config("a cat", "1:8", "1K")),
        (
            "talks".to_owned(),
            prompt(r#"@fake{"outcome":{"kind":"textOnly","text":"Which cat?"}} a cat"#),
        ),
    ];
    let done = finished(&api, &items).await;
    let results = inlined(&done);
    assert_eq!(results[1]["error"]["code"], 3);
    assert!(
        results[1]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Unsupported aspect ratio \"1:8\"")
    );
    assert!(results[1].get("response").is_none());
    assert_eq!(
        results[2]["response"]["candidates"][0]["content"]["parts"][0]["text"],
        "Which cat?"
    );
    assert_eq!(
        done["metadata"]["batchStats"],
        json!({"requestCount": "3", "successfulRequestCount": "2", "failedRequestCount": "1"})
    );
    assert_eq!(api.server.batches()[0].invalid_requests, 1);

    api.server.set_limits(Limits {
        max_batch_bytes: 1000,
        ..Limits::default()
    });
    let (status, answer) = create(&api, "big", &requests(20)).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["error"]["message"],
        "Request payload size exceeds the limit: 1000 bytes."
    );
}

#[tokio::test]
async fn thought_signatures_are_enforced_per_request_in_a_batch() {
    let api = Api::start().await;
    let png = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        crate::common::tiny_png(),
    );
    let unsigned = json!({ "contents": [
        { "role": "user", "parts": [{ "text": "a cat" }] },
        { "role": "model", "parts": [{ "inlineData": { "mimeType": "image/png", "data": png } }] },
        { "role": "user", "parts": [{ "text": "blue" }] },
    ]});
    let (_, created) = api
        .create_batch(
            PRO,
            "edits",
            &[("edit", unsigned), ("new", prompt("a dog"))],
        )
        .await;
    let name = created["name"].as_str().unwrap();
    api.server
        .set_batch_state(name, BatchState::Succeeded)
        .unwrap();
    let results = inlined(&api.get_batch(name).await.1);
    assert_eq!(
        results[0]["error"],
        json!({ "code": 3, "message": "Image part is missing a thought_signature in content position 2, part position 1." })
    );
    assert!(results[1]["response"]["candidates"].is_array());
}

#[tokio::test]
async fn results_come_back_shuffled_keyless_twice_missing_or_failed() {
    let api = Api::start().await;
    let mut errors = std::collections::BTreeMap::new();
    errors.insert(
        "job-4".to_owned(),
        RequestError {
            code: 8,
            message: "Resource exhausted.".into(),
        },
    );
    api.server.set_batch_scenario(BatchScenario {
        shuffle: true,
        drop_keys: vec!["job-2".into()],
        duplicate_keys: vec!["job-3".into()],
        omit_keys: vec!["job-5".into()],
        errors,
        ..BatchScenario::default()
    });
    let done = finished(&api, &requests(5)).await;
    let results = inlined(&done);
    let keys = result_keys(&results);
    let key = |k: &str| Some(k.to_owned());
    // In order: 1, 2 (no key), 3, 4 (error), 3 again; reversed.
    assert_eq!(
        keys,
        [key("job-3"), key("job-4"), key("job-3"), None, key("job-1")]
    );
    assert!(
        results[3].get("metadata").is_none(),
        "an empty metadata struct is left out"
    );
    assert_eq!(
        results[1]["error"],
        json!({ "code": 8, "message": "Resource exhausted." })
    );
    assert_eq!(results[0], results[2]);
    assert_eq!(done["metadata"]["batchStats"]["failedRequestCount"], "1");

    // Where the results are: only the Operation's response, or only metadata.output.
    for (place, in_response, in_metadata) in [
        (ResultsIn::Response, true, false),
        (ResultsIn::Metadata, false, true),
    ] {
        api.server.set_batch_scenario(BatchScenario {
            results_in: place,
            ..BatchScenario::default()
        });
        let done = finished(&api, &requests(1)).await;
        assert_eq!(done.get("response").is_some(), in_response);
        assert_eq!(done["metadata"].get("output").is_some(), in_metadata);
    }
}
