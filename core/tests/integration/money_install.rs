//! A copied data folder cannot make two machines drive the same paid jobs: each job records the
//! installation that drives it (not the sync device identity), and another installation opening
//! the same folder leaves it alone — no submit, poll, recover or cancel.

use crate::queue_support::{eventually, request, setup};

use fake_nanobanana::{Fault, FaultAction, Target};
use nanoforge_core::library::JobStatus;
use nanoforge_core::providers::Model;

#[tokio::test]
async fn a_copied_folder_does_not_drive_the_other_installations_jobs() {
    let s = setup().await;
    // The first machine records two jobs.
    let here = s
        .core_with(|c| {
            c.install_id = "machine-a".into();
            c.concurrency = 1;
        })
        .await;
    // The first is sent (slowly) and the app quits: it records the task id, the second waits.
    s.server.push_fault(Fault::new(
        Target::Submit,
        1,
        FaultAction::Delay { ms: 500 },
    ));
    let mut two = request("two herons on a copied disk", Model::NanoBanana2);
    two.count = 2;
    let jobs = here
        .session()
        .generate(two, Default::default())
        .await
        .unwrap();
    let watched = here.clone();
    eventually("the first submit in flight", move || {
        watched.paid_requests_in_flight() == 1
    })
    .await;
    here.quit().await.unwrap();
    drop(here);
    let submits = s.server.submit_count();
    assert_eq!(submits, 1);

    // The same folder opened by another installation: nothing of machine A's is driven.
    let copy = s.core_with(|c| c.install_id = "machine-b".into()).await;
    let report = copy.session().resume_unfinished().await.unwrap();
    assert!(report.resumed.is_empty(), "{report:?}");
    assert_eq!(report.skipped.len(), 2, "{report:?}");
    assert!(
        report.skipped[0].reason.contains("another installation"),
        "{report:?}"
    );
    for job in &jobs {
        let error = copy.session().cancel(&job.id).await.unwrap_err();
        assert!(
            error.to_string().contains("another installation"),
            "{error}"
        );
    }
    assert_eq!(
        s.server.submit_count(),
        submits,
        "nothing sent from the copy"
    );
    copy.shutdown().await.unwrap();
    drop(copy);

    // Machine A still drives them.
    let here = s.core_with(|c| c.install_id = "machine-a".into()).await;
    here.session().resume_unfinished().await.unwrap();
    for job in &jobs {
        assert_eq!(
            here.session().wait(&job.id).await.unwrap().status,
            JobStatus::Completed
        );
    }
    assert_eq!(s.server.submit_count(), 2, "each sent once, by machine A");
}
