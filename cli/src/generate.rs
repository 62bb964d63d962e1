//! `generate`, `resume` and `retry`: start or continue jobs, follow them, print each outcome.

use nanoforge_core::library::{JobRecord, JobStatus};
use nanoforge_core::providers::{AspectRatio, GenerationRequest, MAX_IMAGES, Model, SizePreset};
use nanoforge_core::queue::{GenerateOptions, ProviderKind};
use nanoforge_core::{AppCore, CoreError, Result};

use crate::Failure;
use crate::args::GenerateArgs;
use crate::output::{self, DEMO_NOTICE};
use crate::progress::Bars;

/// The request and options from the command line, checked before anything is opened or sent.
pub fn parse_request(args: &GenerateArgs) -> Result<(GenerationRequest, GenerateOptions)> {
    let invalid = |m: String| CoreError::InvalidInput(m);
    let model = match &args.model {
        Some(m) => m.parse::<Model>()?,
        None => Model::default(),
    };
    let provider = args
        .provider
        .as_deref()
        .map(str::parse::<ProviderKind>)
        .transpose()?;
    if !(1..=i64::from(MAX_IMAGES)).contains(&args.count) {
        return Err(invalid(format!(
            "asked for {} images; choose between 1 and {MAX_IMAGES}",
            args.count
        )));
    }
    let size = parse_size(&args.size)?;
    let request = GenerationRequest {
        prompt: args.prompt.clone(),
        model,
        size,
        aspect_ratio: args.aspect.parse::<AspectRatio>()?,
        count: u8::try_from(args.count).unwrap_or(1),
        watermark: args.watermark.clone(),
        image_urls: Vec::new(),
        seed: args.seed,
    };
    request.validate()?;
    if args.timeout == Some(0) {
        return Err(invalid("--timeout must be at least 1 second".into()));
    }
    let options = GenerateOptions {
        provider,
        timeout_secs: args.timeout,
    };
    Ok((request, options))
}

/// `--size` takes the pixel sizes (512, 768, 1024, 1536) or the preset names.
fn parse_size(text: &str) -> Result<SizePreset> {
    let preset: SizePreset = text.parse()?;
    let t = text.trim();
    let named = SizePreset::ALL
        .iter()
        .any(|p| p.as_str().eq_ignore_ascii_case(t));
    if named || t == preset.target_long_side().to_string() {
        Ok(preset)
    } else {
        Err(CoreError::InvalidInput(format!(
            "unknown size '{t}': choose 512, 768, 1024 or 1536"
        )))
    }
}

pub async fn generate(core: &AppCore, args: &GenerateArgs) -> std::result::Result<(), Failure> {
    let (request, options) = parse_request(args)?;
    let provider = match options.provider {
        Some(p) => p,
        None => core.default_provider().await?,
    };
    if provider == ProviderKind::Demo && !args.json {
        eprintln!("{DEMO_NOTICE}");
    }
    let events = core.subscribe();
    let jobs = core.generate_with(request, options).await?;
    finish(core, &jobs, events, args.json).await
}

pub async fn resume(core: &AppCore, json: bool) -> std::result::Result<(), Failure> {
    let events = core.subscribe();
    let report = core.resume_unfinished().await?;
    let mut ids = report.resumed.clone();
    ids.extend(report.held_elsewhere.iter().cloned());
    if !json {
        if ids.is_empty() && report.skipped.is_empty() {
            println!("Nothing to resume: every job has finished.");
        }
        if !report.held_elsewhere.is_empty() {
            println!(
                "{} job(s) are being run by another Nanoforge process; waiting for them (they are \
                 taken over here if that process has stopped).",
                report.held_elsewhere.len()
            );
        }
    }
    let mut jobs = Vec::new();
    for id in &ids {
        jobs.push(core.session().library().get_job(id).await?);
    }
    let outcome = finish(core, &jobs, events, json).await;
    if let Some(first) = report.skipped.first() {
        return Err(Failure::line(format!(
            "{} job(s) cannot be resumed here: {}",
            report.skipped.len(),
            first.reason
        )));
    }
    outcome
}

pub async fn retry(core: &AppCore, id: &str, json: bool) -> std::result::Result<(), Failure> {
    let events = core.subscribe();
    let job = core.retry(id).await?;
    finish(core, &[job], events, json).await
}

/// Follows `jobs` with progress bars until each has finished, prints them, and turns failures
/// into the exit status.
async fn finish(
    core: &AppCore,
    jobs: &[JobRecord],
    events: tokio::sync::broadcast::Receiver<nanoforge_core::queue::JobEvent>,
    json: bool,
) -> std::result::Result<(), Failure> {
    let ids: Vec<String> = jobs.iter().map(|j| j.id.clone()).collect();
    let bars = Bars::follow(&ids, events);
    let mut finished = Vec::new();
    for id in &ids {
        finished.push(core.wait(id).await?);
    }
    bars.finish().await;
    let mut failed = Vec::new();
    for job in &finished {
        let out = output::job_json(core.session().library(), job).await?;
        if json {
            println!("{}", output::to_json(&out)?);
        } else {
            println!("{}", output::human_job(&out));
        }
        if job.status != JobStatus::Completed {
            failed.push(job);
        }
    }
    match failed.first() {
        None => Ok(()),
        Some(first) => {
            let reason = first
                .error_message
                .clone()
                .unwrap_or_else(|| first.status.as_str().to_lowercase());
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
    }
}
