//! Editing performance, as budgets and ratios measured in one run (see BENCHMARKS.md):
//! - `baseline/api_call_turn_11`: the API call alone: the same-sized `generateContent` body (ten
//!   earlier turns with their 1K images, base64) posted to the fake Gemini on loopback, which
//!   renders and returns a 1K image;
//! - `edit/turn_11`: `Session::edit` of the tenth image through to the stored result (load the
//!   chain, build and encode the request, the same API call, stage, store, commit); our own time
//!   is this minus the baseline, target ≤ 50 ms;
//! - `baseline/png_encode_4k` and `masked/composite_4k`: a masked composite of a 4096×4096 image
//!   (align, feather, seam, blend, lossless encode with its check), target ≤ 300 ms; the plain
//!   PNG encode of the same image is printed beside it as the ratio's baseline.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::Criterion;
use fake_gemini::{FakeGemini, Limits};
use image::{GrayImage, Luma, Rgba, RgbaImage};
use nanoforge_core::accounts::{ApiKey, SecretPurpose, SecretStore, Secrets, SessionStore};
use nanoforge_core::catalog::Model;
use nanoforge_core::editing::{
    EditOptions, Mask, composite_masked_edit, encode_lossless, encode_png, plan_masked_edit,
};
use nanoforge_core::library::{ImageRecord, JobStatus};
use nanoforge_core::providers::GenerationRequest;
use nanoforge_core::queue::GenerateOptions;
use nanoforge_core::{AppCore, CoreConfig, EditRequest, ProfileChoice};
use serde_json::Value;

#[path = "support/criterion_estimates.rs"]
mod estimates;

const TURNS: usize = 10;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6))
        .configure_from_args();

    let (fake, core, _dir, tenth) = rt.block_on(chain_of_ten());
    let body = same_sized_body(&fake);
    let url = format!(
        "{}?key={}",
        fake.generate_url(Model::Gemini3ProImage.as_str()),
        fake.api_key()
    );
    println!("turn 11 request: {} bytes", body.len());
    let http = reqwest::Client::new();
    // The body's images are stand-ins (same length, not images): their signatures would not
    // match.
    fake.set_limits(Limits {
        enforce_signatures: false,
        ..Limits::default()
    });
    c.benchmark_group("baseline")
        .bench_function("api_call_turn_11", |b| {
            b.iter(|| {
                rt.block_on(async {
                    let answer = http
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await
                        .unwrap();
                    let status = answer.status();
                    assert!(status.is_success(), "{status}: {:?}", answer.text().await);
                    black_box(answer.bytes().await.unwrap())
                })
            })
        });
    fake.set_limits(Limits::default());
    c.benchmark_group("edit").bench_function("turn_11", |b| {
        b.iter(|| {
            rt.block_on(async {
                // Every iteration branches from the tenth image: the chain stays ten turns long.
                let request = EditRequest {
                    image_id: tenth.id.clone(),
                    instruction: "now make it night".into(),
                    ..EditRequest::default()
                };
                let job = core.session().edit(request).await.unwrap();
                let done = core.session().wait(&job.id).await.unwrap();
                assert_eq!(
                    done.status,
                    JobStatus::Completed,
                    "{:?}",
                    done.error_message
                );
            })
        })
    });

    let (original, mask) = (photo_like(4096, 4096, 7, 0.0), ellipse_mask(4096, 4096));
    let mask = Mask::from_gray(mask, 4096, 4096).unwrap();
    let ratios = [(1, 1), (2, 3), (3, 2), (3, 4), (4, 3), (9, 16), (16, 9)];
    let plan = plan_masked_edit(&mask, &ratios, &EditOptions::default()).unwrap();
    let scale = 1536.0 / plan.crop.width.max(plan.crop.height) as f64;
    let answer = photo_like(
        (plan.crop.width as f64 * scale).round() as u32,
        (plan.crop.height as f64 * scale).round() as u32,
        11,
        6.0,
    );
    c.benchmark_group("baseline")
        .sample_size(10)
        .bench_function("png_encode_4k", |b| {
            b.iter(|| black_box(encode_png(&original).unwrap()))
        });
    c.benchmark_group("masked")
        .sample_size(10)
        .bench_function("composite_4k", |b| {
            b.iter(|| {
                let composite = composite_masked_edit(&original, &mask, &plan, &answer).unwrap();
                black_box(encode_lossless(&composite, &original).unwrap())
            })
        });
    c.final_summary();
    print_summary();
}

