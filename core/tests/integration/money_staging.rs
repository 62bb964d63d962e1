//! A paid answer is on disk before anything can fail, and failures hand back in bounded time.
//! A Gemini answer is staged (synced) before its cost is committed: a library that cannot store it
//! leaves the job RECOVERABLE and `retry` stores it with no new call; a staging write that fails
//! ends FAILED, charged, never resent, saying why. A status or result that keeps failing the same
//! way stops after `failure_streak_limit`, naming the cause, not the model's whole deadline.

use std::path::Path;
use std::time::Duration;

use crate::gemini_support::{env, request, run};
use crate::queue_support::{self, setup};

use fake_nanobanana::{Fault, FaultAction, Target, TaskScenario};
use nanoforge_core::ErrorKind;
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::Model;
use nanoforge_core::queue::GenerateOptions;

/// Puts a plain file where the library expects the folder `name`, so writing under it fails
/// (also for root, which folder permissions would not stop).
fn block_folder(root: &Path, name: &str) {
    let path = root.join(name);
    if path.is_dir() {
        std::fs::remove_dir_all(&path).unwrap();
    }
    std::fs::write(&path, b"not a folder").unwrap();
}

fn unblock_folder(root: &Path, name: &str) {
    std::fs::remove_file(root.join(name)).unwrap();
}

#[tokio::test]
async fn an_answer_the_library_cannot_store_is_recovered_from_staging_without_a_new_call() {
    let env = env().await;
    let root = env.core.session().library().root().to_path_buf();
    block_folder(&root, "images");
    let job = run(&env, request("a paid fox", Model::Gemini31FlashImage), None).await;
    assert_eq!(
        job.status,
        JobStatus::Recoverable,
        "{:?}",
        job.error_message
    );
    assert!(job.may_be_charged);
    assert!(job.cost > 0.0, "the answer's cost is confirmed");
    let staged = root.join("staged").join(&job.id);
    assert_eq!(
        std::fs::read_dir(&staged).unwrap().count(),
        1,
        "the answer waits on disk"
    );

    // The folder is fixed; Recover stores the answer from staging.
    unblock_folder(&root, "images");
    env.core.session().retry(&job.id).await.unwrap();
    let done = env.core.session().wait(&job.id).await.unwrap();
    assert_eq!(
        done.status,
        JobStatus::Completed,
        "{:?}",
        done.error_message
    );
    assert_eq!(done.cost, job.cost);
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
    assert_eq!(env.fake.generate_count(), 1, "no new call");
    assert!(!staged.exists(), "staged files are removed once stored");
}

#[tokio::test]
async fn a_staging_write_that_fails_ends_charged_and_is_never_resent() {
    let env = env().await;
    let root = env.core.session().library().root().to_path_buf();
    block_folder(&root, "staged");
    let job = run(
        &env,
        request("an unwritable fox", Model::Gemini31FlashImage),
        None,
    )
    .await;
    assert_eq!(
        (job.status, job.error_kind),
        (JobStatus::Failed, Some(ErrorKind::Io))
    );
    assert!(job.may_be_charged);
    assert!(job.cost > 0.0, "what it cost is recorded");
    let message = job.error_message.unwrap_or_default();
    assert!(message.contains("could not be written"), "{message}");
    let error = env.core.session().retry(&job.id).await.unwrap_err();
    assert!(error.to_string().contains("run it again"), "{error}");
    env.core.session().resume_unfinished().await.unwrap();
    assert_eq!(env.fake.generate_count(), 1, "never resent");
}

#[tokio::test]
async fn a_time_limit_shorter_than_the_generation_keeps_the_paid_answer() {
    let env = env().await;
    env.fake.push_fault(fake_gemini::Fault::new(
        1,
        fake_gemini::FaultAction::Delay { ms: 1_500 },
    ));
    let job = run(
        &env,
        request("a patient fox", Model::Gemini31FlashImage),
        Some(1),
    )
    .await;
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

/// Generates one Nano Banana 2 image with a 60 s limit on a core whose failure streak is short.
async fn generate_with_short_streak(
    s: &queue_support::Setup,
) -> nanoforge_core::library::JobRecord {
    let core = s
        .core_with(|c| c.failure_streak_limit = Duration::from_millis(300))
        .await;
    let options = GenerateOptions {
        timeout_secs: Some(60),
        ..GenerateOptions::default()
    };
    let jobs = core
        .session()
        .generate(
            queue_support::request("a stubborn owl", Model::NanoBanana2),
            options,
        )
        .await
        .unwrap();
    core.session().wait(&jobs[0].id).await.unwrap()
}

#[tokio::test]
async fn a_status_that_stays_unreadable_hands_back_naming_the_cause() {
    let s = setup().await;
    s.server
        .push_fault(Fault::new(Target::Poll, 10_000, FaultAction::MalformedJson));
    let job = generate_with_short_streak(&s).await;
    assert_eq!(job.status, JobStatus::Recoverable);
    assert_ne!(
        job.error_kind,
        Some(ErrorKind::Timeout),
        "not a bare timeout"
    );
    let message = job.error_message.unwrap_or_default();
    assert!(message.contains("not JSON"), "{message}");
    assert!(job.remote_task_id.is_some());
}

#[tokio::test]
async fn a_result_url_that_keeps_failing_hands_back_naming_the_cause() {
    for (action, cause) in [
        (FaultAction::NotFound, "HTTP 404"),
        (FaultAction::NotImage, "not an image"),
        (FaultAction::HugeDimensions, "100000×100000"),
    ] {
        let s = setup().await;
        s.server.set_scenario(TaskScenario {
            image: Some(action.clone()),
            ..TaskScenario::default()
        });
        let job = generate_with_short_streak(&s).await;
        assert_eq!(job.status, JobStatus::Recoverable, "{action:?}");
        assert_ne!(job.error_kind, Some(ErrorKind::Timeout), "{action:?}");
        let message = job.error_message.unwrap_or_default();
        assert!(message.contains(cause), "{action:?}: {message}");
    }
}
