//! One profile's jobs, images, files, settings and keys are never reachable while another profile
//! is open, and come back whole when it is opened again. Profiles are made the way a sign-in makes
//! them (listed on the device, with a library folder of their own).

use std::sync::Arc;
use std::time::Duration;

use nanoforge_core::accounts::{
    Profile, ProfileKind, ProfileRegistry, SecretPurpose, Secrets, SessionStore,
};
use nanoforge_core::library::{ImageFileKind, ImageQuery, JobQuery, StatsQuery};
use nanoforge_core::providers::{GenerationRequest, Model};
use nanoforge_core::queue::GenerateOptions;
use nanoforge_core::queue::ProviderKind;
use nanoforge_core::{AppCore, CoreConfig, ErrorKind, ProfileChoice};

fn account(id: &str, email: &str) -> Profile {
    let mut p = Profile::new(id, ProfileKind::Google);
    p.issuer = Some("https://issuer.test".into());
    p.subject = Some(id.into());
    p.email = Some(email.into());
    p
}

async fn demo_image(core: &AppCore, prompt: &str) -> (String, String) {
    let options = GenerateOptions {
        provider: Some(ProviderKind::Demo),
        ..GenerateOptions::default()
    };
    let jobs = core
        .session()
        .generate(GenerationRequest::new(prompt, Model::NanoBanana), options)
        .await
        .unwrap();
    let done = core.session().wait(&jobs[0].id).await.unwrap();
    let image = core
        .session()
        .library()
        .job_images(&done.id)
        .await
        .unwrap()
        .remove(0);
    (done.id, image.id)
}

#[tokio::test]
async fn nothing_of_one_profile_is_reachable_from_another() {
    let dir = tempfile::tempdir().unwrap();
    let registry = ProfileRegistry::new(dir.path());
    registry
        .upsert_account(account("g-alice", "alice@example.test"))
        .unwrap();
    registry
        .upsert_account(account("g-bob", "bob@example.test"))
        .unwrap();
    let mut config = CoreConfig::new(dir.path());
    config.demo_latency = Some(Duration::ZERO);
    let store = Arc::new(SessionStore::new());
    let core = AppCore::open_with(
        config,
        Secrets::new(store),
        ProfileChoice::Named("g-alice".into()),
    )
    .await
    .unwrap();
    let mut events = core.job_events();

    let (alice_job, alice_image) = demo_image(&core, "alice's lighthouse").await;
    let event = events.recv().await.unwrap();
    assert_eq!(event.profile_id, "g-alice", "events name their profile");
    let mut settings = core.session().preferences().await.unwrap();
    settings.concurrency = 2;
    core.session()
        .update_preferences(settings.clone())
        .await
        .unwrap();
    core.session()
        .set_key(SecretPurpose::NanoBananaKey, "alice-secret-key-1234".into())
        .await
        .unwrap();
    let alice_root = core.session().library().root().to_path_buf();

    let bob = core.switch_profile("g-bob").await.unwrap();
    assert_eq!((bob.id.as_str(), bob.current), ("g-bob", true));
    let session = core.session();
    let library = session.library();
    assert_ne!(library.root(), alice_root.as_path());
    assert!(
        library
            .list_images(&ImageQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        library
            .list_jobs(&JobQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let found = library
        .list_jobs(&JobQuery {
            search: Some("lighthouse".into()),
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert!(found.items.is_empty(), "search does not cross profiles");
    assert_eq!(
        library.get_job(&alice_job).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        library.get_image(&alice_image).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    for kind in [
        ImageFileKind::Original,
        ImageFileKind::Thumb,
        ImageFileKind::Preview,
    ] {
        let refused = library
            .image_file_bytes(&alice_image, kind)
            .await
            .unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::NotFound);
    }
    assert_eq!(
        core.session()
            .image_file(&alice_image)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        library
            .stats(&StatsQuery::default())
            .await
            .unwrap()
            .totals
            .jobs,
        0
    );
    assert_ne!(
        core.session().preferences().await.unwrap(),
        settings,
        "bob has his own settings"
    );
    let key = core
        .session()
        .key_status(SecretPurpose::NanoBananaKey)
        .await
        .unwrap();
    assert!(!key.configured, "alice's key is not bob's: {key:?}");
    assert_eq!(
        core.session().default_provider().await.unwrap(),
        ProviderKind::Demo
    );

    // Bob's own work stays his.
    let (_, bob_image) = demo_image(&core, "bob's boat").await;
    assert_eq!(core.app_info().await.unwrap().job_count, 1);

    core.switch_profile("g-alice").await.unwrap();
    let session = core.session();
    let library = session.library();
    assert_eq!(
        library.get_job(&alice_job).await.unwrap().prompt,
        "alice's lighthouse"
    );
    let (bytes, mime) = library
        .image_file_bytes(&alice_image, ImageFileKind::Thumb)
        .await
        .unwrap();
    assert_eq!(mime, "image/jpeg");
    assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG thumbnail");
    assert_eq!(
        library.get_image(&bob_image).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(core.session().preferences().await.unwrap(), settings);
    assert!(
        core.session()
            .key_status(SecretPurpose::NanoBananaKey)
            .await
            .unwrap()
            .configured
    );
}

#[tokio::test]
async fn removing_a_profile_deletes_its_folder_and_keys_and_keeps_local() {
    let dir = tempfile::tempdir().unwrap();
    let registry = ProfileRegistry::new(dir.path());
    registry
        .upsert_account(account("g-carol", "carol@example.test"))
        .unwrap();
    registry.set_current("g-carol", 1).unwrap();
    let mut config = CoreConfig::new(dir.path());
    config.demo_latency = Some(Duration::ZERO);
    let store = Arc::new(SessionStore::new());
    let core = AppCore::open_with(config, Secrets::new(store.clone()), ProfileChoice::Current)
        .await
        .unwrap();
    assert_eq!(
        core.session().profile().id,
        "g-carol",
        "the current profile opens"
    );
    demo_image(&core, "carol's cat").await;
    core.session()
        .set_key(SecretPurpose::GeminiKey, "carol-gemini-key".into())
        .await
        .unwrap();
    let folder = core.session().library().root().to_path_buf();

    assert_eq!(
        core.remove_profile("local").await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(core.remove_profile("g-carol").await.unwrap(), None);
    assert_eq!(core.session().profile().id, "local");
    assert!(!folder.exists());
    use nanoforge_core::accounts::SecretStore;
    assert_eq!(
        store.get("g-carol", SecretPurpose::GeminiKey).unwrap(),
        None
    );
    assert_eq!(registry.list().unwrap().len(), 1);
    assert_eq!(registry.current_id().unwrap(), "local");
    assert_eq!(
        core.remove_profile("g-carol").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );

    // An unknown profile named on open is an error and creates nothing.
    let before: Vec<_> = std::fs::read_dir(dir.path().join("profiles"))
        .unwrap()
        .collect();
    let error = AppCore::open_with(
        CoreConfig::new(dir.path()),
        Secrets::new(Arc::new(SessionStore::new())),
        ProfileChoice::Named("g-nobody".into()),
    )
    .await
    .err()
    .expect("unknown profile");
    assert_eq!(error.kind(), ErrorKind::NotFound);
    let after: Vec<_> = std::fs::read_dir(dir.path().join("profiles"))
        .unwrap()
        .collect();
    assert_eq!(before.len(), after.len());
}
