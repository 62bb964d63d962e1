//! The Gemini provider against a faithful fake of Google's `generateContent` (tests/fake-gemini):
//! images stored with their real cost, every "200 but no image" case as a typed error with what it
//! still cost, transient errors retried within the job's budget, final ones not, and a call lost
//! after sending never sent again.

use std::time::Duration;

use crate::gemini_support::{env, env_with, env_with_key, request, run};
use fake_gemini::{Fault, FaultAction, Outcome, Scenario};
use nanoforge_core::ErrorKind;
use nanoforge_core::accounts::SecretPurpose;
use nanoforge_core::catalog::{ImageSize, Model, ProviderKind};
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::{AspectRatio, GenerationRequest};
use nanoforge_core::queue::GenerateOptions;

#[tokio::test]
async fn images_are_stored_with_the_cost_of_their_tokens() {
    let env = env().await;
    assert_eq!(
        env.core.session().default_provider().await.unwrap(),
        ProviderKind::Gemini
    );
    let mut req = request("a lighthouse in the fog", Model::Gemini31FlashImage);
    req.size = ImageSize::S2K;
    req.aspect_ratio = AspectRatio::Landscape16x9;
    let job = run(&env, req, None).await;
    assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    let images = env
        .core
        .session()
        .library()
        .job_images(&job.id)
        .await
        .unwrap();
    assert_eq!(images.len(), 1);
    assert_eq!(
        (images[0].width, images[0].height),
        (2752, 1536),
        "the 2K 16:9 size"
    );
    // 1680 image tokens at $60/M plus a little text and prompt.
    assert!((0.1008..0.1012).contains(&job.cost), "{}", job.cost);
    let sent = env.fake.last_generate().unwrap();
    assert_eq!(sent.model.as_deref(), Some("gemini-3.1-flash-image"));
    assert!(sent.key_valid);
    let payload = sent.payload.unwrap();
    assert_eq!(payload.image_size.as_deref(), Some("2K"));
    assert_eq!(payload.aspect_ratio.as_deref(), Some("16:9"));
}

#[tokio::test]
async fn thought_parts_are_skipped_and_every_final_image_is_kept() {
    let env = env().await;
    env.fake.set_scenario(Scenario {
        images: 2,
        ..Scenario::default()
    });
    let job = run(&env, request("two pears", Model::Gemini3ProImage), None).await;
    assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    let images = env
        .core
        .session()
        .library()
        .job_images(&job.id)
        .await
        .unwrap();
    assert_eq!(images.len(), 2, "the thought drafts are not stored");
    assert!(
        images.iter().all(|i| i.mime == "image/jpeg"),
        "Pro answers JPEG"
    );
}

