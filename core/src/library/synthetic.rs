//! A library filled with synthetic history, fast: for benchmarks, the 100k-image end-to-end test
//! and anyone who wants to see the gallery at scale (`nanoforge seed-synthetic`). Rows point at a
//! few real demo images, so every page, thumbnail and full image resolves.
//!
//! Thumbnails are fetched by their original's hash, so rows sharing four hashes would show four
//! URLs and the web view would fetch and decode four files in all: no measurement of the gallery
//! at all. The rows cycle through [`DISTINCT_THUMBNAILS`] made-up hashes instead, each with its own
//! thumbnail and preview files (copies of a sample's), so loading thumbnails costs what it costs
//! in a real library.

use super::{IngestOptions, IngestSource, Library, store};
use crate::Result;
use crate::providers::{AspectRatio, GenerationRequest, ImageSize, Model, demo};

/// Completed jobs (one image each) added per transaction.
const BATCH: u32 = 20_000;

/// Distinct thumbnail URLs of a synthetic library (at least a thousand, for the gallery benchmark).
pub const DISTINCT_THUMBNAILS: u32 = 1_000;

const ADJECTIVES: [&str; 10] = [
    "misty", "golden", "neon", "ancient", "quiet", "stormy", "vivid", "frozen", "sunlit", "dark",
];
const SUBJECTS: [&str; 50] = [
    "fox",
    "castle",
    "harbour",
    "forest",
    "robot",
    "dragon",
    "garden",
    "city",
    "desert",
    "river",
    "mountain",
    "violin",
    "owl",
    "train",
    "market",
    "library",
    "glacier",
    "temple",
    "bridge",
    "whale",
    "tiger",
    "lantern",
    "island",
    "windmill",
    "cathedral",
    "canyon",
    "meadow",
    "astronaut",
    "samurai",
    "teapot",
    "orchid",
    "volcano",
    "carousel",
    "submarine",
    "bicycle",
    "waterfall",
    "cottage",
    "falcon",
    "compass",
    "reef",
    "lighthouse",
    "monastery",
    "balloon",
    "kitchen",
    "tram",
    "vineyard",
    "airship",
    "beetle",
    "observatory",
    "dune",
];
const STYLES: [&str; 8] = [
    "oil painting",
    "photograph",
    "watercolour",
    "3d render",
    "ink sketch",
    "pixel art",
    "poster",
    "film still",
];

const TIMES: [&str; 4] = ["at dawn", "at night", "in the rain", "in winter"];

impl Library {
    /// Adds `n` completed demo jobs with one image each, spread over the year before now, newest
    /// last. Returns how many were added. Seconds for 100k rows.
    pub async fn seed_synthetic(&self, n: u32) -> Result<u32> {
        self.seed_synthetic_with(n, DISTINCT_THUMBNAILS).await
    }

