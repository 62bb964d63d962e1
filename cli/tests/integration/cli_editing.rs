//! `edit`, `upscale`, `refs`, `tree` and `generate --ref` through the real binary, against the
//! fake Gemini (which checks the replayed signatures).

use crate::support::{self, Env, images_of, keys};

use fake_gemini::FakeGemini;
use serde_json::Value;

struct Studio {
    env: Env,
    gemini: FakeGemini,
}

impl Studio {
    async fn start() -> Studio {
        Studio {
            env: Env::start().await,
            gemini: FakeGemini::start().await.expect("start fake gemini"),
        }
    }

    async fn run(&self, args: &[&str]) -> support::Run {
        let mut cmd = self.env.command(args);
        cmd.env("GEMINI_BASE_URL", self.gemini.base_url())
            .env("GEMINI_API_KEY", self.gemini.api_key());
        self.env.run_command(cmd).await
    }

    /// Runs a command that prints one job and returns it (completed).
    async fn job(&self, args: &[&str]) -> Value {
        let run = self.run(args).await;
        run.assert_ok();
        let job = run.json_lines().remove(0);
        assert_eq!(job["status"], "COMPLETED", "{job}");
        job
    }
}

fn image_id(job: &Value) -> String {
    images_of(job)[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_continues_the_conversation_and_tree_shows_it() {
    let s = Studio::start().await;
    let first = s
        .job(&[
            "generate",
            "a lighthouse",
            "--provider",
            "gemini",
            "--model",
            "gemini-3-pro-image",
            "--json",
        ])
        .await;
    let image1 = image_id(&first);
    let edited = s
        .job(&["edit", &image1, "make the sky stormy", "--json"])
        .await;
    assert_eq!(edited["parent_image_id"], image1.as_str());
    let sent = s.gemini.last_generate().unwrap();
    assert_eq!(sent.status, Some(200));
    assert_eq!(
        sent.payload.unwrap().turns.len(),
        3,
        "the first exchange replayed"
    );

    let tree = s.run(&["tree", &image_id(&edited), "--json"]).await;
    tree.assert_ok();
    let tree: Value = serde_json::from_str(&tree.stdout).unwrap();
    assert_eq!(
        keys(&tree),
        ["children", "cost", "image_id", "job_id", "prompt"]
    );
    assert_eq!(tree["image_id"], image1.as_str());
    assert_eq!(tree["children"][0]["job_id"], edited["id"]);
    assert!(
        tree["children"][0]["cost"]
            .as_f64()
            .is_some_and(|c| c > 0.0)
    );

    // --fresh starts a new conversation with the image in the user turn.
    s.job(&["edit", &image1, "at night", "--fresh", "--json"])
        .await;
    assert_eq!(
        s.gemini
            .last_generate()
            .unwrap()
            .payload
            .unwrap()
            .turns
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_upscale_and_a_masked_edit() {
    let s = Studio::start().await;
    let first = s
        .job(&["generate", "a portrait", "--provider", "gemini", "--json"])
        .await;
    let portrait = images_of(&first)[0].clone();
    let path = portrait["path"].as_str().unwrap_or_default().to_owned();

    s.run(&["refs", "add", "Mira", &path]).await.assert_ok();
    let listed = s.run(&["refs", "list", "--json"]).await;
    listed.assert_ok();
    let refs: Vec<Value> = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(refs.len(), 1);
    assert_eq!(keys(&refs[0]), ["image_id", "name", "path", "sha256"]);
    assert_eq!(refs[0]["sha256"], portrait["sha256"], "kept byte for byte");

    s.job(&[
        "generate",
        "Mira at the beach",
        "--provider",
        "gemini",
        "--ref",
        "Mira",
        "--json",
    ])
    .await;
    let user = &s.gemini.last_generate().unwrap().payload.unwrap().turns[0];
    assert_eq!(user.parts[0].text.as_deref(), Some("Reference 'Mira':"));
    assert_eq!(
        user.parts[1].sha256.as_ref(),
        portrait["sha256"].as_str().map(str::to_owned).as_ref()
    );
    s.run(&["refs", "remove", "Mira"]).await.assert_ok();
    assert_eq!(
        s.run(&["generate", "again", "--ref", "Mira"]).await.code,
        Some(1)
    );

    let id = portrait["id"].as_str().unwrap_or_default();
    let big = s.job(&["upscale", id, "--size", "4K", "--json"]).await;
    assert_eq!(images_of(&big)[0]["width"], 4096);
    assert_eq!(
        s.run(&["upscale", id, "--size", "huge"]).await.code,
        Some(1)
    );

    // A mask: the upper-left quarter, white = change.
    let (w, h) = (
        portrait["width"].as_u64().unwrap_or(0) as u32,
        portrait["height"].as_u64().unwrap_or(0) as u32,
    );
    let mask = image::GrayImage::from_fn(w, h, |x, y| {
        image::Luma([if x < w / 4 && y < h / 4 { 255 } else { 0 }])
    });
    let mask_path = s.env.dir.path().join("mask.png");
    mask.save(&mask_path).unwrap();
    let masked = s
        .job(&[
            "edit",
            id,
            "add a hat",
            "--mask",
            mask_path.to_str().unwrap_or_default(),
            "--json",
        ])
        .await;
    assert_eq!(images_of(&masked)[0]["width"].as_u64(), Some(u64::from(w)));
    let empty = image::GrayImage::new(w, h);
    empty.save(&mask_path).unwrap();
    let refused = s
        .run(&[
            "edit",
            id,
            "nothing",
            "--mask",
            mask_path.to_str().unwrap_or_default(),
        ])
        .await;
    let line = refused.assert_one_line_failure();
    assert!(line.contains("mask is empty"), "{line}");
}
