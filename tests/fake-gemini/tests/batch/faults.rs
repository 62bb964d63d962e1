//! A create whose answer is lost after the batch was made (a client must find it by listing, not
//! create it again), and 429s with `RetryInfo` on create and get.

use fake_gemini::{Endpoint, Fault, FaultAction, Target};
use serde_json::json;

use crate::common::{Api, FLASH, batch_body, detail, prompt};
use crate::{create, requests};

#[tokio::test]
async fn a_lost_create_answer_leaves_one_batch_a_list_can_find() {
    let api = Api::start().await;
    // Committed, then the connection resets: the client sees an error, the batch exists.
    api.server.push_fault(
        Fault::new(1, FaultAction::Reset)
            .with_target(Target::BatchCreate)
            .after_commit(),
    );
    let body = batch_body("nf:7c1e:chunk-0", &[("job-1", prompt("a fox"))]);
    let url = api.server.batch_create_url(FLASH);
    let sent = api
        .http
        .post(&url)
        .header("x-goog-api-key", api.key())
        .json(&body)
        .send()
        .await;
    assert!(sent.is_err(), "the answer was lost: {sent:?}");
    assert_eq!(api.server.batches_created(), 1);
    let (_, listed) = api.call("GET", "/v1beta/batches?pageSize=10", None).await;
    let found: Vec<_> = listed["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["metadata"]["displayName"] == "nf:7c1e:chunk-0")
        .collect();
    assert_eq!(found.len(), 1);
    let log = api.server.batch_requests();
    assert_eq!(
        (log[0].answer.as_deref(), log[0].fault.as_deref()),
        (Some("reset"), Some("reset"))
    );

    // Committed, then a 503 or 500: the same, over HTTP controls.
    let control = json!({ "faults": [
        { "target": "batchCreate", "afterCommit": true, "action": { "kind": "overloaded" } },
        { "target": "batchCreate", "afterCommit": true, "action": { "kind": "internal" } },
    ]});
    api.control("POST", "/__control/scenario", Some(control))
        .await;
    let (status, _) = create(&api, "nf:second", &requests(1)).await;
    assert_eq!(status, 503);
    let (status, _) = create(&api, "nf:third", &requests(1)).await;
    assert_eq!(status, 500);
    assert_eq!(api.server.batches_created(), 3);

    // A fault before the create: nothing is made. After-commit faults skip refused requests.
    api.server.push_fault(
        Fault::new(1, FaultAction::Internal)
            .with_target(Target::BatchCreate)
            .after_commit(),
    );
    api.server.push_fault(
        Fault::new(
            1,
            FaultAction::Overloaded {
                capacity_exhausted: false,
            },
        )
        .with_target(Target::BatchCreate),
    );
    assert_eq!(create(&api, "nf:fourth", &requests(1)).await.0, 503);
    assert_eq!(
        api.create_batch(FLASH, "", &[("k", prompt("a"))]).await.0,
        400
    );
    assert_eq!(api.server.batches_created(), 3);
    assert_eq!(
        api.server.pending_faults().len(),
        1,
        "the after-commit fault still waits"
    );
    assert_eq!(api.server.endpoint_count(Endpoint::BatchCreate), 5);
}

#[tokio::test]
async fn rate_limits_on_create_and_get_carry_retry_info() {
    let api = Api::start().await;
    let limited = |target, delay: &str| {
        Fault::new(
            1,
            FaultAction::RateLimited {
                daily: false,
                retry_delay: Some(Some(delay.into())),
            },
        )
        .with_target(target)
    };
    api.server.push_fault(limited(Target::BatchCreate, "7s"));
    assert_eq!(
        api.generate(FLASH, &prompt("x")).await.0,
        200,
        "generateContent is not a batch target"
    );
    let (status, answer) = create(&api, "limited", &requests(1)).await;
    assert_eq!(
        (status, answer["error"]["status"].clone()),
        (429, json!("RESOURCE_EXHAUSTED"))
    );
    assert_eq!(detail(&answer, "RetryInfo").unwrap()["retryDelay"], "7s");
    assert_eq!(api.server.batches_created(), 0);
    let (_, created) = create(&api, "limited", &requests(1)).await;
    let name = created["name"].as_str().unwrap();
    api.server.push_fault(limited(Target::BatchGet, "2s"));
    let (status, answer) = api.get_batch(name).await;
    assert_eq!(status, 429);
    assert_eq!(detail(&answer, "RetryInfo").unwrap()["retryDelay"], "2s");
    assert!(
        detail(&answer, "QuotaFailure").unwrap()["violations"][0]["quotaDimensions"]
            .get("model")
            .is_none()
    );
    assert_eq!(api.get_batch(name).await.0, 200);
    // `batch` aims at every batch endpoint; a 503 on a get, then the answer.
    api.server.push_fault(
        Fault::new(
            1,
            FaultAction::Overloaded {
                capacity_exhausted: false,
            },
        )
        .with_target(Target::Batch),
    );
    assert_eq!(api.call("GET", "/v1beta/batches", None).await.0, 503);
    assert_eq!(api.call("GET", "/v1beta/batches", None).await.0, 200);
}
