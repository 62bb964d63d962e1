//! Copies that leave the library (Save as, the zip export) carry the prompt and settings where
//! other tools read them: a PNG's `parameters` text, a JPEG's or WebP's EXIF UserComment. The
//! stored originals stay byte for byte what was stored, under the same SHA-256.

use crate::{exif_support, library_support};

use std::io::Read;

use exif_support::*;
use library_support::*;
use nanoforge_core::catalog::{ImageSize, Model, ProviderKind};
use nanoforge_core::library::{
    EmbeddedMetadata, ExportOptions, ImageRecord, IngestOptions, JobRecord, JobUpdate, Library,
    MetadataSource, NewJob, embed_png_metadata, try_read_generation_metadata,
};
use sha2::{Digest, Sha256};

/// A finished Gemini job as the queue leaves it: seed, response id and cost recorded.
async fn gemini_job(lib: &Library, prompt: &str) -> JobRecord {
    let mut new = NewJob::text_to_image(
        prompt,
        ProviderKind::Gemini,
        Model::Gemini3ProImage,
        ImageSize::S1K,
    );
    new.seed = Some(424_242);
    let job = lib.insert_job(&new).await.unwrap();
    let done = JobUpdate {
        remote_task_id: Some("resp, \"1\"".into()),
        cost: Some(0.134),
        ..JobUpdate::default()
    };
    lib.update_job(&job.id, &done).await.unwrap()
}

/// Stores `bytes` as the job's image at `position` as the queue does: the settings are offered,
/// and only a PNG takes them (`embed`); with `embed` false the original stays exactly as given,
/// as Gemini's are.
async fn store(
    lib: &Library,
    job: &JobRecord,
    position: u32,
    bytes: Vec<u8>,
    embed: bool,
) -> ImageRecord {
    let opts = IngestOptions {
        metadata: embed.then(|| EmbeddedMetadata::from_job(job)),
        ..IngestOptions::default()
    };
    lib.ingest_image(Some(&job.id), position, bytes_source(bytes), opts)
        .await
        .unwrap()
}

fn bytes_source(b: Vec<u8>) -> nanoforge_core::library::IngestSource {
    nanoforge_core::library::IngestSource::Bytes(b)
}

/// The `parameters` text our stored PNGs carry for `job` at that size: what every copy must say.
fn expected_text(job: &JobRecord, width: u32, height: u32) -> String {
    let png = embed_png_metadata(
        &png_bytes(width, height, 9),
        &EmbeddedMetadata::from_job(job),
    )
    .unwrap();
    png_text(&png, "parameters").expect("a parameters chunk")
}

fn png_text(png_bytes: &[u8], keyword: &str) -> Option<String> {
    let reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let info = reader.info();
    let latin = info
        .uncompressed_latin1_text
        .iter()
        .map(|c| (c.keyword.clone(), c.text.clone()));
    let utf8 = info
        .utf8_text
        .iter()
        .map(|c| (c.keyword.clone(), c.get_text().unwrap()));
    latin
        .chain(utf8)
        .find(|(k, _)| k == keyword)
        .map(|(_, v)| v)
}

fn pixels(bytes: &[u8]) -> Vec<u8> {
    image::load_from_memory(bytes)
        .unwrap()
        .to_rgba8()
        .into_raw()
}

/// The original on disk is what was stored: same bytes, and they still hash to its name.
fn assert_original_untouched(lib: &Library, image: &ImageRecord, before: &[u8]) {
    let now = std::fs::read(abs(lib, &image.path)).unwrap();
    assert_eq!(now, before, "the stored original of {} changed", image.id);
    assert_eq!(format!("{:x}", Sha256::digest(&now)), image.sha256);
    assert!(image.path.contains(&image.sha256));
}

/// Prompt, seed, model, provider and size read back from a copy by our own recall: from the
/// A1111 text of a JPEG or WebP, from our JSON chunk of a PNG.
fn assert_recalls(copy: &[u8], job: &JobRecord, width: u32, height: u32) {
    let r = try_read_generation_metadata(copy)
        .unwrap()
        .expect("settings found");
    let png = copy.starts_with(b"\x89PNG");
    let source = if png {
        MetadataSource::Nanoforge
    } else {
        MetadataSource::Automatic1111
    };
    assert_eq!(r.source, source);
    assert_eq!(r.prompt.as_deref(), Some(job.prompt.as_str()));
    assert_eq!(r.seed.as_deref(), Some("424242"));
    assert_eq!(r.model.as_deref(), Some("gemini-3-pro-image"));
    assert_eq!(r.provider.as_deref(), Some("gemini"));
    assert_eq!(r.task_id.as_deref(), Some("resp, \"1\""));
    assert_eq!((r.width, r.height), (Some(width), Some(height)));
}

