//! `nanoforge batch` against the fake Nano Banana server: the dry run's JSON, the question that
//! needs --yes, the budget, a run's JSON, status and cancel, wildcards, and a batch killed with
//! SIGKILL mid-way that `nanoforge resume` finishes without sending any job twice.

use crate::support;

use fake_nanobanana::{Endpoint, TaskScenario};
use serde_json::Value;
use support::{Env, eventually, keys};

fn parse(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_lists_the_jobs_and_their_total() {
    let env = Env::start().await;
    let csv = env.dir.path().join("things.csv");
    std::fs::write(&csv, "thing\nkite\nboat\n").unwrap();
    let csv = csv.to_string_lossy().into_owned();
    let run = env
        .run(&[
            "batch",
            "a {red|blue} ${thing}",
            "--models",
            "nano-banana-2,nano-banana-pro",
            "--csv",
            &csv,
            "--dry-run",
            "--json",
        ])
        .await;
    run.assert_ok();
    let plan = parse(&run.stdout);
    assert_eq!(keys(&plan), ["count", "estimated_cost", "jobs"]);
    assert_eq!(plan["count"], 8);
    let jobs = plan["jobs"].as_array().unwrap();
    assert_eq!(
        keys(&jobs[0]),
        ["estimated_cost", "model", "prompt", "size"]
    );
    assert_eq!(jobs[0]["prompt"], "a red kite");
    assert_eq!(jobs[1]["model"], "nano-banana-pro");
    assert_eq!(jobs[7]["prompt"], "a blue boat");
    let sum: f64 = jobs
        .iter()
        .map(|j| j["estimated_cost"].as_f64().unwrap())
        .sum();
    assert!((plan["estimated_cost"].as_f64().unwrap() - sum).abs() < 1e-9);
    assert_eq!(env.server.submit_count(), 0);
    assert!(env.jobs().await.is_empty());

    // Over the limit: refused, nothing recorded.
    let run = env
        .run(&["batch", "{a|b|c}{1|2}", "--max", "5", "--yes"])
        .await;
    assert_eq!(run.code, Some(1));
    assert!(
        run.assert_one_line_failure().contains("batch_too_large"),
        "{}",
        run.stderr
    );
    assert!(env.jobs().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_asks_for_yes_respects_the_budget_and_prints_its_jobs() {
    let env = Env::start().await;
    let run = env
        .run(&["batch", "{red|blue} kite", "--model", "nano-banana-2"])
        .await;
    assert_eq!(run.code, Some(2));
    let line = run.assert_one_line_failure();
    assert!(line.contains("2 jobs") && line.contains("--yes"), "{line}");
    assert!(run.stdout.is_empty());
    assert!(env.jobs().await.is_empty());

    env.run(&["budget", "set", "0.10"]).await.assert_ok();
    let args = [
        "batch",
        "{red|blue} kite",
        "--model",
        "nano-banana-2",
        "--yes",
        "--json",
    ];
    let run = env.run(&args).await;
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("over_budget"), "{}", run.stderr);
    assert!(env.jobs().await.is_empty(), "nothing recorded");
    assert_eq!(env.server.submit_count(), 0);

    let mut over = args.to_vec();
    over.push("--over-budget");
    let run = env.run(&over).await;
    run.assert_ok();
    let out = parse(&run.stdout);
    assert_eq!(keys(&out), ["batch_id", "cost", "jobs"]);
    let jobs = out["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 2);
    assert!(jobs.iter().all(|j| j["status"] == "COMPLETED"));
    let cost: f64 = jobs.iter().map(|j| j["cost"].as_f64().unwrap()).sum();
    assert!((out["cost"].as_f64().unwrap() - cost).abs() < 1e-9);

    let id = out["batch_id"].as_str().unwrap();
    let run = env.run(&["batch", "status", id, "--json"]).await;
    run.assert_ok();
    let status = parse(&run.stdout);
    assert_eq!(keys(&status), ["batch_id", "counts", "jobs", "state"]);
    assert_eq!(status["state"], "completed");
    assert_eq!(status["counts"]["completed"], 2);
    assert_eq!(status["counts"]["pending"], 0);

    // Wildcards are kept per profile and used by templates.
    let file = env.dir.path().join("animals.txt");
    std::fs::write(&file, "cat\n# not this\nowl\n").unwrap();
    env.run(&["wildcards", "set", "animal", &file.to_string_lossy()])
        .await
        .assert_ok();
    let run = env.run(&["wildcards", "list", "--json"]).await;
    run.assert_ok();
    assert_eq!(parse(&run.stdout)[0]["name"], "animal");
    let run = env
        .run(&["batch", "__animal__", "--dry-run", "--json"])
        .await;
    run.assert_ok();
    assert_eq!(parse(&run.stdout)["count"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_killed_mid_way_is_finished_by_resume_without_a_second_submit() {
    let env = Env::start().await;
    // Each task answers "generating" for 3 s, so the kill lands with jobs sent and jobs queued.
    env.server.set_scenario(TaskScenario {
        pending_ms: 3_000,
        ..TaskScenario::default()
    });
    // One job at a time, so the kill finds jobs not sent yet.
    let mut command = env.command(&[
        "batch",
        "{a|b|c|d|e|f} quiet harbour",
        "--model",
        "nano-banana-2",
        "--yes",
        "--json",
    ]);
    command.env("NANOFORGE_CONCURRENCY", "1");
    let mut child = command.spawn().expect("start nanoforge");
    eventually("a first status check", || {
        env.server.count(Endpoint::Poll) >= 1
    })
    .await;
    child.kill().await.expect("SIGKILL the CLI");
    let sent = env.server.submit_count();
    assert!((1..=6).contains(&sent), "{sent} sent before the kill");
    let before = env.jobs().await;
    assert_eq!(before.len(), 6, "all recorded at once");
    assert!(
        before.iter().any(|j| j["submitted_at"].is_null()),
        "some jobs were still queued: {before:?}"
    );
    // A submit the kill cut mid-air (attempt recorded, no task id) may have been charged: it is
    // never sent again. Every other job completes: the confirmed ones are polled, the queued
    // ones sent once.
    let cut: Vec<String> = before
        .iter()
        .filter(|j| j["submitted_at"].is_number() && j["task_id"].is_null())
        .map(|j| j["id"].as_str().unwrap().to_owned())
        .collect();

    let run = env.run(&["resume", "--json"]).await;
    assert_eq!(
        run.code,
        Some(if cut.is_empty() { 0 } else { 1 }),
        "{}",
        run.stderr
    );
    let listed = env.jobs().await;
    assert_eq!(listed.len(), 6, "never expanded again");
    for job in &listed {
        let id = job["id"].as_str().unwrap().to_owned();
        if cut.contains(&id) {
            assert_eq!(job["status"], "FAILED", "{job}");
            assert_eq!(job["error"]["kind"], "interrupted", "{job}");
            assert_eq!(job["may_be_charged"], true, "{job}");
        } else {
            assert_eq!(job["status"], "COMPLETED", "{job}");
        }
    }
    let submitted: Vec<String> = env
        .server
        .requests()
        .into_iter()
        .filter(|r| r.endpoint.is_submit())
        .filter_map(|r| r.body?.get("prompt")?.as_str().map(str::to_owned))
        .collect();
    let mut distinct = submitted.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        submitted.len(),
        "no job sent twice: {submitted:?}"
    );
    assert!(submitted.len() >= 6 - cut.len(), "{submitted:?}");

    let run = env.run(&["batch", "status", "--json"]).await;
    run.assert_ok();
    let status = parse(&run.stdout);
    assert_eq!(status["counts"]["completed"], 6 - cut.len());
    assert_eq!(status["counts"]["failed"], cut.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_cancel_stops_what_was_not_sent() {
    let env = Env::start().await;
    env.server.set_scenario(TaskScenario {
        pending_ms: 60_000,
        ..TaskScenario::default()
    });
    let mut child = env.spawn(&[
        "batch",
        "{a|b|c} moth",
        "--model",
        "nano-banana-2",
        "--yes",
        "--json",
    ]);
    eventually("a submit", || env.server.submit_count() >= 1).await;
    child.kill().await.expect("SIGKILL the CLI");
    let run = env.run(&["batch", "status", "--json"]).await;
    run.assert_ok();
    let id = parse(&run.stdout)["batch_id"].as_str().unwrap().to_owned();
    env.run(&["batch", "cancel", &id]).await.assert_ok();
    let sent = env.server.submit_count();
    let run = env.run(&["batch", "status", &id, "--json"]).await;
    run.assert_ok();
    let status = parse(&run.stdout);
    assert_eq!(status["state"], "cancelled");
    for job in status["jobs"].as_array().unwrap() {
        assert_eq!(job["status"], "CANCELLED");
        // Only a job whose paid request went out (its submit possibly cut mid-air by the kill)
        // may be charged; the queued ones were never sent.
        assert_eq!(
            job["may_be_charged"],
            job["submitted_at"].is_number(),
            "{job}"
        );
    }
    // Nothing is sent after the cancel, even by a resume.
    env.run(&["resume"]).await;
    assert_eq!(env.server.submit_count(), sent);
}
