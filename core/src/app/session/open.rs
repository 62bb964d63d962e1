//! Opening a session: the library (its changes told on the core's event stream), the queue (its
//! jobs' progress told there too, library images linked through the user's bucket for providers
//! that take URLs) and the saved preferences applied.

use std::sync::Arc;

use super::handle::Session;
use super::inputs::BucketLinks;
use super::preferences;
use super::sync::SyncAccess;
use crate::accounts::{Profile, Secrets};
use crate::app::events::{Bus, CoreEvent};
use crate::library::Library;
use crate::preferences::Preferences;
use crate::queue::Queue;
use crate::{CoreConfig, Result};

impl Session {
    pub(in crate::app) async fn open(
        config: &CoreConfig,
        secrets: &Secrets,
        profile: Profile,
        bus: &Bus,
    ) -> Result<Self> {
        let library = Library::open(&config.data_dir, &profile).await?;
        let changes = bus.clone();
        library.changes().listen(Arc::new(move |change| {
            // No listener is not an error: the CLI in JSON mode does not follow changes.
            let _ = changes.send(CoreEvent::Library { change });
        }));
        let jobs = bus.clone();
        let links = Arc::new(BucketLinks::new(SyncAccess::new(
            &library, secrets, &profile, config,
        )));
        let queue = Queue::new(
            library.clone(),
            config.clone(),
            secrets.clone(),
            Arc::new(move |event| {
                let _ = jobs.send(CoreEvent::Job { event });
            }),
            links,
        )?;
        // Saved preferences (prices, concurrency) win over the configuration's defaults.
        if let Some(preferences) = Preferences::load(&library).await? {
            preferences::apply(&queue, &preferences);
        }
        Ok(Self {
            profile,
            library,
            queue,
            config: config.clone(),
            secrets: secrets.clone(),
            bus: bus.clone(),
            sync_gate: tokio::sync::Mutex::new(()),
            image_url_key: uuid::Uuid::new_v4().simple().to_string(),
        })
    }
}
