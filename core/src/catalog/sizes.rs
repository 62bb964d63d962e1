//! Output sizes as the services sell them: 512 px (Gemini 3.1 Flash only), 1K, 2K and 4K, each
//! named by its long side. The library keeps what the service returned (never upscaled).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::choice::UnknownChoice;

/// A size a person picks; which ones a model offers is in the catalog.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ImageSize {
    /// 512 px long side.
    #[serde(rename = "512")]
    S512,
    /// About 1024 px long side; the default.
    #[default]
    #[serde(rename = "1K")]
    S1K,
    /// About 2048 px.
    #[serde(rename = "2K")]
    S2K,
    /// About 4096 px.
    #[serde(rename = "4K")]
    S4K,
}

impl ImageSize {
    pub const ALL: [ImageSize; 4] = [
        ImageSize::S512,
        ImageSize::S1K,
        ImageSize::S2K,
        ImageSize::S4K,
    ];

    /// The services' spelling: `512`, `1K`, `2K`, `4K` (an uppercase K is required by Gemini).
    pub fn as_str(self) -> &'static str {
        match self {
            ImageSize::S512 => "512",
            ImageSize::S1K => "1K",
            ImageSize::S2K => "2K",
            ImageSize::S4K => "4K",
        }
    }

    /// The long side in pixels, as stored in `jobs.image_size`.
    pub fn long_side(self) -> u32 {
        match self {
            ImageSize::S512 => 512,
            ImageSize::S1K => 1024,
            ImageSize::S2K => 2048,
            ImageSize::S4K => 4096,
        }
    }

    /// The tier a stored long side stands for: exact tiers and the presets of earlier releases
    /// (see [`ImageSize::from_long_side`]), else the nearest tier (larger on a tie). Rows keep
    /// pixels in the database; everything above the database speaks tiers.
    pub fn nearest(px: u32) -> Self {
        Self::from_long_side(px).unwrap_or_else(|| {
            let mut best = ImageSize::S1K;
            for size in ImageSize::ALL {
                if size.long_side().abs_diff(px) <= best.long_side().abs_diff(px) {
                    best = size;
                }
            }
            best
        })
    }

    /// The size of a stored job. Rows from before the catalog used 768 and 1536 px presets;
    /// they map to the tier that covers them.
    pub fn from_long_side(px: u32) -> Option<Self> {
        match px {
            512 => Some(ImageSize::S512),
            768 | 1024 => Some(ImageSize::S1K),
            1536 | 2048 => Some(ImageSize::S2K),
            4096 => Some(ImageSize::S4K),
            _ => None,
        }
    }
}

/// A size as saved by any version: the tiers, or the presets of earlier releases (`fast` was
/// 512 px, `balanced` and `quality` fit 1K, `ultra` (1536 px) fits 2K).
pub(crate) fn deserialize_saved_size<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<ImageSize, D::Error> {
    let text = String::deserialize(d)?;
    match text.as_str() {
        "fast" => Ok(ImageSize::S512),
        "balanced" | "quality" => Ok(ImageSize::S1K),
        "ultra" => Ok(ImageSize::S2K),
        other => other.parse().map_err(serde::de::Error::custom),
    }
}

impl fmt::Display for ImageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ImageSize {
    type Err = UnknownChoice;
    /// `512`, `1K`/`1k`/`1024`, `2K`/`2048`, `4K`/`4096`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let px = t.split(['x', 'X']).next().unwrap_or(t);
        ImageSize::ALL
            .into_iter()
            .find(|size| size.as_str().eq_ignore_ascii_case(t) || size.long_side().to_string() == px)
            .ok_or_else(|| {
                UnknownChoice(format!(
                    "unknown size '{t}': choose 512, 1K, 2K or 4K (what a model offers is in `nanoforge models`)"
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_old_settings_still_read() {
        assert_eq!("4k".parse::<ImageSize>().unwrap(), ImageSize::S4K);
        assert_eq!("1024".parse::<ImageSize>().unwrap(), ImageSize::S1K);
        assert_eq!("2048x2048".parse::<ImageSize>().unwrap(), ImageSize::S2K);
        assert!("768".parse::<ImageSize>().is_err());
        assert_eq!(serde_json::to_string(&ImageSize::S4K).unwrap(), "\"4K\"");
        assert_eq!(ImageSize::from_long_side(1536), Some(ImageSize::S2K));
        assert_eq!(ImageSize::nearest(3000), ImageSize::S2K);
        assert_eq!(
            ImageSize::nearest(3072),
            ImageSize::S4K,
            "a tie goes to the larger"
        );
        assert_eq!(ImageSize::nearest(1), ImageSize::S512);
    }
}
