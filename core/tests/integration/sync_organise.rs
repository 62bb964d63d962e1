//! Albums and tags between two devices through a real S3 server: made, renamed and deleted on one
//! and seen on the other; memberships and tags merged per (image, album) and (image, tag), so
//! concurrent adds and removes on two devices end the same on both, the later edit of each pair
//! winning; an album both devices made under one name before syncing is one album.

use crate::sync_support::{World, generate, sync};

use nanoforge_core::AppCore;
use nanoforge_core::library::ImageQuery;

async fn image_ids(core: &AppCore) -> Vec<String> {
    let page = core
        .session()
        .list_images(&ImageQuery::default())
        .await
        .unwrap();
    let mut ids: Vec<String> = page.items.into_iter().map(|i| i.id).collect();
    ids.sort();
    ids
}

/// Each album's name and its members (sorted), by name.
async fn albums(core: &AppCore) -> Vec<(String, Vec<String>)> {
    let session = core.session();
    let mut out = Vec::new();
    for album in session.albums().await.unwrap() {
        let query = ImageQuery {
            album: Some(album.id.clone()),
            ..ImageQuery::default()
        };
        let mut members: Vec<String> = session
            .list_images(&query)
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|i| i.id)
            .collect();
        members.sort();
        out.push((album.name, members));
    }
    out
}

async fn tags(core: &AppCore, ids: &[String]) -> Vec<Vec<String>> {
    let labels = core.session().image_labels(ids).await.unwrap();
    labels.into_iter().map(|l| l.tags).collect()
}

#[tokio::test]
async fn albums_and_tags_reach_the_other_device_and_concurrent_edits_merge_per_pair() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let phone = world.device("phone").await;
    generate(&desk, "four pears", 4).await;
    let ids = image_ids(&desk).await;
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| ids[i].clone());

    let on_desk = desk.session();
    let trips = on_desk.create_album("Trips").await.unwrap();
    on_desk
        .add_to_album(&trips.id, &[a.clone(), b.clone()])
        .await
        .unwrap();
    on_desk
        .add_tags(&a, &["Sunset".into(), "sea".into()])
        .await
        .unwrap();
    sync(&desk).await;
    sync(&phone).await;
    assert_eq!(image_ids(&phone).await, ids);
    assert_eq!(
        albums(&phone).await,
        [("Trips".to_owned(), vec![a.clone(), b.clone()])]
    );
    assert_eq!(
        tags(&phone, std::slice::from_ref(&a)).await,
        [["sea", "sunset"]]
    );
    let found = phone
        .session()
        .list_images(&ImageQuery {
            search: Some("trips sunset".into()),
            ..ImageQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        found.items.len(),
        1,
        "labels are searchable where they arrive"
    );

    // Both devices edit before either syncs: different pairs all survive; for the same pair
    // (b, Trips) and (a, sea), the later edit wins on both devices.
    let on_phone = phone.session();
    let trips_there = on_phone.album_named("trips").await.unwrap();
    assert_eq!(trips_there.id, trips.id);
    on_desk
        .remove_from_album(&trips.id, std::slice::from_ref(&a))
        .await
        .unwrap();
    on_desk
        .remove_from_album(&trips.id, std::slice::from_ref(&b))
        .await
        .unwrap();
    on_desk
        .add_to_album(&trips.id, std::slice::from_ref(&b))
        .await
        .unwrap();
    on_desk.remove_tags(&a, &["sea".into()]).await.unwrap();
    on_phone
        .add_to_album(&trips.id, std::slice::from_ref(&c))
        .await
        .unwrap();
    on_phone
        .remove_from_album(&trips.id, std::slice::from_ref(&b))
        .await
        .unwrap();
    // (An add of a tag the image has is no edit: the phone takes it off and puts it back.)
    on_phone.remove_tags(&a, &["sea".into()]).await.unwrap();
    on_phone.add_tags(&a, &["sea".into()]).await.unwrap();
    on_phone.add_tags(&d, &["pear".into()]).await.unwrap();
    for core in [&desk, &phone, &desk] {
        sync(core).await;
    }
    let expected = [("Trips".to_owned(), vec![c.clone()])];
    assert_eq!(albums(&desk).await, expected);
    assert_eq!(albums(&phone).await, expected);
    let want = vec![vec!["sea", "sunset"], vec!["pear"]];
    assert_eq!(tags(&desk, &[a.clone(), d.clone()]).await, want);
    assert_eq!(tags(&phone, &[a.clone(), d.clone()]).await, want);

    // Renamed on the phone, deleted on the desk afterwards: gone on both, images kept.
    on_phone.rename_album(&trips.id, "Journeys").await.unwrap();
    sync(&phone).await;
    sync(&desk).await;
    assert_eq!(albums(&desk).await[0].0, "Journeys");
    on_desk.delete_album(&trips.id).await.unwrap();
    sync(&desk).await;
    sync(&phone).await;
    assert!(albums(&phone).await.is_empty());
    assert_eq!(image_ids(&phone).await, ids);
    let counts = on_phone.tags().await.unwrap();
    let counts: Vec<(&str, u32)> = counts.iter().map(|t| (t.tag.as_str(), t.images)).collect();
    assert_eq!(counts, [("pear", 1), ("sea", 1), ("sunset", 1)]);

    // Both make "Pets" before syncing: one album with both devices' images.
    on_desk.create_album("Pets").await.unwrap();
    let pets = on_desk.album_named("Pets").await.unwrap();
    on_desk
        .add_to_album(&pets.id, std::slice::from_ref(&a))
        .await
        .unwrap();
    let pets_phone = on_phone.create_album("pets").await.unwrap();
    on_phone
        .add_to_album(&pets_phone.id, std::slice::from_ref(&d))
        .await
        .unwrap();
    for core in [&desk, &phone, &desk] {
        sync(core).await;
    }
    let mut both = vec![a.clone(), d.clone()];
    both.sort();
    assert_eq!(albums(&desk).await.len(), 1);
    assert_eq!(albums(&desk).await[0].1, both);
    assert_eq!(albums(&phone).await[0].1, both);

    // Deleted forever on one device, an image leaves its albums and tags on the other.
    on_desk.purge(std::slice::from_ref(&a)).await.unwrap();
    sync(&desk).await;
    sync(&phone).await;
    assert_eq!(albums(&phone).await[0].1, std::slice::from_ref(&d));
    let counts = on_phone.tags().await.unwrap();
    assert!(counts.iter().all(|t| t.tag != "sunset"), "{counts:?}");
    desk.shutdown().await.unwrap();
    phone.shutdown().await.unwrap();
}
