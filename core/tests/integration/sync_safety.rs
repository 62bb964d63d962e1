//! Sync when things go wrong: another device's running job, answers lost on the way back, cut
//! uploads, clocks that disagree, a second sync at once, and every way a location can be wrong,
//! each ending in a typed error a person can act on.

use crate::sync_support;

use std::time::Duration;

use nanoforge_core::ErrorKind;
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::{GenerationRequest, Model};
use s3_test_server::{
    ErrorAnswer, Fault, FaultAction, Op, READ_ONLY_ACCESS_KEY, READ_ONLY_SECRET_KEY,
};
use sync_support::{World, assert_files_match, eventually, generate, snapshot, sync};

fn kind_of<T: std::fmt::Debug>(result: nanoforge_core::Result<T>) -> ErrorKind {
    result.expect_err("an error").kind()
}

#[tokio::test]
async fn a_job_running_on_another_device_is_shown_but_never_driven_there() {
    let world = World::start().await;
    let desk = world
        .device_tweaked("desk", world.settings("lib/"), |c| {
            c.demo_latency = Some(Duration::from_secs(2));
        })
        .await;
    let laptop = world.device("laptop").await;
    let job = desk
        .session()
        .generate(
            GenerationRequest::new("a slow sunrise", Model::Demo),
            Default::default(),
        )
        .await
        .unwrap()
        .remove(0);
    sync(&desk).await;
    sync(&laptop).await;

    let seen = laptop.session().library().get_job(&job.id).await.unwrap();
    assert!(
        !matches!(
            seen.status,
            JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled
        ),
        "{:?}",
        seen.status
    );
    let desk_device = desk.session().sync_status().await.unwrap().device_id;
    assert_eq!(seen.origin_device.as_deref(), Some(desk_device.as_str()));
    // The laptop may not pay for it, poll it, recover it or cancel it.
    assert_eq!(
        kind_of(laptop.session().retry(&job.id).await),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        kind_of(laptop.session().cancel(&job.id).await),
        ErrorKind::InvalidInput
    );
    let resumed = laptop.session().resume_unfinished().await.unwrap();
    assert!(
        !resumed.resumed.contains(&job.id) && !resumed.held_elsewhere.contains(&job.id),
        "{resumed:?}"
    );

    // Its outcome arrives from the desk.
    let done = desk.session().wait(&job.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Completed);
    sync(&desk).await;
    sync(&laptop).await;
    assert_eq!(
        laptop
            .session()
            .library()
            .get_job(&job.id)
            .await
            .unwrap()
            .status,
        JobStatus::Completed
    );
    assert_eq!(snapshot(&laptop).await, snapshot(&desk).await);
    assert_files_match(&laptop).await;
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_lost_answer_to_a_segment_upload_sends_it_again_not_twice() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    generate(&desk, "a tin robot", 1).await;
    // PUT 1 is library.json, 2–4 the original and two thumbnails, 5 the op segment: the bucket
    // stores it and the connection drops before the answer, on every try the SDK makes.
    world.s3.push_fault(
        Fault::new(Op::PutObject, FaultAction::ResetAfterApplying)
            .nth(5)
            .times(4),
    );
    let first = desk.session().sync_now().await;
    let fired: Vec<String> = world
        .s3
        .requests()
        .into_iter()
        .filter(|r| !r.faults.is_empty())
        .map(|r| r.key)
        .collect();
    assert!(
        !fired.is_empty() && fired.iter().all(|k| k.contains("/ops/")),
        "{fired:?}"
    );
    assert!(first.is_err(), "{first:?}");
    world.s3.clear_faults();
    sync(&desk).await;
    let segments = world
        .keys()
        .into_iter()
        .filter(|k| k.contains("/ops/"))
        .count();
    assert_eq!(segments, 1, "{:?}", world.keys());
    let pulled = sync(&laptop).await;
    assert_eq!(pulled.ops_pulled, 2, "one job and one image: {pulled:?}");
    assert_eq!(snapshot(&laptop).await, snapshot(&desk).await);
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_cut_upload_stays_queued_and_the_next_sync_sends_it() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    generate(&desk, "a glass bird", 2).await;
    world.s3.push_fault(
        Fault::new(Op::PutObject, FaultAction::ResetBeforeApplying)
            .nth(2)
            .always(),
    );
    let cut = desk.session().sync_now().await;
    assert!(
        cut.as_ref().map(|r| r.files_left > 0).unwrap_or(true),
        "{cut:?}"
    );
    world.s3.clear_faults();
    let after = sync(&desk).await;
    assert_eq!(after.files_left, 0, "{after:?}");
    sync(&laptop).await;
    assert_eq!(snapshot(&laptop).await, snapshot(&desk).await);
    assert_files_match(&laptop).await;
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_sync_with_nothing_new_lists_once_and_writes_nothing() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    generate(&desk, "a quiet pond", 2).await;
    for core in [&desk, &laptop, &desk] {
        sync(core).await;
    }
    world.s3.reset_counts();
    sync(&laptop).await;
    sync(&desk).await;
    let counts = world.s3.counts();
    assert_eq!(
        counts.of(Op::ListObjectsV2),
        2,
        "one listing per sync: {counts:?}"
    );
    assert_eq!(counts.of(Op::PutObject), 0, "{counts:?}");
    let got: Vec<String> = world
        .s3
        .requests()
        .into_iter()
        .rev()
        .take(counts.total() as usize)
        .map(|r| format!("{} {}", r.name, r.key))
        .collect();
    assert!(counts.total() <= 4, "{counts:?} {got:?}");
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}

