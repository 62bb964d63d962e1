//! Objects and buckets: the round trip, listings, conditional create (also under a 20-way race),
//! Content-MD5, missing buckets and keys, and the request counters.

use aws_sdk_s3::primitives::ByteStream;
use s3_test_server::{Counts, Op};

use crate::{BUCKET, Harness, status_and_code};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_get_head_list_delete_round_trip() {
    let h = Harness::start().await;
    let c = h.client();
    let body = b"\x89PNG fake image bytes".to_vec();
    c.put_object()
        .bucket(BUCKET)
        .key("blobs/ab/abcdef")
        .content_type("image/png")
        .metadata("sha256", "abcdef")
        .body(ByteStream::from(body.clone()))
        .send()
        .await
        .expect("put");
    assert_eq!(h.get(&c, "blobs/ab/abcdef").await, body);
    let head = c
        .head_object()
        .bucket(BUCKET)
        .key("blobs/ab/abcdef")
        .send()
        .await
        .expect("head");
    assert_eq!(head.content_length(), Some(body.len() as i64));
    assert_eq!(head.content_type(), Some("image/png"));
    assert_eq!(
        head.metadata()
            .and_then(|m| m.get("sha256"))
            .map(String::as_str),
        Some("abcdef")
    );
    let list = c
        .list_objects_v2()
        .bucket(BUCKET)
        .send()
        .await
        .expect("list");
    let keys: Vec<_> = list.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["blobs/ab/abcdef"]);
    assert!(
        h.server
            .root()
            .join(BUCKET)
            .join("blobs/ab/abcdef")
            .is_file()
    );

    c.delete_object()
        .bucket(BUCKET)
        .key("blobs/ab/abcdef")
        .send()
        .await
        .expect("delete");
    let err = c
        .get_object()
        .bucket(BUCKET)
        .key("blobs/ab/abcdef")
        .send()
        .await
        .expect_err("deleted");
    assert_eq!(status_and_code(&err), (Some(404), Some("NoSuchKey".into())));
    let err = c
        .head_object()
        .bucket(BUCKET)
        .key("blobs/ab/abcdef")
        .send()
        .await
        .expect_err("deleted");
    assert_eq!(status_and_code(&err).0, Some(404));
    // Deleting what is not there is a success, as on S3 and R2.
    c.delete_object()
        .bucket(BUCKET)
        .key("blobs/ab/abcdef")
        .send()
        .await
        .expect("idempotent delete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_pages_with_prefix_start_after_and_continuation() {
    let h = Harness::start().await;
    let c = h.client();
    for key in [
        "heads/a.json",
        "heads/b.json",
        "heads/c.json",
        "heads/d.json",
        "heads/e.json",
    ] {
        h.put(&c, key, key.as_bytes()).await;
    }
    h.put(&c, "ops/a/0000000000000001", b"segment").await;

    let mut keys = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = c
            .list_objects_v2()
            .bucket(BUCKET)
            .prefix("heads/")
            .max_keys(2)
            .set_continuation_token(token.clone())
            .send()
            .await
            .expect("list page");
        pages += 1;
        keys.extend(
            page.contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_owned)),
        );
        match page.next_continuation_token() {
            Some(next) if page.is_truncated() == Some(true) => token = Some(next.to_owned()),
            _ => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        keys,
        [
            "heads/a.json",
            "heads/b.json",
            "heads/c.json",
            "heads/d.json",
            "heads/e.json"
        ]
    );

    let after = c
        .list_objects_v2()
        .bucket(BUCKET)
        .prefix("heads/")
        .start_after("heads/c.json")
        .send()
        .await
        .expect("start-after");
    let keys: Vec<_> = after.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["heads/d.json", "heads/e.json"]);

    let top = c
        .list_objects_v2()
        .bucket(BUCKET)
        .delimiter("/")
        .send()
        .await
        .expect("delimiter");
    let prefixes: Vec<_> = top
        .common_prefixes()
        .iter()
        .filter_map(|p| p.prefix())
        .collect();
    assert_eq!(prefixes, ["heads/", "ops/"]);
    assert_eq!(h.server.counts().list_objects_v2, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_create_refuses_an_existing_key_with_412() {
    let h = Harness::start().await;
    let c = h.client();
    let create = |body: &'static [u8]| {
        c.put_object()
            .bucket(BUCKET)
            .key("library.json")
            .if_none_match("*")
            .body(ByteStream::from_static(body))
            .send()
    };
    create(b"first").await.expect("the first create wins");
    let err = create(b"second").await.expect_err("the key exists");
    assert_eq!(
        status_and_code(&err),
        (Some(412), Some("PreconditionFailed".into()))
    );
    assert_eq!(h.get(&c, "library.json").await, b"first");
    assert_eq!(
        h.statuses("PutObject"),
        [Some(200), Some(412)],
        "412 is not retried"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_conditional_creates_have_exactly_one_winner() {
    let h = Harness::start().await;
    let c = h.client();
    // Bodies large enough that each upload spans many reads, which is where s3s-fs's
    // exists()-then-write check alone lets several writers through.
    let bodies: Vec<Vec<u8>> = (0..20u8).map(|i| vec![i; 512 * 1024]).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for body in bodies {
        let c = c.clone();
        tasks.spawn(async move {
            let first = body[0];
            let result = c
                .put_object()
                .bucket(BUCKET)
                .key("blobs/race")
                .if_none_match("*")
                .body(ByteStream::from(body))
                .send()
                .await;
            (first, result.map_err(|e| status_and_code(&e)))
        });
    }
    let mut winners = Vec::new();
    let mut refused = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined.expect("task") {
            (first, Ok(_)) => winners.push(first),
            (_, Err(e)) => {
                assert_eq!(e, (Some(412), Some("PreconditionFailed".into())));
                refused += 1;
            }
        }
    }
    assert_eq!((winners.len(), refused), (1, 19));
    let stored = h.get(&c, "blobs/race").await;
    assert_eq!(
        stored,
        vec![winners[0]; 512 * 1024],
        "the winner's bytes are stored"
    );
    assert_eq!(h.server.counts().put_object, 20, "no retries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_content_md5_is_refused_and_leaves_nothing() {
    let h = Harness::start().await;
    let c = h.client();
    // base64(md5("something else"))
    let wrong = "bHupxaFBQh4cA8uYB8l8dA==";
    let err = c
        .put_object()
        .bucket(BUCKET)
        .key("blobs/x")
        .content_md5(wrong)
        .body(ByteStream::from_static(b"the real bytes"))
        .send()
        .await
        .expect_err("digest mismatch");
    assert_eq!(status_and_code(&err), (Some(400), Some("BadDigest".into())));
    assert!(!h.server.root().join(BUCKET).join("blobs/x").exists());
    // md5("the real bytes") is accepted.
    let right = "R3Xymv5cB7hW/wT2kROeQw==";
    let put = c
        .put_object()
        .bucket(BUCKET)
        .key("blobs/x")
        .content_md5(right)
        .body(ByteStream::from_static(b"the real bytes"))
        .send()
        .await;
    assert!(put.is_ok(), "{put:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_bucket_is_no_such_bucket_and_is_not_created() {
    let h = Harness::start().await;
    let c = h.client();
    let err = c
        .list_objects_v2()
        .bucket("no-such-bucket")
        .send()
        .await
        .expect_err("no bucket");
    assert_eq!(
        status_and_code(&err),
        (Some(404), Some("NoSuchBucket".into()))
    );
    let err = c
        .put_object()
        .bucket("no-such-bucket")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .expect_err("no bucket");
    assert_eq!(
        status_and_code(&err),
        (Some(404), Some("NoSuchBucket".into()))
    );
    let err = c
        .get_object()
        .bucket("no-such-bucket")
        .key("k")
        .send()
        .await
        .expect_err("no bucket");
    assert_eq!(
        status_and_code(&err),
        (Some(404), Some("NoSuchBucket".into()))
    );
    assert!(!h.server.root().join("no-such-bucket").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_follow_operations_and_r2_billing_classes() {
    let h = Harness::start().await;
    let c = h.client();
    h.put(&c, "a", b"1").await;
    h.put(&c, "b", b"2").await;
    let _ = c
        .put_object()
        .bucket(BUCKET)
        .key("a")
        .if_none_match("*")
        .body(ByteStream::from_static(b"1"))
        .send()
        .await
        .expect_err("412");
    h.get(&c, "a").await;
    c.head_object()
        .bucket(BUCKET)
        .key("b")
        .send()
        .await
        .expect("head");
    c.list_objects_v2()
        .bucket(BUCKET)
        .send()
        .await
        .expect("list");
    c.delete_object()
        .bucket(BUCKET)
        .key("b")
        .send()
        .await
        .expect("delete");
    c.head_bucket()
        .bucket(BUCKET)
        .send()
        .await
        .expect("head bucket");
    assert_eq!(
        h.server.counts(),
        Counts {
            put_object: 3,
            get_object: 1,
            head_object: 1,
            list_objects_v2: 1,
            delete_object: 1,
            other: 1,
            class_a: 4,
            class_b: 3,
            free: 1,
        }
    );
    assert_eq!(h.server.counts().of(Op::PutObject), 3);
    let log = h.server.requests();
    assert_eq!(log.len(), 8);
    assert!(log[2].if_none_match_any && log[2].status == Some(412));
    assert_eq!((log[0].bucket.as_str(), log[0].key.as_str()), (BUCKET, "a"));
    h.server.reset_counts();
    assert_eq!(h.server.counts(), Counts::default());
    assert!(h.server.requests().is_empty());
}
