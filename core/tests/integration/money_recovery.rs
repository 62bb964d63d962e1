//! A paid result is never lost and never bought twice: for each way the service or the network
//! can misbehave after a task was accepted, exactly one submit, one stored image (after a recovery
//! where one is needed) and the right cost.

use crate::queue_support;

use std::time::{Duration, SystemTime};

use fake_nanobanana::{Fault, FaultAction, Target, TaskScenario};
use nanoforge_core::ErrorKind;
use nanoforge_core::library::{JobQuery, JobRecord, JobStatus};
use nanoforge_core::providers::Model;
use nanoforge_core::queue::GenerateOptions;
use queue_support::{Setup, request, setup};

const PRICE: f64 = 0.067; // the catalog's Nano Banana 2 at 1K

async fn generate(s: &Setup, core: &nanoforge_core::AppCore, timeout: Option<u32>) -> JobRecord {
    let options = GenerateOptions {
        timeout_secs: timeout,
        ..GenerateOptions::default()
    };
    let jobs = core
        .session()
        .generate(request("a paid lighthouse", Model::NanoBanana2), options)
        .await
        .unwrap();
    let _ = s;
    core.session().wait(&jobs[0].id).await.unwrap()
}

async fn assert_paid_once(s: &Setup, core: &nanoforge_core::AppCore, job: &JobRecord) {
    assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    assert_eq!(s.server.submit_count(), 1, "exactly one submit");
    assert_eq!(
        core.session()
            .library()
            .job_images(&job.id)
            .await
            .unwrap()
            .len(),
        1,
        "one image"
    );
    assert_eq!(job.cost, PRICE, "the right cost");
    assert!(job.may_be_charged);
}

