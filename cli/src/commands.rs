//! The library commands: list, show, cancel, credits, stats, export, info.

use std::path::Path;

use nanoforge_core::library::{JobQuery, JobStatus, StatsQuery};
use nanoforge_core::queue::ProviderKind;
use nanoforge_core::{AppCore, CoreError, Result, Session};

use crate::output::{self, DEMO_NOTICE};

/// What `list` shows.
pub struct ListFilter {
    pub limit: u32,
    pub search: Option<String>,
    pub status: Option<String>,
    pub possibly_charged: bool,
}

/// `list --possibly-charged --csv`: the whole report on stdout.
pub async fn possibly_charged_csv(session: &Session) -> Result<()> {
    print!("{}", session.possibly_charged_csv().await?);
    Ok(())
}

pub async fn list(session: &Session, filter: ListFilter, json: bool) -> Result<()> {
    let ListFilter {
        limit,
        search,
        status,
        possibly_charged,
    } = filter;
    let status = status
        .map(|s| {
            JobStatus::parse(&s.trim().to_ascii_uppercase()).map_err(|_| {
                CoreError::InvalidInput(format!(
                    "unknown status '{s}': choose PENDING, SUBMITTED, PROCESSING, DOWNLOADING, \
                     RECOVERABLE, COMPLETED, FAILED or CANCELLED"
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
        possibly_charged,
        ..JobQuery::default()
    };
    let page = session.list_jobs(&query).await?;
    let mut out = Vec::with_capacity(page.items.len());
    for job in &page.items {
        out.push(output::job_json(session, job).await?);
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

/// One job, with its family: the job it came from and the jobs made from it.
pub async fn show(session: &Session, id: &str, json: bool) -> Result<()> {
    let job = session.get_job(id.trim()).await?;
    let out = output::job_json(session, &job).await?;
    let family = session.job_family(&job.id).await?;
    if json {
        let mut value =
            serde_json::to_value(&out).map_err(|e| CoreError::Internal(e.to_string()))?;
        if let Some(obj) = value.as_object_mut() {
            obj.insert(
                "parent".into(),
                serde_json::json!(family.parent.as_ref().map(|p| &p.id)),
            );
            let children: Vec<&String> = family.children.iter().map(|c| &c.id).collect();
            obj.insert("children".into(), serde_json::json!(children));
        }
        println!("{}", output::to_json(&value)?);
    } else {
        println!("{}", output::show_text(&job, &out));
        if let Some(parent) = &family.parent {
            println!("parent     {} ({})", parent.id, parent.status.as_str());
        }
        for child in &family.children {
            println!("child      {} ({})", child.id, child.status.as_str());
        }
    }
    Ok(())
}

/// This month's spend against the budget, or `budget set AMOUNT|off`.
pub async fn budget(
    session: &Session,
    action: Option<crate::args::BudgetAction>,
    json: bool,
) -> std::result::Result<(), crate::Failure> {
    if let Some(crate::args::BudgetAction::Set { amount }) = action {
        let limit = match amount.trim() {
            "off" | "none" => None,
            text => Some(text.trim_start_matches('$').parse::<f64>().map_err(|_| {
                crate::Failure::usage(format!("'{text}' is not an amount in USD (or `off`)"))
            })?),
        };
        let mut settings = session.preferences().await?;
        settings.monthly_budget_usd = limit;
        session.update_preferences(settings).await?;
    }
    let status = session.budget_status().await?;
    if json {
        let out = serde_json::json!({
            "limit_usd": status.limit_usd,
            "month": status.month,
            "spent_confirmed": status.spent_confirmed,
            "spent_possible": status.spent_possible,
        });
        println!("{}", output::to_json(&out)?);
        return Ok(());
    }
    let spent = format!(
        "${:.2} (${:.2} confirmed, ${:.2} possibly charged)",
        status.spent(),
        status.spent_confirmed,
        status.spent_possible
    );
    match status.limit_usd {
        Some(limit) => println!("{}: {spent} of a ${limit:.2} budget", status.month),
        None => println!("{}: {spent}; no monthly budget set", status.month),
    }
    Ok(())
}

/// The catalog: every model with its sizes, ratios, limits and the prices in effect (the
/// profile's own prices included).
pub fn models(session: &Session, json: bool) -> Result<()> {
    let catalog = session.catalog();
    let price = |model, size| {
        catalog
            .prices
            .iter()
            .find(|p| p.model == model && p.size == size)
            .map_or(0.0, |p| p.usd)
    };
    let models = &catalog.models;
    if json {
        let out: Vec<_> = models
            .iter()
            .map(|m| {
                serde_json::json!({
                    "model": m.model,
                    "provider": m.provider,
                    "label": m.label,
                    "sizes": m.sizes.iter().map(|s| serde_json::json!({"size": s.size, "price_usd": price(m.model, s.size)})).collect::<Vec<_>>(),
                    "default_size": m.default_size,
                    "aspect_ratios": m.aspect_ratios,
                    "max_input_images": m.max_input_images,
                    "max_prompt_chars": m.max_prompt_chars,
                    "price_is_estimate": m.price_is_estimate,
                })
            })
            .collect();
        println!("{}", output::to_json(&out)?);
        return Ok(());
    }
    for m in models {
        let sizes: Vec<String> = m
            .sizes
            .iter()
            .map(|s| format!("{} ${:.3}", s.size, price(m.model, s.size)))
            .collect();
        let ratios: Vec<&str> = m.aspect_ratios.iter().map(|r| r.as_str()).collect();
        println!(
            "{:<16} {}{}\n  sizes: {}\n  ratios: {}\n  input images: up to {}",
            m.model.as_str(),
            m.label,
            if m.price_is_estimate {
                " (prices are estimates)"
            } else {
                ""
            },
            sizes.join(", "),
            ratios.join(" "),
            m.max_input_images
        );
    }
    Ok(())
}

pub async fn cancel(session: &Session, id: &str) -> Result<()> {
    let job = session.cancel(id.trim()).await?;
    println!(
        "Cancelled job {}. {}",
        job.id,
        job.error_message.unwrap_or_default()
    );
    Ok(())
}

pub async fn credits(session: &Session, json: bool) -> Result<()> {
    let info = session.credits().await?;
    if json {
        println!("{}", output::to_json(&info)?);
        return Ok(());
    }
    match (info.provider, info.balance) {
        (ProviderKind::NanoBanana, Some(balance)) => {
            println!("Nano Banana balance: {balance} credits");
            if let Some(per_image) = info.credits_per_image {
                println!(
                    "about {:.0} images at {per_image} credits each",
                    balance / per_image
                );
            }
        }
        _ => eprintln!("{DEMO_NOTICE}"),
    }
    Ok(())
}

pub async fn stats(session: &Session, json: bool) -> Result<()> {
    let stats = session.stats(&StatsQuery::default()).await?;
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
pub async fn export(
    session: &Session,
    ids: &[String],
    out: &Path,
    include_trashed: bool,
) -> Result<()> {
    let mut image_ids = Vec::new();
    for id in ids {
        let id = id.trim();
        match session.get_job(id).await {
            Ok(job) => {
                let images = session.job_images(&job.id).await?;
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
    let options = nanoforge_core::library::ExportOptions { include_trashed };
    let written = session.export_zip(&image_ids, out, options).await?;
    println!("Exported {written} image(s) to {}", out.display());
    Ok(())
}

pub async fn info(core: &AppCore, json: bool) -> Result<()> {
    let info = core.app_info().await?;
    let library_dir = core.session().library_folder().display().to_string();
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

pub async fn seed_synthetic(session: &Session, count: u32, distinct: u32) -> Result<()> {
    let started = std::time::Instant::now();
    let added = session
        .library()
        .seed_synthetic_with(count, distinct)
        .await?;
    println!(
        "added {added} synthetic demo images in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
