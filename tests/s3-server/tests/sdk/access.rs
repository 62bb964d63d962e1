//! Authentication and authorisation as the sync client must tell them apart: read-only key, bad
//! secret, unknown key, a device clock off by 20 minutes, and presigned GET URLs fetched by a plain
//! HTTP client before and after they expire.

use std::time::{Duration, Instant, SystemTime};

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use s3_test_server::{READ_ONLY_ACCESS_KEY, READ_ONLY_SECRET_KEY};

use crate::{BUCKET, Harness, client_with, status_and_code};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_read_only_key_reads_and_lists_but_may_not_write() {
    let h = Harness::start().await;
    h.put(&h.client(), "k", b"v").await;
    let keys = h.server.read_only_keys().expect("a read-only pair");
    assert_eq!(
        (keys.access_key.as_str(), keys.secret_key.as_str()),
        (READ_ONLY_ACCESS_KEY, READ_ONLY_SECRET_KEY)
    );
    let ro = client_with(h.config(&keys.access_key, &keys.secret_key));
    assert_eq!(h.get(&ro, "k").await, b"v");
    ro.list_objects_v2()
        .bucket(BUCKET)
        .max_keys(1)
        .send()
        .await
        .expect("list");
    h.server.reset_counts();
    let err = ro
        .put_object()
        .bucket(BUCKET)
        .key("probe/device")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .expect_err("read-only");
    assert_eq!(
        status_and_code(&err),
        (Some(403), Some("AccessDenied".into()))
    );
    let err = ro
        .delete_object()
        .bucket(BUCKET)
        .key("k")
        .send()
        .await
        .expect_err("read-only");
    assert_eq!(
        status_and_code(&err),
        (Some(403), Some("AccessDenied".into()))
    );
    assert_eq!(
        h.server.counts().total(),
        2,
        "auth refusals are not retried"
    );
    assert!(!h.server.root().join(BUCKET).join("probe").exists());
    assert_eq!(h.get(&h.client(), "k").await, b"v");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_secret_and_an_unknown_key_are_told_apart() {
    let h = Harness::start().await;
    let bad_secret = client_with(h.config(h.server.access_key(), "not-the-secret"));
    let err = bad_secret
        .list_objects_v2()
        .bucket(BUCKET)
        .send()
        .await
        .expect_err("bad secret");
    assert_eq!(
        status_and_code(&err),
        (Some(403), Some("SignatureDoesNotMatch".into()))
    );
    let unknown = client_with(h.config("nobody", "whatever"));
    let err = unknown
        .list_objects_v2()
        .bucket(BUCKET)
        .send()
        .await
        .expect_err("unknown key");
    assert_eq!(
        status_and_code(&err),
        (Some(403), Some("InvalidAccessKeyId".into()))
    );
    assert_eq!(h.server.counts().list_objects_v2, 2, "one attempt each");
}

/// A device clock `offset` ahead of real time.
#[derive(Debug)]
struct AheadClock(Duration);

impl aws_smithy_async::time::TimeSource for AheadClock {
    fn now(&self) -> SystemTime {
        SystemTime::now() + self.0
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_20_minutes_ahead_is_request_time_too_skewed() {
    let h = Harness::start().await;
    let skewed = || {
        h.config(h.server.access_key(), h.server.secret_key())
            .time_source(AheadClock(Duration::from_secs(20 * 60)))
    };
    let strict = client_with(skewed().disable_clock_skew_correction(true));
    let err = strict
        .list_objects_v2()
        .bucket(BUCKET)
        .send()
        .await
        .expect_err("skewed");
    assert_eq!(
        status_and_code(&err),
        (Some(403), Some("RequestTimeTooSkewed".into()))
    );
    assert_eq!(h.server.counts().list_objects_v2, 1);

    // With its default clock-skew correction the SDK measures the offset from the answer's
    // `Date` and succeeds on the retry.
    h.server.reset_counts();
    let correcting = client_with(skewed());
    correcting
        .list_objects_v2()
        .bucket(BUCKET)
        .send()
        .await
        .expect("corrected on retry");
    assert_eq!(h.statuses("ListObjectsV2"), [Some(403), Some(200)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_presigned_get_works_for_a_plain_client_until_it_expires() {
    let h = Harness::start().await;
    let c = h.client();
    c.put_object()
        .bucket(BUCKET)
        .key("tmp/input 1.png")
        .content_type("image/png")
        .body(ByteStream::from_static(b"\x89PNG input"))
        .send()
        .await
        .expect("put");
    let presign = |config: PresigningConfig| {
        c.get_object()
            .bucket(BUCKET)
            .key("tmp/input 1.png")
            .presigned(config)
    };

    let url = presign(PresigningConfig::expires_in(Duration::from_secs(3600)).expect("config"))
        .await
        .expect("presign")
        .uri()
        .to_owned();
    let ok = reqwest::get(&url).await.expect("fetch");
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(
        ok.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    assert_eq!(ok.bytes().await.expect("bytes").as_ref(), b"\x89PNG input");

    // Same length, one hex digit changed.
    let (head, signature) = url.split_once("X-Amz-Signature=").expect("a signature");
    let flipped = if signature.starts_with('0') { "1" } else { "0" };
    let tampered = format!("{head}X-Amz-Signature={flipped}{}", &signature[1..]);
    let refused = reqwest::get(&tampered).await.expect("fetch");
    assert_eq!(refused.status().as_u16(), 403);
    assert!(
        refused
            .text()
            .await
            .unwrap_or_default()
            .contains("SignatureDoesNotMatch")
    );

    // Signed two minutes ago for one minute: expired by the server's clock.
    let stale = PresigningConfig::builder()
        .start_time(SystemTime::now() - Duration::from_secs(120))
        .expires_in(Duration::from_secs(60))
        .build()
        .expect("config");
    let url = presign(stale).await.expect("presign").uri().to_owned();
    let expired = reqwest::get(&url).await.expect("fetch");
    assert_eq!(expired.status().as_u16(), 403);
    let body = expired.text().await.unwrap_or_default();
    assert!(
        body.contains("AccessDenied") && body.contains("expired"),
        "{body}"
    );

    // A three-second URL (X-Amz-Date has whole seconds): fetchable now, refused once its time
    // has passed on the server. Polled with a deadline.
    let short = presign(PresigningConfig::expires_in(Duration::from_secs(3)).expect("config"))
        .await
        .expect("presign")
        .uri()
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut statuses = Vec::new();
    loop {
        let status = reqwest::get(&short).await.expect("fetch").status().as_u16();
        if statuses.last() != Some(&status) {
            statuses.push(status);
        }
        if status == 403 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(statuses, [200, 403], "valid, then expired");
}
