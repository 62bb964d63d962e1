//! Preferences, the API key and file hand-over through `AppCore`, against a real library in a temp
//! folder and the fake Nano Banana server on 127.0.0.1.

use crate::queue_support;

use std::sync::Arc;

use fake_nanobanana::TaskScenario;
use nanoforge_core::accounts::{KeySource, KeychainStore, SecretPurpose, SecretStore, Secrets};
use nanoforge_core::catalog::PriceOverride;
use nanoforge_core::library::{ImageFileKind, ImageQuery, JobStatus, MetadataSource};
use nanoforge_core::providers::{ImageSize, Model};
use nanoforge_core::queue::{JobStage, ProviderKind};
use nanoforge_core::{AppCore, ErrorKind, Preferences, ProfileChoice};
use queue_support::*;

#[tokio::test]
async fn settings_default_then_persist_across_restarts() {
    let s = setup().await;
    let core = s.core().await;
    let defaults = core.session().preferences().await.unwrap();
    assert_eq!(defaults.default_model, Model::NanoBanana2);
    assert_eq!(defaults.default_size, ImageSize::S1K);
    assert_eq!(defaults.concurrency, 4);
    assert!(defaults.price_overrides.is_empty());
    assert_eq!(defaults.monthly_budget_usd, None);

    let mut changed = defaults.clone();
    changed.default_size = ImageSize::S4K;
    changed.price_overrides = vec![PriceOverride {
        model: Model::NanoBanana2,
        size: ImageSize::S4K,
        usd: 0.12,
    }];
    changed.monthly_budget_usd = Some(20.0);
    changed.concurrency = 2;
    changed.notify_when_done = false;
    assert_eq!(
        core.session()
            .update_preferences(changed.clone())
            .await
            .unwrap(),
        changed
    );
    core.session().library().close().await;
    drop(core);

    let reopened = s.core().await;
    assert_eq!(reopened.session().preferences().await.unwrap(), changed);
}

