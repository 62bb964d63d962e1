//! `nanoforge generate` with Gemini, as a process against the fake `generateContent`
//! (tests/fake-gemini): the provider and its default model, `--image` as a local file or a URL,
//! and the refusal of a local file for Nano Banana before anything is sent.

use crate::support;

use fake_gemini::FakeGemini;
use nanoforge_core::catalog::{ImageSize, Model};
use nanoforge_core::providers::GenerationRequest;
use support::{Env, images_of};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

struct GeminiEnv {
    env: Env,
    gemini: FakeGemini,
}

impl GeminiEnv {
    async fn start() -> GeminiEnv {
        GeminiEnv {
            env: Env::start().await,
            gemini: FakeGemini::start().await.expect("start fake gemini"),
        }
    }

    /// Both keys set, like a user with both accounts.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.env.command(args);
        cmd.env("GEMINI_BASE_URL", self.gemini.base_url())
            .env("GEMINI_API_KEY", self.gemini.api_key());
        cmd
    }

    async fn run(&self, args: &[&str]) -> support::Run {
        self.env.run_command(self.command(args)).await
    }
}

fn png() -> Vec<u8> {
    let mut req = GenerationRequest::new("an input", Model::Demo);
    req.size = ImageSize::S512;
    nanoforge_core::providers::demo::render_png(&req, 7).expect("demo png")
}

/// Serves `body` as `image/png` to every GET on a loopback port; returns its URL.
async fn serve_png(body: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/input.png", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_file_goes_to_gemini_inline_with_its_default_model() {
    let t = GeminiEnv::start().await;
    let file = t.env.dir.path().join("sketch.png");
    std::fs::write(&file, png()).expect("write input");
    let path = file.to_str().expect("utf-8 path");
    let run = t
        .run(&[
            "generate",
            "colour it in",
            "--provider",
            "gemini",
            "--image",
            path,
            "--json",
        ])
        .await;
    run.assert_ok();
    let job = &run.json_lines()[0];
    assert_eq!(job["provider"], "gemini");
    assert_eq!(job["model"], "gemini-3.1-flash-image");
    assert_eq!(images_of(job).len(), 1);
    assert!(job["cost"].as_f64().is_some_and(|c| c > 0.0), "{job}");
    let sent = t
        .gemini
        .last_generate()
        .expect("a call")
        .payload
        .expect("JSON");
    assert_eq!(sent.inline_images.len(), 1);
    assert_eq!(sent.inline_images[0].bytes, Some(png().len()));
    assert_eq!(
        t.env.server.submit_count(),
        0,
        "nothing went to Nano Banana"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_is_fetched_for_gemini_and_passed_as_is_to_nano_banana() {
    let t = GeminiEnv::start().await;
    let url = serve_png(png()).await;
    let run = t
        .run(&[
            "generate",
            "in watercolour",
            "--model",
            "gemini-2.5-flash-image",
            "--image",
            &url,
            "--json",
        ])
        .await;
    run.assert_ok();
    assert_eq!(
        run.json_lines()[0]["provider"],
        "gemini",
        "the model picks its provider"
    );
    let sent = t
        .gemini
        .last_generate()
        .expect("a call")
        .payload
        .expect("JSON");
    assert_eq!(sent.inline_images[0].bytes, Some(png().len()));

    // Nano Banana fetches URLs itself: it gets the URL as it is, and nothing is fetched here.
    let run = t
        .run(&[
            "generate",
            "in watercolour",
            "--provider",
            "nanobanana",
            "--image",
            &url,
            "--json",
        ])
        .await;
    run.assert_ok();
    let submit = t
        .env
        .server
        .requests()
        .into_iter()
        .find(|r| r.endpoint.is_submit())
        .and_then(|r| r.body)
        .expect("a submit with a body");
    assert_eq!(submit["imageUrls"], serde_json::json!([url]), "{submit}");
    assert_eq!(t.gemini.generate_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_file_for_nano_banana_needs_sync_and_nothing_is_sent() {
    let t = GeminiEnv::start().await;
    let file = t.env.dir.path().join("photo.png");
    std::fs::write(&file, png()).expect("write input");
    let path = file.to_str().expect("utf-8 path");
    let run = t
        .run(&[
            "generate",
            "a cat",
            "--provider",
            "nanobanana",
            "--image",
            path,
        ])
        .await;
    let line = run.assert_one_line_failure();
    assert_eq!(run.code, Some(1));
    assert!(line.contains("set up sync"), "{line}");
    assert_eq!(t.env.server.submit_count(), 0);
    assert_eq!(t.gemini.generate_count(), 0);
    assert!(t.env.jobs().await.is_empty(), "no job was recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_only_a_gemini_key_gemini_is_the_default() {
    let t = GeminiEnv::start().await;
    let mut cmd = t.command(&["generate", "a fox", "--size", "512", "--json"]);
    cmd.env_remove("NANOBANANA_API_KEY");
    let run = t.env.run_command(cmd).await;
    run.assert_ok();
    let job = &run.json_lines()[0];
    assert_eq!(
        (job["provider"].as_str(), job["model"].as_str()),
        (Some("gemini"), Some("gemini-3.1-flash-image"))
    );
    let image = &images_of(job)[0];
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(512), Some(512))
    );
    assert_eq!(
        t.gemini
            .last_generate()
            .and_then(|r| r.payload)
            .and_then(|p| p.image_size)
            .as_deref(),
        Some("512")
    );
}
