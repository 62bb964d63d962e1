//! The built-in catalog: every model as data. Sources: `shared/notes/providers.md` §1–2.
//! nanobananaapi.ai publishes no prices, so its figures are the best public ones found, marked as
//! estimates (a person can edit them in Settings); Gemini prices are Google's, per output token.

use super::models::{Model, ModelInfo, PriceBasis, SizeOption};
use super::providers::ProviderKind;
use super::ratios::AspectRatio;
use super::sizes::ImageSize;

/// Every model, in the order the UI lists them.
pub fn builtin() -> &'static [ModelInfo] {
    const ALL: &[ModelInfo] = &[
        NANO_BANANA_2,
        NANO_BANANA_PRO,
        NANO_BANANA,
        GEMINI_31_FLASH_IMAGE,
        GEMINI_3_PRO_IMAGE,
        GEMINI_25_FLASH_IMAGE,
        GEMINI_31_FLASH_LITE_IMAGE,
        DEMO,
    ];
    ALL
}

impl Model {
    /// The model's entry in the built-in catalog.
    pub fn info(self) -> &'static ModelInfo {
        builtin().iter().find(|m| m.model == self).unwrap_or(&DEMO)
    }

    pub fn provider(self) -> ProviderKind {
        self.info().provider
    }
}

impl ProviderKind {
    /// The model a provider uses when asked for one it does not serve.
    pub fn default_model(self) -> Model {
        match self {
            ProviderKind::NanoBanana => Model::NanoBanana2,
            ProviderKind::Gemini => Model::Gemini31FlashImage,
            ProviderKind::Demo => Model::Demo,
        }
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

const NANO_BANANA: ModelInfo = ModelInfo {
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

const NANO_BANANA_2: ModelInfo = ModelInfo {
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

const NANO_BANANA_PRO: ModelInfo = ModelInfo {
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

const GEMINI_31_FLASH_IMAGE: ModelInfo = gemini(
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

const GEMINI_3_PRO_IMAGE: ModelInfo = gemini(
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

const GEMINI_25_FLASH_IMAGE: ModelInfo = gemini(
    Model::Gemini25FlashImage,
    "Nano Banana (Gemini)",
    "Gemini 2.5 Flash Image on your own Google key: 1K, up to 3 input images.",
    &[tokens(ImageSize::S1K, 1290, 30.0, 180)],
    BASIC,
    3,
    [30.0, 2.5, 0.30],
);

const GEMINI_31_FLASH_LITE_IMAGE: ModelInfo = gemini(
    Model::Gemini31FlashLiteImage,
    "Nano Banana 2 Lite (Gemini)",
    "Gemini 3.1 Flash-Lite Image on your own Google key: 1K only, the cheapest.",
    &[tokens(ImageSize::S1K, 1120, 30.0, 180)],
    EVERY_BUT_AUTO,
    14,
    [30.0, 1.5, 0.10],
);

const DEMO: ModelInfo = ModelInfo {
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