#[tokio::test]
async fn invalid_settings_are_refused_and_nothing_is_saved() {
    let s = setup().await;
    let core = s.core().await;
    let good = core.session().preferences().await.unwrap();
    type Spoil = Box<dyn Fn(&mut Preferences)>;
    let cases: Vec<(&str, Spoil)> = vec![
        ("concurrency", Box::new(|x| x.concurrency = 0)),
        ("concurrency", Box::new(|x| x.concurrency = 9)),
        ("images per generation", Box::new(|x| x.default_count = 5)),
        (
            "price",
            Box::new(|x| {
                x.price_overrides = vec![PriceOverride {
                    model: Model::NanoBanana2,
                    size: ImageSize::S1K,
                    usd: -0.01,
                }]
            }),
        ),
        (
            "price",
            Box::new(|x| {
                x.price_overrides = vec![PriceOverride {
                    model: Model::NanoBanana2,
                    size: ImageSize::S1K,
                    usd: f64::NAN,
                }]
            }),
        ),
        (
            "no 4K size",
            Box::new(|x| {
                x.price_overrides = vec![PriceOverride {
                    model: Model::NanoBanana,
                    size: ImageSize::S4K,
                    usd: 0.1,
                }]
            }),
        ),
        (
            "default size",
            Box::new(|x| {
                x.default_model = Model::NanoBanana;
                x.default_size = ImageSize::S4K;
            }),
        ),
        ("budget", Box::new(|x| x.monthly_budget_usd = Some(-5.0))),
        ("recovery window", Box::new(|x| x.recovery_window_days = 0)),
        ("demo", Box::new(|x| x.default_model = Model::Demo)),
    ];
    for (needle, spoil) in cases {
        let mut bad = good.clone();
        spoil(&mut bad);
        let err = core.session().update_preferences(bad).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{needle}: {err}");
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
    assert_eq!(core.session().preferences().await.unwrap(), good);
}

#[tokio::test]
async fn new_prices_apply_to_the_next_job_at_once() {
    let s = setup().await;
    let core = s.core().await;
    let mut settings = core.session().preferences().await.unwrap();
    settings.price_overrides = vec![PriceOverride {
        model: Model::NanoBanana,
        size: ImageSize::S1K,
        usd: 0.25,
    }];
    core.session().update_preferences(settings).await.unwrap();

    let mut req = request("a priced teapot", Model::NanoBanana);
    req.count = 2;
    let jobs = core
        .session()
        .generate(req, Default::default())
        .await
        .unwrap();
    let done = core.session().wait(&jobs[0].id).await.unwrap();
    assert_eq!(done.status, JobStatus::Completed, "{done:?}");
    assert_eq!(done.cost, 0.5);
}

#[tokio::test]
async fn lowering_concurrency_makes_jobs_wait_for_a_free_slot() {
    let s = setup().await;
    // Each task stays pending for 400 ms, so two jobs with one slot cannot overlap.
    s.server.set_scenario(TaskScenario {
        pending_ms: 400,
        ..Default::default()
    });
    let core = s.core().await;
    let mut settings = core.session().preferences().await.unwrap();
    settings.concurrency = 1;
    core.session().update_preferences(settings).await.unwrap();

    let mut events = core.job_events();
    let first = core
        .session()
        .generate(request("first", Model::NanoBanana), Default::default())
        .await
        .unwrap();
    let second = core
        .session()
        .generate(request("second", Model::NanoBanana), Default::default())
        .await
        .unwrap();
    let (a, b) = (first[0].id.clone(), second[0].id.clone());
    let mut order = Vec::new();
    tokio::time::timeout(PATIENCE, async {
        while order.iter().filter(|(_, k)| *k == "done").count() < 2 {
            let e = events.recv().await.unwrap();
            let kind = match e.stage {
                JobStage::Submitted { .. } => "submitted",
                JobStage::Done { .. } => "done",
                _ => continue,
            };
            order.push((e.job_id, kind));
        }
    })
    .await
    .expect("both jobs finish");
    let pos = |id: &str, kind: &str| order.iter().position(|(j, k)| j == id && *k == kind);
    let (first_done, second_submitted) = if pos(&a, "submitted") < pos(&b, "submitted") {
        (pos(&a, "done"), pos(&b, "submitted"))
    } else {
        (pos(&b, "done"), pos(&a, "submitted"))
    };
    assert!(
        first_done < second_submitted,
        "with one slot the second job starts after the first ends: {order:?}"
    );
}

fn keychain_available() -> bool {
    if std::env::var("NANOFORGE_KEYRING_TEST").as_deref() == Ok("1") {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but NANOFORGE_KEYRING_TEST is not 1 (see scripts/with-keyring.sh)"
    );
    eprintln!("note: keychain test skipped; set NANOFORGE_KEYRING_TEST=1 with a Secret Service");
    false
}

#[tokio::test]
async fn setting_the_api_key_switches_from_demo_to_nano_banana_and_back() {
    if !keychain_available() || std::env::var("NANOBANANA_API_KEY").is_ok() {
        return;
    }
    let s = setup().await;
    // Its own keychain service, so a developer's real key is never touched.
    let store = Arc::new(KeychainStore::with_service(format!(
        "dev.nanoforge.studio.test.settings-{}",
        std::process::id()
    )));
    let _ = store.delete("local", SecretPurpose::NanoBananaKey);
    let secrets = Secrets::new(store.clone());
    let core = AppCore::open_with(s.config(), secrets, ProfileChoice::Current)
        .await
        .unwrap();

    let before = core
        .session()
        .key_status(SecretPurpose::NanoBananaKey)
        .await
        .unwrap();
    assert!(!before.configured);
    assert_eq!(before.provider, ProviderKind::Demo);
    assert!(before.keychain_error.is_none(), "{before:?}");

    let key = s.server.api_key().to_owned();
    let status = core
        .session()
        .set_key(SecretPurpose::NanoBananaKey, format!("  {key}\n"))
        .await
        .unwrap();
    assert!(status.configured);
    assert_eq!(status.source, Some(KeySource::Keychain));
    assert_eq!(status.provider, ProviderKind::NanoBanana);
    let tail: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert_eq!(
        status.masked.as_deref(),
        Some(format!("••••••••{tail}").as_str())
    );

    // The next generation goes to the service with the stored key.
    let jobs = core
        .session()
        .generate(request("keyed", Model::NanoBanana), Default::default())
        .await
        .unwrap();
    let done = core.session().wait(&jobs[0].id).await.unwrap();
    assert_eq!(
        (done.provider.as_str(), done.status),
        ("nanobanana", JobStatus::Completed)
    );

    let cleared = core
        .session()
        .clear_key(SecretPurpose::NanoBananaKey)
        .await
        .unwrap();
    assert!(!cleared.configured);
    assert_eq!(cleared.provider, ProviderKind::Demo);
    assert_eq!(
        store.get("local", SecretPurpose::NanoBananaKey).unwrap(),
        None
    );
    let blank = core
        .session()
        .set_key(SecretPurpose::NanoBananaKey, "   ".into())
        .await
        .unwrap_err();
    assert_eq!(blank.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn save_as_copies_the_original_and_metadata_reads_back() {
    let s = setup().await;
    let core = s.core().await;
    let jobs = core
        .session()
        .generate(
            request("a lighthouse to keep", Model::NanoBanana),
            Default::default(),
        )
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

    let out = s.dir.path().join("exports").join("keep.png");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    core.session()
        .library()
        .save_image_as(&image.id, &out)
        .await
        .unwrap();
    let original = std::fs::read(core.session().image_file(&image.id).await.unwrap()).unwrap();
    let copy = std::fs::read(&out).unwrap();
    assert_eq!(copy, original);

    // The UI sends only the chunks before the image data (ui/src/lib/png.ts); both read the same.
    let head = png_head_before_image_data(&copy).to_vec();
    assert!(
        head.len() < copy.len() / 2,
        "{} of {}",
        head.len(),
        copy.len()
    );
    let from_head = core.session().read_image_metadata(head).await.unwrap();
    let meta = core
        .session()
        .read_image_metadata(copy)
        .await
        .unwrap()
        .expect("metadata");
    assert_eq!(from_head.as_ref(), Some(&meta));
    assert_eq!(meta.source, MetadataSource::Nanoforge);
    assert_eq!(meta.prompt.as_deref(), Some("a lighthouse to keep"));
    assert_eq!(
        core.session()
            .read_image_metadata(b"not an image".to_vec())
            .await
            .unwrap(),
        None
    );

    let rgba = core
        .session()
        .library()
        .image_rgba(&image.id)
        .await
        .unwrap();
    assert_eq!(
        rgba.pixels.len() as u64,
        u64::from(rgba.width) * u64::from(rgba.height) * 4
    );

    let missing = core
        .session()
        .library()
        .save_image_as("no-such-image", &out)
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn synthetic_seeding_fills_pages_that_resolve_to_files() {
    let s = setup().await;
    let core: AppCore = s.core().await;
    assert_eq!(
        core.session()
            .library()
            .seed_synthetic(1_000)
            .await
            .unwrap(),
        1_000
    );
    let mut seen = 0;
    let mut hashes = std::collections::BTreeSet::new();
    let mut query = ImageQuery {
        limit: Some(500),
        ..Default::default()
    };
    loop {
        let page = core.session().library().list_images(&query).await.unwrap();
        for image in &page.items {
            assert!(
                core.session()
                    .library()
                    .absolute_path(&image.path)
                    .unwrap()
                    .exists()
            );
            // Each hash has its own thumbnail file, found by the hash alone.
            if hashes.insert(image.sha256.clone()) {
                let thumb = core
                    .session()
                    .library()
                    .thumbnail_file(&image.sha256, ImageFileKind::Thumb)
                    .await
                    .unwrap();
                assert!(thumb.is_some_and(|b| b.starts_with(&[0xFF, 0xD8, 0xFF])));
            }
        }
        seen += page.items.len();
        match page.next_cursor {
            Some(c) => query.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, 1_000);
    // A thousand distinct thumbnail URLs: the gallery benchmark loads what a real library would.
    assert_eq!(hashes.len(), 1_000);
}

/// What the UI sends of a dropped PNG: everything before the image data, plus the start of it.
fn png_head_before_image_data(bytes: &[u8]) -> &[u8] {
    let mut offset = 8;
    while offset + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[offset..offset + 4].try_into().unwrap()) as usize;
        if &bytes[offset + 4..offset + 8] == b"IDAT" {
            return &bytes[..bytes.len().min(offset + 8 + len.min(16))];
        }
        offset += 12 + len;
    }
    bytes
}
