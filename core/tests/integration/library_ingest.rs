//! Ingesting images: storage layout, deduplication, thumbnails, embedded metadata, downscaling and
//! refusing hostile or broken files without leaving anything behind.

use crate::library_support;

use library_support::*;
use nanoforge_core::ErrorKind;
use nanoforge_core::library::{
    IngestOptions, IngestSource, JobStatus, JobUpdate, MetadataSource, read_generation_metadata,
};
use sha2::{Digest, Sha256};

#[tokio::test]
async fn png_is_stored_content_addressed_with_thumbnails_and_metadata() {
    let t = open_library().await;
    let job = job(&t.lib, "a red fox in snow").await;
    let opts = IngestOptions {
        max_long_side: None,
        metadata: Some(meta("a red fox in snow")),
        ..IngestOptions::default()
    };
    let img = t
        .lib
        .ingest_image(Some(&job.id), 0, bytes(png_bytes(640, 480, 1)), opts)
        .await
        .unwrap();

    let stored = std::fs::read(abs(&t.lib, &img.path)).unwrap();
    let sha = format!("{:x}", Sha256::digest(&stored));
    assert_eq!(img.sha256, sha);
    assert_eq!(img.path, format!("images/{}/{sha}.png", &sha[..2]));
    assert_eq!(
        (img.width, img.height, img.mime.as_str()),
        (640, 480, "image/png")
    );
    assert_eq!(img.bytes, stored.len() as f64);
    assert_eq!(
        img.image_size,
        Some(nanoforge_core::catalog::ImageSize::S1K),
        "copied from the job"
    );
    assert_eq!(img.prompt.as_deref(), Some("a red fox in snow"));
    assert_eq!(img.job_status, Some(JobStatus::Pending));

    let thumb = image::load_from_memory(
        &std::fs::read(abs(&t.lib, img.thumb_path.as_deref().unwrap())).unwrap(),
    )
    .unwrap();
    let preview = image::load_from_memory(
        &std::fs::read(abs(&t.lib, img.preview_path.as_deref().unwrap())).unwrap(),
    )
    .unwrap();
    assert_eq!((thumb.width(), thumb.height()), (256, 192));
    assert_eq!((preview.width(), preview.height()), (512, 384));

    // Pixels untouched by the metadata chunks.
    let original = image::load_from_memory(&png_bytes(640, 480, 1)).unwrap();
    assert_eq!(
        image::load_from_memory(&stored).unwrap().to_rgb8(),
        original.to_rgb8()
    );
    let recalled = read_generation_metadata(&stored).unwrap();
    assert_eq!(recalled.source, MetadataSource::Nanoforge);
    assert_eq!(recalled.prompt.as_deref(), Some("a red fox in snow"));
    assert_eq!(recalled.task_id.as_deref(), Some("task-123"));
    assert_eq!((recalled.width, recalled.height), (Some(640), Some(480)));

    assert_eq!(
        t.lib.get_job(&job.id).await.unwrap().image_id.as_deref(),
        Some(img.id.as_str())
    );
    assert_eq!(
        library_files(t.lib.root()).len(),
        3,
        "original + two thumbnails, no temp files"
    );
}

#[tokio::test]
async fn same_bytes_twice_are_one_file() {
    let t = open_library().await;
    let png = png_bytes(100, 100, 7);
    let a = t
        .lib
        .ingest_image(None, 0, bytes(png.clone()), no_opts())
        .await
        .unwrap();
    let b = t
        .lib
        .ingest_image(None, 0, bytes(png), no_opts())
        .await
        .unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(a.path, b.path);
    assert_eq!(library_files(t.lib.root()).len(), 3);
}

#[tokio::test]
async fn a_job_slot_is_stored_once() {
    let t = open_library().await;
    let job = job(&t.lib, "twice").await;
    let first = t
        .lib
        .ingest_image(Some(&job.id), 0, bytes(png_bytes(64, 64, 1)), no_opts())
        .await
        .unwrap();
    let again = t
        .lib
        .ingest_image(Some(&job.id), 0, bytes(png_bytes(64, 64, 2)), no_opts())
        .await
        .unwrap();
    assert_eq!(first, again);
    let second = t
        .lib
        .ingest_image(Some(&job.id), 1, bytes(png_bytes(64, 64, 2)), no_opts())
        .await
        .unwrap();
    assert_eq!(t.lib.job_images(&job.id).await.unwrap().len(), 2);
    assert_eq!(
        t.lib.get_job(&job.id).await.unwrap().image_id,
        Some(first.id)
    );
    assert_eq!(second.position, 1);
}

