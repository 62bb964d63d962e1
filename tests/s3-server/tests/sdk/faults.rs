//! Every fault kind as the SDK sees it: which ones it retries (and how often, by the counters),
//! which surface as which error, and what each leaves in the store.

use std::time::{Duration, Instant};

use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::primitives::ByteStream;
use s3_test_server::{ErrorAnswer, Fault, FaultAction, Op, Target};

use crate::{BUCKET, Harness, client_with, status_and_code};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_down_twice_is_retried_to_success_and_three_times_fails() {
    let h = Harness::start().await;
    let c = h.client();
    h.server
        .push_fault(Fault::error(Op::PutObject, ErrorAnswer::slow_down()).times(2));
    h.put(&c, "a", b"after two 503s").await;
    assert_eq!(h.statuses("PutObject"), [Some(503), Some(503), Some(200)]);
    assert!(h.server.pending_faults().is_empty());

    h.server.reset_counts();
    h.server
        .push_fault(Fault::error(Op::PutObject, ErrorAnswer::slow_down()).times(3));
    let err = c
        .put_object()
        .bucket(BUCKET)
        .key("b")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .expect_err("3 attempts, 3 faults");
    assert_eq!(status_and_code(&err), (Some(503), Some("SlowDown".into())));
    assert_eq!(h.server.counts().put_object, 3, "bounded by max_attempts");
    assert!(!h.server.root().join(BUCKET).join("b").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_on_list_is_retried_and_the_kth_get_fails_deterministically() {
    let h = Harness::start().await;
    let c = h.client();
    h.server.push_fault(Fault::error(
        Op::ListObjectsV2,
        ErrorAnswer::internal_error(),
    ));
    c.list_objects_v2()
        .bucket(BUCKET)
        .send()
        .await
        .expect("retried");
    assert_eq!(h.statuses("ListObjectsV2"), [Some(500), Some(200)]);

    h.put(&c, "k", b"v").await;
    let once = client_with(
        h.config(h.server.access_key(), h.server.secret_key())
            .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled()),
    );
    h.server
        .push_fault(Fault::error(Op::GetObject, ErrorAnswer::internal_error()).nth(3));
    let mut outcomes = Vec::new();
    for _ in 0..4 {
        let r = once.get_object().bucket(BUCKET).key("k").send().await;
        outcomes.push(r.map(|_| ()).map_err(|e| status_and_code(&e).0));
    }
    assert_eq!(outcomes, [Ok(()), Ok(()), Err(Some(500)), Ok(())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_412_409_429_and_skew_answers_are_not_retried() {
    let h = Harness::start().await;
    let c = h.client();
    let cases = [
        (
            ErrorAnswer::precondition_failed(),
            412,
            "PreconditionFailed",
        ),
        (
            ErrorAnswer::conditional_request_conflict(),
            409,
            "ConditionalRequestConflict",
        ),
        // The SDK retries 429 only for codes it knows (`TooManyRequestsException`, …).
        (ErrorAnswer::too_many_requests(), 429, "TooManyRequests"),
        // A skew error whose `Date` agrees with the client: the SDK's clock-skew retry measures
        // no skew and gives up at once.
        (
            ErrorAnswer::request_time_too_skewed(),
            403,
            "RequestTimeTooSkewed",
        ),
    ];
    for (answer, status, code) in cases {
        h.server.reset_counts();
        h.server.push_fault(Fault::error(Op::PutObject, answer));
        let err = c
            .put_object()
            .bucket(BUCKET)
            .key("never")
            .body(ByteStream::from_static(b"x"))
            .send()
            .await
            .expect_err(code);
        assert_eq!(status_and_code(&err), (Some(status), Some(code.to_owned())));
        assert_eq!(h.server.counts().put_object, 1, "{code} is not retried");
    }
    assert!(!h.server.root().join(BUCKET).join("never").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_before_applying_is_retried_and_a_lost_response_turns_into_412() {
    let h = Harness::start().await;
    let c = h.client();
    h.server
        .push_fault(Fault::new(Op::PutObject, FaultAction::ResetBeforeApplying));
    h.put(&c, "seg/1", b"segment one").await;
    assert_eq!(h.statuses("PutObject"), [None, Some(200)]);

    // The write lands but its answer is lost; the SDK's retry of the same conditional PUT then
    // meets its own object (zotero-ios #584).
    h.server.reset_counts();
    h.server
        .push_fault(Fault::new(Op::PutObject, FaultAction::ResetAfterApplying));
    let err = c
        .put_object()
        .bucket(BUCKET)
        .key("seg/2")
        .if_none_match("*")
        .body(ByteStream::from_static(b"segment two"))
        .send()
        .await
        .expect_err("the retry meets the applied write");
    assert_eq!(
        status_and_code(&err),
        (Some(412), Some("PreconditionFailed".into()))
    );
    assert_eq!(h.statuses("PutObject"), [None, Some(412)]);
    assert_eq!(h.get(&c, "seg/2").await, b"segment two");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_cut_mid_way_fails_the_read_not_the_request() {
    let h = Harness::start().await;
    let c = h.client();
    let body: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
    h.put(&c, "blobs/big", &body).await;
    h.server.push_fault(Fault::new(
        Op::GetObject,
        FaultAction::CutBody { after_bytes: 1000 },
    ));
    let out = c
        .get_object()
        .bucket(BUCKET)
        .key("blobs/big")
        .send()
        .await
        .expect("headers arrive");
    assert_eq!(out.content_length(), Some(64 * 1024));
    let read = out.body.collect().await;
    assert!(read.is_err(), "the reset breaks the body: {read:?}");
    assert_eq!(
        h.server.counts().get_object,
        1,
        "body errors are the caller's to retry"
    );
    assert_eq!(h.get(&c, "blobs/big").await, body, "the next read is whole");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delays_slow_requests_and_trip_the_attempt_timeout() {
    let h = Harness::start().await;
    let c = h.client();
    h.put(&c, "k", b"v").await;
    h.server.push_fault(Fault::new(
        Target::Any,
        FaultAction::Delay(Duration::from_millis(150)),
    ));
    let started = Instant::now();
    c.head_object()
        .bucket(BUCKET)
        .key("k")
        .send()
        .await
        .expect("slow but fine");
    assert!(started.elapsed() >= Duration::from_millis(150));

    let impatient = client_with(
        h.config(h.server.access_key(), h.server.secret_key())
            .retry_config(aws_sdk_s3::config::retry::RetryConfig::standard().with_max_attempts(2))
            .timeout_config(
                aws_sdk_s3::config::timeout::TimeoutConfig::builder()
                    .operation_attempt_timeout(Duration::from_millis(300))
                    .build(),
            ),
    );
    h.server.reset_counts();
    h.server
        .push_fault(Fault::new(Op::GetObject, FaultAction::Delay(Duration::from_secs(3))).always());
    let err = impatient
        .get_object()
        .bucket(BUCKET)
        .key("k")
        .send()
        .await
        .expect_err("every attempt times out");
    assert!(matches!(err, SdkError::TimeoutError(_)), "{err:?}");
    assert_eq!(h.server.counts().get_object, 2, "timeouts are retried");
    h.server.clear_faults();
    assert_eq!(h.get(&c, "k").await, b"v");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shifted_date_header_misleads_the_sdks_clock_skew_correction() {
    let h = Harness::start().await;
    let c = h.client();
    h.put(&c, "k", b"v").await;

    // The header itself, on any answer (here an unsigned request's 403).
    h.server.push_fault(Fault::new(
        Target::Any,
        FaultAction::ShiftDate { secs: 1800 },
    ));
    let raw = reqwest::get(format!("{}/{BUCKET}/k", h.server.endpoint()))
        .await
        .expect("raw GET");
    assert_eq!(raw.status().as_u16(), 403);
    let date = raw
        .headers()
        .get("date")
        .and_then(|d| d.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d).ok())
        .expect("a Date header");
    let ahead = date
        .duration_since(std::time::SystemTime::now())
        .expect("in the future");
    assert!(ahead > Duration::from_secs(1790) && ahead <= Duration::from_secs(1800));

    // The SDK learns "server is 30 min ahead" from one successful answer and signs the next
    // operation 30 min ahead. The refusal's true `Date` shows no skew against the local clock, so
    // its clock-skew retry does not fire: that operation fails, and the one after it is fine.
    h.server.push_fault(Fault::new(
        Op::GetObject,
        FaultAction::ShiftDate { secs: 1800 },
    ));
    assert_eq!(h.get(&c, "k").await, b"v");
    h.server.reset_counts();
    let err = c
        .put_object()
        .bucket(BUCKET)
        .key("k2")
        .body(ByteStream::from_static(b"v2"))
        .send()
        .await
        .expect_err("signed with the learnt skew");
    assert_eq!(
        status_and_code(&err),
        (Some(403), Some("RequestTimeTooSkewed".into()))
    );
    h.put(&c, "k2", b"v2").await;
    assert_eq!(h.statuses("PutObject"), [Some(403), Some(200)]);
}
