//! File transfers that go wrong half-way: an error that stops a sync while other transfers are in
//! flight, and bytes in the bucket that are not what their name promises. Nothing is lost or placed
//! wrongly; each ends in the error a person can act on, and the next sync finishes the job. Also:
//! what a pull writes is private to the user, thumbnails (in memory) and large originals (streamed),
//! and a download that fails its check leaves no temporary file behind.

use crate::sync_support;

use nanoforge_core::ErrorKind;
use s3_test_server::{ErrorAnswer, Fault, FaultAction, Op};
use sync_support::{World, assert_files_match, generate, snapshot, sync};

fn kind_of<T: std::fmt::Debug>(result: nanoforge_core::Result<T>) -> ErrorKind {
    result.expect_err("an error").kind()
}

#[tokio::test]
async fn an_error_that_stops_the_sync_mid_upload_is_the_one_reported_and_nothing_is_lost() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    // The library exists in the bucket, so the next sync's first write is an image file.
    generate(&desk, "a tin kite", 1).await;
    sync(&desk).await;
    for prompt in ["a wax moon", "a salt road", "a paper bell"] {
        generate(&desk, prompt, 4).await;
    }
    let pending = desk.session().sync_status().await.unwrap().pending_uploads;
    assert!(
        pending > 2 * 8,
        "more uploads than run at once ({pending}), so some are still waiting when one fails"
    );
    // The token turns read-only: every upload is refused. The other uploads are stopped, and what
    // the person sees is why, not that a transfer task was cancelled.
    world
        .s3
        .push_fault(Fault::error(Op::PutObject, ErrorAnswer::access_denied()).always());
    assert_eq!(
        kind_of(desk.session().sync_now().await),
        ErrorKind::SyncReadOnly
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

/// The bucket's object for a file of this library (the S3 server keeps objects as files).
fn object_in_bucket(world: &World, key: &str) -> std::path::PathBuf {
    let mut stack = vec![world.s3.root().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(key) {
                return path;
            }
        }
    }
    panic!("no object {key} in the bucket");
}

#[tokio::test]
async fn an_original_altered_in_the_bucket_is_refused_and_fetched_once_it_is_right() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    generate(&desk, "a brass owl", 1).await;
    sync(&desk).await;
    let (path,): (String,) = sqlx::query_as("SELECT path FROM images")
        .fetch_one(desk.session().library().pool())
        .await
        .unwrap();
    let object = object_in_bucket(&world, &path);
    let good = std::fs::read(&object).unwrap();
    std::fs::write(&object, b"these are not the image's bytes").unwrap();

    let pulled = sync(&laptop).await;
    assert_eq!(pulled.files_left, 1, "{pulled:?}");
    let here = laptop.session().library().root().join(&path);
    assert!(
        !here.exists(),
        "bytes that do not match their hash were placed"
    );
    let (error,): (Option<String>,) =
        sqlx::query_as("SELECT last_error FROM sync_files WHERE key = ?")
            .bind(&path)
            .fetch_one(laptop.session().library().pool())
            .await
            .unwrap();
    assert!(
        error
            .as_deref()
            .unwrap_or("")
            .contains("does not match its hash"),
        "{error:?}"
    );

    std::fs::write(&object, &good).unwrap();
    let after = sync(&laptop).await;
    assert_eq!(after.files_left, 0, "{after:?}");
    assert_eq!(snapshot(&laptop).await, snapshot(&desk).await);
    assert_files_match(&laptop).await;
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}

#[tokio::test]
async fn connections_that_break_mid_push_leave_those_files_queued_and_the_rest_go_on() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    generate(&desk, "a felt comet", 1).await;
    sync(&desk).await;
    for prompt in ["a jade bee", "a rust fern", "a milk cloud", "a tar lily"] {
        generate(&desk, prompt, 4).await;
    }
    // A run of connections reset under the uploads (each file's retries included): those files
    // wait for the next sync; the endpoint is there, so the sync is not stopped for them.
    world.s3.push_fault(
        Fault::new(Op::PutObject, FaultAction::ResetBeforeApplying)
            .nth(3)
            .times(30),
    );
    let cut = desk
        .session()
        .sync_now()
        .await
        .expect("a broken connection does not stop the sync");
    assert!(cut.files_left > 0, "{cut:?}");
    assert!(cut.uploaded_files > 0, "the other files went on: {cut:?}");
    world.s3.clear_faults();
    let after = sync(&desk).await;
    assert_eq!(after.files_left, 0, "{after:?}");
    sync(&laptop).await;
    assert_eq!(snapshot(&laptop).await, snapshot(&desk).await);
    assert_files_match(&laptop).await;
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}

