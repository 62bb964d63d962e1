//! `generate`, `resume`, `retry` (recover) and `rerun`: start, continue or recover jobs, follow
//! them, print each outcome.

use nanoforge_core::catalog::{ImageSize, MAX_IMAGES, Model};
use nanoforge_core::library::{JobRecord, JobStatus};
use nanoforge_core::providers::{AspectRatio, GenerationRequest};
use nanoforge_core::queue::{BudgetLevel, GenerateOptions, ProviderKind};
use nanoforge_core::{CoreError, Result, Session};

use crate::Failure;
use crate::args::GenerateArgs;
use crate::output::{self, DEMO_NOTICE};
use crate::progress::Bars;

/// The request and options from the command line, checked before anything is opened or sent.
/// Without `--model` the model is the default of `--provider`, else of `default_provider` (the
/// first with a key, known once the profile is open); when neither is known yet only the syntax
/// is checked.
pub fn parse_request(
    args: &GenerateArgs,
    default_provider: Option<ProviderKind>,
) -> Result<(GenerationRequest, GenerateOptions)> {
    let invalid = |m: String| CoreError::InvalidInput(m);
    let provider = args
        .provider
        .as_deref()
        .map(str::parse::<ProviderKind>)
        .transpose()?;
    let (model, model_known) = match (&args.model, provider.or(default_provider)) {
        (Some(m), _) => (m.parse::<Model>()?, true),
        (None, Some(kind)) => (kind.default_model(), true),
        (None, None) => (Model::default(), false),
    };
    if !(1..=i64::from(MAX_IMAGES)).contains(&args.count) {
        return Err(invalid(format!(
            "asked for {} images; choose between 1 and {MAX_IMAGES}",
            args.count
        )));
    }
    let size = match &args.size {
        Some(size) => size.parse::<ImageSize>()?,
        None => model.info().default_size,
    };
    let request = GenerationRequest {
        prompt: args.prompt.clone(),
        model,
        size,
        aspect_ratio: args.aspect.parse::<AspectRatio>()?,
        count: u8::try_from(args.count).unwrap_or(1),
        watermark: args.watermark.clone(),
        image_urls: Vec::new(),
        input_images: Vec::new(),
        references: args.refs.clone(),
        seed: args.seed,
    };
    for image in &args.images {
        if image.trim().is_empty() {
            return Err(invalid(
                "--image needs a file path or an http(s) URL".into(),
            ));
        }
    }
    if model_known && provider != Some(ProviderKind::Demo) {
        // Inputs count against the model's limit before any is read or fetched.
        // Only Nano Banana is handed URLs (which must be public); others get files.
        let urls_sent = provider.unwrap_or(model.provider()) == ProviderKind::NanoBanana;
        let mut counted = request.clone();
        let (urls, files): (Vec<String>, Vec<String>) = args
            .images
            .iter()
            .cloned()
            .partition(|i| urls_sent && is_url(i));
        counted.image_urls = urls;
        counted.input_images = files;
        counted.validate()?;
    }
    if args.timeout == Some(0) {
        return Err(invalid("--timeout must be at least 1 second".into()));
    }
    let options = GenerateOptions {
        provider,
        timeout_secs: args.timeout,
        over_budget: args.over_budget,
        ..GenerateOptions::default()
    };
    Ok((request, options))
}

