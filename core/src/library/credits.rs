//! What images cost in a service's credits, learned from the balance: a job whose balance was read
//! before its submit and after it finished, with no other submit of this library in between, took
//! exactly the difference. Such jobs record their credits, and teach the rate of their model and
//! size; a balance that did not move teaches nothing (it never makes a cost 0).

use super::Library;
use super::db::now_ms;
use crate::Result;
use crate::catalog::{ImageSize, Model, ProviderKind};

impl Library {
    /// Credits one image of `model` at `size` took on `provider`, as last learned.
    pub async fn credit_rate(
        &self,
        provider: ProviderKind,
        model: Model,
        size: ImageSize,
    ) -> Result<Option<f64>> {
        let row: Option<(f64,)> = sqlx::query_as(
            "SELECT credits_per_image FROM credit_rates
             WHERE provider = ? AND model = ? AND image_size = ?",
        )
        .bind(provider.as_str())
        .bind(model.as_str())
        .bind(i64::from(size.long_side()))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(rate,)| rate))
    }

    /// Whether a job of this library other than `job_id` was submitted (its paid request sent)
    /// between `from_ms` and `to_ms`: then the balance moved for more than one job.
    pub async fn other_submits_between(
        &self,
        job_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<bool> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM jobs
             WHERE id != ? AND origin_device IS NULL AND submitted_at BETWEEN ? AND ?",
        )
        .bind(job_id)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// Records that job `job_id` (`images` images of `model` at `size`) took `credits`, and
    /// learns the rate from it. A job that took nothing teaches nothing.
    pub async fn record_charged_credits(
        &self,
        job_id: &str,
        provider: ProviderKind,
        model: Model,
        size: ImageSize,
        images: u32,
        credits: f64,
    ) -> Result<()> {
        if !credits.is_finite() || credits <= 0.0 || images == 0 {
            return Ok(());
        }
        let mut tx = super::db::begin_immediate(&self.pool).await?;
        sqlx::query("UPDATE jobs SET charged_credits = ? WHERE id = ? AND profile_id = ?")
            .bind(credits)
            .bind(job_id)
            .bind(&self.profile_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO credit_rates (provider, model, image_size, credits_per_image, samples, updated_at)
             VALUES (?, ?, ?, ?, 1, ?)
             ON CONFLICT (provider, model, image_size) DO UPDATE SET
                 credits_per_image = excluded.credits_per_image,
                 samples = samples + 1, updated_at = excluded.updated_at",
        )
        .bind(provider.as_str())
        .bind(model.as_str())
        .bind(i64::from(size.long_side()))
        .bind(credits / f64::from(images))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.changes.job(job_id, false);
        Ok(())
    }
}
