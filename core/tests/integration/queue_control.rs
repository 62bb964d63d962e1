//! Cancel, retry and the concurrency limit.

use crate::queue_support;

use std::collections::HashMap;

use fake_nanobanana::{Endpoint, Fault, FaultAction, Target, TaskScenario};
use nanoforge_core::ErrorKind;
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::Model;
use nanoforge_core::queue::{GenerateOptions, JobStage};
use queue_support::{events_of, eventually, request, setup};

fn slow() -> TaskScenario {
    TaskScenario {
        pending_polls: 100_000,
        ..TaskScenario::default()
    }
}

#[tokio::test]
async fn cancelling_a_running_job_stops_it_and_says_the_service_may_still_charge() {
    let s = setup().await;
    s.server.set_scenario(slow());
    let core = s.core().await;
    let mut events = core.job_events();
    let jobs = core
        .session()
        .generate(request("a cat", Model::NanoBanana2), Default::default())
        .await
        .unwrap();
    let id = jobs[0].id.clone();
    eventually("a first status check", || {
        s.server.count(Endpoint::Poll) >= 1
    })
    .await;

    let cancelled = core.session().cancel(&id).await.unwrap();
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    let message = cancelled.error_message.clone().unwrap_or_default();
    assert!(message.contains("may still"), "{message}");
    let stages = events_of(&mut events, &id).await;
    assert!(matches!(stages.last(), Some(JobStage::Cancelled { .. })));
    assert_eq!(
        stages.iter().filter(|s| s.is_final()).count(),
        1,
        "one final event"
    );
    assert_eq!(
        core.session().wait(&id).await.unwrap().status,
        JobStatus::Cancelled
    );
    eventually("the runner to stop", || {
        core.session().queue().running_jobs().is_empty()
    })
    .await;
    let polls = s.server.count(Endpoint::Poll);
    // Once the runner is gone nothing can poll; the row stays cancelled.
    assert_eq!(
        core.session().library().get_job(&id).await.unwrap().status,
        JobStatus::Cancelled
    );
    assert_eq!(s.server.count(Endpoint::Poll), polls);
    assert!(
        core.session().cancel(&id).await.is_err(),
        "a finished job cannot be cancelled"
    );
}

#[tokio::test]
async fn a_queued_job_cancelled_before_its_turn_is_never_sent() {
    let s = setup().await;
    s.server.set_scenario(slow());
    let core = s.core_with(|c| c.concurrency = 1).await;
    let first = core
        .session()
        .generate(request("first", Model::NanoBanana2), Default::default())
        .await
        .unwrap();
    let second = core
        .session()
        .generate(request("second", Model::NanoBanana2), Default::default())
        .await
        .unwrap();
    eventually("the first job's poll", || {
        s.server.count(Endpoint::Poll) >= 1
    })
    .await;

    let cancelled = core.session().cancel(&second[0].id).await.unwrap();
    let message = cancelled.error_message.unwrap_or_default();
    assert!(message.contains("nothing was charged"), "{message}");
    core.session().cancel(&first[0].id).await.unwrap();
    assert_eq!(
        core.session().wait(&second[0].id).await.unwrap().attempts,
        0
    );
    eventually("both runners to stop", || {
        core.session().queue().running_jobs().is_empty()
    })
    .await;
    assert_eq!(s.server.submit_count(), 1, "only the first job was sent");
}

#[tokio::test]
async fn a_job_cancelled_in_another_process_stops_here_too() {
    let s = setup().await;
    s.server.set_scenario(slow());
    let app = s.core().await;
    let cli = s.core().await;
    let mut events = app.job_events();
    let jobs = app
        .session()
        .generate(request("a cat", Model::NanoBanana2), Default::default())
        .await
        .unwrap();
    let id = jobs[0].id.clone();
    eventually("a first status check", || {
        s.server.count(Endpoint::Poll) >= 1
    })
    .await;

    cli.session().cancel(&id).await.unwrap();
    // The app notices at its next lease renewal (a third of the 2 s lease) or write.
    let stages = events_of(&mut events, &id).await;
    assert!(matches!(stages.last(), Some(JobStage::Cancelled { .. })));
    eventually("the app to stop polling", || {
        app.session().queue().running_jobs().is_empty()
    })
    .await;
    assert_eq!(
        app.session().wait(&id).await.unwrap().status,
        JobStatus::Cancelled
    );
}

