//! Recalling settings from a dropped JPEG or WebP: the EXIF UserComment as AUTOMATIC1111 and
//! exiftool write it, ComfyUI's WebP tags, and hostile files (truncated EXIF, lengths past the
//! end, broken directories), which give a typed error and never a panic.

use crate::{exif_support, library_support};

use exif_support::*;
use library_support::*;
use nanoforge_core::ErrorKind;
use nanoforge_core::library::{
    MetadataSource, read_generation_metadata, try_read_generation_metadata,
};

const A1111: &str = "a castle on a hill, masterpiece\nNegative prompt: blurry, lowres\n\
                     Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 3853446321, \
                     Size: 832x1216, Model: sdxl_base, Version: v1.7.0";

fn assert_a1111(found: &nanoforge_core::library::RecalledSettings) {
    assert_eq!(found.source, MetadataSource::Automatic1111);
    assert_eq!(
        found.prompt.as_deref(),
        Some("a castle on a hill, masterpiece")
    );
    assert_eq!(found.negative_prompt.as_deref(), Some("blurry, lowres"));
    assert_eq!(found.seed.as_deref(), Some("3853446321"));
    assert_eq!(found.steps, Some(28));
    assert_eq!(found.sampler.as_deref(), Some("DPM++ 2M Karras"));
    assert_eq!(found.model.as_deref(), Some("sdxl_base"));
    assert_eq!((found.width, found.height), (Some(832), Some(1216)));
}

#[test]
fn a1111_jpeg_and_webp_comments_are_recalled() {
    // piexif (A1111) in a big-endian block, and in a little-endian one (still big-endian text).
    for big_endian in [true, false] {
        let block = tiff(big_endian, &[], &[unicode_comment(A1111, false)]);
        let jpeg = jpeg_with_exif(&jpeg_bytes(8, 8, 1), &block);
        assert_a1111(&try_read_generation_metadata(&jpeg).unwrap().unwrap());
        let webp = webp_with_exif(&webp_bytes(8, 8, 1), &block, None);
        assert_a1111(&try_read_generation_metadata(&webp).unwrap().unwrap());
        // Some writers keep `Exif\0\0` in the WebP chunk too.
        let prefixed = [b"Exif\0\0".as_slice(), &block].concat();
        let webp = webp_with_exif(&webp_bytes(8, 8, 1), &prefixed, None);
        assert_a1111(&try_read_generation_metadata(&webp).unwrap().unwrap());
    }
    // exiftool writes UNICODE text in the block's byte order.
    let block = tiff(false, &[], &[unicode_comment(A1111, true)]);
    let jpeg = jpeg_with_exif(&jpeg_bytes(8, 8, 1), &block);
    assert_a1111(&try_read_generation_metadata(&jpeg).unwrap().unwrap());
    // An ASCII comment, and one without a known prefix (A1111 then reads UTF-8).
    for raw in [
        [b"ASCII\0\0\0".as_slice(), A1111.as_bytes()].concat(),
        A1111.as_bytes().to_vec(),
    ] {
        let block = tiff(true, &[], &[undefined(USER_COMMENT, raw)]);
        let jpeg = jpeg_with_exif(&jpeg_bytes(8, 8, 1), &block);
        assert_a1111(&try_read_generation_metadata(&jpeg).unwrap().unwrap());
    }
}

#[test]
fn comfyui_webp_tags_are_recalled() {
    let prompt = r#"{"3":{"class_type":"KSampler","inputs":{"seed":77,"steps":20,"cfg":8,
        "sampler_name":"euler","positive":["6",0],"negative":["7",0],"model":["4",0]}},
        "4":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":"v1-5.safetensors"}},
        "6":{"class_type":"CLIPTextEncode","inputs":{"text":"a fox in snow"}},
        "7":{"class_type":"CLIPTextEncode","inputs":{"text":"text, watermark"}}}"#;
    let block = tiff(
        false,
        &[
            ascii(MAKE, "workflow:{\"nodes\":[]}"),
            ascii(MODEL, &format!("prompt:{prompt}")),
        ],
        &[],
    );
    let webp = webp_with_exif(&webp_bytes(12, 10, 1), &block, None);
    let r = try_read_generation_metadata(&webp).unwrap().unwrap();
    assert_eq!(r.source, MetadataSource::ComfyUi);
    assert_eq!(r.prompt.as_deref(), Some("a fox in snow"));
    assert_eq!(r.negative_prompt.as_deref(), Some("text, watermark"));
    assert_eq!(r.seed.as_deref(), Some("77"));
    assert_eq!(r.model.as_deref(), Some("v1-5.safetensors"));
    assert_eq!(
        (r.width, r.height),
        (Some(12), Some(10)),
        "from the file's header"
    );
}

