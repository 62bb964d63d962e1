//! Records, queries and pages the library API takes and returns. Types that cross into the UI use
//! f64 for milliseconds and byte sizes and u32 for counts, because specta refuses 64-bit integers.

use serde::{Deserialize, Serialize};

pub use super::job_kinds::{JobPurpose, JobStatus, TaskType};
use crate::ErrorKind;
use crate::catalog::{AspectRatio, ImageSize, Model, ProviderKind};

/// What an image in the library is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ImageKind {
    /// Made by a provider: shown in the gallery and counted in the statistics.
    #[default]
    Generated,
    /// A local file a person gave as input for image-to-image (kept as a blob, not shown in the
    /// gallery).
    Input,
}

impl ImageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImageKind::Generated => "generated",
            ImageKind::Input => "input",
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
    pub provider: ProviderKind,
    pub model: Model,
    /// The size asked for.
    pub image_size: ImageSize,
    pub aspect_ratio: AspectRatio,
    pub num_images: u32,
    pub watermark: Option<String>,
    pub input_image_urls: Vec<String>,
    /// Library images (kind input or generated) sent as inputs.
    pub input_image_ids: Vec<String>,
    pub seed: Option<u32>,
    pub timeout_secs: Option<u32>,
    pub parent_job_id: Option<String>,
    pub parent_image_id: Option<String>,
    /// Only for imports of older history; `None` means now.
    pub created_at: Option<f64>,
    /// USD the catalog expects this job to cost.
    pub estimated_cost: f64,
    /// The install that drives the job (the queue sets it; see migration 0008).
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub driver_install: Option<String>,
    /// Where a Gemini job's conversation continues from (`crate::conversation::Turn`, JSON).
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub conversation: Option<String>,
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub purpose: Option<JobPurpose>,
    /// A masked edit's composite (`crate::queue` reads it), JSON.
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub mask_edit: Option<String>,
}

impl NewJob {
    pub fn text_to_image(
        prompt: &str,
        provider: ProviderKind,
        model: Model,
        image_size: ImageSize,
    ) -> Self {
        Self {
            prompt: prompt.to_owned(),
            provider,
            model,
            image_size,
            aspect_ratio: AspectRatio::Square,
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
    /// Its image's hash where the listing carries it (a batch's jobs, for the grid's cacheable,
    /// content-addressed thumbnail URL); `None` elsewhere.
    #[serde(default)]
    pub image_sha256: Option<String>,
    pub prompt: String,
    pub task_type: TaskType,
    pub provider: ProviderKind,
    pub model: Model,
    pub image_size: ImageSize,
    pub aspect_ratio: AspectRatio,
    pub num_images: u32,
    pub watermark: Option<String>,
    /// Public URLs of input images the person gave (never our own presigned links: those are
    /// made at submit time and not kept).
    pub input_image_urls: Vec<String>,
    /// Library images sent as inputs (local files are kept as input images).
    pub input_image_ids: Vec<String>,
    pub seed: Option<u32>,
    pub remote_task_id: Option<String>,
    /// The queue's own record of the service's answer (result URLs and the raw answer): read by
    /// the queue, not shipped to the page or printed.
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub response_data: Option<String>,
    /// USD the provider confirmed (a result came back); 0 until then.
    pub cost: f64,
    /// USD the catalog expected when the job was recorded.
    pub estimated_cost: f64,
    /// The paid request went out and no clear refusal came back: the provider may have charged
    /// `estimated_cost` even without a result.
    pub may_be_charged: bool,
    /// The provider's work: from the submit to the result (time in our queue is `queue_ms`).
    pub duration_ms: Option<f64>,
    /// Time between recording the job and sending it (waiting for a free slot).
    pub queue_ms: Option<f64>,
    /// Unix ms of the first paid request, if one went out.
    pub submitted_at: Option<f64>,
    pub status: JobStatus,
    pub error_kind: Option<ErrorKind>,
    pub error_message: Option<String>,
    pub attempts: u32,
    pub timeout_secs: Option<u32>,
    pub parent_job_id: Option<String>,
    pub parent_image_id: Option<String>,
    pub created_at: f64,
    pub updated_at: f64,
    pub completed_at: Option<f64>,
    /// The device that runs this job, when it is not this one (it arrived by sync): only that
    /// device submits, polls, recovers or cancels it; here it is read-only until its outcome comes.
    pub origin_device: Option<String>,
    /// The service's credits this job took, read from the balance before and after it (when no
    /// other submit ran in between); `None` when not known.
    pub charged_credits: Option<f64>,
    /// The installation that drives it (`crate::install`); the queue's business, not shown.
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub driver_install: Option<String>,
    /// A Gemini job's turn of its conversation (`crate::conversation::Turn`, JSON): read through
    /// the conversation module, not shipped to the page as is.
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub conversation: Option<String>,
    /// What it is for beside a plain generation (an edit, an upscale…).
    pub purpose: Option<JobPurpose>,
    /// A masked edit's composite, JSON (the queue's business).
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    pub mask_edit: Option<String>,
    /// The batch it was recorded in, if any (the Generator shows a batch's jobs as one row).
    #[serde(default)]
    pub batch_id: Option<String>,
}

/// Where a job comes from and what was made from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct JobFamily {
    /// The job this one was run again from, or the job of the image it started from.
    pub parent: Option<JobRecord>,
    /// Jobs run again from this one or started from its images, oldest first.
    pub children: Vec<JobRecord>,
}

/// A patch for [`crate::library::Library::update_job`]: `None` leaves a column as it is. Used by
/// the job runner inside the core, so it keeps Rust's integer types.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobUpdate {
    pub status: Option<JobStatus>,
    pub remote_task_id: Option<String>,
    pub response_data: Option<String>,
    pub error_kind: Option<ErrorKind>,
    pub error_message: Option<String>,
    /// Clears error_kind and error_message (e.g. a retry that got further).
    pub clear_error: bool,
    pub increment_attempts: bool,
    /// Takes back the last attempt: the service refused the submit outright, so nothing can have
    /// been charged and the job may be sent again.
    pub undo_attempt: bool,
    pub may_be_charged: Option<bool>,
    /// Unix ms; kept once set (the first paid request).
    pub submitted_at: Option<i64>,
    pub queue_ms: Option<u64>,
    pub duration_ms: Option<u64>,
    /// Unix ms. When the status becomes terminal and this is `None`, now is recorded.
    pub completed_at: Option<i64>,
    pub cost: Option<f64>,
    pub charged_credits: Option<f64>,
    /// The job's conversation turn (JSON), replacing what is stored.
    pub conversation: Option<String>,
}

