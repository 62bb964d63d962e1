//! How big an edit's request is: every turn re-sends every earlier image (base64 grows bytes by
//! a third), so a long chain approaches the API's inline request limit. The meter says where a
//! request stands; over the limit it is never sent ("start fresh from this image" re-seeds).

use serde::Serialize;

/// Gemini's inline request limit (100 MB since January 2026; `shared/notes/editing.md` §1.4).
pub const INLINE_LIMIT_BYTES: u64 = 100 * 1000 * 1000;

/// Past this the editor suggests starting fresh (requests this large are slow to send).
pub const LARGE_PAYLOAD_BYTES: u64 = 40 * 1000 * 1000;

/// Input tokens one image costs when sent to a Gemini 3 image model (medium media resolution;
/// `shared/notes/editing.md` §1.5).
pub const INPUT_TOKENS_PER_IMAGE: u64 = 560;

/// USD that sending `images` images costs as input on `model` (0 for flat prices).
pub fn replay_usd(model: crate::catalog::Model, images: u32) -> f64 {
    match model.info().price_basis {
        crate::catalog::PriceBasis::PerOutputToken {
            input_usd_per_million,
            ..
        } => crate::catalog::round_micro_usd(
            f64::from(images) * INPUT_TOKENS_PER_IMAGE as f64 * input_usd_per_million / 1e6,
        ),
        _ => 0.0,
    }
}

/// Base64 length of `bytes` bytes (with padding).
pub fn base64_len(bytes: u64) -> u64 {
    bytes.div_ceil(3) * 4
}

/// Where a request stands against the inline limit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PayloadMeter {
    /// The request body's size, about (the images' base64 and the text).
    pub bytes: f64,
    pub limit_bytes: f64,
    /// Images the request carries (replayed and new).
    pub images: u32,
    /// Large enough to suggest starting fresh.
    pub large: bool,
    /// Over the limit: it would not be sent.
    pub over_limit: bool,
}

impl PayloadMeter {
    /// The meter of a request carrying images of `image_bytes` (raw) and `text_bytes` of text,
    /// against Gemini's inline limit.
    pub fn of(image_bytes: &[u64], text_bytes: u64) -> Self {
        Self::against(image_bytes, text_bytes, INLINE_LIMIT_BYTES)
    }

    /// [`PayloadMeter::of`] against another limit.
    pub fn against(image_bytes: &[u64], text_bytes: u64, limit: u64) -> Self {
        // JSON around each part and the config: a few hundred bytes at most.
        let overhead = 512 + 128 * image_bytes.len() as u64;
        let bytes = image_bytes.iter().map(|b| base64_len(*b)).sum::<u64>() + text_bytes + overhead;
        Self {
            bytes: bytes as f64,
            limit_bytes: limit as f64,
            images: u32::try_from(image_bytes.len()).unwrap_or(u32::MAX),
            large: bytes > LARGE_PAYLOAD_BYTES.min(limit / 2),
            over_limit: bytes > limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_grows_by_a_third_and_the_limit_is_inclusive() {
        assert_eq!(base64_len(0), 0);
        assert_eq!(base64_len(1), 4);
        assert_eq!(base64_len(3), 4);
        assert_eq!(base64_len(4), 8);
        let small = PayloadMeter::of(&[1_000_000], 100);
        assert!(!small.large && !small.over_limit);
        assert_eq!(small.images, 1);
        // 20 turns of a 3.5 MB image: about 93 MB of base64, large but under the limit.
        let long = PayloadMeter::of(&[3_500_000; 20], 10_000);
        assert!(long.large && !long.over_limit, "{long:?}");
        let over = PayloadMeter::of(&[3_500_000; 22], 10_000);
        assert!(over.over_limit);
    }
}
