//! A real OpenID provider process for the sign-in tests (`tests/oidc-provider`, npm
//! oauth2-mock-server behind our rules), and a test client playing the browser.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;

use tokio::io::AsyncBufReadExt;

pub const CLIENT_ID: &str = "nanoforge-test";
pub const CLIENT_SECRET: &str = "nanoforge-test-secret";

/// A running provider; killed when dropped.
pub struct Provider {
    pub issuer: String,
    _child: tokio::process::Child,
}

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/oidc-provider")
}

/// Starts the provider, or returns `None` (with a note) where Node or its packages are missing;
/// under `CI=true` a missing provider fails the test instead.
pub async fn start() -> Option<Provider> {
    let dir = provider_dir();
    let ready = dir.join("node_modules/oauth2-mock-server").is_dir();
    if !ready {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but tests/oidc-provider has no node_modules (scripts/setup.sh test installs it)"
        );
        eprintln!("note: sign-in test skipped; run `npm ci` in tests/oidc-provider");
        return None;
    }
    let mut child = tokio::process::Command::new("node")
        .arg(dir.join("server.mjs"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start node tests/oidc-provider/server.mjs");
    let stdout = child.stdout.take().expect("stdout");
    let issuer = tokio::io::BufReader::new(stdout)
        .lines()
        .next_line()
        .await
        .expect("read the issuer")
        .expect("the provider printed its issuer");
    Some(Provider {
        issuer,
        _child: child,
    })
}

impl Provider {
    pub fn config(&self) -> nanoforge_core::accounts::OidcConfig {
        nanoforge_core::accounts::OidcConfig {
            issuer: self.issuer.clone(),
            client_id: Some(CLIENT_ID.into()),
            client_secret: Some(CLIENT_SECRET.into()),
            ..Default::default()
        }
    }

    /// Counts of discovery, JWKS, authorize and token calls.
    pub async fn requests(&self) -> serde_json::Value {
        reqwest::get(format!("{}/__control/requests", self.issuer))
            .await
            .expect("control")
            .json()
            .await
            .expect("json")
    }
}

/// Plays the browser: opens `url` with the provider's knobs added (e.g. `nf_sub=alice`), and
/// follows the provider's redirect to the app's loopback receiver. Returns the receiver's status.
pub async fn browse(url: &str, knobs: &[(&str, &str)]) -> u16 {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut url = reqwest::Url::parse(url).expect("authorization URL");
    for (k, v) in knobs {
        url.query_pairs_mut().append_pair(k, v);
    }
    let answer = client.get(url).send().await.expect("authorize");
    assert_eq!(
        answer.status().as_u16(),
        302,
        "the provider redirects at once"
    );
    let location = answer
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location")
        .to_owned();
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    client
        .get(location)
        .send()
        .await
        .expect("the loopback receiver answers")
        .status()
        .as_u16()
}
