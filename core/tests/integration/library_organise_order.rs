//! An album's or a tag's gallery page walks its membership index (migration 0015): each row keeps
//! a copy of its image's `created_at`, so the set's pages come newest or oldest first from the
//! index alone. The copy must follow the image: these check the pages against the gallery's own
//! order, page by page, before and after an image's time changes.

use crate::library_support;

use library_support::*;
use nanoforge_core::library::{ImageQuery, ImageSort, Library};

/// Every page of `query` (two images a page), walked with its cursors.
async fn ids(lib: &Library, mut query: ImageQuery) -> Vec<String> {
    query.limit = Some(2);
    let mut out = Vec::new();
    loop {
        let page = lib.list_images(&query).await.unwrap();
        out.extend(page.items.into_iter().map(|i| i.id));
        match page.next_cursor {
            Some(c) => query.cursor = Some(c),
            None => return out,
        }
    }
}

#[tokio::test]
async fn album_and_tag_pages_follow_the_gallery_order_page_by_page() {
    let t = open_library().await;
    let lib = &t.lib;
    let mut images = Vec::new();
    for i in 0..7 {
        let job = lib
            .insert_job(&new_job(&format!("a lake {i}")))
            .await
            .unwrap();
        images.push(
            lib.ingest_image(Some(&job.id), 0, bytes(png_bytes(8, 8, i)), no_opts())
                .await
                .unwrap(),
        );
    }
    // One creation time for two images: the id breaks the tie, in the index as in the gallery.
    let pool = lib.pool();
    sqlx::query(
        "UPDATE images SET created_at = (SELECT created_at FROM images WHERE id = ?) WHERE id = ?",
    )
    .bind(&images[3].id)
    .bind(&images[4].id)
    .execute(pool)
    .await
    .unwrap();
    let id = |i: usize| images[i].id.clone();
    let album = lib.create_album("Lakes").await.unwrap();
    lib.add_to_album(&album.id, &[id(0), id(2), id(3), id(4), id(6)])
        .await
        .unwrap();
    for i in [1, 2, 3, 4, 6] {
        lib.add_tags(&id(i), &["Calm".into()]).await.unwrap();
    }
    lib.set_rating(&id(2), 4).await.unwrap();
    lib.set_rating(&id(6), 5).await.unwrap();
    lib.trash(&[id(6)]).await.unwrap();

    let in_album = |sort| ImageQuery {
        album: Some(album.id.clone()),
        sort,
        ..ImageQuery::default()
    };
    let tagged = |sort| ImageQuery {
        tag: Some("calm".into()),
        sort,
        ..ImageQuery::default()
    };
    // The gallery's order, kept to a set: what each set's walk must give.
    let expect = async |members: &[usize], sort| {
        let all = ids(
            lib,
            ImageQuery {
                sort,
                ..ImageQuery::default()
            },
        )
        .await;
        let members: Vec<String> = members.iter().map(|&i| id(i)).collect();
        all.into_iter()
            .filter(|x| members.contains(x))
            .collect::<Vec<_>>()
    };
    for sort in [ImageSort::Newest, ImageSort::Oldest, ImageSort::Rating] {
        let want = expect(&[0, 2, 3, 4], sort).await;
        assert_eq!(want.len(), 4, "a trashed member is not shown");
        assert_eq!(ids(lib, in_album(sort)).await, want, "{sort:?}");
        assert_eq!(
            ids(lib, tagged(sort)).await,
            expect(&[1, 2, 3, 4], sort).await,
            "{sort:?}"
        );
    }
    // Both sets and another filter: the album is walked, the tag and rating tested per row.
    let both = ImageQuery {
        tag: Some("calm".into()),
        min_rating: Some(4),
        ..in_album(ImageSort::Newest)
    };
    assert_eq!(ids(lib, both).await, [id(2)]);

    // An image whose time changes moves in its sets as in the gallery (the copy follows it).
    sqlx::query("UPDATE images SET created_at = created_at + 86400000 WHERE id = ?")
        .bind(id(0))
        .execute(pool)
        .await
        .unwrap();
    let newest = ids(lib, in_album(ImageSort::Newest)).await;
    assert_eq!(newest[0], id(0));
    assert_eq!(newest, expect(&[0, 2, 3, 4], ImageSort::Newest).await);
    // A membership or tag written without the copy (as another device's may be) takes it.
    sqlx::query("DELETE FROM image_tags WHERE image_id = ?")
        .bind(id(1))
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO image_tags (image_id, tag, added_at) VALUES (?, 'calm', 0)")
        .bind(id(1))
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(
        ids(lib, tagged(ImageSort::Oldest)).await,
        expect(&[1, 2, 3, 4], ImageSort::Oldest).await
    );
}

#[tokio::test]
async fn a_set_page_is_an_index_walk_with_no_sort() {
    let t = open_library().await;
    let pool = t.lib.pool();
    for (sql, index) in [
        (
            "SELECT m.image_id FROM album_images m INDEXED BY album_images_by_created
             CROSS JOIN images i ON i.id = m.image_id WHERE m.album_id = 'x'
             ORDER BY m.created_at DESC, m.image_id DESC LIMIT 100",
            "album_images_by_created",
        ),
        (
            "SELECT m.image_id FROM image_tags m INDEXED BY image_tags_by_created
             CROSS JOIN images i ON i.id = m.image_id WHERE m.tag = 'x'
             ORDER BY m.created_at ASC, m.image_id ASC LIMIT 100",
            "image_tags_by_created",
        ),
    ] {
        let rows: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
                .fetch_all(pool)
                .await
                .unwrap();
        let plan = rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; ");
        assert!(plan.contains(index), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }
}