#[test]
fn files_without_settings_recall_nothing() {
    let plain_exif = tiff(true, &[ascii(MAKE, "Canon")], &[]);
    for file in [
        jpeg_bytes(8, 8, 1),
        webp_bytes(8, 8, 1),
        jpeg_with_exif(&jpeg_bytes(8, 8, 1), &plain_exif),
        jpeg_with_exif(
            &jpeg_bytes(8, 8, 1),
            &tiff(true, &[], &[unicode_comment("  ", false)]),
        ),
        b"GIF89a not ours".to_vec(),
    ] {
        assert_eq!(try_read_generation_metadata(&file).unwrap(), None);
    }
}

#[test]
fn hostile_exif_is_a_typed_error_and_never_a_panic() {
    let good = tiff(true, &[], &[unicode_comment(A1111, false)]);
    let jpeg = jpeg_bytes(8, 8, 1);
    let webp = webp_bytes(8, 8, 1);

    // An IFD claiming 60,000 entries in a block of a few hundred bytes.
    let mut many = good.clone();
    many[8..10].copy_from_slice(&60_000u16.to_be_bytes());
    // The comment's count claims 2 GiB.
    let mut long_value = good.clone();
    // Header (8), IFD0 (2 + 12 + 4), then the Exif IFD's count (2), tag and type (4).
    let count_at = 8 + 18 + 2 + 4;
    assert_eq!(
        &long_value[count_at - 4..count_at - 2],
        &USER_COMMENT.to_be_bytes()
    );
    long_value[count_at..count_at + 4].copy_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
    // The Exif IFD pointer points past the end.
    let mut far_pointer = good.clone();
    far_pointer[8 + 2 + 8..8 + 2 + 12].copy_from_slice(&0xFFFF_FF00u32.to_be_bytes());
    // An APP1 segment whose length runs past the end of the file.
    let mut cut_segment = jpeg_with_exif(&jpeg, &good);
    cut_segment.truncate(60);

    let hostile = [
        (
            "truncated block",
            jpeg_with_exif(&jpeg, &good[..good.len() / 2]),
        ),
        (
            "not TIFF",
            jpeg_with_exif(&jpeg, b"garbage garbage garbage"),
        ),
        ("huge entry count", jpeg_with_exif(&jpeg, &many)),
        ("huge value length", jpeg_with_exif(&jpeg, &long_value)),
        ("pointer past the end", jpeg_with_exif(&jpeg, &far_pointer)),
        ("segment past the end", cut_segment),
        (
            "WebP chunk claiming 4 GiB",
            webp_with_exif(&webp, &good, Some(0xFFFF_FFF0)),
        ),
        (
            "WebP garbage chunk",
            webp_with_exif(&webp, b"\x00\x01\x02garbage", None),
        ),
    ];
    for (what, file) in hostile {
        let err = try_read_generation_metadata(&file).expect_err(what);
        assert_eq!(err.kind(), ErrorKind::InvalidImage, "{what}: {err}");
        assert_eq!(read_generation_metadata(&file), None, "{what}");
    }
}

#[test]
fn every_truncation_of_a_copy_with_exif_reads_without_panicking() {
    let block = tiff(true, &[ascii(MAKE, "x")], &[unicode_comment(A1111, false)]);
    for file in [
        jpeg_with_exif(&jpeg_bytes(8, 8, 1), &block),
        webp_with_exif(&webp_bytes(8, 8, 1), &block, None),
    ] {
        assert_a1111(&try_read_generation_metadata(&file).unwrap().unwrap());
        for len in 0..file.len() {
            let _ = try_read_generation_metadata(&file[..len]);
        }
    }
}
