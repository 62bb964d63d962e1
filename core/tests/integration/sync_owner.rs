//! A bucket library belongs to one account: `library.json` names its owner, a profile of another
//! account pointed at it is refused before anything is read or written, a library made before
//! owners existed is claimed once by the first profile that syncs it, and the `NANOFORGE_SYNC_*`
//! variables set up the profile the process runs for only. Two signed-in profiles of one device,
//! one bucket.

use crate::sync_support;

use std::sync::Arc;
use std::time::Duration;

use nanoforge_core::accounts::{
    Profile, ProfileKind, ProfileRegistry, SecretPurpose, Secrets, SessionStore, account_profile_id,
};
use nanoforge_core::{AppCore, CoreConfig, ErrorKind, ProfileChoice};
use sync_support::{BUCKET, World, generate, plant, snapshot, sync};

const ISSUER: &str = "https://issuer.test";

/// Signed-in profiles `alice` and `bob` on one device (as a sign-in makes them), the core opened
/// on `alice`; `env`: the `NANOFORGE_SYNC_*` variables the process started with.
async fn two_accounts(world: &World, env: Vec<(String, String)>) -> AppCore {
    std::fs::create_dir_all(world.data_dir("device")).unwrap();
    let registry = ProfileRegistry::new(world.data_dir("device"));
    for name in ["alice", "bob"] {
        let mut p = Profile::new(&account_profile_id(ISSUER, name), ProfileKind::Google);
        p.issuer = Some(ISSUER.into());
        p.subject = Some(name.into());
        p.email = Some(format!("{name}@example.test"));
        registry.upsert_account(p).unwrap();
    }
    let mut config = CoreConfig::new(world.data_dir("device"));
    config.demo_latency = Some(Duration::ZERO);
    config.poll_interval = Duration::from_millis(20);
    config.sync_env = env;
    let secret = world.s3.secret_key().to_owned();
    let secrets = Secrets::with_env(Arc::new(SessionStore::new()), move |name| {
        (name == SecretPurpose::SyncSecretKey.env_var()).then(|| secret.clone())
    });
    let alice = ProfileChoice::Named(account_profile_id(ISSUER, "alice"));
    AppCore::open_with(config, secrets, alice).await.unwrap()
}

/// Points the open profile at `prefix` of the world's bucket (secret typed).
async fn set_up(world: &World, core: &AppCore, prefix: &str) {
    core.session()
        .update_sync_setup(
            world.settings(prefix),
            Some(world.s3.secret_key().to_owned()),
        )
        .await
        .unwrap();
}

fn owner_at(world: &World, prefix: &str) -> Option<String> {
    let path = world
        .s3
        .root()
        .join(BUCKET)
        .join(prefix)
        .join("library.json");
    let root: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    root["owner"].as_str().map(str::to_owned)
}

#[tokio::test]
async fn a_library_of_another_account_is_refused_and_nothing_is_merged() {
    let world = World::start().await;
    let core = two_accounts(&world, Vec::new()).await;
    set_up(&world, &core, "shared/").await;
    generate(&core, "alice's lighthouse", 1).await;
    sync(&core).await;
    assert_eq!(
        owner_at(&world, "shared/").as_deref(),
        Some(account_profile_id(ISSUER, "alice").as_str())
    );
    let bucket_before = world.keys();

    core.switch_profile(&account_profile_id(ISSUER, "bob"))
        .await
        .unwrap();
    set_up(&world, &core, "shared/").await;
    generate(&core, "bob's windmill", 1).await;
    let bob_before = snapshot(&core).await;
    let refused = core
        .session()
        .sync_now()
        .await
        .expect_err("another account's library");
    assert_eq!(refused.kind(), ErrorKind::SyncOtherAccount);
    assert!(
        refused.to_string().contains("belongs to another account"),
        "{refused}"
    );
    // The connection test says so too, before anything is saved.
    let probe = core
        .session()
        .test_sync_connection(
            world.settings("shared/"),
            Some(world.s3.secret_key().into()),
        )
        .await;
    assert_eq!(
        probe.expect_err("refused").kind(),
        ErrorKind::SyncOtherAccount
    );
    // Nothing merged either way.
    assert_eq!(snapshot(&core).await, bob_before);
    assert_eq!(world.keys(), bucket_before);

    // Bob's own prefix works; Alice's library is still hers alone.
    set_up(&world, &core, "bob/").await;
    sync(&core).await;
    core.switch_profile(&account_profile_id(ISSUER, "alice"))
        .await
        .unwrap();
    let prompts: Vec<String> = snapshot(&core)
        .await
        .into_keys()
        .filter(|k| k.starts_with("job "))
        .collect();
    assert_eq!(prompts.len(), 1);
    sync(&core).await;
    core.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_library_without_an_owner_is_claimed_once_by_the_first_account_that_syncs_it() {
    let world = World::start().await;
    // As a version before owners wrote it.
    plant(
        &world,
        "old/library.json",
        br#"{"format":1,"library_id":"0f6c8f1e-legacy","created_ms":1700000000000}"#,
    );
    let core = two_accounts(&world, Vec::new()).await;
    core.switch_profile(&account_profile_id(ISSUER, "bob"))
        .await
        .unwrap();
    set_up(&world, &core, "old/").await;
    generate(&core, "bob's windmill", 1).await;
    let first = sync(&core).await;
    assert!(first.claimed_library, "{first:?}");
    let bob = account_profile_id(ISSUER, "bob");
    assert_eq!(owner_at(&world, "old/").as_deref(), Some(bob.as_str()));
    let root =
        std::fs::read_to_string(world.s3.root().join(BUCKET).join("old/library.json")).unwrap();
    assert!(
        root.contains("0f6c8f1e-legacy"),
        "the same library, now owned: {root}"
    );
    assert!(!sync(&core).await.claimed_library, "claimed once");

    core.switch_profile(&account_profile_id(ISSUER, "alice"))
        .await
        .unwrap();
    set_up(&world, &core, "old/").await;
    let refused = core.session().sync_now().await.expect_err("bob's now");
    assert_eq!(refused.kind(), ErrorKind::SyncOtherAccount);
    core.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_sync_variables_set_up_only_the_profile_the_process_opened() {
    let world = World::start().await;
    let env = [
        ("NANOFORGE_SYNC_ENDPOINT", world.s3.endpoint()),
        ("NANOFORGE_SYNC_BUCKET", BUCKET),
        ("NANOFORGE_SYNC_ACCESS_KEY_ID", world.s3.access_key()),
        ("NANOFORGE_SYNC_PREFIX", "env/"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .to_vec();
    let core = two_accounts(&world, env).await;
    // Alice, opened first, syncs through the variables alone (no setup saved, no keychain).
    generate(&core, "alice's lighthouse", 1).await;
    sync(&core).await;
    assert_eq!(
        core.session()
            .sync_status()
            .await
            .unwrap()
            .prefix
            .as_deref(),
        Some("env/")
    );

    // Bob is another profile: the variables are not his, and his library goes nowhere.
    core.switch_profile(&account_profile_id(ISSUER, "bob"))
        .await
        .unwrap();
    assert!(!core.session().sync_status().await.unwrap().configured);
    let error = core.session().sync_now().await.expect_err("not set up");
    assert_eq!(error.kind(), ErrorKind::SyncNotConfigured);
    assert!(world.keys().iter().all(|k| k.starts_with("env/")));
    assert_eq!(
        owner_at(&world, "env/").as_deref(),
        Some(account_profile_id(ISSUER, "alice").as_str())
    );
    core.shutdown().await.unwrap();
}