#[tokio::test]
async fn two_prefixes_in_one_bucket_are_two_libraries() {
    let world = World::start().await;
    let mine = world.device_with("mine", world.settings("alice/")).await;
    let theirs = world.device_with("theirs", world.settings("bob/")).await;
    generate(&mine, "alice's cat", 1).await;
    generate(&theirs, "bob's dog", 1).await;
    for core in [&mine, &theirs, &mine, &theirs] {
        sync(core).await;
    }
    let prompts = |s: std::collections::BTreeMap<String, String>| {
        s.into_iter()
            .filter(|(k, _)| k.starts_with("job "))
            .map(|(_, v)| v.split('|').next().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(prompts(snapshot(&mine).await), ["alice's cat"]);
    assert_eq!(prompts(snapshot(&theirs).await), ["bob's dog"]);
    mine.shutdown().await.unwrap();
    theirs.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_clock_far_ahead_does_not_win_forever() {
    let world = World::start().await;
    let ahead = world.device("ahead").await;
    let normal = world.device("normal").await;
    generate(&ahead, "a clock tower", 1).await;
    sync(&ahead).await;
    sync(&normal).await;
    let id = snapshot(&normal)
        .await
        .keys()
        .find_map(|k| k.strip_prefix("image ").map(str::to_owned))
        .unwrap();
    let year_ms: i64 = 365 * 24 * 3600 * 1000;
    sqlx::query("UPDATE sync_device SET clock_skew_ms = ?")
        .bind(year_ms)
        .execute(ahead.session().library().pool())
        .await
        .unwrap();
    // The device a year ahead rates it; the other sees that, then changes its mind. Without the
    // cap the year-ahead edit would beat every later edit for a year.
    ahead.session().library().set_rating(&id, 1).await.unwrap();
    sync(&ahead).await;
    sync(&normal).await;
    assert!(snapshot(&normal).await[&format!("image {id}")].contains("rating=1"));
    normal.session().library().set_rating(&id, 5).await.unwrap();
    // Last-Modified has whole seconds: a segment stored in the same second as the one it answers
    // gets the same cap and ties (see `clock`). A person's reply takes longer than that.
    next_second().await;
    sync(&normal).await;
    sync(&ahead).await;
    for core in [&ahead, &normal] {
        assert!(
            snapshot(core).await[&format!("image {id}")].contains("rating=5"),
            "{:?}",
            snapshot(core).await
        );
    }
    // Edits made at once on both still end the same on both.
    ahead
        .session()
        .library()
        .set_favourite(&id, true)
        .await
        .unwrap();
    normal
        .session()
        .library()
        .set_favourite(&id, false)
        .await
        .unwrap();
    normal.session().library().set_rating(&id, 3).await.unwrap();
    ahead.session().library().set_rating(&id, 2).await.unwrap();
    for core in [&ahead, &normal, &ahead] {
        sync(core).await;
    }
    assert_eq!(snapshot(&ahead).await, snapshot(&normal).await);
    // And the normal device's clock was not dragged a year ahead by what it received.
    let (hlc,): (i64,) = sqlx::query_as("SELECT hlc FROM sync_device")
        .fetch_one(normal.session().library().pool())
        .await
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!((hlc >> 16) < now + 30 * 60 * 1000, "{} vs {now}", hlc >> 16);
    ahead.shutdown().await.unwrap();
    normal.shutdown().await.unwrap();
}

/// Returns once the wall clock has moved into a new second.
async fn next_second() {
    let second = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let start = second();
    eventually("the next second", || async { second() > start }).await;
}

#[tokio::test]
async fn a_second_sync_waits_here_and_is_refused_from_another_process() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    generate(&desk, "twin moons", 2).await;
    let session = desk.session();
    let (a, b) = tokio::join!(session.sync_now(), session.sync_now());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.ops_pushed + b.ops_pushed, 3, "{a:?} {b:?}");
    assert_eq!(
        world.keys().iter().filter(|k| k.contains("/ops/")).count(),
        1
    );

    // Another process holding the library's sync lock.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(desk.session().library().root().join("sync.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    assert_eq!(
        kind_of(desk.session().sync_now().await),
        ErrorKind::SyncBusy
    );
    drop(lock);
    sync(&desk).await;
    desk.shutdown().await.unwrap();
}

