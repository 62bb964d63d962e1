//! A batch's jobs carry their batch id to the other devices (the batch row itself stays on the
//! device that recorded it, for now).

use crate::sync_support;

use nanoforge_core::batch::BatchRequest;
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::Model;
use sync_support::{World, sync};

#[tokio::test]
async fn a_batchs_jobs_keep_their_batch_id_on_another_device() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let laptop = world.device("laptop").await;
    let req = BatchRequest::new("{a pear|an apple} on a plate", vec![Model::Demo]);
    let recorded = desk.session().record_batch(&req).await.unwrap();
    for job in &recorded.jobs {
        let done = desk.session().wait(&job.id).await.unwrap();
        assert_eq!(done.status, JobStatus::Completed);
    }
    sync(&desk).await;
    sync(&laptop).await;

    let mut there: Vec<String> = laptop
        .session()
        .library()
        .batch_jobs(&recorded.batch_id)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.id)
        .collect();
    let mut here: Vec<String> = recorded.jobs.iter().map(|j| j.id.clone()).collect();
    there.sort();
    here.sort();
    assert_eq!(there, here);
    assert!(
        laptop
            .session()
            .batch_status(Some(&recorded.batch_id))
            .await
            .is_err(),
        "the batch row is local to the device that recorded it"
    );
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}