/// A PNG of `side`×`side` noise: it does not compress, so its size is about 3 bytes per pixel.
fn noise_png(side: u32) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        image::Rgb([state as u8, (state >> 8) as u8, (state >> 16) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[cfg(unix)]
#[tokio::test]
async fn pulled_files_are_private_and_a_large_original_arrives_whole() {
    use std::os::unix::fs::PermissionsExt;
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    generate(&desk, "a felt fox", 1).await;
    // Larger than what a download holds in memory (4 MB): streamed to disk instead.
    let large = noise_png(1300);
    assert!(large.len() > 4 << 20, "{} bytes", large.len());
    desk.session()
        .library()
        .ingest_image(
            None,
            0,
            nanoforge_core::library::IngestSource::Bytes(large),
            Default::default(),
        )
        .await
        .unwrap();
    sync(&desk).await;
    let pulled = sync(&laptop).await;
    assert_eq!(pulled.files_left, 0, "{pulled:?}");
    assert_eq!(snapshot(&laptop).await, snapshot(&desk).await);
    assert_files_match(&laptop).await;

    // Every file and folder the pull wrote is the user's alone, like the ones made here.
    let root = laptop.session().library().root().to_path_buf();
    let (mut dirs, mut files) = (vec![root.join("images"), root.join("thumbs")], Vec::new());
    while let Some(dir) = dirs.pop() {
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700,
            "{}",
            dir.display()
        );
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                dirs.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    assert_eq!(files.len(), 2 + 2 * 2, "two originals, two thumbnails each");
    for file in files {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is {mode:o}", file.display());
    }
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}

/// Every file under `root`'s `images/` and `thumbs/` whose name is a download's temporary name.
fn temporary_files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let (mut dirs, mut found) = (vec![root.join("images"), root.join("thumbs")], Vec::new());
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.file_type().unwrap().is_dir() {
                dirs.push(entry.path());
            } else if entry
                .file_name()
                .to_string_lossy()
                .starts_with(".tmp-sync-")
            {
                found.push(entry.path());
            }
        }
    }
    found
}

#[tokio::test]
async fn a_large_original_altered_in_the_bucket_leaves_no_file_behind_and_arrives_once_right() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    // Larger than what a download holds in memory: streamed to a temporary file, then checked.
    let large = noise_png(1300);
    desk.session()
        .library()
        .ingest_image(
            None,
            0,
            nanoforge_core::library::IngestSource::Bytes(large),
            Default::default(),
        )
        .await
        .unwrap();
    sync(&desk).await;
    let (path,): (String,) = sqlx::query_as("SELECT path FROM images")
        .fetch_one(desk.session().library().pool())
        .await
        .unwrap();
    let object = object_in_bucket(&world, &path);
    let good = std::fs::read(&object).unwrap();
    std::fs::write(&object, vec![7u8; good.len()]).unwrap();

    let pulled = sync(&laptop).await;
    assert_eq!(pulled.files_left, 1, "{pulled:?}");
    assert_eq!(pulled.downloaded_files, 2, "its two thumbnails landed");
    let root = laptop.session().library().root().to_path_buf();
    assert!(
        !root.join(&path).exists(),
        "bytes that do not match their hash were placed"
    );
    assert_eq!(temporary_files(&root), Vec::<std::path::PathBuf>::new());

    std::fs::write(&object, &good).unwrap();
    let after = sync(&laptop).await;
    assert_eq!(after.files_left, 0, "{after:?}");
    assert_eq!(snapshot(&laptop).await, snapshot(&desk).await);
    assert_files_match(&laptop).await;
    assert_eq!(temporary_files(&root), Vec::<std::path::PathBuf>::new());
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}
