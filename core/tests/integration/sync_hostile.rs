//! What a hostile or broken bucket cannot do: forged ids in operations (a purged image brought back
//! under another operation's id, an id that is a path), other bytes under an original's name taken
//! for the original, a bucket original deleted while another device's image still uses it, a
//! segment claiming 10^12 operations or a multi-GB head. Each ends in a clear error or is
//! skipped, and the library keeps working.

use crate::library_support;
use crate::sync_support;

use nanoforge_core::ErrorKind;
use nanoforge_core::library::replica::records::{IMAGE_COLUMNS, json_object_sql};
use serde_json::{Value, json};
use sync_support::{
    BUCKET, World, assert_files_match, generate, image_ids, plant, plant_head, segment, snapshot,
    sync,
};

fn now_hlc() -> i64 {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    ms << 16
}

#[tokio::test]
async fn operations_with_forged_ids_are_skipped_and_the_rest_applies() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    generate(&desk, "two paper boats", 2).await;
    sync(&desk).await;
    sync(&laptop).await;
    let ids = image_ids(&desk).await;
    let (purged, kept) = (&ids[0], &ids[1]);
    let sql = format!(
        "SELECT {} FROM images WHERE id = ?",
        json_object_sql(IMAGE_COLUMNS)
    );
    let (record,): (String,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(purged)
        .fetch_one(desk.session().library().pool())
        .await
        .unwrap();
    let record: Value = serde_json::from_str(&record).unwrap();
    desk.session()
        .library()
        .purge(std::slice::from_ref(purged))
        .await
        .unwrap();
    sync(&desk).await;
    sync(&laptop).await;
    assert!(!image_ids(&laptop).await.contains(purged));

    let mut as_path = record.clone();
    as_path["id"] = json!("../../x");
    let hlc = now_hlc();
    let ops = [
        // The purged image's record under a fresh operation id: its tombstone is not the one
        // checked, so it would come back.
        json!({"op": "image", "id": uuid::Uuid::now_v7().to_string(), "hlc": hlc, "record": record}),
        // An id that is a path (it would become a zip entry on export).
        json!({"op": "image", "id": "../../x", "hlc": hlc, "record": as_path}),
        json!({"op": "set", "id": "../../x", "hlc": hlc, "field": "rating", "value": 2}),
        // And one honest edit in the same segment.
        json!({"op": "set", "id": kept, "hlc": hlc, "field": "rating", "value": 5}),
    ];
    plant(
        &world,
        "lib/ops/evil/0000000000000001.ndjson.gz",
        &segment("evil", 1, &ops),
    );
    plant_head(&world, "lib/", "evil", 1);

    sync(&laptop).await;
    let ids = image_ids(&laptop).await;
    assert_eq!(ids, std::slice::from_ref(kept), "nothing forged got in");
    assert!(snapshot(&laptop).await[&format!("image {kept}")].contains("rating=5"));
    for core in [desk, laptop] {
        core.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn other_bytes_under_an_originals_name_are_not_taken_for_it() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    generate(&desk, "a brass owl", 1).await;
    let (path,): (String,) = sqlx::query_as("SELECT path FROM images")
        .fetch_one(desk.session().library().pool())
        .await
        .unwrap();
    let original = std::fs::read(desk.session().library().absolute_path(&path).unwrap()).unwrap();
    // Someone wrote other bytes of the same length there first.
    let forged: Vec<u8> = original.iter().map(|b| b ^ 0x5a).collect();
    plant(&world, &format!("lib/{path}"), &forged);

    sync(&desk).await;
    let in_bucket = std::fs::read(world.s3.root().join(BUCKET).join("lib").join(&path)).unwrap();
    assert!(in_bucket == original, "the bucket holds the original now");
    let pulled = sync(&laptop).await;
    assert_eq!(pulled.files_left, 0, "{pulled:?}");
    assert_files_match(&laptop).await;
    for core in [desk, laptop] {
        core.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn a_purge_keeps_a_bucket_original_that_another_devices_image_uses() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    let png = library_support::png_bytes(64, 48, 11);
    // The same file imported on both devices: two images, one object in the bucket.
    let mine = desk
        .session()
        .import_input_bytes(png.clone())
        .await
        .unwrap();
    sync(&desk).await;
    let theirs = laptop.session().import_input_bytes(png).await.unwrap();
    assert_eq!(mine.path, theirs.path);
    sync(&laptop).await;
    // The desk deletes its copy forever before it has pulled the laptop's.
    desk.session()
        .library()
        .purge(std::slice::from_ref(&mine.id))
        .await
        .unwrap();
    sync(&desk).await;
    assert!(
        world.keys().iter().any(|k| k.ends_with(&theirs.path)),
        "the laptop's image still needs it: {:?}",
        world.keys()
    );
    let late = world.device("late").await;
    let pulled = sync(&late).await;
    assert_eq!(pulled.files_left, 0, "{pulled:?}");
    assert_eq!(image_ids(&late).await, std::slice::from_ref(&theirs.id));
    assert_files_match(&late).await;
    for core in [desk, laptop, late] {
        core.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn a_segment_claiming_a_trillion_operations_is_a_clear_error_and_the_app_stays_up() {
    let world = World::start().await;
    let laptop = world.device("laptop").await;
    generate(&laptop, "a quiet harbour", 1).await;
    sync(&laptop).await;
    let header = json!({"format": 1, "device": "evil", "seq": 1, "ops": 1_000_000_000_000u64});
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, format!("{header}\n").as_bytes()).unwrap();
    plant(
        &world,
        "lib/ops/evil/0000000000000001.ndjson.gz",
        &gz.finish().unwrap(),
    );
    plant_head(&world, "lib/", "evil", 1);

    let error = laptop.session().sync_now().await.expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::SyncRefused);
    let message = error.to_string();
    assert!(
        message.contains("segment 1 of evil") && message.contains("claims"),
        "{message}"
    );
    // Still up, and the library works.
    generate(&laptop, "after the storm", 1).await;
    assert_eq!(image_ids(&laptop).await.len(), 2);
    laptop.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_multi_gigabyte_head_is_refused_before_it_is_read() {
    let world = World::start().await;
    let laptop = world.device("laptop").await;
    generate(&laptop, "a quiet harbour", 1).await;
    sync(&laptop).await;
    world
        .s3
        .plant_sparse(BUCKET, "lib/heads/huge.json", 5 << 30)
        .unwrap();

    let error = laptop.session().sync_now().await.expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::SyncRefused);
    let message = error.to_string();
    assert!(
        message.contains("heads/huge.json") && message.contains("5368709120 bytes"),
        "{message}"
    );
    generate(&laptop, "after the storm", 1).await;
    assert_eq!(image_ids(&laptop).await.len(), 2);
    laptop.shutdown().await.unwrap();
}