/// Position in a list ordered by (created_at DESC, id DESC) — or by the order a gallery sort
/// names: the last row of the previous page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Cursor {
    pub created_at: f64,
    pub id: String,
    /// The row's rating, in a gallery page sorted by rating (absent elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u32>,
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
    /// Only jobs the provider may have charged without confirming it.
    pub possibly_charged: bool,
    /// Words to find in prompts; any text is safe (it is never parsed as FTS5 syntax).
    pub search: Option<String>,
    /// Unix ms, inclusive.
    pub from: Option<f64>,
    /// Unix ms, exclusive.
    pub to: Option<f64>,
}

/// An image as the gallery shows it, with the prompt and model of its job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ImageRecord {
    pub id: String,
    pub kind: ImageKind,
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
    /// The size its job asked for (`None` for an input image).
    pub image_size: Option<ImageSize>,
    pub favourite: bool,
    pub rating: u32,
    pub deleted_at: Option<f64>,
    pub created_at: f64,
    /// Why it is not quite what was asked for (it was paid for, so it is kept).
    pub flag: Option<ImageFlag>,
    pub prompt: Option<String>,
    pub model: Option<Model>,
    pub job_status: Option<JobStatus>,
}

/// What to know about an image that is not quite what was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ImageFlag {
    /// A masked edit whose answer had another shape than its crop: stretched to fit.
    Unaligned,
    /// An upscale answered at another size than asked.
    WrongSize,
}

impl ImageFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            ImageFlag::Unaligned => "unaligned",
            ImageFlag::WrongSize => "wrong_size",
        }
    }

    /// A stored flag; one a newer version wrote reads as none.
    pub fn parse(s: &str) -> Option<ImageFlag> {
        match s {
            "unaligned" => Some(ImageFlag::Unaligned),
            "wrong_size" => Some(ImageFlag::WrongSize),
            _ => None,
        }
    }
}

/// Clamps a requested page size to 1..=MAX_PAGE_SIZE.
pub(crate) fn page_limit(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
}
