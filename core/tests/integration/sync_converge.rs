//! Two and three devices sharing one library through a real S3 server: everything a person does
//! on one shows up on the others, files byte for byte, and nothing comes back that was deleted.

use crate::sync_support;

use sync_support::{World, assert_files_match, generate, snapshot, sync};

#[tokio::test]
async fn a_second_device_gets_jobs_images_and_files_byte_for_byte() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;

    generate(&desk, "a lighthouse at dusk", 2).await;
    generate(&desk, "a fox in snow", 1).await;
    let first = sync(&desk).await;
    assert_eq!(
        first.uploaded_files,
        3 * 3,
        "3 originals and 2 thumbnails each: {first:?}"
    );
    assert!(first.ops_pushed >= 5, "{first:?}");

    let pulled = sync(&laptop).await;
    assert_eq!(pulled.ops_pulled, first.ops_pushed, "{pulled:?}");
    assert_eq!(pulled.downloaded_files, 9, "{pulled:?}");
    let on_desk = snapshot(&desk).await;
    assert_eq!(on_desk.len(), 2 + 3);
    assert_eq!(snapshot(&laptop).await, on_desk);
    assert_files_match(&laptop).await;

    // Nothing changed: nothing moves.
    let quiet = sync(&laptop).await;
    assert_eq!(
        (
            quiet.ops_pushed,
            quiet.ops_pulled,
            quiet.uploaded_files,
            quiet.downloaded_files
        ),
        (0, 0, 0, 0),
        "{quiet:?}"
    );
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}

