//! What a masked edit's job keeps (`jobs.mask_edit`), so the composite can be made when the answer
//! comes — after a restart too: the original and mask images, and the crop that was sent.

use serde::{Deserialize, Serialize};

use super::crop::{CropRect, EditPlan};

/// The format version written.
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskEditRecord {
    pub v: u32,
    /// The image edited (its original is composited onto).
    pub original: String,
    /// The mask, kept as an input image (greyscale PNG of the original's size).
    pub mask: String,
    /// The ratio the crop was grown to, as offered (e.g. `(16, 9)`).
    pub ratio: (u32, u32),
    /// The crop that was sent: x, y (may be negative for a padded crop), width, height.
    pub crop: (i64, i64, u32, u32),
    /// Where the region sits in the crop, as the model is told ("the upper-left area").
    pub region: String,
}

impl MaskEditRecord {
    pub fn new(original: &str, mask: &str, plan: &EditPlan) -> Self {
        Self {
            v: VERSION,
            original: original.to_owned(),
            mask: mask.to_owned(),
            ratio: plan.ratio,
            crop: (plan.crop.x, plan.crop.y, plan.crop.width, plan.crop.height),
            region: plan.region.to_owned(),
        }
    }

    pub fn parse(json: Option<&str>) -> Option<Self> {
        serde_json::from_str::<Self>(json?)
            .ok()
            .filter(|r| r.v == VERSION)
    }

    pub fn to_json(&self) -> String {
        // A struct of strings and numbers always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The instruction as the model reads it: the person's words, then which part to change.
    pub fn prompt(&self, instruction: &str) -> String {
        format!(
            "{instruction}\n\nChange only {} of this image; keep everything else exactly as it is, \
             at the same framing and size.",
            self.region
        )
    }

    /// Whether `plan` (planned again from the mask) is the one that was sent.
    pub fn matches(&self, plan: &EditPlan) -> bool {
        let CropRect {
            x,
            y,
            width,
            height,
        } = plan.crop;
        self.crop == (x, y, width, height) && self.ratio == plan.ratio
    }
}
