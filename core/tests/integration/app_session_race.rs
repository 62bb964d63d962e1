//! A profile switch racing each per-profile operation never mixes profiles: an operation resolves
//! its session once and runs wholly in it. Each race is made deterministic by holding the
//! operation's request at a gate of the S3 test server (or of the provider), switching profiles
//! meanwhile, then letting it through.
//!
//! Before sessions were resolved once, `generate` with a library input and `rerun` of such a job
//! read the job and uploaded the input in one profile, then recorded the new job in whichever
//! profile was open by then (where the input does not exist: NotFound); an original fetched on
//! demand was checked in one profile and read from the other.

use crate::library_support;
use crate::sync_support::{World, open_core_with};
use fake_nanobanana::{FakeServer, TaskScenario};
use nanoforge_core::accounts::{Profile, ProfileKind, ProfileRegistry, SecretPurpose};
use nanoforge_core::library::{ImageFileKind, ImageQuery, JobStatus, NewJob};
use nanoforge_core::providers::{GenerationRequest, Model};
use nanoforge_core::queue::{GenerateOptions, ProviderKind};
use nanoforge_core::sync::SyncSetup;
use nanoforge_core::{AppCore, ErrorKind};
use s3_test_server::{Fault, FaultAction, Gate, Op};
use sha2::{Digest, Sha256};

const BOB: &str = "g-bob";

/// A core whose current profile is `local`, with `g-bob` on the device too; Nano Banana at
/// `server` and sync to the world's bucket for `local`.
async fn device(world: &World, name: &str, server: &FakeServer, keep_originals: bool) -> AppCore {
    ProfileRegistry::new(world.data_dir(name))
        .upsert_account(Profile::new(BOB, ProfileKind::Google))
        .unwrap();
    let url = server.base_url().to_owned();
    let core = open_core_with(&world.data_dir(name), |c| c.nanobanana_base_url = url).await;
    let session = core.session();
    let setup = SyncSetup {
        keep_originals,
        ..world.settings("lib/")
    };
    session
        .update_sync_setup(setup, Some(world.s3.secret_key().to_owned()))
        .await
        .unwrap();
    session
        .set_key(SecretPurpose::NanoBananaKey, server.api_key())
        .await
        .unwrap();
    core
}

/// Holds the next S3 request of `op` at a gate.
fn hold(world: &World, op: Op) -> Gate {
    let gate = Gate::new();
    world
        .s3
        .push_fault(Fault::new(op, FaultAction::Hold(gate.clone())));
    gate
}

