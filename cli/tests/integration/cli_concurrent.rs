//! Many `nanoforge` processes writing one library at once.

use crate::support;

use fake_nanobanana::TaskScenario;
use support::{Env, images_of};

const PROCESSES: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_processes_generating_at_once_all_complete() {
    let env = Env::start().await;
    env.server.set_scenario(TaskScenario {
        pending_polls: 2,
        ..TaskScenario::default()
    });
    let prompts: Vec<String> = (0..PROCESSES)
        .map(|i| format!("lighthouse number {i}"))
        .collect();
    let children: Vec<_> = prompts
        .iter()
        .map(|p| env.spawn(&["generate", p, "--size", "1K", "--json"]))
        .collect();
    for child in children {
        let output = tokio::time::timeout(support::PATIENCE, child.wait_with_output())
            .await
            .expect("a generate did not finish in time")
            .expect("wait for nanoforge");
        let run = support::Run::from(output);
        run.assert_ok();
        assert_eq!(run.json_lines()[0]["status"], "COMPLETED");
    }

    let jobs = env.jobs().await;
    assert_eq!(jobs.len(), PROCESSES);
    assert!(jobs.iter().all(|j| j["status"] == "COMPLETED"));
    let images: usize = jobs.iter().map(|j| images_of(j).len()).sum();
    assert_eq!(images, PROCESSES);
    let mut listed: Vec<String> = jobs
        .iter()
        .map(|j| j["prompt"].as_str().unwrap_or_default().to_owned())
        .collect();
    listed.sort();
    let mut expected = prompts.clone();
    expected.sort();
    assert_eq!(listed, expected);
    assert_eq!(env.server.submit_count(), PROCESSES);
}
