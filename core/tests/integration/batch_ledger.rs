//! Batches against the fake Nano Banana server and a real library: the expansion and its count,
//! the limit and the budget refusing before anything is recorded, the whole-batch price as the sum
//! of the jobs' quotes at the prices in effect, fan-out where one job fails alone, and cancel.

use crate::queue_support;

use fake_nanobanana::{Fault, FaultAction, Target};
use nanoforge_core::batch::{BatchRequest, BatchState, ExpansionMode};
use nanoforge_core::catalog::{ImageSize, PriceOverride};
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::Model;
use nanoforge_core::{AppCore, ErrorKind};
use queue_support::{eventually_some, request, setup};

async fn job_count(core: &AppCore) -> i64 {
    core.session().library().job_count().await.unwrap()
}

#[tokio::test]
async fn alternatives_csv_rows_and_models_multiply_in_order() {
    let s = setup().await;
    let core = s.core().await;
    let mut req = BatchRequest::new(
        "a {red|blue} ${thing}",
        vec![Model::NanoBanana2, Model::NanoBananaPro],
    );
    req.csv = Some("thing\nkite\nboat\n".into());
    let plan = core.session().plan_batch(&req).await.unwrap();
    let got: Vec<(String, Model)> = plan
        .jobs
        .iter()
        .map(|j| (j.prompt.clone(), j.model))
        .collect();
    let mut want = Vec::new();
    for thing in ["kite", "boat"] {
        for colour in ["red", "blue"] {
            for model in [Model::NanoBanana2, Model::NanoBananaPro] {
                want.push((format!("a {colour} {thing}"), model));
            }
        }
    }
    assert_eq!(got, want);
    assert_eq!(plan.count, 8);
    // A plan records and sends nothing.
    assert_eq!(job_count(&core).await, 0);
    assert_eq!(s.server.submit_count(), 0);

    // Wildcards saved in the profile take part.
    core.session()
        .set_wildcard(
            "animal",
            vec!["cat".into(), "# skipped".into(), "owl".into()],
        )
        .await
        .unwrap();
    let req = BatchRequest::new("__animal__ {at dawn|at dusk}", vec![Model::NanoBanana2]);
    let prompts: Vec<String> = core
        .session()
        .plan_batch(&req)
        .await
        .unwrap()
        .jobs
        .into_iter()
        .map(|j| j.prompt)
        .collect();
    assert_eq!(
        prompts,
        ["cat at dawn", "cat at dusk", "owl at dawn", "owl at dusk"]
    );
    assert_eq!(core.session().wildcards().await.unwrap()[0].name, "animal");
}

#[tokio::test]
async fn random_n_is_the_same_for_the_same_seed() {
    let s = setup().await;
    let core = s.core().await;
    let mut req = BatchRequest::new("{a|b|c|d|e} {1|2|3|4}", vec![Model::NanoBanana2]);
    let prompts = |plan: nanoforge_core::batch::BatchPlan| -> Vec<String> {
        plan.jobs.into_iter().map(|j| j.prompt).collect()
    };
    req.mode = ExpansionMode::Random { n: 5, seed: 7 };
    let first = prompts(core.session().plan_batch(&req).await.unwrap());
    let again = prompts(core.session().plan_batch(&req).await.unwrap());
    assert_eq!(first.len(), 5);
    assert_eq!(first, again);
    req.mode = ExpansionMode::Random { n: 5, seed: 8 };
    assert_ne!(
        prompts(core.session().plan_batch(&req).await.unwrap()),
        first
    );
    // N above the number of combinations gives each once.
    req.mode = ExpansionMode::Random { n: 100, seed: 7 };
    assert_eq!(core.session().plan_batch(&req).await.unwrap().count, 20);
}