fn is_url(s: &str) -> bool {
    let lower = s.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

pub async fn generate(session: &Session, args: &GenerateArgs) -> std::result::Result<(), Failure> {
    let fallback = match &args.model {
        Some(model) => model.parse::<Model>().map_err(CoreError::from)?.provider(),
        None => session.default_provider().await?,
    };
    let (mut request, options) = parse_request(args, Some(fallback))?;
    let provider = options.provider.unwrap_or(fallback);
    if provider == ProviderKind::Demo {
        eprintln!("{DEMO_NOTICE}");
    }
    add_inputs(session, provider, &mut request, &args.images).await?;
    let events = session.job_events();
    let jobs = session.generate(request, options).await?;
    let outcome = finish(session, &jobs, events, args.json).await;
    warn_budget(session).await;
    outcome
}

/// `--image` values into the request: a URL as it is for Nano Banana (it fetches URLs itself),
/// fetched and kept as an input for Gemini; a local file kept as an input (Nano Banana gets it as
/// a short-lived link from the sync bucket; without sync that is refused before anything is paid).
pub(crate) async fn add_inputs(
    session: &Session,
    provider: ProviderKind,
    request: &mut GenerationRequest,
    images: &[String],
) -> Result<()> {
    for image in images {
        let image = image.trim();
        match (is_url(image), provider) {
            (true, ProviderKind::NanoBanana | ProviderKind::Demo) => {
                request.image_urls.push(image.to_owned());
            }
            (true, ProviderKind::Gemini) => {
                request
                    .input_images
                    .push(session.import_input_url(image).await?.id);
            }
            (false, ProviderKind::NanoBanana) if !session.sync_status().await?.configured => {
                return Err(nanoforge_core::providers::local_inputs_need_sync().into());
            }
            (false, _) => {
                let path = std::path::Path::new(image);
                request
                    .input_images
                    .push(session.import_input_image(path).await?.id);
            }
        }
    }
    Ok(())
}

pub async fn resume(session: &Session, json: bool) -> std::result::Result<(), Failure> {
    let events = session.job_events();
    // Gemini Batch API batches first, for a bounded time: the answers that came in are then
    // stored as resumed jobs; the rest stay SUBMITTED for a later `resume`.
    let round = session
        .drive_remote_batches(std::time::Duration::from_secs(30))
        .await?;
    if round.live > 0 {
        eprintln!(
            "{} Gemini Batch API batch(es) are still running; `nanoforge resume` again later              collects their results.",
            round.live
        );
    }
    let report = session.resume_unfinished().await?;
    let mut ids = report.resumed.clone();
    ids.extend(report.held_elsewhere.iter().cloned());
    if ids.is_empty() && report.skipped.is_empty() {
        eprintln!("Nothing to resume: every job has finished.");
    }
    if !report.held_elsewhere.is_empty() {
        eprintln!(
            "{} job(s) are being run by another Nanoforge process; waiting for them (they are \
             taken over here if that process stops).",
            report.held_elsewhere.len()
        );
    }
    let mut jobs = Vec::new();
    for id in &ids {
        jobs.push(session.get_job(id).await?);
    }
    let outcome = finish(session, &jobs, events, json).await;
    if let Some(first) = report.skipped.first() {
        return Err(Failure::line(format!(
            "{} job(s) cannot be resumed here: {}",
            report.skipped.len(),
            output::sanitize(&first.reason)
        )));
    }
    outcome
}

/// Recover: re-poll and re-download, never resubmit.
pub async fn retry(session: &Session, id: &str, json: bool) -> std::result::Result<(), Failure> {
    let events = session.job_events();
    let job = session.retry(id.trim()).await?;
    finish(session, &[job], events, json).await
}

/// A new paid job from an old one's request; states the price and asks for --yes first.
pub async fn rerun(
    session: &Session,
    id: &str,
    yes: bool,
    over_budget: bool,
    json: bool,
) -> std::result::Result<(), Failure> {
    let old = session.get_job(id.trim()).await?;
    if !yes {
        let price = if old.provider == ProviderKind::Demo {
            "free (demo)".to_owned()
        } else {
            format!("about ${:.4}", old.estimated_cost)
        };
        return Err(Failure::usage(format!(
            "running job {} again is a new generation, {price}: run again with --yes to pay for it",
            old.id
        )));
    }
    let events = session.job_events();
    let options = GenerateOptions {
        over_budget,
        ..GenerateOptions::default()
    };
    let jobs = session.rerun(&old.id, options).await?;
    finish(session, &jobs, events, json).await
}

/// Follows `jobs` with progress bars until each has ended, prints them, and turns anything but
/// COMPLETED into the exit status (a recoverable job says how to finish it).
pub(crate) async fn finish(
    session: &Session,
    jobs: &[JobRecord],
    events: nanoforge_core::JobEvents,
    json: bool,
) -> std::result::Result<(), Failure> {
    let ids: Vec<String> = jobs.iter().map(|j| j.id.clone()).collect();
    let bars = Bars::follow(&ids, events);
    let mut finished = Vec::new();
    for id in &ids {
        finished.push(session.wait(id).await?);
    }
    bars.finish().await;
    let mut failed = Vec::new();
    for job in &finished {
        let out = output::job_json(session, job).await?;
        if json {
            println!("{}", output::to_json(&out)?);
        } else {
            println!("{}", output::human_job(&out));
        }
        if job.status != JobStatus::Completed {
            failed.push(job);
        }
    }
    let Some(first) = failed.first() else {
        return Ok(());
    };
    if first.status == JobStatus::Recoverable {
        eprintln!(
            "The task is still at the service and may already be paid for: run `nanoforge resume` \
             (or `nanoforge retry {}`) to finish it. It is not sent again.",
            first.id
        );
    }
    let reason = output::sanitize(
        &first
            .error_message
            .clone()
            .unwrap_or_else(|| first.status.as_str().to_lowercase()),
    );
    Err(Failure::line(if finished.len() == 1 {
        format!("job {} {}: {reason}", first.id, first.status.as_str())
    } else {
        format!(
            "{} of {} jobs did not complete; job {} {}: {reason}",
            failed.len(),
            finished.len(),
            first.id,
            first.status.as_str()
        )
    }))
}

/// A notice on stderr once this month's spend passes 80 % of the budget.
async fn warn_budget(session: &Session) {
    if let Ok(status) = session.budget_status().await
        && matches!(status.level, BudgetLevel::Warning | BudgetLevel::Over)
        && let Some(limit) = status.limit_usd
    {
        eprintln!(
            "This month: ${:.2} of your ${limit:.2} budget (${:.2} confirmed, ${:.2} possibly charged).",
            status.spent(),
            status.spent_confirmed,
            status.spent_possible
        );
    }
}