#[tokio::test]
async fn each_wrong_location_gets_its_own_error() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let good = world.settings("lib/");
    let secret = Some(world.s3.secret_key().to_owned());

    let wrong_secret = desk
        .session()
        .test_sync_connection(good.clone(), Some("not-the-secret".into()))
        .await;
    assert_eq!(kind_of(wrong_secret), ErrorKind::SyncCredentials);

    let mut no_bucket = good.clone();
    no_bucket.bucket = "no-such-bucket".into();
    assert_eq!(
        kind_of(
            desk.session()
                .test_sync_connection(no_bucket, secret.clone())
                .await
        ),
        ErrorKind::SyncBucketMissing
    );

    let mut read_only = good.clone();
    read_only.access_key_id = READ_ONLY_ACCESS_KEY.into();
    assert_eq!(
        kind_of(
            desk.session()
                .test_sync_connection(read_only, Some(READ_ONLY_SECRET_KEY.into()))
                .await
        ),
        ErrorKind::SyncReadOnly
    );

    let mut nobody_home = good.clone();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    nobody_home.endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    assert_eq!(
        kind_of(
            desk.session()
                .test_sync_connection(nobody_home, secret.clone())
                .await
        ),
        ErrorKind::Network
    );

    let mut public_http = good.clone();
    public_http.endpoint = "http://example.com".into();
    assert_eq!(
        kind_of(desk.session().update_sync_setup(public_http, None).await),
        ErrorKind::InvalidInput
    );

    world.s3.push_fault(
        Fault::error(
            s3_test_server::Target::Any,
            ErrorAnswer::request_time_too_skewed(),
        )
        .always(),
    );
    assert_eq!(
        kind_of(desk.session().sync_now().await),
        ErrorKind::ClockSkew
    );
    world.s3.clear_faults();
    assert!(
        desk.session()
            .test_sync_connection(good, secret)
            .await
            .is_ok()
    );
    desk.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_library_from_a_newer_nanoforge_asks_for_an_update() {
    let world = World::start().await;
    let folder = world.s3.root().join(sync_support::BUCKET).join("lib");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("library.json"),
        br#"{"format":99,"library_id":"future","created_ms":0}"#,
    )
    .unwrap();
    let desk = world.device("desk").await;
    let error = desk.session().sync_now().await.expect_err("too new");
    assert_eq!(error.kind(), ErrorKind::SyncFormatTooNew);
    assert!(error.to_string().contains("update Nanoforge"), "{error}");
    // Nothing was written next to it.
    assert_eq!(world.keys(), ["lib/library.json"]);
    eventually("the desk still works offline", || async {
        desk.session().library().job_count().await.is_ok()
    })
    .await;
    desk.shutdown().await.unwrap();
}
