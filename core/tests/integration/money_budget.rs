//! The monthly budget and the credit balance refuse before anything is recorded or sent; the user
//! can go over the budget for one submission; run-again keeps the family together.

use crate::queue_support;

use fake_nanobanana::Endpoint;
use nanoforge_core::ErrorKind;
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::Model;
use nanoforge_core::queue::{BudgetLevel, GenerateOptions};
use queue_support::{request, setup};

#[tokio::test]
async fn the_budget_warns_then_refuses_unless_overridden() {
    let s = setup().await;
    let core = s.core().await;
    assert_eq!(
        core.session().budget_status().await.unwrap().level,
        BudgetLevel::Off
    );
    let mut settings = core.session().preferences().await.unwrap();
    settings.monthly_budget_usd = Some(0.15);
    core.session().update_preferences(settings).await.unwrap();

    // Two Nano Banana 2 images at $0.067: $0.134 of $0.15 is past the 80 % warning.
    let mut req = request("two kites", Model::NanoBanana2);
    req.count = 2;
    for job in core
        .session()
        .generate(req, Default::default())
        .await
        .unwrap()
    {
        assert_eq!(
            core.session().wait(&job.id).await.unwrap().status,
            JobStatus::Completed
        );
    }
    let status = core.session().budget_status().await.unwrap();
    assert_eq!(status.level, BudgetLevel::Warning);
    assert!((status.spent_confirmed - 0.134).abs() < 1e-9, "{status:?}");
    assert_eq!(status.spent_possible, 0.0);
    assert_eq!(status.limit_usd, Some(0.15));

    // One more would go over: refused, nothing recorded or sent.
    let submits = s.server.submit_count();
    let jobs_before = core.session().library().job_count().await.unwrap();
    let error = core
        .session()
        .generate(
            request("a third kite", Model::NanoBanana2),
            Default::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OverBudget);
    assert!(error.to_string().contains("$0.15"), "{error}");
    assert_eq!(s.server.submit_count(), submits);
    assert_eq!(
        core.session().library().job_count().await.unwrap(),
        jobs_before
    );

    // The user says "generate anyway" for this one submission.
    let over = GenerateOptions {
        over_budget: true,
        ..GenerateOptions::default()
    };
    let jobs = core
        .session()
        .generate(request("a third kite", Model::NanoBanana2), over)
        .await
        .unwrap();
    core.session().wait(&jobs[0].id).await.unwrap();
    assert_eq!(
        core.session().budget_status().await.unwrap().level,
        BudgetLevel::Over
    );
    // The demo costs nothing, so it is never over budget.
    let demo = GenerateOptions {
        provider: Some(nanoforge_core::queue::ProviderKind::Demo),
        ..GenerateOptions::default()
    };
    core.session()
        .generate(request("free", Model::NanoBanana2), demo)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_batch_the_balance_cannot_pay_is_refused_when_credits_per_image_are_known() {
    let s = setup().await;
    s.server.set_credits(100.0);
    let core = s.core().await;
    let mut req = request("four owls", Model::NanoBanana2);
    req.count = 4;
    // Without a credits-per-image figure a positive balance is not compared with the batch.
    let jobs = core
        .session()
        .generate(req.clone(), Default::default())
        .await
        .unwrap();
    for job in &jobs {
        core.session().wait(&job.id).await.unwrap();
    }
    let mut settings = core.session().preferences().await.unwrap();
    settings.credits_per_image = Some(30.0);
    core.session().update_preferences(settings).await.unwrap();
    assert_eq!(
        core.session().credits().await.unwrap().credits_per_image,
        Some(30.0)
    );
    let submits = s.server.submit_count();
    let error = core
        .session()
        .generate(req, Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutOfCredits);
    assert!(error.to_string().contains("120"), "4 × 30 credits: {error}");
    assert_eq!(s.server.submit_count(), submits, "nothing sent");
    assert!(
        s.server.count(Endpoint::Credit) >= 2,
        "the balance was read"
    );
}

#[tokio::test]
async fn run_again_is_a_new_job_in_the_same_family() {
    let s = setup().await;
    let core = s.core().await;
    let first = core
        .session()
        .generate(
            request("a family portrait", Model::NanoBanana2),
            Default::default(),
        )
        .await
        .unwrap()
        .remove(0);
    let first = core.session().wait(&first.id).await.unwrap();
    let again = core
        .session()
        .rerun(&first.id, GenerateOptions::default())
        .await
        .unwrap()
        .remove(0);
    let again = core.session().wait(&again.id).await.unwrap();
    assert_eq!(again.parent_job_id.as_deref(), Some(first.id.as_str()));
    assert_eq!(s.server.submit_count(), 2, "run again is a new paid submit");
    let family = core.session().job_family(&first.id).await.unwrap();
    assert_eq!(family.parent, None);
    assert_eq!(
        family.children.iter().map(|j| &j.id).collect::<Vec<_>>(),
        [&again.id]
    );
    let family = core.session().job_family(&again.id).await.unwrap();
    assert_eq!(family.parent.map(|p| p.id), Some(first.id.clone()));
    // A remix of its image is in the family too.
    let image = core
        .session()
        .library()
        .job_images(&first.id)
        .await
        .unwrap()
        .remove(0);
    let remix = GenerateOptions {
        parent_image_id: Some(image.id.clone()),
        ..GenerateOptions::default()
    };
    let child = core
        .session()
        .generate(request("the portrait, at night", Model::NanoBanana2), remix)
        .await
        .unwrap()
        .remove(0);
    let children = core.session().job_family(&first.id).await.unwrap().children;
    assert_eq!(children.len(), 2);
    assert!(children.iter().any(|j| j.id == child.id));
    assert_eq!(
        core.session()
            .job_family(&child.id)
            .await
            .unwrap()
            .parent
            .map(|p| p.id),
        Some(first.id)
    );
}

#[tokio::test]
async fn two_generates_at_once_near_the_limit_cannot_both_pass() {
    let s = setup().await;
    let core = s.core().await;
    let mut settings = core.session().preferences().await.unwrap();
    // Room for one Nano Banana 2 image at $0.067, not two.
    settings.monthly_budget_usd = Some(0.10);
    core.session().update_preferences(settings).await.unwrap();
    let session = core.session();
    let (a, b) = tokio::join!(
        session.generate(
            request("racing heron", Model::NanoBanana2),
            Default::default()
        ),
        session.generate(
            request("racing egret", Model::NanoBanana2),
            Default::default()
        ),
    );
    let mut kinds: Vec<_> = [&a, &b]
        .iter()
        .map(|r| r.as_ref().err().map(|e| e.kind()))
        .collect();
    kinds.sort_by_key(|k| k.is_some());
    assert_eq!(kinds, [None, Some(ErrorKind::OverBudget)], "{a:?} {b:?}");
    assert_eq!(core.session().library().job_count().await.unwrap(), 1);
}
