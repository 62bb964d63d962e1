//! Masked edits end to end against the fake Gemini: the model gets a crop around the painted
//! region with the region named in the text, its answer is composited back into the full
//! original (every pixel outside the mask and its feather band bit-identical), stored losslessly
//! at the original's size; an empty mask is refused before anything is recorded or sent.

use crate::gemini_support::{Env, env, request, run};

use image::{GrayImage, Luma, RgbaImage};
use nanoforge_core::catalog::Model;
use nanoforge_core::library::{ImageFileKind, ImageRecord, JobStatus};
use nanoforge_core::{EditRequest, ErrorKind};

fn mask_png(width: u32, height: u32, paint: impl Fn(u32, u32) -> bool) -> Vec<u8> {
    let mask = GrayImage::from_fn(width, height, |x, y| {
        Luma([if paint(x, y) { 255 } else { 0 }])
    });
    let mut out = Vec::new();
    mask.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn pixels(env: &Env, image: &ImageRecord) -> RgbaImage {
    let (bytes, _) = env
        .core
        .session()
        .image_file_bytes(&image.id, ImageFileKind::Original)
        .await
        .unwrap();
    image::load_from_memory(&bytes).unwrap().into_rgba8()
}

async fn first_image(env: &Env) -> ImageRecord {
    let made = run(
        env,
        request("a quiet harbour", Model::Gemini31FlashImage),
        None,
    )
    .await;
    assert_eq!(made.status, JobStatus::Completed);
    env.core
        .session()
        .library()
        .job_images(&made.id)
        .await
        .unwrap()
        .remove(0)
}

fn edit(image: &ImageRecord, instruction: &str) -> EditRequest {
    EditRequest {
        image_id: image.id.clone(),
        instruction: instruction.into(),
        ..EditRequest::default()
    }
}

#[tokio::test]
async fn only_the_painted_region_changes_and_the_rest_is_bit_identical() {
    let env = env().await;
    let image = first_image(&env).await;
    let (w, h) = (image.width, image.height);
    // A boat-sized rectangle in the upper left.
    let mask = mask_png(w, h, |x, y| {
        (100..300).contains(&x) && (120..260).contains(&y)
    });
    let job = env
        .core
        .session()
        .edit_masked(edit(&image, "add a red boat"), mask)
        .await
        .unwrap();
    let job = env.core.session().wait(&job.id).await.unwrap();
    assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    assert_eq!(
        job.prompt, "add a red boat",
        "History shows the person's words"
    );
    assert_eq!(job.parent_image_id.as_deref(), Some(image.id.as_str()));

    // The model got a crop (not the whole image) and was told which part to change.
    let sent = env.fake.last_generate().unwrap();
    let payload = sent.payload.unwrap();
    assert_eq!(payload.turns.len(), 1);
    let text = payload.turns[0].parts[0].text.clone().unwrap_or_default();
    assert!(
        text.starts_with("add a red boat") && text.contains("Change only"),
        "{text}"
    );
    let crop_id = &job.input_image_ids[0];
    let crop = env.core.session().get_image(crop_id).await.unwrap();
    assert!(
        crop.width < w || crop.height < h,
        "a crop: {}×{}",
        crop.width,
        crop.height
    );
    let sent_shas: Vec<_> = payload.turns[0]
        .parts
        .iter()
        .filter_map(|p| p.sha256.clone())
        .collect();
    assert_eq!(sent_shas, std::slice::from_ref(&crop.sha256));

    // Stored losslessly at the original's size; far from the region, every pixel as it was.
    let result = env
        .core
        .session()
        .library()
        .job_images(&job.id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(result.mime, "image/png");
    assert_eq!((result.width, result.height), (w, h));
    assert_eq!(result.flag, None);
    let (before, after) = (pixels(&env, &image).await, pixels(&env, &result).await);
    let band = (w.min(h) / 20) + 1;
    let mut changed_inside = 0;
    for (x, y, pixel) in after.enumerate_pixels() {
        let near = (100u32.saturating_sub(band)..300 + band).contains(&x)
            && (120u32.saturating_sub(band)..260 + band).contains(&y);
        if !near {
            assert_eq!(
                pixel,
                before.get_pixel(x, y),
                "pixel ({x}, {y}) outside the region"
            );
        } else if (100..300).contains(&x)
            && (120..260).contains(&y)
            && pixel != before.get_pixel(x, y)
        {
            changed_inside += 1;
        }
    }
    assert!(
        changed_inside > 1000,
        "the region took the answer ({changed_inside} pixels)"
    );
}

#[tokio::test]
async fn an_empty_mask_is_refused_before_anything_is_recorded_or_sent() {
    let env = env().await;
    let image = first_image(&env).await;
    let jobs = env.core.session().library().job_count().await.unwrap();
    let calls = env.fake.generate_count();
    let empty = mask_png(image.width, image.height, |_, _| false);
    let error = env
        .core
        .session()
        .edit_masked(edit(&image, "add a boat"), empty)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.to_string().contains("mask is empty"), "{error}");
    let wrong_size = mask_png(image.width / 2, image.height, |_, _| true);
    let error = env
        .core
        .session()
        .edit_masked(edit(&image, "add a boat"), wrong_size)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert_eq!(
        env.core.session().library().job_count().await.unwrap(),
        jobs
    );
    assert_eq!(env.fake.generate_count(), calls);
}
