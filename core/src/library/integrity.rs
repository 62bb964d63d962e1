//! Checking that rows and files agree, and repairing what does not.
//!
//! Repair policy: orphan files (no row refers to them) are deleted; missing thumbnails are
//! regenerated from the original; an image row whose original file is gone is REMOVED, because its
//! pixels cannot be recovered locally and a row pointing at nothing would break the gallery and
//! export. Its job stays, so the prompt and settings remain in History and can be re-run.
//!
//! Two guards keep repair from destroying a library that is only out of reach: an original that
//! lives in the sync bucket (a phone keeps only thumbnails; a download still queued) is not
//! missing; and when most originals are missing at once (a folder on a drive that is not
//! mounted), repair refuses to touch anything and says so.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::db::begin_immediate;
use super::store::FileSet;
use super::store::{self, IMAGES_DIR, PREVIEW_SIZE, TEMP_PREFIX, THUMB_SIZE, THUMBS_DIR};
use super::trash::delete_image_rows;
use super::{Library, imaging, ingest_files, resize};
use crate::Result;

/// A temp file younger than this may belong to an ingest still running in another process.
const STALE_TEMP_AGE: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct IntegrityReport {
    pub images_checked: u32,
    /// Ids of images whose original file is missing.
    pub missing_originals: Vec<String>,
    /// Ids of images with a missing thumbnail or preview.
    pub missing_thumbnails: Vec<String>,
    /// Library-relative paths of files no row refers to (including stale temp files).
    pub orphan_files: Vec<String>,
    /// Originals that live in the sync bucket and not on this device (not missing).
    pub remote_originals: u32,
    pub repaired: bool,
    pub rows_removed: u32,
    pub files_removed: u32,
    pub thumbnails_regenerated: u32,
}

#[derive(sqlx::FromRow)]
struct ScanRow {
    id: String,
    sha256: String,
    path: String,
    thumb_path: Option<String>,
    preview_path: Option<String>,
    /// The original lives in the sync bucket (fetched on demand, or its download is queued).
    elsewhere: bool,
}

/// At least this many missing originals, and more than half of them all, look like a library
/// folder that is out of reach rather than files that were lost.
const UNREACHABLE_MIN_MISSING: usize = 3;

impl Library {
    /// Compares the rows with the files on disk; with `repair`, fixes what it found (see the
    /// module documentation for what each repair does).
    pub async fn integrity_scan(&self, repair: bool) -> Result<IntegrityReport> {
        let rows: Vec<ScanRow> = sqlx::query_as(
            "SELECT id, sha256, path, thumb_path, preview_path,
                    original_remote = 1 OR EXISTS (
                        SELECT 1 FROM sync_files f WHERE f.key = images.path AND f.direction = 'down'
                    ) AS elsewhere
             FROM images WHERE profile_id = ?",
        )
        .bind(&self.profile_id)
        .fetch_all(&self.pool)
        .await?;
        let root = self.root.clone();
        let (files, stale_temps) =
            tokio::task::spawn_blocking(move || list_library_files(&root)).await??;
        let present: HashSet<&str> = files.iter().map(String::as_str).collect();
        let mut referenced: HashSet<&str> = HashSet::new();
        let mut report = IntegrityReport {
            images_checked: u32::try_from(rows.len()).unwrap_or(u32::MAX),
            ..Default::default()
        };
        let mut thumbless = Vec::new();
        for row in &rows {
            referenced.insert(&row.path);
            referenced.extend(row.thumb_path.as_deref());
            referenced.extend(row.preview_path.as_deref());
            if !present.contains(row.path.as_str()) {
                if row.elsewhere {
                    report.remote_originals += 1;
                } else {
                    report.missing_originals.push(row.id.clone());
                }
            } else if [&row.thumb_path, &row.preview_path]
                .iter()
                .any(|p| p.as_deref().is_none_or(|p| !present.contains(p)))
            {
                report.missing_thumbnails.push(row.id.clone());
                thumbless.push(row);
            }
        }
        report.orphan_files = files
            .iter()
            .filter(|f| !referenced.contains(f.as_str()) && !is_temp(f))
            .cloned()
            .collect();
        report.orphan_files.extend(stale_temps);
        report.orphan_files.sort();
        if !repair {
            return Ok(report);
        }
        let missing = report.missing_originals.len();
        if missing >= UNREACHABLE_MIN_MISSING && missing * 2 > rows.len() {
            return Err(crate::CoreError::LibraryUnavailable(format!(
                "{missing} of {} originals are missing at once: is the library folder ({}) on a \
                 drive that is not connected? Nothing was repaired or removed",
                rows.len(),
                self.root.display()
            )));
        }
        report.repaired = true;
        report.files_removed += self.remove_orphans(&report.orphan_files).await?;
        let (rows_removed, files_removed) = self
            .remove_rows_without_original(&report.missing_originals)
            .await?;
        report.rows_removed = rows_removed;
        report.files_removed += files_removed;
        for row in thumbless {
            if self.regenerate_thumbnails(row).await? {
                report.thumbnails_regenerated += 1;
            }
        }
        if report.rows_removed > 0 {
            self.changes
                .images_removed(report.missing_originals.iter().cloned());
        }
        Ok(report)
    }

