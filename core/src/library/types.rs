//! Records, queries and pages the library API takes and returns. Types that cross into the UI use
//! f64 for milliseconds and byte sizes and u32 for counts, because specta refuses 64-bit integers.

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
    Completed,
    Failed,
    Cancelled,
}

impl JobStatus {
    /// States a restarted app must pick up again.
    pub const UNFINISHED: [JobStatus; 4] = [
        JobStatus::Pending,
        JobStatus::Submitted,
        JobStatus::Processing,
        JobStatus::Downloading,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "PENDING",
            JobStatus::Submitted => "SUBMITTED",
            JobStatus::Processing => "PROCESSING",
            JobStatus::Downloading => "DOWNLOADING",
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

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled
        )
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

/// A job to record before anything is sent to the provider.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct NewJob {
    pub prompt: String,
    pub task_type: TaskType,
    pub provider: String,
    pub model: String,
    /// Preset long side in pixels (512, 768, 1024, 1536).
    pub image_size: u32,
    pub aspect_ratio: String,
    pub num_images: u32,
    pub watermark: Option<String>,
    pub input_image_urls: Vec<String>,
    pub seed: Option<u32>,
    pub timeout_secs: Option<u32>,
    pub parent_job_id: Option<String>,
    pub parent_image_id: Option<String>,
    /// Only for imports of older history; `None` means now.
    pub created_at: Option<f64>,
}

impl NewJob {
    pub fn text_to_image(prompt: &str, provider: &str, model: &str, image_size: u32) -> Self {
        Self {
            prompt: prompt.to_owned(),
            provider: provider.to_owned(),
            model: model.to_owned(),
            image_size,
            aspect_ratio: "1:1".to_owned(),
            num_images: 1,
            ..Self::default()
        }
    }
}

/// A job as History and the job runner see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct JobRecord {
    pub id: String,
    pub image_id: Option<String>,
    pub prompt: String,
    pub task_type: TaskType,
    pub provider: String,
    pub model: String,
    pub image_size: u32,
    pub aspect_ratio: String,
    pub num_images: u32,
    pub watermark: Option<String>,
    pub input_image_urls: Vec<String>,
    pub seed: Option<u32>,
    pub remote_task_id: Option<String>,
    pub response_data: Option<String>,
    pub cost: f64,
    pub duration_ms: Option<f64>,
    pub status: JobStatus,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    pub attempts: u32,
    pub timeout_secs: Option<u32>,
    pub parent_job_id: Option<String>,
    pub parent_image_id: Option<String>,
    pub created_at: f64,
    pub updated_at: f64,
    pub completed_at: Option<f64>,
}

/// A patch for [`crate::library::Library::update_job`]: `None` leaves a column as it is. Used by
/// the job runner inside the core, so it keeps Rust's integer types.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobUpdate {
    pub status: Option<JobStatus>,
    pub remote_task_id: Option<String>,
    pub response_data: Option<String>,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    /// Clears error_kind and error_message (e.g. a retry that got further).
    pub clear_error: bool,
    pub increment_attempts: bool,
    pub duration_ms: Option<u64>,
    /// Unix ms. When the status becomes terminal and this is `None`, now is recorded.
    pub completed_at: Option<i64>,
    pub cost: Option<f64>,
}

/// Position in a list ordered by (created_at DESC, id DESC): the last row of the previous page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Cursor {
    pub created_at: f64,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `None` on the last page.
    pub next_cursor: Option<Cursor>,
}

// Concrete pages for the UI: the TypeScript exporter cannot name a generic instantiation.
macro_rules! concrete_page {
    ($name:ident, $item:ty) => {
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            pub items: Vec<$item>,
            /// `None` on the last page.
            pub next_cursor: Option<Cursor>,
        }

        impl From<Page<$item>> for $name {
            fn from(page: Page<$item>) -> Self {
                Self {
                    items: page.items,
                    next_cursor: page.next_cursor,
                }
            }
        }
    };
}

concrete_page!(ImagePage, ImageRecord);
concrete_page!(JobPage, JobRecord);

pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const MAX_PAGE_SIZE: u32 = 500;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct JobQuery {
    pub cursor: Option<Cursor>,
    pub limit: Option<u32>,
    pub status: Option<JobStatus>,
    /// Words to find in prompts; any text is safe (it is never parsed as FTS5 syntax).
    pub search: Option<String>,
    /// Unix ms, inclusive.
    pub from: Option<f64>,
    /// Unix ms, exclusive.
    pub to: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum GalleryView {
    /// Images not in the trash.
    #[default]
    Live,
    /// Only images in the trash.
    Trash,
    /// Both.
    All,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct ImageQuery {
    pub cursor: Option<Cursor>,
    pub limit: Option<u32>,
    /// Status of the job the image came from.
    pub status: Option<JobStatus>,
    pub image_size: Option<u32>,
    pub favourite_only: bool,
    /// Unix ms, inclusive.
    pub from: Option<f64>,
    /// Unix ms, exclusive.
    pub to: Option<f64>,
    pub search: Option<String>,
    pub view: GalleryView,
}

/// An image as the gallery shows it, with the prompt and model of its job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ImageRecord {
    pub id: String,
    pub job_id: Option<String>,
    pub position: u32,
    pub sha256: String,
    /// Relative to the library folder.
    pub path: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: f64,
    pub thumb_path: Option<String>,
    pub preview_path: Option<String>,
    pub image_size: u32,
    pub favourite: bool,
    pub rating: u32,
    pub deleted_at: Option<f64>,
    pub created_at: f64,
    pub prompt: Option<String>,
    pub model: Option<String>,
    pub job_status: Option<JobStatus>,
}

/// Clamps a requested page size to 1..=MAX_PAGE_SIZE.
pub(crate) fn page_limit(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
}
