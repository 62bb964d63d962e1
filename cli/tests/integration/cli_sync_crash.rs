//! A sync killed at every step (a test-only crash point aborts the real process), then run again:
//! nothing is lost, nothing is duplicated, and the second device ends with the same images, byte
//! for byte.

use crate::support;

use s3_test_server::S3Server;
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::Env;
use tokio::process::Command;

const BUCKET: &str = "crash";

fn with_sync(mut cmd: Command, s3: &S3Server, crash_at: Option<&str>) -> Command {
    cmd.env("NANOFORGE_SYNC_ENDPOINT", s3.endpoint())
        .env("NANOFORGE_SYNC_BUCKET", BUCKET)
        .env("NANOFORGE_SYNC_ACCESS_KEY_ID", s3.access_key())
        .env("NANOFORGE_SYNC_SECRET_ACCESS_KEY", s3.secret_key())
        .env("NANOFORGE_SYNC_PREFIX", "lib/");
    if let Some(point) = crash_at {
        cmd.env("NANOFORGE_SYNC_CRASH_AT", point);
    }
    cmd
}

/// (id, sha256, favourite) of every image, sorted.
async fn images(env: &Env) -> Vec<(String, String, bool)> {
    let run = env.run(&["images", "--json", "--limit", "500"]).await;
    run.assert_ok();
    let list: Vec<Value> = serde_json::from_str(&run.stdout).expect("images json");
    let mut out: Vec<(String, String, bool)> = list
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap_or_default().to_owned(),
                i["sha256"].as_str().unwrap_or_default().to_owned(),
                i["favourite"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    out.sort();
    for image in &list {
        let path = image["path"].as_str().expect("a local original");
        let bytes = std::fs::read(path).expect("the original is on disk");
        assert_eq!(
            format!("{:x}", Sha256::digest(&bytes)),
            image["sha256"].as_str().unwrap_or_default()
        );
    }
    out
}

#[tokio::test]
async fn a_sync_killed_at_any_step_carries_on_next_time() {
    for point in nanoforge_core::crash::SYNC_CRASH_POINTS
        .iter()
        .map(|p| p.name())
    {
        let (desk, laptop) = (Env::start().await, Env::start().await);
        let s3 = S3Server::start(desk.dir.path().join("s3")).await.unwrap();
        s3.create_bucket(BUCKET).await.unwrap();
        desk.run(&["generate", "two lamps", "--count", "2", "--json"])
            .await
            .assert_ok();
        let first = images(&desk).await;
        desk.run(&["favourite", &first[0].0]).await.assert_ok();
        // The laptop has been here before, so the desk's second sync also pulls something.
        laptop
            .run_command(with_sync(laptop.command(&["sync"]), &s3, None))
            .await
            .assert_ok();

        let mut crashed = 0;
        for env in [&desk, &laptop] {
            let killed = env
                .run_command(with_sync(env.command(&["sync"]), &s3, Some(point)))
                .await;
            if killed.code.is_none() {
                crashed += 1;
            }
            env.run_command(with_sync(env.command(&["sync"]), &s3, None))
                .await
                .assert_ok();
        }
        assert!(crashed >= 1, "{point}: no sync reached it");
        let want = images(&desk).await;
        assert_eq!(want.len(), 2);
        assert!(want.iter().any(|(_, _, fav)| *fav), "{point}");
        assert_eq!(images(&laptop).await, want, "{point}");

        let segments = std::fs::read_dir(s3.root().join(BUCKET).join("lib/ops"))
            .unwrap()
            .flatten()
            .map(|device| std::fs::read_dir(device.path()).unwrap().count())
            .sum::<usize>();
        assert_eq!(
            segments, 1,
            "{point}: the desk's changes in one segment, sent once"
        );
    }
}
