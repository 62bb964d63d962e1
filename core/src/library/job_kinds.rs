//! The states and kinds a job has: where it is in its life (`JobStatus`, its unfinished and terminal
//! states), what it asks the provider for (`TaskType`) and why it was made (`JobPurpose`). Stored as
//! text in the jobs table; they cross into the UI as enums.

use serde::{Deserialize, Serialize};

use crate::{CoreError, Result};

/// Where a generation job is in its life. Stored as the SCREAMING_SNAKE_CASE text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Pending,
    Submitted,
    Processing,
    Downloading,
    /// The service accepted the task and its result may still exist, but this run ended before it
    /// was stored (our deadline, an answer we could not read, a failed download or ingest). It is
    /// recovered — polled and downloaded again, never resubmitted — at start, on `resume`, or on
    /// the user's Recover (`nanoforge retry`). See `queue::outcome`.
    Recoverable,
    Completed,
    Failed,
    Cancelled,
}

impl JobStatus {
    /// States a queue drives (a recoverable job is driven again only when recovery starts).
    pub const UNFINISHED: [JobStatus; 4] = [
        JobStatus::Pending,
        JobStatus::Submitted,
        JobStatus::Processing,
        JobStatus::Downloading,
    ];

    /// Every status, in the order History's filter lists them.
    pub const ALL: [JobStatus; 8] = [
        JobStatus::Pending,
        JobStatus::Submitted,
        JobStatus::Processing,
        JobStatus::Downloading,
        JobStatus::Recoverable,
        JobStatus::Completed,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "PENDING",
            JobStatus::Submitted => "SUBMITTED",
            JobStatus::Processing => "PROCESSING",
            JobStatus::Downloading => "DOWNLOADING",
            JobStatus::Recoverable => "RECOVERABLE",
            JobStatus::Completed => "COMPLETED",
            JobStatus::Failed => "FAILED",
            JobStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "PENDING" => JobStatus::Pending,
            "SUBMITTED" => JobStatus::Submitted,
            "PROCESSING" => JobStatus::Processing,
            "DOWNLOADING" => JobStatus::Downloading,
            "RECOVERABLE" => JobStatus::Recoverable,
            "COMPLETED" => JobStatus::Completed,
            "FAILED" => JobStatus::Failed,
            "CANCELLED" => JobStatus::Cancelled,
            other => {
                return Err(CoreError::Internal(format!(
                    "unknown job status {other:?} in the library"
                )));
            }
        })
    }

    /// No queue drives it (a recoverable job waits for a recovery to start).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobStatus::Completed
                | JobStatus::Failed
                | JobStatus::Cancelled
                | JobStatus::Recoverable
        )
    }

    /// Whether a queue is (or should be) driving it.
    pub fn is_unfinished(self) -> bool {
        JobStatus::UNFINISHED.contains(&self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskType {
    #[default]
    TextToImage,
    ImageToImage,
}

impl TaskType {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskType::TextToImage => "TEXT_TO_IMAGE",
            TaskType::ImageToImage => "IMAGE_TO_IMAGE",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "TEXT_TO_IMAGE" => Ok(TaskType::TextToImage),
            "IMAGE_TO_IMAGE" => Ok(TaskType::ImageToImage),
            other => Err(CoreError::Internal(format!(
                "unknown task type {other:?} in the library"
            ))),
        }
    }
}

/// What a job is for, beside a plain generation (History and the lineage tree say so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum JobPurpose {
    /// An instruction on an image ("Edit this").
    Edit,
    /// An edit of a painted region only.
    MaskedEdit,
    /// The image re-rendered at a larger size.
    Upscale,
    /// An answer to a model's text-only turn.
    Reply,
}

impl JobPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            JobPurpose::Edit => "edit",
            JobPurpose::MaskedEdit => "masked_edit",
            JobPurpose::Upscale => "upscale",
            JobPurpose::Reply => "reply",
        }
    }

    /// A stored purpose; one a newer version wrote reads as none (a plain generation).
    pub fn parse(s: &str) -> Option<JobPurpose> {
        [
            JobPurpose::Edit,
            JobPurpose::MaskedEdit,
            JobPurpose::Upscale,
            JobPurpose::Reply,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}