#[tokio::test]
async fn over_the_limit_is_refused_before_anything_is_recorded() {
    let s = setup().await;
    let core = s.core().await;
    let ten = "{0|1|2|3|4|5|6|7|8|9}";
    // 10 × 10 × 10 prompts: 1000 jobs, over the default 500.
    let mut req = BatchRequest::new(format!("{ten}{ten}{ten}"), vec![Model::NanoBanana2]);
    let error = core.session().record_batch(&req).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BatchTooLarge);
    assert!(error.to_string().contains("1000"), "{error}");
    // The limit counts jobs: 300 prompts on two models is 600.
    req.template = format!("{{0|1|2}}{ten}{ten}");
    req.models = vec![Model::NanoBanana2, Model::NanoBananaPro];
    let error = core.session().plan_batch(&req).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BatchTooLarge);
    assert_eq!(job_count(&core).await, 0);
    assert_eq!(s.server.submit_count(), 0);
    req.max = 600;
    assert_eq!(core.session().plan_batch(&req).await.unwrap().count, 600);
    // A bad template is its own kind, with nothing recorded either.
    req.template = "a {red|blue".into();
    let error = core.session().record_batch(&req).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidTemplate);
    assert_eq!(job_count(&core).await, 0);
}

#[tokio::test]
async fn the_batch_total_is_the_sum_of_the_jobs_quotes() {
    let s = setup().await;
    let core = s.core().await;
    let mut prefs = core.session().preferences().await.unwrap();
    prefs.price_overrides = vec![PriceOverride {
        model: Model::NanoBanana2,
        size: ImageSize::S1K,
        usd: 0.051,
    }];
    core.session().update_preferences(prefs).await.unwrap();
    let mut req = BatchRequest::new(
        "{a lighthouse|a harbour|a dune}",
        vec![Model::NanoBanana2, Model::NanoBananaPro],
    );
    req.size = Some(ImageSize::S1K);
    let plan = core.session().plan_batch(&req).await.unwrap();
    let mut sum = 0.0;
    for job in &plan.jobs {
        let mut one = request(&job.prompt, job.model);
        one.size = job.size;
        let quote = core
            .session()
            .quote(&one, &Default::default())
            .await
            .unwrap();
        assert_eq!(job.estimated_cost, quote.total_usd, "{job:?}");
        sum += quote.total_usd;
    }
    assert!(
        (plan.estimated_cost - sum).abs() < 1e-9,
        "{} vs {sum}",
        plan.estimated_cost
    );
    assert!(plan.jobs.iter().any(|j| j.estimated_cost == 0.051));
    // Recorded, the jobs keep those estimates and the batch its total.
    req.over_budget = true;
    let recorded = core.session().record_batch(&req).await.unwrap();
    let estimates: f64 = recorded.jobs.iter().map(|j| j.estimated_cost).sum();
    assert!((estimates - plan.estimated_cost).abs() < 1e-9);
    for job in &recorded.jobs {
        core.session().wait(&job.id).await.unwrap();
    }
}

#[tokio::test]
async fn over_budget_records_nothing_unless_confirmed() {
    let s = setup().await;
    let core = s.core().await;
    let mut prefs = core.session().preferences().await.unwrap();
    prefs.monthly_budget_usd = Some(0.10);
    core.session().update_preferences(prefs).await.unwrap();
    // Three Nano Banana 2 jobs: one alone fits the budget, the batch does not.
    let mut req = BatchRequest::new("{red|green|blue} kite", vec![Model::NanoBanana2]);
    let error = core.session().record_batch(&req).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OverBudget);
    assert_eq!(job_count(&core).await, 0, "never half-recorded");
    assert_eq!(s.server.submit_count(), 0);

    req.over_budget = true;
    let recorded = core.session().record_batch(&req).await.unwrap();
    assert_eq!(recorded.jobs.len(), 3);
    for job in &recorded.jobs {
        assert_eq!(
            core.session().wait(&job.id).await.unwrap().status,
            JobStatus::Completed
        );
    }
    let status = core
        .session()
        .batch_status(Some(&recorded.batch_id))
        .await
        .unwrap();
    assert_eq!(status.state, BatchState::Completed);
    assert_eq!(status.counts.completed, 3);
    assert_eq!(s.server.submit_count(), 3);
    // Each job carries its image's hash, for the grid's content-addressed thumbnail URL.
    for job in &status.jobs {
        let image_id = job
            .image_id
            .as_deref()
            .expect("a completed job has its image");
        let image = core.session().get_image(image_id).await.unwrap();
        assert_eq!(job.image_sha256.as_deref(), Some(image.sha256.as_str()));
    }
    // Without an id, the newest batch.
    let newest = core.session().batch_status(None).await.unwrap();
    assert_eq!(newest.batch_id, recorded.batch_id);
}

