//! The models as types: a model's id, what it offers (sizes with their default prices, aspect
//! ratios, limits) and how it is billed. The entries themselves are data in [`super::builtin`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::choice::UnknownChoice;
use super::providers::ProviderKind;
use super::ratios::AspectRatio;
use super::sizes::ImageSize;

/// A model, by the id its provider uses.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Model {
    /// The original Nano Banana (Gemini 2.5 Flash Image) at nanobananaapi.ai: aspect ratio only,
    /// up to 4 images per task.
    #[serde(rename = "nano-banana")]
    NanoBanana,
    /// Nano Banana 2 (Gemini 3.1 Flash Image) at nanobananaapi.ai.
    #[default]
    #[serde(rename = "nano-banana-2")]
    NanoBanana2,
    /// Nano Banana Pro (Gemini 3 Pro Image) at nanobananaapi.ai.
    #[serde(rename = "nano-banana-pro")]
    NanoBananaPro,
    /// Gemini 3.1 Flash Image (Nano Banana 2) on Google's API: 512 px to 4K.
    #[serde(rename = "gemini-3.1-flash-image")]
    Gemini31FlashImage,
    /// Gemini 3 Pro Image (Nano Banana Pro) on Google's API.
    #[serde(rename = "gemini-3-pro-image")]
    Gemini3ProImage,
    /// Gemini 2.5 Flash Image (the original Nano Banana) on Google's API.
    #[serde(rename = "gemini-2.5-flash-image")]
    Gemini25FlashImage,
    /// Gemini 3.1 Flash-Lite Image on Google's API: 1K only, the cheapest.
    #[serde(rename = "gemini-3.1-flash-lite-image")]
    Gemini31FlashLiteImage,
    /// The offline demo: procedural pictures, no network, no cost.
    #[serde(rename = "demo")]
    Demo,
}

impl Model {
    pub const ALL: [Model; 8] = [
        Model::NanoBanana,
        Model::NanoBanana2,
        Model::NanoBananaPro,
        Model::Gemini31FlashImage,
        Model::Gemini3ProImage,
        Model::Gemini25FlashImage,
        Model::Gemini31FlashLiteImage,
        Model::Demo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Model::NanoBanana => "nano-banana",
            Model::NanoBanana2 => "nano-banana-2",
            Model::NanoBananaPro => "nano-banana-pro",
            Model::Gemini31FlashImage => "gemini-3.1-flash-image",
            Model::Gemini3ProImage => "gemini-3-pro-image",
            Model::Gemini25FlashImage => "gemini-2.5-flash-image",
            Model::Gemini31FlashLiteImage => "gemini-3.1-flash-lite-image",
            Model::Demo => "demo",
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Model {
    type Err = UnknownChoice;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Model::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let known: Vec<&str> = Model::ALL.iter().map(|m| m.as_str()).collect();
                UnknownChoice(format!("unknown model '{s}': choose {}", known.join(", ")))
            })
    }
}

/// How a model is billed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PriceBasis {
    /// A flat price per image and size (the reseller; estimates).
    PerImage,
    /// Google's per-token prices; a job's real cost comes from its usage (image output tokens,
    /// text and thinking at the text rate, and the prompt).
    #[serde(rename_all = "camelCase")]
    PerOutputToken {
        image_usd_per_million: f64,
        text_usd_per_million: f64,
        input_usd_per_million: f64,
    },
    /// Nothing (the demo).
    Free,
}

/// One size a model offers, with its default price.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SizeOption {
    pub size: ImageSize,
    /// USD per image.
    pub price_usd: f64,
    /// Output tokens per image, for per-token models.
    pub tokens: Option<u32>,
    /// How long one run of a job may take at this size before it becomes recoverable.
    pub timeout_secs: u32,
}

/// Everything the UI, the CLI and validation need to know about a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    pub model: Model,
    pub provider: ProviderKind,
    pub label: &'static str,
    pub description: &'static str,
    pub sizes: &'static [SizeOption],
    pub default_size: ImageSize,
    pub aspect_ratios: &'static [AspectRatio],
    /// Input images for image-to-image (0: text only).
    pub max_input_images: u32,
    /// In characters (Unicode scalar values).
    pub max_prompt_chars: u32,
    /// Images one task returns; more become several jobs.
    pub images_per_task: u32,
    pub watermark: bool,
    pub price_basis: PriceBasis,
    /// Whether the default prices are our estimates rather than published figures.
    pub price_is_estimate: bool,
    /// Where the price comes from, for the Settings screen.
    pub price_source: &'static str,
}

impl ModelInfo {
    pub fn size(&self, size: ImageSize) -> Option<&SizeOption> {
        self.sizes.iter().find(|s| s.size == size)
    }

    pub fn offers(&self, ratio: AspectRatio) -> bool {
        self.aspect_ratios.contains(&ratio)
    }
}
