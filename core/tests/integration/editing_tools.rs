//! The editor's other tools: an upscale is a priced child job at the size asked for (an answer of
//! another size is kept and flagged); references are named images sent byte-for-byte in the user
//! turn; a Nano Banana edit hands the service its own result URL while it still serves it (else
//! needs sync); the lineage tree runs from the root through every edit, with its total cost.

use crate::gemini_support::{self, env, request, run};
use crate::queue_support;

use fake_gemini::Scenario;
use fake_nanobanana::{Endpoint, Fault, FaultAction, Target};
use nanoforge_core::catalog::{ImageSize, Model, ProviderKind};
use nanoforge_core::library::{ImageFlag, ImageRecord, JobPurpose, JobRecord, JobStatus};
use nanoforge_core::{EditRequest, ErrorKind};

async fn image_of(session: &nanoforge_core::Session, job: &JobRecord) -> ImageRecord {
    let job = session.wait(&job.id).await.unwrap();
    assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    session
        .library()
        .job_images(&job.id)
        .await
        .unwrap()
        .remove(0)
}

#[tokio::test]
async fn an_upscale_is_a_priced_child_at_the_size_asked_and_a_short_answer_is_flagged() {
    let env = env().await;
    let session = env.core.session();
    let made = run(&env, request("a heron", Model::Gemini31FlashImage), None).await;
    let image = session
        .library()
        .job_images(&made.id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(image.width, 1024);

    let job = session
        .upscale(&image.id, ImageSize::S4K, None, false)
        .await
        .unwrap();
    assert_eq!(job.purpose, Some(JobPurpose::Upscale));
    assert_eq!(job.parent_image_id.as_deref(), Some(image.id.as_str()));
    assert_eq!(
        (job.model, job.image_size),
        (Model::Gemini31FlashImage, ImageSize::S4K)
    );
    assert!(
        job.estimated_cost > made.estimated_cost,
        "4K costs more than 1K"
    );
    let big = image_of(&session, &job).await;
    assert_eq!((big.width, big.height), (4096, 4096));
    assert_eq!(big.flag, None);
    let sent = env.fake.last_generate().unwrap().payload.unwrap();
    assert_eq!(sent.image_size.as_deref(), Some("4K"));
    let shas: Vec<_> = sent.turns[0]
        .parts
        .iter()
        .filter_map(|p| p.sha256.clone())
        .collect();
    assert_eq!(
        shas,
        std::slice::from_ref(&image.sha256),
        "the image is re-rendered"
    );

    // The model answers at 1K although 4K was asked: kept (it was paid for), flagged.
    env.fake.set_scenario(Scenario {
        answer_size: Some("1K".into()),
        ..Scenario::default()
    });
    let job = session
        .upscale(&image.id, ImageSize::S4K, None, false)
        .await
        .unwrap();
    let short = image_of(&session, &job).await;
    assert_eq!(short.width, 1024);
    assert_eq!(short.flag, Some(ImageFlag::WrongSize));

    let error = session
        .upscale(&image.id, ImageSize::S1K, None, false)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn references_are_named_images_sent_as_they_were_added() {
    let env = env().await;
    let session = env.core.session();
    let made = run(
        &env,
        request("a portrait of Mira", Model::Gemini3ProImage),
        None,
    )
    .await;
    let mira = session
        .library()
        .job_images(&made.id)
        .await
        .unwrap()
        .remove(0);
    session.set_reference("Mira", &mira.id).await.unwrap();
    assert_eq!(session.references().await.unwrap()[0].name, "Mira");
    assert!(session.set_reference("  ", &mira.id).await.is_err());

    let beach = run(
        &env,
        request("an empty beach", Model::Gemini3ProImage),
        None,
    )
    .await;
    let beach = session
        .library()
        .job_images(&beach.id)
        .await
        .unwrap()
        .remove(0);
    let edit = EditRequest {
        image_id: beach.id.clone(),
        instruction: "Mira walks along the water".into(),
        references: vec!["mira".into()],
        ..EditRequest::default()
    };
    let job = session.edit(edit).await.unwrap();
    image_of(&session, &job).await;
    let sent = env.fake.last_generate().unwrap().payload.unwrap();
    let user = sent.turns.last().unwrap();
    let texts: Vec<_> = user.parts.iter().filter_map(|p| p.text.clone()).collect();
    assert_eq!(texts, ["Reference 'Mira':", "Mira walks along the water"]);
    let shas: Vec<_> = user.parts.iter().filter_map(|p| p.sha256.clone()).collect();
    assert_eq!(shas, std::slice::from_ref(&mira.sha256), "byte for byte");

    // The Generator picks references by name too: first, labelled, then the other inputs.
    let mut generation = request("Mira on a bicycle", Model::Gemini3ProImage);
    generation.references = vec!["Mira".into()];
    generation.input_images = vec![beach.id.clone()];
    let made = run(&env, generation, None).await;
    assert_eq!(
        made.status,
        JobStatus::Completed,
        "{:?}",
        made.error_message
    );
    assert_eq!(made.input_image_ids, [mira.id.clone(), beach.id.clone()]);
    let sent = env.fake.last_generate().unwrap().payload.unwrap();
    let user = sent.turns.last().unwrap();
    let texts: Vec<_> = user.parts.iter().filter_map(|p| p.text.clone()).collect();
    assert_eq!(texts[0], "Reference 'Mira':");
    let shas: Vec<_> = user.parts.iter().filter_map(|p| p.sha256.clone()).collect();
    assert_eq!(shas, [mira.sha256.clone(), beach.sha256.clone()]);
    let jobs_before = session.library().job_count().await.unwrap();
    let mut unknown = request("Nobody", Model::Gemini3ProImage);
    unknown.references = vec!["Nobody".into()];
    let err = session
        .generate(unknown, Default::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(session.library().job_count().await.unwrap(), jobs_before);

    // Removed: the name means nothing now; the job keeps what it sent.
    session.remove_reference("Mira").await.unwrap();
    assert!(session.references().await.unwrap().is_empty());
    let job = session.get_job(&job.id).await.unwrap();
    assert_eq!(job.input_image_ids, std::slice::from_ref(&mira.id));
    let missing = EditRequest {
        image_id: beach.id.clone(),
        instruction: "again".into(),
        references: vec!["Mira".into()],
        ..EditRequest::default()
    };
    assert_eq!(
        session.edit(missing).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn a_nano_banana_edit_sends_the_result_url_while_it_still_serves() {
    let s = queue_support::setup().await;
    let core = s.core().await;
    let session = core.session();
    let jobs = session
        .generate(
            queue_support::request("a tern", Model::NanoBanana2),
            Default::default(),
        )
        .await
        .unwrap();
    let first = session.wait(&jobs[0].id).await.unwrap();
    let image = image_of(&session, &first).await;
    let task = first.remote_task_id.clone().unwrap();

    let edit = |instruction: &str| EditRequest {
        image_id: image.id.clone(),
        instruction: instruction.into(),
        ..EditRequest::default()
    };
    let job = session.edit(edit("in flight")).await.unwrap();
    assert_eq!(job.provider, ProviderKind::NanoBanana);
    image_of(&session, &job).await;
    let submit = s
        .server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.endpoint == Endpoint::Submit2)
        .unwrap();
    let urls = submit.body.unwrap()["imageUrls"].clone();
    let url = urls[0].as_str().unwrap_or_default().to_owned();
    assert!(
        url.starts_with(s.server.base_url()) && url.contains(&task),
        "{url}"
    );

    // Its copy gone (404), and no sync to link ours: refused before anything is recorded.
    s.server.push_fault(Fault {
        task_id: Some(task.clone()),
        ..Fault::new(Target::Image, 100, FaultAction::NotFound)
    });
    let submits = s.server.submit_count();
    let error = session.edit(edit("gone")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.to_string().contains("sync"), "{error}");
    assert_eq!(s.server.submit_count(), submits);
}

#[tokio::test]
async fn the_tree_runs_from_the_root_through_every_edit_with_its_cost() {
    let env = gemini_support::env().await;
    let session = env.core.session();
    let root = run(&env, request("a lighthouse", Model::Gemini3ProImage), None).await;
    let image = session
        .library()
        .job_images(&root.id)
        .await
        .unwrap()
        .remove(0);
    let edit = |image: &ImageRecord, text: &str| EditRequest {
        image_id: image.id.clone(),
        instruction: text.into(),
        ..EditRequest::default()
    };
    let a = image_of(
        &session,
        &session.edit(edit(&image, "stormy")).await.unwrap(),
    )
    .await;
    let b = image_of(
        &session,
        &session.edit(edit(&image, "at night")).await.unwrap(),
    )
    .await;
    let c = image_of(
        &session,
        &session.edit(edit(&a, "with a gull")).await.unwrap(),
    )
    .await;

    // From any node, the same tree.
    let tree = session.lineage(&c.id).await.unwrap();
    assert_eq!(session.lineage(&image.id).await.unwrap(), tree);
    assert_eq!(tree.jobs, 4);
    assert_eq!(tree.root.job_id.as_deref(), Some(root.id.as_str()));
    assert_eq!(tree.root.image_ids, std::slice::from_ref(&image.id));
    let branches: Vec<_> = tree
        .root
        .children
        .iter()
        .map(|n| n.image_ids.clone())
        .collect();
    assert_eq!(
        branches,
        [vec![a.id.clone()], vec![b.id.clone()]],
        "oldest branch first"
    );
    assert_eq!(
        tree.root.children[0].children[0].image_ids,
        std::slice::from_ref(&c.id)
    );
    assert_eq!(tree.root.children[0].purpose, Some(JobPurpose::Edit));
    let mut costs = 0.0;
    for id in [&root.id] {
        costs += session.get_job(id).await.unwrap().cost;
    }
    for node in [
        &tree.root.children[0],
        &tree.root.children[1],
        &tree.root.children[0].children[0],
    ] {
        assert!(node.cost > 0.0);
        costs += node.cost;
    }
    assert!(
        (tree.total_cost - costs).abs() < 1e-6,
        "{} vs {costs}",
        tree.total_cost
    );
}

#[tokio::test]
async fn an_edit_is_priced_with_what_it_replays_before_anything_is_sent() {
    let env = env().await;
    let session = env.core.session();
    let first = run(&env, request("a kite", Model::Gemini3ProImage), None).await;
    let image1 = session
        .library()
        .job_images(&first.id)
        .await
        .unwrap()
        .remove(0);
    let ask = |image: &ImageRecord| EditRequest {
        image_id: image.id.clone(),
        instruction: "higher".into(),
        ..EditRequest::default()
    };
    let calls = env.fake.generate_count();
    let quote = session.edit_quote(&ask(&image1)).await.unwrap();
    assert_eq!(env.fake.generate_count(), calls, "a quote sends nothing");
    assert!(quote.continues);
    assert_eq!(quote.replayed_images, 1);
    assert!(quote.replay_usd > 0.0);
    assert!((quote.total_usd - (quote.image_usd + quote.replay_usd)).abs() < 1e-9);
    assert!(quote.payload.bytes > image1.bytes * 4.0 / 3.0);
    assert!(!quote.payload.over_limit && !quote.payload.large);
    let job = session.edit(ask(&image1)).await.unwrap();
    assert!(
        (job.estimated_cost - quote.total_usd).abs() < 1e-9,
        "the job's estimate"
    );
    let image2 = image_of(&session, &job).await;
    // One turn more: two images replayed.
    let deeper = session.edit_quote(&ask(&image2)).await.unwrap();
    assert_eq!(deeper.replayed_images, 2);
    assert!((deeper.replay_usd - 2.0 * quote.replay_usd).abs() < 1e-6);
    // Starting fresh replays nothing and sends the image in the user turn.
    let fresh = EditRequest {
        start_fresh: true,
        ..ask(&image2)
    };
    let fresh = session.edit_quote(&fresh).await.unwrap();
    assert!(!fresh.continues);
    assert_eq!((fresh.replayed_images, fresh.replay_usd), (0, 0.0));
    assert_eq!(fresh.payload.images, 1);
}
