//! Ingest of large PNGs, decoded row by row with the preview made alongside and the original
//! named before the decode's verdict: what a broken one leaves (nothing) and what a whole one gives.

use crate::library_support;

use library_support::*;
use nanoforge_core::ErrorKind;
use nanoforge_core::library::IngestOptions;

/// A large PNG is decoded row by row with its preview made alongside, and its original is named
/// before the decode's verdict (so the folder fsync overlaps the decode): broken at any point, it
/// is still refused with a typed error and leaves no file, with or without embedded metadata.
#[tokio::test]
async fn a_large_png_broken_midway_is_refused_and_leaves_nothing() {
    let t = open_library().await;
    let png = png_bytes(1100, 800, 5);
    let mut flipped = png.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x5A;
    let cases = [
        png[..png.len() / 3].to_vec(),
        png[..png.len() - 20].to_vec(),
        flipped,
    ];
    for (i, data) in cases.into_iter().enumerate() {
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
            assert_eq!(err.kind(), ErrorKind::InvalidImage, "case {i}: {err}");
            assert!(
                library_files(t.lib.root()).is_empty(),
                "case {i}: {:?}",
                library_files(t.lib.root())
            );
        }
    }
    // The same image whole is stored, with thumbnails of the usual sizes.
    let img = t
        .lib
        .ingest_image(None, 0, bytes(png), no_opts())
        .await
        .unwrap();
    assert_eq!((img.width, img.height), (1100, 800));
    for (rel, size) in [(img.thumb_path, (256, 186)), (img.preview_path, (512, 372))] {
        let thumb =
            image::load_from_memory(&std::fs::read(abs(&t.lib, rel.as_deref().unwrap())).unwrap())
                .unwrap();
        assert_eq!((thumb.width(), thumb.height()), size);
    }
}