#[tokio::test]
async fn one_job_of_a_fan_out_failing_leaves_the_others() {
    let s = setup().await;
    let core = s.core().await;
    // The first submit is refused as invalid (final, never retried); the others are served.
    s.server.push_fault(Fault {
        target: Target::Submit,
        times: 1,
        task_id: None,
        action: FaultAction::Http {
            status: 422,
            code: None,
            msg: Some("refused".into()),
            retry_after: None,
        },
    });
    let req = BatchRequest::new(
        "a paper crane",
        vec![Model::NanoBanana, Model::NanoBanana2, Model::NanoBananaPro],
    );
    let recorded = core.session().record_batch(&req).await.unwrap();
    let mut statuses = Vec::new();
    for job in &recorded.jobs {
        statuses.push(core.session().wait(&job.id).await.unwrap().status);
    }
    let failed = statuses.iter().filter(|s| **s == JobStatus::Failed).count();
    let completed = statuses
        .iter()
        .filter(|s| **s == JobStatus::Completed)
        .count();
    assert_eq!((failed, completed), (1, 2), "{statuses:?}");
    let status = core
        .session()
        .batch_status(Some(&recorded.batch_id))
        .await
        .unwrap();
    assert_eq!(status.state, BatchState::Failed);
    assert_eq!((status.counts.completed, status.counts.failed), (2, 1));
}

#[tokio::test]
async fn cancel_never_sends_queued_jobs_and_keeps_sent_ones_honest() {
    let s = setup().await;
    let core = s.core().await;
    let mut prefs = core.session().preferences().await.unwrap();
    prefs.concurrency = 1;
    core.session().update_preferences(prefs).await.unwrap();
    // Each submit takes 2 s to answer, so the cancel lands with one request out and the rest
    // queued behind the one slot.
    s.server.push_fault(Fault {
        target: Target::Submit,
        times: 6,
        task_id: None,
        action: FaultAction::Delay { ms: 2_000 },
    });
    let req = BatchRequest::new("{one|two|three|four} slow moth", vec![Model::NanoBanana2]);
    let recorded = core.session().record_batch(&req).await.unwrap();
    let session = core.session();
    let sent = eventually_some("a paid request going out", || async {
        let status = session.batch_status(Some(&recorded.batch_id)).await.ok()?;
        status.jobs.into_iter().find(|j| j.submitted_at.is_some())
    })
    .await;
    let status = core
        .session()
        .cancel_batch(&recorded.batch_id)
        .await
        .unwrap();
    assert_eq!(status.state, BatchState::Cancelled);
    assert_eq!(status.counts.cancelled, 4);
    // The request already out stays honest: cancelled here, maybe charged there.
    let sent = core.session().wait(&sent.id).await.unwrap();
    assert_eq!(sent.status, JobStatus::Cancelled);
    assert!(sent.may_be_charged, "a sent job says it may be charged");
    for job in status.jobs.iter().filter(|j| j.id != sent.id) {
        assert!(!job.may_be_charged, "{job:?}");
        assert_eq!(job.submitted_at, None);
    }
    // Neither the cancel nor a resume sends the queued ones.
    core.session().resume_unfinished().await.unwrap();
    assert_eq!(s.server.submit_count(), 1, "queued jobs are never sent");
}

