//! `nanoforge batch --gemini-batch` (alias `--batch-api`) as a process against the fake's Batch
//! API (tests/fake-gemini): the dry run at the batch price, a run that returns once the batch is
//! created (its jobs SUBMITTED), `batch status` showing the remote batch and collecting its
//! results once the service has them, and no interactive call.

use crate::support;

use fake_gemini::{BatchAdvance, BatchState, Endpoint, FakeGemini};
use serde_json::Value;
use support::Env;

fn parse(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

struct GeminiEnv {
    env: Env,
    gemini: FakeGemini,
}

impl GeminiEnv {
    async fn run(&self, args: &[&str]) -> support::Run {
        let mut cmd = self.env.command(args);
        cmd.env("GEMINI_BASE_URL", self.gemini.base_url())
            .env("GEMINI_API_KEY", self.gemini.api_key());
        self.env.run_command(cmd).await
    }
}

const MODEL: &str = "gemini-3.1-flash-image";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_api_batch_is_created_then_collected_by_batch_status() {
    let g = GeminiEnv {
        env: Env::start().await,
        gemini: FakeGemini::start().await.expect("start fake gemini"),
    };
    let base = ["batch", "fox {1|2|3}", "--model", MODEL, "--size", "1K"];
    let dry = |flag: Option<&'static str>| {
        let mut args = base.to_vec();
        args.extend(flag);
        args.extend(["--dry-run", "--json"]);
        args
    };
    let full = parse(&g.run(&dry(None)).await.stdout);
    let run = g.run(&dry(Some("--batch-api"))).await;
    run.assert_ok();
    let half = parse(&run.stdout);
    let full_cost = full["estimated_cost"].as_f64().unwrap();
    assert!(full_cost > 0.0);
    assert!((half["estimated_cost"].as_f64().unwrap() - full_cost / 2.0).abs() < 1e-6);
    assert_eq!(g.gemini.batches_created(), 0, "a dry run sends nothing");

    let mut args = base.to_vec();
    args.extend(["--gemini-batch", "--yes", "--json"]);
    let run = g.run(&args).await;
    run.assert_ok();
    let out = parse(&run.stdout);
    let batch_id = out["batch_id"].as_str().unwrap().to_owned();
    let jobs = out["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 3);
    assert!(
        jobs.iter().all(|j| j["status"] == "SUBMITTED"),
        "{}",
        run.stdout
    );
    assert_eq!(g.gemini.batches_created(), 1);
    assert!(run.stderr.contains("Batch API"), "{}", run.stderr);

    // Still pending at the service: status shows it, and leaves the jobs running.
    let run = g
        .run(&["batch", "status", &batch_id, "--wait", "1", "--json"])
        .await;
    run.assert_ok();
    let status = parse(&run.stdout);
    assert_eq!(status["state"], "running");
    assert_eq!(status["counts"]["running"], 3);
    let remote = &status["remote_batches"][0];
    assert_eq!(remote["state"], "pending", "{remote}");
    assert_eq!(remote["jobs"], 3);
    assert!(remote["name"].as_str().unwrap().starts_with("batches/"));

    g.gemini
        .advance_batches(BatchAdvance {
            name: None,
            to: Some(BatchState::Succeeded),
        })
        .unwrap();
    let run = g.run(&["batch", "status", &batch_id, "--json"]).await;
    run.assert_ok();
    let status = parse(&run.stdout);
    assert_eq!(status["state"], "completed", "{}", run.stdout);
    assert_eq!(status["counts"]["completed"], 3);
    assert_eq!(status["remote_batches"][0]["state"], "succeeded");
    for job in status["jobs"].as_array().unwrap() {
        assert_eq!(support::images_of(job).len(), 1, "{job}");
    }
    assert_eq!(g.gemini.generate_count(), 0, "nothing sent interactively");
    assert_eq!(g.gemini.endpoint_count(Endpoint::BatchCreate), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_right_after_the_create_resume_finds_the_batch_and_makes_no_second() {
    let g = GeminiEnv {
        env: Env::start().await,
        gemini: FakeGemini::start().await.expect("start fake gemini"),
    };
    let args = [
        "batch",
        "lamp {1|2}",
        "--model",
        MODEL,
        "--gemini-batch",
        "--yes",
        "--json",
    ];
    // kill -9 the moment the service made the batch, before its name is recorded.
    let mut cmd = g.env.command(&args);
    cmd.env("GEMINI_BASE_URL", g.gemini.base_url())
        .env("GEMINI_API_KEY", g.gemini.api_key())
        .env("NANOFORGE_CRASH_AT", "after_submit")
        .env("NANOFORGE_LEASE_TTL_MS", "60000");
    let crashed = g.env.run_command(cmd).await;
    assert_eq!(crashed.code, None, "aborted: {}", crashed.stderr);
    assert_eq!(g.gemini.batches_created(), 1);
    g.gemini
        .advance_batches(BatchAdvance {
            name: None,
            to: Some(BatchState::Succeeded),
        })
        .unwrap();

    // The next run takes the jobs over from the dead process, finds the batch by its display
    // name, and collects it.
    let run = g.run(&["resume", "--json"]).await;
    run.assert_ok();
    assert!(g.gemini.endpoint_count(Endpoint::BatchList) >= 1, "listed");
    assert_eq!(g.gemini.batches_created(), 1, "never a second batch");
    let jobs = g.env.jobs().await;
    assert_eq!(jobs.len(), 2);
    for job in &jobs {
        assert_eq!(job["status"], "COMPLETED", "{job}");
        assert_eq!(support::images_of(job).len(), 1, "{job}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mixed_fan_out_sends_only_the_gemini_jobs_as_a_batch() {
    let g = GeminiEnv {
        env: Env::start().await,
        gemini: FakeGemini::start().await.expect("start fake gemini"),
    };
    let models = format!("{MODEL},nano-banana-2");
    let mut args = vec!["batch", "kite {1|2}", "--models", &models, "--size", "1K"];
    args.extend(["--gemini-batch", "--dry-run", "--json"]);
    let plan = parse(&g.run(&args).await.stdout);
    let jobs = plan["jobs"].as_array().unwrap();
    let price = |model: &str| {
        jobs.iter()
            .find(|j| j["model"] == model)
            .and_then(|j| j["estimated_cost"].as_f64())
            .unwrap()
    };
    // Half price for Gemini's Batch API only; Nano Banana keeps its own.
    assert!((price(MODEL) - 0.0336).abs() < 1e-6, "{plan}");
    assert!((price("nano-banana-2") - 0.067).abs() < 1e-6, "{plan}");

    args.retain(|a| *a != "--dry-run");
    args.push("--yes");
    let run = g.run(&args).await;
    run.assert_ok();
    let out = parse(&run.stdout);
    for job in out["jobs"].as_array().unwrap() {
        let want = if job["model"] == MODEL {
            "SUBMITTED"
        } else {
            "COMPLETED"
        };
        assert_eq!(job["status"], want, "{job}");
    }
    assert_eq!(g.gemini.batches_created(), 1);
    assert_eq!(g.gemini.batches()[0].keys.len(), 2);
    assert_eq!(g.gemini.generate_count(), 0);
    assert_eq!(
        g.env.server.submit_count(),
        2,
        "Nano Banana's jobs went interactively"
    );
}
