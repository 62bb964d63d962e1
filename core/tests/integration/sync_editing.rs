//! An edit tree crosses devices through the bucket: a conversation made on the laptop (its turns,
//! signatures and images) and its named references reach the phone, which keeps only thumbnails,
//! fetches the originals the replay needs and continues the chain; the fake Gemini accepts the
//! laptop's signatures replayed from the phone, and the laptop sees the phone's edit in the tree.

use crate::sync_support::{World, sync};

use fake_gemini::FakeGemini;
use nanoforge_core::accounts::SecretPurpose;
use nanoforge_core::catalog::Model;
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::GenerationRequest;
use nanoforge_core::{AppCore, EditRequest};

async fn device(world: &World, fake: &FakeGemini, name: &str, keep_originals: bool) -> AppCore {
    let mut settings = world.settings("lib/");
    settings.keep_originals = keep_originals;
    let base = fake.base_url().to_owned();
    let core = world
        .device_tweaked(name, settings, move |c| c.gemini_base_url = base)
        .await;
    core.session()
        .set_key(SecretPurpose::GeminiKey, fake.api_key())
        .await
        .unwrap();
    core
}

#[tokio::test]
async fn a_conversation_made_on_one_device_is_continued_on_another() {
    let world = World::start().await;
    let fake = FakeGemini::start().await.unwrap();
    let laptop = device(&world, &fake, "laptop", true).await;
    let session = laptop.session();
    let jobs = session
        .generate(
            GenerationRequest::new("a lighthouse", Model::Gemini3ProImage),
            Default::default(),
        )
        .await
        .unwrap();
    let first = session.wait(&jobs[0].id).await.unwrap();
    let image1 = session
        .library()
        .job_images(&first.id)
        .await
        .unwrap()
        .remove(0);
    let edit = EditRequest {
        image_id: image1.id.clone(),
        instruction: "make the sky stormy".into(),
        ..EditRequest::default()
    };
    let second = session
        .wait(&session.edit(edit).await.unwrap().id)
        .await
        .unwrap();
    let image2 = session
        .library()
        .job_images(&second.id)
        .await
        .unwrap()
        .remove(0);
    session.set_reference("Keeper", &image1.id).await.unwrap();
    sync(&laptop).await;

    let phone = device(&world, &fake, "phone", false).await;
    sync(&phone).await;
    let on_phone = phone.session();
    let refs = on_phone.references().await.unwrap();
    assert_eq!(refs.len(), 1);
    assert_eq!(
        (refs[0].name.as_str(), refs[0].image_id.as_str()),
        ("Keeper", image1.id.as_str())
    );
    let edit = EditRequest {
        image_id: image2.id.clone(),
        instruction: "add a gull".into(),
        ..EditRequest::default()
    };
    let third = on_phone.edit(edit).await.unwrap();
    let third = on_phone.wait(&third.id).await.unwrap();
    assert_eq!(
        third.status,
        JobStatus::Completed,
        "{:?}",
        third.error_message
    );
    let sent = fake.last_generate().unwrap();
    assert_eq!(
        sent.status,
        Some(200),
        "the laptop's signatures, replayed from the phone"
    );
    let turns = sent.payload.unwrap().turns;
    assert_eq!(turns.len(), 5);
    let shas: Vec<_> = turns[3]
        .parts
        .iter()
        .filter_map(|p| p.sha256.clone())
        .collect();
    assert_eq!(shas, std::slice::from_ref(&image2.sha256));

    sync(&phone).await;
    sync(&laptop).await;
    let tree = laptop.session().lineage(&image1.id).await.unwrap();
    assert_eq!(tree.jobs, 3);
    assert_eq!(
        tree.root.children[0].children[0].job_id.as_deref(),
        Some(third.id.as_str())
    );
}
