//! The binary: prints its endpoint as the first stdout line, creates `--bucket`, and serves the SDK
//! with the keys it was given.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::{app_config, client_with, status_and_code};

/// Kills the child when the test ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_prints_its_endpoint_and_serves_with_the_given_keys() {
    let root = tempfile::tempdir().expect("temp dir");
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_s3-test-server"))
            .args([
                "--port",
                "0",
                "--access-key",
                "cli-key",
                "--secret-key",
                "cli-secret",
            ])
            .args(["--bucket", "photos", "--root"])
            .arg(root.path().join("store"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let first = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .expect("join")
    .expect("first line");
    let endpoint = first.trim();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint:?}");

    let c = client_with(app_config(endpoint, "cli-key", "cli-secret"));
    c.put_object()
        .bucket("photos")
        .key("a")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"x"))
        .send()
        .await
        .expect("put");
    let listed = c
        .list_objects_v2()
        .bucket("photos")
        .send()
        .await
        .expect("list");
    assert_eq!(listed.key_count(), Some(1));
    assert!(root.path().join("store/photos/a").is_file());

    let wrong = client_with(app_config(endpoint, "cli-key", "other-secret"));
    let err = wrong
        .list_objects_v2()
        .bucket("photos")
        .send()
        .await
        .expect_err("bad secret");
    assert_eq!(
        status_and_code(&err).1.as_deref(),
        Some("SignatureDoesNotMatch")
    );
}
