//! Integrity scan and repair, including a crash between storing the files and committing the row.

use crate::library_support;

use std::time::{Duration, SystemTime};

use library_support::*;
use nanoforge_core::library::{ImageQuery, IngestOptions};

#[tokio::test]
async fn crash_between_file_write_and_row_commit_leaves_only_orphans_that_the_scan_removes() {
    let t = open_library().await;
    let kept = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(40, 40, 1)), no_opts())
        .await
        .unwrap();
    let job = job(&t.lib, "crashed").await;
    let opts = IngestOptions {
        max_long_side: None,
        metadata: Some(meta("crashed")),
        ..IngestOptions::default()
    };
    let prepared = t
        .lib
        .prepare_image(Some(&job.id), 0, bytes(png_bytes(40, 40, 2)), opts)
        .await
        .unwrap();
    let mut orphans: Vec<String> = vec![prepared.path().to_owned()];
    orphans.extend(prepared.thumbnail_paths().iter().map(|p| p.to_string()));
    orphans.sort();
    assert!(orphans.iter().all(|p| abs(&t.lib, p).exists()));
    drop(prepared); // the process dies here: files written, no row.

    let report = t.lib.integrity_scan(false).await.unwrap();
    assert_eq!(report.images_checked, 1);
    assert_eq!(report.orphan_files, orphans);
    assert!(report.missing_originals.is_empty() && report.missing_thumbnails.is_empty());
    assert_eq!(report.files_removed, 0, "a dry run changes nothing");
    assert_eq!(library_files(t.lib.root()).len(), 6);

    let repaired = t.lib.integrity_scan(true).await.unwrap();
    assert_eq!((repaired.files_removed, repaired.rows_removed), (3, 0));
    assert_eq!(library_files(t.lib.root()).len(), 3);
    let clean = t.lib.integrity_scan(false).await.unwrap();
    assert!(clean.orphan_files.is_empty() && clean.missing_originals.is_empty());
    assert_eq!(t.lib.get_image(&kept.id).await.unwrap(), kept);
    assert_eq!(t.lib.get_job(&job.id).await.unwrap().image_id, None);
}

#[tokio::test]
async fn commit_rewrites_a_file_removed_while_the_row_was_pending() {
    let t = open_library().await;
    let prepared = t
        .lib
        .prepare_image(None, 0, bytes(png_bytes(30, 30, 3)), no_opts())
        .await
        .unwrap();
    let path = prepared.path().to_owned();
    // Another process's repair removed it as an orphan before this row committed.
    t.lib.integrity_scan(true).await.unwrap();
    assert!(!abs(&t.lib, &path).exists());
    let img = t.lib.commit_image(prepared).await.unwrap();
    assert!(abs(&t.lib, &img.path).exists());
    assert!(abs(&t.lib, img.thumb_path.as_deref().unwrap()).exists());
    let report = t.lib.integrity_scan(false).await.unwrap();
    assert!(
        report.orphan_files.is_empty()
            && report.missing_originals.is_empty()
            && report.missing_thumbnails.is_empty()
    );
}

#[tokio::test]
async fn missing_thumbnails_are_regenerated() {
    let t = open_library().await;
    let img = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(600, 300, 4)), no_opts())
        .await
        .unwrap();
    let thumb = abs(&t.lib, img.thumb_path.as_deref().unwrap());
    let preview = abs(&t.lib, img.preview_path.as_deref().unwrap());
    let original_thumb = std::fs::read(&thumb).unwrap();
    std::fs::remove_file(&thumb).unwrap();
    let report = t.lib.integrity_scan(false).await.unwrap();
    assert_eq!(report.missing_thumbnails, vec![img.id.clone()]);
    let repaired = t.lib.integrity_scan(true).await.unwrap();
    assert_eq!(repaired.thumbnails_regenerated, 1);
    assert_eq!(
        std::fs::read(&thumb).unwrap(),
        original_thumb,
        "same pixels, same encoder: same bytes"
    );

    std::fs::remove_file(&preview).unwrap();
    let again = t.lib.ensure_thumbnails(&img.id).await.unwrap();
    assert_eq!(again, img);
    assert!(preview.exists());
    assert!(
        t.lib
            .integrity_scan(false)
            .await
            .unwrap()
            .missing_thumbnails
            .is_empty()
    );
}

