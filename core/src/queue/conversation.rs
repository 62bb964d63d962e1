//! A job's conversation at its submit, for providers that have them (Gemini): the chain it
//! follows loaded and replayed, its own user turn built (labelled inputs, the prompt), the
//! request's size checked against the inline limit before anything is paid; and after the answer,
//! the turn kept with the job (`crate::conversation` owns the format).

use std::collections::HashMap;

use serde_json::{Value, json};

use super::shared::Shared;
use crate::conversation::{PayloadMeter, Turn, load_chain, replay_contents, stored_part};
use crate::library::JobRecord;
use crate::providers::gemini::InlineImage;
use crate::{CoreError, Result};

/// A conversation turn ready to send: the turn (its user part filled in) and the `contents`.
pub(crate) struct PreparedTurn {
    pub turn: Turn,
    pub contents: Vec<Value>,
}

impl Shared {
    /// The turn of `job` with `inline` as its inputs (already read from the library).
    pub(super) async fn prepare_turn(
        &self,
        job: &JobRecord,
        inline: &[InlineImage],
    ) -> Result<PreparedTurn> {
        let mut turn = Turn::parse(job.conversation.as_deref())
            .unwrap_or_else(|| Turn::new(job.model, None, Vec::new()));
        let chain = load_chain(&self.library, turn.continues.as_deref(), job.model).await?;
        let mut bytes: HashMap<String, Vec<u8>> = HashMap::new();
        let mut user = Vec::new();
        let mut input_parts = Vec::new();
        for (i, input) in inline.iter().enumerate() {
            let sha = crate::conversation::sha256_of(&input.bytes);
            if let Some(Some(name)) = turn.labels.get(i) {
                input_parts.push(json!({ "text": format!("Reference '{name}':") }));
            }
            input_parts.push(crate::conversation::image_ref(&sha, &input.mime));
            bytes.insert(sha, input.bytes.clone());
        }
        // The prompt first, as a single turn always had it; named references read better before
        // the instruction that names them.
        let prompt = super::job_data::sent_prompt(job);
        let labelled = turn.labels.iter().any(Option::is_some);
        if labelled {
            user.extend(input_parts);
            user.push(json!({ "text": prompt }));
        } else {
            user.push(json!({ "text": prompt }));
            user.extend(input_parts);
        }
        turn.user = user;
        // Every image the replay carries, once per time it is sent.
        let mut sent_sizes = Vec::new();
        for earlier in &chain {
            for sha in earlier.all_images() {
                if !bytes.contains_key(&sha) {
                    let found = self.library.bytes_by_sha256(&sha).await?;
                    let (_, found) = found.ok_or_else(|| {
                        CoreError::ConversationBroken(
                            "an image of this conversation is no longer in the library; start \
                             fresh from this image"
                                .into(),
                        )
                    })?;
                    bytes.insert(sha.clone(), found);
                }
                sent_sizes.push(bytes.get(&sha).map_or(0, |b| b.len() as u64));
            }
        }
        sent_sizes.extend(inline.iter().map(|i| i.bytes.len() as u64));
        let text: u64 = chain
            .iter()
            .map(|t| serde_json::to_string(&t.answer).map_or(0, |s| s.len() as u64))
            .sum::<u64>()
            + job.prompt.len() as u64;
        let meter = PayloadMeter::against(&sent_sizes, text, self.config.inline_request_limit);
        if meter.over_limit {
            return Err(CoreError::ConversationBroken(format!(
                "this edit's request would be about {:.0} MB, over Gemini's {:.0} MB limit for a \
                 request; start fresh from this image",
                meter.bytes / 1e6,
                meter.limit_bytes / 1e6
            )));
        }
        let contents = replay_contents(&chain, &turn.user, &|sha| bytes.get(sha).cloned())?;
        Ok(PreparedTurn { turn, contents })
    }
}

/// `turn` with the model's `answer` (as sent) kept in it, for the job's row.
pub(super) fn answered(mut turn: Turn, answer: &[Value]) -> Result<String> {
    let mut stored = Vec::with_capacity(answer.len());
    for part in answer {
        let (part, _) = stored_part(part)?;
        stored.push(part);
    }
    turn.answer = Some(stored);
    turn.to_json()
}
