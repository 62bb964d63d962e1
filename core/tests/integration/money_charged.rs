//! What Nano Banana really charged: the balance read before a job's submit and after it finished
//! records the job's credits when no other submit ran in between, and teaches the rate per image
//! that later refuses a request the balance cannot pay (no typed figure needed).

use crate::queue_support;

use fake_nanobanana::{Endpoint, TaskScenario};
use nanoforge_core::ErrorKind;
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::Model;
use queue_support::{request, setup};

#[tokio::test]
async fn a_job_alone_records_its_credits_and_teaches_the_rate() {
    let s = setup().await;
    s.server.set_credits(100.0);
    s.server.set_credits_per_image(2.5);
    let core = s.core().await;

    let job = core
        .session()
        .generate(
            request("a lone heron", Model::NanoBanana2),
            Default::default(),
        )
        .await
        .unwrap()
        .remove(0);
    let job = core.session().wait(&job.id).await.unwrap();
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(job.charged_credits, Some(2.5), "100 before, 97.5 after");
    assert!((s.server.credits() - 97.5).abs() < 1e-9);
    // The page sees it on the job (the CLI's `charged_credits` is tested with the CLI).
    let json = serde_json::to_value(&job).unwrap();
    assert_eq!(json["chargedCredits"], 2.5);

    // The learned rate refuses three more at 2.5 when 7 credits are left; nothing is sent.
    s.server.set_credits(7.0);
    assert_eq!(
        core.session().credits().await.unwrap().credits_per_image,
        None
    );
    let mut three = request("three herons", Model::NanoBanana2);
    three.count = 3;
    let submits = s.server.submit_count();
    let error = core
        .session()
        .generate(three.clone(), Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutOfCredits);
    assert!(
        error.to_string().contains("7.5"),
        "3 × 2.5 credits: {error}"
    );
    assert_eq!(s.server.submit_count(), submits);

    // The rate is per model and size: a 4K image of Nano Banana Pro has not been learned.
    let mut other = request("a heron in 4K", Model::NanoBananaPro);
    other.size = nanoforge_core::catalog::ImageSize::S4K;
    core.session()
        .generate(other, Default::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_balance_that_did_not_move_records_nothing() {
    let s = setup().await;
    s.server.set_credits(50.0);
    let core = s.core().await;
    let job = core
        .session()
        .generate(
            request("a free lunch", Model::NanoBanana2),
            Default::default(),
        )
        .await
        .unwrap()
        .remove(0);
    let job = core.session().wait(&job.id).await.unwrap();
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(job.charged_credits, None, "never a cost of 0 credits");
    assert!(
        s.server.count(Endpoint::Credit) >= 2,
        "read before and after"
    );
}

#[tokio::test]
async fn jobs_that_overlap_record_nothing_rather_than_each_others_credits() {
    let s = setup().await;
    s.server.set_credits(100.0);
    s.server.set_credits_per_image(4.0);
    // Each task takes 400 ms: the two submits happen inside each other's window.
    s.server.set_scenario(TaskScenario {
        pending_ms: 400,
        ..TaskScenario::default()
    });
    let core = s.core().await;
    let mut two = request("two overlapping cranes", Model::NanoBanana2);
    two.count = 2;
    let jobs = core
        .session()
        .generate(two, Default::default())
        .await
        .unwrap();
    assert_eq!(jobs.len(), 2);
    for job in &jobs {
        let done = core.session().wait(&job.id).await.unwrap();
        assert_eq!(done.status, JobStatus::Completed);
        assert_eq!(
            done.charged_credits, None,
            "the balance moved by 8 for two jobs: neither can say what it took"
        );
    }
    assert!((s.server.credits() - 92.0).abs() < 1e-9);
}
