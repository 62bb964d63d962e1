//! Gemini's Batch API for a batch's Gemini jobs, against the fake's Batch API over loopback and a
//! real library: inline creates of at most 20, results matched by key only (shuffled, dropped,
//! duplicated and unknown keys quarantined, never given by position), a request's own error,
//! expiry never charged, a lost create found by listing (never a second batch, even across a
//! restart), cancel, both state spellings, and the batch price (429s and the budget:
//! `batch_gemini_api_limits.rs`).

use std::time::Duration;

use crate::gemini_support::{Env, env};

use fake_gemini::{
    BatchAdvance, BatchScenario, BatchState, Endpoint, Fault, FaultAction, RequestError, ResultsIn,
    StateSpelling, Target,
};
use nanoforge_core::AppCore;
use nanoforge_core::batch::{BatchRequest, RecordedBatch};
use nanoforge_core::catalog::{ImageSize, Model};
use nanoforge_core::library::{JobRecord, JobStatus};

pub(crate) const MODEL: Model = Model::Gemini31FlashImage;

pub(crate) fn batch_api(template: &str, models: Vec<Model>) -> BatchRequest {
    let mut req = BatchRequest::new(template, models);
    req.size = Some(ImageSize::S1K);
    req.batch_api = true;
    req
}

pub(crate) async fn record(core: &AppCore, req: &BatchRequest) -> RecordedBatch {
    core.session().record_batch(req).await.unwrap()
}

/// Drives the remote batches until they end, then waits while the answers are stored.
pub(crate) async fn collect(core: &AppCore, recorded: &RecordedBatch) -> Vec<JobRecord> {
    let round = core
        .session()
        .drive_remote_batches(Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(round.live, 0, "every remote batch ended");
    let mut jobs = Vec::new();
    for job in &recorded.jobs {
        jobs.push(core.session().wait(&job.id).await.unwrap());
    }
    jobs
}

pub(crate) fn succeed_all(env: &Env) {
    env.fake
        .advance_batches(BatchAdvance {
            name: None,
            to: Some(BatchState::Succeeded),
        })
        .unwrap();
}

pub(crate) async fn images_of(core: &AppCore, job: &JobRecord) -> usize {
    core.session()
        .library()
        .job_images(&job.id)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn twenty_five_jobs_go_as_two_creates_and_come_back_by_key_at_half_price() {
    let env = env().await;
    let core = &env.core;
    // Shuffled results: order must not matter.
    env.fake.set_batch_scenario(BatchScenario {
        shuffle: true,
        ..BatchScenario::default()
    });
    let req = batch_api("{a|b|c|d|e} fox {1|2|3|4|5}", vec![MODEL]);
    let mut interactive = req.clone();
    interactive.batch_api = false;
    let full = core.session().plan_batch(&interactive).await.unwrap();
    let plan = core.session().plan_batch(&req).await.unwrap();
    assert_eq!(plan.count, 25);
    for (half, whole) in plan.jobs.iter().zip(&full.jobs) {
        assert!((half.estimated_cost - whole.estimated_cost / 2.0).abs() < 1e-6);
    }

    let recorded = record(core, &req).await;
    let batches = env.fake.batches();
    assert_eq!(
        env.fake.batches_created(),
        2,
        "25 jobs: a create of 20 and one of 5"
    );
    assert_eq!(batches[0].keys.len() + batches[1].keys.len(), 25);
    assert!(batches.iter().any(|b| b.keys.len() == 20));
    assert!(
        batches[0]
            .display_name
            .starts_with(&format!("nf:{}:chunk-", recorded.batch_id))
    );
    for job in &recorded.jobs {
        assert_eq!(job.status, JobStatus::Submitted, "{:?}", job.error_message);
        assert!(
            job.may_be_charged,
            "a running batch counts as possibly charged"
        );
    }
    let budget = core.session().budget_status().await.unwrap();
    assert!((budget.spent_possible - plan.estimated_cost).abs() < 1e-6);

    succeed_all(&env);
    let jobs = collect(core, &recorded).await;
    let interactive_cost = full.jobs[0].estimated_cost;
    for job in &jobs {
        assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
        assert_eq!(images_of(core, job).await, 1);
        assert!(
            job.cost > 0.0 && job.cost < interactive_cost,
            "batch price: {}",
            job.cost
        );
    }
    // Each job's own request carried its own key, and nothing was sent interactively.
    for batch in env.fake.batch_requests() {
        if let Some(call) = batch.batch.filter(|c| !c.requests.is_empty()) {
            for sent in call.requests {
                let key = sent.key.unwrap();
                let job = jobs.iter().find(|j| j.id == key).unwrap();
                assert_eq!(sent.payload.prompt.as_deref(), Some(job.prompt.as_str()));
            }
        }
    }
    assert_eq!(env.fake.generate_count(), 0);
    let status = core
        .session()
        .batch_status(Some(&recorded.batch_id))
        .await
        .unwrap();
    assert_eq!(status.remote_batches.len(), 2);
    assert!(status.remote_batches.iter().all(|r| r.phase == "ended"));
    assert!(
        status
            .remote_batches
            .iter()
            .all(|r| r.state.as_deref() == Some("succeeded"))
    );
}

#[tokio::test]
async fn dropped_duplicated_and_failed_results_never_reach_the_wrong_job() {
    let env = env().await;
    let core = &env.core;
    let recorded = record(core, &batch_api("kite {1|2|3|4}", vec![MODEL])).await;
    let ids: Vec<String> = recorded.jobs.iter().map(|j| j.id.clone()).collect();
    env.fake.set_batch_scenario(BatchScenario {
        shuffle: true,
        drop_keys: vec![ids[0].clone()],
        duplicate_keys: vec![ids[1].clone()],
        errors: [(ids[3].clone(), RequestError::default())].into(),
        ..BatchScenario::default()
    });
    succeed_all(&env);
    let jobs = collect(core, &recorded).await;

    // The keyless result and both copies of the duplicated one are quarantined.
    for lost in &jobs[..2] {
        assert_eq!(lost.status, JobStatus::Failed);
        assert!(lost.may_be_charged, "its result may exist and be billed");
        assert_eq!(images_of(core, lost).await, 0, "never someone else's image");
        assert!(
            lost.error_message
                .as_deref()
                .unwrap()
                .contains("quarantine")
        );
    }
    assert_eq!(jobs[2].status, JobStatus::Completed);
    assert_eq!(images_of(core, &jobs[2]).await, 1);
    // A request's own error fails that job only, not charged.
    assert_eq!(jobs[3].status, JobStatus::Failed);
    assert!(!jobs[3].may_be_charged);
    assert!(
        jobs[3]
            .error_message
            .as_deref()
            .unwrap()
            .contains("Internal error")
    );

    let status = core
        .session()
        .batch_status(Some(&recorded.batch_id))
        .await
        .unwrap();
    assert_eq!(status.remote_batches[0].quarantined, 3);
    let kept = std::fs::read_dir(find_quarantine(env.dir.path()))
        .unwrap()
        .count();
    assert_eq!(kept, 1, "one folder for the remote batch");
}

/// The library's `quarantine` folder, wherever the profile's library lives under `root`.
fn find_quarantine(root: &std::path::Path) -> std::path::PathBuf {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "quarantine") {
                    return path;
                }
                stack.push(path);
            }
        }
    }
    panic!("no quarantine folder under {}", root.display());
}

