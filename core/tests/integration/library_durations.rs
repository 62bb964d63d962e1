//! The expected time of a model at a size comes from this library's latest completed jobs of that
//! model and size only (not failed ones, not other sizes or models, not another profile's), and
//! stays hidden until five have finished.

use crate::library_support::*;

use nanoforge_core::catalog::{ImageSize, Model, ProviderKind};
use nanoforge_core::library::{JobStatus, JobUpdate, Library, NewJob};

async fn finished(lib: &Library, model: Model, size: ImageSize, status: JobStatus, ms: u64) {
    let new = NewJob::text_to_image("timed", ProviderKind::Gemini, model, size);
    let job = lib.insert_job(&new).await.unwrap();
    let update = JobUpdate {
        status: Some(status),
        duration_ms: Some(ms),
        ..JobUpdate::default()
    };
    lib.update_job(&job.id, &update).await.unwrap();
}

#[tokio::test]
async fn expected_time_learns_from_completed_jobs_of_that_model_and_size_only() {
    let t = open_library().await;
    let (model, size) = (Model::Gemini3ProImage, ImageSize::S1K);
    for ms in [10_000, 12_000, 14_000, 16_000] {
        finished(&t.lib, model, size, JobStatus::Completed, ms).await;
    }
    // Others that must not count: a failure, another size, another model.
    finished(&t.lib, model, size, JobStatus::Failed, 900_000).await;
    finished(&t.lib, model, ImageSize::S4K, JobStatus::Completed, 800_000).await;
    finished(
        &t.lib,
        Model::Gemini31FlashImage,
        size,
        JobStatus::Completed,
        700_000,
    )
    .await;
    assert_eq!(
        t.lib.expected_time(model, size).await.unwrap(),
        None,
        "four jobs: hidden"
    );

    finished(&t.lib, model, size, JobStatus::Completed, 60_000).await;
    let e = t
        .lib
        .expected_time(model, size)
        .await
        .unwrap()
        .expect("five jobs: shown");
    assert_eq!((e.median_ms, e.p90_ms, e.samples), (14_000, 60_000, 5));
    // A batch of 5 at 2 at a time: three waves.
    assert_eq!(e.for_jobs(5, 2).median_ms, 42_000);
}
