//! How a provider that takes URLs gets a library image: the session hands the queue an
//! [`InputLinks`] backed by the user's sync bucket; a queue without one refuses such inputs.

use crate::Result;
use crate::providers::local_inputs_need_sync;

/// Where a URL-taking provider fetches library images from.
#[async_trait::async_trait]
pub trait InputLinks: Send + Sync {
    /// Makes sure image `id` can be linked (uploading it if needed); refuses clearly when it
    /// cannot be (no sync set up), before anything is recorded.
    async fn prepare(&self, id: &str) -> Result<()>;

    /// A URL the service can GET image `id` from, valid long enough for the job.
    async fn link(&self, id: &str) -> Result<String>;
}

/// A session without a way to link library images (tests, tools): URL providers refuse them.
pub struct NoInputLinks;

#[async_trait::async_trait]
impl InputLinks for NoInputLinks {
    async fn prepare(&self, _id: &str) -> Result<()> {
        Err(local_inputs_need_sync().into())
    }

    async fn link(&self, _id: &str) -> Result<String> {
        Err(local_inputs_need_sync().into())
    }
}
