//! The library commands as processes: `images` (its JSON, order and filters), `favourite`,
//! `rate`, `trash`, `restore` and `purge`, with their exit codes and refusals.

use crate::support;

use std::path::Path;

use serde_json::Value;
use support::{Env, Run, images_of, keys};

const IMAGE_KEYS: [&str; 11] = [
    "albums",
    "favourite",
    "id",
    "job_id",
    "path",
    "prompt",
    "rating",
    "sha256",
    "tags",
    "thumbnail_path",
    "trashed",
];

/// `images --json` with `extra` arguments.
async fn images(env: &Env, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["images", "--json", "--limit", "500"];
    args.extend_from_slice(extra);
    let run = env.run(&args).await;
    run.assert_ok();
    match serde_json::from_str(&run.stdout) {
        Ok(Value::Array(images)) => images,
        other => panic!("images --json is not an array: {other:?}\n{}", run.stdout),
    }
}

fn ids(images: &[Value]) -> Vec<String> {
    images
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

/// Generates one image with the fake service; returns its job's `--json` object.
async fn generate(env: &Env, prompt: &str) -> Value {
    let run = env.run(&["generate", prompt, "--json"]).await;
    run.assert_ok();
    run.json_lines().remove(0)
}

/// A synthetic library of `count` images; returns the live image ids, newest first.
async fn seed(env: &Env, count: u32) -> Vec<String> {
    env.run(&["seed-synthetic", "--count", &count.to_string()])
        .await
        .assert_ok();
    let live = ids(&images(env, &[]).await);
    assert_eq!(live.len(), count as usize);
    live
}

/// A failure with exit `code`, nothing on stdout and one `nanoforge:` line on stderr.
fn failed(run: &Run, code: i32) -> String {
    let line = run.assert_one_line_failure();
    assert_eq!(run.code, Some(code), "{line}");
    assert!(run.stdout.trim().is_empty(), "stdout: {}", run.stdout);
    line
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_json_has_the_documented_fields_newest_first() {
    let env = Env::start().await;
    let mut jobs = Vec::new();
    for prompt in ["a red fox", "a blue whale", "a red barn"] {
        jobs.push(generate(&env, prompt).await);
    }
    let listed = images(&env, &[]).await;
    assert_eq!(listed.len(), 3);
    // Newest first: the reverse of the order they were made in.
    for (image, job) in listed.iter().zip(jobs.iter().rev()) {
        assert_eq!(keys(image), IMAGE_KEYS);
        let made = &images_of(job)[0];
        assert_eq!(image["id"], made["id"]);
        assert_eq!(image["job_id"], job["id"]);
        assert_eq!(image["prompt"], job["prompt"]);
        assert_eq!(image["sha256"], made["sha256"]);
        assert_eq!(image["path"], made["path"]);
        assert_eq!(image["thumbnail_path"], made["thumbnail_path"]);
        assert_eq!(
            (&image["favourite"], &image["rating"], &image["trashed"]),
            (&Value::Bool(false), &Value::from(0), &Value::Bool(false))
        );
        for field in ["path", "thumbnail_path"] {
            let path = Path::new(image[field].as_str().expect(field));
            assert!(path.is_absolute() && path.is_file(), "{field}: {path:?}");
        }
    }
    let newest_first = ids(&listed);

    // --search and --limit.
    let red = images(&env, &["--search", "red"]).await;
    assert_eq!(
        ids(&red),
        [newest_first[0].clone(), newest_first[2].clone()]
    );
    assert_eq!(
        ids(&images(&env, &["--search", "whale"]).await),
        [newest_first[1].clone()]
    );
    assert!(images(&env, &["--search", "zebra"]).await.is_empty());
    let run = env.run(&["images", "--json", "--limit", "2"]).await;
    run.assert_ok();
    let two: Vec<Value> = serde_json::from_str(&run.stdout).expect("JSON array");
    assert_eq!(ids(&two), newest_first[..2]);
    failed(&env.run(&["images", "--limit", "0"]).await, 2);

    // People get one line per image; an empty result says so.
    let run = env.run(&["images"]).await;
    run.assert_ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(lines[0].starts_with(&newest_first[0]) && lines[0].contains("a red barn"));
    let run = env.run(&["images", "--search", "zebra"]).await;
    run.assert_ok();
    assert_eq!(run.stdout.trim(), "No images.");

    // An original missing from this device is listed with `path: null`.
    let fox = &listed[2];
    std::fs::remove_file(fox["path"].as_str().expect("path")).expect("remove the original");
    let after = images(&env, &[]).await;
    assert_eq!(after[2]["id"], fox["id"]);
    assert_eq!(after[2]["path"], Value::Null);
    assert_eq!(after[2]["thumbnail_path"], fox["thumbnail_path"]);
    assert!(after[0]["path"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn favourite_rate_trash_and_restore_show_in_images() {
    let env = Env::start().await;
    let live = seed(&env, 6).await;
    let initially_favourite = ids(&images(&env, &["--favourites"]).await);
    let (a, b, c) = (&live[1], &live[2], &live[3]);
    assert!(!initially_favourite.contains(a));

    // favourite / --off
    let run = env.run(&["favourite", a]).await;
    run.assert_ok();
    assert!(run.stdout.contains(a.as_str()));
    let favourites = images(&env, &["--favourites"]).await;
    assert!(favourites.iter().all(|i| i["favourite"] == true));
    assert!(ids(&favourites).contains(a));
    assert_eq!(favourites.len(), initially_favourite.len() + 1);
    env.run(&["favourite", a, "--off"]).await.assert_ok();
    assert_eq!(
        ids(&images(&env, &["--favourites"]).await),
        initially_favourite
    );

    // rate N, rate 0 clears; out of range or not a number is a usage error.
    env.run(&["rate", b, "4"]).await.assert_ok();
    let rating_of = |images: &[Value], id: &str| {
        images
            .iter()
            .find(|i| i["id"] == id)
            .map(|i| i["rating"].clone())
    };
    assert_eq!(rating_of(&images(&env, &[]).await, b), Some(Value::from(4)));
    env.run(&["rate", b, "0"]).await.assert_ok();
    assert_eq!(rating_of(&images(&env, &[]).await, b), Some(Value::from(0)));
    for bad in [
        ["x", "9"],
        [b.as_str(), "9"],
        [b.as_str(), "6"],
        [b.as_str(), "three"],
    ] {
        failed(&env.run(&["rate", bad[0], bad[1]]).await, 2);
    }
    failed(&env.run(&["rate", b, "--", "-1"]).await, 2);
    assert_eq!(rating_of(&images(&env, &[]).await, b), Some(Value::from(0)));

    // trash: out of the live view, into the trash view, marked trashed.
    env.run(&["favourite", a]).await.assert_ok();
    let run = env.run(&["trash", a, b]).await;
    run.assert_ok();
    assert!(run.stdout.contains("2 image(s)"), "{}", run.stdout);
    let now_live = ids(&images(&env, &[]).await);
    assert_eq!(now_live.len(), 4);
    assert!(!now_live.contains(a) && !now_live.contains(b));
    let trashed = images(&env, &["--trash"]).await;
    assert_eq!(ids(&trashed), [a.clone(), b.clone()], "newest first");
    assert!(trashed.iter().all(|i| i["trashed"] == true));
    assert_eq!(
        ids(&images(&env, &["--trash", "--favourites"]).await),
        [a.as_str()]
    );
    assert!(!ids(&images(&env, &["--favourites"]).await).contains(a));

    // restore brings one back.
    env.run(&["restore", a]).await.assert_ok();
    let back = images(&env, &[]).await;
    let restored = back
        .iter()
        .find(|i| i["id"] == a.as_str())
        .expect("restored");
    assert_eq!(restored["trashed"], false);
    assert_eq!(restored["favourite"], true);
    assert_eq!(ids(&images(&env, &["--trash"]).await), [b.as_str()]);

    // An unknown id: exit 1 naming it, and none of the other ids moved.
    let line = failed(&env.run(&["trash", c, "no-such-image"]).await, 1);
    assert!(
        line.contains("no-such-image") && line.contains("[not_found]"),
        "{line}"
    );
    assert!(ids(&images(&env, &[]).await).contains(c));
    let line = failed(&env.run(&["restore", b, "no-such-image"]).await, 1);
    assert!(line.contains("no-such-image"), "{line}");
    assert_eq!(ids(&images(&env, &["--trash"]).await), [b.as_str()]);
    for args in [
        vec!["favourite", "no-such-image"],
        vec!["rate", "no-such-image", "3"],
    ] {
        let line = failed(&env.run(&args).await, 1);
        assert!(line.contains("no-such-image"), "{line}");
    }
    failed(&env.run(&["trash"]).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_asks_for_yes_then_deletes_rows_and_files() {
    let env = Env::start().await;
    let kept = generate(&env, "a quiet harbour").await;
    let doomed = generate(&env, "a stormy castle").await;
    let listed = images(&env, &[]).await;
    let image = listed
        .iter()
        .find(|i| i["job_id"] == doomed["id"])
        .expect("listed")
        .clone();
    let id = image["id"].as_str().expect("id").to_owned();
    let original = Path::new(image["path"].as_str().expect("path")).to_path_buf();
    let thumbnail = Path::new(image["thumbnail_path"].as_str().expect("thumb")).to_path_buf();
    assert_ne!(
        image["sha256"],
        images_of(&kept)[0]["sha256"],
        "files not shared"
    );

    // Without --yes: exit 2, says what it would delete, deletes nothing.
    let line = failed(&env.run(&["purge", &id]).await, 2);
    assert!(line.contains(&id) && line.contains("--yes"), "{line}");
    assert_eq!(images(&env, &[]).await, listed);
    assert!(original.is_file() && thumbnail.is_file());

    // An unknown id among known ones: exit 1, nothing deleted.
    let line = failed(&env.run(&["purge", &id, "no-such-image", "--yes"]).await, 1);
    assert!(line.contains("no-such-image"), "{line}");
    assert_eq!(images(&env, &[]).await, listed);

    // With --yes: the row and its files are gone, live or trashed views alike.
    let run = env.run(&["purge", &id, "--yes"]).await;
    run.assert_ok();
    assert!(run.stdout.contains("1 image(s)"), "{}", run.stdout);
    let after = images(&env, &[]).await;
    assert_eq!(
        ids(&after),
        [images_of(&kept)[0]["id"].as_str().expect("id")]
    );
    assert!(images(&env, &["--trash"]).await.is_empty());
    assert!(!original.exists(), "original deleted");
    assert!(!thumbnail.exists(), "thumbnail deleted");
    let kept_path = after[0]["path"].as_str().expect("kept path");
    assert!(Path::new(kept_path).is_file());
    failed(&env.run(&["purge", &id, "--yes"]).await, 1);

    // A trashed image can be purged too.
    let kept_id = after[0]["id"].as_str().expect("id").to_owned();
    env.run(&["trash", &kept_id]).await.assert_ok();
    env.run(&["purge", &kept_id, "--yes"]).await.assert_ok();
    assert!(images(&env, &["--trash"]).await.is_empty());
    assert!(!Path::new(kept_path).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_keeps_a_file_other_images_still_use() {
    let env = Env::start().await;
    // Synthetic images made as copies of four demo images share their files.
    env.run(&[
        "seed-synthetic",
        "--count",
        "8",
        "--distinct-thumbnails",
        "4",
    ])
    .await
    .assert_ok();
    let listed = images(&env, &[]).await;
    let first = &listed[0];
    let twin = listed
        .iter()
        .skip(1)
        .find(|i| i["sha256"] == first["sha256"])
        .expect("another image with the same bytes");
    let id = first["id"].as_str().expect("id");
    env.run(&["purge", id, "--yes"]).await.assert_ok();
    let after = images(&env, &[]).await;
    assert_eq!(after.len(), 7);
    assert!(!ids(&after).contains(&id.to_owned()));
    let path = twin["path"].as_str().expect("path");
    assert!(Path::new(path).is_file(), "still used by {}", twin["id"]);
}
