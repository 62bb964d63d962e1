//! Shared fixtures for the library tests: real libraries in temp folders and images made here.
#![allow(dead_code)]

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use nanoforge_core::accounts::Profile;
use nanoforge_core::catalog::{Model, ProviderKind};
use nanoforge_core::library::{
    EmbeddedMetadata, IngestOptions, IngestSource, JobRecord, Library, NewJob,
};

pub struct TestLibrary {
    pub dir: tempfile::TempDir,
    pub lib: Library,
}

pub async fn open_library() -> TestLibrary {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path(), &Profile::local()).await.unwrap();
    TestLibrary { dir, lib }
}

/// A small RGB image whose pixels depend on `seed`, so different seeds give different bytes.
pub fn rgb_image(width: u32, height: u32, seed: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        let v = x.wrapping_mul(31) ^ y.wrapping_mul(17) ^ seed.wrapping_mul(2_654_435_761);
        Rgb([
            (v & 0xFF) as u8,
            ((v >> 8) & 0xFF) as u8,
            ((x + y + seed) & 0xFF) as u8,
        ])
    }))
}

pub fn rgba_image(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgba8(RgbaImage::from_fn(width, height, |x, y| {
        Rgba([
            (x % 256) as u8,
            (y % 256) as u8,
            128,
            if x < width / 2 { 0 } else { 255 },
        ])
    }))
}

pub fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

pub fn png_bytes(width: u32, height: u32, seed: u32) -> Vec<u8> {
    encode(&rgb_image(width, height, seed), ImageFormat::Png)
}

pub fn jpeg_bytes(width: u32, height: u32, seed: u32) -> Vec<u8> {
    encode(&rgb_image(width, height, seed), ImageFormat::Jpeg)
}

pub fn webp_bytes(width: u32, height: u32, seed: u32) -> Vec<u8> {
    encode(&rgb_image(width, height, seed), ImageFormat::WebP)
}

pub fn new_job(prompt: &str) -> NewJob {
    NewJob::text_to_image(
        prompt,
        ProviderKind::NanoBanana,
        Model::NanoBanana,
        nanoforge_core::catalog::ImageSize::S1K,
    )
}

pub async fn job(lib: &Library, prompt: &str) -> JobRecord {
    lib.insert_job(&new_job(prompt)).await.unwrap()
}

pub fn meta(prompt: &str) -> EmbeddedMetadata {
    EmbeddedMetadata {
        prompt: prompt.to_owned(),
        model: "nano-banana".into(),
        provider: "nanobanana".into(),
        task_id: Some("task-123".into()),
        job_id: None,
        seed: Some(42),
        aspect_ratio: Some("1:1".into()),
        cost: Some(0.02),
        created_at: 1_700_000_000_000.0,
    }
}

pub fn bytes(b: Vec<u8>) -> IngestSource {
    IngestSource::Bytes(b)
}

pub fn no_opts() -> IngestOptions {
    IngestOptions::default()
}

/// Every file under images/ and thumbs/ (relative, sorted), temp files included.
pub fn library_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for sub in ["images", "thumbs"] {
        let mut stack = vec![root.join(sub)];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    out.push(
                        path.strip_prefix(root)
                            .unwrap()
                            .to_string_lossy()
                            .replace('\\', "/"),
                    );
                }
            }
        }
    }
    out.sort();
    out
}

pub fn abs(lib: &Library, rel: &str) -> PathBuf {
    lib.absolute_path(rel).unwrap()
}

/// CRC-32 (IEEE), for hand-built PNG chunks.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

/// A PNG that claims `width`×`height` RGBA pixels but carries only a tiny IDAT.
pub fn lying_png(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    // zlib stream of a few zero bytes.
    out.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}
