//! "Edit only this region": the person paints a mask on the image (white = change, grey =
//! partly); the model gets a crop around it (context added, grown to one of its aspect ratios) and
//! its answer is composited back into the full original when it comes (`crate::queue`'s masked
//! step). The crop and the mask are kept as input images, so the job can be finished after a
//! restart and synced with its inputs. An empty mask is refused before anything is recorded.

use super::Session;
use super::editing::EditRequest;
use crate::catalog::AspectRatio;
use crate::editing::{
    EditOptions, Mask, MaskEditRecord, crop_for_model, decode_displayed, encode_png,
    plan_masked_edit,
};
use crate::library::{ImageFileKind, IngestSource, JobPurpose, JobRecord};
use crate::{CoreError, Result};

impl Session {
    /// Records and starts an edit of the region `mask_png` paints on the image (a greyscale PNG
    /// of the image's displayed size; white = change).
    pub async fn edit_masked(&self, request: EditRequest, mask_png: Vec<u8>) -> Result<JobRecord> {
        // The model sees a crop, not the conversation's image: always a new conversation.
        let fresh = EditRequest {
            start_fresh: true,
            ..request.clone()
        };
        let (mut generation, mut options, _) = self.edit_plan(&fresh, true).await?;
        let (original, _) = self
            .library
            .image_file_bytes(&request.image_id, ImageFileKind::Original)
            .await?;
        let info = generation.model.info();
        let ratios: Vec<(u32, u32)> = info
            .aspect_ratios
            .iter()
            .filter(|r| **r != AspectRatio::Auto)
            .map(|r| r.parts())
            .collect();
        let mask_bytes = mask_png.clone();
        let (crop, plan) = tokio::task::spawn_blocking(move || -> Result<_> {
            let original = decode_displayed(&original)?;
            let mask = Mask::from_encoded(&mask_bytes, original.width(), original.height())?;
            let plan = plan_masked_edit(&mask, &ratios, &EditOptions::default())?;
            let crop = encode_png(&crop_for_model(&original, &plan))?;
            Ok((crop, plan))
        })
        .await??;
        let crop = self
            .library
            .import_input_image(IngestSource::Bytes(crop))
            .await?;
        let mask = self
            .library
            .import_input_image(IngestSource::Bytes(mask_png))
            .await?;
        let ratio = info
            .aspect_ratios
            .iter()
            .copied()
            .find(|r| *r != AspectRatio::Auto && r.parts() == plan.ratio)
            .ok_or_else(|| CoreError::Internal("the crop's ratio is not the model's".into()))?;
        // The image's own place in the inputs (first, as a fresh edit puts it) is the crop's.
        match generation.input_images.first_mut() {
            Some(first) if *first == request.image_id => *first = crop.id.clone(),
            _ => generation.input_images.insert(0, crop.id.clone()),
        }
        generation.aspect_ratio = ratio;
        options.mask_edit = Some(MaskEditRecord::new(&request.image_id, &mask.id, &plan).to_json());
        options.purpose = Some(JobPurpose::MaskedEdit);
        let mut jobs = self.queue.generate(generation, options).await?;
        jobs.pop()
            .ok_or_else(|| CoreError::Internal("a masked edit recorded no job".into()))
    }
}
