//! The file half of an ingest, blocking: validate by decoding, embed metadata, hash, store the
//! original durably, and make the JPEG thumbnails. The thumbnails of the common case (a PNG kept
//! as it came) are still being made when this half returns, so that the row's commit overlaps
//! them (see [`PendingThumbs`]); every other case returns them made.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use image::DynamicImage;
use sha2::{Digest, Sha256};

use super::imaging::{self, Format};
use super::png_stream;
use super::pngmeta::{EmbeddedMetadata, embed_png_metadata};
use super::resize::{self, Thumbs};
use super::store::{self, PREVIEW_SIZE, THUMB_SIZE};
use super::types::{ImageFlag, ImageKind};
use crate::{CoreError, Result};

/// Where the image bytes come from.
#[derive(Debug, Clone)]
pub enum IngestSource {
    Bytes(Vec<u8>),
    /// A file on disk; its extension must agree with its content.
    File(PathBuf),
}

#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Store at most this long side. Only ever shrinks.
    pub max_long_side: Option<u32>,
    /// Embedded into PNG originals; JPEG and WebP are stored as they are.
    pub metadata: Option<EmbeddedMetadata>,
    pub kind: ImageKind,
    /// Stored with the image (a masked edit stretched to fit, an upscale of another size).
    pub flag: Option<ImageFlag>,
}

/// What the row needs, with the original durably stored under its name.
#[derive(Debug)]
pub(super) struct StoredFiles {
    pub(super) sha256: String,
    pub(super) path: String,
    pub(super) format: Format,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) original: Vec<u8>,
    pub(super) thumbs: PendingThumbs,
}

impl StoredFiles {
    pub(super) fn thumb_path(&self) -> String {
        store::thumb_rel(&self.sha256, THUMB_SIZE)
    }

    pub(super) fn preview_path(&self) -> String {
        store::thumb_rel(&self.sha256, PREVIEW_SIZE)
    }
}

/// The JPEG thumbnails, made (and their files written) or still being made on the blocking pool.
/// Only the original must be on disk before the row commits: a missing thumbnail is made again
/// from it on request, so the thumbnails may finish while the row is written.
#[derive(Debug)]
pub(super) enum PendingThumbs {
    Made(Result<Thumbs>),
    Making(tokio::task::JoinHandle<Result<Thumbs>>),
}

impl PendingThumbs {
    /// The thumbnails, once their files are written.
    pub(super) async fn made(self) -> Result<Thumbs> {
        match self {
            Self::Made(thumbs) => thumbs,
            Self::Making(task) => task
                .await
                .map_err(|_| CoreError::Internal("the thumbnail maker failed".into()))?,
        }
    }
}

pub(super) fn restore_if_missing(
    root: &Path,
    rel: &str,
    bytes: &[u8],
    durable: bool,
) -> Result<()> {
    let path = store::checked_join(root, rel)?;
    if !path.exists() {
        store::write_atomic(&path, bytes, durable)?;
    }
    Ok(())
}

fn read_source(source: IngestSource) -> Result<(Vec<u8>, Format)> {
    match source {
        IngestSource::Bytes(bytes) => {
            let format = imaging::sniff(&bytes)?;
            Ok((bytes, format))
        }
        IngestSource::File(path) => {
            let len = std::fs::metadata(&path)?.len();
            if len > imaging::MAX_FILE_BYTES {
                return Err(CoreError::ImageTooLarge(format!(
                    "the file is {} MiB; the library accepts up to {} MiB",
                    len >> 20,
                    imaging::MAX_FILE_BYTES >> 20
                )));
            }
            let bytes = std::fs::read(&path)?;
            let format = imaging::sniff(&bytes)?;
            imaging::check_extension(&path, format)?;
            Ok((bytes, format))
        }
    }
}

