//! `batch` and `wildcards`: a template's jobs priced before anything is recorded, recorded once
//! (all of them or none) and followed like `generate`'s; a batch's status and cancel.

use serde::Serialize;

use std::time::Duration;

use nanoforge_core::batch::{BatchRequest, BatchStatus, ExpansionMode, RemoteBatchInfo};
use nanoforge_core::catalog::{ImageSize, Model};
use nanoforge_core::library::{JobRecord, JobStatus};
use nanoforge_core::providers::AspectRatio;
use nanoforge_core::queue::ProviderKind;
use nanoforge_core::{CoreError, Result, Session};

use crate::Failure;
use crate::batch_args::{BatchArgs, BatchCommand, WildcardsCommand};
use crate::output::{self, DEMO_NOTICE, JobJson};
use crate::progress::Bars;

#[derive(Serialize)]
struct PlanJson {
    count: u32,
    estimated_cost: f64,
    jobs: Vec<PlannedJson>,
}

#[derive(Serialize)]
struct PlannedJson {
    prompt: String,
    model: Model,
    size: ImageSize,
    estimated_cost: f64,
}

#[derive(Serialize)]
struct RunJson {
    batch_id: String,
    jobs: Vec<JobJson>,
    cost: f64,
}

pub async fn run(session: &Session, args: BatchArgs) -> std::result::Result<(), Failure> {
    match args.action {
        Some(BatchCommand::Status {
            batch_id,
            wait,
            json,
        }) => {
            let status = session.batch_status(batch_id.as_deref()).await?;
            let status = collect(session, status, Duration::from_secs(wait)).await?;
            print_status(session, &status, json).await
        }
        Some(BatchCommand::Cancel { batch_id }) => {
            let status = session.cancel_batch(&batch_id).await?;
            eprintln!(
                "Batch {}: {} cancelled; jobs already sent keep running at the service and may \
                 still be charged.",
                status.batch_id, status.counts.cancelled
            );
            Ok(())
        }
        None => start(session, &args).await,
    }
}

async fn start(session: &Session, args: &BatchArgs) -> std::result::Result<(), Failure> {
    let request = parse_request(session, args).await?;
    let plan = session.plan_batch(&request).await?;
    if plan.jobs.iter().any(|j| j.provider == ProviderKind::Demo) {
        eprintln!("{DEMO_NOTICE}");
    }
    if args.dry_run {
        let out = PlanJson {
            count: plan.count,
            estimated_cost: plan.estimated_cost,
            jobs: plan
                .jobs
                .iter()
                .map(|j| PlannedJson {
                    prompt: j.prompt.clone(),
                    model: j.model,
                    size: j.size,
                    estimated_cost: j.estimated_cost,
                })
                .collect(),
        };
        if args.json {
            println!("{}", output::to_json(&out)?);
        } else {
            for job in &out.jobs {
                println!(
                    "{}  {}  ${:.4}  {}",
                    job.model.as_str(),
                    job.size.as_str(),
                    job.estimated_cost,
                    output::sanitize(&job.prompt)
                );
            }
            println!("{} jobs, about ${:.4}", out.count, out.estimated_cost);
        }
        return Ok(());
    }
    if plan.count > 1 && !args.yes {
        return Err(Failure::usage(format!(
            "this batch is {} jobs, about ${:.4} in all: run again with --yes to record and send \
             them (--dry-run lists them)",
            plan.count, plan.estimated_cost
        )));
    }
    let events = session.job_events();
    let recorded = session.record_batch(&request).await?;
    eprintln!(
        "Batch {}: {} jobs recorded, about ${:.4}.",
        recorded.batch_id, recorded.plan.count, recorded.plan.estimated_cost
    );
    // The Batch API's jobs are not waited for: they are SUBMITTED once their batch is created.
    let remote = |j: &JobRecord| args.gemini_batch && j.provider == ProviderKind::Gemini;
    let ids: Vec<String> = recorded
        .jobs
        .iter()
        .filter(|j| !remote(j))
        .map(|j| j.id.clone())
        .collect();
    let bars = Bars::follow(&ids, events);
    let mut finished = Vec::with_capacity(recorded.jobs.len());
    for job in &recorded.jobs {
        if remote(job) {
            finished.push(session.get_job(&job.id).await?);
        } else {
            finished.push(session.wait(&job.id).await?);
        }
    }
    bars.finish().await;
    let sent = finished.iter().filter(|j| remote(j)).count();
    if sent > 0 {
        eprintln!(
            "{sent} job(s) went to Gemini's Batch API (half price, results within 24 h):              `nanoforge batch status {}` or `nanoforge resume` collects them.",
            recorded.batch_id
        );
    }
    let mut jobs = Vec::with_capacity(finished.len());
    for job in &finished {
        jobs.push(output::job_json(session, job).await?);
    }
    let cost = nanoforge_core::catalog::round_micro_usd(finished.iter().map(|j| j.cost).sum());
    let failed = finished
        .iter()
        .filter(|j| j.status != JobStatus::Completed && !(remote(j) && j.status.is_unfinished()))
        .count();
    if args.json {
        let out = RunJson {
            batch_id: recorded.batch_id.clone(),
            jobs,
            cost,
        };
        println!("{}", output::to_json(&out)?);
    } else {
        for job in &jobs {
            println!("{}", output::human_job(job));
        }
        println!("batch {}: ${cost:.4}", recorded.batch_id);
    }
    if failed > 0 {
        return Err(Failure::line(format!(
            "{failed} of {} jobs of batch {} did not complete (`nanoforge batch status {}`)",
            finished.len(),
            recorded.batch_id,
            recorded.batch_id
        )));
    }
    Ok(())
}

