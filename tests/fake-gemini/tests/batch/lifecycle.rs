//! A batch's life over real HTTP: create → PENDING → RUNNING → SUCCEEDED by command or by the
//! clock, the Operation's shape (state in `metadata`, int64 counts as strings, results keyed by
//! `metadata.key`), both state spellings, cancel, expiry, failure and delete.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use fake_gemini::{BatchAdvance, BatchScenario, BatchState, Endpoint, Progression, StateSpelling};
use serde_json::json;

use crate::common::{Api, FLASH, PRO, dimensions, inlined, result_keys};
use crate::{advance, two_requests};

#[tokio::test]
async fn a_batch_moves_on_command_and_answers_keyed_results() {
    let api = Api::start().await;
    let (status, created) = api
        .create_batch(FLASH, "nf:run-1:chunk-0", &two_requests())
        .await;
    assert_eq!(status, 200, "{created}");
    let name = created["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("batches/"), "{name}");
    let metadata = &created["metadata"];
    assert_eq!(metadata["state"], "BATCH_STATE_PENDING");
    assert_eq!(metadata["name"], name.as_str());
    assert_eq!(metadata["model"], format!("models/{FLASH}"));
    assert_eq!(metadata["displayName"], "nf:run-1:chunk-0");
    assert!(
        metadata["@type"]
            .as_str()
            .unwrap()
            .ends_with("GenerateContentBatch")
    );
    assert!(metadata["createTime"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        metadata["batchStats"],
        json!({"requestCount": "2", "pendingRequestCount": "2"})
    );
    assert!(
        created.get("done").is_none(),
        "done only at a terminal state"
    );

    let (_, pending) = api.get_batch(&name).await;
    assert_eq!(pending["metadata"]["state"], "BATCH_STATE_PENDING");
    let moved = advance(&api, json!({})).await;
    assert_eq!(moved["batches"][0]["state"], "running");
    let (_, running) = api.get_batch(&name).await;
    assert_eq!(running["metadata"]["state"], "BATCH_STATE_RUNNING");
    assert!(running.get("response").is_none() && running.get("done").is_none());
    advance(&api, json!({ "name": name })).await;

    let (status, done) = api.get_batch(&name).await;
    assert_eq!(status, 200);
    assert_eq!(done["done"], true);
    assert_eq!(done["metadata"]["state"], "BATCH_STATE_SUCCEEDED");
    assert!(done["metadata"]["endTime"].is_string());
    assert_eq!(
        done["metadata"]["batchStats"],
        json!({"requestCount": "2", "successfulRequestCount": "2"}),
        "zero counts are left out, as proto JSON does"
    );
    assert!(
        done["response"]["@type"]
            .as_str()
            .unwrap()
            .ends_with("GenerateContentBatchOutput")
    );
    let results = inlined(&done);
    assert_eq!(
        result_keys(&results),
        [Some("job-1".into()), Some("job-2".into())]
    );
    let image = &results[0]["response"]["candidates"][0]["content"]["parts"][1]["inlineData"];
    let bytes = STANDARD.decode(image["data"].as_str().unwrap()).unwrap();
    assert_eq!(dimensions(&bytes), (1344, 768), "the request's own ratio");
    assert_eq!(
        results[1]["response"]["candidates"][0]["finishReason"],
        "STOP"
    );
    assert_eq!(
        done["metadata"]["output"]["inlinedResponses"]["inlinedResponses"],
        json!(results),
        "live answers also carry the results in metadata.output"
    );
    // Results are drawn once: a second get answers the same.
    assert_eq!(inlined(&api.get_batch(&name).await.1), results);
    assert!(
        advance(&api, json!({})).await["batches"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let log = api.server.batch_requests();
    let endpoints: Vec<_> = log.iter().map(|r| r.endpoint).collect();
    assert_eq!(endpoints[0], Endpoint::BatchCreate);
    assert!(endpoints[1..].iter().all(|e| *e == Endpoint::BatchGet));
    let call = log[0].batch.as_ref().unwrap();
    assert_eq!(call.name.as_deref(), Some(name.as_str()));
    assert_eq!(call.display_name.as_deref(), Some("nf:run-1:chunk-0"));
    assert_eq!(call.requests[1].key.as_deref(), Some("job-2"));
    assert_eq!(
        call.requests[1].payload.prompt.as_deref(),
        Some("a blue whale")
    );
    assert_eq!(log[0].answer.as_deref(), Some("batchCreated"));
    assert_eq!(
        log[1].batch.as_ref().unwrap().name.as_deref(),
        Some(name.as_str())
    );
    assert_eq!(api.server.batches_created(), 1);
    assert_eq!(
        api.server.generate_count(),
        0,
        "a batch is no generateContent call"
    );
}

#[tokio::test]
async fn in_process_controls_and_a_timed_progression() {
    let api = Api::start().await;
    let (_, created) = api.create_batch(PRO, "in-process", &two_requests()).await;
    let name = created["name"].as_str().unwrap();
    let changed = api
        .server
        .set_batch_state(name, BatchState::Running)
        .unwrap();
    assert_eq!(changed[0].state, BatchState::Running);
    assert_eq!(
        changed[0].keys,
        [Some("job-1".into()), Some("job-2".into())]
    );
    api.server.advance_batches(BatchAdvance::default()).unwrap();
    assert_eq!(api.server.batches()[0].state, BatchState::Succeeded);
    assert!(
        api.server
            .set_batch_state("batches/nope", BatchState::Expired)
            .is_err()
    );
    let (_, done) = api.get_batch(name).await;
    let parts = inlined(&done)[0]["response"]["candidates"][0]["content"]["parts"].clone();
    assert!(
        parts
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["thoughtSignature"].is_string())
    );

    // The clock moves timed batches; fixed at create, so these need no waiting.
    let timed = |pending_ms, running_ms| BatchScenario {
        progression: Progression::Timed {
            pending_ms,
            running_ms,
        },
        ..BatchScenario::default()
    };
    let mut names = Vec::new();
    for (pending, running) in [(3_600_000, 0), (0, 3_600_000), (0, 0)] {
        api.server.set_batch_scenario(timed(pending, running));
        let (_, created) = api.create_batch(FLASH, "timed", &two_requests()).await;
        names.push(created["name"].as_str().unwrap().to_owned());
    }
    let mut states = Vec::new();
    for name in &names {
        states.push(api.get_batch(name).await.1["metadata"]["state"].clone());
    }
    assert_eq!(
        states,
        [
            "BATCH_STATE_PENDING",
            "BATCH_STATE_RUNNING",
            "BATCH_STATE_SUCCEEDED"
        ]
    );
    // A short progression reached by polling with a deadline.
    api.server.set_batch_scenario(timed(20, 20));
    let (_, created) = api.create_batch(FLASH, "short", &two_requests()).await;
    let name = created["name"].as_str().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (_, polled) = api.get_batch(name).await;
        if polled["done"] == true {
            assert_eq!(inlined(&polled).len(), 2);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never finished: {polled}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn job_state_spelling_is_a_switch() {
    let api = Api::start().await;
    let control = json!({ "batch": { "stateSpelling": "job" } });
    assert_eq!(
        api.control("POST", "/__control/scenario", Some(control))
            .await
            .0,
        200
    );
    let (_, created) = api
        .create_batch(FLASH, "job-spelling", &two_requests())
        .await;
    assert_eq!(created["metadata"]["state"], "JOB_STATE_PENDING");
    let name = created["name"].as_str().unwrap();
    api.server
        .set_batch_state(name, BatchState::Succeeded)
        .unwrap();
    assert_eq!(
        api.get_batch(name).await.1["metadata"]["state"],
        "JOB_STATE_SUCCEEDED"
    );
    api.server.set_batch_scenario(BatchScenario {
        state_spelling: StateSpelling::Batch,
        ..BatchScenario::default()
    });
    assert_eq!(
        api.get_batch(name).await.1["metadata"]["state"],
        "BATCH_STATE_SUCCEEDED"
    );
}

#[tokio::test]
async fn cancel_expiry_failure_and_delete() {
    let api = Api::start().await;
    let mut names = Vec::new();
    for i in 0..5 {
        let (_, created) = api
            .create_batch(FLASH, &format!("b{i}"), &two_requests())
            .await;
        names.push(created["name"].as_str().unwrap().to_owned());
    }
    let cancel = |name: &str| format!("/v1beta/{name}:cancel");
    // Cancel a pending batch.
    let (status, answer) = api.call("POST", &cancel(&names[0]), None).await;
    assert_eq!((status, answer), (200, json!({})));
    let (_, cancelled) = api.get_batch(&names[0]).await;
    assert_eq!(cancelled["metadata"]["state"], "BATCH_STATE_CANCELLED");
    assert_eq!(
        (
            cancelled["done"].clone(),
            cancelled["error"]["code"].clone()
        ),
        (json!(true), json!(1))
    );
    assert!(cancelled.get("response").is_none());

    // Cancel loses the race: the batch finished first, and cancel changes nothing.
    api.server
        .set_batch_state(&names[1], BatchState::Succeeded)
        .unwrap();
    assert_eq!(api.call("POST", &cancel(&names[1]), None).await.0, 200);
    assert_eq!(
        api.get_batch(&names[1]).await.1["metadata"]["state"],
        "BATCH_STATE_SUCCEEDED"
    );
    // … or the service ignores it while running.
    api.server.set_batch_scenario(BatchScenario {
        cancel_takes_effect: false,
        ..BatchScenario::default()
    });
    api.server
        .set_batch_state(&names[2], BatchState::Running)
        .unwrap();
    assert_eq!(api.call("POST", &cancel(&names[2]), None).await.0, 200);
    assert_eq!(
        api.get_batch(&names[2]).await.1["metadata"]["state"],
        "BATCH_STATE_RUNNING"
    );
    advance(&api, json!({ "name": names[2] })).await;
    assert_eq!(
        api.get_batch(&names[2]).await.1["metadata"]["state"],
        "BATCH_STATE_SUCCEEDED"
    );

    // Expiry (48 h in the real service) and failure, on command; neither has results.
    advance(&api, json!({ "name": names[3], "to": "expired" })).await;
    let (_, expired) = api.get_batch(&names[3]).await;
    assert_eq!(
        (
            expired["metadata"]["state"].clone(),
            expired["done"].clone()
        ),
        (json!("BATCH_STATE_EXPIRED"), json!(true))
    );
    assert!(expired.get("response").is_none() && expired["metadata"].get("output").is_none());
    advance(&api, json!({ "name": names[4], "to": "failed" })).await;
    let (_, failed) = api.get_batch(&names[4]).await;
    assert_eq!(failed["metadata"]["state"], "BATCH_STATE_FAILED");
    assert_eq!(failed["error"]["code"], 13);

    // Delete: gone from get, list and cancel; it still counts as created.
    let (status, answer) = api
        .call("DELETE", &format!("/v1beta/{}", names[4]), None)
        .await;
    assert_eq!((status, answer), (200, json!({})));
    let (status, gone) = api.get_batch(&names[4]).await;
    assert_eq!(
        (status, gone["error"]["status"].clone()),
        (404, json!("NOT_FOUND"))
    );
    assert_eq!(api.call("POST", &cancel(&names[4]), None).await.0, 404);
    assert_eq!(
        api.call("DELETE", &format!("/v1beta/{}", names[4]), None)
            .await
            .0,
        404
    );
    let (_, listed) = api.call("GET", "/v1beta/batches", None).await;
    assert_eq!(listed["operations"].as_array().unwrap().len(), 4);
    assert_eq!(api.server.batches_created(), 5);
    assert!(api.server.batches()[4].deleted);
    assert_eq!(api.get_batch("batches/unknown123").await.0, 404);
}
