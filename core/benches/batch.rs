//! Batch performance (see BENCHMARKS.md): `batch/record_500` is `Session::record_batch` of a
//! 500-job batch — parse and expand the template (20 alternatives × 25 CSV rows), price every
//! job at the prices in effect, and record all of them in one transaction with the budget check —
//! target ≤ 1 s. `baseline/plan_500` is the same batch planned only (expanded and priced, nothing
//! recorded), so the ratio shows what recording costs. Each recording gets a fresh library, so
//! one sample's jobs never slow the next; the fake Nano Banana holds every task for minutes, so
//! the few jobs the queue starts meanwhile stay cheap.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use fake_nanobanana::{FakeServer, TaskScenario};
use nanoforge_core::accounts::{ApiKey, SecretPurpose, SecretStore, Secrets, SessionStore};
use nanoforge_core::batch::BatchRequest;
use nanoforge_core::catalog::Model;
use nanoforge_core::{AppCore, CoreConfig, ProfileChoice};

fn request() -> BatchRequest {
    let colours: Vec<String> = (0..20).map(|i| format!("colour {i}")).collect();
    let mut csv = String::from("thing\n");
    for i in 0..25 {
        csv.push_str(&format!("thing {i}\n"));
    }
    let mut req = BatchRequest::new(
        format!("a {{{}}} ${{thing}} on a table", colours.join("|")),
        vec![Model::NanoBanana2],
    );
    req.csv = Some(csv);
    req
}

async fn open(server: &FakeServer, dir: &std::path::Path) -> AppCore {
    let mut config = CoreConfig::new(dir);
    config.nanobanana_base_url = server.base_url().to_owned();
    config.poll_interval = Duration::from_secs(5);
    let store = SessionStore::new();
    let key = ApiKey::new(server.api_key()).unwrap();
    store
        .set("local", SecretPurpose::NanoBananaKey, &key)
        .unwrap();
    AppCore::open_with(
        config,
        Secrets::new(Arc::new(store)),
        ProfileChoice::Current,
    )
    .await
    .unwrap()
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(8))
        .configure_from_args();
    let server = rt.block_on(FakeServer::start()).expect("start the fake");
    server.set_scenario(TaskScenario {
        pending_ms: 600_000,
        ..TaskScenario::default()
    });
    let req = request();

    let dir = tempfile::tempdir().unwrap();
    let core = rt.block_on(open(&server, dir.path()));
    let plan = rt.block_on(core.session().plan_batch(&req)).unwrap();
    assert_eq!(plan.count, 500);
    c.benchmark_group("baseline")
        .bench_function("plan_500", |b| {
            b.iter(|| rt.block_on(core.session().plan_batch(&req)).unwrap())
        });
    rt.block_on(core.shutdown()).ok();

    let mut slowest = Duration::ZERO;
    c.benchmark_group("batch")
        .bench_function("record_500", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let dir = tempfile::tempdir().unwrap();
                    let core = rt.block_on(open(&server, dir.path()));
                    let started = Instant::now();
                    let recorded = rt.block_on(core.session().record_batch(&req)).unwrap();
                    let took = started.elapsed();
                    assert_eq!(recorded.jobs.len(), 500);
                    rt.block_on(core.shutdown()).ok();
                    total += took;
                    slowest = slowest.max(took);
                }
                total
            })
        });
    println!(
        "batch/record_500: slowest recording {:.0} ms (target ≤ 1000 ms)",
        slowest.as_secs_f64() * 1000.0
    );
    c.final_summary();
}
