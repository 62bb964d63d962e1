//! A 429 pauses every submit of the profile to that service, not only the refused job: an
//! interactive batch at a concurrency of 3 or 4 against the fake Nano Banana (a window of 429s with
//! `Retry-After`) and the fake Gemini (a 429 with `RetryInfo.retryDelay`). The fakes' arrival
//! times show that after the first 429 no submit reaches the service before the deadline it gave
//! (only requests already in flight when it answered may still arrive), every job completes, and
//! each job made exactly one task.

use std::collections::HashMap;

use fake_gemini::{Fault as GeminiFault, FaultAction as GeminiAction, Scenario};
use fake_nanobanana::RateLimitWindow;
use nanoforge_core::AppCore;
use nanoforge_core::batch::BatchRequest;
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::Model;

use crate::{gemini_support, queue_support};

/// Requests already past the gate when the 429 was answered may arrive a little after it.
const IN_FLIGHT: f64 = 250.0;

async fn concurrency(core: &AppCore, n: u32) {
    let mut prefs = core.session().preferences().await.unwrap();
    prefs.concurrency = n;
    core.session().update_preferences(prefs).await.unwrap();
}

/// Waits for every job of the batch; returns them.
async fn run_batch(core: &AppCore, req: &BatchRequest) -> Vec<nanoforge_core::library::JobRecord> {
    let recorded = core.session().record_batch(req).await.unwrap();
    let mut jobs = Vec::new();
    for job in &recorded.jobs {
        jobs.push(core.session().wait(&job.id).await.unwrap());
    }
    jobs
}

/// Arrival times (ms) that fall after the in-flight grace and before `deadline`.
fn early(arrivals: &[f64], first_429: f64, deadline: f64) -> Vec<f64> {
    arrivals
        .iter()
        .copied()
        .filter(|&at| at > first_429 + IN_FLIGHT && at < deadline)
        .collect()
}

#[tokio::test]
async fn a_nano_banana_429_pauses_the_whole_batch_until_its_retry_after() {
    let s = queue_support::setup().await;
    let core = s.core().await;
    concurrency(&core, 4).await;
    // The service's quota runs out after six tasks, for three seconds.
    s.server.set_rate_limit(RateLimitWindow {
        after_submits: 6,
        window_ms: 3000,
        retry_after: true,
    });
    // Jobs of different lengths, so the three workers are out of step and some always start a
    // new job while the others wait.
    let mut req = BatchRequest::new(
        r#"@fake\{"pendingMs":{150|700|1300}\} kite {0|1|2|3|4|5|6|7|8|9|10|11|12} end"#,
        vec![Model::NanoBanana2],
    );
    req.over_budget = true;
    let jobs = run_batch(&core, &req).await;
    assert_eq!(jobs.len(), 39);
    for job in &jobs {
        assert_eq!(job.status, JobStatus::Completed, "{job:?}");
        assert_eq!(job.attempts, 1, "one counted submit: {job:?}");
    }

    // Exactly one task per job: refused submits made none, and nothing was sent twice.
    let mut tasks: HashMap<String, usize> = HashMap::new();
    for prompt in s.server.task_prompts() {
        *tasks.entry(prompt).or_default() += 1;
    }
    assert_eq!(tasks.len(), jobs.len());
    for job in &jobs {
        assert_eq!(tasks.get(&job.prompt), Some(&1), "{}", job.prompt);
    }

    let submits: Vec<_> = s
        .server
        .requests()
        .into_iter()
        .filter(|r| r.endpoint.is_submit())
        .collect();
    let refused: Vec<f64> = submits
        .iter()
        .filter(|r| r.fault.as_deref() == Some("rateLimited"))
        .map(|r| r.at_ms)
        .collect();
    let first = *refused.first().expect("the window refused a submit");
    let arrivals: Vec<f64> = submits.iter().map(|r| r.at_ms).collect();
    let too_soon = early(&arrivals, first, first + 3000.0);
    assert!(
        too_soon.is_empty(),
        "submits reached the service while it said wait (first 429 at {first} ms): {too_soon:?}"
    );
    // Only the submits in flight when the first 429 came back were refused.
    assert!(refused.len() <= 4, "{refused:?}");
}

#[tokio::test]
async fn a_gemini_429_pauses_the_whole_batch_for_its_retry_delay() {
    let env = gemini_support::env().await;
    concurrency(&env.core, 3).await;
    env.fake.set_scenario(Scenario {
        latency_ms: 200,
        ..Scenario::default()
    });
    let mut req = BatchRequest::new(
        "owl {0|1|2|3|4|5|6|7|8|9} {a|b|c} end",
        vec![Model::Gemini25FlashImage],
    );
    req.over_budget = true;
    let recorded = env.core.session().record_batch(&req).await.unwrap();
    // A few images in, the per-minute quota runs out: "retry in 2s".
    let fake = &env.fake;
    queue_support::eventually("a few images", || fake.generate_count() >= 6).await;
    fake.push_fault(GeminiFault::new(
        1,
        GeminiAction::RateLimited {
            daily: false,
            retry_delay: Some(Some("2s".into())),
        },
    ));
    let mut jobs = Vec::new();
    for job in &recorded.jobs {
        jobs.push(env.core.session().wait(&job.id).await.unwrap());
    }
    assert_eq!(jobs.len(), 30);

    let generates = fake.generate_requests();
    let first = generates
        .iter()
        .find(|r| r.fault.is_some())
        .map(|r| r.at_ms)
        .expect("a generate was refused");
    let arrivals: Vec<f64> = generates.iter().map(|r| r.at_ms).collect();
    let too_soon = early(&arrivals, first, first + 2000.0);
    assert!(
        too_soon.is_empty(),
        "generates reached the service while it said wait (429 at {first} ms): {too_soon:?}"
    );
    // Every job completed from exactly one answered generate.
    for job in &jobs {
        assert_eq!(job.status, JobStatus::Completed, "{job:?}");
        let answered = generates
            .iter()
            .filter(|r| r.fault.is_none())
            .filter(|r| {
                r.body
                    .as_ref()
                    .is_some_and(|b| b.to_string().contains(&job.prompt))
            })
            .count();
        assert_eq!(answered, 1, "{}", job.prompt);
    }
    assert_eq!(generates.len(), 31, "30 images and the one refused call");
}

#[test]
fn only_arrivals_between_the_grace_and_the_deadline_are_early() {
    let got = early(&[10.0, 300.0, 900.0, 2500.0], 100.0, 2100.0);
    assert_eq!(got, vec![900.0]);
}