#[tokio::test]
async fn ingest_for_an_unknown_job_is_not_found() {
    let t = open_library().await;
    let err = t
        .lib
        .ingest_image(Some("nope"), 0, bytes(png_bytes(8, 8, 1)), no_opts())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(library_files(t.lib.root()).is_empty());
}

#[tokio::test]
async fn downscale_only_shrinks() {
    let t = open_library().await;
    let opts = |n| IngestOptions {
        max_long_side: Some(n),
        metadata: Some(meta("p")),
        ..IngestOptions::default()
    };
    let big = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(1200, 600, 3)), opts(512))
        .await
        .unwrap();
    assert_eq!((big.width, big.height), (512, 256));
    let stored = std::fs::read(abs(&t.lib, &big.path)).unwrap();
    assert_eq!(image::load_from_memory(&stored).unwrap().width(), 512);
    assert_eq!(read_generation_metadata(&stored).unwrap().width, Some(512));

    let small = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(300, 200, 3)), opts(512))
        .await
        .unwrap();
    assert_eq!((small.width, small.height), (300, 200));
    let jpeg = t
        .lib
        .ingest_image(None, 0, bytes(jpeg_bytes(800, 800, 3)), opts(400))
        .await
        .unwrap();
    assert_eq!(
        (jpeg.width, jpeg.height, jpeg.mime.as_str()),
        (400, 400, "image/jpeg")
    );
}

#[tokio::test]
async fn jpeg_webp_and_transparent_png_are_accepted() {
    let t = open_library().await;
    let jpg = t
        .lib
        .ingest_image(None, 0, bytes(jpeg_bytes(300, 200, 1)), no_opts())
        .await
        .unwrap();
    assert!(jpg.path.ends_with(".jpg") && jpg.mime == "image/jpeg");
    let webp = t
        .lib
        .ingest_image(None, 0, bytes(webp_bytes(300, 200, 1)), no_opts())
        .await
        .unwrap();
    assert!(webp.path.ends_with(".webp") && webp.mime == "image/webp");
    let rgba = encode(&rgba_image(600, 300), image::ImageFormat::Png);
    let clear = t
        .lib
        .ingest_image(None, 0, bytes(rgba), no_opts())
        .await
        .unwrap();
    let thumb = image::load_from_memory(
        &std::fs::read(abs(&t.lib, clear.thumb_path.as_deref().unwrap())).unwrap(),
    )
    .unwrap()
    .to_rgb8();
    assert_eq!((thumb.width(), thumb.height()), (256, 128));
    let px = thumb.get_pixel(10, 64).0;
    assert!(
        px.iter().all(|&c| c > 240),
        "transparent pixels flatten to white, got {px:?}"
    );
}

#[tokio::test]
async fn files_are_read_and_their_extension_must_match() {
    let t = open_library().await;
    let ok = t.dir.path().join("fox.PNG");
    std::fs::write(&ok, png_bytes(50, 50, 1)).unwrap();
    let img = t
        .lib
        .ingest_image(None, 0, IngestSource::File(ok), no_opts())
        .await
        .unwrap();
    assert_eq!(img.width, 50);

    let lying = t.dir.path().join("fox.jpg");
    std::fs::write(&lying, png_bytes(50, 50, 2)).unwrap();
    let err = t
        .lib
        .ingest_image(None, 0, IngestSource::File(lying), no_opts())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidImage);
    assert!(
        err.to_string()
            .contains("fox.jpg is named as a JPEG file but contains a PNG image"),
        "{err}"
    );

    let missing = t
        .lib
        .ingest_image(
            None,
            0,
            IngestSource::File(t.dir.path().join("none.png")),
            no_opts(),
        )
        .await;
    assert_eq!(missing.unwrap_err().kind(), ErrorKind::Io);
    assert_eq!(library_files(t.lib.root()).len(), 3, "only the first image");
}

