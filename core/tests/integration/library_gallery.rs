//! The gallery (keyset pages, filters, search), favourites, ratings, trash and purge.

use crate::library_support;
use nanoforge_core::catalog::ImageSize;

use library_support::*;
use nanoforge_core::ErrorKind;
use nanoforge_core::library::{
    CAPTION_CHARS, GalleryView, GridPage, ImageQuery, ImageRecord, JobStatus, JobUpdate, Library,
    NewJob,
};

/// `n` jobs with one image each; every third prompt mentions a fox; sizes alternate 512/1024.
async fn seed(lib: &Library, n: u32) -> Vec<ImageRecord> {
    let mut out = Vec::new();
    for i in 0..n {
        let prompt = if i % 3 == 0 {
            format!("red fox number {i}")
        } else {
            format!("blue whale number {i}")
        };
        let size = if i % 2 == 0 {
            ImageSize::S512
        } else {
            ImageSize::S1K
        };
        let job = lib
            .insert_job(&NewJob {
                image_size: size,
                ..new_job(&prompt)
            })
            .await
            .unwrap();
        if i % 4 != 0 {
            lib.update_job(
                &job.id,
                &JobUpdate {
                    status: Some(JobStatus::Completed),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        out.push(
            lib.ingest_image(Some(&job.id), 0, bytes(png_bytes(16, 16, i)), no_opts())
                .await
                .unwrap(),
        );
    }
    out
}

async fn all_pages(lib: &Library, mut query: ImageQuery) -> Vec<ImageRecord> {
    let mut out = Vec::new();
    loop {
        let page = lib.list_images(&query).await.unwrap();
        assert!(page.items.len() <= query.limit.unwrap_or(100) as usize);
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => query.cursor = Some(c),
            None => return out,
        }
    }
}

fn ids(images: &[ImageRecord]) -> Vec<String> {
    images.iter().map(|i| i.id.clone()).collect()
}

#[tokio::test]
async fn pages_walk_the_whole_gallery_newest_first() {
    let t = open_library().await;
    let seeded = seed(&t.lib, 23).await;
    let page = t
        .lib
        .list_images(&ImageQuery {
            limit: Some(10),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 10);
    assert!(page.next_cursor.is_some());
    let all = all_pages(
        &t.lib,
        ImageQuery {
            limit: Some(10),
            ..Default::default()
        },
    )
    .await;
    let mut expected = seeded.clone();
    expected.sort_by(|a, b| b.created_at.total_cmp(&a.created_at).then(b.id.cmp(&a.id)));
    assert_eq!(ids(&all), ids(&expected));
    assert_eq!(all[0].prompt.as_deref(), Some("blue whale number 22"));
}

#[tokio::test]
async fn filters_combine_with_paging() {
    let t = open_library().await;
    let seeded = seed(&t.lib, 24).await;
    let q = |f: fn(&mut ImageQuery)| {
        let mut q = ImageQuery {
            limit: Some(4),
            ..Default::default()
        };
        f(&mut q);
        q
    };
    assert_eq!(
        all_pages(&t.lib, q(|q| q.image_size = Some(ImageSize::S512)))
            .await
            .len(),
        12
    );
    assert_eq!(
        all_pages(&t.lib, q(|q| q.status = Some(JobStatus::Pending)))
            .await
            .len(),
        6
    );
    assert_eq!(
        all_pages(&t.lib, q(|q| q.search = Some("fox".into())))
            .await
            .len(),
        8
    );
    assert_eq!(
        all_pages(&t.lib, q(|q| q.search = Some("fox whale".into())))
            .await
            .len(),
        0
    );
    for hostile in [
        "\"unbalanced",
        "AND OR",
        "NOT",
        "fox\"*",
        "(((",
        "^x",
        "col:fox",
        "fox\0",
        "\u{1b}[2Jfox",
    ] {
        let query = ImageQuery {
            search: Some(hostile.into()),
            ..Default::default()
        };
        t.lib
            .list_images(&query)
            .await
            .unwrap_or_else(|e| panic!("{hostile:?}: {e}"));
    }
    // A control character is a word break: the search still finds the foxes.
    assert_eq!(
        all_pages(&t.lib, q(|q| q.search = Some("fox\0".into())))
            .await
            .len(),
        all_pages(&t.lib, q(|q| q.search = Some("fox".into())))
            .await
            .len()
    );

    for img in &seeded[..5] {
        t.lib.set_favourite(&img.id, true).await.unwrap();
    }
    t.lib.set_favourite(&seeded[0].id, false).await.unwrap();
    let favs = all_pages(&t.lib, q(|q| q.favourite_only = true)).await;
    assert_eq!(favs.len(), 4);
    assert!(favs.iter().all(|f| f.favourite));

    let from = seeded[10].created_at;
    let to = seeded[15].created_at;
    let window = all_pages(
        &t.lib,
        ImageQuery {
            from: Some(from),
            to: Some(to),
            ..Default::default()
        },
    )
    .await;
    assert!(
        window
            .iter()
            .all(|i| i.created_at >= from && i.created_at < to)
    );
    let expected = seeded
        .iter()
        .filter(|i| i.created_at >= from && i.created_at < to)
        .count();
    assert_eq!(window.len(), expected);
}

#[tokio::test]
async fn ratings_are_zero_to_five() {
    let t = open_library().await;
    let img = seed(&t.lib, 1).await.remove(0);
    assert_eq!(t.lib.set_rating(&img.id, 4).await.unwrap().rating, 4);
    assert_eq!(
        t.lib.set_rating(&img.id, 6).await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        t.lib.set_rating("missing", 1).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        t.lib
            .set_favourite("missing", true)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    assert_eq!(t.lib.get_image(&img.id).await.unwrap().rating, 4);
}

#[tokio::test]
async fn trash_and_restore_move_images_between_views() {
    let t = open_library().await;
    let seeded = seed(&t.lib, 6).await;
    let chosen = vec![
        seeded[1].id.clone(),
        seeded[2].id.clone(),
        "missing".to_owned(),
    ];
    assert_eq!(t.lib.trash(&chosen).await.unwrap(), 2);
    assert_eq!(
        t.lib.trash(&chosen).await.unwrap(),
        0,
        "already in the trash"
    );
    let live = all_pages(&t.lib, ImageQuery::default()).await;
    let trash = all_pages(
        &t.lib,
        ImageQuery {
            view: GalleryView::Trash,
            ..Default::default()
        },
    )
    .await;
    let every = all_pages(
        &t.lib,
        ImageQuery {
            view: GalleryView::All,
            ..Default::default()
        },
    )
    .await;
    assert_eq!((live.len(), trash.len(), every.len()), (4, 2, 6));
    assert!(trash.iter().all(|i| i.deleted_at.is_some()));
    assert_eq!(t.lib.restore(&chosen[..1]).await.unwrap(), 1);
    assert_eq!(all_pages(&t.lib, ImageQuery::default()).await.len(), 5);
}

#[tokio::test]
async fn emptying_the_trash_keeps_files_still_in_use() {
    let t = open_library().await;
    let shared = png_bytes(32, 32, 99);
    let a_job = job(&t.lib, "a").await;
    let a = t
        .lib
        .ingest_image(Some(&a_job.id), 0, bytes(shared.clone()), no_opts())
        .await
        .unwrap();
    let a2 = t
        .lib
        .ingest_image(Some(&a_job.id), 1, bytes(png_bytes(32, 32, 5)), no_opts())
        .await
        .unwrap();
    let b = t
        .lib
        .ingest_image(None, 0, bytes(shared), no_opts())
        .await
        .unwrap();
    let c = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(32, 32, 100)), no_opts())
        .await
        .unwrap();
    assert_eq!(a.path, b.path);
    assert_eq!(library_files(t.lib.root()).len(), 9);

    t.lib.trash(&[a.id.clone(), c.id.clone()]).await.unwrap();
    assert_eq!(t.lib.empty_trash().await.unwrap(), 2);
    assert!(abs(&t.lib, &b.path).exists(), "still used by b");
    assert!(!abs(&t.lib, &c.path).exists());
    assert!(!abs(&t.lib, c.thumb_path.as_deref().unwrap()).exists());
    assert_eq!(library_files(t.lib.root()).len(), 6);
    assert_eq!(
        t.lib.get_image(&a.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        t.lib.get_job(&a_job.id).await.unwrap().image_id,
        Some(a2.id.clone()),
        "job points at its remaining image"
    );

    t.lib.trash(&[b.id.clone(), a2.id.clone()]).await.unwrap();
    assert_eq!(t.lib.empty_trash().await.unwrap(), 2);
    assert!(library_files(t.lib.root()).is_empty());
    assert_eq!(t.lib.get_job(&a_job.id).await.unwrap().image_id, None);
    let report = t.lib.integrity_scan(false).await.unwrap();
    assert!(report.orphan_files.is_empty() && report.missing_originals.is_empty());
    assert_eq!(t.lib.empty_trash().await.unwrap(), 0);
}

/// The grid's thin page is the full page's images in the same order with the same cursor, each
/// with its hash, size, marks and dates, and a caption cut to the start of its prompt.
#[tokio::test]
async fn the_grid_page_is_the_gallery_page_in_thin_records() {
    let t = open_library().await;
    let lib = &t.lib;
    seed(lib, 5).await;
    let long_prompt = "ünïcödé ".repeat(60);
    let job = lib.insert_job(&new_job(&long_prompt)).await.unwrap();
    let long = lib
        .ingest_image(Some(&job.id), 0, bytes(png_bytes(16, 16, 99)), no_opts())
        .await
        .unwrap();
    lib.set_rating(&long.id, 4).await.unwrap();

    let query = ImageQuery {
        limit: Some(4),
        ..Default::default()
    };
    let full = lib.list_images(&query).await.unwrap();
    let grid = GridPage::from(lib.list_images(&query).await.unwrap());
    assert_eq!(grid.next_cursor, full.next_cursor);
    assert_eq!(grid.items.len(), 4);
    for (thin, record) in grid.items.iter().zip(&full.items) {
        assert_eq!(thin.id, record.id);
        assert_eq!(thin.sha256, record.sha256);
        assert_eq!((thin.width, thin.height), (record.width, record.height));
        assert_eq!(
            (thin.favourite, thin.rating),
            (record.favourite, record.rating)
        );
        assert_eq!(
            (thin.created_at, thin.deleted_at),
            (record.created_at, record.deleted_at)
        );
        let prompt = record.prompt.as_deref().unwrap();
        let caption = thin.caption.as_deref().unwrap();
        assert!(prompt.starts_with(caption));
        assert_eq!(
            caption.chars().count(),
            prompt.chars().count().min(CAPTION_CHARS)
        );
    }
    // The newest is the long prompt's image: rated, and its caption cut at 160 characters.
    assert_eq!(grid.items[0].id, long.id);
    assert_eq!(grid.items[0].rating, 4);
    assert_eq!(
        grid.items[0].caption.as_deref().unwrap().chars().count(),
        CAPTION_CHARS
    );
}