/// Blocking: validates and stores the original and starts (or makes) the thumbnails.
pub(super) fn store_files(
    root: &Path,
    source: IngestSource,
    opts: &IngestOptions,
) -> Result<StoredFiles> {
    let (bytes, format) = read_source(source)?;
    let already_small = match opts.max_long_side {
        None => true,
        Some(long) => {
            format == Format::Png
                && imaging::png_dimensions(&bytes).is_some_and(|(w, h)| w.max(h) <= long)
        }
    };
    if already_small {
        return store_as_is(root, bytes, format, opts.metadata.as_ref());
    }
    let decoded = imaging::decode(&bytes, format)?;
    let long = opts.max_long_side.unwrap_or(u32::MAX);
    let (bytes, img) = match resize::downscale(&decoded, long)? {
        Some(small) => (resize::encode(&small, format)?, small),
        None => (bytes, decoded),
    };
    let original = with_metadata(bytes, format, opts.metadata.as_ref())?;
    let sha256 = hex_sha256(&original);
    let path = store::original_rel(&sha256, format.ext());
    let dest = store::checked_join(root, &path)?;
    if !dest.exists() {
        store::write_atomic(&dest, &original, true)?;
    }
    let thumbs = resize::thumbnails(&img)?;
    write_thumbs(root, &sha256, &thumbs.0, &thumbs.1)?;
    Ok(StoredFiles {
        sha256,
        path,
        format,
        width: img.width(),
        height: img.height(),
        original,
        thumbs: PendingThumbs::Made(Ok(thumbs)),
    })
}

/// The common case, on two threads: this one decodes (which validates; a PNG has its preview made
/// beside the decode) while a helper embeds the metadata, hashes, and stores the original durably
/// (fsynced file, rename, folder fsync), removing it again if the decode fails. The thumbnails
/// are encoded on the blocking pool as soon as the decode and the hash are done, beside whatever
/// the caller does next.
fn store_as_is(
    root: &Path,
    bytes: Vec<u8>,
    format: Format,
    meta: Option<&EmbeddedMetadata>,
) -> Result<StoredFiles> {
    let (hashed, hash) = std::sync::mpsc::sync_channel::<(String, ThumbTemps)>(1);
    let bytes_ref = &bytes;
    let (decoded, thumbs, written) = std::thread::scope(|scope| {
        let writer = std::thread::Builder::new()
            .name("nanoforge-store".into())
            .spawn_scoped(scope, move || -> Result<Original> {
                let embedded = match (format, meta) {
                    (Format::Png, Some(meta)) => Some(embed_png_metadata(bytes_ref, meta)?),
                    _ => None,
                };
                let original = embedded.as_deref().unwrap_or(bytes_ref);
                let sha256 = hex_sha256(original);
                // The thumbnails' files are created now, while the decode still runs, so that
                // only their bytes are left to write once they are encoded.
                let _ = hashed.send((sha256.clone(), ThumbTemps::open(root, &sha256)));
                let path = store::original_rel(&sha256, format.ext());
                let dest = store::checked_join(root, &path)?;
                // Named before the decode's verdict, so that the folder's fsync overlaps the
                // decode rather than following it, and this thread is done by then. A crash
                // before the row's commit leaves an orphan for the integrity scan either way.
                let named = if dest.exists() {
                    false
                } else {
                    store::write_atomic(&dest, original, true)?;
                    true
                };
                Ok(Original {
                    embedded,
                    sha256,
                    path,
                    named,
                })
            });
        let decoded = decode(bytes_ref, format);
        // No hash means the writer failed before hashing; its error is the one reported.
        let thumbs = match &decoded {
            Ok(_) => hash.recv().ok(),
            Err(_) => None,
        };
        let thumbs = match (thumbs, decoded) {
            (Some((sha256, temps)), Ok(img)) => {
                let dimensions = img.dimensions();
                (
                    Ok(dimensions),
                    Some(start_thumbnails(root.to_path_buf(), sha256, img, temps)),
                )
            }
            (_, decoded) => (decoded.map(|img| img.dimensions()), None),
        };
        let written = match writer {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(CoreError::Internal("the file writer failed".into()))),
            Err(e) => Err(e.into()),
        };
        (thumbs.0, thumbs.1, written)
    });
    let (width, height) = match decoded {
        Ok(dimensions) => dimensions,
        Err(e) => {
            // Refused bytes keep no file; one that was already there is not this ingest's to
            // remove (the same bytes cannot have been accepted).
            if let Ok(Original {
                named: true, path, ..
            }) = &written
            {
                store::remove_if_exists(&store::checked_join(root, path)?)?;
            }
            return Err(e);
        }
    };
    let written = written?;
    let thumbs = thumbs.ok_or_else(|| CoreError::Internal("no thumbnails".into()))?;
    Ok(StoredFiles {
        path: written.path,
        sha256: written.sha256,
        format,
        width,
        height,
        original: written.embedded.unwrap_or(bytes),
        thumbs,
    })
}

