//! Bringing an image into the library, in an order that survives a crash at any point: validate,
//! (downscale), embed metadata, hash, store the original atomically, write thumbnails, and only
//! then commit the row. A crash before the commit leaves at worst an orphan file (removed by the
//! integrity scan), never a row pointing at a missing file.

use std::path::{Path, PathBuf};

use image::DynamicImage;
use sha2::{Digest, Sha256};

use super::Library;
use super::db::{begin_immediate, now_ms};
use super::imaging::{self, Format};
use super::pngmeta::{EmbeddedMetadata, embed_png_metadata};
use super::resize::{self, Thumbs};
use super::store::{self, PREVIEW_SIZE, THUMB_SIZE};
use super::types::{ImageFlag, ImageKind, ImageRecord};
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

/// An image whose files are on disk but whose row is not committed yet: the first half of
/// [`Library::ingest_image`], split out so the step between the two halves can be tested.
/// Dropping it without [`Library::commit_image`] leaves orphan files for the integrity scan.
#[derive(Debug)]
pub struct PreparedImage {
    job_id: Option<String>,
    position: u32,
    image_size: u32,
    kind: ImageKind,
    flag: Option<ImageFlag>,
    files: StoredFiles,
}

#[derive(Debug)]
struct StoredFiles {
    sha256: String,
    path: String,
    format: Format,
    width: u32,
    height: u32,
    original: Vec<u8>,
    thumb_path: String,
    thumb: Vec<u8>,
    preview_path: String,
    preview: Vec<u8>,
}

impl PreparedImage {
    pub fn sha256(&self) -> &str {
        &self.files.sha256
    }

    /// Library-relative path of the stored original.
    pub fn path(&self) -> &str {
        &self.files.path
    }

    /// Library-relative paths of the 256 px and 512 px thumbnails.
    pub fn thumbnail_paths(&self) -> [&str; 2] {
        [&self.files.thumb_path, &self.files.preview_path]
    }
}

impl Library {
    /// Validates, stores and records one image. For a job, slot `position` is stored once:
    /// ingesting it again (e.g. after a restart mid-download) returns the existing record.
    pub async fn ingest_image(
        &self,
        job_id: Option<&str>,
        position: u32,
        source: IngestSource,
        opts: IngestOptions,
    ) -> Result<ImageRecord> {
        if let Some(job) = job_id
            && let Some(existing) = self.image_at(job, position).await?
        {
            return Ok(existing);
        }
        let prepared = self.prepare_image(job_id, position, source, opts).await?;
        self.commit_image(prepared).await
    }

    /// The file half of an ingest: everything up to, not including, the row.
    pub async fn prepare_image(
        &self,
        job_id: Option<&str>,
        position: u32,
        source: IngestSource,
        opts: IngestOptions,
    ) -> Result<PreparedImage> {
        let job_size = match job_id {
            Some(id) => {
                let size: Option<(i64,)> =
                    sqlx::query_as("SELECT image_size FROM jobs WHERE id = ? AND profile_id = ?")
                        .bind(id)
                        .bind(&self.profile_id)
                        .fetch_optional(&self.pool)
                        .await?;
                Some(
                    size.ok_or_else(|| CoreError::NotFound(format!("job {id}")))?
                        .0,
                )
            }
            None => None,
        };
        let root = self.root.clone();
        let kind = opts.kind;
        let flag = opts.flag;
        let files =
            tokio::task::spawn_blocking(move || store_files(&root, source, &opts)).await??;
        let image_size = match job_size {
            Some(size) => u32::try_from(size).unwrap_or(0),
            None => files.width.max(files.height),
        };
        Ok(PreparedImage {
            job_id: job_id.map(str::to_owned),
            position,
            image_size,
            kind,
            flag,
            files,
        })
    }

