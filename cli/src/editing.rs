//! `edit`, `upscale`, `refs` and `tree`: the editing studio from the command line (see
//! `shared/notes/cli.md`). An edit or an upscale prints its job like `generate` does.

use std::path::Path;

use serde::Serialize;

use crate::args::{EditArgs, RefsCommand};
use crate::failure::Failure;
use crate::generate::{add_inputs, finish};
use crate::output;
use nanoforge_core::catalog::{AspectRatio, ImageSize, Model, ProviderKind};
use nanoforge_core::library::{Lineage, LineageNode};
use nanoforge_core::{CoreError, EditRequest, Result, Session};

pub async fn edit(session: &Session, args: EditArgs) -> std::result::Result<(), Failure> {
    let provider = args
        .provider
        .as_deref()
        .map(str::parse::<ProviderKind>)
        .transpose()
        .map_err(CoreError::from)?;
    let mut request = EditRequest {
        image_id: args.image_id.trim().to_owned(),
        instruction: args.instruction.clone(),
        provider,
        model: args
            .model
            .as_deref()
            .map(str::parse::<Model>)
            .transpose()
            .map_err(CoreError::from)?,
        size: args
            .size
            .as_deref()
            .map(str::parse::<ImageSize>)
            .transpose()
            .map_err(CoreError::from)?,
        aspect_ratio: args
            .aspect
            .as_deref()
            .map(str::parse::<AspectRatio>)
            .transpose()
            .map_err(CoreError::from)?,
        references: args.refs.clone(),
        start_fresh: args.fresh,
        over_budget: args.over_budget,
        ..EditRequest::default()
    };
    // `--image` values become inputs as `generate` makes them (files kept, URLs fetched).
    let kind = match provider {
        Some(kind) => kind,
        None => session.edit_quote(&request).await?.provider,
    };
    let mut extra = nanoforge_core::providers::GenerationRequest::new("", Model::default());
    add_inputs(session, kind, &mut extra, &args.images).await?;
    request.input_images = extra.input_images;
    let events = session.job_events();
    let job = match &args.mask {
        Some(path) => {
            let mask = read_mask(path).await?;
            session.edit_masked(request, mask).await?
        }
        None => session.edit(request).await?,
    };
    finish(session, &[job], events, args.json).await
}

async fn read_mask(path: &Path) -> Result<Vec<u8>> {
    tokio::fs::read(path).await.map_err(|e| {
        CoreError::InvalidInput(format!("cannot read the mask {}: {e}", path.display()))
    })
}

pub async fn upscale(
    session: &Session,
    image_id: &str,
    size: &str,
    model: Option<&str>,
    over_budget: bool,
    json: bool,
) -> std::result::Result<(), Failure> {
    let size = size.parse::<ImageSize>().map_err(CoreError::from)?;
    let model = model
        .map(str::parse::<Model>)
        .transpose()
        .map_err(CoreError::from)?;
    let events = session.job_events();
    let job = session
        .upscale(image_id.trim(), size, model, over_budget)
        .await?;
    finish(session, &[job], events, json).await
}

/// One reference as `refs list --json` prints it.
#[derive(Serialize)]
struct RefJson {
    name: String,
    image_id: String,
    sha256: String,
    /// Absolute; `null` when the original is not on this device.
    path: Option<String>,
}

pub async fn refs(session: &Session, command: RefsCommand) -> Result<()> {
    match command {
        RefsCommand::Add { name, source } => {
            let source = source.trim();
            let made = if Path::new(source).exists() {
                session.add_reference_file(&name, Path::new(source)).await?
            } else {
                session.set_reference(&name, source).await?
            };
            println!("Reference '{}' is image {}.", made.name, made.image_id);
        }
        RefsCommand::List { json } => {
            let mut out = Vec::new();
            for r in session.references().await? {
                let image = session.get_image(&r.image_id).await.ok();
                let path = image
                    .map(|i| session.file_path(&i.path))
                    .transpose()?
                    .filter(|p| p.exists())
                    .map(|p| p.display().to_string());
                out.push(RefJson {
                    name: r.name,
                    image_id: r.image_id,
                    sha256: r.sha256,
                    path,
                });
            }
            if json {
                println!("{}", output::to_json(&out)?);
            } else if out.is_empty() {
                println!("No references.");
            } else {
                for r in &out {
                    println!("{}  {}", r.name, r.image_id);
                }
            }
        }
        RefsCommand::Remove { name } => {
            session.remove_reference(&name).await?;
            println!("Reference '{}' removed.", name.trim());
        }
    }
    Ok(())
}

/// A node of `tree --json`.
#[derive(Serialize)]
struct NodeJson {
    image_id: Option<String>,
    job_id: Option<String>,
    prompt: Option<String>,
    cost: f64,
    children: Vec<NodeJson>,
}

fn node_json(node: &LineageNode) -> NodeJson {
    NodeJson {
        image_id: node.image_ids.first().cloned(),
        job_id: node.job_id.clone(),
        prompt: node.prompt.clone(),
        cost: node.cost,
        children: node.children.iter().map(node_json).collect(),
    }
}

pub async fn tree(session: &Session, image_id: &str, json: bool) -> Result<()> {
    let lineage = session.lineage(image_id.trim()).await?;
    if json {
        println!("{}", output::to_json(&node_json(&lineage.root))?);
    } else {
        print_tree(&lineage);
    }
    Ok(())
}

fn print_tree(lineage: &Lineage) {
    fn walk(node: &LineageNode, depth: usize) {
        let what = node
            .prompt
            .as_deref()
            .map(|p| p.chars().take(60).collect::<String>())
            .unwrap_or_else(|| "(input image)".into());
        let image = node.image_ids.first().map(String::as_str).unwrap_or("-");
        println!(
            "{}{image}  ${:.4}  {}",
            "  ".repeat(depth),
            node.cost,
            output::sanitize(&what)
        );
        for child in &node.children {
            walk(child, depth + 1);
        }
    }
    walk(&lineage.root, 0);
    println!("{} job(s), ${:.4} in all", lineage.jobs, lineage.total_cost);
}
