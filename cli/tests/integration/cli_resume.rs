//! Killing `nanoforge generate` with SIGKILL and finishing the job with `nanoforge resume`: no
//! second submit, exactly one stored image.

use crate::support;

use fake_nanobanana::{Endpoint, Fault, FaultAction, Target, TaskScenario};
use support::{Env, eventually, images_of};

async fn resume_and_check(env: &Env) {
    let run = env.run(&["resume", "--json"]).await;
    run.assert_ok();
    let jobs = run.json_lines();
    assert_eq!(jobs.len(), 1, "{}", run.stdout);
    assert_eq!(jobs[0]["status"], "COMPLETED", "{}", run.stdout);
    assert_eq!(images_of(&jobs[0]).len(), 1);

    assert_eq!(env.server.submit_count(), 1, "never submitted twice");
    let listed = env.jobs().await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["status"], "COMPLETED");
    assert_eq!(images_of(&listed[0]).len(), 1, "exactly one image stored");

    let again = env.run(&["resume", "--json"]).await;
    again.assert_ok();
    assert!(
        again.stdout.trim().is_empty(),
        "nothing left: {}",
        again.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generate_killed_while_polling_is_finished_by_resume() {
    let env = Env::start().await;
    // The task answers "generating" for 4 s after its submit, however often it is asked.
    env.server.set_scenario(TaskScenario {
        pending_ms: 4_000,
        ..TaskScenario::default()
    });
    let mut child = env.spawn(&["generate", "a slow lighthouse", "--json"]);
    eventually("a first status check", || {
        env.server.count(Endpoint::Poll) >= 1
    })
    .await;
    child.kill().await.expect("SIGKILL the CLI");
    assert_eq!(env.server.submit_count(), 1);

    let before = env.jobs().await;
    assert_eq!(before.len(), 1);
    let status = before[0]["status"].as_str().unwrap_or_default().to_owned();
    assert!(
        status == "SUBMITTED" || status == "PROCESSING",
        "the kill left it {status}"
    );
    resume_and_check(&env).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generate_killed_while_downloading_is_finished_by_resume() {
    let env = Env::start().await;
    // The first image request hangs for a minute; the one after the resume is served at once.
    env.server.push_fault(Fault::new(
        Target::Image,
        1,
        FaultAction::Delay { ms: 60_000 },
    ));
    let mut child = env.spawn(&["generate", "a lighthouse", "--json"]);
    eventually("the download to start", || {
        env.server.count(Endpoint::Image) >= 1
    })
    .await;
    child.kill().await.expect("SIGKILL the CLI");

    let before = env.jobs().await;
    assert_eq!(before[0]["status"], "DOWNLOADING");
    assert_eq!(images_of(&before[0]).len(), 0);
    let polls = env.server.count(Endpoint::Poll);
    resume_and_check(&env).await;
    assert_eq!(
        env.server.count(Endpoint::Poll),
        polls,
        "resumed from the stored URLs"
    );
    assert_eq!(env.server.count(Endpoint::Image), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_hands_the_job_back_at_once() {
    let env = Env::start().await;
    env.server.set_scenario(TaskScenario {
        pending_ms: 3_000,
        ..TaskScenario::default()
    });
    let child = env.spawn(&["generate", "a lighthouse", "--json"]);
    eventually("a first status check", || {
        env.server.count(Endpoint::Poll) >= 1
    })
    .await;
    let pid = child.id().expect("running").to_string();
    let signalled = tokio::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .await
        .expect("run kill");
    assert!(signalled.success());
    let run = support::Run::from(child.wait_with_output().await.expect("wait"));
    assert_eq!(run.code, Some(130));
    let line = run.assert_one_line_failure();
    assert!(line.contains("nanoforge resume"), "{line}");

    // The lease is released, so a resume does not have to wait for it to expire.
    let library = nanoforge_core::library::Library::open(
        env.dir.path(),
        &nanoforge_core::accounts::Profile::local(),
    )
    .await
    .expect("open the library");
    let jobs = env.jobs().await;
    let id = jobs[0]["id"].as_str().expect("id");
    let ledger = nanoforge_core::queue::Ledger::for_this_install(library);
    assert_eq!(ledger.job_lease(id).await.expect("lease"), None);
    resume_and_check(&env).await;
}
