//! What the CLI prints: `--json` objects (snake_case, absolute paths) and human lines.

use serde::Serialize;

use nanoforge_core::catalog::{Model, ProviderKind};
use nanoforge_core::library::{ImageRecord, JobRecord, JobStatus};
use nanoforge_core::{CoreError, ErrorKind, Result, Session};

pub const DEMO_NOTICE: &str = "No Nano Banana API key: using the offline demo provider. These are \
demo images, not AI (set NANOBANANA_API_KEY or store a key in the app's Settings).";

/// One job as `--json` prints it.
#[derive(Debug, Serialize)]
pub struct JobJson {
    pub id: String,
    /// PENDING … COMPLETED, RECOVERABLE, FAILED, CANCELLED.
    pub status: JobStatus,
    pub prompt: String,
    pub provider: ProviderKind,
    pub model: Model,
    pub images: Vec<ImageJson>,
    /// USD the provider confirmed.
    pub cost: f64,
    /// USD the catalog expected.
    pub estimated_cost: f64,
    /// The request went out: the provider may have charged `estimated_cost` even without images.
    pub may_be_charged: bool,
    /// The provider's work.
    pub duration_ms: Option<f64>,
    /// Unix ms of the paid request.
    pub submitted_at: Option<f64>,
    pub task_id: Option<String>,
    pub parent_job_id: Option<String>,
    /// The image it edited (an edit, an upscale).
    pub parent_image_id: Option<String>,
    /// The service's credits it took, when the balance showed it (Nano Banana).
    pub charged_credits: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorJson>,
}

#[derive(Debug, Serialize)]
pub struct ImageJson {
    pub id: String,
    /// Absolute.
    pub path: String,
    /// Absolute; the 256 px thumbnail.
    pub thumbnail_path: Option<String>,
    pub width: u32,
    pub height: u32,
    pub sha256: String,
}

#[derive(Debug, Serialize)]
pub struct ErrorJson {
    pub kind: ErrorKind,
    pub message: String,
}

pub async fn job_json(session: &Session, job: &JobRecord) -> Result<JobJson> {
    let images = session
        .job_images(&job.id)
        .await?
        .iter()
        .map(|i| image_json(session, i))
        .collect::<Result<Vec<_>>>()?;
    let error = match (job.status, &job.error_message) {
        (JobStatus::Failed | JobStatus::Cancelled | JobStatus::Recoverable, Some(message)) => {
            Some(ErrorJson {
                kind: job.error_kind.unwrap_or(ErrorKind::Internal),
                message: sanitize(message),
            })
        }
        _ => None,
    };
    Ok(JobJson {
        id: job.id.clone(),
        status: job.status,
        prompt: job.prompt.clone(),
        provider: job.provider,
        model: job.model,
        images,
        cost: job.cost,
        estimated_cost: job.estimated_cost,
        may_be_charged: job.may_be_charged,
        duration_ms: job.duration_ms,
        submitted_at: job.submitted_at,
        task_id: job.remote_task_id.clone(),
        parent_job_id: job.parent_job_id.clone(),
        parent_image_id: job.parent_image_id.clone(),
        charged_credits: job.charged_credits,
        error,
    })
}

fn image_json(session: &Session, image: &ImageRecord) -> Result<ImageJson> {
    let absolute =
        |rel: &str| -> Result<String> { Ok(session.file_path(rel)?.display().to_string()) };
    Ok(ImageJson {
        id: image.id.clone(),
        path: absolute(&image.path)?,
        thumbnail_path: image.thumb_path.as_deref().map(absolute).transpose()?,
        width: image.width,
        height: image.height,
        sha256: image.sha256.clone(),
    })
}

pub fn to_json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| CoreError::Internal(e.to_string()))
}

/// A finished job for people: a status line, then one line per image.
pub fn human_job(job: &JobJson) -> String {
    let demo = job.provider == ProviderKind::Demo;
    let mut out = match job.status {
        JobStatus::Completed => format!(
            "✓ {} completed{}{}",
            job.id,
            job.duration_ms
                .map(|ms| format!(" in {:.1} s", ms / 1000.0))
                .unwrap_or_default(),
            if demo {
                " · demo image, not AI".to_owned()
            } else {
                format!(" · ${:.4}", job.cost)
            }
        ),
        status => format!(
            "✗ {} {}{}: {}",
            job.id,
            status.as_str(),
            if job.may_be_charged && job.cost == 0.0 {
                format!(" · may have been charged about ${:.4}", job.estimated_cost)
            } else {
                String::new()
            },
            job.error
                .as_ref()
                .map_or("no further detail", |e| e.message.as_str())
        ),
    };
    for image in &job.images {
        let label = if demo { "demo image, not AI: " } else { "" };
        out.push_str(&format!(
            "\n  {label}{} ({}×{})",
            image.path, image.width, image.height
        ));
    }
    out
}

/// A one-line summary for `list`.
pub fn list_line(job: &JobJson) -> String {
    let prompt: String = job.prompt.chars().take(60).collect();
    let ellipsis = if job.prompt.chars().count() > 60 {
        "…"
    } else {
        ""
    };
    format!(
        "{}  {:<11}  {:<10}  ${:<7.4}  {}{}",
        job.id,
        job.status.as_str(),
        job.provider.as_str(),
        job.cost,
        prompt,
        ellipsis
    )
}

/// `nanoforge show`: every field people ask about.
pub fn show_text(job: &JobRecord, out: &JobJson) -> String {
    let mut lines = vec![
        format!("job        {}", job.id),
        format!("status     {}", job.status.as_str()),
        format!("prompt     {}", job.prompt),
        format!(
            "model      {} ({}){}",
            job.model,
            job.provider,
            if job.provider == ProviderKind::Demo {
                " · demo images, not AI"
            } else {
                ""
            }
        ),
        format!(
            "size       {}, {}, {} image(s)",
            job.image_size, job.aspect_ratio, job.num_images
        ),
        format!(
            "cost       ${:.4}{}",
            job.cost,
            if job.may_be_charged && job.cost == 0.0 {
                format!(" (may have been charged about ${:.4})", job.estimated_cost)
            } else {
                String::new()
            }
        ),
    ];
    if let Some(credits) = job.charged_credits {
        lines.push(format!("charged    {credits} credits"));
    }
    if let Some(ms) = job.duration_ms {
        lines.push(format!("duration   {:.1} s", ms / 1000.0));
    }
    if let Some(task) = &job.remote_task_id {
        lines.push(format!("task       {task}"));
    }
    if let Some(ms) = job.queue_ms {
        lines.push(format!(
            "queued     {:.1} s before it was sent",
            ms / 1000.0
        ));
    }
    if let Some(error) = &out.error {
        lines.push(format!(
            "error      {} ({})",
            error.message,
            error.kind.as_str()
        ));
    }
    for image in &out.images {
        lines.push(format!(
            "image      {} ({}×{})",
            image.path, image.width, image.height
        ));
    }
    lines.join("\n")
}

/// Text from a service or a file, made safe for a terminal: control characters (escape
/// sequences, carriage returns, NULs) become spaces and runs of whitespace one space.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The stored spelling of an error kind (`out_of_credits`).
pub fn kind_name(kind: nanoforge_core::ErrorKind) -> &'static str {
    kind.as_str()
}