#[tokio::test]
async fn a_balance_that_cannot_pay_the_whole_batch_refuses_it() {
    let s = setup().await;
    s.server.set_credits(100.0);
    let core = s.core().await;
    let mut prefs = core.session().preferences().await.unwrap();
    prefs.credits_per_image = Some(30.0);
    core.session().update_preferences(prefs).await.unwrap();
    // Each job alone (30 credits) fits the balance; the four together (120) do not.
    let req = BatchRequest::new("{one|two|three|four} owl", vec![Model::NanoBanana2]);
    let error = core.session().record_batch(&req).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutOfCredits);
    assert!(error.to_string().contains("120"), "{error}");
    assert_eq!(job_count(&core).await, 0);
    assert_eq!(s.server.submit_count(), 0);
}

#[tokio::test]
async fn recent_batches_lists_the_newest_first_with_what_was_asked() {
    let s = setup().await;
    let core = s.core().await;
    assert!(core.session().recent_batches(10).await.unwrap().is_empty());
    let first = BatchRequest::new("{red|green} kite", vec![Model::NanoBanana2]);
    let first = core.session().record_batch(&first).await.unwrap();
    let second = BatchRequest::new(
        "{a|b|c} owl",
        vec![Model::NanoBanana2, Model::NanoBananaPro],
    );
    let second = core.session().record_batch(&second).await.unwrap();
    for job in first.jobs.iter().chain(&second.jobs) {
        core.session().wait(&job.id).await.unwrap();
    }
    let list = core.session().recent_batches(10).await.unwrap();
    let ids: Vec<&str> = list.iter().map(|b| b.batch_id.as_str()).collect();
    assert_eq!(ids, [second.batch_id.as_str(), first.batch_id.as_str()]);
    assert_eq!(list[0].template, "{a|b|c} owl");
    assert_eq!(list[0].models, [Model::NanoBanana2, Model::NanoBananaPro]);
    assert_eq!(list[0].count, 6);
    assert!((list[0].estimated_cost - second.plan.estimated_cost).abs() < 1e-9);
    assert!(list[0].created_at > 0.0);
    // The limit keeps the newest.
    let one = core.session().recent_batches(1).await.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].batch_id, second.batch_id);
}

#[tokio::test]
async fn expected_times_appear_after_five_finished_jobs_and_a_batch_shares_them_among_the_slots() {
    let s = setup().await;
    let core = s.core().await;
    let session = core.session();
    let mut req = BatchRequest::new(
        "{a lighthouse|a harbour|a dune|a mill|a bridge}",
        vec![Model::NanoBanana2, Model::NanoBananaPro],
    );
    req.size = Some(ImageSize::S1K);
    let before = session.plan_batch(&req).await.unwrap();
    assert_eq!(before.expected, None, "no history yet: nothing is guessed");
    let one = request("a lighthouse", Model::NanoBanana2);
    assert_eq!(
        session
            .quote(&one, &Default::default())
            .await
            .unwrap()
            .expected,
        None
    );

    req.over_budget = true;
    let recorded = session.record_batch(&req).await.unwrap();
    for job in &recorded.jobs {
        session.wait(&job.id).await.unwrap();
    }
    let nb2 = session
        .expected_time(Model::NanoBanana2, ImageSize::S1K)
        .await
        .unwrap()
        .expect("five finished Nano Banana 2 jobs");
    let pro = session
        .expected_time(Model::NanoBananaPro, ImageSize::S1K)
        .await
        .unwrap()
        .expect("five finished Nano Banana Pro jobs");
    assert_eq!((nb2.samples, pro.samples), (5, 5));
    assert!(nb2.median_ms <= nb2.p90_ms);

    let quote = session.quote(&one, &Default::default()).await.unwrap();
    assert_eq!(quote.expected, Some(nb2), "one job: one job's time");
    let concurrency = session.preferences().await.unwrap().concurrency;
    let plan = session.plan_batch(&req).await.unwrap();
    let expected = plan
        .expected
        .expect("every model and size of the batch has a time");
    let share = |one: u32, other: u32| {
        (5 * u64::from(one) + 5 * u64::from(other)).div_ceil(u64::from(concurrency))
    };
    assert_eq!(
        u64::from(expected.median_ms),
        share(nb2.median_ms, pro.median_ms)
    );
    assert_eq!(u64::from(expected.p90_ms), share(nb2.p90_ms, pro.p90_ms));
}
