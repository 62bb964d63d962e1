//! Organising the library: albums (an image in several, made, renamed, deleted), tags (one per
//! spelling), the gallery's filters (album, tag, rating, model, provider) and sorts (newest,
//! oldest, rating, each keyset-paged), and the search over prompts, tags and album names.

use crate::library_support;

use library_support::*;
use nanoforge_core::ErrorKind;
use nanoforge_core::catalog::{ImageSize, Model, ProviderKind};
use nanoforge_core::library::{ImageQuery, ImageRecord, ImageSort, Library, NewJob};

/// `n` images, one job each, oldest first; even ones by Nano Banana, odd ones by Gemini.
async fn seed(lib: &Library, n: u32) -> Vec<ImageRecord> {
    let mut out = Vec::new();
    for i in 0..n {
        let job = if i % 2 == 0 {
            new_job(&format!("a blue whale number {i}"))
        } else {
            NewJob::text_to_image(
                &format!("a red fox number {i}"),
                ProviderKind::Gemini,
                Model::Gemini3ProImage,
                ImageSize::S1K,
            )
        };
        let job = lib.insert_job(&job).await.unwrap();
        out.push(
            lib.ingest_image(Some(&job.id), 0, bytes(png_bytes(8, 8, i)), no_opts())
                .await
                .unwrap(),
        );
        // Distinct creation times, so newest and oldest are plain orders.
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    out
}

/// Every page of `query`, walked with its cursors.
async fn ids(lib: &Library, mut query: ImageQuery) -> Vec<String> {
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

fn search(text: &str) -> ImageQuery {
    ImageQuery {
        search: Some(text.into()),
        ..ImageQuery::default()
    }
}

#[tokio::test]
async fn albums_hold_images_in_several_and_filter_the_gallery() {
    let t = open_library().await;
    let lib = &t.lib;
    let images = seed(lib, 4).await;
    let id = |i: usize| images[i].id.clone();

    let trips = lib.create_album(" Trips ").await.unwrap();
    assert_eq!(trips.name, "Trips");
    assert_eq!(lib.create_album("trips").await.unwrap().id, trips.id);
    let cats = lib.create_album("Cats").await.unwrap();
    assert_eq!(
        lib.add_to_album(&trips.id, &[id(0), id(1)]).await.unwrap(),
        2
    );
    assert_eq!(lib.add_to_album(&trips.id, &[id(1)]).await.unwrap(), 0);
    lib.add_to_album(&cats.id, &[id(1), id(2)]).await.unwrap();

    let listed: Vec<(String, u32)> = lib
        .albums()
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.name, a.images))
        .collect();
    assert_eq!(listed, [("Cats".into(), 2), ("Trips".into(), 2)]);
    let in_trips = ImageQuery {
        album: Some(trips.id.clone()),
        ..ImageQuery::default()
    };
    assert_eq!(ids(lib, in_trips.clone()).await, [id(1), id(0)]);
    let labels = lib.image_labels(&[id(1), id(3)]).await.unwrap();
    let names: Vec<&str> = labels[0].albums.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Cats", "Trips"]);
    assert!(labels[1].albums.is_empty());

    // An unknown image changes nothing; an unknown name is a not-found error that names it.
    let err = lib
        .add_to_album(&trips.id, &[id(3), "nope".into()])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(lib.album(&trips.id).await.unwrap().images, 2);
    let err = lib.album_named("Holidays").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("Holidays"), "{err}");

    // Renaming keeps the members; a name another album has is refused.
    let err = lib.rename_album(&trips.id, "CATS").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let renamed = lib.rename_album(&trips.id, "Journeys").await.unwrap();
    assert_eq!(
        (renamed.id.as_str(), renamed.images),
        (trips.id.as_str(), 2)
    );

    // Trashed images are not counted; removing takes an image out of one album only.
    lib.trash(&[id(2)]).await.unwrap();
    assert_eq!(lib.album(&cats.id).await.unwrap().images, 1);
    assert_eq!(lib.remove_from_album(&cats.id, &[id(1)]).await.unwrap(), 1);
    assert_eq!(lib.album(&trips.id).await.unwrap().images, 2);

    // Deleting an album keeps its images; made again under its first name, it starts empty.
    lib.delete_album(&trips.id).await.unwrap();
    assert!(lib.album_named("Journeys").await.is_err());
    assert_eq!(ids(lib, ImageQuery::default()).await.len(), 3);
    assert!(ids(lib, in_trips).await.is_empty());
    let again = lib.create_album("Trips").await.unwrap();
    assert_eq!((again.id.as_str(), again.images), (trips.id.as_str(), 0));
}