#[tokio::test]
async fn hostile_and_broken_files_are_refused_and_leave_nothing() {
    let t = open_library().await;
    let png = png_bytes(200, 200, 9);
    let jpg = jpeg_bytes(200, 200, 9);
    let cases: Vec<(&str, Vec<u8>, ErrorKind)> = vec![
        ("empty", Vec::new(), ErrorKind::InvalidImage),
        (
            "text",
            b"<html>502 Bad Gateway</html>".to_vec(),
            ErrorKind::InvalidImage,
        ),
        (
            "gif",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            ErrorKind::InvalidImage,
        ),
        (
            "truncated png",
            png[..png.len() * 2 / 3].to_vec(),
            ErrorKind::InvalidImage,
        ),
        (
            "png signature only",
            png[..8].to_vec(),
            ErrorKind::InvalidImage,
        ),
        (
            "truncated jpeg",
            jpg[..jpg.len() / 2].to_vec(),
            ErrorKind::InvalidImage,
        ),
        (
            "bomb 100000x100000",
            lying_png(100_000, 100_000),
            ErrorKind::ImageTooLarge,
        ),
        (
            "16384x16384 rgba needs 1 GiB",
            lying_png(16_384, 16_384),
            ErrorKind::ImageTooLarge,
        ),
        (
            "10000x10000 claimed, 10 bytes of data",
            lying_png(10_000, 10_000),
            ErrorKind::InvalidImage,
        ),
    ];
    for (name, data, kind) in cases {
        for metadata in [None, Some(meta("x"))] {
            let opts = IngestOptions {
                max_long_side: None,
                metadata,
                ..IngestOptions::default()
            };
            let err = t
                .lib
                .ingest_image(None, 0, bytes(data.clone()), opts)
                .await
                .unwrap_err();
            assert_eq!(err.kind(), kind, "{name}: {err}");
        }
    }
    let err = t
        .lib
        .ingest_image(None, 0, bytes(lying_png(100_000, 100_000)), no_opts())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("100000×100000"), "{err}");
    assert!(
        library_files(t.lib.root()).is_empty(),
        "{:?}",
        library_files(t.lib.root())
    );
    assert_eq!(t.lib.integrity_scan(false).await.unwrap().images_checked, 0);
}

#[tokio::test]
async fn ingest_then_complete_is_what_the_job_runner_does() {
    let t = open_library().await;
    let job = job(&t.lib, "runner").await;
    let running = JobUpdate {
        status: Some(JobStatus::Downloading),
        ..Default::default()
    };
    t.lib.update_job(&job.id, &running).await.unwrap();
    let m =
        nanoforge_core::library::EmbeddedMetadata::from_job(&t.lib.get_job(&job.id).await.unwrap());
    let opts = IngestOptions {
        max_long_side: Some(1024),
        metadata: Some(m),
        ..IngestOptions::default()
    };
    let img = t
        .lib
        .ingest_image(Some(&job.id), 0, bytes(png_bytes(64, 64, 5)), opts)
        .await
        .unwrap();
    let done = JobUpdate {
        status: Some(JobStatus::Completed),
        duration_ms: Some(1500),
        ..Default::default()
    };
    let job = t.lib.update_job(&job.id, &done).await.unwrap();
    assert_eq!(job.image_id.as_deref(), Some(img.id.as_str()));
    assert!(t.lib.unfinished_jobs().await.unwrap().is_empty());
    let stored = std::fs::read(abs(&t.lib, &img.path)).unwrap();
    let recalled = read_generation_metadata(&stored).unwrap();
    assert_eq!(recalled.prompt.as_deref(), Some("runner"));
    assert_eq!(recalled.model.as_deref(), Some("nano-banana"));
}

#[tokio::test]
async fn absolute_paths_refuse_escapes() {
    let t = open_library().await;
    assert_eq!(
        t.lib.absolute_path("images/ab/x.png").unwrap(),
        t.lib.root().join("images/ab/x.png")
    );
    for bad in [
        "../library.sqlite",
        "/etc/passwd",
        "images/../../x",
        "",
        "a\\b",
    ] {
        assert_eq!(
            t.lib.absolute_path(bad).unwrap_err().kind(),
            ErrorKind::InvalidInput,
            "{bad:?}"
        );
    }
}
