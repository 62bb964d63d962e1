//! A library filled with synthetic history, fast: for benchmarks, the 100k-image end-to-end test
//! and anyone who wants to see the gallery at scale (`nanoforge seed-synthetic`). Rows point at a
//! few real demo images, so every page, thumbnail and full image resolves.

use super::{IngestOptions, IngestSource, Library};
use crate::Result;
use crate::providers::{AspectRatio, GenerationRequest, ImageSize, Model, demo};

/// Completed jobs (one image each) added per transaction.
const BATCH: u32 = 20_000;

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
                sqlx::query(
                    "INSERT INTO images (id, job_id, profile_id, position, sha256, path, mime, width, height, bytes,
                        thumb_path, preview_path, image_size, favourite, created_at)
                     VALUES (?, ?, ?, 0, ?, ?, 'image/png', ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&image_id)
                .bind(&job_id)
                .bind(self.profile_id())
                .bind(&f.sha256)
                .bind(&f.path)
                .bind(i64::from(f.width))
                .bind(i64::from(f.height))
                .bind(f.bytes as i64)
                .bind(&f.thumb_path)
                .bind(&f.preview_path)
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
}
