//! Between a person's request and a job row: a job stores everything needed to rebuild its
//! request after a restart, and, once the task has finished, the URLs of its results.

use serde::{Deserialize, Serialize};

use crate::catalog::{Prices, ProviderKind};
use crate::library::{JobRecord, NewJob, TaskType};
use crate::providers::{GenerationRequest, MAX_IMAGES};
use crate::{CoreError, Result};

/// What a job in DOWNLOADING keeps in `response_data`: a restarted queue downloads again from
/// these without asking the service, or stores the answer it staged on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultUrls {
    /// One per image slot, in slot order.
    pub urls: Vec<String>,
    /// Other copies (the service's short-lived upstream URLs), by slot, tried when a URL is gone.
    #[serde(default)]
    pub fallback_urls: Vec<String>,
    /// The service's last answer, for History.
    #[serde(default)]
    pub raw: Option<serde_json::Value>,
    /// A synchronous provider's paid answer, written to disk before its cost was committed:
    /// library-relative files, one per image slot (see `super::staging`).
    #[serde(default)]
    pub staged: Vec<String>,
}

impl ResultUrls {
    pub fn to_response_data(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| CoreError::Internal(e.to_string()))
    }

    /// The URLs of a job in DOWNLOADING; an error if the row holds none (a damaged row).
    pub fn of_job(job: &JobRecord) -> Result<Self> {
        job.response_data
            .as_deref()
            .and_then(|data| serde_json::from_str::<ResultUrls>(data).ok())
            .filter(|r| !r.urls.is_empty() || !r.staged.is_empty())
            .ok_or_else(|| {
                CoreError::Interrupted(format!(
                    "job {} was downloading but its result URLs were not recorded",
                    job.id
                ))
            })
    }

    /// Slots to store: one per URL (or staged file), at most [`MAX_IMAGES`].
    pub fn slots(&self) -> u32 {
        let n = self.urls.len().max(self.staged.len());
        u32::try_from(n.min(usize::from(MAX_IMAGES))).unwrap_or(0)
    }
}

/// The row for one task of a request (`req` already split, see
/// [`GenerationRequest::split_into_tasks`]).
pub(crate) fn new_job(
    req: &GenerationRequest,
    provider: ProviderKind,
    timeout_secs: Option<u32>,
    prices: &Prices,
    install_id: &str,
) -> NewJob {
    NewJob {
        prompt: req.prompt.clone(),
        task_type: if req.is_image_to_image() {
            TaskType::ImageToImage
        } else {
            TaskType::TextToImage
        },
        provider,
        model: req.model,
        image_size: req.size,
        aspect_ratio: req.aspect_ratio,
        num_images: u32::from(req.count),
        watermark: req.watermark.clone().filter(|w| !w.trim().is_empty()),
        input_image_urls: req.image_urls.clone(),
        input_image_ids: req.input_images.clone(),
        seed: req.seed,
        timeout_secs,
        parent_job_id: None,
        parent_image_id: None,
        created_at: None,
        estimated_cost: prices.estimate(req.model, req.size, u32::from(req.count)),
        driver_install: Some(install_id.to_owned()),
        conversation: None,
        mask_edit: None,
        purpose: None,
    }
}

/// The request a job was made from.
/// The prompt as the provider gets it: a masked edit says which part of the crop to change.
pub(crate) fn sent_prompt(job: &JobRecord) -> String {
    match crate::editing::MaskEditRecord::parse(job.mask_edit.as_deref()) {
        Some(record) => record.prompt(&job.prompt),
        None => job.prompt.clone(),
    }
}

pub(crate) fn request_of(job: &JobRecord) -> Result<GenerationRequest> {
    let count = u8::try_from(job.num_images).map_err(|_| {
        CoreError::Internal(format!(
            "job {} has an unusable image count in the library",
            job.id
        ))
    })?;
    Ok(GenerationRequest {
        prompt: sent_prompt(job),
        model: job.model,
        size: job.image_size,
        aspect_ratio: job.aspect_ratio,
        count,
        watermark: job.watermark.clone(),
        // Jobs recorded by earlier versions kept the presigned links of their library inputs
        // here; those expire, and the inputs themselves are in `input_images`.
        image_urls: job
            .input_image_urls
            .iter()
            .filter(|url| !is_presigned(url))
            .cloned()
            .collect(),
        // References were resolved into the inputs when the job was recorded.
        input_images: job.input_image_ids.clone(),
        references: Vec::new(),
        seed: job.seed,
    })
}

/// Whether `url` is one of our presigned links (SigV4 query signing).
fn is_presigned(url: &str) -> bool {
    url.contains("X-Amz-Signature=")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_row_gives_back_its_request() {
        let mut req = GenerationRequest::new("a lighthouse", crate::catalog::Model::NanoBanana);
        req.size = crate::catalog::ImageSize::S1K;
        req.aspect_ratio = crate::catalog::AspectRatio::Landscape16x9;
        req.count = 3;
        req.watermark = Some("nf".into());
        req.seed = Some(7);
        let row = new_job(
            &req,
            ProviderKind::NanoBanana,
            Some(30),
            &Prices::default(),
            "install",
        );
        assert_eq!(
            (row.image_size, row.num_images),
            (crate::catalog::ImageSize::S1K, 3)
        );
        assert_eq!(row.estimated_cost, 0.06);
        let job = JobRecord {
            id: "j".into(),
            image_id: None,
            image_sha256: None,
            prompt: row.prompt,
            task_type: row.task_type,
            provider: row.provider,
            model: row.model,
            image_size: row.image_size,
            aspect_ratio: row.aspect_ratio,
            num_images: row.num_images,
            watermark: row.watermark,
            input_image_urls: row.input_image_urls,
            input_image_ids: row.input_image_ids,
            seed: row.seed,
            remote_task_id: None,
            response_data: None,
            cost: 0.0,
            estimated_cost: row.estimated_cost,
            may_be_charged: false,
            duration_ms: None,
            queue_ms: None,
            submitted_at: None,
            status: crate::library::JobStatus::Pending,
            error_kind: None,
            error_message: None,
            attempts: 0,
            timeout_secs: row.timeout_secs,
            parent_job_id: None,
            parent_image_id: None,
            created_at: 0.0,
            updated_at: 0.0,
            completed_at: None,
            origin_device: None,
            charged_credits: None,
            driver_install: None,
            conversation: None,
            mask_edit: None,
            purpose: None,
            batch_id: None,
        };
        assert_eq!(request_of(&job).unwrap(), req);
        assert!(ResultUrls::of_job(&job).is_err());
    }
}