#[tokio::test]
async fn rows_whose_original_vanished_are_removed_and_their_job_kept() {
    let t = open_library().await;
    let job = job(&t.lib, "lost").await;
    let lost = t
        .lib
        .ingest_image(Some(&job.id), 0, bytes(png_bytes(20, 20, 5)), no_opts())
        .await
        .unwrap();
    let fine = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(20, 20, 6)), no_opts())
        .await
        .unwrap();
    std::fs::remove_file(abs(&t.lib, &lost.path)).unwrap();

    let report = t.lib.integrity_scan(false).await.unwrap();
    assert_eq!(report.missing_originals, vec![lost.id.clone()]);
    let repaired = t.lib.integrity_scan(true).await.unwrap();
    assert_eq!(repaired.rows_removed, 1);
    assert_eq!(repaired.files_removed, 2, "the lost image's two thumbnails");
    assert!(t.lib.get_image(&lost.id).await.is_err());
    let job = t.lib.get_job(&job.id).await.unwrap();
    assert_eq!((job.prompt.as_str(), job.image_id), ("lost", None));
    let page = t.lib.list_images(&ImageQuery::default()).await.unwrap();
    assert_eq!(page.items, vec![fine]);
    let clean = t.lib.integrity_scan(false).await.unwrap();
    assert_eq!(
        clean,
        nanoforge_core::library::IntegrityReport {
            images_checked: 1,
            ..Default::default()
        }
    );
}

#[tokio::test]
async fn only_stale_temp_files_count_as_orphans() {
    let t = open_library().await;
    let dir = t.lib.root().join("images/ab");
    std::fs::create_dir_all(&dir).unwrap();
    let fresh = dir.join(".tmp-fresh");
    let stale = dir.join(".tmp-stale");
    std::fs::write(&fresh, b"in flight").unwrap();
    std::fs::write(&stale, b"left by a crash").unwrap();
    let old = SystemTime::now() - Duration::from_secs(2 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(old)
        .unwrap();
    std::fs::write(
        t.lib.root().join("thumbs-not-ours.txt"),
        b"outside images/ and thumbs/",
    )
    .unwrap();

    let report = t.lib.integrity_scan(true).await.unwrap();
    assert_eq!(report.orphan_files, vec!["images/ab/.tmp-stale".to_owned()]);
    assert!(fresh.exists() && !stale.exists());
    assert!(t.lib.root().join("thumbs-not-ours.txt").exists());
}

/// Audit L9: an unmounted drive looks like every original vanished at once. Repair must not
/// turn that into an empty library.
#[tokio::test]
async fn when_most_originals_are_missing_at_once_repair_refuses_and_removes_nothing() {
    let t = open_library().await;
    let mut images = Vec::new();
    for seed in 0..4 {
        let image = t
            .lib
            .ingest_image(None, 0, bytes(png_bytes(20, 20, 40 + seed)), no_opts())
            .await
            .unwrap();
        images.push(image);
    }
    for image in &images[..3] {
        std::fs::remove_file(abs(&t.lib, &image.path)).unwrap();
    }
    let error = t.lib.integrity_scan(true).await.expect_err("refused");
    assert_eq!(error.kind(), nanoforge_core::ErrorKind::LibraryUnavailable);
    assert!(error.to_string().contains("3 of 4"), "{error}");
    for image in &images {
        assert!(
            t.lib.get_image(&image.id).await.is_ok(),
            "{} kept",
            image.id
        );
    }
    // Looking is still fine: the scan without repair reports what it sees.
    assert_eq!(
        t.lib
            .integrity_scan(false)
            .await
            .unwrap()
            .missing_originals
            .len(),
        3
    );
}

/// An original that lives in the sync bucket (a phone keeps thumbnails only) is not missing.
#[tokio::test]
async fn an_original_kept_in_the_sync_bucket_is_not_missing() {
    let t = open_library().await;
    let remote = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(20, 20, 50)), no_opts())
        .await
        .unwrap();
    let local = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(20, 20, 51)), no_opts())
        .await
        .unwrap();
    sqlx::query("UPDATE images SET original_remote = 1 WHERE id = ?")
        .bind(&remote.id)
        .execute(t.lib.pool())
        .await
        .unwrap();
    std::fs::remove_file(abs(&t.lib, &remote.path)).unwrap();
    let repaired = t.lib.integrity_scan(true).await.unwrap();
    assert_eq!(repaired.remote_originals, 1);
    assert!(repaired.missing_originals.is_empty(), "{repaired:?}");
    assert_eq!(repaired.rows_removed, 0);
    assert!(t.lib.get_image(&remote.id).await.is_ok());
    assert!(t.lib.get_image(&local.id).await.is_ok());
}
