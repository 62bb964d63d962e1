//! Exporting images as one zip: the originals in their own format (with their settings where
//! other tools read them, added to the copy when the original has none: `copies.rs`) plus
//! `metadata.json` and `metadata.csv` describing each of them (`sha256` and `bytes` name the stored
//! original). Trashed images stay out unless asked for; CSV cells that a spreadsheet would run as
//! a formula are escaped.

use std::collections::{HashMap, HashSet};
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;
use sqlx::{QueryBuilder, Sqlite};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::copies::{CopyMetadata, outgoing_copy};
use super::imaging::Format;
use super::{Library, store};
use crate::{CoreError, Result};

/// What an export takes beyond the ids.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Also export images that are in the trash (the Trash view's export asks for them).
    pub include_trashed: bool,
}

/// One line of metadata.csv / one object of metadata.json.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
struct ExportRow {
    id: String,
    #[sqlx(skip)]
    file: String,
    #[serde(skip)]
    path: String,
    job_id: Option<String>,
    prompt: Option<String>,
    model: Option<String>,
    provider: Option<String>,
    seed: Option<i64>,
    aspect_ratio: Option<String>,
    image_size: i64,
    width: i64,
    height: i64,
    mime: String,
    bytes: i64,
    sha256: String,
    cost: Option<f64>,
    favourite: bool,
    rating: i64,
    created_at: i64,
    #[serde(skip)]
    trashed: bool,
}

impl Library {
    /// Writes the given images to a zip at `out_path` (replaced atomically). Every id must exist;
    /// duplicates are exported once, trashed ones only when asked. Returns the number written.
    pub async fn export_zip(
        &self,
        ids: &[String],
        out_path: &Path,
        options: ExportOptions,
    ) -> Result<u32> {
        let mut seen = HashSet::new();
        let wanted: Vec<&String> = ids.iter().filter(|id| seen.insert(id.as_str())).collect();
        let mut rows: Vec<ExportRow> = Vec::with_capacity(wanted.len());
        for batch in wanted.chunks(500) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "SELECT i.id, i.path, i.job_id, j.prompt, j.model, j.provider, j.seed, j.aspect_ratio, i.image_size,
                        i.width, i.height, i.mime, i.bytes, i.sha256, j.cost, i.favourite, i.rating, i.created_at,
                        i.deleted_at IS NOT NULL AS trashed
                 FROM images i LEFT JOIN jobs j ON j.id = i.job_id WHERE i.profile_id = ",
            );
            q.push_bind(self.profile_id.clone()).push(" AND i.id IN (");
            let mut list = q.separated(", ");
            for id in batch {
                list.push_bind((*id).clone());
            }
            q.push(")");
            rows.extend(
                q.build_query_as::<ExportRow>()
                    .fetch_all(&self.pool)
                    .await?,
            );
        }
        let found: HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        if let Some(missing) = wanted.iter().find(|id| !found.contains(id.as_str())) {
            return Err(CoreError::NotFound(format!("image {missing}")));
        }
        let before = rows.len();
        rows.retain(|r| options.include_trashed || !r.trashed);
        if rows.is_empty() && before > 0 {
            return Err(CoreError::InvalidInput(
                "every chosen image is in the trash: restore them, or export from the Trash".into(),
            ));
        }
        // Keep the caller's order.
        let order: HashMap<&str, usize> = wanted
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        rows.sort_by_key(|r| order.get(r.id.as_str()).copied().unwrap_or(usize::MAX));
        for row in &mut rows {
            let ext = Format::from_mime(&row.mime).map_or("bin", Format::ext);
            row.file = format!("images/{}.{ext}", row.id);
        }
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let metas = self.copy_metadata(&ids).await?;
        let root = self.root.clone();
        let out = out_path.to_path_buf();
        let count = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        tokio::task::spawn_blocking(move || write_zip(&root, &rows, &metas, &out)).await??;
        Ok(count)
    }
}

fn write_zip(
    root: &Path,
    rows: &[ExportRow],
    metas: &HashMap<String, CopyMetadata>,
    out_path: &Path,
) -> Result<()> {
    let zip_error =
        |e: zip::result::ZipError| CoreError::Internal(format!("could not write the zip: {e}"));
    let dir = match out_path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile_in(&dir)?;
    {
        let mut zip = zip::ZipWriter::new(BufWriter::new(tmp.file()));
        // Images are already compressed; storing them is as small and far faster.
        let stored = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .large_file(true);
        let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for row in rows {
            let original = std::fs::read(store::checked_join(root, &row.path)?)?;
            zip.start_file(row.file.as_str(), stored)
                .map_err(zip_error)?;
            zip.write_all(&outgoing_copy(&original, metas.get(&row.id)))?;
        }
        zip.start_file("metadata.json", deflated)
            .map_err(zip_error)?;
        let json =
            serde_json::to_vec_pretty(rows).map_err(|e| CoreError::Internal(e.to_string()))?;
        zip.write_all(&json)?;
        zip.start_file("metadata.csv", deflated)
            .map_err(zip_error)?;
        let mut csv = csv::Writer::from_writer(Vec::new());
        for row in rows {
            csv.serialize(row.for_spreadsheets())
                .map_err(|e| CoreError::Internal(format!("could not write metadata.csv: {e}")))?;
        }
        let csv = csv
            .into_inner()
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        zip.write_all(&csv)?;
        let mut inner = zip.finish().map_err(zip_error)?;
        inner.flush()?;
    }
    tmp.persist(out_path)
}

impl ExportRow {
    /// The row with every text cell safe to open in a spreadsheet.
    fn for_spreadsheets(&self) -> ExportRow {
        let safe = |s: &Option<String>| s.as_deref().map(formula_safe);
        ExportRow {
            prompt: safe(&self.prompt),
            model: safe(&self.model),
            provider: safe(&self.provider),
            aspect_ratio: safe(&self.aspect_ratio),
            ..self.clone()
        }
    }
}

/// A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
/// LibreOffice and Sheets (OWASP "CSV injection"): a leading `'` makes it text.
fn formula_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// A temp file beside the destination, removed unless persisted.
struct TempOut {
    path: std::path::PathBuf,
    file: std::fs::File,
    done: bool,
}

fn tempfile_in(dir: &Path) -> Result<TempOut> {
    let path = dir.join(format!(
        "{}{}.zip",
        store::TEMP_PREFIX,
        uuid::Uuid::new_v4().simple()
    ));
    let file = std::fs::File::create(&path)?;
    Ok(TempOut {
        path,
        file,
        done: false,
    })
}

impl TempOut {
    fn file(&mut self) -> &mut std::fs::File {
        &mut self.file
    }

    fn persist(&mut self, dest: &Path) -> Result<()> {
        self.file.sync_all()?;
        std::fs::rename(&self.path, dest)?;
        self.done = true;
        Ok(())
    }
}

impl Drop for TempOut {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::formula_safe;

    #[test]
    fn cells_a_spreadsheet_would_run_are_made_text() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(formula_safe(cell), format!("'{cell}"));
        }
        for cell in ["a cat", "", "1 = 1", "cats + dogs"] {
            assert_eq!(formula_safe(cell), cell);
        }
    }
}
