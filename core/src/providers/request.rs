//! What a person asks for: prompt, model, size, aspect ratio, count. Validated before any request
//! leaves the machine, so a bad request costs nothing.

use serde::{Deserialize, Serialize};

use super::ProviderError;
use crate::catalog::AspectRatio;
pub use crate::catalog::{ImageSize, MAX_IMAGES, Model};

/// The longest watermark text a request may carry (the service's own limit).
pub const WATERMARK_MAX_CHARS: usize = 100;

/// One generation as a person asked for it.

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct GenerationRequest {
    pub prompt: String,
    #[serde(default)]
    pub model: Model,
    /// One of the model's sizes (see the catalog).
    #[serde(default)]
    pub size: ImageSize,
    #[serde(default)]
    pub aspect_ratio: AspectRatio,
    /// 1–4 images.
    #[serde(default = "one")]
    pub count: u8,
    #[serde(default)]
    pub watermark: Option<String>,
    /// Public http(s) URLs of input images.
    #[serde(default)]
    pub image_urls: Vec<String>,
    /// Library images given as inputs (local files are imported as input images first). Gemini
    /// sends them inline; Nano Banana needs sync to hand the service a presigned URL.
    #[serde(default)]
    pub input_images: Vec<String>,
    /// Named references (`Mira`, `logo`), sent before the other inputs and labelled with their
    /// names; the session resolves them to library images when it records the job.
    #[serde(default)]
    pub references: Vec<String>,
    /// Only the demo provider uses it (the service takes no seed); `u32` because the UI's numbers
    /// are JavaScript doubles.
    #[serde(default)]
    pub seed: Option<u32>,
}

fn one() -> u8 {
    1
}

impl GenerationRequest {
    pub fn new(prompt: impl Into<String>, model: Model) -> Self {
        Self {
            prompt: prompt.into(),
            model,
            size: ImageSize::default(),
            aspect_ratio: AspectRatio::default(),
            count: 1,
            watermark: None,
            image_urls: Vec::new(),
            input_images: Vec::new(),
            references: Vec::new(),
            seed: None,
        }
    }

    pub fn is_image_to_image(&self) -> bool {
        !self.image_urls.is_empty() || !self.input_images.is_empty()
    }

    /// Inputs of both kinds.
    pub fn input_count(&self) -> usize {
        self.image_urls.len() + self.input_images.len()
    }

    /// Refuses anything the service would refuse (or charge for and then fail), before any
    /// request, by the rules of the model's catalog entry.
    pub fn validate(&self) -> Result<(), ProviderError> {
        let invalid = |m: String| Err(ProviderError::InvalidInput(m));
        let info = self.model.info();
        let label = info.label;
        if self.prompt.trim().is_empty() {
            return invalid("the prompt is empty: describe the image you want".into());
        }
        let chars = self.prompt.chars().count();
        if chars > info.max_prompt_chars as usize {
            return invalid(format!(
                "the prompt is {chars} characters long; {label} accepts at most {}",
                info.max_prompt_chars
            ));
        }
        if !(1..=MAX_IMAGES).contains(&self.count) {
            return invalid(format!(
                "asked for {} images; choose between 1 and {MAX_IMAGES}",
                self.count
            ));
        }
        if info.size(self.size).is_none() {
            let offered: Vec<&str> = info.sizes.iter().map(|s| s.size.as_str()).collect();
            return invalid(format!(
                "{label} does not offer the size {}: choose {}",
                self.size,
                offered.join(", ")
            ));
        }
        if !info.offers(self.aspect_ratio) {
            return invalid(format!(
                "{label} does not offer the aspect ratio {}",
                self.aspect_ratio
            ));
        }
        if let Some(w) = self.watermark.as_deref().filter(|w| !w.trim().is_empty()) {
            if !info.watermark {
                return invalid(format!(
                    "{label} has no watermark option: clear the watermark or choose Nano Banana"
                ));
            }
            if w.chars().count() > WATERMARK_MAX_CHARS {
                return invalid(format!(
                    "the watermark text is longer than {WATERMARK_MAX_CHARS} characters"
                ));
            }
        }
        if self.input_count() > info.max_input_images as usize {
            return invalid(if info.max_input_images == 0 {
                format!("{label} does not take input images")
            } else {
                format!(
                    "{label} accepts at most {} input images; {} given",
                    info.max_input_images,
                    self.input_count()
                )
            });
        }
        for url in &self.image_urls {
            check_public_url(url)?;
        }
        Ok(())
    }

    /// The tasks to submit for this request: one for models that return several images per task,
    /// otherwise one task per image (each with `count == 1`).
    pub fn split_into_tasks(&self) -> Vec<GenerationRequest> {
        let per_task = u8::try_from(self.model.info().images_per_task)
            .unwrap_or(1)
            .max(1);
        let mut left = self.count;
        let mut tasks = Vec::new();
        while left > 0 {
            let n = left.min(per_task);
            let mut task = self.clone();
            task.count = n;
            if let Some(seed) = self.seed {
                task.seed = Some(seed.wrapping_add(u32::from(self.count - left)));
            }
            tasks.push(task);
            left -= n;
        }
        tasks
    }
}

/// Input images must be URLs the service can fetch; a local path is not one.
fn check_public_url(url: &str) -> Result<(), ProviderError> {
    let trimmed = url.trim();
    let parsed = reqwest::Url::parse(trimmed).ok();
    let is_web = parsed
        .as_ref()
        .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    if is_web {
        return Ok(());
    }
    Err(ProviderError::InvalidInput(format!(
        "input image '{trimmed}' is not a public http(s) URL: a public URL is needed until R2 sync can provide one"
    )))
}
