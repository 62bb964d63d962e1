//! Deletions forever that arrive from another device: a mass delete waits for the user (the rest
//! of that pull applies; the deletions stay pending, in the status, until confirmed), and an image
//! whose original exists only on this device goes to its Trash with its file instead of being
//! unlinked.

use crate::sync_support;

use nanoforge_core::library::ImageQuery;
use s3_test_server::{ErrorAnswer, Fault, Op};
use sha2::{Digest, Sha256};
use sync_support::{World, assert_files_match, generate, image_ids, snapshot, sync};

#[tokio::test]
async fn a_mass_delete_from_another_device_waits_for_confirmation() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    for prompt in ["a red kite", "a green kite", "a blue kite"] {
        generate(&desk, prompt, 4).await;
    }
    sync(&desk).await;
    sync(&laptop).await;
    let ids = image_ids(&laptop).await;
    assert_eq!(ids.len(), 12);

    // The desk deletes 11 of the 12 forever, rates the one it keeps and makes a new one.
    let (doomed, kept) = ids.split_at(11);
    desk.session().library().purge(doomed).await.unwrap();
    desk.session()
        .library()
        .set_rating(&kept[0], 4)
        .await
        .unwrap();
    generate(&desk, "a yellow kite", 1).await;
    sync(&desk).await;

    let pulled = sync(&laptop).await;
    let pending = pulled
        .pending_deletions
        .clone()
        .expect("deletions held back");
    let desk_id = desk.session().sync_status().await.unwrap().device_id;
    assert_eq!(
        (pending.count, pending.library_size),
        (11, 13),
        "{pending:?}"
    );
    assert_eq!(pending.devices.len(), 1);
    assert_eq!(pending.devices[0].device_id, desk_id);
    assert_eq!(pending.devices[0].count, 11);
    assert!(
        pending.devices[0].name.is_some(),
        "the desk's name, from its head"
    );
    // Nothing was deleted; everything else of the pull arrived.
    let here = snapshot(&laptop).await;
    for id in doomed {
        assert!(
            here.contains_key(&format!("image {id}")),
            "{id} was deleted"
        );
    }
    assert!(here[&format!("image {}", kept[0])].contains("rating=4"));
    assert_eq!(image_ids(&laptop).await.len(), 13, "the new image arrived");
    assert_eq!(pulled.new_images, 1);
    // The status says so, and keeps saying so until confirmed.
    let status = laptop.session().sync_status().await.unwrap();
    assert_eq!(status.pending_deletions, Some(pending.clone()));
    assert_eq!(sync(&laptop).await.pending_deletions, Some(pending));

    let applied = laptop.session().apply_pending_deletions().await.unwrap();
    assert_eq!((applied.deleted, applied.kept), (11, 0));
    assert_eq!(snapshot(&laptop).await, snapshot(&desk).await);
    assert_files_match(&laptop).await;
    assert_eq!(
        laptop
            .session()
            .sync_status()
            .await
            .unwrap()
            .pending_deletions,
        None
    );
    assert_eq!(sync(&laptop).await.pending_deletions, None);
    for core in [desk, laptop] {
        core.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn a_few_deletions_from_another_device_apply_at_once() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    for prompt in ["a red kite", "a green kite", "a blue kite"] {
        generate(&desk, prompt, 4).await;
    }
    sync(&desk).await;
    sync(&laptop).await;
    // Ten is not more than ten: applied without asking, however much of the library it is.
    let ids = image_ids(&desk).await;
    desk.session().library().purge(&ids[..10]).await.unwrap();
    sync(&desk).await;
    let pulled = sync(&laptop).await;
    assert_eq!(pulled.pending_deletions, None);
    assert_eq!(snapshot(&laptop).await, snapshot(&desk).await);
    for core in [desk, laptop] {
        core.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn a_purge_from_elsewhere_keeps_an_original_that_exists_only_here() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    generate(&laptop, "only on the laptop", 1).await;
    generate(&laptop, "also in the bucket", 1).await;
    let lone = laptop
        .session()
        .library()
        .list_images(&ImageQuery {
            search: Some("only".into()),
            ..ImageQuery::default()
        })
        .await
        .unwrap()
        .items
        .remove(0);
    let lone_file = laptop
        .session()
        .library()
        .absolute_path(&lone.path)
        .unwrap();
    // Its original cannot be uploaded yet (here: the file is away during the first sync); its
    // record and thumbnails reach the bucket.
    let away = lone_file.with_extension("away");
    std::fs::rename(&lone_file, &away).unwrap();
    let first = sync(&laptop).await;
    std::fs::rename(&away, &lone_file).unwrap();
    assert_eq!(first.files_left, 1, "{first:?}");
    assert!(
        laptop
            .session()
            .library()
            .get_image(&lone.id)
            .await
            .unwrap()
            .deleted_at
            .is_none()
    );

    sync(&desk).await;
    let both = image_ids(&desk).await;
    desk.session().library().purge(&both).await.unwrap();
    sync(&desk).await;
    // The laptop's upload keeps failing while it pulls the purges.
    world
        .s3
        .push_fault(Fault::error(Op::PutObject, ErrorAnswer::internal_error()).always());
    sync(&laptop).await;
    world.s3.clear_faults();

    let ids = image_ids(&laptop).await;
    assert_eq!(
        ids,
        std::slice::from_ref(&lone.id),
        "the other image was deleted, this one kept"
    );
    let kept = laptop
        .session()
        .library()
        .get_image(&lone.id)
        .await
        .unwrap();
    assert!(kept.deleted_at.is_some(), "in the Trash");
    let bytes = std::fs::read(&lone_file).expect("its original is still here");
    assert_eq!(format!("{:x}", Sha256::digest(&bytes)), lone.sha256);
    // It is this device's alone now: nothing about it goes to the bucket any more.
    let after = sync(&laptop).await;
    assert_eq!(
        (after.uploaded_files, after.ops_pushed, after.files_left),
        (0, 0, 0),
        "{after:?}"
    );
    assert!(
        !world.keys().iter().any(|k| k.ends_with(&lone.path)),
        "{:?}",
        world.keys()
    );
    assert!(image_ids(&desk).await.is_empty());
    sync(&desk).await;
    assert!(
        image_ids(&desk).await.is_empty(),
        "it never comes back elsewhere"
    );
    // Emptying the Trash removes it for good, like any image.
    assert_eq!(laptop.session().library().empty_trash().await.unwrap(), 1);
    assert!(!lone_file.exists());
    for core in [desk, laptop] {
        core.shutdown().await.unwrap();
    }
}