    /// [`Library::seed_synthetic`] with `distinct` thumbnail hashes (rounded up to a multiple of
    /// four, the number of sample originals). Four keeps the samples' own hashes, so every row is
    /// a consistent copy of its original (sync tests); more make up hashes whose originals do not
    /// hash to them, which only a gallery fixture may do.
    pub async fn seed_synthetic_with(&self, n: u32, distinct: u32) -> Result<u32> {
        // No more hashes than rows.
        let distinct = distinct.min(n).max(1).div_ceil(4) * 4;
        let mut files = Vec::new();
        for i in 0..4_u32 {
            let mut req = GenerationRequest::new(format!("synthetic sample {i}"), Model::Demo);
            req.size = ImageSize::S512;
            req.aspect_ratio = AspectRatio::default();
            req.seed = Some(i);
            let png = tokio::task::spawn_blocking(move || demo::render_png(&req, 0)).await??;
            files.push(
                self.ingest_image(None, 0, IngestSource::Bytes(png), IngestOptions::default())
                    .await?,
            );
        }
        // The samples were ingested as images of their own; only the synthetic rows should show.
        for f in &files {
            sqlx::query("DELETE FROM images WHERE id = ? AND profile_id = ?")
                .bind(&f.id)
                .bind(self.profile_id())
                .execute(self.pool())
                .await?;
        }
        // Four or fewer: the samples' own hashes, so every row is a true copy (what sync tests need);
        // more: made-up hashes, whose originals do not hash to them (a gallery fixture only).
        let hashes = if distinct <= 4 {
            files.iter().map(|f| f.sha256.clone()).collect()
        } else {
            self.write_distinct_thumbnails(&files, distinct).await?
        };
        let now = crate::clock::now_ms();
        let span = 365 * 86_400_000_i64;
        let step = (span / i64::from(n.max(1))).max(1);
        let mut done = 0;
        while done < n {
            let batch_end = (done + BATCH).min(n);
            let mut tx = self.pool().begin().await?;
            for i in done..batch_end {
                let created = now - span + i64::from(i) * step;
                let prompt = format!(
                    "{} {} {}, {} number {i}",
                    ADJECTIVES[(i % 10) as usize],
                    SUBJECTS[((i / 10) % 50) as usize],
                    TIMES[(i % 4) as usize],
                    STYLES[(i % 8) as usize]
                );
                let size = [512_i64, 1024, 1024, 2048][(i % 4) as usize];
                let job_id = uuid::Uuid::now_v7().to_string();
                let image_id = uuid::Uuid::now_v7().to_string();
                sqlx::query(
                    "INSERT INTO jobs (id, profile_id, image_id, prompt, task_type, provider, model, image_size,
                        cost, duration_ms, status, attempts, created_at, updated_at, completed_at)
                     VALUES (?, ?, ?, ?, 'TEXT_TO_IMAGE', 'demo', 'demo', ?, 0, ?, 'COMPLETED', 1, ?, ?, ?)",
                )
                .bind(&job_id)
                .bind(self.profile_id())
                .bind(&image_id)
                .bind(&prompt)
                .bind(size)
                .bind(8_000 + i64::from(i % 5000))
                .bind(created)
                .bind(created)
                .bind(created + 9_000)
                .execute(&mut *tx)
                .await?;
                let f = &files[(i % 4) as usize];
                let sha = &hashes[(i % distinct) as usize];
                sqlx::query(
                    "INSERT INTO images (id, job_id, profile_id, position, sha256, path, mime, width, height, bytes,
                        thumb_path, preview_path, image_size, favourite, created_at)
                     VALUES (?, ?, ?, 0, ?, ?, 'image/png', ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&image_id)
                .bind(&job_id)
                .bind(self.profile_id())
                .bind(sha)
                .bind(&f.path)
                .bind(i64::from(f.width))
                .bind(i64::from(f.height))
                .bind(f.bytes as i64)
                .bind(store::thumb_rel(sha, store::THUMB_SIZE))
                .bind(store::thumb_rel(sha, store::PREVIEW_SIZE))
                .bind(size)
                .bind(i % 20 == 0)
                .bind(created + 9_000)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            done = batch_end;
        }
        sqlx::query("PRAGMA optimize").execute(self.pool()).await?;
        Ok(n)
    }

    /// Made-up hashes, each with a thumbnail and a preview file copied from the sample whose
    /// original its rows point at (row `i` uses sample `i % 4` and hash `i % distinct`, and
    /// `distinct` is a multiple of four, so the two always agree).
    async fn write_distinct_thumbnails(
        &self,
        samples: &[super::ImageRecord],
        distinct: u32,
    ) -> Result<Vec<String>> {
        use sha2::{Digest, Sha256};
        let root = self.root().to_path_buf();
        let mut sources = Vec::new();
        for f in samples {
            let (Some(thumb), Some(preview)) = (&f.thumb_path, &f.preview_path) else {
                return Err(crate::CoreError::Internal(
                    "a sample has no thumbnails".into(),
                ));
            };
            sources.push((self.absolute_path(thumb)?, self.absolute_path(preview)?));
        }
        tokio::task::spawn_blocking(move || -> Result<Vec<String>> {
            let mut hashes = Vec::new();
            for k in 0..distinct {
                let sha = format!("{:x}", Sha256::digest(format!("synthetic thumbnail {k}")));
                let (thumb, preview) = &sources[(k % 4) as usize];
                for (from, side) in [(thumb, store::THUMB_SIZE), (preview, store::PREVIEW_SIZE)] {
                    let bytes = std::fs::read(from)?;
                    let dest = store::checked_join(&root, &store::thumb_rel(&sha, side))?;
                    if let Some(dir) = dest.parent() {
                        crate::private_fs::create_dir_all(dir)?;
                    }
                    store::write_atomic(&dest, &bytes, false)?;
                }
                hashes.push(sha);
            }
            Ok(hashes)
        })
        .await?
    }
}