/// The original as the writer stored it.
struct Original {
    /// The bytes with metadata embedded, if any was.
    embedded: Option<Vec<u8>>,
    sha256: String,
    path: String,
    /// Written by this ingest (rather than found already there).
    named: bool,
}

/// What the decode kept of the pixels: the whole image, or (a PNG decoded row by row) its preview.
enum Decoded {
    Whole(DynamicImage),
    Streamed(png_stream::Streamed),
}

impl Decoded {
    fn dimensions(&self) -> (u32, u32) {
        match self {
            Self::Whole(img) => (img.width(), img.height()),
            Self::Streamed(streamed) => (streamed.width, streamed.height),
        }
    }
}

/// Decodes, and so validates; a PNG of the common layouts has its preview made on the way.
fn decode(bytes: &[u8], format: Format) -> Result<Decoded> {
    if format == Format::Png
        && let Some(streamed) = png_stream::decode_with_preview(bytes)?
    {
        return Ok(Decoded::Streamed(streamed));
    }
    imaging::decode(bytes, format).map(Decoded::Whole)
}

/// Makes the thumbnails on the blocking pool, each file written by the thread that encoded it
/// (into its temp file made beforehand, if there is one). Outside a runtime (never the case in the
/// app) they are made here and now.
fn start_thumbnails(
    root: PathBuf,
    sha256: String,
    decoded: Decoded,
    temps: ThumbTemps,
) -> PendingThumbs {
    let make = move || {
        let done = |side, jpeg: &[u8]| match temps.take(side) {
            Some(temp) => Ok(temp.finish(jpeg)?.persist()?),
            None => write_thumb(&root, &sha256, side, jpeg),
        };
        match decoded {
            Decoded::Whole(img) => resize::thumbnails_then(&img, &done),
            Decoded::Streamed(streamed) => {
                resize::thumbnails_from_preview(&streamed.preview, &done)
            }
        }
    };
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => PendingThumbs::Making(runtime.spawn_blocking(make)),
        Err(_) => PendingThumbs::Made(make()),
    }
}

/// The two thumbnails' temp files, each taken once by the thread that encodes that thumbnail.
/// A side is `None` when its thumbnail is already stored or its file could not be created (then
/// the ordinary write reports the error).
struct ThumbTemps {
    thumb: Mutex<Option<store::OpenTemp>>,
    preview: Mutex<Option<store::OpenTemp>>,
}

impl ThumbTemps {
    fn open(root: &Path, sha256: &str) -> ThumbTemps {
        let open = |side| {
            let dest = store::checked_join(root, &store::thumb_rel(sha256, side)).ok()?;
            if dest.exists() {
                return None;
            }
            store::open_temp(&dest, false).ok()
        };
        ThumbTemps {
            thumb: Mutex::new(open(THUMB_SIZE)),
            preview: Mutex::new(open(PREVIEW_SIZE)),
        }
    }

    fn take(&self, side: u32) -> Option<store::OpenTemp> {
        let slot = if side == THUMB_SIZE {
            &self.thumb
        } else {
            &self.preview
        };
        slot.lock().ok()?.take()
    }
}

pub(super) fn write_thumbs(root: &Path, sha256: &str, thumb: &[u8], preview: &[u8]) -> Result<()> {
    write_thumb(root, sha256, THUMB_SIZE, thumb)?;
    write_thumb(root, sha256, PREVIEW_SIZE, preview)
}

/// No fsync: a missing or torn thumbnail is made again from the original.
fn write_thumb(root: &Path, sha256: &str, side: u32, jpeg: &[u8]) -> Result<()> {
    let path = store::checked_join(root, &store::thumb_rel(sha256, side))?;
    Ok(store::write_atomic(&path, jpeg, false)?)
}

fn with_metadata(
    bytes: Vec<u8>,
    format: Format,
    meta: Option<&EmbeddedMetadata>,
) -> Result<Vec<u8>> {
    match (format, meta) {
        (Format::Png, Some(meta)) => embed_png_metadata(&bytes, meta),
        _ => Ok(bytes),
    }
}

pub(super) fn hex_sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}