    /// The row half of an ingest: one write transaction that inserts the image and, if the job has
    /// none yet, makes it the job's image.
    pub async fn commit_image(&self, prepared: PreparedImage) -> Result<ImageRecord> {
        let PreparedImage {
            job_id,
            position,
            image_size,
            kind,
            flag,
            files,
        } = prepared;
        let mut tx = begin_immediate(&self.pool).await?;
        // Holding the write lock, make sure the files are still there: a purge or repair in another
        // process may have removed an identical file after this ingest found it present.
        let root = self.root.clone();
        let files = tokio::task::spawn_blocking(move || -> Result<StoredFiles> {
            restore_if_missing(&root, &files.path, &files.original, true)?;
            restore_if_missing(&root, &files.thumb_path, &files.thumb, false)?;
            restore_if_missing(&root, &files.preview_path, &files.preview, false)?;
            Ok(files)
        })
        .await??;
        let id = uuid::Uuid::now_v7().to_string();
        let inserted: Option<(String,)> = sqlx::query_as(
            "INSERT INTO images (id, job_id, profile_id, position, sha256, path, mime, width, height, bytes,
                thumb_path, preview_path, image_size, created_at, kind, flag)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (job_id, position) WHERE job_id IS NOT NULL DO NOTHING
             RETURNING id",
        )
        .bind(&id)
        .bind(&job_id)
        .bind(&self.profile_id)
        .bind(i64::from(position))
        .bind(&files.sha256)
        .bind(&files.path)
        .bind(files.format.mime())
        .bind(i64::from(files.width))
        .bind(i64::from(files.height))
        .bind(files.original.len() as i64)
        .bind(&files.thumb_path)
        .bind(&files.preview_path)
        .bind(i64::from(image_size))
        .bind(now_ms())
        .bind(kind.as_str())
        .bind(flag.map(ImageFlag::as_str))
        .fetch_optional(&mut *tx)
        .await?;
        let id = match (inserted, &job_id) {
            (Some((id,)), Some(job)) => {
                sqlx::query("UPDATE jobs SET image_id = ?, updated_at = ? WHERE id = ? AND image_id IS NULL")
                    .bind(&id)
                    .bind(now_ms())
                    .bind(job)
                    .execute(&mut *tx)
                    .await?;
                id
            }
            (Some((id,)), None) => id,
            // Another ingest of the same slot won the race; its row stands.
            (None, _) => {
                let (existing,): (String,) =
                    sqlx::query_as("SELECT id FROM images WHERE job_id = ? AND position = ?")
                        .bind(&job_id)
                        .bind(i64::from(position))
                        .fetch_one(&mut *tx)
                        .await?;
                existing
            }
        };
        tx.commit().await?;
        if kind == super::ImageKind::Generated {
            self.changes.images_added([id.clone()]);
        }
        if let Some(job) = &job_id {
            self.changes.job(job, false);
        }
        self.get_image(&id).await
    }
}

impl Library {
    /// Keeps a local file given as input for image-to-image: validated like any image, stored as
    /// a content-addressed blob with thumbnails, not shown in the gallery. The same bytes given
    /// again are the same input image.
    pub async fn import_input_image(&self, source: IngestSource) -> Result<ImageRecord> {
        let options = IngestOptions {
            kind: ImageKind::Input,
            ..IngestOptions::default()
        };
        let prepared = self.prepare_image(None, 0, source, options).await?;
        let existing: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM images WHERE profile_id = ? AND kind = 'input' AND sha256 = ? LIMIT 1",
        )
        .bind(&self.profile_id)
        .bind(prepared.sha256())
        .fetch_optional(&self.pool)
        .await?;
        match existing {
            Some((id,)) => self.get_image(&id).await,
            None => self.commit_image(prepared).await,
        }
    }
}

