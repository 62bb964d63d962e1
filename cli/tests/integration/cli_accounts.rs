//! `nanoforge account …` and `--profile`, driving the real binary against a real OpenID provider
//! process on 127.0.0.1, with the test playing the browser (see `shared/notes/cli.md`).

use crate::oidc_support;
use crate::support;

use serde_json::Value;
use support::{Env, Run};
use tokio::io::{AsyncBufReadExt, AsyncReadExt};

fn with_provider(
    env: &Env,
    provider: &oidc_support::Provider,
    args: &[&str],
) -> tokio::process::Command {
    let mut cmd = env.command(args);
    cmd.env("NANOFORGE_OIDC_ISSUER", &provider.issuer)
        .env("NANOFORGE_OIDC_CLIENT_ID", oidc_support::CLIENT_ID)
        .env("NANOFORGE_OIDC_CLIENT_SECRET", oidc_support::CLIENT_SECRET);
    cmd
}

/// `account login --no-browser --json`: reads the URL from the first stdout line, plays the browser
/// with `knobs`, and returns the finished run.
async fn login(env: &Env, provider: &oidc_support::Provider, knobs: &[(&str, &str)]) -> Run {
    let cmd = with_provider(
        env,
        provider,
        &[
            "account",
            "login",
            "--no-browser",
            "--json",
            "--timeout",
            "20",
        ],
    );
    login_with(cmd, provider, knobs).await.0
}

