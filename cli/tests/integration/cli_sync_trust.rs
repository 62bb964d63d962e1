//! `nanoforge sync` and what it may not do without asking: another device's delete-forever of most
//! of the library ends in exit 2 naming the device and the count, until `sync --yes`; and a
//! bucket library of another account is refused (exit 1), also when the `NANOFORGE_SYNC_*`
//! variables point the profile the command runs for at it.

use crate::support;

use nanoforge_core::accounts::{Profile, ProfileKind, ProfileRegistry, account_profile_id};
use s3_test_server::S3Server;
use serde_json::Value;
use support::Env;
use tokio::process::Command;

const BUCKET: &str = "cli-trust";

fn with_sync(mut cmd: Command, s3: &S3Server) -> Command {
    cmd.env("NANOFORGE_SYNC_ENDPOINT", s3.endpoint())
        .env("NANOFORGE_SYNC_BUCKET", BUCKET)
        .env("NANOFORGE_SYNC_ACCESS_KEY_ID", s3.access_key())
        .env("NANOFORGE_SYNC_SECRET_ACCESS_KEY", s3.secret_key())
        .env("NANOFORGE_SYNC_PREFIX", "shared/");
    cmd
}

async fn s3(dir: &tempfile::TempDir) -> S3Server {
    let s3 = S3Server::start(dir.path().join("s3")).await.unwrap();
    s3.create_bucket(BUCKET).await.unwrap();
    s3
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

async fn image_ids(env: &Env) -> Vec<String> {
    let run = env.run(&["images", "--json", "--limit", "100"]).await;
    run.assert_ok();
    json(&run.stdout)
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_mass_delete_from_another_device_exits_2_until_sync_yes() {
    let (desk, laptop) = (Env::start().await, Env::start().await);
    let s3 = s3(&desk.dir).await;
    let sync = |env: &Env, args: &[&str]| {
        let mut all = vec!["sync"];
        all.extend_from_slice(args);
        with_sync(env.command(&all), &s3)
    };
    for prompt in ["a red kite", "a green kite", "a blue kite"] {
        desk.run(&["generate", prompt, "--count", "4"])
            .await
            .assert_ok();
    }
    desk.run_command(sync(&desk, &[])).await.assert_ok();
    laptop.run_command(sync(&laptop, &[])).await.assert_ok();
    let ids = image_ids(&laptop).await;
    assert_eq!(ids.len(), 12);

    let mut purge = vec!["purge", "--yes"];
    purge.extend(ids[..11].iter().map(String::as_str));
    desk.run(&purge).await.assert_ok();
    desk.run_command(sync(&desk, &[])).await.assert_ok();

    let asked = laptop.run_command(sync(&laptop, &[])).await;
    assert_eq!(asked.code, Some(2), "{asked:?}");
    let line = asked.assert_one_line_failure();
    assert!(line.starts_with("nanoforge: Device "), "{line}");
    assert!(
        line.ends_with(" deleted 11 of 12 images forever — run `nanoforge sync --yes` to apply"),
        "{line}"
    );
    assert!(
        asked.stdout.starts_with("Synced in "),
        "the rest applied: {}",
        asked.stdout
    );
    assert_eq!(image_ids(&laptop).await.len(), 12, "nothing deleted yet");

    let again = laptop.run_command(sync(&laptop, &["--json"])).await;
    assert_eq!(again.code, Some(2), "{again:?}");
    let report = json(&again.stdout);
    assert_eq!(report["pending_deletions"]["count"], 11, "{report}");
    assert_eq!(report["pending_deletions"]["library_size"], 12, "{report}");
    assert_eq!(
        report["pending_deletions"]["devices"][0]["count"], 11,
        "{report}"
    );
    let status = laptop
        .run_command(sync(&laptop, &["status", "--json"]))
        .await;
    status.assert_ok();
    assert_eq!(json(&status.stdout)["pending_deletions"]["count"], 11);

    let confirmed = laptop
        .run_command(sync(&laptop, &["--yes", "--json"]))
        .await;
    confirmed.assert_ok();
    let report = json(&confirmed.stdout);
    assert_eq!(report["deletions_applied"], 11, "{report}");
    assert_eq!(report["pending_deletions"], Value::Null, "{report}");
    assert_eq!(image_ids(&laptop).await, image_ids(&desk).await);
    laptop.run_command(sync(&laptop, &[])).await.assert_ok();
}

#[tokio::test]
async fn another_accounts_library_is_refused_even_through_the_variables() {
    let env = Env::start().await;
    let s3 = s3(&env.dir).await;
    let registry = ProfileRegistry::new(env.dir.path());
    let mut ids = Vec::new();
    for name in ["alice", "bob"] {
        let id = account_profile_id("https://issuer.test", name);
        let mut p = Profile::new(&id, ProfileKind::Google);
        p.issuer = Some("https://issuer.test".into());
        p.subject = Some(name.into());
        registry.upsert_account(p).unwrap();
        ids.push(id);
    }
    let as_profile = |id: &str, args: &[&str]| {
        let mut all = vec!["--profile", id];
        all.extend_from_slice(args);
        with_sync(env.command(&all), &s3)
    };
    env.run_command(as_profile(&ids[0], &["generate", "alice's lighthouse"]))
        .await
        .assert_ok();
    env.run_command(as_profile(&ids[0], &["sync"]))
        .await
        .assert_ok();

    env.run_command(as_profile(&ids[1], &["generate", "bob's windmill"]))
        .await
        .assert_ok();
    let refused = env.run_command(as_profile(&ids[1], &["sync"])).await;
    assert_eq!(refused.code, Some(1), "{refused:?}");
    let line = refused.assert_one_line_failure();
    assert!(line.contains("belongs to another account"), "{line}");
    assert!(line.ends_with("[sync_other_account]"), "{line}");
    // Bob's library is still his own only.
    let images = env
        .run_command(as_profile(&ids[1], &["images", "--json"]))
        .await;
    images.assert_ok();
    let images = json(&images.stdout);
    assert_eq!(images.as_array().unwrap().len(), 1, "{images}");
    assert_eq!(images[0]["prompt"], "bob's windmill");
}