async fn parse_request(session: &Session, args: &BatchArgs) -> Result<BatchRequest> {
    let template = args.template.clone().unwrap_or_default();
    let models = match (&args.model, args.models.as_slice()) {
        (Some(model), _) => vec![model.trim().parse::<Model>()?],
        (None, []) => vec![session.default_provider().await?.default_model()],
        (None, many) => many
            .iter()
            .map(|m| m.trim().parse::<Model>().map_err(CoreError::from))
            .collect::<Result<Vec<_>>>()?,
    };
    let size = args
        .size
        .as_deref()
        .map(str::parse::<ImageSize>)
        .transpose()?;
    let csv = match &args.csv {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| {
            CoreError::InvalidInput(format!(
                "the CSV file {} cannot be read: {e}",
                path.display()
            ))
        })?),
        None => None,
    };
    let mode = match args.random {
        Some(n) => ExpansionMode::Random {
            n,
            seed: args.expansion_seed,
        },
        None => ExpansionMode::AllCombinations,
    };
    Ok(BatchRequest {
        template,
        models,
        size,
        aspect_ratio: args.aspect.parse::<AspectRatio>()?,
        csv,
        mode,
        max: args.max,
        over_budget: args.over_budget,
        batch_api: args.gemini_batch,
    })
}

/// Collects the Gemini Batch API's results for at most `wait` (a batch with none live returns at
/// once), then waits while the answers that came in are stored, and reads the status again.
async fn collect(session: &Session, status: BatchStatus, wait: Duration) -> Result<BatchStatus> {
    let live = |s: &BatchStatus| s.remote_batches.iter().any(|r| r.phase != "ended");
    if !live(&status) {
        return Ok(status);
    }
    session.drive_remote_batches(wait).await?;
    let status = session.batch_status(Some(&status.batch_id)).await?;
    for job in &status.jobs {
        if job.status == JobStatus::Downloading {
            session.wait(&job.id).await?;
        }
    }
    let status = session.batch_status(Some(&status.batch_id)).await?;
    if live(&status) {
        eprintln!(
            "Some of this batch's Gemini Batch API batches are still running; ask again later              (`nanoforge batch status {}`).",
            status.batch_id
        );
    }
    Ok(status)
}

async fn print_status(
    session: &Session,
    status: &nanoforge_core::batch::BatchStatus,
    json: bool,
) -> std::result::Result<(), Failure> {
    #[derive(Serialize)]
    struct StatusJson<'a> {
        batch_id: &'a str,
        state: nanoforge_core::batch::BatchState,
        counts: nanoforge_core::batch::BatchCounts,
        jobs: Vec<JobJson>,
        /// Only for a batch that used Gemini's Batch API (the interactive shape is unchanged).
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        remote_batches: &'a [RemoteBatchInfo],
    }
    let mut jobs = Vec::with_capacity(status.jobs.len());
    for job in &status.jobs {
        jobs.push(output::job_json(session, job).await?);
    }
    if json {
        let out = StatusJson {
            batch_id: &status.batch_id,
            state: status.state,
            counts: status.counts,
            jobs,
            remote_batches: &status.remote_batches,
        };
        println!("{}", output::to_json(&out)?);
    } else {
        let c = status.counts;
        println!(
            "batch {}: {:?}; {} pending, {} running, {} completed, {} failed ({} cancelled)",
            status.batch_id, status.state, c.pending, c.running, c.completed, c.failed, c.cancelled
        );
        for remote in &status.remote_batches {
            println!(
                "  Gemini batch {} ({}): {}, {} jobs{}",
                remote.name.as_deref().unwrap_or("not created yet"),
                remote.model.as_str(),
                remote.state.as_deref().unwrap_or(&remote.phase),
                remote.jobs,
                if remote.quarantined > 0 {
                    format!(", {} result(s) quarantined", remote.quarantined)
                } else {
                    String::new()
                }
            );
        }
        for job in &jobs {
            println!("{}", output::human_job(job));
        }
    }
    Ok(())
}

pub async fn wildcards(session: &Session, command: WildcardsCommand) -> Result<()> {
    match command {
        WildcardsCommand::Set { name, file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                CoreError::InvalidInput(format!("{} cannot be read: {e}", file.display()))
            })?;
            let lines: Vec<String> = text.lines().map(str::to_owned).collect();
            let count = lines.len();
            session.set_wildcard(name.trim(), lines).await?;
            eprintln!("Wildcard __{}__ saved ({count} lines).", name.trim());
        }
        WildcardsCommand::List { json } => {
            let lists = session.wildcards().await?;
            if json {
                println!("{}", output::to_json(&lists)?);
            } else {
                for list in &lists {
                    println!("__{}__  {} entries", list.name, list.entries.len());
                }
            }
        }
        WildcardsCommand::Remove { name } => {
            session.remove_wildcard(&name).await?;
            eprintln!("Wildcard __{}__ removed.", output::sanitize(&name));
        }
    }
    Ok(())
}
