//! The queue's single step, driven by hand against the fake Nano Banana server: each call does the
//! one thing the stored job calls for and commits it, so a job can be walked from PENDING to
//! COMPLETED one committed state at a time (what the loop in `runner.rs` does with waits between).

use std::sync::Arc;
use std::time::Duration;

use fake_nanobanana::FakeServer;
use tokio_util::sync::CancellationToken;

use super::Queue;
use super::job_data::new_job;
use super::runner::{RunCtx, Step};
use crate::CoreConfig;
use crate::accounts::{ApiKey, Profile, SecretPurpose, SecretStore, Secrets, SessionStore};
use crate::catalog::ProviderKind;
use crate::library::{JobStatus, Library};
use crate::providers::{GenerationRequest, Model};

#[tokio::test]
async fn one_step_at_a_time_from_pending_to_completed() {
    let server = FakeServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path(), &Profile::local()).await.unwrap();
    let mut config = CoreConfig::new(dir.path());
    config.nanobanana_base_url = server.base_url().to_owned();
    config.poll_interval = Duration::from_millis(10);
    let store = SessionStore::new();
    store
        .set(
            "local",
            SecretPurpose::NanoBananaKey,
            &ApiKey::new(server.api_key()).unwrap(),
        )
        .unwrap();
    let queue = Queue::new(
        library.clone(),
        config,
        Secrets::new(Arc::new(store)),
        Arc::new(|_| {}),
        Arc::new(crate::queue::NoInputLinks),
    )
    .unwrap();
    let shared = queue.shared.clone();

    let request = GenerationRequest::new("one step at a time", Model::NanoBanana2);
    let prices = crate::lock(&shared.money).prices.clone();
    let row = new_job(
        &request,
        ProviderKind::NanoBanana,
        None,
        &prices,
        &shared.config.install_id,
    );
    let job = library.insert_job(&row).await.unwrap();
    assert!(shared.claim(&job.id).await.unwrap());

    let mut ctx = RunCtx::new(Duration::from_secs(30), Default::default());
    let cancel = CancellationToken::new();
    let mut seen = vec![job.status];
    let mut job = job;
    for _ in 0..200 {
        match shared.step(job, &mut ctx, &cancel).await.unwrap() {
            Step::Next(next) | Step::Wait(next, _) => {
                // Every step's state is what the library holds.
                assert_eq!(library.get_job(&next.id).await.unwrap().status, next.status);
                if seen.last() != Some(&next.status) {
                    seen.push(next.status);
                }
                job = next;
            }
            Step::Finished(done) => {
                seen.push(done.status);
                job = done;
                break;
            }
            Step::Lost => panic!("the queue lost its own job"),
        }
    }
    assert_eq!(job.status, JobStatus::Completed, "{seen:?}");
    assert_eq!(seen.first(), Some(&JobStatus::Pending));
    assert!(seen.contains(&JobStatus::Submitted), "{seen:?}");
    assert!(seen.contains(&JobStatus::Downloading), "{seen:?}");
    assert_eq!(server.submit_count(), 1, "one submit, however many steps");
    assert!(job.image_id.is_some());
    library.close().await;
}
