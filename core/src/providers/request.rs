//! What a person asks for: prompt, model, size, aspect ratio, count. Validated before any request
//! leaves the machine, so a bad request costs nothing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::ProviderError;
use super::dimensions::{AspectRatio, SizePreset};

/// The most images one generation may ask for.
pub const MAX_IMAGES: u8 = 4;

/// Which model makes the image. Serialised with the service's names (`nano-banana-2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Model {
    /// The original model: aspect ratio only, up to 4 images per task.
    #[serde(rename = "nano-banana")]
    NanoBanana,
    /// Resolution tiers 1K/2K/4K, prompts up to 20,000 characters, one image per task.
    #[default]
    #[serde(rename = "nano-banana-2")]
    NanoBanana2,
    /// Resolution tiers 1K/2K/4K, one image per task.
    #[serde(rename = "nano-banana-pro")]
    NanoBananaPro,
    /// The offline demo provider: procedural images, no network, no cost.
    #[serde(rename = "demo")]
    Demo,
}

impl Model {
    pub const ALL: [Model; 4] = [
        Model::NanoBanana,
        Model::NanoBanana2,
        Model::NanoBananaPro,
        Model::Demo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Model::NanoBanana => "nano-banana",
            Model::NanoBanana2 => "nano-banana-2",
            Model::NanoBananaPro => "nano-banana-pro",
            Model::Demo => "demo",
        }
    }

    /// Longest prompt accepted, in characters (Unicode scalar values). Only nano-banana-2's limit
    /// (20,000) is documented; the others are our conservative choice so an over-long prompt fails
    /// here rather than as a paid-for error: 5,000 for nano-banana, 10,000 for nano-banana-pro.
    pub fn max_prompt_chars(self) -> usize {
        match self {
            Model::NanoBanana => 5_000,
            Model::NanoBanana2 | Model::Demo => 20_000,
            Model::NanoBananaPro => 10_000,
        }
    }

    /// Most input images for image-to-image. Documented: pro ≤ 8, nano-banana-2 ≤ 14; nano-banana's
    /// limit is undocumented and we allow 10.
    pub fn max_input_images(self) -> usize {
        match self {
            Model::NanoBanana => 10,
            Model::NanoBanana2 => 14,
            Model::NanoBananaPro => 8,
            Model::Demo => 0,
        }
    }

    /// Images one submitted task can return. Only nano-banana has `numImages`; for the others a
    /// request for several images becomes several tasks (see [`GenerationRequest::split_into_tasks`]).
    pub fn max_images_per_task(self) -> u8 {
        match self {
            Model::NanoBanana | Model::Demo => MAX_IMAGES,
            Model::NanoBanana2 | Model::NanoBananaPro => 1,
        }
    }

    /// Whether the model takes a `resolution` tier (1K/2K/4K) instead of only an aspect ratio.
    pub fn has_resolution(self) -> bool {
        matches!(self, Model::NanoBanana2 | Model::NanoBananaPro)
    }

    /// Whether the service takes a `watermark` text for this model.
    pub fn has_watermark(self) -> bool {
        matches!(self, Model::NanoBanana | Model::Demo)
    }

    pub fn supports(self, ratio: AspectRatio) -> bool {
        match self {
            Model::NanoBanana => ratio.is_basic(),
            Model::NanoBananaPro => ratio.is_basic() || ratio == AspectRatio::Auto,
            Model::NanoBanana2 | Model::Demo => true,
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Model {
    type Err = ProviderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Model::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                ProviderError::InvalidInput(format!(
                    "unknown model '{s}': choose nano-banana, nano-banana-2, nano-banana-pro or demo"
                ))
            })
    }
}

/// One generation as a person asked for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct GenerationRequest {
    pub prompt: String,
    #[serde(default)]
    pub model: Model,
    #[serde(default)]
    pub size: SizePreset,
    #[serde(default)]
    pub aspect_ratio: AspectRatio,
    /// 1–4 images.
    #[serde(default = "one")]
    pub count: u8,
    #[serde(default)]
    pub watermark: Option<String>,
    /// Public http(s) URLs of input images; empty for text-to-image.
    #[serde(default)]
    pub image_urls: Vec<String>,
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
            size: SizePreset::default(),
            aspect_ratio: AspectRatio::default(),
            count: 1,
            watermark: None,
            image_urls: Vec::new(),
            seed: None,
        }
    }

    pub fn is_image_to_image(&self) -> bool {
        !self.image_urls.is_empty()
    }

    /// Refuses anything the service would refuse (or charge for and then fail), before any request.
    pub fn validate(&self) -> Result<(), ProviderError> {
        let invalid = |m: String| Err(ProviderError::InvalidInput(m));
        let model = self.model;
        if self.prompt.trim().is_empty() {
            return invalid("the prompt is empty: describe the image you want".into());
        }
        let chars = self.prompt.chars().count();
        if chars > model.max_prompt_chars() {
            return invalid(format!(
                "the prompt is {chars} characters long; {model} accepts at most {}",
                model.max_prompt_chars()
            ));
        }
        if !(1..=MAX_IMAGES).contains(&self.count) {
            return invalid(format!(
                "asked for {} images; choose between 1 and {MAX_IMAGES}",
                self.count
            ));
        }
        if !model.supports(self.aspect_ratio) {
            return invalid(format!(
                "{model} does not offer the aspect ratio {}",
                self.aspect_ratio
            ));
        }
        if let Some(w) = self.watermark.as_deref().filter(|w| !w.trim().is_empty()) {
            if !model.has_watermark() {
                return invalid(format!(
                    "{model} has no watermark option: clear the watermark or choose nano-banana"
                ));
            }
            if w.chars().count() > 100 {
                return invalid("the watermark text is longer than 100 characters".into());
            }
        }
        if self.image_urls.len() > model.max_input_images() {
            return invalid(format!(
                "{model} accepts at most {} input images; {} given",
                model.max_input_images(),
                self.image_urls.len()
            ));
        }
        for url in &self.image_urls {
            check_public_url(url)?;
        }
        Ok(())
    }

    /// The tasks to submit for this request: one for models that return several images per task,
    /// otherwise one task per image (each with `count == 1`).
    pub fn split_into_tasks(&self) -> Vec<GenerationRequest> {
        let per_task = self.model.max_images_per_task().max(1);
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
