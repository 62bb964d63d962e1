//! How jobs fail: each failure is committed with a typed kind and the service's message, and
//! nothing more is sent once the outcome is known.

use crate::queue_support;

use std::time::Duration;

use fake_nanobanana::{Endpoint, FaultAction, Outcome, Target, TaskScenario};
use nanoforge_core::ErrorKind;
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::Model;
use nanoforge_core::queue::{GenerateOptions, JobStage};
use queue_support::{endpoints, events_of, request, setup};
use tokio::time::Instant;

#[tokio::test]
async fn success_flag_3_fails_after_exactly_one_poll_with_the_service_message() {
    let s = setup().await;
    s.server.set_scenario(TaskScenario {
        outcome: Outcome::GenerationFailed,
        error_message: Some("Your prompt was flagged by the safety system".into()),
        ..TaskScenario::default()
    });
    let core = s.core().await;
    let mut events = core.job_events();
    let jobs = core
        .session()
        .generate(request("a cat", Model::NanoBanana2), Default::default())
        .await
        .unwrap();
    let stages = events_of(&mut events, &jobs[0].id).await;
    let job = core.session().wait(&jobs[0].id).await.unwrap();

    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.error_kind, Some(ErrorKind::GenerationFailed));
    let message = job.error_message.clone().unwrap_or_default();
    assert!(message.contains("Your prompt was flagged"), "{message}");
    let task = job.remote_task_id.clone().expect("task id recorded");
    assert_eq!(s.server.poll_count(&task), 1);
    // The job is finished and its runner gone: this is every request it will ever make.
    assert_eq!(
        endpoints(&s.server),
        // The balance when recorded and just before the submit; no result, no third read.
        [
            Endpoint::Credit,
            Endpoint::Credit,
            Endpoint::Submit2,
            Endpoint::Poll
        ]
    );
    match stages.last() {
        Some(JobStage::Failed { error }) => {
            assert_eq!(error.kind, ErrorKind::GenerationFailed);
            assert!(error.message.contains("flagged"));
        }
        other => panic!("{other:?}"),
    }
    assert!(core.session().queue().running_jobs().is_empty());
    assert!(
        core.session()
            .library()
            .job_images(&job.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(job.cost, 0.0, "no images, no cost recorded");
}

#[tokio::test]
async fn a_rejected_api_key_is_refused_before_anything_is_recorded_or_submitted() {
    let s = setup().await;
    let core = s.core_with_key("wrong-key").await;
    let error = core
        .session()
        .generate(request("a cat", Model::NanoBanana2), Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ApiKeyRejected);
    assert_eq!(s.server.submit_count(), 0);
    assert_eq!(s.server.count(Endpoint::Poll), 0);
    assert_eq!(core.session().library().job_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_known_zero_balance_refuses_before_the_submit() {
    let s = setup().await;
    s.server.set_credits(0.0);
    let core = s.core().await;
    let credits = core.session().credits().await.unwrap();
    assert_eq!(credits.balance, Some(0.0));
    let error = core
        .session()
        .generate(request("a cat", Model::NanoBanana2), Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutOfCredits);
    assert!(error.to_string().contains("out of credits"), "{error}");
    assert_eq!(s.server.submit_count(), 0);
    assert_eq!(
        core.session().library().job_count().await.unwrap(),
        0,
        "nothing recorded"
    );
}

#[tokio::test]
async fn a_flaky_status_check_is_recovered() {
    let s = setup().await;
    s.server.set_scenario(TaskScenario {
        pending_polls: 1,
        ..TaskScenario::default()
    });
    s.server.push_fault(fake_nanobanana::Fault::new(
        Target::Poll,
        4,
        FaultAction::Http {
            status: 503,
            code: None,
            msg: None,
            retry_after: None,
        },
    ));
    let core = s.core().await;
    let jobs = core
        .session()
        .generate(request("a cat", Model::NanoBanana2), Default::default())
        .await
        .unwrap();
    let job = core.session().wait(&jobs[0].id).await.unwrap();
    assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    let faulted = s
        .server
        .requests()
        .iter()
        .filter(|r| r.endpoint == Endpoint::Poll && r.fault.is_some())
        .count();
    assert_eq!(faulted, 4, "four 503s, more than one call's own retries");
    assert_eq!(s.server.submit_count(), 1);
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

#[tokio::test]
async fn a_stalled_download_ends_within_the_job_timeout_and_stays_recoverable() {
    let s = setup().await;
    s.server.set_scenario(TaskScenario {
        image: Some(FaultAction::Stalled),
        ..TaskScenario::default()
    });
    // The idle timeout alone would take 30 s: the job's own 1 s budget must end it first.
    let core = s
        .core_with(|c| c.download_idle_timeout = Duration::from_secs(30))
        .await;
    let started = Instant::now();
    let options = GenerateOptions {
        timeout_secs: Some(1),
        ..GenerateOptions::default()
    };
    let jobs = core
        .session()
        .generate(request("a cat", Model::NanoBanana2), options)
        .await
        .unwrap();
    let job = core.session().wait(&jobs[0].id).await.unwrap();
    let took = started.elapsed();
    // The service has the result (and charged for it): the job is recoverable, not failed.
    assert_eq!(job.status, JobStatus::Recoverable);
    assert_eq!(job.error_kind, Some(ErrorKind::Timeout));
    assert!(job.may_be_charged);
    assert_eq!(job.timeout_secs, Some(1));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(
        core.session()
            .library()
            .job_images(&job.id)
            .await
            .unwrap()
            .is_empty()
    );
    let staging = core.session().library().root().join("downloads");
    let left = std::fs::read_dir(&staging).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "no partial download left behind");
}

#[tokio::test]
async fn invalid_requests_are_refused_before_anything_is_recorded_or_sent() {
    let s = setup().await;
    let core = s.core().await;
    let mut too_long = request(&"x".repeat(5_001), Model::NanoBanana);
    too_long.count = 1;
    let mut too_many = request("a cat", Model::NanoBanana);
    too_many.count = 5;
    for bad in [request("   ", Model::NanoBanana2), too_long, too_many] {
        let error = core
            .session()
            .generate(bad, Default::default())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    }
    let zero = GenerateOptions {
        timeout_secs: Some(0),
        ..GenerateOptions::default()
    };
    assert!(
        core.session()
            .generate(request("a cat", Model::NanoBanana2), zero)
            .await
            .is_err()
    );
    assert_eq!(core.session().library().job_count().await.unwrap(), 0);
    assert_eq!(s.server.api_request_count(), 0);
    assert_eq!(ErrorKind::Interrupted.as_str(), "interrupted");
}
