//! Every documented failure of the API, as the client sees it: the typed error, and how many
//! requests were made (so retries, and the absence of unsafe ones, are visible).

use crate::provider_support;

use std::time::Duration;

use fake_nanobanana::{Endpoint, Fault, FaultAction, Target};
use nanoforge_core::ErrorKind;
use nanoforge_core::providers::{Model, NanoBananaClient, ProviderError};
use provider_support::{client, client_with, config, fake, request};

fn http(status: u16, msg: &str) -> FaultAction {
    FaultAction::Http {
        status,
        code: None,
        msg: Some(msg.into()),
        retry_after: None,
    }
}

async fn submit_error(client: &NanoBananaClient) -> ProviderError {
    client
        .submit(&request("a cat", Model::NanoBanana2))
        .await
        .expect_err("the submit should fail")
}

#[tokio::test]
async fn http_errors_on_submit_map_to_typed_errors_and_are_not_retried() {
    let cases = [
        (
            400,
            ErrorKind::InvalidRequest,
            "prompt contains banned words",
        ),
        (401, ErrorKind::ApiKeyRejected, "check your Nano Banana key"),
        (402, ErrorKind::OutOfCredits, "out of credits"),
        (
            422,
            ErrorKind::InvalidRequest,
            "prompt contains banned words",
        ),
        (455, ErrorKind::ServiceUnavailable, "under maintenance"),
        (501, ErrorKind::ServerError, "501"),
        (505, ErrorKind::ServerError, "505"),
    ];
    for (status, kind, text) in cases {
        let server = fake().await;
        server.push_fault(Fault::new(
            Target::Submit,
            1,
            http(status, "prompt contains banned words"),
        ));
        let error = submit_error(&client(&server)).await;
        assert_eq!(error.kind(), kind, "{status}: {error}");
        assert!(error.to_string().contains(text), "{status}: {error}");
        assert!(!error.is_retryable() || status == 455, "{status}");
        assert_eq!(server.submit_count(), 1, "{status} is not retried");
        assert!(server.task_ids().is_empty());
    }
}

#[tokio::test]
async fn a_wrong_key_is_rejected_by_the_server() {
    let server = fake().await;
    let mut config = config(&server);
    config.check_credits_before_submit = true;
    let key = nanoforge_core::accounts::ApiKey::new("wrong-key").unwrap();
    let client = NanoBananaClient::new(config, Some(key)).unwrap();
    let error = submit_error(&client).await;
    assert_eq!(error.kind(), ErrorKind::ApiKeyRejected);
    assert!(error.to_string().contains("rejected the API key"));
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        1,
        "the credit check fails; no submit follows"
    );
    assert!(requests[0].auth_present && !requests[0].auth_valid);
}

/// The docs do not promise that a 5xx to a submit created nothing, so it is never resent on its
/// own (it could be paid twice): the job says it may have been charged.
#[tokio::test]
async fn a_transient_server_error_on_submit_is_not_resent() {
    for status in [500, 502, 503, 504] {
        let server = fake().await;
        server.push_fault(Fault::new(Target::Submit, 5, http(status, "busy")));
        let error = submit_error(&client(&server)).await;
        assert_eq!(error.kind(), ErrorKind::SubmitUnconfirmed, "{status}");
        assert_eq!(server.submit_count(), 1, "{status}: sent once");
    }
}

#[tokio::test]
async fn a_rate_limited_submit_is_retried_because_nothing_was_created() {
    let server = fake().await;
    server.push_fault(Fault::new(
        Target::Submit,
        2,
        FaultAction::Http {
            status: 429,
            code: None,
            msg: Some("slow down".into()),
            retry_after: Some("0".into()),
        },
    ));
    client(&server)
        .submit(&request("a cat", Model::NanoBanana2))
        .await
        .unwrap();
    assert_eq!(server.submit_count(), 3);
    assert_eq!(server.task_ids().len(), 1, "exactly one task created");
}

#[tokio::test]
async fn a_5xx_without_the_service_envelope_is_not_resubmitted() {
    let server = fake().await;
    let gateway = FaultAction::Raw {
        status: 502,
        content_type: "text/html".into(),
        body: "<html>Bad Gateway</html>".into(),
    };
    server.push_fault(Fault::new(Target::Any, 5, gateway));
    let error = submit_error(&client(&server)).await;
    assert_eq!(error.kind(), ErrorKind::SubmitUnconfirmed, "{error}");
    assert!(error.to_string().contains("502"), "{error}");
    assert_eq!(
        server.submit_count(),
        1,
        "a proxy error may hide a created task"
    );

    // The same answer to a poll is safe to retry.
    let _ = client(&server).poll_once("fake-task-1").await;
    assert_eq!(server.count(Endpoint::Poll), 3);
}

