//! The answer of a masked edit: the model was sent a crop around the painted region, so its answer
//! is composited back into the full original here (aligned to the crop, feathered, seam colours
//! matched) and stored lossless. An answer of another shape is stretched to fit and the image
//! flagged `unaligned`: it was paid for, so it is never dropped.

use super::shared::Shared;
use crate::editing::{
    EditOptions, Mask, MaskEditRecord, composite_masked_edit, decode_displayed, encode_lossless,
    plan_masked_edit,
};
use crate::library::{ImageFileKind, ImageFlag, JobRecord};
use crate::{CoreError, Result};

/// What to store for one answer of a masked edit.
pub(super) struct Composited {
    pub png: Vec<u8>,
    pub flag: Option<ImageFlag>,
}

impl Shared {
    /// The composite of `answer` for `job`, or `None` when `job` is not a masked edit.
    pub(super) async fn composite_answer(
        &self,
        job: &JobRecord,
        answer: Vec<u8>,
    ) -> Result<Option<Composited>> {
        if job.mask_edit.is_none() {
            return Ok(None);
        }
        let record = MaskEditRecord::parse(job.mask_edit.as_deref()).ok_or_else(|| {
            CoreError::Unreadable(format!(
                "job {}'s masked edit was saved by a newer version or is damaged",
                job.id
            ))
        })?;
        let (original, _) = self
            .library
            .image_file_bytes(&record.original, ImageFileKind::Original)
            .await?;
        let (mask, _) = self
            .library
            .image_file_bytes(&record.mask, ImageFileKind::Original)
            .await?;
        let done = tokio::task::spawn_blocking(move || -> Result<Composited> {
            let original = decode_displayed(&original)?;
            let mask = Mask::from_encoded(&mask, original.width(), original.height())?;
            let plan = plan_masked_edit(&mask, &[record.ratio], &EditOptions::default())?;
            if !record.matches(&plan) {
                return Err(crate::editing::MaskedEditError::PlanMismatch.into());
            }
            let answer = decode_displayed(&answer)?;
            let composite = composite_masked_edit(&original, &mask, &plan, &answer)?;
            let png = encode_lossless(&composite, &original)?;
            Ok(Composited {
                png,
                flag: composite.misaligned.then_some(ImageFlag::Unaligned),
            })
        })
        .await??;
        Ok(Some(done))
    }
}