#[tokio::test]
async fn favourites_ratings_trash_and_restore_travel_both_ways() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let phone = world.device("phone").await;
    generate(&desk, "three pears", 3).await;
    sync(&desk).await;
    sync(&phone).await;
    let ids: Vec<String> = snapshot(&phone)
        .await
        .keys()
        .filter_map(|k| k.strip_prefix("image ").map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), 3);

    // Each device edits something different, then both sync twice.
    phone
        .session()
        .library()
        .set_favourite(&ids[0], true)
        .await
        .unwrap();
    phone
        .session()
        .library()
        .set_rating(&ids[1], 4)
        .await
        .unwrap();
    desk.session().library().trash(&ids[2..3]).await.unwrap();
    for core in [&phone, &desk, &phone] {
        sync(core).await;
    }
    let seen = snapshot(&desk).await;
    assert_eq!(snapshot(&phone).await, seen);
    assert!(seen[&format!("image {}", ids[0])].contains("fav=true"));
    assert!(seen[&format!("image {}", ids[1])].contains("rating=4"));
    assert!(seen[&format!("image {}", ids[2])].contains("trashed=true"));

    // Restore on the phone wins over the older trash.
    phone.session().library().restore(&ids[2..3]).await.unwrap();
    sync(&phone).await;
    sync(&desk).await;
    assert!(snapshot(&desk).await[&format!("image {}", ids[2])].contains("trashed=false"));
    desk.shutdown().await.unwrap();
    phone.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_same_field_edited_on_two_devices_ends_the_same_everywhere() {
    let world = World::start().await;
    let a = world.device("a").await;
    let b = world.device("b").await;
    let c = world.device("c").await;
    generate(&a, "a red kite", 1).await;
    for core in [&a, &b, &c] {
        sync(core).await;
    }
    let id = snapshot(&a)
        .await
        .keys()
        .find_map(|k| k.strip_prefix("image ").map(str::to_owned))
        .unwrap();
    // Offline edits of the same field on all three; the last made wins on every device. Edits in
    // the same millisecond would tie (and the device id decide), so each clock is a second on.
    for (core, skew) in [(&b, 1000_i64), (&c, 2000)] {
        sqlx::query("UPDATE sync_device SET clock_skew_ms = ?")
            .bind(skew)
            .execute(core.session().library().pool())
            .await
            .unwrap();
    }
    a.session().library().set_rating(&id, 1).await.unwrap();
    b.session().library().set_rating(&id, 2).await.unwrap();
    c.session().library().set_rating(&id, 5).await.unwrap();
    for core in [&b, &a, &c, &a, &b] {
        sync(core).await;
    }
    let seen = snapshot(&a).await;
    assert!(
        seen[&format!("image {id}")].contains("rating=5"),
        "{seen:?}"
    );
    assert_eq!(snapshot(&b).await, seen);
    assert_eq!(snapshot(&c).await, seen);
    for core in [a, b, c] {
        core.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn delete_forever_spreads_and_never_comes_back() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    generate(&desk, "a paper boat", 2).await;
    sync(&desk).await;
    sync(&laptop).await;
    let ids: Vec<String> = snapshot(&desk)
        .await
        .keys()
        .filter_map(|k| k.strip_prefix("image ").map(str::to_owned))
        .collect();
    let gone_file = laptop
        .session()
        .library()
        .absolute_path(
            &laptop
                .session()
                .library()
                .get_image(&ids[0])
                .await
                .unwrap()
                .path,
        )
        .unwrap();
    assert!(gone_file.exists());
    let originals_before = world
        .keys()
        .iter()
        .filter(|k| k.contains("/images/"))
        .count();

    // The laptop, still offline, favourites the image the desk deletes for good.
    desk.session().library().purge(&ids[..1]).await.unwrap();
    laptop
        .session()
        .library()
        .set_favourite(&ids[0], true)
        .await
        .unwrap();
    sync(&desk).await;
    sync(&laptop).await;
    sync(&desk).await;
    for core in [&desk, &laptop] {
        let seen = snapshot(core).await;
        assert!(!seen.contains_key(&format!("image {}", ids[0])), "{seen:?}");
        assert!(seen.contains_key(&format!("image {}", ids[1])));
    }
    assert!(
        !gone_file.exists(),
        "the laptop's copy of the file went too"
    );
    let originals_after = world
        .keys()
        .iter()
        .filter(|k| k.contains("/images/"))
        .count();
    assert!(
        originals_after < originals_before,
        "the remote original went too: {originals_before} → {originals_after}"
    );
    // A third device that joins late never sees it.
    let late = world.device("late").await;
    sync(&late).await;
    assert_eq!(snapshot(&late).await, snapshot(&desk).await);
    assert_files_match(&late).await;
    for core in [desk, laptop, late] {
        core.shutdown().await.unwrap();
    }
}

/// The same Google account and the same bucket on two devices is enough: the default prefix comes
/// from the account's identity (its issuer and subject), not from anything device-local.
#[tokio::test]
async fn the_same_account_on_two_devices_meets_in_the_bucket_by_default() {
    use nanoforge_core::accounts::{Profile, ProfileKind, ProfileRegistry, account_profile_id};

    let world = World::start().await;
    let mut shared = world.settings("");
    shared.prefix = String::new();
    let mut cores = Vec::new();
    for (name, issuer) in [
        ("desk", "https://accounts.google.com"),
        ("phone", "accounts.google.com"),
    ] {
        let id = account_profile_id(issuer, "1089");
        ProfileRegistry::new(world.data_dir(name))
            .upsert_account(Profile::new(&id, ProfileKind::Google))
            .unwrap();
        let core = sync_support::open_core(&world.data_dir(name)).await;
        core.switch_profile(&id).await.unwrap();
        core.session()
            .update_sync_setup(shared.clone(), Some(world.s3.secret_key().to_owned()))
            .await
            .unwrap();
        cores.push(core);
    }
    generate(&cores[0], "one account, two devices", 1).await;
    sync(&cores[0]).await;
    sync(&cores[1]).await;
    assert_eq!(snapshot(&cores[1]).await, snapshot(&cores[0]).await);
    let id = account_profile_id("https://accounts.google.com", "1089");
    assert!(
        world
            .keys()
            .iter()
            .all(|k| k.starts_with(&format!("nanoforge/{id}/"))),
        "{:?}",
        world.keys()
    );
    for core in cores {
        core.shutdown().await.unwrap();
    }
}

/// A device offline through many changes on another (more than one segment's worth) catches up
/// in one sync, and its own offline edits still land.
#[tokio::test]
async fn a_device_offline_through_many_changes_catches_up() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    generate(&desk, "first light", 1).await;
    sync(&desk).await;
    sync(&laptop).await;
    let first = laptop
        .session()
        .library()
        .list_images(&Default::default())
        .await
        .unwrap()
        .items[0]
        .id
        .clone();
    laptop
        .session()
        .library()
        .set_rating(&first, 3)
        .await
        .unwrap();

    // 1,200 synthetic images (over the 1,000 operations of one segment) and edits, while the
    // laptop is away (sharing four thumbnails: this is about operations, not files).
    desk.session()
        .library()
        .seed_synthetic_with(1200, 4)
        .await
        .unwrap();
    let ids: Vec<String> = sqlx::query_as::<_, (String,)>("SELECT id FROM images LIMIT 300")
        .fetch_all(desk.session().library().pool())
        .await
        .unwrap()
        .into_iter()
        .map(|(id,)| id)
        .collect();
    for id in &ids[..100] {
        desk.session()
            .library()
            .set_favourite(id, true)
            .await
            .unwrap();
    }
    desk.session()
        .library()
        .trash(&ids[100..200])
        .await
        .unwrap();
    let pushed = sync(&desk).await;
    assert!(pushed.segments_pushed >= 2, "{pushed:?}");

    let caught_up = sync(&laptop).await;
    assert!(caught_up.segments_pulled >= 2, "{caught_up:?}");
    sync(&desk).await;
    let seen = snapshot(&desk).await;
    assert_eq!(seen.len(), 1 + 1 + 2400, "jobs and images");
    assert_eq!(snapshot(&laptop).await, seen);
    assert!(seen[&format!("image {first}")].contains("rating=3"));
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}
