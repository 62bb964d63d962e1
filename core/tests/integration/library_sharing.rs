//! Who sees a library: profiles are isolated, and several processes share one library.

use crate::library_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use library_support::*;
use nanoforge_core::accounts::{Profile, ProfileKind};
use nanoforge_core::library::{ImageQuery, IngestOptions, JobQuery, JobStatus, JobUpdate, Library};

#[tokio::test]
async fn a_second_profile_sees_nothing_of_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let alice = Library::open(dir.path(), &Profile::local()).await.unwrap();
    let bob = Library::open(dir.path(), &Profile::new("google-bob", ProfileKind::Google))
        .await
        .unwrap();
    let job = job(&alice, "alice's secret").await;
    let img = alice
        .ingest_image(Some(&job.id), 0, bytes(png_bytes(16, 16, 1)), no_opts())
        .await
        .unwrap();

    assert_ne!(alice.root(), bob.root());
    assert_eq!(bob.job_count().await.unwrap(), 0);
    assert_eq!(
        bob.get_job(&job.id).await.unwrap_err().kind(),
        nanoforge_core::ErrorKind::NotFound
    );
    assert_eq!(
        bob.get_image(&img.id).await.unwrap_err().kind(),
        nanoforge_core::ErrorKind::NotFound
    );
    assert!(
        bob.list_images(&ImageQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let search = JobQuery {
        search: Some("secret".into()),
        ..Default::default()
    };
    assert!(bob.list_jobs(&search).await.unwrap().items.is_empty());
    assert_eq!(bob.trash(std::slice::from_ref(&img.id)).await.unwrap(), 0);
    assert!(
        bob.export_zip(
            std::slice::from_ref(&img.id),
            &dir.path().join("x.zip"),
            Default::default(),
        )
        .await
        .is_err()
    );
    // Bob's path resolution stays inside Bob's folder: Alice's file is not there.
    assert!(!bob.absolute_path(&img.path).unwrap().exists());
    assert!(
        bob.absolute_path(&format!("../local/{}", img.path))
            .is_err()
    );
    let report = bob.integrity_scan(true).await.unwrap();
    assert_eq!((report.images_checked, report.files_removed), (0, 0));
    assert!(
        alice.absolute_path(&img.path).unwrap().exists(),
        "Bob's repair never touches Alice's files"
    );
    assert_eq!(
        alice
            .list_images(&ImageQuery::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

const WRITER_ENV: &str = "NANOFORGE_TEST_WRITER";
const JOBS_PER_WRITER: u32 = 30;

/// Child-process body of `two_processes_write_one_library_concurrently`; a no-op when run
/// normally. Waits for the parent's go signal, then opens the library (possibly racing the other
/// child through the first migration) and writes jobs and images as fast as it can.
#[tokio::test]
async fn writer_child() {
    let Ok(spec) = std::env::var(WRITER_ENV) else {
        return;
    };
    let (dir, id) = spec.split_once('|').unwrap();
    let dir = PathBuf::from(dir);
    std::fs::write(dir.join(format!("ready-{id}")), b"").unwrap();
    wait_for(&dir.join("go"));
    let lib = Library::open(&dir, &Profile::local()).await.unwrap();
    let seed_base: u32 = id.parse::<u32>().unwrap() * 1000;
    for i in 0..JOBS_PER_WRITER {
        let job = lib
            .insert_job(&new_job(&format!("writer {id} job {i}")))
            .await
            .unwrap();
        lib.update_job(
            &job.id,
            &JobUpdate {
                status: Some(JobStatus::Processing),
                increment_attempts: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let opts = IngestOptions {
            max_long_side: None,
            metadata: Some(meta(&job.prompt)),
            ..IngestOptions::default()
        };
        let img = lib
            .ingest_image(
                Some(&job.id),
                0,
                bytes(png_bytes(24, 24, seed_base + i)),
                opts,
            )
            .await
            .unwrap();
        lib.update_job(
            &job.id,
            &JobUpdate {
                status: Some(JobStatus::Completed),
                cost: Some(0.01),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        if i % 10 == 0 {
            lib.set_favourite(&img.id, true).await.unwrap();
        }
    }
    lib.close().await;
}

fn wait_for(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The child's full test name (`library_sharing::writer_child`): this module's path without the
/// test binary's crate name, as the test harness names it.
fn writer_child_name() -> String {
    let module = module_path!().split_once("::").map_or("", |(_, rest)| rest);
    format!("{module}::writer_child")
}

#[tokio::test]
async fn two_processes_write_one_library_concurrently() {
    if std::env::var(WRITER_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["1", "2"]
        .iter()
        .map(|id| {
            Command::new(&exe)
                .args([
                    "--exact",
                    &writer_child_name(),
                    "--nocapture",
                    "--test-threads",
                    "1",
                ])
                .env(WRITER_ENV, format!("{}|{id}", dir.path().display()))
                // Captured: the children's own test summaries must not read as this run's.
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    wait_for(&dir.path().join("ready-1"));
    wait_for(&dir.path().join("ready-2"));
    std::fs::write(dir.path().join("go"), b"").unwrap();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a writer failed: {}\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let lib = Library::open(dir.path(), &Profile::local()).await.unwrap();
    assert_eq!(
        lib.job_count().await.unwrap(),
        i64::from(2 * JOBS_PER_WRITER)
    );
    let jobs = lib
        .list_jobs(&JobQuery {
            limit: Some(500),
            ..Default::default()
        })
        .await
        .unwrap()
        .items;
    assert!(
        jobs.iter()
            .all(|j| j.status == JobStatus::Completed && j.attempts == 1 && j.image_id.is_some())
    );
    let images = lib
        .list_images(&ImageQuery {
            limit: Some(500),
            ..Default::default()
        })
        .await
        .unwrap()
        .items;
    assert_eq!(images.len(), 2 * JOBS_PER_WRITER as usize);
    assert_eq!(images.iter().filter(|i| i.favourite).count(), 6);
    let report = lib.integrity_scan(false).await.unwrap();
    assert!(
        report.orphan_files.is_empty()
            && report.missing_originals.is_empty()
            && report.missing_thumbnails.is_empty()
    );
    assert_eq!(
        library_files(lib.root()).len(),
        3 * 2 * JOBS_PER_WRITER as usize
    );
    let stats = lib.stats(&Default::default()).await.unwrap();
    assert_eq!(
        (
            stats.totals.jobs,
            stats.totals.images,
            stats.totals.completed_jobs
        ),
        (60, 60, 60)
    );
}
