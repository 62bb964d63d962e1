//! `prompts`: the prompt library from the command line. `save` refuses a saved name (any case)
//! unless `--replace`, `remove` an unknown one (exit 1, nothing on stdout); `list --json` prints
//! `[{name, text, tags, updated_at}]` by name.

use nanoforge_core::CoreError;
use nanoforge_core::Session;
use nanoforge_core::library::{NewPrompt, PromptQuery};
use serde::Serialize;

use crate::batch_args::PromptsCommand;
use crate::failure::Failure;
use crate::output;

/// One saved prompt as `prompts list --json` prints it.
#[derive(Serialize)]
struct PromptJson {
    name: String,
    text: String,
    tags: Vec<String>,
    updated_at: f64,
}

pub async fn prompts(session: &Session, command: PromptsCommand) -> Result<(), Failure> {
    match command {
        PromptsCommand::Save {
            name,
            text,
            tags,
            replace,
        } => {
            let prompt = NewPrompt {
                name,
                text,
                tags,
                replace,
            };
            let saved = match session.save_prompt(&prompt).await {
                Ok(saved) => saved,
                Err(e @ CoreError::AlreadyExists(_)) => {
                    let mut failure = Failure::from(e);
                    failure.message.push_str(" (--replace replaces it)");
                    return Err(failure);
                }
                Err(e) => return Err(e.into()),
            };
            eprintln!("Prompt '{}' saved.", output::sanitize(&saved.name));
        }
        PromptsCommand::List { tag, search, json } => {
            let query = PromptQuery { search, tag };
            let prompts: Vec<PromptJson> = session
                .prompts(&query)
                .await?
                .into_iter()
                .map(|p| PromptJson {
                    name: p.name,
                    text: p.text,
                    tags: p.tags,
                    updated_at: p.updated_at,
                })
                .collect();
            if json {
                println!("{}", output::to_json(&prompts)?);
            } else if prompts.is_empty() {
                println!("No saved prompts.");
            } else {
                for p in &prompts {
                    let tags = if p.tags.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", p.tags.join(", "))
                    };
                    let first = p.text.lines().next().unwrap_or_default();
                    println!(
                        "{}{}  {}",
                        output::sanitize(&p.name),
                        output::sanitize(&tags),
                        output::sanitize(first)
                    );
                }
            }
        }
        PromptsCommand::Remove { name } => {
            let prompt = session.saved_prompt(&name).await?;
            session.remove_prompt(&prompt.name).await?;
            eprintln!("Prompt '{}' removed.", output::sanitize(&prompt.name));
        }
    }
    Ok(())
}
