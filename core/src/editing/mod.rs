//! Precise edits: what happens to an image's pixels between "edit this region" and the stored
//! result (conversations, the chain of turns an edit replays, are `crate::conversation`'s). All
//! of it is pure, blocking, CPU-bound work (callers run it in `spawn_blocking`), with no I/O.
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

mod align;
mod composite;
mod crop;
mod decode;
mod encode;
mod error;
mod feather;
mod mask;
mod record;
mod seam;
mod verify;

#[cfg(test)]
mod masked_edit_props;

pub use align::{AlignedAnswer, align_answer, decode_answer};
pub use composite::{MaskedComposite, blend, composite_masked_edit};
pub use crop::{
    CropRect, EditOptions, EditPlan, crop_for_model, describe_region, feather_band,
    plan_masked_edit, seam_ring,
};
pub use decode::decode_displayed;
pub use encode::{encode_lossless, encode_png};
pub use error::{MaskedEditError, Result};
pub use feather::FeatherAlpha;
pub use mask::{Mask, PixelRect};
pub use record::MaskEditRecord;
pub use seam::SeamTransfer;
pub use verify::verify_encoded;
