//! A pull that brings more new images than one of the apply's chunks (500): every image arrives
//! once, with its first versions and its files queued, and an image that two devices announce in
//! the same pull is inserted once and then merged field by field, whether the two ops fall in the
//! same chunk or not.

use crate::sync_support;

use serde_json::{Value, json};
use sync_support::{World, image_ids, plant, plant_head, segment, sync};

const IMAGES: usize = 1_203;

fn now_hlc() -> i64 {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64;
    ms << 16
}

/// A new image's record as a device announces it (its files are never uploaded: they stay queued).
fn record(n: usize, rating: u8) -> Value {
    let sha = format!("{n:064x}");
    let dir = &sha[..2];
    json!({
        "id": format!("01890000-0000-7000-8000-{n:012x}"),
        "job_id": null, "position": 0, "sha256": sha,
        "path": format!("images/{dir}/{sha}.png"), "mime": "image/png",
        "width": 1024, "height": 1024, "bytes": 1000 + n,
        "thumb_path": format!("thumbs/{dir}/{sha}_256.jpg"),
        "preview_path": format!("thumbs/{dir}/{sha}_512.jpg"),
        "image_size": 1024, "kind": "generated", "flag": null,
        "created_at": 1_700_000_000_000_i64 + n as i64,
        "favourite": false, "rating": rating, "deleted_at": null,
    })
}

fn image_op(n: usize, hlc: i64, rating: u8) -> Value {
    let record = record(n, rating);
    json!({"op": "image", "id": record["id"], "hlc": hlc, "record": record})
}

async fn count(core: &nanoforge_core::AppCore, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(core.session().library().pool())
        .await
        .expect("count");
    n
}

#[tokio::test]
async fn a_pull_of_more_images_than_a_chunk_brings_each_once_with_its_versions_and_files() {
    let world = World::start().await;
    let laptop = world.device("laptop").await;
    sync(&laptop).await;
    let hlc = now_hlc();
    let alpha: Vec<Value> = (0..IMAGES).map(|n| image_op(n, hlc, 1)).collect();
    // Beta announces two of alpha's images later with 4 stars: image 700 falls in a chunk that is
    // already inserted when beta's op comes (0–499, 500–999), image 1,100 in the chunk still
    // waiting (1,000–1,202); and one image of its own.
    let beta = [
        image_op(700, hlc + 1, 4),
        image_op(1_100, hlc + 1, 4),
        image_op(IMAGES, hlc + 1, 2),
    ];
    // A segment holds at most 1,000 operations: alpha's come in two.
    let (first, second) = alpha.split_at(1_000);
    plant(
        &world,
        "lib/ops/alpha/0000000000000001.ndjson.gz",
        &segment("alpha", 1, first),
    );
    plant(
        &world,
        "lib/ops/alpha/0000000000000002.ndjson.gz",
        &segment("alpha", 2, second),
    );
    plant_head(&world, "lib/", "alpha", 2);
    plant(
        &world,
        "lib/ops/beta/0000000000000001.ndjson.gz",
        &segment("beta", 1, &beta),
    );
    plant_head(&world, "lib/", "beta", 1);

    let report = sync(&laptop).await;
    assert_eq!(report.new_images as usize, IMAGES + 1, "{report:?}");
    let ids = image_ids(&laptop).await;
    assert_eq!(ids.len(), IMAGES + 1);
    let expected: Vec<String> = (0..=IMAGES)
        .map(|n| format!("01890000-0000-7000-8000-{n:012x}"))
        .collect();
    assert_eq!(ids, expected, "every image, once");
    let rated = |n: usize| {
        format!("SELECT rating FROM images WHERE id = '01890000-0000-7000-8000-{n:012x}'")
    };
    assert_eq!(count(&laptop, &rated(700)).await, 4, "beta's later rating");
    assert_eq!(
        count(&laptop, &rated(1_100)).await,
        4,
        "beta's later rating"
    );
    assert_eq!(count(&laptop, &rated(1_101)).await, 1, "alpha's rating");
    assert_eq!(count(&laptop, &rated(IMAGES)).await, 2, "beta's own image");
    // Three versions per image (favourite, rating, trashed); the rating of 700 and 1,100 is beta's.
    assert_eq!(
        count(
            &laptop,
            "SELECT count(*) FROM sync_versions WHERE entity = 'image'"
        )
        .await,
        3 * (IMAGES as i64 + 1)
    );
    assert_eq!(
        count(
            &laptop,
            "SELECT count(*) FROM sync_versions WHERE field = 'rating' AND device = 'beta'"
        )
        .await,
        3
    );
    // Original, 256 and 512 px of each, queued to download (none is in the bucket: they stay).
    assert_eq!(
        count(
            &laptop,
            "SELECT count(*) FROM sync_files WHERE direction = 'down'"
        )
        .await,
        3 * (IMAGES as i64 + 1)
    );
    assert_eq!(report.files_left as usize, 3 * (IMAGES + 1), "{report:?}");
    laptop.shutdown().await.expect("shutdown");
}
