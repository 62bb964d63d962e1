//! The image models the fake knows: sizes, aspect ratios, input limits, output mime type, whether
//! they think, billed tokens per image and the pixel size of each ratio × size
//! (`shared/notes/providers.md` §2.1, §2.5, §2.6).

/// One generateContent image model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Model {
    /// The id clients put in the path (`models/{id}:generateContent`).
    pub id: &'static str,
    /// What `modelVersion` reports (an alias reports its target).
    pub version: &'static str,
    /// Accepted `imageConfig.imageSize` values, exactly as spelled (uppercase K).
    pub sizes: &'static [&'static str],
    pub ratios: &'static [&'static str],
    /// Most inline images a request may carry.
    pub max_inputs: u32,
    /// `image/png` or `image/jpeg`.
    pub mime: &'static str,
    /// Whether it sends thought parts unless a scenario says otherwise.
    pub thinks_by_default: bool,
    /// Whether it can think at all (a scenario's `thoughts: true` is ignored otherwise).
    pub can_think: bool,
    /// Gemini 3 image models: final parts carry a `thoughtSignature`, and a model turn sent back
    /// without one (or with a foreign or altered one) is refused ("Strict" in Google's docs).
    pub signs: bool,
    pub family: Family,
}

/// Which pixel table and token table a model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Flash25,
    Pro3,
    Flash31,
    FlashLite31,
}

const TEN_RATIOS: &[&str] = &[
    "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9",
];
const FOURTEEN_RATIOS: &[&str] = &[
    "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9", "1:4", "4:1", "1:8",
    "8:1",
];

pub const MODELS: &[Model] = &[
    Model {
        id: "gemini-2.5-flash-image",
        version: "gemini-2.5-flash-image",
        sizes: &["1K"],
        ratios: TEN_RATIOS,
        max_inputs: 3,
        mime: "image/png",
        thinks_by_default: false,
        can_think: false,
        signs: false,
        family: Family::Flash25,
    },
    Model {
        id: "gemini-3-pro-image",
        version: "gemini-3-pro-image",
        sizes: &["1K", "2K", "4K"],
        ratios: TEN_RATIOS,
        max_inputs: 14,
        mime: "image/jpeg",
        thinks_by_default: true,
        can_think: true,
        signs: true,
        family: Family::Pro3,
    },
    // The alias the notes list for Pro; it answers as the model it points to.
    Model {
        id: "nano-banana-pro-preview",
        version: "gemini-3-pro-image",
        sizes: &["1K", "2K", "4K"],
        ratios: TEN_RATIOS,
        max_inputs: 14,
        mime: "image/jpeg",
        thinks_by_default: true,
        can_think: true,
        signs: true,
        family: Family::Pro3,
    },
    Model {
        id: "gemini-3.1-flash-image",
        version: "gemini-3.1-flash-image",
        sizes: &["512", "1K", "2K", "4K"],
        ratios: FOURTEEN_RATIOS,
        max_inputs: 14,
        mime: "image/png",
        // Nano Banana 2 thinks at "minimal" by default; thought parts only when a scenario asks.
        thinks_by_default: false,
        can_think: true,
        signs: true,
        family: Family::Flash31,
    },
    Model {
        id: "gemini-3.1-flash-lite-image",
        version: "gemini-3.1-flash-lite-image",
        sizes: &["1K"],
        ratios: FOURTEEN_RATIOS,
        max_inputs: 14,
        mime: "image/png",
        thinks_by_default: false,
        can_think: false,
        signs: true,
        family: Family::FlashLite31,
    },
];

/// The model named in the path, if the fake knows it. Retired ids (`*-image-preview`) are unknown.
pub fn find(id: &str) -> Option<&'static Model> {
    MODELS.iter().find(|m| m.id == id)
}

/// The size used when a request names none.
pub const DEFAULT_SIZE: &str = "1K";
/// The ratio used when a request names none (the real models pick one from the input image, or
/// square for text-to-image).
pub const DEFAULT_RATIO: &str = "1:1";

/// Input MIME types the API accepts for inline images.
pub const INPUT_MIMES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/heic",
    "image/heif",
];

impl Model {
    /// Billed output tokens for one final image of this size.
    pub fn tokens_per_image(&self, size: &str) -> u32 {
        match (self.family, size) {
            (Family::Flash25, _) => 1290,
            (Family::Pro3, "4K") => 2000,
            (Family::Pro3, _) => 1120,
            (Family::Flash31, "512") => 747,
            (Family::Flash31, "2K") => 1680,
            (Family::Flash31, "4K") => 2520,
            (Family::Flash31 | Family::FlashLite31, _) => 1120,
        }
    }

    /// Width × height of an output image; `ratio` and `size` must be valid for the model.
    pub fn pixels(&self, ratio: &str, size: &str) -> (u32, u32) {
        let base = match self.family {
            Family::Flash25 => flash25_1k(ratio),
            _ => gemini3_1k(ratio),
        };
        let (w, h) = base.unwrap_or((1024, 1024));
        match size {
            "512" => (w / 2, h / 2),
            "2K" => (w * 2, h * 2),
            "4K" => (w * 4, h * 4),
            _ => (w, h),
        }
    }
}

/// 2.5 Flash's published 1K table (the portrait rows are the landscape ones turned).
fn flash25_1k(ratio: &str) -> Option<(u32, u32)> {
    Some(match ratio {
        "1:1" => (1024, 1024),
        "16:9" => (1344, 768),
        "9:16" => (768, 1344),
        "21:9" => (1536, 672),
        "3:2" => (1248, 832),
        "2:3" => (832, 1248),
        "4:3" => (1184, 864),
        "3:4" => (864, 1184),
        "5:4" => (1152, 896),
        "4:5" => (896, 1152),
        _ => return None,
    })
}

/// The Gemini 3 image models' 1K table; 512 is half of it, 2K twice and 4K four times (the
/// published 2K/4K rows, e.g. 16:9 2752×1536 and 5504×3072, are exact multiples).
fn gemini3_1k(ratio: &str) -> Option<(u32, u32)> {
    Some(match ratio {
        "1:1" => (1024, 1024),
        "2:3" => (848, 1264),
        "3:2" => (1264, 848),
        "3:4" => (896, 1200),
        "4:3" => (1200, 896),
        "4:5" => (928, 1152),
        "5:4" => (1152, 928),
        "9:16" => (768, 1376),
        "16:9" => (1376, 768),
        "21:9" => (1584, 672),
        "1:4" => (512, 2048),
        "4:1" => (2048, 512),
        "1:8" => (384, 3072),
        "8:1" => (3072, 384),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ratio_and_size_has_pixels_of_that_shape() {
        for model in MODELS {
            for ratio in model.ratios {
                let (rw, rh) = ratio.split_once(':').unwrap();
                let (rw, rh): (f64, f64) = (rw.parse().unwrap(), rh.parse().unwrap());
                for size in model.sizes {
                    let (w, h) = model.pixels(ratio, size);
                    let off = (f64::from(w) / f64::from(h)) / (rw / rh);
                    assert!(
                        (0.9..1.1).contains(&off),
                        "{} {ratio} {size}: {w}x{h}",
                        model.id
                    );
                }
            }
        }
        let pro = find("gemini-3-pro-image").unwrap();
        assert_eq!(pro.pixels("16:9", "4K"), (5504, 3072));
        assert_eq!(pro.pixels("2:3", "1K"), (848, 1264));
        let flash = find("gemini-2.5-flash-image").unwrap();
        assert_eq!(flash.pixels("16:9", "1K"), (1344, 768));
        assert!(find("gemini-3-pro-image-preview").is_none());
    }
}
