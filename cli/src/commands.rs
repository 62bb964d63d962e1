//! The library commands: list, show, cancel, credits, stats, export, info.

use std::path::Path;

use nanoforge_core::library::{JobQuery, JobStatus, StatsQuery};
use nanoforge_core::queue::ProviderKind;
use nanoforge_core::{AppCore, CoreError, Result};

use crate::output::{self, DEMO_NOTICE};

pub async fn list(
    core: &AppCore,
    limit: u32,
    search: Option<String>,
    status: Option<String>,
    json: bool,
) -> Result<()> {
    let status = status
        .map(|s| {
            JobStatus::parse(&s.trim().to_ascii_uppercase()).map_err(|_| {
                CoreError::InvalidInput(format!(
                    "unknown status '{s}': choose PENDING, SUBMITTED, PROCESSING, DOWNLOADING, \
                     COMPLETED, FAILED or CANCELLED"
                ))
            })
        })
        .transpose()?;
    if limit == 0 {
        return Err(CoreError::InvalidInput("--limit must be at least 1".into()));
    }
    let query = JobQuery {
        limit: Some(limit),
        search,
        status,
        ..JobQuery::default()
    };
    let page = core.session().library().list_jobs(&query).await?;
    let mut out = Vec::with_capacity(page.items.len());
    for job in &page.items {
        out.push(output::job_json(core.session().library(), job).await?);
    }
    if json {
        println!("{}", output::to_json(&out)?);
    } else if out.is_empty() {
        println!("No jobs.");
    } else {
        for job in &out {
            println!("{}", output::list_line(job));
        }
    }
    Ok(())
}

pub async fn show(core: &AppCore, id: &str, json: bool) -> Result<()> {
    let job = core.session().library().get_job(id.trim()).await?;
    let out = output::job_json(core.session().library(), &job).await?;
    if json {
        println!("{}", output::to_json(&out)?);
    } else {
        println!("{}", output::show_text(&job, &out));
    }
    Ok(())
}

pub async fn cancel(core: &AppCore, id: &str) -> Result<()> {
    let job = core.cancel(id.trim()).await?;
    println!(
        "Cancelled job {}. {}",
        job.id,
        job.error_message.unwrap_or_default()
    );
    Ok(())
}

pub async fn credits(core: &AppCore, json: bool) -> Result<()> {
    let info = core.credits().await?;
    if json {
        println!("{}", output::to_json(&info)?);
        return Ok(());
    }
    match (info.provider, info.balance) {
        (ProviderKind::NanoBanana, Some(balance)) => {
            println!("Nano Banana balance: {balance} credits");
        }
        _ => eprintln!("{DEMO_NOTICE}"),
    }
    Ok(())
}

pub async fn stats(core: &AppCore, json: bool) -> Result<()> {
    let stats = core
        .session()
        .library()
        .stats(&StatsQuery::default())
        .await?;
    if json {
        println!("{}", output::to_json(&stats)?);
        return Ok(());
    }
    let t = &stats.totals;
    println!(
        "images      {} ({:.1} MiB)",
        t.images,
        t.image_bytes / 1_048_576.0
    );
    println!(
        "jobs        {} ({} completed, {} failed, {} unfinished)",
        t.jobs, t.completed_jobs, t.failed_jobs, stats.active_jobs
    );
    println!("total cost  ${:.4}", t.total_cost);
    println!("this month  ${:.4}", stats.this_month.total_cost);
    if let Some(ms) = t.avg_duration_ms {
        println!("average     {:.1} s per job", ms / 1000.0);
    }
    if let Some(rate) = t.success_rate {
        println!("success     {:.0} %", rate * 100.0);
    }
    Ok(())
}

/// Ids may name images or jobs (every image of the job).
pub async fn export(core: &AppCore, ids: &[String], out: &Path) -> Result<()> {
    let mut image_ids = Vec::new();
    for id in ids {
        let id = id.trim();
        match core.session().library().get_job(id).await {
            Ok(job) => {
                let images = core.session().library().job_images(&job.id).await?;
                if images.is_empty() {
                    return Err(CoreError::InvalidInput(format!(
                        "job {id} has no images to export"
                    )));
                }
                image_ids.extend(images.into_iter().map(|i| i.id));
            }
            Err(CoreError::NotFound(_)) => image_ids.push(id.to_owned()),
            Err(e) => return Err(e),
        }
    }
    let written = core.session().library().export_zip(&image_ids, out).await?;
    println!("Exported {written} image(s) to {}", out.display());
    Ok(())
}

pub async fn info(core: &AppCore, json: bool) -> Result<()> {
    let info = core.app_info().await?;
    let library_dir = core.session().library().root().display().to_string();
    if json {
        let out = serde_json::json!({
            "version": info.version,
            "profile_id": info.profile_id,
            "data_dir": info.data_dir,
            "library_dir": library_dir,
            "job_count": info.job_count,
        });
        println!("{}", output::to_json(&out)?);
    } else {
        println!(
            "nanoforge {}\nprofile: {}\nlibrary: {library_dir}\njobs: {}",
            info.version, info.profile_id, info.job_count
        );
    }
    Ok(())
}

pub async fn seed_synthetic(core: &AppCore, count: u32) -> Result<()> {
    let started = std::time::Instant::now();
    let added = core.session().library().seed_synthetic(count).await?;
    println!(
        "added {added} synthetic demo images in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