#[tokio::test]
async fn save_as_puts_the_settings_into_a_gemini_jpeg_copy_and_leaves_the_original() {
    let t = open_library().await;
    let job = gemini_job(&t.lib, "a lighthouse, at dusk: 35mm\nsecond line 猫").await;
    let sent = jpeg_bytes(48, 32, 1);
    let image = store(&t.lib, &job, 0, sent.clone(), true).await;
    let stored = std::fs::read(abs(&t.lib, &image.path)).unwrap();
    assert_eq!(
        stored, sent,
        "a JPEG original is stored as the service sent it"
    );

    let dest = t.dir.path().join("out/copy.jpg");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    t.lib.save_image_as(&image.id, &dest).await.unwrap();
    let copy = std::fs::read(&dest).unwrap();

    assert_original_untouched(&t.lib, &image, &stored);
    assert_eq!(exif_comment(&copy), expected_text(&job, 48, 32));
    // Only an APP1 segment was added: without it the copy is the original, byte for byte.
    let tiff = exif_block(&copy).unwrap();
    let segment = 4 + 6 + tiff.len();
    let mut without = copy[..2].to_vec();
    let at = copy.windows(2).position(|w| w == [0xFF, 0xE1]).unwrap();
    without.extend(&copy[2..at]);
    without.extend(&copy[at + segment..]);
    assert_eq!(without, stored);
    assert_recalls(&copy, &job, 48, 32);
}

#[tokio::test]
async fn an_export_keeps_each_format_and_every_copy_carries_the_settings() {
    let t = open_library().await;
    let job = gemini_job(&t.lib, "a harbour, at dawn: \"film\" look").await;
    let jpeg = store(&t.lib, &job, 0, jpeg_bytes(40, 30, 1), true).await;
    let webp = store(&t.lib, &job, 1, webp_bytes(40, 30, 2), true).await;
    let lossy = store(&t.lib, &job, 2, lossy_webp(), true).await;
    // A PNG kept as the model sent it (no text chunks), and one stored with ours.
    let bare_png = store(&t.lib, &job, 3, png_bytes(40, 30, 3), false).await;
    let our_png = store(&t.lib, &job, 4, png_bytes(40, 30, 4), true).await;
    let input = t
        .lib
        .import_input_image(bytes_source(jpeg_bytes(20, 20, 5)))
        .await
        .unwrap();
    let all = [&jpeg, &webp, &lossy, &bare_png, &our_png, &input];
    let before: Vec<Vec<u8>> = all
        .iter()
        .map(|i| std::fs::read(abs(&t.lib, &i.path)).unwrap())
        .collect();
    assert_eq!(png_text(&before[3], "parameters"), None);

    let out = t.dir.path().join("export.zip");
    let ids: Vec<String> = all.iter().map(|i| i.id.clone()).collect();
    let n = t
        .lib
        .export_zip(&ids, &out, ExportOptions::default())
        .await
        .unwrap();
    assert_eq!(n, 6);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut read = |image: &ImageRecord, ext: &str| {
        let mut buf = Vec::new();
        zip.by_name(&format!("images/{}.{ext}", image.id))
            .unwrap()
            .read_to_end(&mut buf)
            .unwrap();
        buf
    };
    let copies = [
        read(&jpeg, "jpg"),
        read(&webp, "webp"),
        read(&lossy, "webp"),
        read(&bare_png, "png"),
        read(&our_png, "png"),
        read(&input, "jpg"),
    ];

    for (image, (original, copy)) in all.iter().zip(before.iter().zip(&copies)) {
        assert_original_untouched(&t.lib, image, original);
        assert_eq!(
            image::guess_format(copy).unwrap(),
            image::guess_format(original).unwrap()
        );
        assert_eq!(
            pixels(copy),
            pixels(original),
            "{}: pixels untouched",
            image.id
        );
    }
    for (copy, (w, h)) in [
        (&copies[0], (40, 30)),
        (&copies[1], (40, 30)),
        (&copies[2], (1, 1)),
    ] {
        assert_eq!(exif_comment(copy), expected_text(&job, w, h));
        assert_recalls(copy, &job, w, h);
    }
    // The WebP image data travels as it was: its bitstream chunk is the original's.
    for (copy, original) in [(&copies[1], &before[1]), (&copies[2], &before[2])] {
        let data = |file: &[u8]| {
            riff_chunks(file)
                .into_iter()
                .find(|(id, _)| id == b"VP8L" || id == b"VP8 ")
                .unwrap()
        };
        assert_eq!(data(copy), data(original));
        assert_eq!(
            riff_chunks(copy)[0].0,
            *b"VP8X",
            "an extended file, as EXIF needs"
        );
    }
    assert_eq!(
        png_text(&copies[3], "parameters"),
        Some(expected_text(&job, 40, 30))
    );
    assert_recalls(&copies[3], &job, 40, 30);
    assert_eq!(
        copies[4], before[4],
        "a PNG stored with our chunks leaves as it is"
    );
    assert_eq!(copies[5], before[5], "an input has no settings to carry");
}

