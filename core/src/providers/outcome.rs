//! What a provider's steps give back: a submit's outcome, one look at a remote task, an image. A
//! leaf: every provider returns these and the queue reads them.

use super::ProviderError;

/// An image a provider produced: somewhere to fetch it, or the bytes themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    Url(String),
    Bytes(Vec<u8>),
}

/// What a submit gave back.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitOutcome {
    /// A remote task to poll with [`Provider::poll_once`].
    Remote { task_id: String },
    /// The images are already here (synchronous providers), with what the call cost when the
    /// provider says (Gemini's usage; the demo is free).
    Immediate {
        images: Vec<ImageSource>,
        cost: Option<f64>,
        /// The model's answer as sent (non-thought parts, images base64), for a provider with
        /// conversations (Gemini): kept with the job so an edit can replay it. May hold no image
        /// (a text-only answer: a question, a refusal), which the queue records, then reports.
        answer: Option<Vec<serde_json::Value>>,
    },
}

/// One look at a remote task.
#[derive(Debug)]
pub enum PollOutcome {
    /// Still generating; ask again later.
    Pending { raw: serde_json::Value },
    /// Finished. `urls` are the images to download; `fallback_urls` are other copies (the
    /// upstream `originImageUrl`, short-lived) to try if one of them is gone.
    Done {
        urls: Vec<String>,
        fallback_urls: Vec<String>,
        raw: serde_json::Value,
    },
    /// Finished without images (successFlag 2 or 3). Terminal: polling again changes nothing.
    Failed {
        error: ProviderError,
        raw: serde_json::Value,
    },
}
