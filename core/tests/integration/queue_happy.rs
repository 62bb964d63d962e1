//! The queue's ordinary path against the fake service: a job is recorded, submitted once, polled
//! until done, downloaded, stored at the preset's size, and reported step by step.

use crate::queue_support;

use fake_nanobanana::{Endpoint, TaskScenario};
use nanoforge_core::library::{JobStatus, read_generation_metadata};
use nanoforge_core::providers::{AspectRatio, ImageSize, Model};
use nanoforge_core::queue::{JobStage, ProviderKind, ResultUrls};
use queue_support::{endpoints, events_of, png_dimensions, request, setup, stage_names};

#[tokio::test]
async fn a_job_goes_from_pending_to_completed_with_one_submit_and_the_image_as_sent() {
    let s = setup().await;
    s.server.set_scenario(TaskScenario {
        pending_polls: 2,
        ..TaskScenario::default()
    });
    let core = s.core().await;
    let mut events = core.job_events();
    let mut req = request("a lighthouse at dusk", Model::NanoBanana2);
    req.size = ImageSize::S1K;
    req.aspect_ratio = AspectRatio::Landscape16x9;

    let jobs = core
        .session()
        .generate(req, Default::default())
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        jobs[0].status,
        JobStatus::Pending,
        "recorded before any request"
    );
    assert_eq!(
        (jobs[0].provider.as_str(), jobs[0].model.as_str()),
        ("nanobanana", "nano-banana-2")
    );
    let id = jobs[0].id.clone();

    // Each step is committed before it is announced: by the `submitted` event the task id is stored.
    let stages = loop {
        let event = events.recv().await.unwrap();
        if let JobStage::Submitted { task_id } = &event.stage {
            let stored = core.session().library().get_job(&id).await.unwrap();
            assert_eq!(stored.remote_task_id.as_ref(), task_id.as_ref());
            assert_ne!(stored.status, JobStatus::Pending);
            break events_of(&mut events, &id).await;
        }
    };
    assert_eq!(
        stage_names(&stages),
        ["generating", "downloading", "ingesting", "done"],
        "{stages:?}"
    );
    let polls: Vec<u32> = stages
        .iter()
        .filter_map(|s| match s {
            JobStage::Generating { polls, .. } => Some(*polls),
            _ => None,
        })
        .collect();
    assert_eq!(
        polls,
        [1, 2, 3],
        "one event per status check, counting them"
    );

    let job = core.session().wait(&id).await.unwrap();
    assert_eq!(job.status, JobStatus::Completed);
    let task = job.remote_task_id.clone().expect("task id kept");
    assert_eq!(s.server.submit_count(), 1);
    assert_eq!(
        s.server.poll_count(&task),
        3,
        "two pending answers, then done"
    );
    assert_eq!(
        endpoints(&s.server),
        [
            // The balance: checked when the job is recorded, read just before the submit and
            // after the result (what the job took, in credits).
            Endpoint::Credit,
            Endpoint::Credit,
            Endpoint::Submit2,
            Endpoint::Poll,
            Endpoint::Poll,
            Endpoint::Poll,
            Endpoint::Image,
            Endpoint::Credit
        ]
    );
    assert_eq!(
        job.cost, 0.067,
        "the catalog's Nano Banana 2 1K price, confirmed by the result"
    );
    assert_eq!(job.estimated_cost, 0.067);
    assert!(job.may_be_charged);
    assert!(job.submitted_at.is_some() && job.queue_ms.is_some());
    assert!(job.duration_ms.is_some_and(|d| d >= 0.0));
    assert!(job.error_kind.is_none());
    let results = ResultUrls::of_job(&job).unwrap();
    assert_eq!(results.urls.len(), 1);

    let images = core.session().library().job_images(&id).await.unwrap();
    assert_eq!(images.len(), 1);
    let image = &images[0];
    assert_eq!(job.image_id.as_deref(), Some(image.id.as_str()));
    assert_eq!(
        (image.width, image.height),
        (1024, 576),
        "the 1K answer, as the service sent it"
    );
    let bytes =
        std::fs::read(core.session().library().absolute_path(&image.path).unwrap()).unwrap();
    assert_eq!(png_dimensions(&bytes), (1024, 576));
    let meta = read_generation_metadata(&bytes).expect("generation metadata embedded");
    assert_eq!(meta.prompt.as_deref(), Some("a lighthouse at dusk"));
    assert_eq!(meta.task_id.as_deref(), Some(task.as_str()));
    assert_eq!(meta.cost, Some(0.067));
    match stages.last() {
        Some(JobStage::Done {
            image_ids, cost, ..
        }) => {
            assert_eq!(image_ids, std::slice::from_ref(&image.id));
            assert_eq!(*cost, 0.067);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn one_image_per_task_models_get_one_job_per_image_and_nano_banana_shares_one() {
    let s = setup().await;
    let core = s.core().await;
    let mut req = request("three pears", Model::NanoBanana2);
    req.count = 3;
    let jobs = core
        .session()
        .generate(req, Default::default())
        .await
        .unwrap();
    assert_eq!(jobs.len(), 3);
    for job in &jobs {
        let done = core.session().wait(&job.id).await.unwrap();
        assert_eq!((done.status, done.num_images), (JobStatus::Completed, 1));
        assert_eq!(
            core.session()
                .library()
                .job_images(&job.id)
                .await
                .unwrap()
                .len(),
            1
        );
    }
    assert_eq!(s.server.submit_count(), 3);

    let mut req = request("two plums", Model::NanoBanana);
    req.count = 2;
    req.size = ImageSize::S1K;
    let jobs = core
        .session()
        .generate(req, Default::default())
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    let done = core.session().wait(&jobs[0].id).await.unwrap();
    assert_eq!(done.status, JobStatus::Completed);
    assert_eq!(
        done.cost, 0.04,
        "two Nano Banana images at the catalog's $0.02"
    );
    let images = core.session().library().job_images(&done.id).await.unwrap();
    assert_eq!(
        images.iter().map(|i| i.position).collect::<Vec<_>>(),
        [0, 1]
    );
    assert!(
        images.iter().all(|i| i.width.max(i.height) == 1024),
        "kept as the service sent them"
    );
    assert_eq!(s.server.submit_count(), 4);
}

#[tokio::test]
async fn without_an_api_key_the_demo_provider_makes_free_labelled_images_offline() {
    let s = setup().await;
    let core = s.core_without_key().await;
    assert_eq!(
        core.session().default_provider().await.unwrap(),
        ProviderKind::Demo
    );
    let credits = core.session().credits().await.unwrap();
    assert_eq!(
        (credits.provider, credits.balance),
        (ProviderKind::Demo, None)
    );
    let mut events = core.job_events();

    let mut req = request("a lighthouse at dusk", Model::NanoBanana2);
    req.count = 2;
    let jobs = core
        .session()
        .generate(req, Default::default())
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1, "the demo draws several images in one job");
    let stages = events_of(&mut events, &jobs[0].id).await;
    assert_eq!(
        stage_names(&stages),
        ["queued", "submitted", "ingesting", "done"]
    );
    let job = core.session().wait(&jobs[0].id).await.unwrap();
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(
        (job.provider.as_str(), job.model.as_str()),
        ("demo", "demo")
    );
    assert_eq!(job.cost, 0.0);
    let images = core.session().library().job_images(&job.id).await.unwrap();
    assert_eq!(images.len(), 2);
    let bytes = std::fs::read(
        core.session()
            .library()
            .absolute_path(&images[0].path)
            .unwrap(),
    )
    .unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("DEMO image: not generated by an AI model"));
    assert_eq!(s.server.api_request_count(), 0, "no network at all");
}