#[tokio::test]
async fn exif_the_original_has_is_kept_and_a_comment_in_it_is_not_replaced() {
    let t = open_library().await;
    let job = gemini_job(&t.lib, "a red barn").await;
    let fields = tiff(
        false,
        &[ascii(MAKE, "Google"), short(ORIENTATION, 1, false)],
        &[],
    );
    let with_fields = store(
        &t.lib,
        &job,
        0,
        jpeg_with_exif(&jpeg_bytes(16, 16, 1), &fields),
        false,
    )
    .await;
    let theirs = tiff(true, &[], &[unicode_comment("someone else's words", false)]);
    let with_comment = store(
        &t.lib,
        &job,
        1,
        jpeg_with_exif(&jpeg_bytes(16, 16, 2), &theirs),
        false,
    )
    .await;

    let dest = t.dir.path().join("a.jpg");
    t.lib.save_image_as(&with_fields.id, &dest).await.unwrap();
    let copy = std::fs::read(&dest).unwrap();
    assert_eq!(exif_comment(&copy), expected_text(&job, 16, 16));
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&copy))
        .unwrap();
    let make = exif.get_field(exif::Tag::Make, exif::In::PRIMARY).unwrap();
    assert!(matches!(&make.value, exif::Value::Ascii(v) if v == &[b"Google".to_vec()]));
    let orientation = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .unwrap();
    assert_eq!(orientation.value.get_uint(0), Some(1));

    let dest = t.dir.path().join("b.jpg");
    t.lib.save_image_as(&with_comment.id, &dest).await.unwrap();
    let original = std::fs::read(abs(&t.lib, &with_comment.path)).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), original);
}

#[tokio::test]
async fn a_huge_prompt_is_cut_to_fit_one_jpeg_segment_and_the_settings_line_stays() {
    let t = open_library().await;
    let prompt = "a very long prompt, with 猫 and 🐈, ".repeat(2_000);
    let job = gemini_job(&t.lib, &prompt).await;
    let image = store(&t.lib, &job, 0, jpeg_bytes(16, 16, 1), false).await;
    let dest = t.dir.path().join("long.jpg");
    t.lib.save_image_as(&image.id, &dest).await.unwrap();
    let copy = std::fs::read(&dest).unwrap();

    let tiff = exif_block(&copy).unwrap();
    assert!(tiff.len() <= 65_535 - 2 - 6, "{} bytes", tiff.len());
    assert!(
        tiff.len() > 60_000,
        "the room is used: {} bytes",
        tiff.len()
    );
    let text = exif_comment(&copy);
    let full = expected_text(&job, 16, 16);
    let (cut, line) = text.rsplit_once('\n').unwrap();
    assert_eq!(
        line,
        full.rsplit_once('\n').unwrap().1,
        "the settings line is whole"
    );
    let kept = cut.strip_suffix('…').expect("the cut is marked");
    assert!(prompt.starts_with(kept) && kept.len() > 20_000);

    let r = try_read_generation_metadata(&copy).unwrap().unwrap();
    assert_eq!(r.seed.as_deref(), Some("424242"));
    assert_eq!(r.model.as_deref(), Some("gemini-3-pro-image"));
    assert_eq!(r.prompt.as_deref(), Some(cut));
}

#[tokio::test]
async fn a_dragged_out_copy_carries_the_settings_under_the_suggested_name_and_each_drag_is_its_own_file()
 {
    let t = open_library().await;
    let job = gemini_job(&t.lib, "A red fox, in snow; watercolour").await;
    let sent = jpeg_bytes(40, 24, 3);
    let image = store(&t.lib, &job, 0, sent.clone(), true).await;
    let second = store(&t.lib, &job, 1, webp_bytes(20, 20, 4), true).await;

    assert_eq!(
        t.lib.suggested_file_name(&image.id).await.unwrap(),
        "a-red-fox-in-snow-watercolour.jpg"
    );
    let first = t.lib.write_drag_copy(&image.id).await.unwrap();
    let again = t.lib.write_drag_copy(&image.id).await.unwrap();
    let other = t.lib.write_drag_copy(&second.id).await.unwrap();

    assert!(first.is_absolute());
    assert!(
        first.starts_with(t.lib.root().join(nanoforge_core::library::OUTGOING_DIR)),
        "{}",
        first.display()
    );
    assert_eq!(
        first.file_name().unwrap(),
        "a-red-fox-in-snow-watercolour.jpg"
    );
    assert_eq!(
        other.file_name().unwrap(),
        "a-red-fox-in-snow-watercolour-2.webp"
    );
    assert_ne!(
        first, again,
        "a second drag never overwrites a file another app may be reading"
    );
    let copy = std::fs::read(&first).unwrap();
    assert_eq!(std::fs::read(&again).unwrap(), copy);
    assert_recalls(&copy, &job, 40, 24);
    assert_recalls(&std::fs::read(&other).unwrap(), &job, 20, 20);
    assert_original_untouched(&t.lib, &image, &sent);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&first).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "a dragged copy is private until another app reads it"
        );
    }

    let missing = t.lib.write_drag_copy("no-such-image").await.unwrap_err();
    assert!(
        matches!(missing, nanoforge_core::CoreError::NotFound(_)),
        "{missing:?}"
    );
}