    /// Regenerates an image's thumbnails if either file is missing. Returns the image as stored.
    pub async fn ensure_thumbnails(&self, image_id: &str) -> Result<super::ImageRecord> {
        let row: Option<ScanRow> = sqlx::query_as(
            "SELECT id, sha256, path, thumb_path, preview_path, original_remote = 1 AS elsewhere FROM images WHERE id = ? AND profile_id = ?",
        )
        .bind(image_id)
        .bind(&self.profile_id)
        .fetch_optional(&self.pool)
        .await?;
        let row = row.ok_or_else(|| crate::CoreError::NotFound(format!("image {image_id}")))?;
        let root = self.root.clone();
        let wanted: Vec<Option<String>> = vec![row.thumb_path.clone(), row.preview_path.clone()];
        let missing = tokio::task::spawn_blocking(move || {
            wanted.iter().any(|p| {
                p.as_deref()
                    .is_none_or(|p| store::checked_join(&root, p).map_or(true, |p| !p.exists()))
            })
        })
        .await?;
        if missing {
            self.regenerate_thumbnails(&row).await?;
        }
        self.get_image(image_id).await
    }

    async fn regenerate_thumbnails(&self, row: &ScanRow) -> Result<bool> {
        let root = self.root.clone();
        let (sha, rel) = (row.sha256.clone(), row.path.clone());
        let made = tokio::task::spawn_blocking(move || -> Result<bool> {
            let original = match std::fs::read(store::checked_join(&root, &rel)?) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
                Err(e) => return Err(e.into()),
            };
            let img = imaging::decode(&original, imaging::sniff(&original)?)?;
            let (thumb, preview) = resize::thumbnails(&img)?;
            ingest_files::write_thumbs(&root, &sha, &thumb, &preview)?;
            Ok(true)
        })
        .await??;
        if made {
            sqlx::query("UPDATE images SET thumb_path = ?, preview_path = ? WHERE id = ?")
                .bind(store::thumb_rel(&row.sha256, THUMB_SIZE))
                .bind(store::thumb_rel(&row.sha256, PREVIEW_SIZE))
                .bind(&row.id)
                .execute(&self.pool)
                .await?;
        }
        Ok(made)
    }

    /// Deletes orphan files that are still unreferenced once the write lock is held.
    async fn remove_orphans(&self, orphans: &[String]) -> Result<u32> {
        if orphans.is_empty() {
            return Ok(0);
        }
        let mut tx = begin_immediate(&self.pool).await?;
        let referenced: Vec<(String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT path, thumb_path, preview_path FROM images")
                .fetch_all(&mut *tx)
                .await?;
        let referenced: HashSet<String> = referenced
            .into_iter()
            .flat_map(|(a, b, c)| [Some(a), b, c])
            .flatten()
            .collect();
        let doomed: Vec<String> = orphans
            .iter()
            .filter(|f| !referenced.contains(*f))
            .cloned()
            .collect();
        let root = self.root.clone();
        let removed = tokio::task::spawn_blocking(move || -> Result<u32> {
            let mut removed = 0;
            for rel in &doomed {
                if store::remove_if_exists(&store::checked_join(&root, rel)?)? {
                    removed += 1;
                }
            }
            Ok(removed)
        })
        .await??;
        tx.commit().await?;
        Ok(removed)
    }

    /// Removes rows whose original is (still) missing, then files only they used.
    async fn remove_rows_without_original(&self, ids: &[String]) -> Result<(u32, u32)> {
        if ids.is_empty() {
            return Ok((0, 0));
        }
        let mut tx = begin_immediate(&self.pool).await?;
        let mut gone = Vec::new();
        for id in ids {
            let path: Option<(String,)> = sqlx::query_as("SELECT path FROM images WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some((rel,)) = path
                && !store::checked_join(&self.root, &rel)?.exists()
            {
                gone.push(id.clone());
            }
        }
        let files: BTreeSet<FileSet> = delete_image_rows(&mut tx, &gone).await?;
        tx.commit().await?;
        let removed = self
            .remove_unreferenced_files(files, super::trash::Reach::ThisDevice)
            .await?;
        Ok((u32::try_from(gone.len()).unwrap_or(u32::MAX), removed))
    }
}

fn is_temp(rel: &str) -> bool {
    rel.rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with(TEMP_PREFIX))
}

/// All files under images/ and thumbs/, and separately the temp files old enough to be leftovers.
fn list_library_files(root: &Path) -> Result<(Vec<String>, Vec<String>)> {
    let mut files = store::list_files(root, IMAGES_DIR)?;
    files.extend(store::list_files(root, THUMBS_DIR)?);
    let now = SystemTime::now();
    let stale = files
        .iter()
        .filter(|f| is_temp(f))
        .filter(|f| {
            store::checked_join(root, f)
                .ok()
                .and_then(|p| std::fs::metadata(p).ok()?.modified().ok())
                .is_some_and(|m| now.duration_since(m).unwrap_or_default() > STALE_TEMP_AGE)
        })
        .cloned()
        .collect();
    Ok((files, stale))
}