#[tokio::test]
async fn run_again_makes_a_new_job_linked_to_the_failed_one_and_retry_never_resubmits() {
    let s = setup().await;
    s.server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Http {
            status: 400,
            code: None,
            msg: Some("prompt rejected".into()),
            retry_after: None,
        },
    ));
    let core = s.core().await;
    let jobs = core
        .session()
        .generate(request("a cat", Model::NanoBanana2), Default::default())
        .await
        .unwrap();
    let failed = core.session().wait(&jobs[0].id).await.unwrap();
    assert_eq!(failed.status, JobStatus::Failed);
    assert_eq!(failed.error_kind, Some(ErrorKind::InvalidRequest));

    assert!(!failed.may_be_charged, "a 400 refused it: nothing charged");
    // Retry means recover: without a task there is nothing to recover, and nothing is sent.
    let refused = core.session().retry(&failed.id).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InvalidInput);
    assert!(refused.to_string().contains("rerun"), "{refused}");
    assert_eq!(s.server.submit_count(), 1);

    let retried = core
        .session()
        .rerun(&failed.id, GenerateOptions::default())
        .await
        .unwrap()
        .remove(0);
    assert_ne!(retried.id, failed.id);
    assert_eq!(retried.parent_job_id.as_deref(), Some(failed.id.as_str()));
    assert_eq!(retried.prompt, failed.prompt);
    assert_eq!(retried.status, JobStatus::Pending);
    let done = core.session().wait(&retried.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Completed);
    assert_eq!(
        core.session()
            .library()
            .job_images(&done.id)
            .await
            .unwrap()
            .len(),
        1
    );
    let old = core.session().library().get_job(&failed.id).await.unwrap();
    assert_eq!(
        old.status,
        JobStatus::Failed,
        "the old job keeps its history"
    );
    assert_eq!(s.server.submit_count(), 2);

    s.server.set_scenario(slow());
    let running = core
        .session()
        .generate(request("slow", Model::NanoBanana2), Default::default())
        .await
        .unwrap();
    assert!(
        core.session().retry(&running[0].id).await.is_err(),
        "a running job is not recovered"
    );
    core.session().cancel(&running[0].id).await.unwrap();
}

#[tokio::test]
async fn no_more_tasks_are_in_flight_than_the_concurrency_limit() {
    let s = setup().await;
    s.server.set_scenario(TaskScenario {
        pending_polls: 3,
        ..TaskScenario::default()
    });
    let core = s.core_with(|c| c.concurrency = 2).await;
    let mut req = request("six pears", Model::NanoBanana2);
    req.count = 4;
    let mut jobs = core
        .session()
        .generate(req.clone(), Default::default())
        .await
        .unwrap();
    req.count = 2;
    jobs.extend(
        core.session()
            .generate(req, Default::default())
            .await
            .unwrap(),
    );
    assert_eq!(jobs.len(), 6);
    for job in &jobs {
        assert_eq!(
            core.session().wait(&job.id).await.unwrap().status,
            JobStatus::Completed
        );
    }

    // A task is in flight from its submit until its image has been fetched.
    let requests = s.server.requests();
    let mut in_flight = 0usize;
    let mut most = 0usize;
    let mut last_request: HashMap<String, u64> = HashMap::new();
    for r in &requests {
        if let Some(task) = &r.task_id {
            last_request.insert(task.clone(), r.seq);
        }
    }
    for r in &requests {
        if r.endpoint.is_submit() {
            in_flight += 1;
            most = most.max(in_flight);
        }
        if let Some(task) = &r.task_id
            && last_request.get(task) == Some(&r.seq)
        {
            in_flight -= 1;
        }
    }
    assert_eq!(s.server.submit_count(), 6);
    assert_eq!(most, 2, "the limit is used and never exceeded");
}
