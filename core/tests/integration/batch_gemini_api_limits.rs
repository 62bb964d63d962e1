//! Gemini's Batch API under limits: a 429 on a create or a look waits what the service asked
//! (`RetryInfo.retryDelay`) and then goes once, and a running Batch API batch counts against the
//! monthly budget as possibly charged, so a second batch past the budget is refused whole.

use std::time::Duration;

use crate::batch_gemini_api::{MODEL, batch_api, collect, record, succeed_all};
use crate::gemini_support::env;

use fake_gemini::{Endpoint, Fault, FaultAction, Target};
use nanoforge_core::ErrorKind;
use nanoforge_core::library::JobStatus;

fn rate_limited(target: Target) -> Fault {
    Fault::new(
        1,
        FaultAction::RateLimited {
            daily: false,
            retry_delay: Some(Some("1s".into())),
        },
    )
    .with_target(target)
}

#[tokio::test]
async fn a_rate_limited_create_waits_what_the_service_asked_then_goes_once() {
    let env = env().await;
    let core = &env.core;
    env.fake.push_fault(rate_limited(Target::BatchCreate));
    let recorded = record(core, &batch_api("cup {1|2}", vec![MODEL])).await;
    for job in &recorded.jobs {
        assert_eq!(job.status, JobStatus::Pending);
        assert!(
            !job.may_be_charged,
            "a refused create took the attempt back"
        );
        assert_eq!(job.attempts, 0);
    }
    core.session()
        .drive_remote_batches(Duration::from_secs(5))
        .await
        .unwrap();
    let creates: Vec<_> = env
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == Endpoint::BatchCreate)
        .collect();
    assert_eq!(creates.len(), 2);
    assert!(
        creates[1].at_ms - creates[0].at_ms >= 950.0,
        "waited the retryDelay: {} ms",
        creates[1].at_ms - creates[0].at_ms
    );
    assert_eq!(env.fake.batches_created(), 1);
}

#[tokio::test]
async fn a_rate_limited_look_waits_what_the_service_asked() {
    let env = env().await;
    let core = &env.core;
    let recorded = record(core, &batch_api("pen {1|2}", vec![MODEL])).await;
    succeed_all(&env);
    env.fake.push_fault(rate_limited(Target::BatchGet));
    let jobs = collect(core, &recorded).await;
    assert!(jobs.iter().all(|j| j.status == JobStatus::Completed));
    let gets: Vec<_> = env
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == Endpoint::BatchGet)
        .collect();
    assert!(gets.len() >= 2, "asked again after the 429");
    let after_429 = gets
        .windows(2)
        .find(|w| w[0].status == Some(429))
        .map(|w| w[1].at_ms - w[0].at_ms)
        .unwrap();
    assert!(after_429 >= 950.0, "waited the retryDelay: {after_429} ms");
}

#[tokio::test]
async fn a_running_batch_api_batch_counts_against_the_budget() {
    let env = env().await;
    let core = &env.core;
    let mut settings = core.session().preferences().await.unwrap();
    settings.monthly_budget_usd = Some(0.10);
    core.session().update_preferences(settings).await.unwrap();
    // Two 1K images at the batch price ($0.0336 each) fit; the batch stays running.
    let first = record(core, &batch_api("hat {1|2}", vec![MODEL])).await;
    assert!(first.jobs.iter().all(|j| j.status == JobStatus::Submitted));
    let budget = core.session().budget_status().await.unwrap();
    assert!((budget.spent_possible - first.plan.estimated_cost).abs() < 1e-6);
    // Two more would pass alone, but not with the running batch counted: refused, nothing
    // recorded or created.
    let error = core
        .session()
        .record_batch(&batch_api("cap {1|2}", vec![MODEL]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OverBudget);
    assert_eq!(env.fake.batches_created(), 1);
    assert_eq!(core.session().library().job_count().await.unwrap(), 2);
}
