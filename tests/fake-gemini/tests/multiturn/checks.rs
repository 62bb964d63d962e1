//! The "Strict" check of model turns sent back: missing signatures (with the API's positions),
//! foreign, altered or other-model signatures, the validator-skip values, 2.5 Flash that never
//! checks, and the switch that turns the check off.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use fake_gemini::Limits;
use serde_json::{Value, json};

use crate::common::{Api, FLASH, FLASH31, LITE, PRO, parts, prompt};
use crate::{CORRUPTED, body, final_parts, model, refused, user};

#[tokio::test]
async fn missing_signatures_are_refused_with_the_api_text() {
    let api = Api::start().await;
    let (_, first) = api.generate(PRO, &prompt("a cat")).await;
    let strip = |mut part: Value| {
        part.as_object_mut().unwrap().remove("thoughtSignature");
        part
    };
    let finals = final_parts(&first);
    // [text, image]: the image is part 2 of content 2.
    let contents = vec![
        user("a cat"),
        model(vec![finals[0].clone(), strip(finals[1].clone())]),
        user("blue"),
    ];
    let message =
        "Image part is missing a thought_signature in content position 2, part position 2.";
    refused(&api, PRO, contents, message).await;
    assert_eq!(
        api.server.last_generate().unwrap().answer.as_deref(),
        Some("thoughtSignatureMissing")
    );
    let contents = vec![
        user("a cat"),
        model(vec![strip(finals[0].clone()), finals[1].clone()]),
        user("blue"),
    ];
    let message =
        "Text part is missing a thought_signature in content position 2, part position 1.";
    refused(&api, PRO, contents, message).await;

    // Positions count the thought parts a client kept.
    let mut all = parts(&first);
    let last = all.len() - 1;
    all[last] = strip(all[last].clone());
    let message = format!(
        "Image part is missing a thought_signature in content position 2, part position {}.",
        last + 1
    );
    refused(
        &api,
        PRO,
        vec![user("a cat"), model(all), user("blue")],
        &message,
    )
    .await;

    // Every model turn is checked, not only the last one.
    let (_, second) = api
        .generate(
            PRO,
            &body(vec![user("a cat"), model(finals.clone()), user("blue")]),
        )
        .await;
    let turn2 = vec![
        final_parts(&second)[0].clone(),
        strip(final_parts(&second)[1].clone()),
    ];
    let contents = vec![
        user("a cat"),
        model(finals.clone()),
        user("blue"),
        model(turn2),
        user("x"),
    ];
    let message =
        "Image part is missing a thought_signature in content position 4, part position 2.";
    refused(&api, PRO, contents, message).await;

    // A model turn the API never wrote (another provider's reply) is refused on 3.1 Flash too.
    let contents = vec![
        user("hi"),
        model(vec![json!({"text": "Hello!"})]),
        user("a cat"),
    ];
    let message =
        "Text part is missing a thought_signature in content position 2, part position 1.";
    refused(&api, FLASH31, contents, message).await;
    // Only the first text part of a turn needs one.
    let (_, answer) = api.generate(FLASH31, &prompt("a cat")).await;
    let mut turn = final_parts(&answer);
    turn.push(json!({ "text": "a second text part" }));
    let (status, _) = api
        .generate(FLASH31, &body(vec![user("a cat"), model(turn), user("x")]))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn foreign_altered_or_other_model_signatures_are_corrupted() {
    let api = Api::start().await;
    let (_, first) = api
        .generate(PRO, &prompt(r#"@fake{"images":2} two cats"#))
        .await;
    let finals = final_parts(&first);
    let send = |turn: Vec<Value>| vec![user("two cats"), model(turn), user("blue")];

    let mut made_up = finals.clone();
    made_up[1]["thoughtSignature"] = json!(STANDARD.encode("never issued"));
    refused(&api, PRO, send(made_up), CORRUPTED).await;
    assert_eq!(
        api.server.last_generate().unwrap().answer.as_deref(),
        Some("thoughtSignatureCorrupted")
    );

    // The two images swapped: each signature now sits on the other image's bytes.
    let mut swapped = finals.clone();
    let (a, b) = (
        finals[1]["inlineData"].clone(),
        finals[2]["inlineData"].clone(),
    );
    swapped[1]["inlineData"] = b;
    swapped[2]["inlineData"] = a;
    refused(&api, PRO, send(swapped), CORRUPTED).await;

    // Re-encoded (other bytes under the same signature), and edited text.
    let mut reencoded = finals.clone();
    reencoded[1]["inlineData"]["data"] = json!(STANDARD.encode(crate::common::tiny_png()));
    reencoded[1]["inlineData"]["mimeType"] = json!("image/png");
    refused(&api, PRO, send(reencoded), CORRUPTED).await;
    let mut edited = finals.clone();
    edited[0]["text"] = json!("Here is the image you asked for!");
    refused(&api, PRO, send(edited), CORRUPTED).await;
    let mut moved = finals.clone();
    moved[0]["thoughtSignature"] = finals[1]["thoughtSignature"].clone();
    refused(&api, PRO, send(moved), CORRUPTED).await;

    // Pro's history sent to 3.1 Flash: the model switch the notes warn about. The alias of Pro
    // is the same model and accepts it.
    refused(&api, FLASH31, send(finals.clone()), CORRUPTED).await;
    assert_eq!(
        api.generate("nano-banana-pro-preview", &body(send(finals.clone())))
            .await
            .0,
        200
    );
    assert_eq!(api.generate(PRO, &body(send(finals))).await.0, 200);
}

#[tokio::test]
async fn the_validator_skip_values_flash_25_and_the_switch_let_unsigned_history_through() {
    let api = Api::start().await;
    let png = STANDARD.encode(crate::common::tiny_png());
    let injected = |signature: Option<&str>| {
        let mut text = json!({ "text": "An earlier picture:" });
        let mut image = json!({ "inlineData": { "mimeType": "image/png", "data": png } });
        if let Some(signature) = signature {
            text["thoughtSignature"] = json!(signature);
            image["thoughtSignature"] = json!(signature);
        }
        vec![
            user("a cat"),
            model(vec![text, image]),
            user("make it blue"),
        ]
    };
    for skip in [
        "skip_thought_signature_validator",
        "context_engineering_is_the_way_to_go",
    ] {
        let (status, answer) = api.generate(PRO, &body(injected(Some(skip)))).await;
        assert_eq!(status, 200, "{skip}: {answer}");
    }
    let (status, _) = api.generate(FLASH, &body(injected(None))).await;
    assert_eq!(status, 200, "2.5 Flash never checks");
    let (status, _) = api.generate(FLASH, &body(injected(Some("garbage")))).await;
    assert_eq!(status, 200);
    let (status, _) = api.generate(LITE, &body(injected(None))).await;
    assert_eq!(status, 400, "Lite is strict");

    api.server.set_limits(Limits {
        enforce_signatures: false,
        ..Limits::default()
    });
    assert_eq!(api.generate(PRO, &body(injected(None))).await.0, 200);
    assert_eq!(
        api.generate(PRO, &body(injected(Some("garbage")))).await.0,
        200
    );
    let control = json!({ "limits": { "enforceSignatures": true } });
    assert_eq!(
        api.control("POST", "/__control/scenario", Some(control))
            .await
            .0,
        200
    );
    assert_eq!(api.generate(PRO, &body(injected(None))).await.0, 400);
    let control = json!({ "limits": { "enforceSignatures": false } });
    api.control("POST", "/__control/scenario", Some(control))
        .await;
    assert_eq!(api.generate(PRO, &body(injected(None))).await.0, 200);
}
