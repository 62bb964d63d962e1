//! `nanoforge sync`, `sync status` and `sync setup` as processes against a real S3 server: two
//! data folders share one library through the bucket, the JSON keeps its contract, and each
//! wrong location or missing keychain ends in exit 1 with words that say which.

use crate::support;

use std::process::Stdio;

use nanoforge_core::providers::{GenerationRequest, ImageSize, Model};
use s3_test_server::S3Server;
use serde_json::Value;
use support::{Env, images_of, keys};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const BUCKET: &str = "cli-sync";

/// `cmd` pointed at `s3` through the environment, as a headless machine would be.
fn with_sync(mut cmd: Command, s3: &S3Server, secret: &str) -> Command {
    cmd.env("NANOFORGE_SYNC_ENDPOINT", s3.endpoint())
        .env("NANOFORGE_SYNC_BUCKET", BUCKET)
        .env("NANOFORGE_SYNC_ACCESS_KEY_ID", s3.access_key())
        .env("NANOFORGE_SYNC_SECRET_ACCESS_KEY", secret)
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

#[tokio::test]
async fn two_data_folders_share_one_library_through_the_bucket() {
    let (desk, laptop) = (Env::start().await, Env::start().await);
    let s3 = s3(&desk.dir).await;
    let secret = s3.secret_key().to_owned();

    let status = laptop.run(&["sync", "status", "--json"]).await;
    status.assert_ok();
    assert_eq!(json(&status.stdout)["configured"], false);

    let made = desk.run(&["generate", "a brass owl", "--json"]).await;
    made.assert_ok();
    let job = made.json_lines().remove(0);
    let sha = images_of(&job)[0]["sha256"].clone();

    let pushed = desk
        .run_command(with_sync(desk.command(&["sync", "--json"]), &s3, &secret))
        .await;
    pushed.assert_ok();
    let pushed = json(&pushed.stdout);
    for key in [
        "uploaded_blobs",
        "downloaded_blobs",
        "ops_pushed",
        "ops_pulled",
        "duration_ms",
    ] {
        assert!(keys(&pushed).contains(&key.to_owned()), "{key} in {pushed}");
    }
    assert_eq!(
        pushed["uploaded_blobs"], 3,
        "original and two thumbnails: {pushed}"
    );
    assert_eq!(pushed["ops_pushed"], 2, "the job and its image: {pushed}");

    let pulled = laptop
        .run_command(with_sync(laptop.command(&["sync", "--json"]), &s3, &secret))
        .await;
    pulled.assert_ok();
    let pulled = json(&pulled.stdout);
    assert_eq!(
        (
            pulled["ops_pulled"].clone(),
            pulled["downloaded_blobs"].clone()
        ),
        (2.into(), 3.into()),
        "{pulled}"
    );
    let images = laptop.run(&["images", "--json"]).await;
    images.assert_ok();
    let images = json(&images.stdout);
    assert_eq!(images[0]["sha256"], sha, "{images}");
    assert_eq!(images[0]["prompt"], "a brass owl");

    let status = laptop
        .run_command(with_sync(
            laptop.command(&["sync", "status", "--json"]),
            &s3,
            &secret,
        ))
        .await;
    status.assert_ok();
    let status = json(&status.stdout);
    assert_eq!(status["configured"], true);
    assert_eq!(status["bucket"], BUCKET);
    assert_eq!(status["prefix"], "shared/");
    assert_eq!(status["pending_uploads"], 0);
    assert!(status["last_sync_ms"].as_f64().is_some(), "{status}");
    let devices = status["devices"].as_array().expect("devices");
    assert_eq!(devices.len(), 1, "the desk: {status}");
    assert_eq!(
        keys(&devices[0]),
        ["id", "last_seen_ms", "name", "platform"]
    );
}

#[tokio::test]
async fn each_wrong_location_says_which() {
    let env = Env::start().await;
    let s3 = s3(&env.dir).await;
    let fails = |run: support::Run| {
        assert_eq!(run.code, Some(1), "{run:?}");
        run.assert_one_line_failure()
    };

    let wrong_key = env
        .run_command(with_sync(env.command(&["sync"]), &s3, "wrong-secret"))
        .await;
    assert!(fails(wrong_key).contains("access key"));

    let mut cmd = with_sync(env.command(&["sync"]), &s3, s3.secret_key());
    cmd.env("NANOFORGE_SYNC_BUCKET", "no-such-bucket");
    assert!(fails(env.run_command(cmd).await).contains("bucket"));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut cmd = with_sync(env.command(&["sync"]), &s3, s3.secret_key());
    cmd.env(
        "NANOFORGE_SYNC_ENDPOINT",
        format!("http://{}", closed.local_addr().unwrap()),
    );
    drop(closed);
    assert!(fails(env.run_command(cmd).await).contains("cannot be reached"));

    let not_set_up = env.run(&["sync"]).await;
    assert!(fails(not_set_up).contains("not set up"));
}

#[tokio::test]
async fn setup_checks_the_bucket_and_without_a_keychain_names_the_variable() {
    let env = Env::start().await;
    let s3 = s3(&env.dir).await;
    let setup = |secret: &'static str, bucket: &'static str| {
        let mut cmd = env.command(&[
            "sync",
            "setup",
            "--endpoint",
            s3.endpoint(),
            "--bucket",
            bucket,
            "--access-key-id",
            s3.access_key(),
        ]);
        cmd.stdin(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        async move {
            stdin.write_all(secret.as_bytes()).await.unwrap();
            drop(stdin);
            support::Run::from(child.wait_with_output().await.unwrap())
        }
    };
    // A wrong bucket is caught before anything is saved.
    let wrong = setup("nanoforge-test-secret\n", "no-such-bucket").await;
    assert_eq!(wrong.code, Some(1), "{wrong:?}");
    assert!(wrong.assert_one_line_failure().contains("bucket"));
    // The right one, but this machine has no keychain for the secret.
    let no_keychain = setup("nanoforge-test-secret\n", BUCKET).await;
    assert_eq!(no_keychain.code, Some(1), "{no_keychain:?}");
    assert!(
        no_keychain
            .assert_one_line_failure()
            .contains("NANOFORGE_SYNC_SECRET_ACCESS_KEY")
    );
    let status = env.run(&["sync", "status", "--json"]).await;
    assert_eq!(
        json(&status.stdout)["configured"],
        false,
        "nothing was saved"
    );
}

#[tokio::test]
async fn a_local_image_goes_to_nano_banana_through_the_bucket() {
    let env = Env::start().await;
    let s3 = s3(&env.dir).await;
    let input = env.dir.path().join("sketch.png");
    let mut req = GenerationRequest::new("an input", Model::Demo);
    req.size = ImageSize::S512;
    let png = nanoforge_core::providers::demo::render_png(&req, 7).expect("demo png");
    std::fs::write(&input, png).unwrap();
    let args = [
        "generate",
        "recolour it",
        "--image",
        input.to_str().unwrap(),
        "--json",
    ];

    let refused = env.run(&args).await;
    assert_eq!(refused.code, Some(1));
    assert!(refused.assert_one_line_failure().contains("set up sync"));
    assert_eq!(env.server.submit_count(), 0);

    let run = env
        .run_command(with_sync(env.command(&args), &s3, s3.secret_key()))
        .await;
    run.assert_ok();
    assert_eq!(run.json_lines()[0]["status"], "COMPLETED", "{}", run.stdout);
    let submitted: Vec<String> = env
        .server
        .requests()
        .into_iter()
        .filter_map(|r| r.body)
        .filter_map(|b| b["imageUrls"].as_array().cloned())
        .flatten()
        .filter_map(|u| u.as_str().map(str::to_owned))
        .collect();
    assert_eq!(submitted.len(), 1, "{submitted:?}");
    assert!(submitted[0].contains("X-Amz-Signature="), "{submitted:?}");
}
