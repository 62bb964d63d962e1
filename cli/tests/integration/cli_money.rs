//! Money through the real binary: a crash at every step of a paid job (a test-only switch aborts
//! the process there), then `resume`; `generate --timeout`; `retry` (recover) versus `rerun`
//! (pay again); the monthly budget. See `shared/notes/cli.md`.

use crate::support;

use fake_nanobanana::{Endpoint, TaskScenario};
use serde_json::Value;
use support::{Env, Run};

/// A lease far longer than any test: only the proof that the crashed holder is gone lets `resume`
/// take its jobs over (waiting it out would time the test out).
const LONG_LEASE_MS: &str = "600000";

async fn run_with(env: &Env, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let mut cmd = env.command(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    env.run_command(cmd).await
}

fn one_job(env_jobs: &[Value]) -> &Value {
    assert_eq!(env_jobs.len(), 1, "{env_jobs:?}");
    &env_jobs[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_at_any_step_loses_nothing_and_pays_once() {
    // (step, does resume complete it?)
    let cases = [
        ("before_attempt", true),
        ("after_submit", false),
        ("while_polling", true),
        ("while_downloading", true),
        ("while_ingesting", true),
    ];
    for (step, completes) in cases {
        let env = Env::start().await;
        env.server.set_scenario(TaskScenario {
            pending_polls: 1,
            ..TaskScenario::default()
        });
        let crashed = run_with(
            &env,
            &["generate", "a crash test", "--size", "2K", "--json"],
            &[
                ("NANOFORGE_CRASH_AT", step),
                ("NANOFORGE_LEASE_TTL_MS", LONG_LEASE_MS),
            ],
        )
        .await;
        assert_eq!(
            crashed.code, None,
            "{step}: the process was aborted: {}",
            crashed.stderr
        );
        assert!(crashed.stderr.contains(step), "{step}: {}", crashed.stderr);

        let resumed = run_with(
            &env,
            &["resume", "--json"],
            &[("NANOFORGE_LEASE_TTL_MS", LONG_LEASE_MS)],
        )
        .await;
        let jobs = env.jobs().await;
        let job = one_job(&jobs);
        assert_eq!(
            env.server.submit_count(),
            1,
            "{step}: submitted exactly once"
        );
        if completes {
            resumed.assert_ok();
            assert_eq!(job["status"], "COMPLETED", "{step}: {job}");
            assert_eq!(
                job["images"].as_array().unwrap().len(),
                1,
                "{step}: one image"
            );
            assert_eq!(job["cost"], 0.101, "{step}: the 2K price");
        } else {
            // Accepted by the service, id never recorded: never resent, flagged with its time.
            assert_eq!(resumed.code, Some(1), "{step}");
            assert_eq!(job["status"], "FAILED", "{step}: {job}");
            assert_eq!(job["error"]["kind"], "interrupted");
            assert_eq!(job["may_be_charged"], true);
            assert!(job["submitted_at"].is_number());
            assert_eq!(job["estimated_cost"], 0.101);
            // Resuming again still sends nothing.
            run_with(&env, &["resume"], &[]).await;
            assert_eq!(env.server.submit_count(), 1, "{step}: still once");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_timeout_leaves_the_task_recoverable_and_resume_finishes_it() {
    let env = Env::start().await;
    env.server.set_scenario(TaskScenario {
        pending_ms: 3_000,
        ..TaskScenario::default()
    });
    let run = env
        .run(&["generate", "a slow pear", "--timeout", "1", "--json"])
        .await;
    assert_eq!(run.code, Some(1));
    let job: Value = serde_json::from_str(run.stdout.trim()).expect("the job object");
    assert_eq!(job["status"], "RECOVERABLE");
    assert_eq!(job["may_be_charged"], true);
    assert!(run.stderr.contains("nanoforge resume"), "{}", run.stderr);
    let last = run.stderr.trim_end().lines().last().unwrap_or_default();
    assert!(last.starts_with("nanoforge: "), "{last}");

    let resumed = env.run(&["resume", "--json"]).await;
    resumed.assert_ok();
    let done: Value = serde_json::from_str(resumed.stdout.trim()).unwrap();
    assert_eq!(
        (done["id"].clone(), done["status"].clone()),
        (job["id"].clone(), "COMPLETED".into())
    );
    assert_eq!(env.server.submit_count(), 1);
    assert_eq!(env.server.count(Endpoint::Image), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_recovers_and_rerun_asks_before_paying_again() {
    let env = Env::start().await;
    env.server.set_scenario(TaskScenario {
        pending_ms: 2_500,
        ..TaskScenario::default()
    });
    let run = env
        .run(&["generate", "a recoverable plum", "--timeout", "1", "--json"])
        .await;
    let job: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let id = job["id"].as_str().unwrap().to_owned();
    let recovered = env.run(&["retry", &id, "--json"]).await;
    recovered.assert_ok();
    let recovered: Value = serde_json::from_str(recovered.stdout.trim()).unwrap();
    assert_eq!(
        (recovered["id"].as_str(), recovered["status"].as_str()),
        (Some(id.as_str()), Some("COMPLETED"))
    );
    assert_eq!(env.server.submit_count(), 1, "recovering never resubmits");

    // Running it again is a new, paid job: stated and asked for first.
    let asked = env.run(&["rerun", &id]).await;
    assert_eq!(asked.code, Some(2));
    assert!(
        asked.stderr.contains("$0.0670") && asked.stderr.contains("--yes"),
        "{}",
        asked.stderr
    );
    assert_eq!(env.server.submit_count(), 1);
    let rerun = env.run(&["rerun", &id, "--yes", "--json"]).await;
    let child: Value = serde_json::from_str(rerun.stdout.trim()).unwrap();
    assert_eq!(child["parent_job_id"], id.as_str());
    assert_ne!(child["id"], id.as_str());
    assert_eq!(env.server.submit_count(), 2);
    let shown: Value =
        serde_json::from_str(&env.run(&["show", &id, "--json"]).await.stdout).unwrap();
    assert_eq!(shown["children"], serde_json::json!([child["id"]]));

    // A job the service refused has no task to recover: it points to rerun.
    env.server.push_fault(fake_nanobanana::Fault::new(
        fake_nanobanana::Target::Submit,
        1,
        fake_nanobanana::FaultAction::Http {
            status: 400,
            code: None,
            msg: Some("bad prompt".into()),
            retry_after: None,
        },
    ));
    let failed = env.run(&["generate", "x", "--json"]).await;
    assert_eq!(failed.code, Some(1));
    let failed: Value = serde_json::from_str(failed.stdout.trim()).unwrap();
    assert_eq!(failed["may_be_charged"], false, "refused: nothing charged");
    let refused = env.run(&["retry", failed["id"].as_str().unwrap()]).await;
    assert_eq!(refused.code, Some(1));
    assert!(refused.stderr.contains("rerun"), "{}", refused.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_refuses_before_sending_unless_over_budget_is_given() {
    let env = Env::start().await;
    env.run(&["budget", "set", "0.1"]).await.assert_ok();
    env.run(&["generate", "one kite"]).await.assert_ok();
    let budget: Value = serde_json::from_str(&env.run(&["budget", "--json"]).await.stdout).unwrap();
    assert_eq!(budget["limit_usd"], 0.1);
    assert_eq!(budget["spent_confirmed"], 0.067);
    assert_eq!(budget["spent_possible"], 0.0);
    assert!(budget["month"].as_str().unwrap().len() == 7);

    let refused = env.run(&["generate", "a second kite"]).await;
    assert_eq!(refused.code, Some(1));
    assert!(
        refused.stderr.contains("budget") && refused.stderr.contains("[over_budget]"),
        "{}",
        refused.stderr
    );
    assert_eq!(env.server.submit_count(), 1, "nothing sent");
    env.run(&["generate", "a second kite", "--over-budget"])
        .await
        .assert_ok();
    assert_eq!(env.server.submit_count(), 2);
    env.run(&["budget", "set", "off"]).await.assert_ok();
    let off: Value = serde_json::from_str(&env.run(&["budget", "--json"]).await.stdout).unwrap();
    assert!(off["limit_usd"].is_null());
    assert_eq!(env.run(&["budget", "set", "lots"]).await.code, Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn possibly_charged_jobs_are_written_as_csv_for_a_refund_request() {
    let env = Env::start().await;
    // A gateway error after the submit went out: it may have been charged.
    env.server.push_fault(fake_nanobanana::Fault::new(
        fake_nanobanana::Target::Submit,
        1,
        fake_nanobanana::FaultAction::Http {
            status: 502,
            code: None,
            msg: None,
            retry_after: None,
        },
    ));
    env.run(&["generate", "a lost egret", "--json"]).await;
    env.run(&["generate", "a found egret", "--json"])
        .await
        .assert_ok();
    let jobs = env.jobs().await;
    let lost = jobs
        .iter()
        .find(|j| j["prompt"] == "a lost egret")
        .expect("the lost job");
    assert_eq!(lost["may_be_charged"], true);

    let run = env.run(&["list", "--possibly-charged", "--csv"]).await;
    run.assert_ok();
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(
            "job_id,provider,model,size,images,status,task_id,submitted_at_utc,submitted_at_ms,\
             estimated_usd,charged_credits,error_kind,error"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 1, "only the job without a result: {rows:?}");
    let id = lost["id"].as_str().unwrap_or_default();
    assert!(
        rows[0].starts_with(&format!("{id},nanobanana,nano-banana-2,1K,1,FAILED,,")),
        "{}",
        rows[0]
    );
    assert!(
        rows[0].contains(",0.0670,,submit_unconfirmed,"),
        "{}",
        rows[0]
    );

    // The same jobs as JSON with --possibly-charged; --csv alone is a usage error.
    let listed = env.run(&["list", "--possibly-charged", "--json"]).await;
    listed.assert_ok();
    let listed: Vec<Value> = serde_json::from_str(&listed.stdout).unwrap_or_default();
    assert_eq!(listed.len(), 1);
    assert_eq!(env.run(&["list", "--csv"]).await.code, Some(2));
}