#[tokio::test]
async fn rate_limit_waits_for_retry_after_then_succeeds() {
    let server = fake().await;
    server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Http {
            status: 429,
            code: None,
            msg: None,
            retry_after: Some("1".into()),
        },
    ));
    client(&server)
        .submit(&request("a cat", Model::NanoBanana2))
        .await
        .unwrap();
    let submits: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.endpoint.is_submit())
        .collect();
    assert_eq!(submits.len(), 2);
    let gap = submits[1].at_ms - submits[0].at_ms;
    assert!(gap >= 1000.0, "waited {gap} ms, Retry-After said 1 s");
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_handed_to_the_caller() {
    let server = fake().await;
    server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Http {
            status: 429,
            code: None,
            msg: None,
            retry_after: Some("120".into()),
        },
    ));
    let error = submit_error(&client(&server)).await;
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(server.submit_count(), 1);
}

#[tokio::test]
async fn errors_inside_an_http_200_envelope_are_errors() {
    let server = fake().await;
    server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Envelope {
            code: 402,
            msg: "Credits insufficient".into(),
        },
    ));
    let error = submit_error(&client(&server)).await;
    assert_eq!(error.kind(), ErrorKind::OutOfCredits);
    assert!(error.to_string().contains("Credits insufficient"));
    assert_eq!(server.submit_count(), 1);

    server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Envelope {
            code: 500,
            msg: "internal".into(),
        },
    ));
    let error = submit_error(&client(&server)).await;
    assert_eq!(
        error.kind(),
        ErrorKind::SubmitUnconfirmed,
        "a 500 inside a 200 is not resent"
    );
    assert_eq!(server.submit_count(), 2);
}

#[tokio::test]
async fn malformed_json_and_missing_fields_are_protocol_errors() {
    // A 2xx to a submit that cannot be read may still have created (and charged) a task.
    let server = fake().await;
    server.push_fault(Fault::new(Target::Submit, 1, FaultAction::MalformedJson));
    let error = submit_error(&client(&server)).await;
    assert_eq!(error.kind(), ErrorKind::SubmitUnconfirmed);
    assert!(error.to_string().contains("not JSON"), "{error}");
    assert_eq!(server.submit_count(), 1);

    server.push_fault(Fault::new(Target::Submit, 1, FaultAction::MissingFields));
    let error = submit_error(&client(&server)).await;
    assert_eq!(error.kind(), ErrorKind::SubmitUnconfirmed);
    assert!(error.to_string().contains("no taskId"), "{error}");

    server.push_fault(Fault::new(Target::Credit, 1, FaultAction::MissingFields));
    assert_eq!(
        client(&server).credits().await.unwrap_err().kind(),
        ErrorKind::Protocol
    );
    server.push_fault(Fault::new(Target::Poll, 1, FaultAction::MalformedJson));
    assert_eq!(
        client(&server).poll_once("x").await.unwrap_err().kind(),
        ErrorKind::Protocol
    );
}

#[tokio::test]
async fn an_unknown_task_is_not_found() {
    let server = fake().await;
    let error = client(&server).poll_once("no-such-task").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert!(error.to_string().contains("no-such-task"));
    assert_eq!(server.poll_count("no-such-task"), 1, "404 is not retried");
}

#[tokio::test]
async fn flaky_polls_are_retried() {
    let server = fake().await;
    let client = client(&server);
    let id = client
        .submit(&request("a cat", Model::NanoBanana2))
        .await
        .unwrap();
    server.push_fault(Fault::new(Target::Poll, 2, http(503, "busy")));
    client.poll_once(&id).await.unwrap();
    assert_eq!(server.poll_count(&id), 3);

    server.push_fault(Fault::new(Target::Poll, 5, http(500, "down")));
    let error = client.poll_once(&id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ServerError);
    assert_eq!(server.poll_count(&id), 6);
}

#[tokio::test]
async fn a_submit_that_times_out_after_sending_is_not_repeated() {
    let server = fake().await;
    let mut config = config(&server);
    config.read_timeout = Duration::from_millis(300);
    server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Delay { ms: 3_000 },
    ));
    let error = submit_error(&client_with(&server, config)).await;
    assert_eq!(error.kind(), ErrorKind::SubmitUnconfirmed, "{error}");
    assert!(error.to_string().contains("paying twice"));
    assert_eq!(server.submit_count(), 1, "never resubmitted");
    assert_eq!(server.task_ids().len(), 1, "the server did create the task");
}

#[tokio::test]
async fn a_poll_that_times_out_is_retried() {
    let server = fake().await;
    let mut config = config(&server);
    config.read_timeout = Duration::from_millis(300);
    let client = client_with(&server, config);
    let id = client
        .submit(&request("a cat", Model::NanoBanana2))
        .await
        .unwrap();
    server.push_fault(Fault::new(
        Target::Poll,
        1,
        FaultAction::Delay { ms: 3_000 },
    ));
    client.poll_once(&id).await.unwrap();
    assert_eq!(server.poll_count(&id), 2);

    server.push_fault(Fault::new(
        Target::Poll,
        3,
        FaultAction::Delay { ms: 3_000 },
    ));
    let error = client.poll_once(&id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert_eq!(server.poll_count(&id), 5);
}

#[tokio::test]
async fn a_refused_connection_is_a_network_error_and_retried() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let server = fake().await;
    let mut config = config(&server);
    config.base_url = format!("http://127.0.0.1:{port}");
    let client = client_with(&server, config);
    let error = submit_error(&client).await;
    assert_eq!(error.kind(), ErrorKind::Network, "{error}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("127.0.0.1"), "{error}");
}
