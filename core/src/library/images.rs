//! Reading images back: single records, favourites, ratings and the trash (the keyset-paged
//! gallery is `gallery.rs`).

use sqlx::{QueryBuilder, Sqlite};

use super::Library;
use super::db::{ms_to_f64, now_ms, to_u32};
use super::types::{ImageFlag, ImageKind, ImageRecord, JobStatus};
use crate::{CoreError, Result};

/// Image columns plus the prompt, model and status of the job `j`.
macro_rules! image_columns {
    () => {
        "SELECT i.id, i.kind, i.job_id, i.position, i.sha256, i.path, i.mime, i.width, i.height, i.bytes, \
         i.thumb_path, i.preview_path, i.image_size, i.favourite, i.rating, i.deleted_at, i.created_at, \
         i.flag, j.prompt, j.model, j.status AS job_status "
    };
}

/// [`image_columns!`] for the gallery's query builder (`gallery.rs`).
pub(super) const IMAGE_COLUMNS: &str = image_columns!();

macro_rules! image_select {
    () => {
        concat!(
            image_columns!(),
            "FROM images i LEFT JOIN jobs j ON j.id = i.job_id "
        )
    };
}

#[derive(sqlx::FromRow)]
pub(super) struct ImageRow {
    id: String,
    kind: String,
    job_id: Option<String>,
    position: i64,
    sha256: String,
    path: String,
    mime: String,
    width: i64,
    height: i64,
    bytes: i64,
    thumb_path: Option<String>,
    preview_path: Option<String>,
    image_size: i64,
    favourite: bool,
    rating: i64,
    deleted_at: Option<i64>,
    created_at: i64,
    flag: Option<String>,
    prompt: Option<String>,
    model: Option<String>,
    job_status: Option<String>,
}

impl ImageRow {
    pub(super) fn into_record(self) -> Result<ImageRecord> {
        // Inputs keep their own long side in the column; only a job's image has a tier.
        let image_size = self
            .job_id
            .as_ref()
            .map(|_| crate::catalog::ImageSize::nearest(to_u32(self.image_size)));
        Ok(ImageRecord {
            kind: if self.kind == "input" {
                ImageKind::Input
            } else {
                ImageKind::Generated
            },
            id: self.id,
            job_id: self.job_id,
            position: to_u32(self.position),
            sha256: self.sha256,
            path: self.path,
            mime: self.mime,
            width: to_u32(self.width),
            height: to_u32(self.height),
            bytes: self.bytes as f64,
            thumb_path: self.thumb_path,
            preview_path: self.preview_path,
            image_size,
            favourite: self.favourite,
            rating: to_u32(self.rating),
            deleted_at: self.deleted_at.map(ms_to_f64),
            created_at: ms_to_f64(self.created_at),
            flag: self.flag.as_deref().and_then(ImageFlag::parse),
            prompt: self.prompt,
            model: self.model.as_deref().and_then(|m| m.parse().ok()),
            job_status: self
                .job_status
                .as_deref()
                .map(JobStatus::parse)
                .transpose()?,
        })
    }
}

impl Library {
    /// Notes why image `id` is not quite what was asked for (see [`ImageFlag`]).
    pub async fn set_image_flag(&self, id: &str, flag: ImageFlag) -> Result<()> {
        sqlx::query("UPDATE images SET flag = ? WHERE id = ? AND profile_id = ?")
            .bind(flag.as_str())
            .bind(id)
            .bind(&self.profile_id)
            .execute(&self.pool)
            .await?;
        self.changes.images_updated([id.to_owned()]);
        Ok(())
    }
}

impl Library {
    pub async fn get_image(&self, id: &str) -> Result<ImageRecord> {
        let row: Option<ImageRow> = sqlx::query_as(concat!(
            image_select!(),
            "WHERE i.id = ? AND i.profile_id = ?"
        ))
        .bind(id)
        .bind(&self.profile_id)
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or_else(|| CoreError::NotFound(format!("image {id}")))?
            .into_record()
    }

    /// The image stored for slot `position` of a job, if any.
    pub async fn image_at(&self, job_id: &str, position: u32) -> Result<Option<ImageRecord>> {
        let row: Option<ImageRow> = sqlx::query_as(concat!(
            image_select!(),
            "WHERE i.job_id = ? AND i.position = ? AND i.profile_id = ?"
        ))
        .bind(job_id)
        .bind(i64::from(position))
        .bind(&self.profile_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(ImageRow::into_record).transpose()
    }

    /// All images of a job, in slot order.
    pub async fn job_images(&self, job_id: &str) -> Result<Vec<ImageRecord>> {
        let rows: Vec<ImageRow> = sqlx::query_as(concat!(
            image_select!(),
            "WHERE i.job_id = ? AND i.profile_id = ? ORDER BY i.position"
        ))
        .bind(job_id)
        .bind(&self.profile_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ImageRow::into_record).collect()
    }

    pub async fn set_favourite(&self, id: &str, favourite: bool) -> Result<ImageRecord> {
        let done = sqlx::query("UPDATE images SET favourite = ? WHERE id = ? AND profile_id = ?")
            .bind(favourite)
            .bind(id)
            .bind(&self.profile_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(CoreError::NotFound(format!("image {id}")));
        }
        self.changes.images_updated([id.to_owned()]);
        self.get_image(id).await
    }

    /// 0 clears the rating; 1 to 5 stars.
    pub async fn set_rating(&self, id: &str, rating: u32) -> Result<ImageRecord> {
        if rating > 5 {
            return Err(CoreError::InvalidInput("a rating is 0 to 5 stars".into()));
        }
        let done = sqlx::query("UPDATE images SET rating = ? WHERE id = ? AND profile_id = ?")
            .bind(i64::from(rating))
            .bind(id)
            .bind(&self.profile_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(CoreError::NotFound(format!("image {id}")));
        }
        self.changes.images_updated([id.to_owned()]);
        self.get_image(id).await
    }

    /// Moves images to the trash (undoable with [`Library::restore`]). Returns how many moved.
    pub async fn trash(&self, ids: &[String]) -> Result<u32> {
        self.set_deleted(ids, Some(now_ms())).await
    }

    /// Takes images out of the trash. Returns how many came back.
    pub async fn restore(&self, ids: &[String]) -> Result<u32> {
        self.set_deleted(ids, None).await
    }

    async fn set_deleted(&self, ids: &[String], at: Option<i64>) -> Result<u32> {
        let mut tx = super::db::begin_immediate(&self.pool).await?;
        let mut changed = 0;
        // Bounded batches keep each statement under SQLite's bound-parameter limit.
        for batch in ids.chunks(500) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("UPDATE images SET deleted_at = ");
            q.push_bind(at)
                .push(" WHERE profile_id = ")
                .push_bind(self.profile_id.clone());
            q.push(if at.is_some() {
                " AND deleted_at IS NULL"
            } else {
                " AND deleted_at IS NOT NULL"
            });
            q.push(" AND id IN (");
            let mut list = q.separated(", ");
            for id in batch {
                list.push_bind(id.clone());
            }
            q.push(")");
            changed += q.build().execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        if changed > 0 {
            self.changes.images_updated(ids.iter().cloned());
        }
        Ok(u32::try_from(changed).unwrap_or(u32::MAX))
    }
}
