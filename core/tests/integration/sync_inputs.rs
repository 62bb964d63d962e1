//! Local input images for Nano Banana, which fetches inputs only by URL: the file goes to the
//! sync bucket once and the service gets a short-lived presigned link; the job keeps the image
//! ids (lineage on every device); a rerun signs new links. Without sync, a clear error and
//! nothing recorded.

use crate::library_support;
use crate::sync_support;

use fake_nanobanana::{Endpoint, FakeServer};
use nanoforge_core::accounts::SecretPurpose;
use nanoforge_core::providers::{GenerationRequest, Model};
use nanoforge_core::queue::GenerateOptions;
use nanoforge_core::{AppCore, ErrorKind};
use sha2::{Digest, Sha256};
use sync_support::{World, snapshot, sync};

async fn with_nano_banana(world: &World, name: &str, server: &FakeServer) -> AppCore {
    let url = server.base_url().to_owned();
    let core = world
        .device_tweaked(name, world.settings("lib/"), |c| {
            c.nanobanana_base_url = url
        })
        .await;
    core.session()
        .set_key(SecretPurpose::NanoBananaKey, server.api_key())
        .await
        .unwrap();
    core
}

/// The `imageUrls` of every submit the fake received, in order.
fn submitted_urls(server: &FakeServer) -> Vec<Vec<String>> {
    server
        .requests()
        .into_iter()
        .filter(|r| {
            matches!(
                r.endpoint,
                Endpoint::SubmitV1 | Endpoint::Submit2 | Endpoint::SubmitPro
            )
        })
        .map(|r| {
            r.body
                .as_ref()
                .and_then(|b| b["imageUrls"].as_array().cloned())
                .unwrap_or_default()
                .into_iter()
                .filter_map(|u| u.as_str().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn a_local_input_reaches_nano_banana_as_a_presigned_link() {
    let world = World::start().await;
    let server = FakeServer::start().await.unwrap();
    let desk = with_nano_banana(&world, "desk", &server).await;
    let input = desk
        .session()
        .import_input_bytes(library_support::png_bytes(64, 48, 7))
        .await
        .unwrap();

    let mut request = GenerationRequest::new("make it blue", Model::NanoBanana2);
    request.input_images = vec![input.id.clone()];
    let job = desk
        .session()
        .generate(request, Default::default())
        .await
        .unwrap()
        .remove(0);
    let done = desk.session().wait(&job.id).await.unwrap();
    assert_eq!(done.input_image_ids, vec![input.id.clone()]);
    assert_eq!(
        done.status,
        nanoforge_core::library::JobStatus::Completed,
        "{done:?}"
    );

    let urls = submitted_urls(&server);
    assert_eq!(urls.len(), 1);
    assert_eq!(urls[0].len(), 1, "{urls:?}");
    assert!(urls[0][0].contains("X-Amz-Signature="), "{urls:?}");
    // Anyone with the link can fetch exactly the input's bytes (no keys needed).
    let bytes = reqwest::get(&urls[0][0])
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(format!("{:x}", Sha256::digest(&bytes)), input.sha256);

    // Another device sees the input and the lineage.
    sync(&desk).await;
    let laptop = world.device("laptop").await;
    sync(&laptop).await;
    assert_eq!(
        laptop
            .session()
            .library()
            .get_job(&job.id)
            .await
            .unwrap()
            .input_image_ids,
        vec![input.id.clone()]
    );
    assert_eq!(snapshot(&laptop).await, snapshot(&desk).await);

    // Run again: a freshly signed link, not the old one on top.
    let again = desk
        .session()
        .rerun(&job.id, GenerateOptions::default())
        .await
        .unwrap()
        .remove(0);
    desk.session().wait(&again.id).await.unwrap();
    let urls = submitted_urls(&server);
    assert_eq!(urls.len(), 2);
    assert_eq!(urls[1].len(), 1, "only the new link: {urls:?}");
    assert!(urls[1][0].contains("X-Amz-Signature="));
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}

#[tokio::test]
async fn without_sync_a_local_input_for_nano_banana_is_refused_and_nothing_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let server = FakeServer::start().await.unwrap();
    let url = server.base_url().to_owned();
    let core = sync_support::open_core_with(dir.path(), |c| c.nanobanana_base_url = url).await;
    core.session()
        .set_key(SecretPurpose::NanoBananaKey, server.api_key())
        .await
        .unwrap();
    let input = core
        .session()
        .import_input_bytes(library_support::png_bytes(32, 32, 3))
        .await
        .unwrap();
    let mut request = GenerationRequest::new("make it blue", Model::NanoBanana2);
    request.input_images = vec![input.id];
    let error = core
        .session()
        .generate(request, Default::default())
        .await
        .expect_err("needs sync");
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.to_string().contains("set up sync"), "{error}");
    assert_eq!(core.session().library().job_count().await.unwrap(), 0);
    assert_eq!(server.submit_count(), 0);
    core.shutdown().await.unwrap();
}
