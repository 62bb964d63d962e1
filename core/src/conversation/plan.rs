//! Whether an edit continues the conversation that made its image or starts a new one.

use super::turn::Turn;
use crate::catalog::{Model, ProviderKind};
use crate::library::{ImageRecord, JobRecord};

/// How an edit's request starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// Replay the conversation up to job `job_id` (whose answer holds the image), then the edit.
    Continue { job_id: String },
    /// A new conversation with the image in the user turn.
    Fresh,
}

/// An edit of `image` (made by `job`, if any) on `model` of `provider`: it continues only when
/// that same model made the image in a conversation this library kept; anything else (another
/// provider or model, an input, a pasted file, an old job, a masked edit's composite, or the
/// person asking to start fresh) starts a new conversation.
pub fn plan_edit(
    image: &ImageRecord,
    job: Option<&JobRecord>,
    provider: ProviderKind,
    model: Model,
    start_fresh: bool,
) -> Start {
    let Some(job) = job else {
        return Start::Fresh;
    };
    if start_fresh || !provider.info().conversations || job.provider != provider {
        return Start::Fresh;
    }
    match Turn::parse(job.conversation.as_deref()) {
        Some(turn)
            if turn.model == model
                && !turn.user.is_empty()
                && turn.answer_images().contains(&image.sha256) =>
        {
            Start::Continue {
                job_id: job.id.clone(),
            }
        }
        _ => Start::Fresh,
    }
}
