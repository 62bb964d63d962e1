//! `Library::purge`: chosen images deleted for good, in the trash or not, through the same path
//! as emptying the trash (rows first, then the files no other row uses).

use crate::library_support;

use library_support::*;
use nanoforge_core::ErrorKind;
use nanoforge_core::library::{GalleryView, ImageQuery, Library};

async fn gallery_ids(lib: &Library, view: GalleryView) -> Vec<String> {
    let query = ImageQuery {
        view,
        limit: Some(500),
        ..Default::default()
    };
    let page = lib.list_images(&query).await.unwrap();
    assert!(page.next_cursor.is_none());
    page.items.into_iter().map(|i| i.id).collect()
}

#[tokio::test]
async fn purge_deletes_live_and_trashed_images_and_their_unshared_files() {
    let t = open_library().await;
    let shared = png_bytes(32, 32, 7);
    let a_job = job(&t.lib, "a").await;
    let a = t
        .lib
        .ingest_image(Some(&a_job.id), 0, bytes(shared.clone()), no_opts())
        .await
        .unwrap();
    let a2 = t
        .lib
        .ingest_image(Some(&a_job.id), 1, bytes(png_bytes(32, 32, 8)), no_opts())
        .await
        .unwrap();
    let twin = t
        .lib
        .ingest_image(None, 0, bytes(shared), no_opts())
        .await
        .unwrap();
    let trashed = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(32, 32, 9)), no_opts())
        .await
        .unwrap();
    let keep = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(32, 32, 10)), no_opts())
        .await
        .unwrap();
    assert_eq!(a.path, twin.path);
    t.lib
        .trash(std::slice::from_ref(&trashed.id))
        .await
        .unwrap();
    // a and a2 live, the copy of a's bytes trashed, a repeated id counted once.
    let chosen = vec![a.id.clone(), trashed.id.clone(), a.id.clone()];
    assert_eq!(t.lib.purge(&chosen).await.unwrap(), 2);

    for gone in [&a.id, &trashed.id] {
        assert_eq!(
            t.lib.get_image(gone).await.unwrap_err().kind(),
            ErrorKind::NotFound
        );
    }
    assert!(abs(&t.lib, &twin.path).exists(), "still used by its twin");
    assert!(!abs(&t.lib, &trashed.path).exists());
    assert!(!abs(&t.lib, trashed.thumb_path.as_deref().unwrap()).exists());
    assert!(abs(&t.lib, &keep.path).exists());
    assert_eq!(
        t.lib.get_job(&a_job.id).await.unwrap().image_id,
        Some(a2.id.clone()),
        "the job points at its remaining image"
    );
    let mut live = gallery_ids(&t.lib, GalleryView::All).await;
    live.sort();
    let mut expected = vec![a2.id.clone(), twin.id.clone(), keep.id.clone()];
    expected.sort();
    assert_eq!(live, expected);

    // The last image using the shared bytes takes the file with it.
    assert_eq!(
        t.lib.purge(std::slice::from_ref(&twin.id)).await.unwrap(),
        1
    );
    assert!(!abs(&t.lib, &twin.path).exists());
    let report = t.lib.integrity_scan(false).await.unwrap();
    assert!(report.orphan_files.is_empty() && report.missing_originals.is_empty());
    assert_eq!(t.lib.purge(&[]).await.unwrap(), 0);
}

#[tokio::test]
async fn an_unknown_id_deletes_nothing_and_is_named() {
    let t = open_library().await;
    let img = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(16, 16, 1)), no_opts())
        .await
        .unwrap();
    let files_before = library_files(t.lib.root());
    let err = t
        .lib
        .purge(&[img.id.clone(), "no-such-image".to_owned()])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("no-such-image"), "{err}");
    assert_eq!(t.lib.get_image(&img.id).await.unwrap().id, img.id);
    assert_eq!(library_files(t.lib.root()), files_before);
    assert_eq!(gallery_ids(&t.lib, GalleryView::Live).await, vec![img.id]);
}

#[tokio::test]
async fn purge_and_empty_trash_leave_the_same_library() {
    // Both go through one delete path: purging the trashed images equals emptying the trash.
    let mut libs = Vec::new();
    for purge in [true, false] {
        let t = open_library().await;
        let mut ids = Vec::new();
        for seed in 0..4 {
            let j = job(&t.lib, &format!("prompt {seed}")).await;
            let img = t
                .lib
                .ingest_image(Some(&j.id), 0, bytes(png_bytes(16, 16, seed)), no_opts())
                .await
                .unwrap();
            ids.push(img.id);
        }
        t.lib.trash(&ids[1..3]).await.unwrap();
        let removed = if purge {
            t.lib.purge(&ids[1..3]).await.unwrap()
        } else {
            t.lib.empty_trash().await.unwrap()
        };
        assert_eq!(removed, 2);
        assert!(gallery_ids(&t.lib, GalleryView::Trash).await.is_empty());
        libs.push((
            gallery_ids(&t.lib, GalleryView::All).await.len(),
            library_files(t.lib.root()).len(),
        ));
    }
    assert_eq!(libs[0], libs[1]);
    assert_eq!(libs[0].0, 2);
}
