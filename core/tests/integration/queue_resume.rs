//! Resuming after a crash: each unfinished job continues from its committed state, a job whose
//! submit outcome is unknown is never sent again, and a lease keeps two processes from driving
//! the same job.

use crate::queue_support;

use fake_nanobanana::{Endpoint, TaskScenario};
use nanoforge_core::ErrorKind;
use nanoforge_core::library::{IngestOptions, IngestSource, JobStatus, JobUpdate};
use nanoforge_core::providers::{ImageSize, Model};
use nanoforge_core::queue::{GenerateOptions, ResultUrls};
use queue_support::{crashed_job, eventually, request, setup};

fn submitted(task_id: &str) -> JobUpdate {
    JobUpdate {
        status: Some(JobStatus::Submitted),
        remote_task_id: Some(task_id.to_owned()),
        increment_attempts: true,
        ..JobUpdate::default()
    }
}

#[tokio::test]
async fn a_submitted_job_is_polled_again_not_resubmitted() {
    let s = setup().await;
    s.server.set_scenario(TaskScenario {
        pending_polls: 2,
        ..TaskScenario::default()
    });
    let core = s.core().await;
    let req = request("a lighthouse", Model::NanoBanana2);
    let task = s.remote_task(&req).await;
    let job = crashed_job(&core, &req, submitted(&task)).await;

    let report = core.session().resume_unfinished().await.unwrap();
    assert_eq!(report.resumed, std::slice::from_ref(&job.id));
    assert!(report.held_elsewhere.is_empty() && report.skipped.is_empty());
    let done = core.session().wait(&job.id).await.unwrap();
    assert_eq!(
        done.status,
        JobStatus::Completed,
        "{:?}",
        done.error_message
    );
    assert_eq!(
        s.server.submit_count(),
        1,
        "only the submit before the crash"
    );
    assert_eq!(s.server.poll_count(&task), 3);
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
async fn a_downloading_job_fetches_only_the_images_it_does_not_have() {
    let s = setup().await;
    let core = s.core().await;
    let mut req = request("two plums", Model::NanoBanana);
    req.count = 2;
    req.size = ImageSize::S1K;
    let task = s.remote_task(&req).await;
    let urls = s.finished_urls(&task).await;
    assert_eq!(urls.len(), 2);
    let results = ResultUrls {
        urls,
        fallback_urls: Vec::new(),
        raw: None,
        staged: Vec::new(),
    };
    let state = JobUpdate {
        status: Some(JobStatus::Downloading),
        response_data: Some(results.to_response_data().unwrap()),
        ..submitted(&task)
    };
    let job = crashed_job(&core, &req, state).await;
    // Image 0 was stored before the crash.
    let stored = core
        .session()
        .library()
        .ingest_image(
            Some(&job.id),
            0,
            IngestSource::Bytes(fake_png()),
            IngestOptions::default(),
        )
        .await
        .unwrap();
    let polls_before = s.server.count(Endpoint::Poll);

    core.session().resume_unfinished().await.unwrap();
    let done = core.session().wait(&job.id).await.unwrap();
    assert_eq!(
        done.status,
        JobStatus::Completed,
        "{:?}",
        done.error_message
    );
    let images = core.session().library().job_images(&job.id).await.unwrap();
    assert_eq!(images.len(), 2);
    assert_eq!(images[0].id, stored.id, "the stored image is kept");
    assert_eq!(
        images[1].width.max(images[1].height),
        1024,
        "as the service sent it"
    );
    let fetched: Vec<String> = s
        .server
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == Endpoint::Image)
        .map(|r| r.path)
        .collect();
    assert_eq!(fetched, [format!("/files/{task}/1.png")]);
    assert_eq!(
        s.server.count(Endpoint::Poll),
        polls_before,
        "no new status check"
    );
    assert_eq!(s.server.submit_count(), 1);
}

