//! Precise edits (issue 20). This area owns what happens to an image between "edit this" and
//! the stored result: edit conversations (the parent chain), masked region edits, and later
//! upscaling by re-rendering. It holds masked edits for now; all of it is pure, blocking,
//! CPU-bound work (callers run it in `spawn_blocking`), with no I/O.
//!
//! A masked edit, in order:
//! 1. [`Mask`]: a greyscale image of the image's size in its *displayed* orientation (EXIF
//!    orientation applied by the caller beforehand); white = change, grey = partial, an empty
//!    mask is refused before anything is sent.
//! 2. [`plan_masked_edit`]: the crop to send (mask bounding box + context, grown to exactly one
//!    of the model's aspect ratios), the feather band, and the region's name for the prompt;
//!    [`crop_for_model`] cuts it.
//! 3. [`decode_answer`] + [`composite_masked_edit`]: align the answer to the crop (a wrong shape
//!    is stretched and flagged `misaligned`, never dropped), feather, match seam colours, blend
//!    onto the full-resolution original.
//! 4. [`encode_lossless`]: PNG, re-decoded and checked: pixels outside the mask and its band
//!    are bit-identical to the original.

mod composite;
mod crop;
mod encode;
mod error;
mod feather;
mod mask;
mod seam;

#[cfg(test)]
mod masked_edit_props;

pub use composite::{
    AlignedAnswer, MaskedComposite, align_answer, blend, composite_masked_edit, decode_answer,
};
pub use crop::{CropRect, EditOptions, EditPlan, crop_for_model, describe_region, plan_masked_edit};
pub use encode::{encode_lossless, encode_png, verify_encoded};
pub use error::{MaskedEditError, Result};
pub use feather::{FeatherAlpha, feather_band, seam_ring};
pub use mask::{Mask, PixelRect};
pub use seam::SeamTransfer;
