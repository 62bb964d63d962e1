//! `nanoforge generate` as a process: its `--json` shape, its refusals of bad input, and the demo
//! provider of a fresh install without an API key.

use crate::support;

use std::path::Path;

use serde_json::Value;
use support::{Env, images_of, keys};

const JOB_KEYS: [&str; 15] = [
    "charged_credits",
    "cost",
    "duration_ms",
    "estimated_cost",
    "id",
    "images",
    "may_be_charged",
    "model",
    "parent_image_id",
    "parent_job_id",
    "prompt",
    "provider",
    "status",
    "submitted_at",
    "task_id",
];
const IMAGE_KEYS: [&str; 6] = ["height", "id", "path", "sha256", "thumbnail_path", "width"];

fn check_image(image: &Value) {
    assert_eq!(keys(image), IMAGE_KEYS);
    for field in ["path", "thumbnail_path"] {
        let path = Path::new(image[field].as_str().expect(field));
        assert!(path.is_absolute(), "{field} must be absolute: {path:?}");
        assert!(path.is_file(), "{field} must exist: {path:?}");
    }
    assert_eq!(image["sha256"].as_str().map(str::len), Some(64));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_has_exactly_the_documented_fields() {
    let env = Env::start().await;
    let run = env
        .run(&[
            "generate",
            "a lighthouse at dusk",
            "--size",
            "1K",
            "--aspect",
            "16:9",
            "--json",
        ])
        .await;
    run.assert_ok();
    let jobs = run.json_lines();
    assert_eq!(jobs.len(), 1);
    let job = &jobs[0];
    assert_eq!(keys(job), JOB_KEYS);
    assert_eq!(job["status"], "COMPLETED");
    assert_eq!(job["prompt"], "a lighthouse at dusk");
    assert_eq!(job["provider"], "nanobanana");
    assert_eq!(job["cost"], 0.067);
    assert_eq!(job["estimated_cost"], 0.067);
    assert_eq!(job["may_be_charged"], true);
    assert_eq!(job["model"], "nano-banana-2");
    assert!(job["duration_ms"].as_f64().is_some_and(|d| d >= 0.0));
    let images = images_of(job);
    assert_eq!(images.len(), 1);
    check_image(&images[0]);
    assert_eq!(
        (images[0]["width"].as_u64(), images[0]["height"].as_u64()),
        (Some(1024), Some(576))
    );
    assert_eq!(env.server.submit_count(), 1);

    // A failed job adds `error` with `kind` and `message`, exits non-zero with one stderr line.
    let flagged =
        r#"@fake{"outcome":"generationFailed","errorMessage":"Your prompt was flagged"} a cat"#;
    let run = env.run(&["generate", flagged, "--json"]).await;
    let line = run.assert_one_line_failure();
    assert!(line.contains("Your prompt was flagged"), "{line}");
    let failed = &run.json_lines()[0];
    let mut with_error: Vec<&str> = JOB_KEYS.to_vec();
    with_error.push("error");
    with_error.sort();
    assert_eq!(keys(failed), with_error);
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(keys(&failed["error"]), ["kind", "message"]);
    assert_eq!(failed["error"]["kind"], "generation_failed");
    assert_eq!(images_of(failed).len(), 0);

    // `list --json` is an array of the same objects; `show --json` is one of them.
    let listed = env.jobs().await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1], *job, "newest first, identical objects");
    assert_eq!(keys(&listed[0]), with_error);
    let id = job["id"].as_str().unwrap();
    let show = env.run(&["show", id, "--json"]).await;
    show.assert_ok();
    let mut shown = serde_json::from_str::<Value>(&show.stdout).unwrap();
    let family = shown.as_object_mut().unwrap();
    assert_eq!(
        family.remove("parent"),
        Some(Value::Null),
        "show adds the family"
    );
    assert_eq!(family.remove("children"), Some(serde_json::json!([])));
    assert_eq!(shown, *job);
    let completed = env.run(&["list", "--json", "--status", "completed"]).await;
    completed.assert_ok();
    let completed: Vec<Value> = serde_json::from_str(&completed.stdout).unwrap();
    assert_eq!(completed.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_one_line_before_any_request() {
    let env = Env::start().await;
    let too_long = "x".repeat(5_001);
    let cases: Vec<Vec<&str>> = vec![
        vec!["generate", ""],
        vec!["generate", "   "],
        vec!["generate", &too_long, "--model", "nano-banana"],
        vec!["generate", "a cat", "--size", "640"],
        vec!["generate", "a cat", "--size", "huge"],
        vec!["generate", "a cat", "--aspect", "7:5"],
        vec!["generate", "a cat", "--aspect", "wide"],
        vec!["generate", "a cat", "--count", "0"],
        vec!["generate", "a cat", "--count", "5"],
        vec!["generate", "a cat", "--count", "-1"],
        vec!["generate", "a cat", "--count", "many"],
        vec!["generate", "a cat", "--model", "dall-e"],
        vec!["generate", "a cat", "--provider", "openai"],
        vec!["generate", "a cat", "--timeout", "0"],
        vec!["generate"],
    ];
    for args in &cases {
        let run = env.run(args).await;
        let line = run.assert_one_line_failure();
        assert!(run.stdout.trim().is_empty(), "{args:?}: {}", run.stdout);
        assert!(line.len() > "nanoforge: ".len() + 10, "{args:?}: {line}");
    }
    assert_eq!(
        env.server.api_request_count(),
        0,
        "no request for bad input"
    );
    let info = env.run(&["info", "--json"]).await;
    info.assert_ok();
    let info: Value = serde_json::from_str(&info.stdout).unwrap();
    assert_eq!(info["job_count"], 0, "nothing recorded either");
    assert_eq!(info["profile_id"], "local");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_key_or_keychain_a_fresh_install_makes_a_labelled_demo_image() {
    let env = Env::start().await;
    let mut cmd = env.command(&["generate", "a lighthouse at dusk"]);
    cmd.env_remove("NANOBANANA_API_KEY");
    let run = env.run_command(cmd).await;
    run.assert_ok();
    assert!(run.stdout.contains("demo image, not AI"), "{}", run.stdout);
    // Notices go to stderr; stdout carries only the result.
    assert!(
        run.stderr.contains("offline demo provider"),
        "{}",
        run.stderr
    );

    let mut cmd = env.command(&["list", "--json"]);
    cmd.env_remove("NANOBANANA_API_KEY");
    let listed = env.run_command(cmd).await;
    listed.assert_ok();
    let jobs: Vec<Value> = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["provider"], "demo");
    assert_eq!(jobs[0]["status"], "COMPLETED");
    assert_eq!(jobs[0]["cost"], 0.0);
    let images = images_of(&jobs[0]);
    assert_eq!(images.len(), 1);
    check_image(&images[0]);
    let bytes = std::fs::read(images[0]["path"].as_str().unwrap()).unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("DEMO image: not generated by an AI model"));

    let mut cmd = env.command(&["generate", "a lighthouse at dusk", "--json"]);
    cmd.env_remove("NANOBANANA_API_KEY");
    let run = env.run_command(cmd).await;
    run.assert_ok();
    assert_eq!(run.json_lines()[0]["provider"], "demo");
    assert_eq!(
        env.server.api_request_count(),
        0,
        "the demo needs no network"
    );
}
