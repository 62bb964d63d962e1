//! The chain of a conversation: from a job, the turns it follows back to the one that started
//! it, root first, and the `contents` the API takes for them — user and model turns alternating,
//! each model turn exactly as the model sent it.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::turn::{Turn, wire_part};
use crate::library::Library;
use crate::{CoreError, Result};

/// The longest chain replayed; an edit past it starts fresh (the request would be huge anyway).
pub const MAX_TURNS: usize = 200;

/// Why a chain cannot be replayed as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// A job of the chain has no answered turn (made before this version, or it failed).
    MissingTurn { job_id: String },
    /// A job of the chain was answered by another model.
    OtherModel { job_id: String },
    /// The chain loops or is longer than [`MAX_TURNS`].
    TooLong,
}

impl From<ChainError> for CoreError {
    fn from(e: ChainError) -> Self {
        CoreError::ConversationBroken(match e {
            ChainError::MissingTurn { job_id } => format!(
                "job {job_id} of this conversation has no stored answer to replay; start fresh \
                 from this image"
            ),
            ChainError::OtherModel { job_id } => format!(
                "job {job_id} of this conversation was answered by another model; start fresh \
                 from this image"
            ),
            ChainError::TooLong => format!(
                "this conversation is longer than {MAX_TURNS} turns; start fresh from this image"
            ),
        })
    }
}

/// The answered turns a job that continues `from` follows, root first (empty for `None`).
pub async fn load_chain(
    library: &Library,
    from: Option<&str>,
    model: crate::catalog::Model,
) -> Result<Vec<Turn>> {
    let mut turns = Vec::new();
    let mut seen = HashSet::new();
    let mut next = from.map(str::to_owned);
    while let Some(job_id) = next {
        if !seen.insert(job_id.clone()) || turns.len() >= MAX_TURNS {
            return Err(ChainError::TooLong.into());
        }
        let job = library.get_job(&job_id).await?;
        let turn = Turn::parse(job.conversation.as_deref())
            .filter(|t| t.answer.is_some() && !t.user.is_empty())
            .ok_or(ChainError::MissingTurn {
                job_id: job_id.clone(),
            })?;
        if turn.model != model {
            return Err(ChainError::OtherModel { job_id }.into());
        }
        next = turn.continues.clone();
        turns.push(turn);
    }
    turns.reverse();
    Ok(turns)
}

/// `contents` for `turns` (root first) followed by the new user turn, images filled in from
/// `bytes_of` (by SHA-256).
pub fn replay_contents(
    turns: &[Turn],
    user: &[Value],
    bytes_of: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Vec<Value>> {
    let wire = |parts: &[Value]| -> Result<Vec<Value>> {
        parts.iter().map(|p| wire_part(p, bytes_of)).collect()
    };
    let mut contents = Vec::with_capacity(turns.len() * 2 + 1);
    for turn in turns {
        contents.push(json!({ "role": "user", "parts": wire(&turn.user)? }));
        let answer = turn.answer.as_deref().unwrap_or_default();
        contents.push(json!({ "role": "model", "parts": wire(answer)? }));
    }
    contents.push(json!({ "role": "user", "parts": wire(user)? }));
    Ok(contents)
}
