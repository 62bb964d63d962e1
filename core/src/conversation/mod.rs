//! Editing conversations with Gemini. Every Gemini job keeps its turn of a conversation with the
//! job (`jobs.conversation`, synced): the user turn as it was sent and the model's answer exactly
//! as it came — its parts in order, every `thoughtSignature` verbatim, each image as the SHA-256
//! of its stored original (stored byte-for-byte), thought parts dropped — and the job whose turn
//! it follows. An edit of one of its images replays that chain, root first, and adds the new
//! instruction; editing an older image branches from there. An image the model did not make in
//! that conversation (another provider, an input, a pasted file, another model) starts a new
//! conversation with the image in the user turn: model turns are never made up.
//! (`shared/notes/editing.md` §1 has the API facts.)

mod chain;
mod payload;
mod plan;
mod turn;

pub use chain::{ChainError, MAX_TURNS, load_chain, replay_contents};
pub use payload::{
    INLINE_LIMIT_BYTES, INPUT_TOKENS_PER_IMAGE, LARGE_PAYLOAD_BYTES, PayloadMeter, base64_len,
    replay_usd,
};
pub use plan::{Start, plan_edit};
pub use turn::{Turn, answer_text_of, image_ref, sha256_of, stored_part, wire_part};
