//! Sizes and shapes: the size presets a person picks, the service's resolution tiers, and the
//! aspect ratios each model accepts.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::ProviderError;

/// The size a person picks. The library stores images downscaled to [`SizePreset::target_long_side`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SizePreset {
    /// 512 px.
    Fast,
    /// 768 px.
    Balanced,
    /// 1024 px, the default.
    #[default]
    Quality,
    /// 1536 px.
    Ultra,
}

impl SizePreset {
    pub const ALL: [SizePreset; 4] = [
        SizePreset::Fast,
        SizePreset::Balanced,
        SizePreset::Quality,
        SizePreset::Ultra,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SizePreset::Fast => "fast",
            SizePreset::Balanced => "balanced",
            SizePreset::Quality => "quality",
            SizePreset::Ultra => "ultra",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SizePreset::Fast => "Fast",
            SizePreset::Balanced => "Balanced",
            SizePreset::Quality => "Quality",
            SizePreset::Ultra => "Ultra",
        }
    }

    /// The long side, in pixels, of the image kept in the library.
    pub fn target_long_side(self) -> u32 {
        match self {
            SizePreset::Fast => 512,
            SizePreset::Balanced => 768,
            SizePreset::Quality => 1024,
            SizePreset::Ultra => 1536,
        }
    }

    /// The smallest resolution tier whose long side covers the preset.
    pub fn resolution(self) -> Resolution {
        Resolution::ALL
            .into_iter()
            .find(|r| r.long_side() >= self.target_long_side())
            .unwrap_or(Resolution::FourK)
    }
}

impl FromStr for SizePreset {
    type Err = ProviderError;
    /// Accepts the name (`quality`, `Quality`) or the pixel size (`1024`, `1024x1024`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let px = t.split(['x', 'X']).next().unwrap_or(t);
        SizePreset::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(t) || p.target_long_side().to_string() == px)
            .ok_or_else(|| {
                ProviderError::InvalidInput(format!(
                    "unknown size '{t}': choose fast (512), balanced (768), quality (1024) or ultra (1536)"
                ))
            })
    }
}

/// The resolution tier of nano-banana-2 and nano-banana-pro.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolution {
    OneK,
    TwoK,
    FourK,
}

impl Resolution {
    pub const ALL: [Resolution; 3] = [Resolution::OneK, Resolution::TwoK, Resolution::FourK];

    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::OneK => "1K",
            Resolution::TwoK => "2K",
            Resolution::FourK => "4K",
        }
    }

    pub fn long_side(self) -> u32 {
        match self {
            Resolution::OneK => 1024,
            Resolution::TwoK => 2048,
            Resolution::FourK => 4096,
        }
    }
}

macro_rules! aspect_ratios {
    ($($variant:ident = $text:literal, $w:literal : $h:literal, $basic:literal;)*) => {
        /// Aspect ratios the service knows. `auto` is pro-only; `1:4 1:8 4:1 8:1` are nano-banana-2-only.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum AspectRatio {
            #[default]
            $(#[serde(rename = $text)] $variant,)*
        }

        impl AspectRatio {
            pub const ALL: &'static [AspectRatio] = &[$(AspectRatio::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(AspectRatio::$variant => $text),* }
            }

            /// Width and height parts (`auto` counts as square).
            pub fn parts(self) -> (u32, u32) {
                match self { $(AspectRatio::$variant => ($w, $h)),* }
            }

            /// One of the ten ratios every model accepts.
            pub fn is_basic(self) -> bool {
                match self { $(AspectRatio::$variant => $basic),* }
            }
        }
    };
}

aspect_ratios! {
    Square = "1:1", 1:1, true;
    Portrait9x16 = "9:16", 9:16, true;
    Landscape16x9 = "16:9", 16:9, true;
    Portrait3x4 = "3:4", 3:4, true;
    Landscape4x3 = "4:3", 4:3, true;
    Landscape3x2 = "3:2", 3:2, true;
    Portrait2x3 = "2:3", 2:3, true;
    Landscape5x4 = "5:4", 5:4, true;
    Portrait4x5 = "4:5", 4:5, true;
    Landscape21x9 = "21:9", 21:9, true;
    Portrait1x4 = "1:4", 1:4, false;
    Portrait1x8 = "1:8", 1:8, false;
    Landscape4x1 = "4:1", 4:1, false;
    Landscape8x1 = "8:1", 8:1, false;
    Auto = "auto", 1:1, false;
}

impl AspectRatio {
    /// Pixel dimensions with the given long side, rounded, never below 1.
    pub fn dimensions(self, long_side: u32) -> (u32, u32) {
        let (w, h) = self.parts();
        let long = u64::from(long_side);
        let (w, h) = (u64::from(w), u64::from(h));
        let (width, height) = if w >= h {
            (long, (long * h + w / 2) / w)
        } else {
            ((long * w + h / 2) / h, long)
        };
        let clamp = |v: u64| u32::try_from(v.max(1)).unwrap_or(u32::MAX);
        (clamp(width), clamp(height))
    }
}

impl fmt::Display for AspectRatio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AspectRatio {
    type Err = ProviderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        AspectRatio::ALL
            .iter()
            .copied()
            .find(|r| r.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                let known: Vec<&str> = AspectRatio::ALL.iter().map(|r| r.as_str()).collect();
                ProviderError::InvalidInput(format!(
                    "unknown aspect ratio '{t}': choose one of {}",
                    known.join(", ")
                ))
            })
    }
}
