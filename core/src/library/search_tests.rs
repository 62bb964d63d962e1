//! Both search plans must return exactly the same pages; only their cost differs.

use sqlx::SqlitePool;

use super::fts::{self, Plan};
use super::{ImageQuery, ImageSort, JobQuery, JobStatus, Library};
use crate::accounts::Profile;

/// 3000 jobs with one image each, straight into SQLite (file paths are never read here).
async fn seed(pool: &SqlitePool) {
    let mut tx = pool.begin().await.unwrap();
    for i in 0..3000_i64 {
        let rare = if i % 500 == 7 { " zebra" } else { "" };
        let colour = ["red", "green", "blue"][(i % 3) as usize];
        let prompt = format!("common {colour} scene {i}{rare}");
        let job = format!("job-{i:05}");
        // Coarse timestamps so many rows tie and the id decides the order.
        let created = 1_000_000 + i / 7;
        let status = if i % 4 == 0 { "FAILED" } else { "COMPLETED" };
        sqlx::query(
            "INSERT INTO jobs (id, profile_id, prompt, task_type, provider, model, image_size, status,
                created_at, updated_at)
             VALUES (?, 'local', ?, 'TEXT_TO_IMAGE', 'demo', 'demo', 1024, ?, ?, ?)",
        )
        .bind(&job)
        .bind(&prompt)
        .bind(status)
        .bind(created)
        .bind(created)
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO images (id, job_id, profile_id, sha256, path, mime, width, height, bytes,
                image_size, favourite, deleted_at, created_at)
             VALUES (?, ?, 'local', 'x', 'images/xx/x.png', 'image/png', 1, 1, 1, 1024, ?, ?, ?)",
        )
        .bind(format!("img-{:05}", 3000 - i))
        .bind(&job)
        .bind(i % 5 == 0)
        .bind((i % 11 == 0).then_some(5_i64))
        .bind(1_000_000 + (3000 - i) / 5)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn all_images(
    lib: &Library,
    mut q: ImageQuery,
    expr: &str,
    plan: Plan,
    labels: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        let search = super::gallery::Search {
            expr: expr.to_owned(),
            plan,
            labels,
        };
        let page = lib.list_images_planned(&q, Some(search)).await.unwrap();
        out.extend(page.items.into_iter().map(|i| i.id));
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => return out,
        }
    }
}

async fn all_jobs(lib: &Library, mut q: JobQuery, expr: &str, plan: Plan) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        let page = lib
            .list_jobs_planned(&q, Some((expr.to_owned(), plan)))
            .await
            .unwrap();
        out.extend(page.items.into_iter().map(|j| j.id));
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => return out,
        }
    }
}

#[tokio::test]
async fn both_plans_return_the_same_pages() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path(), &Profile::local()).await.unwrap();
    seed(&lib.pool).await;

    let expr = |s: &str| fts::match_expression(s).unwrap();
    assert_eq!(
        fts::plan(&lib.pool, &expr("zebra")).await.unwrap(),
        Plan::MatchesFirst
    );
    assert_eq!(
        fts::plan(&lib.pool, &expr("common")).await.unwrap(),
        Plan::NewestFirst
    );

    for (text, expected_jobs) in [
        ("zebra", 6),
        ("green", 1000),
        ("common", 3000),
        ("scene 12", 111),
    ] {
        let e = expr(text);
        let jq = JobQuery {
            limit: Some(70),
            ..Default::default()
        };
        let a = all_jobs(&lib, jq.clone(), &e, Plan::MatchesFirst).await;
        let b = all_jobs(&lib, jq, &e, Plan::NewestFirst).await;
        assert_eq!(a.len(), expected_jobs, "{text}");
        assert_eq!(a, b, "{text}");
        let failed = JobQuery {
            limit: Some(33),
            status: Some(JobStatus::Failed),
            ..Default::default()
        };
        let a = all_jobs(&lib, failed.clone(), &e, Plan::MatchesFirst).await;
        assert_eq!(
            a,
            all_jobs(&lib, failed, &e, Plan::NewestFirst).await,
            "{text} failed"
        );

        for q in [
            ImageQuery {
                limit: Some(64),
                ..Default::default()
            },
            ImageQuery {
                limit: Some(25),
                favourite_only: true,
                ..Default::default()
            },
            ImageQuery {
                limit: Some(40),
                view: super::GalleryView::Trash,
                ..Default::default()
            },
            ImageQuery {
                limit: Some(50),
                status: Some(JobStatus::Completed),
                ..Default::default()
            },
        ] {
            let a = all_images(&lib, q.clone(), &e, Plan::MatchesFirst, false).await;
            let b = all_images(&lib, q.clone(), &e, Plan::NewestFirst, false).await;
            assert_eq!(a, b, "{text} {q:?}");
            // The forms that also search labels (none here) find the same images.
            let c = all_images(&lib, q.clone(), &e, Plan::MatchesFirst, true).await;
            let d = all_images(&lib, q.clone(), &e, Plan::NewestFirst, true).await;
            assert_eq!((&a, &a), (&c, &d), "{text} {q:?} with labels");
            assert!(!a.is_empty() || text == "zebra", "{text} {q:?}");
        }
    }
}

/// An album or tag page starts from its members when they are few and walks the gallery's order
/// when they are many: both give every member once, in the query's order, page after page.
#[tokio::test]
async fn album_and_tag_pages_are_the_same_whichever_side_drives() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path(), &Profile::local()).await.unwrap();
    seed(&lib.pool).await;
    // Every 4th image in 'big' (750: walked), every 100th in 'small' (30: members first).
    sqlx::query(
        "INSERT INTO album_images (album_id, image_id, added_at)
         SELECT CASE WHEN rowid % 100 = 0 THEN 'small' ELSE 'big' END, id, 0 FROM images
         WHERE rowid % 4 = 0",
    )
    .execute(&lib.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO image_tags (image_id, tag, added_at) SELECT id, 'x', 0 FROM images WHERE rowid % 5 = 0")
        .execute(&lib.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE images SET rating = rowid % 6")
        .execute(&lib.pool)
        .await
        .unwrap();
    for (album, tag, members) in [
        (
            Some("big"),
            None,
            "SELECT image_id FROM album_images WHERE album_id = 'big'",
        ),
        (
            Some("small"),
            None,
            "SELECT image_id FROM album_images WHERE album_id = 'small'",
        ),
        (
            None,
            Some("x"),
            "SELECT image_id FROM image_tags WHERE tag = 'x'",
        ),
    ] {
        for (sort, order) in [
            (ImageSort::Newest, "created_at DESC, id DESC"),
            (ImageSort::Oldest, "created_at, id"),
            (ImageSort::Rating, "rating DESC, created_at DESC, id DESC"),
        ] {
            let sql = format!(
                "SELECT id FROM images WHERE deleted_at IS NULL AND id IN ({members}) ORDER BY {order}"
            );
            let expected: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(&lib.pool)
                .await
                .unwrap();
            let mut q = ImageQuery {
                limit: Some(64),
                album: album.map(str::to_owned),
                tag: tag.map(str::to_owned),
                sort,
                ..Default::default()
            };
            let mut got = Vec::new();
            loop {
                let page = lib.list_images(&q).await.unwrap();
                got.extend(page.items.into_iter().map(|i| i.id));
                match page.next_cursor {
                    Some(c) => q.cursor = Some(c),
                    None => break,
                }
            }
            let expected: Vec<String> = expected.into_iter().map(|(id,)| id).collect();
            assert!(!expected.is_empty());
            assert_eq!(got, expected, "{album:?} {tag:?} {sort:?}");
        }
    }
}
