//! The models, as data: who serves each, the sizes and aspect ratios it offers, its limits and
//! its price per size. Sources: `shared/notes/providers.md` §1–2. nanobananaapi.ai publishes no
//! prices, so its figures are the best public ones found, marked as estimates (a person can edit
//! them in Settings); Gemini prices are Google's, per output token.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::ImageSize;
use crate::providers::{AspectRatio, ProviderError};

/// Who generates: the reseller, Google's own API, or the offline demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ProviderKind {
    #[default]
    #[serde(rename = "nanobanana")]
    NanoBanana,
    /// Google's own Gemini API (an AI Studio key).
    #[serde(rename = "gemini")]
    Gemini,
    #[serde(rename = "demo")]
    Demo,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 3] = [
        ProviderKind::NanoBanana,
        ProviderKind::Gemini,
        ProviderKind::Demo,
    ];

    /// The name stored in `jobs.provider`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::NanoBanana => "nanobanana",
            ProviderKind::Gemini => "gemini",
            ProviderKind::Demo => "demo",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProviderKind::NanoBanana => "Nano Banana (nanobananaapi.ai)",
            ProviderKind::Gemini => "Google Gemini API",
            ProviderKind::Demo => "Demo — not AI",
        }
    }

    /// The model a provider uses when asked for one it does not serve.
    pub fn default_model(self) -> Model {
        match self {
            ProviderKind::NanoBanana => Model::NanoBanana2,
            ProviderKind::Gemini => Model::Gemini31FlashImage,
            ProviderKind::Demo => Model::Demo,
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProviderKind {
    type Err = ProviderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nanobanana" | "nano-banana" => Ok(ProviderKind::NanoBanana),
            "gemini" | "google" => Ok(ProviderKind::Gemini),
            "demo" => Ok(ProviderKind::Demo),
            other => Err(ProviderError::InvalidInput(format!(
                "unknown provider '{other}': choose nanobanana, gemini or demo"
            ))),
        }
    }
}

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

    /// USD of one call from its token usage at the model's token prices (0 for flat prices).
    pub fn token_cost(self, usage: &crate::providers::gemini::Usage) -> f64 {
        match self.info().price_basis {
            PriceBasis::PerOutputToken {
                image_usd_per_million,
                text_usd_per_million,
                input_usd_per_million,
            } => {
                let per = |tokens: u64, rate: f64| tokens as f64 * rate / 1e6;
                super::round_micro_usd(
                    per(usage.image_tokens, image_usd_per_million)
                        + per(
                            usage.text_tokens + usage.thought_tokens,
                            text_usd_per_million,
                        )
                        + per(usage.prompt_tokens, input_usd_per_million),
                )
            }
            _ => 0.0,
        }
    }

    /// The model's entry in the built-in catalog.
    pub fn info(self) -> &'static ModelInfo {
        super::builtin()
            .iter()
            .find(|m| m.model == self)
            .unwrap_or(&DEMO)
    }

    pub fn provider(self) -> ProviderKind {
        self.info().provider
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
                let known: Vec<&str> = Model::ALL.iter().map(|m| m.as_str()).collect();
                ProviderError::InvalidInput(format!(
                    "unknown model '{s}': choose {}",
                    known.join(", ")
                ))
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

use AspectRatio as R;
const BASIC: &[AspectRatio] = &[
    R::Square,
    R::Portrait9x16,
    R::Landscape16x9,
    R::Portrait3x4,
    R::Landscape4x3,
    R::Landscape3x2,
    R::Portrait2x3,
    R::Landscape5x4,
    R::Portrait4x5,
    R::Landscape21x9,
];
const BASIC_AUTO: &[AspectRatio] = &[
    R::Square,
    R::Portrait9x16,
    R::Landscape16x9,
    R::Portrait3x4,
    R::Landscape4x3,
    R::Landscape3x2,
    R::Portrait2x3,
    R::Landscape5x4,
    R::Portrait4x5,
    R::Landscape21x9,
    R::Auto,
];
const EVERY: &[AspectRatio] = &[
    R::Square,
    R::Portrait9x16,
    R::Landscape16x9,
    R::Portrait3x4,
    R::Landscape4x3,
    R::Landscape3x2,
    R::Portrait2x3,
    R::Landscape5x4,
    R::Portrait4x5,
    R::Landscape21x9,
    R::Portrait1x4,
    R::Portrait1x8,
    R::Landscape4x1,
    R::Landscape8x1,
    R::Auto,
];

const fn size(size: ImageSize, price_usd: f64, timeout_secs: u32) -> SizeOption {
    SizeOption {
        size,
        price_usd,
        tokens: None,
        timeout_secs,
    }
}

pub(super) const NANO_BANANA: ModelInfo = ModelInfo {
    model: Model::NanoBanana,
    provider: ProviderKind::NanoBanana,
    label: "Nano Banana",
    description: "The original model: fast, aspect ratio only, up to 4 images per task.",
    sizes: &[size(ImageSize::S1K, 0.02, 180)],
    default_size: ImageSize::S1K,
    aspect_ratios: BASIC,
    max_input_images: 10,
    max_prompt_chars: 5_000,
    images_per_task: 4,
    watermark: true,
    price_basis: PriceBasis::PerImage,
    price_is_estimate: true,
    price_source: "estimate: about $0.02 per image quoted by a public client of nanobananaapi.ai",
};

pub(super) const NANO_BANANA_2: ModelInfo = ModelInfo {
    model: Model::NanoBanana2,
    provider: ProviderKind::NanoBanana,
    label: "Nano Banana 2",
    description: "Gemini 3.1 Flash Image: 1K to 4K, every aspect ratio, prompts up to 20,000 characters.",
    sizes: &[
        size(ImageSize::S1K, 0.067, 180),
        size(ImageSize::S2K, 0.101, 240),
        size(ImageSize::S4K, 0.151, 360),
    ],
    default_size: ImageSize::S1K,
    aspect_ratios: EVERY,
    max_input_images: 14,
    max_prompt_chars: 20_000,
    images_per_task: 1,
    watermark: false,
    price_basis: PriceBasis::PerImage,
    price_is_estimate: true,
    price_source: "estimate: Google's own price for the same model (the reseller publishes none)",
};

pub(super) const NANO_BANANA_PRO: ModelInfo = ModelInfo {
    model: Model::NanoBananaPro,
    provider: ProviderKind::NanoBanana,
    label: "Nano Banana Pro",
    description: "Gemini 3 Pro Image: the highest quality, 1K to 4K; slower.",
    sizes: &[
        size(ImageSize::S1K, 0.12, 300),
        size(ImageSize::S2K, 0.12, 300),
        size(ImageSize::S4K, 0.24, 480),
    ],
    default_size: ImageSize::S1K,
    aspect_ratios: BASIC_AUTO,
    max_input_images: 8,
    max_prompt_chars: 10_000,
    images_per_task: 1,
    watermark: false,
    price_basis: PriceBasis::PerImage,
    price_is_estimate: true,
    price_source: "estimate: about $0.12 per image quoted by a public client of nanobananaapi.ai; 4K at Google's ratio",
};

const EVERY_BUT_AUTO: &[AspectRatio] = &[
    R::Square,
    R::Portrait9x16,
    R::Landscape16x9,
    R::Portrait3x4,
    R::Landscape4x3,
    R::Landscape3x2,
    R::Portrait2x3,
    R::Landscape5x4,
    R::Portrait4x5,
    R::Landscape21x9,
    R::Portrait1x4,
    R::Portrait1x8,
    R::Landscape4x1,
    R::Landscape8x1,
];

/// A size priced by its output tokens at `usd_per_million` per million image tokens.
const fn tokens(
    size: ImageSize,
    tokens: u32,
    usd_per_million: f64,
    timeout_secs: u32,
) -> SizeOption {
    SizeOption {
        size,
        price_usd: tokens as f64 * usd_per_million / 1e6,
        tokens: Some(tokens),
        timeout_secs,
    }
}

const GOOGLE_PRICES: &str = "Google's published price per image-output token (text and thinking \
at the text rate); each job's cost comes from its real usage";

const fn gemini(
    model: Model,
    label: &'static str,
    description: &'static str,
    sizes: &'static [SizeOption],
    aspect_ratios: &'static [AspectRatio],
    max_input_images: u32,
    rates: [f64; 3],
) -> ModelInfo {
    ModelInfo {
        model,
        provider: ProviderKind::Gemini,
        label,
        description,
        sizes,
        default_size: ImageSize::S1K,
        aspect_ratios,
        max_input_images,
        max_prompt_chars: 20_000,
        images_per_task: 1,
        watermark: false,
        price_basis: PriceBasis::PerOutputToken {
            image_usd_per_million: rates[0],
            text_usd_per_million: rates[1],
            input_usd_per_million: rates[2],
        },
        price_is_estimate: false,
        price_source: GOOGLE_PRICES,
    }
}

pub(super) const GEMINI_31_FLASH_IMAGE: ModelInfo = gemini(
    Model::Gemini31FlashImage,
    "Nano Banana 2 (Gemini)",
    "Gemini 3.1 Flash Image on your own Google key: 512 px to 4K, 14 aspect ratios.",
    &[
        tokens(ImageSize::S512, 747, 60.0, 180),
        tokens(ImageSize::S1K, 1120, 60.0, 180),
        tokens(ImageSize::S2K, 1680, 60.0, 240),
        tokens(ImageSize::S4K, 2520, 60.0, 360),
    ],
    EVERY_BUT_AUTO,
    14,
    [60.0, 3.0, 0.25],
);

pub(super) const GEMINI_3_PRO_IMAGE: ModelInfo = gemini(
    Model::Gemini3ProImage,
    "Nano Banana Pro (Gemini)",
    "Gemini 3 Pro Image on your own Google key: the highest quality; it thinks first, so it is slower.",
    &[
        tokens(ImageSize::S1K, 1120, 120.0, 420),
        tokens(ImageSize::S2K, 1120, 120.0, 480),
        tokens(ImageSize::S4K, 2000, 120.0, 600),
    ],
    BASIC,
    14,
    [120.0, 12.0, 2.0],
);

pub(super) const GEMINI_25_FLASH_IMAGE: ModelInfo = gemini(
    Model::Gemini25FlashImage,
    "Nano Banana (Gemini)",
    "Gemini 2.5 Flash Image on your own Google key: 1K, up to 3 input images.",
    &[tokens(ImageSize::S1K, 1290, 30.0, 180)],
    BASIC,
    3,
    [30.0, 2.5, 0.30],
);

pub(super) const GEMINI_31_FLASH_LITE_IMAGE: ModelInfo = gemini(
    Model::Gemini31FlashLiteImage,
    "Nano Banana 2 Lite (Gemini)",
    "Gemini 3.1 Flash-Lite Image on your own Google key: 1K only, the cheapest.",
    &[tokens(ImageSize::S1K, 1120, 30.0, 180)],
    EVERY_BUT_AUTO,
    14,
    [30.0, 1.5, 0.10],
);

pub(super) const DEMO: ModelInfo = ModelInfo {
    model: Model::Demo,
    provider: ProviderKind::Demo,
    label: "Demo — not AI",
    description: "Offline procedural pictures, clearly labelled, free.",
    sizes: &[
        size(ImageSize::S512, 0.0, 60),
        size(ImageSize::S1K, 0.0, 60),
        size(ImageSize::S2K, 0.0, 60),
    ],
    default_size: ImageSize::S1K,
    aspect_ratios: EVERY,
    max_input_images: 0,
    max_prompt_chars: 20_000,
    images_per_task: 4,
    watermark: true,
    price_basis: PriceBasis::Free,
    price_is_estimate: false,
    price_source: "free",
};
