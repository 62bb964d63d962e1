//! Runs the real `nanoforge` binary against a fake Nano Banana server started in the test process
//! (a real HTTP server on 127.0.0.1) and a library in a temp folder.

#![allow(dead_code)]

use std::process::{Output, Stdio};
use std::time::Duration;

use fake_nanobanana::FakeServer;
use serde_json::Value;
use tokio::process::{Child, Command};
use tokio::time::Instant;

pub const BIN: &str = env!("CARGO_BIN_EXE_nanoforge");
/// Bound for anything a test waits on; a healthy run takes a fraction of it.
pub const PATIENCE: Duration = Duration::from_secs(120);

pub struct Env {
    pub server: FakeServer,
    pub dir: tempfile::TempDir,
}

impl Env {
    pub async fn start() -> Env {
        Env {
            server: FakeServer::start().await.expect("start the fake server"),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// `nanoforge <args>` with the fake's URL and key, fast polling, short leases, and a keychain
    /// that cannot be reached.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("NANOFORGE_DATA_DIR", self.dir.path())
            .env("NANOBANANA_BASE_URL", self.server.base_url())
            .env("NANOBANANA_API_KEY", self.server.api_key())
            .env("NANOFORGE_POLL_INTERVAL_MS", "30")
            .env("NANOFORGE_LEASE_TTL_MS", "1500")
            .env("NANOFORGE_DEMO_LATENCY_MS", "0")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/nanoforge-test-bus",
            )
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    pub async fn run(&self, args: &[&str]) -> Run {
        self.run_command(self.command(args)).await
    }

    pub async fn run_command(&self, mut cmd: Command) -> Run {
        let output = tokio::time::timeout(PATIENCE, cmd.output())
            .await
            .expect("nanoforge did not finish in time")
            .expect("run nanoforge");
        Run::from(output)
    }

    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args).spawn().expect("start nanoforge")
    }

    /// Every job in the library, as `list --json` prints them.
    pub async fn jobs(&self) -> Vec<Value> {
        let run = self.run(&["list", "--json", "--limit", "500"]).await;
        run.assert_ok();
        match serde_json::from_str(&run.stdout) {
            Ok(Value::Array(jobs)) => jobs,
            other => panic!("list --json is not an array: {other:?}"),
        }
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn assert_ok(&self) {
        assert_eq!(
            self.code,
            Some(0),
            "nanoforge failed\nstdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
    }

    /// Non-zero, and exactly one line on stderr.
    pub fn assert_one_line_failure(&self) -> String {
        assert_ne!(self.code, Some(0), "expected a failure: {}", self.stdout);
        assert!(self.code.is_some(), "killed by a signal");
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(lines.len(), 1, "one stderr line: {:?}", self.stderr);
        assert!(lines[0].starts_with("nanoforge: "), "{}", lines[0]);
        lines[0].to_owned()
    }

    /// The JSON objects printed one per line.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

/// Waits (checking every 10 ms) until `check` holds; panics with `what` after [`PATIENCE`].
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The keys of a JSON object, sorted.
pub fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

pub fn images_of(job: &Value) -> Vec<Value> {
    job["images"].as_array().cloned().unwrap_or_default()
}
