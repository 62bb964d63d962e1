//! Quitting never drops a paid request: `AppCore::quit` (the first Ctrl-C, SIGTERM or SIGHUP; the
//! window closed) says how many paid requests it waits for, waits until each is recorded (a
//! Gemini answer stored, a Nano Banana task id), then hands the jobs back. `shutdown` (the second
//! Ctrl-C, "Quit now") stops at once and leaves the honest state: may be charged, never resent.

use crate::gemini_support;
use crate::queue_support::{self, eventually, request, setup};

use fake_nanobanana::{Fault, FaultAction, Target};
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::Model;
use nanoforge_core::{AppCore, CoreEvent, ErrorKind};
use tokio::sync::broadcast;

/// The `Quitting` event's count, skipping every other event.
async fn quitting_count(rx: &mut broadcast::Receiver<CoreEvent>) -> u32 {
    loop {
        match tokio::time::timeout(queue_support::PATIENCE, rx.recv()).await {
            Ok(Ok(CoreEvent::Quitting { paid_requests })) => return paid_requests,
            Ok(Ok(_) | Err(broadcast::error::RecvError::Lagged(_))) => {}
            other => panic!("no Quitting event: {other:?}"),
        }
    }
}

async fn in_flight(core: &AppCore) {
    let core = core.clone();
    eventually("a paid request in flight", move || {
        core.paid_requests_in_flight() == 1
    })
    .await;
}

#[tokio::test]
async fn quitting_during_a_gemini_generation_stores_the_paid_answer() {
    let env = gemini_support::env().await;
    env.fake.push_fault(fake_gemini::Fault::new(
        1,
        fake_gemini::FaultAction::Delay { ms: 700 },
    ));
    let job = env
        .core
        .session()
        .generate(
            gemini_support::request("a slow sunrise", Model::Gemini31FlashImage),
            Default::default(),
        )
        .await
        .unwrap()
        .remove(0);
    in_flight(&env.core).await;
    let mut events = env.core.subscribe();
    env.core.quit().await.unwrap();
    assert_eq!(quitting_count(&mut events).await, 1);

    // Before the process exits, the answer is in the library and the job done.
    let stored = env.core.session().library().get_job(&job.id).await.unwrap();
    assert_eq!(
        stored.status,
        JobStatus::Completed,
        "{:?}",
        stored.error_message
    );
    assert!(stored.cost > 0.0);
    let images = env
        .core
        .session()
        .library()
        .job_images(&job.id)
        .await
        .unwrap();
    assert_eq!(images.len(), 1);
    assert_eq!(env.fake.generate_count(), 1);
    let staged = env
        .core
        .session()
        .library()
        .root()
        .join("staged")
        .join(&job.id);
    assert!(!staged.exists(), "the staged answer is removed once stored");
}

#[tokio::test]
async fn quitting_during_a_nano_banana_submit_records_the_task_id() {
    let s = setup().await;
    s.server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Delay { ms: 700 },
    ));
    let core = s.core().await;
    let job = core
        .session()
        .generate(
            request("a slow kestrel", Model::NanoBanana2),
            Default::default(),
        )
        .await
        .unwrap()
        .remove(0);
    in_flight(&core).await;
    let mut events = core.subscribe();
    core.quit().await.unwrap();
    assert_eq!(quitting_count(&mut events).await, 1);
    let stored = core.session().library().get_job(&job.id).await.unwrap();
    assert!(
        stored.remote_task_id.is_some(),
        "the task id was recorded before exiting"
    );
    assert_eq!(stored.status, JobStatus::Submitted);
    drop(core);

    // The next start fetches what was paid for, without a second submit.
    let core = s.core().await;
    core.session().resume_unfinished().await.unwrap();
    let done = core.session().wait(&job.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Completed);
    assert_eq!(s.server.submit_count(), 1);
}

#[tokio::test]
async fn quit_now_leaves_the_job_may_be_charged_and_never_resends_it() {
    let s = setup().await;
    s.server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Delay { ms: 2_000 },
    ));
    let core = s.core().await;
    let job = core
        .session()
        .generate(
            request("an impatient kestrel", Model::NanoBanana2),
            Default::default(),
        )
        .await
        .unwrap()
        .remove(0);
    // The submit has reached the service (its attempt is committed before it is sent).
    eventually("the submit at the service", || s.server.submit_count() == 1).await;
    core.shutdown().await.unwrap();
    let stored = core.session().library().get_job(&job.id).await.unwrap();
    assert_eq!(stored.remote_task_id, None);
    assert!(stored.may_be_charged);
    drop(core);

    let core = s.core().await;
    core.session().resume_unfinished().await.unwrap();
    let ended = core.session().wait(&job.id).await.unwrap();
    assert_eq!(
        (ended.status, ended.error_kind),
        (JobStatus::Failed, Some(ErrorKind::Interrupted))
    );
    // The delayed submit reached the fake once; nothing was sent again.
    assert_eq!(s.server.submit_count(), 1);
}

#[tokio::test]
async fn a_quitting_queue_starts_no_paid_request() {
    let s = setup().await;
    s.server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Delay { ms: 700 },
    ));
    let core = s.core_with(|c| c.concurrency = 1).await;
    let mut two = request("two kestrels, one at a time", Model::NanoBanana2);
    two.count = 2;
    let jobs = core
        .session()
        .generate(two, Default::default())
        .await
        .unwrap();
    in_flight(&core).await;
    core.quit().await.unwrap();
    let mut statuses = Vec::new();
    for job in &jobs {
        statuses.push(
            core.session()
                .library()
                .get_job(&job.id)
                .await
                .unwrap()
                .status,
        );
    }
    statuses.sort_by_key(|s| s.as_str());
    assert_eq!(statuses, [JobStatus::Pending, JobStatus::Submitted]);
    assert_eq!(
        s.server.submit_count(),
        1,
        "the queued one waits for the next start"
    );
}