#[tokio::test]
async fn a_job_interrupted_during_its_submit_fails_as_interrupted_and_is_not_resent() {
    let s = setup().await;
    let core = s.core().await;
    let req = request("a cat", Model::NanoBanana2);
    // As the queue leaves a job whose submit was cut by a crash: the attempt, its time, no task.
    let attempted = JobUpdate {
        increment_attempts: true,
        may_be_charged: Some(true),
        submitted_at: Some(1_700_000_000_000),
        ..JobUpdate::default()
    };
    let unknown = crashed_job(&core, &req, attempted).await;
    let never_sent = crashed_job(&core, &req, JobUpdate::default()).await;

    let report = core.session().resume_unfinished().await.unwrap();
    assert_eq!(report.resumed.len(), 2);
    let failed = core.session().wait(&unknown.id).await.unwrap();
    assert_eq!(failed.status, JobStatus::Failed);
    assert_eq!(failed.error_kind, Some(ErrorKind::Interrupted));
    let message = failed.error_message.clone().unwrap_or_default();
    assert!(message.contains("not sent again"), "{message}");
    let sent = core.session().wait(&never_sent.id).await.unwrap();
    assert_eq!(sent.status, JobStatus::Completed);
    assert_eq!(
        s.server.submit_count(),
        1,
        "only the job that was never sent"
    );

    assert!(
        failed.may_be_charged,
        "the submit went out: it may have been charged"
    );
    assert!(failed.submitted_at.is_some(), "with its submit time");
    // Recovering needs a task: refused. The user may run it again explicitly (paid again).
    assert!(core.session().retry(&failed.id).await.is_err());
    assert_eq!(s.server.submit_count(), 1);
    let rerun = core
        .session()
        .rerun(&failed.id, GenerateOptions::default())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(rerun.parent_job_id.as_deref(), Some(failed.id.as_str()));
    assert_eq!(
        core.session().wait(&rerun.id).await.unwrap().status,
        JobStatus::Completed
    );
    assert_eq!(s.server.submit_count(), 2);
}

#[tokio::test]
async fn two_processes_resuming_at_once_drive_each_job_once() {
    let s = setup().await;
    s.server.set_scenario(TaskScenario {
        pending_polls: 3,
        ..TaskScenario::default()
    });
    let app = s.core().await;
    let cli = s.core().await;
    let req = request("a cat", Model::NanoBanana2);
    let task = s.remote_task(&req).await;
    let job = crashed_job(&app, &req, submitted(&task)).await;

    let (app_session, cli_session) = (app.session(), cli.session());
    let (a, b) = tokio::join!(
        app_session.resume_unfinished(),
        cli_session.resume_unfinished()
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let claims = a.resumed.len() + b.resumed.len();
    assert_eq!(claims, 1, "exactly one claims it: {a:?} {b:?}");
    assert_eq!(a.held_elsewhere.len() + b.held_elsewhere.len(), 1);

    let (x, y) = tokio::join!(app_session.wait(&job.id), cli_session.wait(&job.id));
    assert_eq!(x.unwrap().status, JobStatus::Completed);
    assert_eq!(y.unwrap().status, JobStatus::Completed);
    assert_eq!(s.server.poll_count(&task), 4, "one poller");
    assert_eq!(s.server.count(Endpoint::Image), 1);
    assert_eq!(
        app.session()
            .library()
            .job_images(&job.id)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_live_lease_is_renewed_and_a_dead_one_is_taken_over_when_it_expires() {
    let s = setup().await;
    s.server.set_scenario(TaskScenario {
        pending_polls: 200,
        ..TaskScenario::default()
    });
    let app = s.core().await;
    let cli = s.core().await;
    let jobs = app
        .session()
        .generate(request("a cat", Model::NanoBanana2), Default::default())
        .await
        .unwrap();
    let id = jobs[0].id.clone();
    // 200 polls of 20 ms outlast the 2 s lease: only renewal keeps it.
    eventually("3 s of polling", || s.server.count(Endpoint::Poll) >= 150).await;
    let report = cli.session().resume_unfinished().await.unwrap();
    assert_eq!(
        report.held_elsewhere,
        std::slice::from_ref(&id),
        "{report:?}"
    );
    let ledger = nanoforge_core::queue::Ledger::for_this_install(app.session().library().clone());
    let lease = ledger.job_lease(&id).await.unwrap().expect("leased");
    assert_eq!(lease.owner, app.session().queue().owner_id());

    // A process that died holding a lease: its claim runs out and the job is taken over.
    s.server.set_scenario(TaskScenario::default());
    let req = request("orphan", Model::NanoBanana2);
    let task = s.remote_task(&req).await;
    let orphan = crashed_job(&app, &req, submitted(&task)).await;
    assert!(
        ledger
            .claim_job(&orphan.id, "dead-process", 1_000)
            .await
            .unwrap()
    );
    let report = cli.session().resume_unfinished().await.unwrap();
    assert!(report.held_elsewhere.contains(&orphan.id), "{report:?}");
    let done = cli.session().wait(&orphan.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Completed);
    assert_eq!(s.server.submit_count(), 2, "the orphan was not sent again");
    // Stop the long one if it is still polling (it may have finished meanwhile).
    let _ = app.session().cancel(&id).await;
}

fn fake_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 4, 4);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[200u8; 48]).unwrap();
    writer.finish().unwrap();
    out
}
