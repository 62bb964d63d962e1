//! The list a client pages through to find a batch whose create answer it lost, and the batch
//! controls over HTTP.

use fake_gemini::{BatchAdvance, BatchState, Endpoint};
use serde_json::json;

use crate::common::{Api, FLASH};
use crate::{advance, two_requests};

#[tokio::test]
async fn list_pages_newest_first_and_finds_a_batch_by_display_name() {
    let api = Api::start().await;
    let (status, empty) = api.call("GET", "/v1beta/batches", None).await;
    assert_eq!(
        (status, empty),
        (200, json!({})),
        "proto JSON leaves out an empty list"
    );
    for i in 0..3 {
        api.create_batch(FLASH, &format!("nf:run-{i}"), &two_requests())
            .await;
    }
    api.server
        .advance_batches(BatchAdvance {
            name: None,
            to: Some(BatchState::Succeeded),
        })
        .unwrap();
    let (_, first) = api.call("GET", "/v1beta/batches?pageSize=2", None).await;
    let page: Vec<_> = first["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["metadata"]["displayName"].clone())
        .collect();
    assert_eq!(page, ["nf:run-2", "nf:run-1"]);
    assert!(
        first["operations"][0].get("response").is_none(),
        "a list carries no results"
    );
    assert_eq!(first["operations"][0]["done"], true);
    let token = first["nextPageToken"].as_str().unwrap();
    // A batch created between pages does not shift the next page.
    api.create_batch(FLASH, "nf:late", &two_requests()).await;
    let (_, second) = api
        .call(
            "GET",
            &format!("/v1beta/batches?pageSize=2&pageToken={token}"),
            None,
        )
        .await;
    let ops = second["operations"].as_array().unwrap();
    assert_eq!(
        (ops.len(), ops[0]["metadata"]["displayName"].clone()),
        (1, json!("nf:run-0"))
    );
    assert!(second.get("nextPageToken").is_none());
    assert_eq!(
        api.call("GET", "/v1beta/batches?pageToken=bogus", None)
            .await
            .0,
        400
    );
    assert_eq!(
        api.call("GET", "/v1beta/batches?pageSize=x", None).await.0,
        400
    );
    let log = api.server.batch_requests();
    assert!(
        log.iter()
            .any(|r| r.endpoint == Endpoint::BatchList && r.query.as_deref() == Some("pageSize=2"))
    );
}

#[tokio::test]
async fn batch_controls_over_http() {
    let api = Api::start().await;
    let control = json!({ "batch": { "progression": { "kind": "manual" }, "shuffle": true } });
    assert_eq!(
        api.control("POST", "/__control/scenario", Some(control))
            .await
            .0,
        200
    );
    let (_, created) = api.create_batch(FLASH, "http", &two_requests()).await;
    let name = created["name"].as_str().unwrap();
    let (status, listing) = api.control("GET", "/__control/batches", None).await;
    assert_eq!(status, 200);
    assert_eq!(listing["created"], 1);
    assert_eq!(listing["batches"][0]["name"], name);
    assert_eq!(listing["batches"][0]["state"], "pending");
    assert_eq!(listing["batches"][0]["keys"], json!(["job-1", "job-2"]));
    assert_eq!(listing["batchScenario"]["shuffle"], true);
    let (status, _) = api
        .control(
            "POST",
            "/__control/batches/advance",
            Some(json!({ "name": "batches/none" })),
        )
        .await;
    assert_eq!(status, 404);
    let moved = advance(&api, json!({ "name": name, "to": "succeeded" })).await;
    assert_eq!(moved["batches"][0]["state"], "succeeded");
    api.get_batch(name).await;
    let (_, log) = api.control("GET", "/__control/requests", None).await;
    assert_eq!(log["batchesCreated"], 1);
    assert_eq!(log["endpointCounts"]["batchCreate"], 1);
    assert_eq!(log["endpointCounts"]["batchGet"], 1);
    assert_eq!(log["requests"][1]["endpoint"], "batchCreate");
    assert_eq!(log["requests"][1]["batch"]["requests"][0]["key"], "job-1");
    assert_eq!(api.control("POST", "/__control/reset", None).await.0, 200);
    let (_, listing) = api.control("GET", "/__control/batches", None).await;
    assert_eq!(listing["created"], 0);
    assert_eq!(api.server.endpoint_count(Endpoint::BatchCreate), 0);
}
