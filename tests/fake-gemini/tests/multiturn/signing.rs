//! Where the Gemini 3 image models put thought signatures, a text-only answer a client can reply
//! to, JPEG bytes labelled PNG, and a request log that shows a replay part by part.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use fake_gemini::Scenario;
use serde_json::{Value, json};

use crate::common::{Api, FLASH, FLASH31, LITE, PRO, parts, prompt};
use crate::{CORRUPTED, body, final_parts, model, refused, sha256, user};

#[tokio::test]
async fn signatures_sit_on_the_first_text_and_every_final_image() {
    let api = Api::start().await;
    let (_, answer) = api
        .generate(
            PRO,
            &prompt(r#"@fake{"images":2,"thoughtImages":2} two cats"#),
        )
        .await;
    let all = parts(&answer);
    assert_eq!(
        all.len(),
        6,
        "thought text, 2 drafts, text, 2 images: {all:?}"
    );
    for part in &all {
        let thought = part["thought"] == true;
        assert_eq!(part.get("thoughtSignature").is_some(), !thought, "{part}");
    }
    let signatures: Vec<_> = all
        .iter()
        .filter_map(|p| p["thoughtSignature"].as_str())
        .collect();
    assert_eq!(signatures.len(), 3);
    assert!(signatures[0] != signatures[1] && signatures[1] != signatures[2]);
    assert_eq!(api.server.issued_signatures().len(), 3);

    // The 3.1 models sign though they show no thoughts; 2.5 Flash never signs.
    for (model_id, signed) in [(FLASH31, true), (LITE, true), (FLASH, false)] {
        let (_, answer) = api.generate(model_id, &prompt("a cat")).await;
        let finals = final_parts(&answer);
        assert!(finals.iter().all(|p| p["thought"] != true));
        let count = finals
            .iter()
            .filter(|p| p.get("thoughtSignature").is_some())
            .count();
        assert_eq!(
            count,
            if signed { finals.len() } else { 0 },
            "{model_id}: {finals:?}"
        );
    }
    let (_, unsigned) = api
        .generate(PRO, &prompt(r#"@fake{"signatures":false} a cat"#))
        .await;
    assert!(
        parts(&unsigned)
            .iter()
            .all(|p| p.get("thoughtSignature").is_none())
    );

    // A question or refusal is signed too, so the user can answer it.
    let (_, question) = api
        .generate(
            PRO,
            &prompt(r#"@fake{"outcome":{"kind":"textOnly","text":"Which cat?"}} x"#),
        )
        .await;
    let reply = parts(&question);
    assert_eq!(reply.len(), 1);
    assert!(reply[0]["thoughtSignature"].is_string(), "{question}");
    let contents = vec![user("a cat"), model(reply.clone()), user("the black one")];
    assert_eq!(api.generate(PRO, &body(contents)).await.0, 200);
    let mut unsigned = reply[0].clone();
    unsigned.as_object_mut().unwrap().remove("thoughtSignature");
    let contents = vec![user("a cat"), model(vec![unsigned]), user("the black one")];
    let message =
        "Text part is missing a thought_signature in content position 2, part position 1.";
    refused(&api, PRO, contents, message).await;
}

#[tokio::test]
async fn a_verbatim_replay_is_accepted_and_logged_part_by_part() {
    let api = Api::start().await;
    let (_, first) = api.generate(PRO, &prompt("a lighthouse")).await;
    let turn1 = final_parts(&first);
    let contents2 = vec![
        user("a lighthouse"),
        model(turn1.clone()),
        user("stormy sky"),
    ];
    let (status, second) = api.generate(PRO, &body(contents2.clone())).await;
    assert_eq!(status, 200, "{second}");
    let turn2 = final_parts(&second);
    let mut contents3 = contents2.clone();
    contents3.push(model(turn2.clone()));
    contents3.push(user("add a boat"));
    assert_eq!(api.generate(PRO, &body(contents3)).await.0, 200);

    let log = api.server.generate_requests();
    assert_eq!(log.len(), 3);
    let turns = &log[2].payload.as_ref().unwrap().turns;
    let roles: Vec<_> = turns.iter().map(|t| t.role.as_deref().unwrap()).collect();
    assert_eq!(roles, ["user", "model", "user", "model", "user"]);
    // Each model turn of the third request is the earlier answer, part for part.
    for (turn, sent) in [(&turns[1], &turn1), (&turns[3], &turn2)] {
        assert_eq!(turn.parts.len(), sent.len());
        for (logged, part) in turn.parts.iter().zip(sent.iter()) {
            assert_eq!(
                logged.thought_signature.as_deref(),
                part["thoughtSignature"].as_str()
            );
            assert!(!logged.thought);
            if let Some(data) = part.get("inlineData") {
                assert_eq!(logged.kind, "inlineData");
                assert_eq!(logged.mime_type.as_deref(), data["mimeType"].as_str());
                assert_eq!(
                    logged.sha256.as_deref(),
                    Some(sha256(&data["data"]).as_str())
                );
                let bytes = STANDARD
                    .decode(data["data"].as_str().unwrap())
                    .unwrap()
                    .len();
                assert_eq!(logged.bytes, Some(bytes));
            } else {
                assert_eq!(logged.kind, "text");
                assert_eq!(logged.text.as_deref(), part["text"].as_str());
            }
        }
    }
    assert_eq!(turns[4].parts[0].text.as_deref(), Some("add a boat"));
    assert!(log[2].thought_signature_echoed && log[2].thought_signatures_known);

    // The same log over HTTP, in camelCase.
    let (_, http_log) = api.control("GET", "/__control/requests", None).await;
    let part = &http_log["requests"][2]["payload"]["turns"][1]["parts"][1];
    assert_eq!(part["kind"], "inlineData");
    assert_eq!(part["thoughtSignature"], turn1[1]["thoughtSignature"]);
    assert_eq!(part["sha256"], sha256(&turn1[1]["inlineData"]["data"]));
    assert_eq!(part["mimeType"], "image/jpeg");

    // Thought parts may be replayed too, and snake_case spelling is the same request.
    let mut snake = Vec::new();
    for part in parts(&first) {
        let mut copy = json!({});
        if let Some(text) = part.get("text") {
            copy["text"] = text.clone();
        }
        if let Some(data) = part.get("inlineData") {
            copy["inline_data"] = json!({ "mime_type": data["mimeType"], "data": data["data"] });
        }
        if part["thought"] == true {
            copy["thought"] = json!(true);
        }
        if let Some(signature) = part.get("thoughtSignature") {
            copy["thought_signature"] = signature.clone();
        }
        snake.push(copy);
    }
    let contents = vec![user("a lighthouse"), model(snake), user("stormy sky")];
    let (status, answer) = api.generate(PRO, &body(contents)).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn jpeg_bytes_labelled_png_are_signed_on_their_bytes() {
    let api = Api::start().await;
    api.server.set_scenario(Scenario {
        mime: Some("image/png".into()),
        mime_lies: true,
        ..Scenario::default()
    });
    let (_, first) = api.generate(FLASH31, &prompt("a cat")).await;
    let finals = final_parts(&first);
    let data = &finals[1]["inlineData"];
    assert_eq!(data["mimeType"], "image/png");
    let bytes = STANDARD.decode(data["data"].as_str().unwrap()).unwrap();
    assert!(bytes.starts_with(&[0xff, 0xd8, 0xff]), "JPEG bytes");
    assert!(finals[1]["thoughtSignature"].is_string());

    let send = |turn: Vec<Value>| body(vec![user("a cat"), model(turn), user("blue")]);
    assert_eq!(
        api.generate(FLASH31, &send(finals.clone())).await.0,
        200,
        "verbatim"
    );
    let mut relabelled = finals.clone();
    relabelled[1]["inlineData"]["mimeType"] = json!("image/jpeg");
    assert_eq!(
        api.generate(FLASH31, &send(relabelled)).await.0,
        200,
        "same bytes, true label"
    );
    let log = api.server.last_generate().unwrap();
    let part = &log.payload.unwrap().turns[1].parts[1];
    assert_eq!(part.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(part.sha256.as_deref(), Some(sha256(&data["data"]).as_str()));
    // A client that "fixes" the file by re-encoding it changes the bytes the signature is on.
    let mut reencoded = finals;
    reencoded[1]["inlineData"]["data"] = json!(STANDARD.encode(crate::common::tiny_png()));
    let (status, answer) = api.generate(FLASH31, &send(reencoded)).await;
    assert_eq!(
        (status, answer["error"]["message"].as_str()),
        (400, Some(CORRUPTED))
    );
}