#[tokio::test]
async fn an_expired_batch_fails_its_jobs_as_never_charged() {
    let env = env().await;
    let core = &env.core;
    let recorded = record(core, &batch_api("owl {1|2|3}", vec![MODEL])).await;
    env.fake
        .advance_batches(BatchAdvance {
            name: None,
            to: Some(BatchState::Expired),
        })
        .unwrap();
    let jobs = collect(core, &recorded).await;
    for job in &jobs {
        assert_eq!(job.status, JobStatus::Failed);
        assert!(!job.may_be_charged);
        assert_eq!(job.cost, 0.0);
        assert!(job.error_message.as_deref().unwrap().contains("expired"));
        // Typed, so the page says what happened without reading the words.
        assert_eq!(
            job.error_kind,
            Some(nanoforge_core::ErrorKind::BatchExpired)
        );
    }
    let budget = core.session().budget_status().await.unwrap();
    assert_eq!(budget.spent_possible, 0.0);
    assert_eq!(budget.spent_confirmed, 0.0);
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_found_by_listing_not_made_twice() {
    let env = env().await;
    let core = &env.core;
    env.fake.push_fault(
        Fault::new(1, FaultAction::Reset)
            .with_target(Target::BatchCreate)
            .after_commit(),
    );
    let recorded = record(core, &batch_api("boat {1|2}", vec![MODEL])).await;
    assert_eq!(env.fake.batches_created(), 1);
    assert!(
        env.fake.endpoint_count(Endpoint::BatchList) >= 1,
        "looked for it by name"
    );
    for job in &recorded.jobs {
        assert_eq!(job.status, JobStatus::Submitted, "{:?}", job.error_message);
    }
    succeed_all(&env);
    let jobs = collect(core, &recorded).await;
    assert!(jobs.iter().all(|j| j.status == JobStatus::Completed));
    assert_eq!(env.fake.batches_created(), 1, "exactly one create");
    assert_eq!(env.fake.endpoint_count(Endpoint::BatchCreate), 1);
}

#[tokio::test]
async fn a_crash_while_the_create_is_in_flight_never_makes_a_second_batch() {
    let env = env().await;
    // The service makes the batch, then its answer never comes: the process dies meanwhile.
    env.fake.push_fault(
        Fault::new(1, FaultAction::Hang { ms: None })
            .with_target(Target::BatchCreate)
            .after_commit(),
    );
    let core = env.reopen().await;
    let req = batch_api("lamp {1|2|3}", vec![MODEL]);
    let task = tokio::spawn(async move {
        let _ = core.session().record_batch(&req).await;
    });
    for _ in 0..200 {
        if env.fake.batches_created() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(env.fake.batches_created(), 1);
    task.abort();
    let _ = task.await;

    // The next start: the create's answer is unknown; listing finds the batch.
    let next = env.reopen().await;
    let status = next.session().batch_status(None).await.unwrap();
    assert_eq!(status.remote_batches[0].phase, "sending");
    // The dead process's leases run out first (2 s in these tests).
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    next.session()
        .drive_remote_batches(Duration::from_millis(200))
        .await
        .unwrap();
    let status = next.session().batch_status(None).await.unwrap();
    assert_eq!(status.remote_batches[0].phase, "created");
    assert_eq!(status.counts.running, 3);
    succeed_all(&env);
    next.session()
        .drive_remote_batches(Duration::from_secs(20))
        .await
        .unwrap();
    for job in &status.jobs {
        let job = next.session().wait(&job.id).await.unwrap();
        assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    }
    assert_eq!(env.fake.batches_created(), 1, "never a second batch");
}

#[tokio::test]
async fn cancel_cancels_the_remote_batch_and_a_finished_one_still_delivers() {
    let env = env().await;
    let core = &env.core;
    let recorded = record(core, &batch_api("tree {1|2}", vec![MODEL])).await;
    let status = core
        .session()
        .cancel_batch(&recorded.batch_id)
        .await
        .unwrap();
    assert_eq!(env.fake.endpoint_count(Endpoint::BatchCancel), 1);
    assert_eq!(env.fake.batches()[0].state, BatchState::Cancelled);
    assert_eq!(status.counts.cancelled, 2);
    assert_eq!(status.remote_batches[0].phase, "ended");
    // Google cancelled it before running these: never charged, nothing to recover, and said so.
    for job in &status.jobs {
        assert_eq!(job.status, JobStatus::Cancelled);
        assert_eq!(
            job.error_kind,
            Some(nanoforge_core::ErrorKind::BatchCancelled)
        );
        assert!(!job.may_be_charged, "{:?}", job.error_message);
        assert!(
            job.error_message
                .as_deref()
                .unwrap()
                .contains("nothing was charged")
        );
    }

    // A batch that finished before the cancel landed: its results are stored.
    let recorded = record(core, &batch_api("bird {1|2}", vec![MODEL])).await;
    succeed_all(&env);
    core.session()
        .cancel_batch(&recorded.batch_id)
        .await
        .unwrap();
    for job in &recorded.jobs {
        let job = core.session().wait(&job.id).await.unwrap();
        assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    }
}

#[tokio::test]
async fn job_state_spelling_results_in_metadata_and_a_create_per_model() {
    let env = env().await;
    let core = &env.core;
    // The SDK spelling, and the results only in `metadata.output` (live answers carried either).
    env.fake.set_batch_scenario(BatchScenario {
        state_spelling: StateSpelling::Job,
        results_in: ResultsIn::Metadata,
        ..BatchScenario::default()
    });
    let req = batch_api("moon {1|2}", vec![MODEL, Model::Gemini3ProImage]);
    let recorded = record(core, &req).await;
    assert_eq!(env.fake.batches_created(), 2, "one create per model");
    env.fake
        .advance_batches(BatchAdvance {
            name: None,
            to: Some(BatchState::Running),
        })
        .unwrap();
    core.session()
        .drive_remote_batches(Duration::from_millis(100))
        .await
        .unwrap();
    let status = core.session().batch_status(None).await.unwrap();
    assert!(
        status
            .remote_batches
            .iter()
            .all(|r| r.state.as_deref() == Some("running"))
    );
    assert!(
        status
            .jobs
            .iter()
            .all(|j| j.status == JobStatus::Processing)
    );
    succeed_all(&env);
    let jobs = collect(core, &recorded).await;
    assert!(jobs.iter().all(|j| j.status == JobStatus::Completed));
}