#[tokio::test]
async fn tags_are_one_per_spelling_listed_with_counts_and_filter_the_gallery() {
    let t = open_library().await;
    let lib = &t.lib;
    let images = seed(lib, 3).await;
    let id = |i: usize| images[i].id.clone();

    let labels = lib
        .add_tags(
            &id(0),
            &["Red Fox".into(), "  red   fox ".into(), "Snow".into()],
        )
        .await
        .unwrap();
    assert_eq!(labels.tags, ["red fox", "snow"]);
    lib.add_tags(&id(1), &["snow".into()]).await.unwrap();
    lib.add_tags(&id(2), &["SNOW".into()]).await.unwrap();
    let counts: Vec<(String, u32)> = lib
        .tags()
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.tag, t.images))
        .collect();
    assert_eq!(counts, [("red fox".into(), 1), ("snow".into(), 3)]);

    let tagged = |tag: &str| ImageQuery {
        tag: Some(tag.into()),
        ..ImageQuery::default()
    };
    assert_eq!(ids(lib, tagged(" Snow")).await, [id(2), id(1), id(0)]);
    assert_eq!(ids(lib, tagged("RED FOX")).await, [id(0)]);
    let labels = lib.remove_tags(&id(0), &["snow".into()]).await.unwrap();
    assert_eq!(labels.tags, ["red fox"]);
    lib.trash(&[id(1)]).await.unwrap();
    assert_eq!(lib.tags().await.unwrap()[1].images, 1);

    for bad in ["", "   ", "a\u{7}b"] {
        let err = lib.add_tags(&id(0), &[bad.into()]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad:?}");
    }
    let err = lib.add_tags("nope", &["x".into()]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    // Deleted forever, an image takes its tags and memberships with it.
    let album = lib.create_album("Keep").await.unwrap();
    lib.add_to_album(&album.id, &[id(0)]).await.unwrap();
    lib.purge(&[id(0)]).await.unwrap();
    assert!(ids(lib, tagged("red fox")).await.is_empty());
    assert_eq!(lib.tags().await.unwrap().len(), 1);
    assert_eq!(lib.album(&album.id).await.unwrap().images, 0);
    assert!(ids(lib, search("red fox")).await.len() < 3);
}

#[tokio::test]
async fn search_covers_prompts_tags_and_album_names() {
    let t = open_library().await;
    let lib = &t.lib;
    let images = seed(lib, 4).await;
    let id = |i: usize| images[i].id.clone();

    // Prompts only, as before.
    assert_eq!(ids(lib, search("whale")).await, [id(2), id(0)]);
    lib.add_tags(&id(1), &["Sunset glow".into()]).await.unwrap();
    assert_eq!(ids(lib, search("sunset")).await, [id(1)]);
    assert_eq!(ids(lib, search("glow sun")).await, [id(1)]);

    let album = lib.create_album("Holiday Été").await.unwrap();
    lib.add_to_album(&album.id, &[id(3), id(0)]).await.unwrap();
    assert_eq!(ids(lib, search("holiday")).await, [id(3), id(0)]);
    assert_eq!(ids(lib, search("ete")).await, [id(3), id(0)], "diacritics");
    // An image whose prompt and labels both match is listed once.
    lib.add_tags(&id(2), &["whale".into()]).await.unwrap();
    assert_eq!(ids(lib, search("whale")).await, [id(2), id(0)]);

    // Renamed, the album is found by its new name only; deleted, by none.
    lib.rename_album(&album.id, "Vacances").await.unwrap();
    assert!(ids(lib, search("holiday")).await.is_empty());
    assert_eq!(ids(lib, search("vacances")).await, [id(3), id(0)]);
    lib.delete_album(&album.id).await.unwrap();
    assert!(ids(lib, search("vacances")).await.is_empty());
    // Untagged, no longer found by the tag.
    lib.remove_tags(&id(1), &["sunset glow".into()])
        .await
        .unwrap();
    assert!(ids(lib, search("sunset")).await.is_empty());
    // Filters apply to label matches too.
    lib.add_tags(&id(0), &["sunset".into()]).await.unwrap();
    lib.add_tags(&id(1), &["sunset".into()]).await.unwrap();
    let gemini = ImageQuery {
        model: Some(Model::Gemini3ProImage),
        ..search("sunset")
    };
    assert_eq!(ids(lib, gemini).await, [id(1)]);
}