/// Runs a prepared `account login` command, playing the browser with `knobs`; also returns the
/// sign-in URL it printed.
async fn login_with(
    mut cmd: tokio::process::Command,
    provider: &oidc_support::Provider,
    knobs: &[(&str, &str)],
) -> (Run, String) {
    let mut child = cmd.spawn().expect("start nanoforge");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(stdout);
    let mut url = String::new();
    lines.read_line(&mut url).await.expect("the URL line");
    assert!(
        url.starts_with(&provider.issuer),
        "the first stdout line is the URL: {url}"
    );
    oidc_support::browse(url.trim(), knobs).await;
    let mut rest = String::new();
    lines
        .read_to_string(&mut rest)
        .await
        .expect("the rest of stdout");
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut stderr).await.expect("stderr");
    }
    let status = child.wait().await.expect("wait");
    let run = Run {
        code: status.code(),
        stdout: rest,
        stderr,
    };
    (run, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_list_use_logout_and_remove() {
    let Some(provider) = oidc_support::start().await else {
        return;
    };
    let env = Env::start().await;

    let run = login(
        &env,
        &provider,
        &[("nf_sub", "alice"), ("nf_name", "Alice")],
    )
    .await;
    run.assert_ok();
    let alice: Value = serde_json::from_str(run.stdout.trim()).expect("one JSON object");
    let id = alice["profile_id"].as_str().unwrap().to_owned();
    assert_eq!(alice["kind"], "google");
    assert_eq!(alice["email"], "alice@example.test");
    assert_eq!(alice["subject"], "alice");
    assert_eq!(alice["issuer"], provider.issuer.as_str());

    // The account is current for later commands; `local` is always listed.
    let listed = env.run(&["account", "list", "--json"]).await;
    listed.assert_ok();
    let list: Vec<Value> = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        (list[0]["profile_id"].as_str(), list[0]["email"].is_null()),
        (Some("local"), true)
    );
    assert_eq!(list[1]["profile_id"], id.as_str());
    assert_eq!(list[1]["current"], true);
    let info: Value = serde_json::from_str(&env.run(&["info", "--json"]).await.stdout).unwrap();
    assert_eq!(info["profile_id"], id.as_str());

    // A job made in the account's library is not in the local one, unless asked by --profile.
    env.run(&["generate", "alice's kite", "--provider", "demo"])
        .await
        .assert_ok();
    let local = env.run(&["--profile", "local", "list", "--json"]).await;
    assert_eq!(
        serde_json::from_str::<Vec<Value>>(&local.stdout)
            .unwrap()
            .len(),
        0
    );
    let mut cmd = env.command(&["list", "--json"]);
    cmd.env("NANOFORGE_PROFILE", &id);
    let hers = env.run_command(cmd).await;
    assert_eq!(
        serde_json::from_str::<Vec<Value>>(&hers.stdout)
            .unwrap()
            .len(),
        1
    );

    // An unknown profile is an error (exit 1) and creates nothing.
    let unknown = env.run(&["--profile", "g-nobody", "list"]).await;
    assert_eq!(unknown.code, Some(1));
    assert!(!env.dir.path().join("profiles/g-nobody").exists());

    env.run(&["account", "logout"]).await.assert_ok();
    let info: Value = serde_json::from_str(&env.run(&["info", "--json"]).await.stdout).unwrap();
    assert_eq!(info["profile_id"], "local");
    env.run(&["account", "use", &id]).await.assert_ok();
    let info: Value = serde_json::from_str(&env.run(&["info", "--json"]).await.stdout).unwrap();
    assert_eq!(info["profile_id"], id.as_str());

    // Removing asks first (exit 2), then deletes the folder and makes local current.
    let unconfirmed = env.run(&["account", "remove", &id]).await;
    assert_eq!(unconfirmed.code, Some(2), "{}", unconfirmed.stderr);
    assert!(env.dir.path().join("profiles").join(&id).exists());
    env.run(&["account", "remove", &id, "--yes"])
        .await
        .assert_ok();
    assert!(!env.dir.path().join("profiles").join(&id).exists());
    let list: Vec<Value> =
        serde_json::from_str(&env.run(&["account", "list", "--json"]).await.stdout).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["current"], true);
    let local_again = env.run(&["account", "remove", "local", "--yes"]).await;
    assert_eq!(local_again.code, Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_sign_in_exits_1_and_creates_nothing() {
    let Some(provider) = oidc_support::start().await else {
        return;
    };
    let env = Env::start().await;
    let run = login(&env, &provider, &[("nf_deny", "1")]).await;
    assert_eq!(run.code, Some(1));
    // Notices may precede it; the failure is one last line.
    let line = run
        .stderr
        .trim_end()
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    assert!(
        line.starts_with("nanoforge: ") && line.contains("declined"),
        "{line}"
    );
    assert!(
        run.stdout.trim().is_empty(),
        "only the URL went to stdout: {}",
        run.stdout
    );
    let list: Vec<Value> =
        serde_json::from_str(&env.run(&["account", "list", "--json"]).await.stdout).unwrap();
    assert_eq!(list.len(), 1, "nothing was created");

    // No client configured in this build: the command says how to configure one.
    let mut cmd = env.command(&["account", "login", "--no-browser"]);
    cmd.env("NANOFORGE_OIDC_ISSUER", &provider.issuer)
        .env_remove("NANOFORGE_OIDC_CLIENT_ID");
    let unconfigured = env.run_command(cmd).await;
    assert_eq!(unconfigured.code, Some(1));
    assert!(
        unconfigured.stderr.contains("NANOFORGE_OIDC_CLIENT_ID"),
        "{}",
        unconfigured.stderr
    );
}

/// `account client …`: a build with no compiled-in client signs in once the id is set on the
/// device (the secret from the environment: precedence is per field); no keychain is a one-line
/// error naming the variable; `show --json` never prints the secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_client_set_show_login_and_clear() {
    let Some(provider) = oidc_support::start().await else {
        return;
    };
    let env = Env::start().await;
    let show = |env: &Env, extra: &[(&str, &str)]| {
        let mut cmd = env.command(&["account", "client", "show", "--json"]);
        for (k, v) in extra {
            cmd.env(k, v);
        }
        cmd
    };
    let run = env.run_command(show(&env, &[])).await;
    run.assert_ok();
    let none: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(support::keys(&none), ["client_id", "has_secret", "source"]);
    assert_eq!(
        (&none["client_id"], &none["source"], &none["has_secret"]),
        (&Value::Null, &Value::Null, &Value::Bool(false))
    );

    // With a secret but no reachable keychain: refused whole, naming the variable.
    let mut cmd = env.command(&["account", "client", "set", oidc_support::CLIENT_ID]);
    cmd.stdin(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        use tokio::io::AsyncWriteExt;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(format!("{}\n", oidc_support::CLIENT_SECRET).as_bytes())
            .await
            .unwrap();
    }
    let refused = support::Run::from(child.wait_with_output().await.unwrap());
    assert_eq!(refused.code, Some(1), "{refused:?}");
    assert!(
        refused
            .assert_one_line_failure()
            .contains("NANOFORGE_OIDC_CLIENT_SECRET"),
        "{refused:?}"
    );
    let run = env.run_command(show(&env, &[])).await;
    let still: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(still["client_id"], Value::Null, "nothing was saved");

    // The id alone (stdin empty); the secret comes from the environment.
    env.run(&["account", "client", "set", oidc_support::CLIENT_ID])
        .await
        .assert_ok();
    let with_secret = [("NANOFORGE_OIDC_CLIENT_SECRET", oidc_support::CLIENT_SECRET)];
    let run = env.run_command(show(&env, &with_secret)).await;
    let set: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(set["client_id"], oidc_support::CLIENT_ID);
    assert_eq!(set["source"], "settings");
    assert_eq!(set["has_secret"], true);
    assert!(!run.stdout.contains(oidc_support::CLIENT_SECRET));
    let from_env = [("NANOFORGE_OIDC_CLIENT_ID", "from-env")];
    let run = env.run_command(show(&env, &from_env)).await;
    let env_wins: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (&env_wins["client_id"], &env_wins["source"]),
        (&Value::from("from-env"), &Value::from("environment"))
    );

    let mut cmd = env.command(&[
        "account",
        "login",
        "--no-browser",
        "--json",
        "--timeout",
        "20",
    ]);
    cmd.env("NANOFORGE_OIDC_ISSUER", &provider.issuer)
        .env("NANOFORGE_OIDC_CLIENT_SECRET", oidc_support::CLIENT_SECRET)
        .env_remove("NANOFORGE_OIDC_CLIENT_ID");
    let (run, url) = login_with(cmd, &provider, &[("nf_sub", "own")]).await;
    assert!(url.contains("client_id=nanoforge-test"), "{url}");
    run.assert_ok();
    let signed_in: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(signed_in["subject"], "own");

    env.run(&["account", "client", "clear"]).await.assert_ok();
    let run = env.run_command(show(&env, &[])).await;
    let cleared: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(cleared["client_id"], Value::Null);
}
