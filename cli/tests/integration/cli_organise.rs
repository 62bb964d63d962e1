//! `album` and `tag` as processes, and `images` with their filters and sorts: the JSON of each,
//! every image's `albums` and `tags` in `images --json`, and the refusals (an unknown album or
//! image is exit 1 naming it, a bad flag value exit 2) that change nothing.

use crate::support;

use serde_json::Value;
use support::{Env, Run, keys};

/// `ARGS --json` as a JSON array.
async fn json_list(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut args = args.to_vec();
    args.push("--json");
    let run = env.run(&args).await;
    run.assert_ok();
    match serde_json::from_str(&run.stdout) {
        Ok(Value::Array(items)) => items,
        other => panic!("{args:?} --json is not an array: {other:?}\n{}", run.stdout),
    }
}

/// The ids `images` lists with `extra` arguments, in its order.
async fn listed(env: &Env, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["images", "--limit", "500"];
    args.extend_from_slice(extra);
    json_list(env, &args)
        .await
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

/// A failure with exit `code`, nothing on stdout and one `nanoforge:` line on stderr.
fn failed(run: &Run, code: i32) -> String {
    let line = run.assert_one_line_failure();
    assert_eq!(run.code, Some(code), "{line}");
    assert!(run.stdout.trim().is_empty(), "stdout: {}", run.stdout);
    line
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn albums_and_tags_from_the_command_line_filter_and_label_images() {
    let env = Env::start().await;
    env.run(&["seed-synthetic", "--count", "5"])
        .await
        .assert_ok();
    let all = listed(&env, &[]).await;
    assert_eq!(all.len(), 5);
    let (a, b, c) = (all[0].as_str(), all[1].as_str(), all[2].as_str());

    let run = env.run(&["album", "add", "Trips", a, b]).await;
    run.assert_ok();
    assert!(run.stdout.contains("Added 2 image(s)"), "{}", run.stdout);
    env.run(&["album", "add", "trips", b, c]).await.assert_ok();
    env.run(&["album", "add", "Cats", a]).await.assert_ok();
    let albums = json_list(&env, &["album", "list"]).await;
    assert_eq!(albums.len(), 2);
    assert_eq!(
        keys(&albums[0]),
        ["created_at", "id", "images", "name", "updated_at"]
    );
    let names: Vec<(&str, u64)> = albums
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["images"].as_u64().unwrap()))
        .collect();
    assert_eq!(names, [("Cats", 1), ("Trips", 3)]);

    env.run(&["tag", "add", a, "Sunset", "sea"])
        .await
        .assert_ok();
    env.run(&["tag", "add", b, "SEA"]).await.assert_ok();
    let tags = json_list(&env, &["tag", "list"]).await;
    assert_eq!(
        tags,
        [
            serde_json::json!({"tag": "sea", "images": 2}),
            serde_json::json!({"tag": "sunset", "images": 1}),
        ]
    );

    // Every image carries its albums and tags.
    let images = json_list(&env, &["images", "--album", "TRIPS"]).await;
    let got: Vec<(&str, Value, Value)> = images
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap(),
                i["albums"].clone(),
                i["tags"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                a,
                serde_json::json!(["Cats", "Trips"]),
                serde_json::json!(["sea", "sunset"])
            ),
            (b, serde_json::json!(["Trips"]), serde_json::json!(["sea"])),
            (c, serde_json::json!(["Trips"]), serde_json::json!([])),
        ]
    );
    assert_eq!(listed(&env, &["--tag", "Sea"]).await, [a, b]);
    assert_eq!(listed(&env, &["--search", "sunset"]).await, [a]);
    assert_eq!(listed(&env, &["--search", "cats"]).await, [a]);

    // Ratings, model, and the sorts.
    env.run(&["rate", c, "4"]).await.assert_ok();
    env.run(&["rate", b, "2"]).await.assert_ok();
    assert_eq!(listed(&env, &["--min-rating", "3"]).await, [c]);
    assert_eq!(listed(&env, &["--sort", "rating"]).await[..2], [c, b]);
    let mut oldest = all.clone();
    oldest.reverse();
    assert_eq!(listed(&env, &["--sort", "oldest"]).await, oldest);
    assert_eq!(listed(&env, &["--model", "demo"]).await.len(), 5);
    assert!(listed(&env, &["--model", "nano-banana"]).await.is_empty());

    // Refusals: nothing on stdout, one line, nothing changed.
    let line = failed(&env.run(&["images", "--album", "Nope"]).await, 1);
    assert!(line.contains("Nope"), "{line}");
    let line = failed(&env.run(&["album", "remove", "Nope", a]).await, 1);
    assert!(line.contains("Nope"), "{line}");
    let line = failed(&env.run(&["album", "add", "Trips", "no-such-id"]).await, 1);
    assert!(line.contains("no-such-id"), "{line}");
    failed(&env.run(&["images", "--model", "no-such-model"]).await, 2);
    failed(&env.run(&["images", "--sort", "sideways"]).await, 2);
    failed(&env.run(&["images", "--min-rating", "6"]).await, 2);
    failed(&env.run(&["album", "rename", "Trips", "cats"]).await, 1);
    failed(&env.run(&["tag", "add", a, "   "]).await, 1);
    assert_eq!(listed(&env, &["--album", "Trips"]).await.len(), 3);

    // Remove, rename, delete: the images stay.
    env.run(&["album", "remove", "Trips", b]).await.assert_ok();
    env.run(&["album", "rename", "Trips", "Journeys"])
        .await
        .assert_ok();
    assert_eq!(listed(&env, &["--album", "journeys"]).await, [a, c]);
    env.run(&["tag", "remove", a, "SEA"]).await.assert_ok();
    assert_eq!(listed(&env, &["--tag", "sea"]).await, [b]);
    env.run(&["album", "delete", "Journeys"]).await.assert_ok();
    let albums = json_list(&env, &["album", "list"]).await;
    assert_eq!(albums.len(), 1);
    assert_eq!(listed(&env, &[]).await.len(), 5);
    let run = env.run(&["album", "list"]).await;
    run.assert_ok();
    assert!(run.stdout.contains("Cats  (1 images)"), "{}", run.stdout);
}
