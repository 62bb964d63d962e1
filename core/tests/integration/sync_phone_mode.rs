//! A device that keeps thumbnails and fetches originals on demand (phone mode, a setting testable
//! on desktop): the gallery is complete without the originals, opening one fetches it byte for
//! byte, the cache stays under its cap, and integrity repair does not count them as missing.

use crate::sync_support;

use nanoforge_core::library::ImageFileKind;
use sha2::{Digest, Sha256};
use sync_support::{World, generate, sync};

#[tokio::test]
async fn a_phone_keeps_thumbnails_and_fetches_originals_when_opened() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    generate(&desk, "four lanterns", 4).await;
    sync(&desk).await;

    let mut settings = world.settings("lib/");
    settings.keep_originals = false;
    settings.cache_mb = 0;
    let phone = world.device_with("phone", settings).await;
    let first = sync(&phone).await;
    assert_eq!(
        first.downloaded_files, 8,
        "two thumbnails each, no originals: {first:?}"
    );
    let images: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, path, sha256 FROM images ORDER BY id")
            .fetch_all(phone.session().library().pool())
            .await
            .unwrap();
    assert_eq!(images.len(), 4);
    let on_disk = |rel: &str| {
        phone
            .session()
            .library()
            .absolute_path(rel)
            .unwrap()
            .exists()
    };
    assert!(images.iter().all(|(_, path, _)| !on_disk(path)));
    for (id, _, _) in &images {
        let (thumb, _) = phone
            .session()
            .image_file_bytes(id, ImageFileKind::Thumb)
            .await
            .unwrap();
        assert!(
            thumb.starts_with(&[0xFF, 0xD8]),
            "a JPEG thumbnail for {id}"
        );
    }
    let report = phone
        .session()
        .library()
        .integrity_scan(true)
        .await
        .unwrap();
    assert_eq!(
        (report.remote_originals, report.rows_removed),
        (4, 0),
        "{report:?}"
    );

    // Opening fetches the original; with a cache of 0 MB only the one being opened stays.
    for (id, path, sha) in &images {
        let (bytes, _) = phone
            .session()
            .image_file_bytes(id, ImageFileKind::Original)
            .await
            .unwrap();
        assert_eq!(&format!("{:x}", Sha256::digest(&bytes)), sha);
        assert!(on_disk(path));
    }
    let kept = images.iter().filter(|(_, path, _)| on_disk(path)).count();
    assert_eq!(kept, 1, "the cache holds only the last one opened");

    // A phone's own edits still travel.
    phone
        .session()
        .library()
        .set_favourite(&images[0].0, true)
        .await
        .unwrap();
    sync(&phone).await;
    sync(&desk).await;
    assert!(
        desk.session()
            .library()
            .get_image(&images[0].0)
            .await
            .unwrap()
            .favourite
    );
    desk.shutdown().await.unwrap();
    phone.shutdown().await.unwrap();
}

/// A thumbnail missing on a phone (its cache cleared, a file lost) is fetched again from the
/// bucket when the gallery asks for it by hash: the original is not on the device to make it from,
/// and it is not downloaded for that.
#[tokio::test]
async fn a_phone_fetches_a_missing_thumbnail_from_the_bucket_by_hash() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    generate(&desk, "a lost thumbnail", 1).await;
    sync(&desk).await;

    let mut settings = world.settings("lib/");
    settings.keep_originals = false;
    settings.cache_mb = 0;
    let phone = world.device_with("phone", settings).await;
    sync(&phone).await;
    let session = phone.session();
    let library = session.library();
    let (id, path, sha): (String, String, String) =
        sqlx::query_as("SELECT id, path, sha256 FROM images")
            .fetch_one(library.pool())
            .await
            .unwrap();
    let image = library.get_image(&id).await.unwrap();
    let thumb_rel = image.thumb_path.expect("the pull stored its thumbnail");
    let thumb_path = library.absolute_path(&thumb_rel).unwrap();
    let synced = std::fs::read(&thumb_path).unwrap();
    std::fs::remove_file(&thumb_path).unwrap();

    let served = phone
        .session()
        .thumbnail_bytes(&sha, ImageFileKind::Thumb)
        .await
        .unwrap();
    assert_eq!(served, synced, "the bucket's thumbnail, byte for byte");
    assert_eq!(std::fs::read(&thumb_path).unwrap(), synced, "kept on disk");
    assert!(
        !library.absolute_path(&path).unwrap().exists(),
        "the original was not fetched to make it"
    );
    // An unknown hash is a clear "not found", not a request to the bucket.
    let unknown = phone
        .session()
        .thumbnail_bytes(&"0".repeat(64), ImageFileKind::Thumb)
        .await
        .unwrap_err();
    assert_eq!(unknown.kind(), nanoforge_core::ErrorKind::NotFound);
    phone.shutdown().await.unwrap();
    desk.shutdown().await.unwrap();
}