#[tokio::test]
async fn every_answer_without_an_image_is_a_typed_error_that_still_counts_its_cost() {
    let env = env().await;
    let cases = [
        (
            Outcome::PromptBlocked {
                block_reason: "PROHIBITED_CONTENT".into(),
            },
            ErrorKind::PromptBlocked,
            "PROHIBITED_CONTENT",
        ),
        (
            Outcome::OutputBlocked {
                finish_reason: "IMAGE_SAFETY".into(),
                content_shape: fake_gemini::ContentShape::PartsNull,
            },
            ErrorKind::OutputBlocked,
            "IMAGE_SAFETY",
        ),
        (
            Outcome::NoImage { text: None },
            ErrorKind::NoImage,
            "NO_IMAGE",
        ),
        (
            Outcome::TextOnly {
                text: "I can't draw that person.".into(),
            },
            ErrorKind::NoImage,
            "I can't draw that person.",
        ),
        (Outcome::MaxTokens, ErrorKind::NoImage, "MAX_TOKENS"),
    ];
    for (outcome, kind, shown) in cases {
        env.fake.set_scenario(Scenario {
            outcome,
            ..Scenario::default()
        });
        let job = run(&env, request("a cat", Model::Gemini3ProImage), None).await;
        assert_eq!(job.status, JobStatus::Failed, "{kind:?}");
        assert_eq!(job.error_kind, Some(kind));
        let message = job.error_message.clone().unwrap_or_default();
        assert!(message.contains(shown), "{kind:?}: {message}");
        assert!(
            env.core
                .session()
                .library()
                .job_images(&job.id)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(job.may_be_charged);
        assert!(
            job.cost > 0.0,
            "{kind:?}: input and thinking tokens are billed"
        );
    }
    assert_eq!(env.fake.generate_count(), 5, "none was sent again");
}

#[tokio::test]
async fn busy_answers_are_retried_within_the_budget_and_final_ones_are_not() {
    let env = env().await;
    env.fake.push_fault(Fault::new(
        2,
        FaultAction::Overloaded {
            capacity_exhausted: false,
        },
    ));
    let job = run(
        &env,
        request("after two 503s", Model::Gemini31FlashImage),
        None,
    )
    .await;
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(env.fake.generate_count(), 3);

    env.fake.push_fault(Fault::new(
        1,
        FaultAction::RateLimited {
            daily: false,
            retry_delay: Some(Some("0.2s".into())),
        },
    ));
    env.fake
        .push_fault(Fault::new(1, FaultAction::QuotaNoDetails));
    env.fake.push_fault(Fault::new(1, FaultAction::Internal));
    let job = run(
        &env,
        request("after a 429, a 429 and a 500", Model::Gemini31FlashImage),
        None,
    )
    .await;
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(env.fake.generate_count(), 7);

    env.fake.push_fault(Fault::new(
        1,
        FaultAction::RateLimited {
            daily: true,
            retry_delay: None,
        },
    ));
    let job = run(
        &env,
        request("the day's quota is gone", Model::Gemini31FlashImage),
        None,
    )
    .await;
    assert_eq!(
        (job.status, job.error_kind),
        (JobStatus::Failed, Some(ErrorKind::QuotaExhausted))
    );
    assert!(!job.may_be_charged, "refused: nothing generated");
    assert_eq!(env.fake.generate_count(), 8, "a daily quota is not retried");

    env.fake.push_fault(Fault::new(
        1,
        FaultAction::Error {
            code: 404,
            status: "NOT_FOUND".into(),
            message: "models/gemini-3-pro-image is not found for API version v1beta".into(),
            details: Vec::new(),
        },
    ));
    let job = run(
        &env,
        request("a retired model", Model::Gemini3ProImage),
        None,
    )
    .await;
    assert_eq!(job.error_kind, Some(ErrorKind::ModelNotFound));
    assert!(job.error_message.unwrap().contains("gemini-3-pro-image"));
}

#[tokio::test]
async fn a_bad_key_says_to_check_the_gemini_key() {
    let env = env_with_key("not-the-key").await;
    let job = run(&env, request("a cat", Model::Gemini31FlashImage), None).await;
    assert_eq!(
        (job.status, job.error_kind),
        (JobStatus::Failed, Some(ErrorKind::ApiKeyRejected))
    );
    assert!(job.error_message.unwrap().contains("check your Gemini key"));
    assert_eq!(env.fake.generate_count(), 1);
}

#[tokio::test]
async fn a_call_lost_after_sending_may_be_charged_and_is_never_resent() {
    // The service stays silent past the paid-call limit (the job's own limit does not cut it).
    let env = env_with(|c| c.paid_call_timeout = Duration::from_secs(1)).await;
    for outcome in [Outcome::Reset, Outcome::Hang { ms: None }] {
        env.fake.set_scenario(Scenario {
            outcome,
            ..Scenario::default()
        });
        let before = env.fake.generate_count();
        let job = run(
            &env,
            request("lost in flight", Model::Gemini31FlashImage),
            None,
        )
        .await;
        assert_eq!(job.status, JobStatus::Failed);
        assert_eq!(job.error_kind, Some(ErrorKind::SubmitUnconfirmed));
        assert!(job.may_be_charged && job.submitted_at.is_some());
        assert!(job.estimated_cost > 0.0);
        env.core.session().resume_unfinished().await.unwrap();
        assert_eq!(
            env.fake.generate_count(),
            before + 1,
            "sent once, never again"
        );
    }
}

#[tokio::test]
async fn broken_image_data_is_refused_and_nothing_is_stored() {
    let env = env().await;
    for outcome in [
        Outcome::BadBase64,
        Outcome::NotAnImage,
        Outcome::TruncatedPng,
    ] {
        env.fake.set_scenario(Scenario {
            outcome: outcome.clone(),
            ..Scenario::default()
        });
        let job = run(&env, request("broken", Model::Gemini31FlashImage), None).await;
        assert_eq!(job.status, JobStatus::Failed, "{outcome:?}");
        assert!(
            matches!(job.error_kind, Some(ErrorKind::InvalidImage)),
            "{outcome:?}: {:?}",
            job.error_kind
        );
        assert!(
            env.core
                .session()
                .library()
                .job_images(&job.id)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(job.may_be_charged, "the service answered: it charged");
    }
}

#[tokio::test]
async fn local_input_images_are_sent_inline_and_recorded_with_the_job() {
    let env = env().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sketch.png");
    std::fs::write(&path, demo_png()).unwrap();
    let input = env.core.session().import_input_image(&path).await.unwrap();
    assert_eq!(input.kind, nanoforge_core::library::ImageKind::Input);
    let again = env.core.session().import_input_image(&path).await.unwrap();
    assert_eq!(again.id, input.id, "the same file is the same input");
    let gallery = env
        .core
        .session()
        .library()
        .list_images(&Default::default())
        .await
        .unwrap();
    assert!(gallery.items.is_empty(), "inputs are not in the gallery");

    let mut req = request("colour this sketch", Model::Gemini31FlashImage);
    req.input_images = vec![input.id.clone()];
    let job = run(&env, req, None).await;
    assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    assert_eq!(job.input_image_ids, vec![input.id.clone()]);
    let payload = env.fake.last_generate().unwrap().payload.unwrap();
    assert_eq!(payload.inline_images.len(), 1);
    assert_eq!(
        payload.inline_images[0].mime_type.as_deref(),
        Some("image/png")
    );
    assert_eq!(
        payload.contents[0].parts[0], "text",
        "the prompt comes first"
    );

    // Nano Banana takes only public URLs: a local input is refused before anything is recorded,
    // even with its key set.
    env.core
        .session()
        .set_key(SecretPurpose::NanoBananaKey, "nb-key".into())
        .await
        .unwrap();
    let jobs_before = env
        .core
        .session()
        .library()
        .list_jobs(&Default::default())
        .await
        .unwrap()
        .items
        .len();
    let mut req = request("colour this sketch", Model::NanoBanana2);
    req.input_images = vec![input.id.clone()];
    let options = GenerateOptions {
        provider: Some(ProviderKind::NanoBanana),
        ..GenerateOptions::default()
    };
    let error = env.core.session().generate(req, options).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert!(error.to_string().contains("sync"), "{error}");
    let jobs_after = env
        .core
        .session()
        .library()
        .list_jobs(&Default::default())
        .await
        .unwrap()
        .items
        .len();
    assert_eq!(jobs_after, jobs_before);
}

fn demo_png() -> Vec<u8> {
    let mut req = GenerationRequest::new("a sketch", Model::Demo);
    req.size = ImageSize::S512;
    nanoforge_core::providers::demo::render_png(&req, 0).unwrap()
}

#[tokio::test]
async fn count_makes_one_job_and_one_call_per_image() {
    let env = env().await;
    let mut req = request("three plums", Model::Gemini31FlashImage);
    req.count = 3;
    let jobs = env
        .core
        .session()
        .generate(req, GenerateOptions::default())
        .await
        .unwrap();
    assert_eq!(jobs.len(), 3);
    for job in &jobs {
        let done = env.core.session().wait(&job.id).await.unwrap();
        assert_eq!(done.status, JobStatus::Completed);
        assert_eq!(
            env.core
                .session()
                .library()
                .job_images(&job.id)
                .await
                .unwrap()
                .len(),
            1
        );
    }
    assert_eq!(env.fake.generate_count(), 3);
}

#[tokio::test]
async fn a_4k_answer_of_tens_of_megabytes_is_accepted() {
    let env = env().await;
    env.fake.set_scenario(Scenario {
        outcome: Outcome::HugeImage {
            bytes: 24 * 1024 * 1024,
        },
        ..Scenario::default()
    });
    let mut req = request("every leaf of a forest", Model::Gemini3ProImage);
    req.size = ImageSize::S4K;
    let job = run(&env, req, None).await;
    assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    assert_eq!(
        env.core
            .session()
            .library()
            .job_images(&job.id)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn gateway_pages_are_retried_and_a_cut_answer_is_never_resent() {
    let env = env().await;
    env.fake
        .push_fault(Fault::new(1, FaultAction::HtmlBadGateway));
    env.fake
        .push_fault(Fault::new(1, FaultAction::DeadlineExceeded));
    let job = run(
        &env,
        request("after a 502 page and a 504", Model::Gemini31FlashImage),
        None,
    )
    .await;
    assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    assert_eq!(env.fake.generate_count(), 3);

    // A 200 whose JSON is cut off: the call went through, so it may be charged; not sent again.
    env.fake
        .push_fault(Fault::new(1, FaultAction::TruncatedJson { status: 200 }));
    let job = run(&env, request("cut off", Model::Gemini31FlashImage), None).await;
    assert_eq!(job.status, JobStatus::Failed);
    assert!(job.may_be_charged);
    assert_eq!(env.fake.generate_count(), 4);
}

/// The paid call is the generation: the job says "generating" while it runs (it said "queued"
/// for the whole call), once, before the answer is stored.
#[tokio::test]
async fn a_gemini_job_says_generating_during_its_call() {
    let env = env().await;
    let mut events = env.core.job_events();
    let job = run(
        &env,
        request("a lighthouse", Model::Gemini25FlashImage),
        None,
    )
    .await;
    assert_eq!(job.status, JobStatus::Completed);
    let mut names = Vec::new();
    while let Ok(event) = events.try_recv() {
        if event.job_id == job.id {
            let value = serde_json::to_value(&event.stage).unwrap();
            names.push(value["kind"].as_str().unwrap_or_default().to_owned());
        }
    }
    let generating = names.iter().position(|n| n == "generating");
    let done = names.iter().position(|n| n == "done");
    assert!(
        matches!((generating, done), (Some(g), Some(d)) if g < d),
        "{names:?}"
    );
    assert_eq!(names.iter().filter(|n| *n == "generating").count(), 1);
}