/// A core whose profile has made a first image and nine edits of it, each continuing the last.
async fn chain_of_ten() -> (FakeGemini, AppCore, tempfile::TempDir, ImageRecord) {
    let fake = FakeGemini::start().await.expect("start the fake");
    let dir = tempfile::tempdir().unwrap();
    let mut config = CoreConfig::new(dir.path());
    config.gemini_base_url = fake.base_url().to_owned();
    config.poll_interval = Duration::from_millis(20);
    let store = SessionStore::new();
    let key = ApiKey::new(fake_gemini::DEFAULT_API_KEY).unwrap();
    store.set("local", SecretPurpose::GeminiKey, &key).unwrap();
    let core = AppCore::open_with(
        config,
        Secrets::new(Arc::new(store)),
        ProfileChoice::Current,
    )
    .await
    .unwrap();
    let session = core.session();
    let request = GenerationRequest::new("a lighthouse on a cliff", Model::Gemini3ProImage);
    let jobs = session
        .generate(request, GenerateOptions::default())
        .await
        .unwrap();
    let mut job = session.wait(&jobs[0].id).await.unwrap();
    for turn in 1..TURNS {
        let image = only_image(&core, &job.id).await;
        let request = EditRequest {
            image_id: image.id.clone(),
            instruction: format!("change {turn}: warmer light"),
            ..EditRequest::default()
        };
        let edit = session.edit(request).await.unwrap();
        job = session.wait(&edit.id).await.unwrap();
    }
    let tenth = only_image(&core, &job.id).await;
    (fake, core, dir, tenth)
}

async fn only_image(core: &AppCore, job_id: &str) -> ImageRecord {
    let images = core.session().library().job_images(job_id).await.unwrap();
    assert_eq!(images.len(), 1, "job {job_id} made one image");
    images.into_iter().next().unwrap()
}

/// The last request the fake saw (turn 10), with every elided inline `data` ("<N base64
/// chars>") put back as N base64 characters: the same size and shape on the wire.
fn same_sized_body(fake: &FakeGemini) -> Vec<u8> {
    fn restore(value: &mut Value) {
        match value {
            Value::String(s) => {
                if let Some(n) = s
                    .strip_prefix('<')
                    .and_then(|s| s.strip_suffix(" base64 chars>"))
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    *s = "A".repeat(n);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(restore),
            Value::Object(map) => map.values_mut().for_each(restore),
            _ => {}
        }
    }
    let mut body = fake.last_generate().unwrap().body.unwrap();
    restore(&mut body);
    serde_json::to_vec(&body).unwrap()
}

fn photo_like(w: u32, h: u32, seed: u64, tint: f32) -> RgbaImage {
    let mut s = seed | 1;
    RgbaImage::from_fn(w, h, |x, y| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let base = [
            120.0 + tint + 80.0 * (fx * 6.0).sin() * (fy * 3.0).cos(),
            100.0 + 60.0 * (fy * 5.0 + fx * 2.0).sin(),
            90.0 + 70.0 * ((fx - fy) * 9.0).cos(),
        ];
        let px = |i: usize| (base[i] + ((s >> (i * 8)) & 15) as f32 - 7.5).clamp(0.0, 255.0) as u8;
        Rgba([px(0), px(1), px(2), 255])
    })
}

/// A soft-edged ellipse over a fifth of the image (an 8 px grey brush edge).
fn ellipse_mask(w: u32, h: u32) -> GrayImage {
    let (cx, cy) = (w as f64 * 0.45, h as f64 * 0.55);
    let area = 0.2 * w as f64 * h as f64;
    let rx = (area / std::f64::consts::PI * 1.3).sqrt();
    let ry = area / std::f64::consts::PI / rx;
    GrayImage::from_fn(w, h, |x, y| {
        let d = (((x as f64 - cx) / rx).powi(2) + ((y as f64 - cy) / ry).powi(2)).sqrt();
        let edge = (1.0 - d) * rx.min(ry) / 8.0;
        Luma([(edge.clamp(0.0, 1.0) * 255.0).round() as u8])
    })
}

fn print_summary() {
    let Some(dir) = estimates::criterion_dir() else {
        return;
    };
    let ms = |id: &str| estimates::typical_ms(&dir, id);
    println!("\n== editing benchmark summary ==");
    let verdict = |ok: bool| if ok { "ok" } else { "OVER TARGET" };
    if let (Some(edit), Some(call)) = (ms("edit/turn_11"), ms("baseline/api_call_turn_11")) {
        let ours = edit - call;
        println!(
            "edit/turn_11 {edit:.1} ms - baseline/api_call_turn_11 {call:.1} ms = {ours:.1} ms of our own (target <= 50 ms) {}",
            verdict(ours <= 50.0)
        );
    }
    if let (Some(composite), Some(encode)) =
        (ms("masked/composite_4k"), ms("baseline/png_encode_4k"))
    {
        println!(
            "masked/composite_4k {composite:.1} ms (target <= 300 ms) {}; {:.2}x baseline/png_encode_4k {encode:.1} ms",
            verdict(composite <= 300.0),
            composite / encode
        );
    }
}
