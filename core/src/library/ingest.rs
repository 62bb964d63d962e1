//! Bringing an image into the library, in an order that survives a crash at any point: validate,
//! (downscale), embed metadata, hash, store the original atomically, and only then commit the
//! row. A crash before the commit leaves at worst an orphan file (removed by the integrity scan),
//! never a row pointing at a missing original. The file half is in `ingest_files`.

use super::Library;
use super::db::{begin_immediate, now_ms};
pub use super::ingest_files::{IngestOptions, IngestSource};
use super::ingest_files::{PendingThumbs, StoredFiles, restore_if_missing, store_files};
use super::store::{self, PREVIEW_SIZE, THUMB_SIZE};
use super::types::{ImageFlag, ImageKind, ImageRecord};
use crate::{CoreError, Result};

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

impl PreparedImage {
    pub fn sha256(&self) -> &str {
        &self.files.sha256
    }

    /// Library-relative path of the stored original.
    pub fn path(&self) -> &str {
        &self.files.path
    }

    /// Library-relative paths of the 256 px and 512 px thumbnails.
    pub fn thumbnail_paths(&self) -> [String; 2] {
        [self.files.thumb_path(), self.files.preview_path()]
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
        // The thumbnails may still be in the making: they finish while the row is written.
        let prepared = self.prepare_files(job_id, position, source, opts).await?;
        self.commit_image(prepared).await
    }

    /// The file half of an ingest: everything up to, not including, the row; every file is
    /// written when it returns.
    pub async fn prepare_image(
        &self,
        job_id: Option<&str>,
        position: u32,
        source: IngestSource,
        opts: IngestOptions,
    ) -> Result<PreparedImage> {
        let mut prepared = self.prepare_files(job_id, position, source, opts).await?;
        let thumbs = prepared.files.thumbs.made().await?;
        prepared.files.thumbs = PendingThumbs::Made(Ok(thumbs));
        Ok(prepared)
    }

    /// [`Library::prepare_image`] with the original stored and the thumbnails perhaps still in
    /// the making.
    async fn prepare_files(
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
        let StoredFiles {
            sha256,
            path,
            format,
            width,
            height,
            original,
            thumbs,
        } = files;
        let (thumb_path, preview_path) = (
            store::thumb_rel(&sha256, THUMB_SIZE),
            store::thumb_rel(&sha256, PREVIEW_SIZE),
        );
        let mut tx = begin_immediate(&self.pool).await?;
        // Holding the write lock, make sure the original is still there: a purge or repair in
        // another process may have removed an identical file after this ingest found it present.
        let root = self.root.clone();
        let (path, original) = tokio::task::spawn_blocking(move || -> Result<(String, Vec<u8>)> {
            restore_if_missing(&root, &path, &original, true)?;
            Ok((path, original))
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
        .bind(&sha256)
        .bind(&path)
        .bind(format.mime())
        .bind(i64::from(width))
        .bind(i64::from(height))
        .bind(original.len() as i64)
        .bind(&thumb_path)
        .bind(&preview_path)
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
        // Now the thumbnails, made while the row was written. A purge that removed identical ones
        // meanwhile finished before this row's commit (it holds the write lock), and none removes
        // them after it, as the row refers to them.
        let root = self.root.clone();
        let thumbnails = match thumbs.made().await {
            Ok((thumb, preview)) => tokio::task::spawn_blocking(move || -> Result<()> {
                restore_if_missing(&root, &thumb_path, &thumb, false)?;
                restore_if_missing(&root, &preview_path, &preview, false)
            })
            .await
            .unwrap_or_else(|_| Err(CoreError::Internal("the thumbnail writer failed".into()))),
            Err(e) => Err(e),
        };
        // The row stands either way (a missing thumbnail is made again on request), so it is
        // announced before a thumbnail's failure is reported.
        if kind == super::ImageKind::Generated {
            self.changes.images_added([id.clone()]);
        }
        if let Some(job) = &job_id {
            self.changes.job(job, false);
        }
        thumbnails?;
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
