//! Transient errors over real HTTP (429 variants, 5xx, 403, HTML and truncated bodies, a
//! "503, 503, then 200" sequence), the controls over HTTP, and the binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::{Api, FLASH, PRO, detail, final_images, prompt};
use fake_gemini::{Fault, FaultAction};
use serde_json::{Value, json};

#[tokio::test]
async fn rate_limits_carry_quota_failure_and_the_retry_delay_asked_for() {
    let api = Api::start().await;
    let delay = |d: Option<Option<&str>>| FaultAction::RateLimited {
        daily: false,
        retry_delay: d.map(|d| d.map(str::to_owned)),
    };
    for (action, expected) in [
        (delay(None), Some("34s")),
        (delay(Some(Some("1.5s"))), Some("1.5s")),
        (delay(Some(Some("0s"))), Some("0s")),
        (delay(Some(None)), None),
    ] {
        api.server.push_fault(Fault::new(1, action));
        let (status, answer) = api.generate(PRO, &prompt("x")).await;
        assert_eq!(
            (status, &answer["error"]["status"]),
            (429, &json!("RESOURCE_EXHAUSTED"))
        );
        let quota = &detail(&answer, "QuotaFailure").unwrap()["violations"][0];
        assert_eq!(
            quota["quotaId"],
            "GenerateRequestsPerMinutePerProjectPerModel"
        );
        assert!(quota["quotaMetric"].is_string());
        let retry = detail(&answer, "RetryInfo").map(|r| r["retryDelay"].as_str().unwrap());
        assert_eq!(retry, expected);
    }
    api.server.push_fault(Fault::new(
        1,
        FaultAction::RateLimited {
            daily: true,
            retry_delay: None,
        },
    ));
    let (_, answer) = api.generate(PRO, &prompt("x")).await;
    let quota_id = detail(&answer, "QuotaFailure").unwrap()["violations"][0]["quotaId"].clone();
    assert!(quota_id.as_str().unwrap().contains("PerDay"));
    assert_eq!(detail(&answer, "RetryInfo").unwrap()["retryDelay"], "3600s");
    api.server
        .push_fault(Fault::new(1, FaultAction::QuotaNoDetails));
    let (status, answer) = api.generate(PRO, &prompt("x")).await;
    assert_eq!(status, 429);
    assert!(answer["error"].get("details").is_none());
    assert_eq!(
        api.generate(PRO, &prompt("x")).await.0,
        200,
        "the faults are used up"
    );
}

#[tokio::test]
async fn server_errors_and_a_503_503_200_sequence() {
    let api = Api::start().await;
    let cases = [
        (
            FaultAction::Overloaded {
                capacity_exhausted: false,
            },
            503,
            "UNAVAILABLE",
        ),
        (FaultAction::Internal, 500, "INTERNAL"),
        (FaultAction::DeadlineExceeded, 504, "DEADLINE_EXCEEDED"),
        (FaultAction::PermissionDenied, 403, "PERMISSION_DENIED"),
    ];
    for (action, code, name) in cases {
        api.server.push_fault(Fault::new(1, action));
        let (status, answer) = api.generate(FLASH, &prompt("x")).await;
        assert_eq!((status, &answer["error"]["status"]), (code, &json!(name)));
        assert_eq!(answer["error"]["code"], code);
    }
    api.server.push_fault(Fault::new(
        1,
        FaultAction::Overloaded {
            capacity_exhausted: true,
        },
    ));
    let (_, answer) = api.generate(FLASH, &prompt("x")).await;
    assert_eq!(
        answer["error"]["message"],
        "The model is overloaded. Please try again later."
    );
    assert_eq!(
        detail(&answer, "ErrorInfo").unwrap()["reason"],
        "MODEL_CAPACITY_EXHAUSTED"
    );

    api.server.reset();
    api.server.push_fault(Fault::new(
        2,
        FaultAction::Overloaded {
            capacity_exhausted: false,
        },
    ));
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(api.generate(PRO, &prompt("x")).await.0);
    }
    assert_eq!(statuses, [503, 503, 200]);
    let faults: Vec<_> = api
        .server
        .generate_requests()
        .iter()
        .map(|r| r.fault.clone())
        .collect();
    assert_eq!(
        faults,
        [Some("overloaded".into()), Some("overloaded".into()), None]
    );
    assert!(api.server.pending_faults().is_empty());
}

#[tokio::test]
async fn non_json_and_truncated_bodies() {
    let api = Api::start().await;
    api.server
        .push_fault(Fault::new(1, FaultAction::HtmlBadGateway));
    api.server
        .push_fault(Fault::new(1, FaultAction::TruncatedJson { status: 200 }));
    let key = api.key();
    let response = api
        .send(PRO, common::Key::Header(&key), &prompt("x"))
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let response = api
        .send(PRO, common::Key::Header(&key), &prompt("x"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with('{') && serde_json::from_str::<Value>(&text).is_err(),
        "{text}"
    );
}
#[tokio::test]
async fn controls_work_over_http() {
    let api = Api::start().await;
    let control = json!({
        "scenario": {"images": 2, "outcome": {"kind": "success"}},
        "faults": [{"times": 1, "model": FLASH, "action": {"kind": "rateLimited", "retryDelay": "2s"}}],
        "limits": {"maxBodyBytes": 1000000},
    });
    assert_eq!(
        api.control("POST", "/__control/scenario", Some(control))
            .await
            .0,
        200
    );
    assert_eq!(
        api.generate(PRO, &prompt("x")).await.0,
        200,
        "the fault is for Flash only"
    );
    assert_eq!(api.generate(FLASH, &prompt("x")).await.0, 429);
    let (_, answer) = api.generate(FLASH, &prompt("x")).await;
    assert_eq!(final_images(&answer).len(), 2);
    let (status, log) = api.control("GET", "/__control/requests", None).await;
    assert_eq!(status, 200);
    assert_eq!(log["generateCount"], 3);
    assert_eq!(log["modelCounts"][FLASH], 2);
    assert_eq!(log["requests"][2]["fault"], "rateLimited");
    assert_eq!(log["limits"]["maxBodyBytes"], 1000000);
    let bad = json!({"scenario": {"mime": "image/gif"}});
    assert_eq!(
        api.control("POST", "/__control/scenario", Some(bad))
            .await
            .0,
        400
    );
    assert_eq!(api.control("POST", "/__control/reset", None).await.0, 200);
    let (_, log) = api.control("GET", "/__control/requests", None).await;
    assert_eq!(
        (
            log["generateCount"].as_u64(),
            log["scenario"]["images"].as_u64()
        ),
        (Some(0), Some(1))
    );
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_base_url_and_serves() {
    let child = Command::new(env!("CARGO_BIN_EXE_fake-gemini"))
        .args(["--port", "0", "--api-key", "bin-key"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let stdout = child.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let base = line.trim();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{base}/v1beta/models/{FLASH}:generateContent");
    let response = http
        .post(&url)
        .header("x-goog-api-key", "bin-key")
        .json(&prompt("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let log: Value = http
        .get(format!("{base}/__control/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["generateCount"], 1);
}