#[tokio::test]
async fn an_input_upload_and_a_rerun_finish_in_the_profile_they_started_in() {
    let world = World::start().await;
    let server = FakeServer::start().await.unwrap();
    let core = device(&world, "desk", &server, true).await;
    let local = core.session();
    let input = local
        .import_input_bytes(library_support::png_bytes(64, 48, 7))
        .await
        .unwrap();

    // Generate with a library input: its upload to the bucket is held while the profile switches.
    let gate = hold(&world, Op::PutObject);
    let mut request = GenerationRequest::new("make it blue", Model::NanoBanana2);
    request.input_images = vec![input.id.clone()];
    let generating = {
        let local = local.clone();
        tokio::spawn(async move { local.generate(request, GenerateOptions::default()).await })
    };
    gate.arrived(1).await;
    core.switch_profile(BOB).await.unwrap();
    gate.open();
    let job = generating.await.unwrap().unwrap().remove(0);
    let done = local.wait(&job.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Completed, "{done:?}");
    assert_eq!(done.input_image_ids, vec![input.id.clone()]);
    let bob = core.session();
    assert_eq!(bob.profile().id, BOB);
    assert_eq!(
        bob.job_count().await.unwrap(),
        0,
        "nothing was recorded in bob's library"
    );

    // A job of the local profile with an input the bucket does not have yet, run again while bob
    // is open: the upload is held while the profile switches back and forth.
    core.switch_profile("local").await.unwrap();
    let fresh = local
        .import_input_bytes(library_support::png_bytes(32, 32, 9))
        .await
        .unwrap();
    let old = local
        .library()
        .insert_job(&NewJob {
            input_image_ids: vec![fresh.id.clone()],
            ..NewJob::text_to_image(
                "an old one",
                ProviderKind::NanoBanana,
                Model::NanoBanana2,
                nanoforge_core::catalog::ImageSize::S1K,
            )
        })
        .await
        .unwrap();
    let gate = hold(&world, Op::PutObject);
    let rerunning = {
        let local = local.clone();
        let id = old.id.clone();
        tokio::spawn(async move { local.rerun(&id, GenerateOptions::default()).await })
    };
    gate.arrived(1).await;
    core.switch_profile(BOB).await.unwrap();
    gate.open();
    let again = rerunning.await.unwrap().unwrap().remove(0);
    assert_eq!(again.parent_job_id.as_deref(), Some(old.id.as_str()));
    assert_eq!(
        local.get_job(&again.id).await.unwrap().input_image_ids,
        vec![fresh.id]
    );
    assert_eq!(core.session().job_count().await.unwrap(), 0);
    local.wait(&again.id).await.unwrap();
    core.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_original_fetched_on_demand_is_served_from_the_profile_that_asked() {
    let world = World::start().await;
    let server = FakeServer::start().await.unwrap();
    // The desk makes an image and syncs it; the phone keeps thumbnails only.
    let desk = device(&world, "desk", &server, true).await;
    let made = desk.session();
    let options = GenerateOptions {
        provider: Some(ProviderKind::Demo),
        ..GenerateOptions::default()
    };
    let job = made
        .generate(
            GenerationRequest::new("a lamp", Model::NanoBanana2),
            options,
        )
        .await
        .unwrap()
        .remove(0);
    let job = made.wait(&job.id).await.unwrap();
    let image = made.job_images(&job.id).await.unwrap().remove(0);
    made.sync_now().await.unwrap();
    let phone = device(&world, "phone", &server, false).await;
    let local = phone.session();
    local.sync_now().await.unwrap();

    // The phone opens the original: its download is held while the profile switches.
    let gate = hold(&world, Op::GetObject);
    let reading = {
        let local = local.clone();
        let id = image.id.clone();
        tokio::spawn(async move { local.image_file_bytes(&id, ImageFileKind::Original).await })
    };
    gate.arrived(1).await;
    phone.switch_profile(BOB).await.unwrap();
    gate.open();
    let (bytes, _) = reading.await.unwrap().unwrap();
    assert_eq!(format!("{:x}", Sha256::digest(&bytes)), image.sha256);
    // Bob's session has no such image, cached or not.
    let refused = phone
        .session()
        .image_file_bytes(&image.id, ImageFileKind::Thumb)
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::NotFound);
    desk.shutdown().await.unwrap();
    phone.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_sync_and_a_retry_stay_in_their_profile() {
    let world = World::start().await;
    let server = FakeServer::start().await.unwrap();
    let core = device(&world, "desk", &server, true).await;
    let local = core.session();
    let options = GenerateOptions {
        provider: Some(ProviderKind::Demo),
        ..GenerateOptions::default()
    };
    let job = local
        .generate(
            GenerationRequest::new("a kite", Model::NanoBanana2),
            options,
        )
        .await
        .unwrap()
        .remove(0);
    local.wait(&job.id).await.unwrap();

    // A sync held at its first upload while bob opens: it syncs the local library, to the local
    // profile's bucket prefix, and bob's library learns nothing of it.
    let gate = hold(&world, Op::PutObject);
    let syncing = {
        let local = local.clone();
        tokio::spawn(async move { local.sync_now().await })
    };
    gate.arrived(1).await;
    core.switch_profile(BOB).await.unwrap();
    gate.open();
    let report = syncing.await.unwrap().unwrap();
    assert!(report.uploaded_files >= 3, "{report:?}");
    assert!(world.keys().iter().any(|k| k.starts_with("lib/heads/")));
    let bob = core.session();
    assert_eq!(bob.sync_status().await.unwrap().last_sync_ms, None);
    assert!(
        bob.list_images(&ImageQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // A recovery started for the local profile finishes there, whoever is open: the task is
    // still generating when the job's 1 s runs out, so the job is recoverable.
    core.switch_profile("local").await.unwrap();
    server.set_scenario(TaskScenario {
        pending_ms: 2_000,
        ..TaskScenario::default()
    });
    let paid = local
        .generate(
            GenerationRequest::new("a paid kite", Model::NanoBanana2),
            GenerateOptions {
                timeout_secs: Some(1),
                ..GenerateOptions::default()
            },
        )
        .await
        .unwrap()
        .remove(0);
    let recoverable = local.wait(&paid.id).await.unwrap();
    assert_eq!(
        recoverable.status,
        JobStatus::Recoverable,
        "{recoverable:?}"
    );
    let retrying = local.retry(&paid.id).await.unwrap();
    assert_eq!(retrying.id, paid.id);
    core.switch_profile(BOB).await.unwrap();
    let done = local.wait(&paid.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Completed, "{done:?}");
    assert_eq!(core.session().job_count().await.unwrap(), 0);
    core.shutdown().await.unwrap();
}
