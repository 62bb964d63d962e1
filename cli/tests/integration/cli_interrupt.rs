//! Signals sent to the real `nanoforge` process while a paid request is in flight. The first
//! SIGINT (Ctrl-C), SIGTERM or SIGHUP says "Finishing 1 paid request…" and waits until the
//! request is recorded (a Gemini answer stored, a Nano Banana task id kept), then exits 130. A
//! second SIGINT stops at once: the job may be charged and is never sent again. A panic (a bug)
//! ends its job, recoverable, and leaves a crash file in the logs folder.

use crate::support::{self, Env, eventually};

use fake_gemini::FakeGemini;
use fake_nanobanana::{Fault, FaultAction, Target};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

async fn signal(child: &Child, name: &str) {
    let pid = child.id().expect("running").to_string();
    let sent = tokio::process::Command::new("kill")
        .args([name, &pid])
        .status()
        .await
        .expect("run kill");
    assert!(sent.success());
}

/// Reads the child's stderr until a line contains `needle`; returns everything read.
async fn stderr_until(child: &mut Child, needle: &str) -> String {
    let stderr = child.stderr.as_mut().expect("piped stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = String::new();
    let found = tokio::time::timeout(support::PATIENCE, async {
        while let Some(line) = lines.next_line().await.expect("read stderr") {
            seen.push_str(&line);
            seen.push('\n');
            if line.contains(needle) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "no {needle:?} on stderr: {seen}");
    seen
}

async fn only_job(env: &Env) -> Value {
    let mut jobs = env.jobs().await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    jobs.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_gemini_generation_waits_and_stores_the_answer() {
    let env = Env::start().await;
    let gemini = FakeGemini::start().await.expect("start fake gemini");
    gemini.push_fault(fake_gemini::Fault::new(
        1,
        fake_gemini::FaultAction::Delay { ms: 1_500 },
    ));
    let mut cmd = env.command(&["generate", "a slow comet", "--provider", "gemini", "--json"]);
    cmd.env("GEMINI_BASE_URL", gemini.base_url())
        .env("GEMINI_API_KEY", gemini.api_key());
    let mut child = cmd.spawn().expect("start nanoforge");
    eventually("the Gemini call in flight", || gemini.generate_count() == 1).await;
    signal(&child, "-INT").await;
    let said = stderr_until(&mut child, "Finishing 1 paid request").await;
    assert!(said.contains("Ctrl-C again"), "{said}");
    let run = support::Run::from(child.wait_with_output().await.expect("wait"));
    assert_eq!(run.code, Some(130), "{}", run.stderr);

    let job = only_job(&env).await;
    assert_eq!(job["status"], "COMPLETED", "{job}");
    assert_eq!(support::images_of(&job).len(), 1);
    assert_eq!(gemini.generate_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_and_sighup_during_a_submit_keep_the_task_id() {
    for name in ["-TERM", "-HUP"] {
        let env = Env::start().await;
        env.server.push_fault(Fault::new(
            Target::Submit,
            1,
            FaultAction::Delay { ms: 1_500 },
        ));
        let mut child = env.spawn(&["generate", "a slow heron", "--json"]);
        eventually("the submit in flight", || env.server.submit_count() == 1).await;
        signal(&child, name).await;
        stderr_until(&mut child, "Finishing 1 paid request").await;
        let run = support::Run::from(child.wait_with_output().await.expect("wait"));
        assert_eq!(run.code, Some(130), "{name}: {}", run.stderr);

        let job = only_job(&env).await;
        assert!(job["task_id"].is_string(), "{name}: {job}");
        let resumed = env.run(&["resume", "--json"]).await;
        resumed.assert_ok();
        assert_eq!(only_job(&env).await["status"], "COMPLETED", "{name}");
        assert_eq!(env.server.submit_count(), 1, "{name}: never resent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_stops_at_once_and_nothing_is_resent() {
    let env = Env::start().await;
    env.server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Delay { ms: 30_000 },
    ));
    let mut child = env.spawn(&["generate", "an impatient heron", "--json"]);
    eventually("the submit in flight", || env.server.submit_count() == 1).await;
    signal(&child, "-INT").await;
    stderr_until(&mut child, "Finishing 1 paid request").await;
    signal(&child, "-INT").await;
    let run = support::Run::from(child.wait_with_output().await.expect("wait"));
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert!(run.stderr.contains("stopped at once"), "{}", run.stderr);

    let job = only_job(&env).await;
    assert!(job["task_id"].is_null(), "{job}");
    assert_eq!(job["may_be_charged"], true, "{job}");
    env.run(&["resume", "--json"]).await;
    let job = only_job(&env).await;
    assert_eq!(
        (job["status"].as_str(), job["error"]["kind"].as_str()),
        (Some("FAILED"), Some("interrupted")),
        "{job}"
    );
    assert_eq!(env.server.submit_count(), 1, "never resent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_ends_the_job_and_leaves_a_crash_file() {
    let env = Env::start().await;
    let mut cmd = env.command(&["generate", "a buggy heron", "--json"]);
    cmd.env("NANOFORGE_PANIC_AT", "while_polling");
    let run = env.run_command(cmd).await;
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let job = only_job(&env).await;
    // The task id is kept: the job is recoverable, not stuck "running".
    assert_eq!(job["status"], "RECOVERABLE", "{job}");
    assert_eq!(job["error"]["kind"], "internal", "{job}");

    let logs = env.dir.path().join("logs");
    let crashes: Vec<_> = std::fs::read_dir(&logs)
        .expect("the logs folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("crash-"))
        .collect();
    assert_eq!(crashes.len(), 1);
    let report: Value =
        serde_json::from_slice(&std::fs::read(crashes[0].path()).expect("read")).expect("json");
    assert_eq!(report["message"], "test panic at while_polling");
    assert_eq!(report["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        report["location"]
            .as_str()
            .is_some_and(|l| l.contains("crash.rs")),
        "{report}"
    );
    assert!(report["backtrace"].as_str().is_some_and(|b| !b.is_empty()));

    // Recover finishes it without a second submit.
    env.run(&["resume", "--json"]).await.assert_ok();
    assert_eq!(only_job(&env).await["status"], "COMPLETED");
    assert_eq!(env.server.submit_count(), 1);
}