#[tokio::test]
async fn a_task_that_finishes_after_our_deadline_is_recoverable_then_recovered() {
    let s = setup().await;
    // The service takes 2.5 s; the job gives up waiting after 1 s.
    s.server.set_scenario(TaskScenario {
        pending_ms: 2_500,
        ..TaskScenario::default()
    });
    let core = s.core().await;
    let job = generate(&s, &core, Some(1)).await;
    assert_eq!(job.status, JobStatus::Recoverable);
    assert_eq!(job.error_kind, Some(ErrorKind::Timeout));
    assert!(job.may_be_charged && job.remote_task_id.is_some());
    assert_eq!(job.cost, 0.0, "not confirmed yet");
    let stats = core
        .session()
        .library()
        .stats(&Default::default())
        .await
        .unwrap();
    assert_eq!(
        stats.totals.possible_cost, PRICE,
        "counted as possibly charged"
    );
    assert_eq!(stats.totals.recoverable_jobs, 1);
    let listed = core
        .session()
        .library()
        .list_jobs(&JobQuery {
            status: Some(JobStatus::Recoverable),
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1, "History filters recoverable jobs");

    // Recover (Retry): polls the same task with a fresh budget, never resubmits.
    let recovering = core.session().retry(&job.id).await.unwrap();
    assert_eq!(recovering.id, job.id, "in place, no child");
    let done = core.session().wait(&job.id).await.unwrap();
    assert_paid_once(&s, &core, &done).await;
    let stats = core
        .session()
        .library()
        .stats(&Default::default())
        .await
        .unwrap();
    assert_eq!(
        (stats.totals.total_cost, stats.totals.possible_cost),
        (PRICE, 0.0)
    );
    assert!(
        core.session()
            .job_family(&job.id)
            .await
            .unwrap()
            .children
            .is_empty()
    );
}

#[tokio::test]
async fn a_result_url_that_404s_once_is_fetched_again() {
    let s = setup().await;
    s.server
        .push_fault(Fault::new(Target::Image, 1, FaultAction::NotFound));
    let core = s.core().await;
    let job = generate(&s, &core, None).await;
    assert_paid_once(&s, &core, &job).await;
}

#[tokio::test]
async fn a_status_answer_that_is_not_json_is_asked_again() {
    let s = setup().await;
    s.server.set_scenario(TaskScenario {
        pending_polls: 1,
        ..TaskScenario::default()
    });
    s.server
        .push_fault(Fault::new(Target::Poll, 1, FaultAction::MalformedJson));
    let core = s.core().await;
    let job = generate(&s, &core, None).await;
    assert_paid_once(&s, &core, &job).await;
}

#[tokio::test]
async fn a_401_while_polling_is_asked_again() {
    let s = setup().await;
    s.server.push_fault(Fault::new(
        Target::Poll,
        1,
        FaultAction::Http {
            status: 401,
            code: None,
            msg: Some("token expired".into()),
            retry_after: None,
        },
    ));
    let core = s.core().await;
    let job = generate(&s, &core, None).await;
    assert_paid_once(&s, &core, &job).await;
}

#[tokio::test]
async fn a_429_with_an_http_date_retry_after_while_polling_is_waited_out() {
    let s = setup().await;
    // An HTTP date has whole seconds: "now + 2 s" lands 1–2 s ahead, never in the past.
    let retry_at = SystemTime::now() + Duration::from_secs(2);
    let in_a_second = httpdate::fmt_http_date(retry_at);
    let retry_at = httpdate::parse_http_date(&in_a_second).unwrap();
    s.server.push_fault(Fault::new(
        Target::Poll,
        1,
        FaultAction::Http {
            status: 429,
            code: None,
            msg: Some("slow down".into()),
            retry_after: Some(in_a_second),
        },
    ));
    let core = s.core().await;
    let job = generate(&s, &core, None).await;
    assert_paid_once(&s, &core, &job).await;
    // The date was honoured (a seconds-only parser would have asked again at once).
    let polls = s.server.count(fake_nanobanana::Endpoint::Poll);
    assert_eq!(polls, 2, "one refused poll, one after the date");
    assert!(
        SystemTime::now() >= retry_at,
        "the second poll waited for the date in Retry-After"
    );
}

#[tokio::test]
async fn a_download_cut_half_way_is_fetched_again() {
    let s = setup().await;
    s.server
        .push_fault(Fault::new(Target::Image, 1, FaultAction::Truncated));
    let core = s.core().await;
    let job = generate(&s, &core, None).await;
    assert_paid_once(&s, &core, &job).await;
}

#[tokio::test]
async fn a_failed_download_past_the_budget_keeps_the_urls_and_recovers_later() {
    let s = setup().await;
    s.server
        .push_fault(Fault::new(Target::Image, 1_000, FaultAction::NotFound));
    let core = s.core().await;
    let job = generate(&s, &core, Some(1)).await;
    assert_eq!(job.status, JobStatus::Recoverable);
    assert_eq!(job.cost, PRICE, "the result exists: the cost is confirmed");
    s.server.clear_faults();
    core.session().retry(&job.id).await.unwrap();
    let done = core.session().wait(&job.id).await.unwrap();
    assert_paid_once(&s, &core, &done).await;
}

#[tokio::test]
async fn a_refused_submit_is_taken_back_and_a_cut_one_is_never_resent() {
    let s = setup().await;
    s.server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Raw {
            status: 502,
            content_type: "text/html".into(),
            body: "<html>bad gateway</html>".into(),
        },
    ));
    let core = s.core().await;
    let job = generate(&s, &core, None).await;
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.error_kind, Some(ErrorKind::SubmitUnconfirmed));
    assert!(job.may_be_charged && job.submitted_at.is_some());
    assert_eq!(job.estimated_cost, PRICE);
    assert_eq!(s.server.submit_count(), 1);
    // Resume never sends it again.
    core.session().resume_unfinished().await.unwrap();
    assert_eq!(s.server.submit_count(), 1);
    let stats = core
        .session()
        .library()
        .stats(&Default::default())
        .await
        .unwrap();
    assert_eq!(stats.totals.possible_cost, PRICE);
}
