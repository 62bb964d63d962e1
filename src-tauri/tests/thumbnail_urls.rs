//! The image protocol's cacheable thumbnail URLs (`/<profile>/<key>/<kind>/<sha256>`), served
//! from the real core: the file by its hash with an `immutable` answer, made again when it is
//! missing, and refused for another profile, another opening's key or anything that is not a
//! thumbnail hash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use nanoforge_app_lib::serve_image_path;
use nanoforge_core::accounts::{Profile, ProfileKind, ProfileRegistry, Secrets, SessionStore};
use nanoforge_core::library::ImageRecord;
use nanoforge_core::providers::{GenerationRequest, Model};
use nanoforge_core::queue::{GenerateOptions, ProviderKind};
use nanoforge_core::{AppCore, CoreConfig, ProfileChoice};

async fn core_with_one_image() -> (AppCore, ImageRecord, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    ProfileRegistry::new(dir.path())
        .upsert_account(Profile::new("g-bob", ProfileKind::Google))
        .unwrap();
    let mut config = CoreConfig::new(dir.path());
    config.demo_latency = Some(Duration::ZERO);
    let core = AppCore::open_with(
        config,
        Secrets::new(Arc::new(SessionStore::new())),
        ProfileChoice::Current,
    )
    .await
    .unwrap();
    let session = core.session();
    let options = GenerateOptions {
        provider: Some(ProviderKind::Demo),
        ..GenerateOptions::default()
    };
    let jobs = session
        .generate(
            GenerationRequest::new("a paper crane", Model::NanoBanana),
            options,
        )
        .await
        .unwrap();
    let done = session.wait(&jobs[0].id).await.unwrap();
    let image = session.job_images(&done.id).await.unwrap().remove(0);
    (core, image, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thumbnail_by_hash_is_its_file_cached_for_good_and_made_again_when_missing() {
    let (core, image, _dir) = core_with_one_image().await;
    let session = core.session();
    let key = session.image_url_key().to_owned();
    let sha = &image.sha256;
    let thumb_file = session
        .file_path(image.thumb_path.as_deref().unwrap())
        .unwrap();
    let on_disk = std::fs::read(&thumb_file).unwrap();

    let thumb = serve_image_path(&core, &format!("/local/{key}/thumb/{sha}")).await;
    assert_eq!(thumb.status(), 200);
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    assert_eq!(
        thumb.headers()["cache-control"],
        "private, max-age=31536000, immutable"
    );
    assert_eq!(thumb.body(), &on_disk);
    let preview = serve_image_path(&core, &format!("/local/{key}/preview/{sha}")).await;
    assert_eq!(preview.status(), 200);
    assert_ne!(
        preview.body(),
        &on_disk,
        "the preview is its own, larger file"
    );

    // A lost thumbnail is made again from the original on request.
    std::fs::remove_file(&thumb_file).unwrap();
    let again = serve_image_path(&core, &format!("/local/{key}/thumb/{sha}")).await;
    assert_eq!(again.status(), 200);
    assert!(again.body().starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(thumb_file.exists());

    let unknown = "0".repeat(64);
    for refused in [
        // Not a thumbnail kind, not this opening's key, not a hash this library has.
        format!("/local/{key}/original/{sha}"),
        format!("/local/{}/thumb/{sha}", "f".repeat(32)),
        format!("/local//thumb/{sha}"),
        format!("/local/{key}/thumb/{unknown}"),
        format!("/local/{key}/thumb/{}", sha.to_uppercase()),
        format!("/local/{key}/thumb/{}", &sha[..63]),
        format!("/local/{key}/thumb/..%2F..%2Flibrary.sqlite"),
        format!("/local/{key}/thumb/{sha}/x"),
        format!("/g-bob/{key}/thumb/{sha}"),
    ] {
        assert_eq!(
            serve_image_path(&core, &refused).await.status(),
            404,
            "{refused}"
        );
    }

    // Deleted for good: its files go, and its URL with them.
    assert_eq!(
        session
            .purge(std::slice::from_ref(&image.id))
            .await
            .unwrap(),
        1
    );
    let gone = serve_image_path(&core, &format!("/local/{key}/thumb/{sha}")).await;
    assert_eq!(gone.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_profile_or_a_later_opening_never_serves_an_earlier_url() {
    let (core, image, _dir) = core_with_one_image().await;
    let first_key = core.session().image_url_key().to_owned();
    let sha = &image.sha256;
    let first = format!("/local/{first_key}/thumb/{sha}");
    assert_eq!(serve_image_path(&core, &first).await.status(), 200);

    core.switch_profile("g-bob").await.unwrap();
    let bob_key = core.session().image_url_key().to_owned();
    assert_ne!(bob_key, first_key, "each opening has its own key");
    for path in [first.clone(), format!("/g-bob/{bob_key}/thumb/{sha}")] {
        assert_eq!(serve_image_path(&core, &path).await.status(), 404, "{path}");
    }

    // Back on the local library: a new key; the old URL stays dead, the new one serves.
    core.switch_profile("local").await.unwrap();
    let again_key = core.session().image_url_key().to_owned();
    assert_ne!(again_key, first_key);
    assert_eq!(serve_image_path(&core, &first).await.status(), 404);
    let fresh = format!("/local/{again_key}/thumb/{sha}");
    assert_eq!(serve_image_path(&core, &fresh).await.status(), 200);
    let info = core.app_info().await.unwrap();
    assert_eq!(
        info.image_url_key, again_key,
        "the page learns the key from app_info"
    );
}
