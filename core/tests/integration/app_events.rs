//! The core's one event stream and the background work hanging off it: library changes arrive
//! batched (a pull of many images is a handful of events, each naming what changed), automatic
//! syncs coalesce (one in flight, one pending, whatever number of jobs finish) and stop with the
//! core, and a sync setup that cannot be read is an error that says so.

use crate::sync_support::{World, eventually, generate, open_core, sync};
use nanoforge_core::library::LibraryChange;
use nanoforge_core::sync::SyncSetup;
use nanoforge_core::{CoreEvent, ErrorKind, SyncEvent};
use s3_test_server::{Fault, FaultAction, Gate, Op};
use tokio::sync::broadcast::error::TryRecvError;

/// Every library change received so far.
fn drain_changes(events: &mut tokio::sync::broadcast::Receiver<CoreEvent>) -> Vec<LibraryChange> {
    let mut changes = Vec::new();
    loop {
        match events.try_recv() {
            Ok(CoreEvent::Library { change }) => changes.push(change),
            Ok(_) => {}
            Err(TryRecvError::Lagged(n)) => panic!("{n} events lost"),
            Err(TryRecvError::Empty | TryRecvError::Closed) => return changes,
        }
    }
}

#[tokio::test]
async fn a_pull_of_many_images_is_a_few_change_events_naming_them() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    for i in 0..6 {
        generate(&desk, &format!("batch {i}"), 4).await;
    }
    sync(&desk).await;
    let laptop = world.device("laptop").await;
    let mut events = laptop.subscribe();
    let report = sync(&laptop).await;
    assert_eq!(report.new_images, 24);
    let session = laptop.session();
    let mut changes = Vec::new();
    eventually("the pull's changes", || {
        changes.extend(drain_changes(&mut events));
        let added: usize = changes.iter().map(|c| c.images.added.len()).sum();
        let all = changes.iter().any(|c| c.images.all);
        async move { added >= 24 || all }
    })
    .await;
    assert!(
        changes.len() <= 4,
        "24 images and their jobs arrived as {} change events",
        changes.len()
    );
    assert!(changes.iter().all(|c| c.profile_id == session.profile().id));
    assert!(changes.iter().any(|c| c.stats && c.sync));
    desk.shutdown().await.unwrap();
    laptop.shutdown().await.unwrap();
}

#[tokio::test]
async fn automatic_syncs_coalesce_and_stop_with_the_core() {
    let world = World::start().await;
    let auto = SyncSetup {
        auto_sync: true,
        ..world.settings("lib/")
    };
    let core = world.device_with("desk", auto).await;
    let mut events = core.subscribe();
    // The first two syncs are held at their listing of the other devices' heads.
    let (first, second) = (Gate::new(), Gate::new());
    world.s3.push_fault(Fault::new(
        Op::ListObjectsV2,
        FaultAction::Hold(first.clone()),
    ));
    world
        .s3
        .push_fault(Fault::new(Op::ListObjectsV2, FaultAction::Hold(second.clone())).nth(2));
    core.start_auto_sync();
    first.arrived(1).await;
    // Five jobs finish while the sync of the start is in flight.
    for i in 0..5 {
        generate(&core, &format!("job {i}"), 1).await;
    }
    first.open();
    second.arrived(1).await;
    second.open();
    let mut started = 0;
    let mut finished = 0;
    while finished < 2 {
        match events.recv().await.unwrap() {
            CoreEvent::Sync {
                event: SyncEvent::Started,
                ..
            } => started += 1,
            CoreEvent::Sync {
                event: SyncEvent::Finished { .. } | SyncEvent::Failed { .. },
                ..
            } => finished += 1,
            _ => {}
        }
    }
    // The sync of the start, then one for everything that finished meanwhile.
    assert_eq!(started, 2);
    // The automatic syncs hold the core only weakly: it goes away when its last handle does.
    let weak = core.downgrade();
    core.shutdown().await.unwrap();
    drop(core);
    eventually("the core to be dropped", || {
        let gone = weak.upgrade().is_none();
        async move { gone }
    })
    .await;
    let mut later = 0;
    while let Ok(event) = events.try_recv() {
        if matches!(
            event,
            CoreEvent::Sync {
                event: SyncEvent::Started,
                ..
            }
        ) {
            later += 1;
        }
    }
    assert_eq!(
        later, 0,
        "no sync after the one that covered every finished job"
    );
}

#[tokio::test]
async fn an_unreadable_sync_setup_is_an_error_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let core = open_core(dir.path()).await;
    let session = core.session();
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ('sync', '{\"endpoint\": 7', 0)",
    )
    .execute(session.library().pool())
    .await
    .unwrap();
    for error in [
        session.sync_status().await.unwrap_err(),
        session.sync_now().await.unwrap_err(),
        session.sync_setup().await.unwrap_err(),
    ] {
        assert_eq!(error.kind(), ErrorKind::Unreadable, "{error}");
        assert!(error.to_string().contains("sync"), "{error}");
    }
    // Saving a setup again replaces what could not be read.
    session
        .update_sync_setup(SyncSetup::default(), None)
        .await
        .unwrap();
    assert!(!session.sync_status().await.unwrap().configured);
    core.shutdown().await.unwrap();
}
