//! `prompts` and `wildcards` as processes: `prompts save` (a taken name refused with exit 1 unless
//! `--replace`), `prompts list --json` (`[{name, text, tags, updated_at}]` by name, `--tag`),
//! `prompts remove` (an unknown name is exit 1 naming it, nothing on stdout), and `wildcards
//! set|list|remove` feeding a batch's dry run.

use crate::support;

use serde_json::Value;
use support::{Env, Run, keys};

async fn listed(env: &Env, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["prompts", "list", "--json"];
    args.extend_from_slice(extra);
    let run = env.run(&args).await;
    run.assert_ok();
    match serde_json::from_str(&run.stdout) {
        Ok(Value::Array(items)) => items,
        other => panic!("{args:?} is not an array: {other:?}\n{}", run.stdout),
    }
}

fn names(items: &[Value]) -> Vec<&str> {
    items.iter().map(|p| p["name"].as_str().unwrap()).collect()
}

/// A failure with exit `code`, nothing on stdout and one `nanoforge:` line on stderr.
fn failed(run: &Run, code: i32) -> String {
    let line = run.assert_one_line_failure();
    assert_eq!(run.code, Some(code), "{line}");
    assert!(run.stdout.trim().is_empty(), "stdout: {}", run.stdout);
    line
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompts_are_saved_listed_and_removed_from_the_command_line() {
    let env = Env::start().await;
    assert!(listed(&env, &[]).await.is_empty());
    let run = env
        .run(&[
            "prompts",
            "save",
            "Hero shot",
            "a {red|blue} __car__",
            "--tag",
            "Studio",
            "--tag",
            "cars",
        ])
        .await;
    run.assert_ok();
    assert!(run.stdout.trim().is_empty(), "stdout: {}", run.stdout);
    env.run(&["prompts", "save", "portrait", "a portrait"])
        .await
        .assert_ok();

    let items = listed(&env, &[]).await;
    assert_eq!(names(&items), ["Hero shot", "portrait"]);
    assert_eq!(keys(&items[0]), ["name", "tags", "text", "updated_at"]);
    assert_eq!(items[0]["text"], "a {red|blue} __car__");
    assert_eq!(items[0]["tags"], serde_json::json!(["studio", "cars"]));
    assert!(items[0]["updated_at"].as_f64().unwrap() > 1.6e12);
    assert_eq!(
        names(&listed(&env, &["--tag", "STUDIO"]).await),
        ["Hero shot"]
    );

    // A taken name (any case) is refused, naming it and the way to replace it; nothing changes.
    let line = failed(&env.run(&["prompts", "save", "HERO SHOT", "x"]).await, 1);
    assert!(
        line.contains("Hero shot") && line.contains("--replace"),
        "{line}"
    );
    failed(&env.run(&["prompts", "save", "  ", "x"]).await, 1);
    assert_eq!(listed(&env, &[]).await[0]["text"], "a {red|blue} __car__");
    env.run(&["prompts", "save", "hero shot", "a green car", "--replace"])
        .await
        .assert_ok();
    let items = listed(&env, &[]).await;
    assert_eq!(names(&items), ["hero shot", "portrait"]);
    assert_eq!(items[0]["tags"], serde_json::json!([]));

    let run = env.run(&["prompts", "list"]).await;
    run.assert_ok();
    assert!(
        run.stdout.contains("hero shot  a green car"),
        "{}",
        run.stdout
    );

    // Removed by name in any case; an unknown name is exit 1, nothing on stdout.
    env.run(&["prompts", "remove", "PORTRAIT"])
        .await
        .assert_ok();
    assert_eq!(names(&listed(&env, &[]).await), ["hero shot"]);
    let line = failed(&env.run(&["prompts", "remove", "portrait"]).await, 1);
    assert!(line.contains("portrait"), "{line}");
    failed(&env.run(&["prompts", "save", "only-a-name"]).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wildcard_lists_are_set_listed_removed_and_used_by_a_batch() {
    let env = Env::start().await;
    let file = env.dir.path().join("colours.txt");
    std::fs::write(&file, "red\n# a comment\n\nblue\n").unwrap();
    env.run(&["wildcards", "set", "colours", file.to_str().unwrap()])
        .await
        .assert_ok();
    let run = env.run(&["wildcards", "list", "--json"]).await;
    run.assert_ok();
    let lists: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        lists,
        serde_json::json!([{"name": "colours", "entries": ["red", "# a comment", "", "blue"]}])
    );
    let run = env
        .run(&[
            "batch",
            "a __colours__ car",
            "--model",
            "demo",
            "--dry-run",
            "--json",
        ])
        .await;
    run.assert_ok();
    let plan: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(plan["count"], 2);

    env.run(&["wildcards", "remove", "colours"])
        .await
        .assert_ok();
    let line = failed(&env.run(&["wildcards", "remove", "colours"]).await, 1);
    assert!(line.contains("colours"), "{line}");
    let line = failed(
        &env.run(&["batch", "a __colours__ car", "--model", "demo", "--dry-run"])
            .await,
        1,
    );
    assert!(line.contains("colours"), "{line}");
}
