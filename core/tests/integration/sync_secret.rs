//! The saved secret access key is bound to where it was typed for: another endpoint, bucket or
//! access key id needs it typed again — when the setup is saved, when a connection is tested and
//! when a sync runs — across restarts, and the other place never hears of it.

use crate::sync_support;

use std::sync::Arc;

use nanoforge_core::accounts::{Secrets, SessionStore};
use nanoforge_core::sync::SyncSetup;
use nanoforge_core::{AppCore, ErrorKind, ProfileChoice};
use s3_test_server::S3Server;
use sync_support::{BUCKET, World, generate, open_core_with, sync};

fn kind_of<T: std::fmt::Debug>(result: nanoforge_core::Result<T>) -> ErrorKind {
    result.expect_err("an error").kind()
}

/// A core on `name`'s data folder whose secrets live in `store` (kept across restarts, as the
/// keychain is).
async fn device(world: &World, name: &str, store: &Arc<SessionStore>) -> AppCore {
    let secrets = Secrets::new(store.clone());
    let mut config = nanoforge_core::CoreConfig::new(world.data_dir(name));
    config.demo_latency = Some(std::time::Duration::ZERO);
    AppCore::open_with(config, secrets, ProfileChoice::Current)
        .await
        .unwrap()
}

#[tokio::test]
async fn another_endpoint_bucket_or_key_id_needs_the_secret_again() {
    let world = World::start().await;
    let elsewhere = S3Server::start(world.dir.path().join("elsewhere"))
        .await
        .unwrap();
    elsewhere.create_bucket(BUCKET).await.unwrap();
    let store = Arc::new(SessionStore::new());
    let desk = device(&world, "desk", &store).await;
    let good = world.settings("lib/");
    let secret = world.s3.secret_key().to_owned();
    desk.session()
        .update_sync_setup(good.clone(), Some(secret.clone()))
        .await
        .unwrap();
    generate(&desk, "a brass owl", 1).await;
    sync(&desk).await;

    let mut moved_host = good.clone();
    moved_host.endpoint = elsewhere.endpoint().to_owned();
    let mut moved_bucket = good.clone();
    moved_bucket.bucket = "another-bucket".into();
    let mut moved_key = good.clone();
    moved_key.access_key_id = "another-key-id".into();
    for moved in [&moved_host, &moved_bucket, &moved_key] {
        let session = desk.session();
        let saved = session.update_sync_setup(moved.clone(), None).await;
        assert_eq!(kind_of(saved), ErrorKind::SyncSecretRequired, "{moved:?}");
        let tested = session.test_sync_connection(moved.clone(), None).await;
        assert_eq!(kind_of(tested), ErrorKind::SyncSecretRequired, "{moved:?}");
        assert_eq!(session.sync_setup().await.unwrap(), good, "nothing saved");
    }
    let error = desk
        .session()
        .update_sync_setup(moved_host.clone(), None)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("enter the secret access key again"),
        "{error}"
    );
    // What is not where the secret goes may change without it.
    let mut same_place = good.clone();
    same_place.prefix = "elsewhere-in-the-bucket/".into();
    same_place.keep_originals = false;
    same_place.auto_sync = true;
    desk.session()
        .update_sync_setup(same_place.clone(), None)
        .await
        .unwrap();

    // The binding outlives a restart (the secret store is the keychain's stand-in).
    desk.shutdown().await.unwrap();
    drop(desk);
    let desk = device(&world, "desk", &store).await;
    assert_eq!(
        kind_of(
            desk.session()
                .update_sync_setup(moved_host.clone(), None)
                .await
        ),
        ErrorKind::SyncSecretRequired
    );
    // A setup that points elsewhere without going through the check (an older version, or the
    // settings edited) does not take the saved secret there either.
    moved_host.save(desk.session().library()).await.unwrap();
    assert_eq!(
        kind_of(desk.session().sync_now().await),
        ErrorKind::SyncSecretRequired
    );
    assert_eq!(
        elsewhere.counts().total(),
        0,
        "the other host never heard of it"
    );

    // Typed again, it goes there, and is bound there from now on.
    let mut there = moved_host.clone();
    there.access_key_id = elsewhere.access_key().to_owned();
    desk.session()
        .update_sync_setup(there.clone(), Some(elsewhere.secret_key().to_owned()))
        .await
        .unwrap();
    sync(&desk).await;
    assert!(elsewhere.counts().total() > 0);
    assert_eq!(
        kind_of(desk.session().update_sync_setup(good.clone(), None).await),
        ErrorKind::SyncSecretRequired
    );
    desk.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_secret_saved_before_bindings_stays_with_the_setup_it_was_saved_with() {
    let world = World::start().await;
    let desk = open_core_with(&world.data_dir("desk"), |_| {}).await;
    let good = world.settings("lib/");
    desk.session()
        .update_sync_setup(good.clone(), Some(world.s3.secret_key().into()))
        .await
        .unwrap();
    // As an older version left it: the secret and the setup, no binding.
    sqlx::query("DELETE FROM settings WHERE key = 'sync_secret_for'")
        .execute(desk.session().library().pool())
        .await
        .unwrap();
    sync(&desk).await;
    let mut moved: SyncSetup = good.clone();
    moved.bucket = "another-bucket".into();
    assert_eq!(
        kind_of(desk.session().update_sync_setup(moved, None).await),
        ErrorKind::SyncSecretRequired
    );
    desk.shutdown().await.unwrap();
}