#[tokio::test]
async fn filters_by_rating_model_provider_and_sorts_page_by_page() {
    let t = open_library().await;
    let lib = &t.lib;
    let images = seed(lib, 7).await;
    let id = |i: usize| images[i].id.clone();
    for (i, stars) in [(0, 5), (1, 3), (2, 5), (3, 1), (5, 3)] {
        lib.set_rating(&id(i), stars).await.unwrap();
    }
    let all: Vec<String> = (0..7).rev().map(id).collect();
    let paged = |q: ImageQuery| ImageQuery {
        limit: Some(2),
        ..q
    };

    assert_eq!(ids(lib, paged(ImageQuery::default())).await, all);
    let oldest = ImageQuery {
        sort: ImageSort::Oldest,
        ..ImageQuery::default()
    };
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(ids(lib, paged(oldest)).await, reversed);

    // By rating: most stars first, newest first among equals, across pages of two.
    let by_rating = ImageQuery {
        sort: ImageSort::Rating,
        ..ImageQuery::default()
    };
    let expected: Vec<String> = [2, 0, 5, 1, 3, 6, 4].into_iter().map(id).collect();
    assert_eq!(ids(lib, paged(by_rating.clone())).await, expected);
    let three_up = ImageQuery {
        min_rating: Some(3),
        ..by_rating.clone()
    };
    assert_eq!(ids(lib, paged(three_up)).await, expected[..4]);
    let three_up_newest = ImageQuery {
        min_rating: Some(3),
        ..ImageQuery::default()
    };
    let newest: Vec<String> = [5, 2, 1, 0].into_iter().map(id).collect();
    assert_eq!(ids(lib, paged(three_up_newest)).await, newest);

    // A rating page's cursor carries the rating it stopped at.
    let page = lib.list_images(&paged(by_rating.clone())).await.unwrap();
    assert_eq!(page.next_cursor.unwrap().rating, Some(5));
    let mut no_rating = lib
        .list_images(&paged(ImageQuery::default()))
        .await
        .unwrap();
    let err = lib
        .list_images(&ImageQuery {
            cursor: no_rating.next_cursor.take(),
            ..by_rating
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = lib
        .list_images(&ImageQuery {
            min_rating: Some(6),
            ..ImageQuery::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    // Model and provider are the job's.
    let gemini: Vec<String> = [5, 3, 1].into_iter().map(id).collect();
    let by_model = ImageQuery {
        model: Some(Model::Gemini3ProImage),
        ..ImageQuery::default()
    };
    assert_eq!(ids(lib, paged(by_model)).await, gemini);
    let by_provider = ImageQuery {
        provider: Some(ProviderKind::NanoBanana),
        min_rating: Some(5),
        ..ImageQuery::default()
    };
    assert_eq!(ids(lib, by_provider).await, [id(2), id(0)]);
    let none = ImageQuery {
        model: Some(Model::NanoBananaPro),
        ..ImageQuery::default()
    };
    assert!(ids(lib, none).await.is_empty());
}

#[tokio::test]
async fn the_new_filters_and_sorts_have_their_indexes() {
    let t = open_library().await;
    let pool = t.lib.pool();
    let plan = |sql: &'static str| async move {
        let rows: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
                .fetch_all(pool)
                .await
                .unwrap();
        rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; ")
    };
    let rating = plan(
        "SELECT id FROM images WHERE profile_id = 'local' AND deleted_at IS NULL
         ORDER BY rating DESC, created_at DESC, id DESC LIMIT 100",
    )
    .await;
    assert!(rating.contains("idx_images_rating"), "{rating}");
    assert!(!rating.contains("TEMP B-TREE"), "{rating}");
    let tag = plan("SELECT image_id FROM image_tags WHERE tag = 'x'").await;
    // Since 0015 a tag's rows are found by the index that also walks them in the gallery's order.
    assert!(tag.contains("image_tags_by_created"), "{tag}");
    let album = plan("SELECT image_id FROM album_images WHERE album_id = 'x'").await;
    assert!(
        album.contains("PRIMARY KEY") || album.contains("USING"),
        "{album}"
    );
    let model = plan("SELECT id FROM jobs WHERE model = 'x'").await;
    assert!(model.contains("idx_jobs_model"), "{model}");
}
