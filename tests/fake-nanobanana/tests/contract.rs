//! The fake itself keeps to the documented contract, and its controls work over HTTP and from the
//! binary. Raw HTTP over std's TcpStream keeps this crate free of an HTTP client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use fake_nanobanana::{DEFAULT_API_KEY, FakeServer};
use serde_json::{Value, json};

/// Status and JSON body (Null if the body is not JSON) of one HTTP/1.1 request.
fn call(
    base: &str,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = key
        .map(|k| format!("Authorization: Bearer {k}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_validation_and_record_info_follow_the_contract() {
    let server = FakeServer::start().await.unwrap();
    let base = server.base_url().to_owned();
    blocking(move || {
        let key = Some(DEFAULT_API_KEY);
        let (status, body) = call(&base, "GET", "/api/v1/common/credit", None, None);
        assert_eq!((status, body["code"].as_i64()), (401, Some(401)));
        let (status, _) = call(&base, "GET", "/api/v1/common/credit", Some("wrong"), None);
        assert_eq!(status, 401);
        let (status, body) = call(&base, "GET", "/api/v1/common/credit", key, None);
        assert_eq!((status, body["data"].as_f64()), (200, Some(100.0)));

        let v1 = json!({"prompt": "a cat", "type": "TEXTTOIMAGE", "callBackUrl": "https://x.invalid/cb"});
        let (status, body) = call(&base, "POST", "/api/v1/nanobanana/generate", key, Some(v1));
        assert_eq!(status, 400, "the correctly spelled type is refused: {body}");
        let no_callback = json!({"prompt": "a cat", "type": "TEXTTOIAMGE"});
        assert_eq!(call(&base, "POST", "/api/v1/nanobanana/generate", key, Some(no_callback)).0, 400);
        let pro = json!({"prompt": "a cat", "resolution": "1K"});
        assert_eq!(call(&base, "POST", "/api/v1/nanobanana/generate-pro", key, Some(pro)).0, 400);
        let v2 = json!({"prompt": "a cat", "resolution": "8K"});
        assert_eq!(call(&base, "POST", "/api/v1/nanobanana/generate-2", key, Some(v2)).0, 400);

        let v2 = json!({"prompt": "a cat", "aspectRatio": "4:1", "resolution": "2K"});
        let (status, body) = call(&base, "POST", "/api/v1/nanobanana/generate-2", key, Some(v2));
        assert_eq!(status, 200, "{body}");
        let id = body["data"]["taskId"].as_str().unwrap().to_owned();

        let (status, body) = call(&base, "GET", &format!("/api/v1/nanobanana/record-info?taskId={id}"), key, None);
        assert_eq!(status, 200);
        let data = &body["data"];
        for field in ["taskId", "paramJson", "createTime", "completeTime", "response", "successFlag", "errorCode", "errorMessage"] {
            assert!(data.get(field).is_some(), "record-info has {field}: {data}");
        }
        let params: Value = serde_json::from_str(data["paramJson"].as_str().unwrap()).unwrap();
        assert_eq!(params["aspectRatio"], "4:1");
        assert_eq!(data["successFlag"], 1);
        let url = data["response"]["resultImageUrl"].as_str().unwrap();
        assert!(url.starts_with(&base));

        let (status, _) = call(&base, "GET", &format!("/api/v1/nanobanana/record-info?task_id={id}"), key, None);
        assert_eq!(status, 500, "the common task_id mistake gets a 500");
        let (status, body) = call(&base, "GET", "/api/v1/nanobanana/record-info?taskId=nope", key, None);
        assert_eq!((status, body["msg"].as_str()), (404, Some("Task not found")));
    })
    .await;
    assert_eq!(server.submit_count(), 5);
    assert_eq!(server.task_ids().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_are_set_over_http_and_by_prompt_prefix() {
    let server = FakeServer::start().await.unwrap();
    let base = server.base_url().to_owned();
    blocking(move || {
        let key = Some(DEFAULT_API_KEY);
        let control = json!({
            "task": {"pendingPolls": 1},
            "faults": [{"target": "credit", "times": 1, "action": {"kind": "http", "status": 429, "retryAfter": "3"}}],
            "credits": 0
        });
        assert_eq!(call(&base, "POST", "/__control/scenario", None, Some(control)).0, 200);
        let (status, body) = call(&base, "GET", "/api/v1/common/credit", key, None);
        assert_eq!((status, body["code"].as_i64()), (429, Some(429)));
        let (_, body) = call(&base, "GET", "/api/v1/common/credit", key, None);
        assert_eq!(body["data"], 0.0);
        let submit = json!({"prompt": "a cat"});
        assert_eq!(call(&base, "POST", "/api/v1/nanobanana/generate-2", key, Some(submit.clone())).0, 402);

        call(&base, "POST", "/__control/scenario", None, Some(json!({"credits": 5})));
        let flagged = json!({"prompt": "@fake{\"outcome\":\"generationFailed\",\"errorMessage\":\"flagged\"} a cat"});
        let (_, body) = call(&base, "POST", "/api/v1/nanobanana/generate-2", key, Some(flagged));
        let id = body["data"]["taskId"].as_str().unwrap().to_owned();
        let (_, body) = call(&base, "GET", &format!("/api/v1/nanobanana/record-info?taskId={id}"), key, None);
        assert_eq!(body["data"]["successFlag"], 3, "the prompt's scenario wins");
        assert_eq!(body["data"]["errorMessage"], "flagged");

        let (_, body) = call(&base, "POST", "/api/v1/nanobanana/generate-2", key, Some(submit));
        let id2 = body["data"]["taskId"].as_str().unwrap().to_owned();
        let (_, body) = call(&base, "GET", &format!("/api/v1/nanobanana/record-info?taskId={id2}"), key, None);
        assert_eq!(body["data"]["successFlag"], 0, "the control scenario: one pending poll");

        let (status, log) = call(&base, "GET", "/__control/requests", None, None);
        assert_eq!(status, 200);
        assert_eq!(log["submitCount"], 3);
        assert_eq!(log["pollCounts"][&id], 1);
        assert_eq!(log["creditCount"], 2);
        assert!(log["requests"][0]["atMs"].is_number());
    })
    .await;
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_prints_its_base_url_and_serves() {
    let child = Command::new(env!("CARGO_BIN_EXE_fake-nanobanana"))
        .args(["--port", "0", "--api-key", "bin-key"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let stdout = child.0.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base = line.trim();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let (status, body) = call(base, "GET", "/api/v1/common/credit", Some("bin-key"), None);
    assert_eq!((status, body["data"].as_f64()), (200, Some(100.0)));
    let (_, log) = call(base, "GET", "/__control/requests", None, None);
    assert_eq!(log["creditCount"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_window_refuses_submits_for_its_time_and_creates_nothing() {
    let server = FakeServer::start().await.unwrap();
    let base = server.base_url().to_owned();
    let control = json!({"rateLimit": {"afterSubmits": 1, "windowMs": 400, "retryAfter": true}});
    let submit =
        json!({"prompt": "a cat", "type": "TEXTTOIAMGE", "callBackUrl": "https://x.invalid/cb"});
    let key = Some(DEFAULT_API_KEY);
    let path = "/api/v1/nanobanana/generate";
    let (first, second) = blocking(move || {
        let (status, _) = call(&base, "POST", "/__control/scenario", None, Some(control));
        assert_eq!(status, 200);
        let first = call(&base, "POST", path, key, Some(submit.clone())).0;
        let second = call(&base, "POST", path, key, Some(submit.clone())).0;
        // Past the window, submits are taken again.
        std::thread::sleep(std::time::Duration::from_millis(450));
        assert_eq!(call(&base, "POST", path, key, Some(submit)).0, 200);
        (first, second)
    })
    .await;
    assert_eq!((first, second), (200, 429));
    assert_eq!(
        server.task_prompts().len(),
        2,
        "the refused submit made no task"
    );
    let refused: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.fault.as_deref() == Some("rateLimited"))
        .collect();
    assert_eq!(refused.len(), 1);
}