fn restore_if_missing(root: &Path, rel: &str, bytes: &[u8], durable: bool) -> Result<()> {
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

/// Blocking: validates and stores the original and thumbnails, returning what the row needs.
fn store_files(root: &Path, source: IngestSource, opts: &IngestOptions) -> Result<StoredFiles> {
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
    finish(root, sha256, path, format, &img, original)
}

/// The common case, on two threads: this one decodes (which validates) and then makes the
/// thumbnails, while a helper embeds the metadata, hashes and writes the original to an fsynced
/// temp file, and gives it its real name (plus a folder fsync) only once the decode succeeded.
/// The helper passes the hash on as soon as it has it, so each thumbnail file is written by the
/// thread that encoded it while the other is still encoding.
fn store_as_is(
    root: &Path,
    bytes: Vec<u8>,
    format: Format,
    meta: Option<&EmbeddedMetadata>,
) -> Result<StoredFiles> {
    let (verdict, decoded_ok) = std::sync::mpsc::sync_channel::<bool>(1);
    let (hashed, hash) = std::sync::mpsc::sync_channel::<String>(1);
    let bytes_ref = &bytes;
    let (decoded, thumbs, written) = std::thread::scope(|scope| {
        let writer = std::thread::Builder::new()
            .name("nanoforge-store".into())
            .spawn_scoped(scope, move || -> Result<(Option<Vec<u8>>, String)> {
                let embedded = match (format, meta) {
                    (Format::Png, Some(meta)) => Some(embed_png_metadata(bytes_ref, meta)?),
                    _ => None,
                };
                let original = embedded.as_deref().unwrap_or(bytes_ref);
                let sha256 = hex_sha256(original);
                let _ = hashed.send(sha256.clone());
                let dest = store::checked_join(root, &store::original_rel(&sha256, format.ext()))?;
                let staged = if dest.exists() {
                    None
                } else {
                    Some(store::stage(&dest, original, true)?)
                };
                // A refused image never gets a name: dropping `staged` deletes the temp file.
                if decoded_ok.recv() != Ok(true) {
                    return Err(CoreError::InvalidImage("the image did not decode".into()));
                }
                if let Some(staged) = staged {
                    staged.persist()?;
                }
                Ok((embedded, sha256))
            });
        let decoded = imaging::decode(bytes_ref, format);
        let _ = verdict.send(decoded.is_ok());
        let thumbs = decoded.as_ref().ok().map(|img| {
            // No hash means the helper failed before hashing; its error is the one reported.
            let sha256 = hash.recv().ok();
            resize::thumbnails_then(img, &|side, jpeg| match &sha256 {
                Some(sha256) => write_thumb(root, sha256, side, jpeg),
                None => Ok(()),
            })
        });
        let written = match writer {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(CoreError::Internal("the file writer failed".into()))),
            Err(e) => Err(e.into()),
        };
        (decoded, thumbs, written)
    });
    let img = decoded?;
    let (embedded, sha256) = written?;
    let thumbs = thumbs.ok_or_else(|| CoreError::Internal("no thumbnails".into()))??;
    let path = store::original_rel(&sha256, format.ext());
    let original = embedded.unwrap_or(bytes);
    assemble(sha256, path, format, &img, original, thumbs)
}

fn finish(
    root: &Path,
    sha256: String,
    path: String,
    format: Format,
    img: &DynamicImage,
    original: Vec<u8>,
) -> Result<StoredFiles> {
    let (thumb, preview) = resize::thumbnails(img)?;
    write_thumbs(root, &sha256, &thumb, &preview)?;
    assemble(sha256, path, format, img, original, (thumb, preview))
}

/// What the row needs; the thumbnail files are written by then.
fn assemble(
    sha256: String,
    path: String,
    format: Format,
    img: &DynamicImage,
    original: Vec<u8>,
    (thumb, preview): Thumbs,
) -> Result<StoredFiles> {
    Ok(StoredFiles {
        thumb_path: store::thumb_rel(&sha256, THUMB_SIZE),
        preview_path: store::thumb_rel(&sha256, PREVIEW_SIZE),
        sha256,
        path,
        format,
        width: img.width(),
        height: img.height(),
        original,
        thumb,
        preview,
    })
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
