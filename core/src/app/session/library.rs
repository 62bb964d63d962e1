//! The library as a person browses and edits it, for this session's profile: gallery pages,
//! single images and jobs, history, stats, favourites, ratings, the trash, deleting forever and
//! the integrity check. Each edit is told on the event stream by the library itself.

use super::Session;
use crate::Result;
use crate::library::{
    GridPage, ImagePage, ImageQuery, ImageRecord, IntegrityReport, JobPage, JobQuery, JobRecord,
    LibraryStats, StatsQuery,
};

impl Session {
    /// One keyset page of the gallery (or the trash), newest first.
    pub async fn list_images(&self, query: &ImageQuery) -> Result<ImagePage> {
        Ok(self.library.list_images(query).await?.into())
    }

    /// The same page as [`Session::list_images`], as the grid's thin records.
    pub async fn list_grid(&self, query: &ImageQuery) -> Result<GridPage> {
        Ok(self.library.list_images(query).await?.into())
    }

    pub async fn get_image(&self, id: &str) -> Result<ImageRecord> {
        self.library.get_image(id).await
    }

    /// Images a job made, in slot order.
    pub async fn job_images(&self, job_id: &str) -> Result<Vec<ImageRecord>> {
        self.library.job_images(job_id).await
    }

    /// One keyset page of the job history, newest first.
    pub async fn list_jobs(&self, query: &JobQuery) -> Result<JobPage> {
        Ok(self.library.list_jobs(query).await?.into())
    }

    /// Every job that may have been charged without a result, as CSV for a refund request.
    pub async fn possibly_charged_csv(&self) -> Result<String> {
        self.library.possibly_charged_csv().await
    }

    /// [`Session::possibly_charged_csv`] written to `dest` (a path the person chose); returns how
    /// many jobs it lists.
    pub async fn save_possibly_charged_csv(&self, dest: &std::path::Path) -> Result<u32> {
        let csv = self.library.possibly_charged_csv().await?;
        tokio::fs::write(dest, &csv).await?;
        let jobs = csv.lines().count().saturating_sub(1);
        Ok(u32::try_from(jobs).unwrap_or(u32::MAX))
    }

    pub async fn get_job(&self, id: &str) -> Result<JobRecord> {
        self.library.get_job(id).await
    }

    pub async fn job_count(&self) -> Result<u32> {
        Ok(u32::try_from(self.library.job_count().await?).unwrap_or(u32::MAX))
    }

    pub async fn stats(&self, query: &StatsQuery) -> Result<LibraryStats> {
        self.library.stats(query).await
    }

    pub async fn set_favourite(&self, id: &str, favourite: bool) -> Result<ImageRecord> {
        self.library.set_favourite(id, favourite).await
    }

    pub async fn set_rating(&self, id: &str, rating: u32) -> Result<ImageRecord> {
        self.library.set_rating(id, rating).await
    }

    /// Moves images to the trash (undo with [`Session::restore`]); returns how many moved.
    pub async fn trash(&self, ids: &[String]) -> Result<u32> {
        self.library.trash(ids).await
    }

    pub async fn restore(&self, ids: &[String]) -> Result<u32> {
        self.library.restore(ids).await
    }

    /// Deletes trashed images and their files for good; returns how many were removed.
    pub async fn empty_trash(&self) -> Result<u32> {
        self.library.empty_trash().await
    }

    /// Deletes the given images for good, on every device once sync carries it.
    pub async fn purge(&self, ids: &[String]) -> Result<u32> {
        self.library.purge(ids).await
    }

    pub async fn integrity_scan(&self, repair: bool) -> Result<IntegrityReport> {
        self.library.integrity_scan(repair).await
    }
}
