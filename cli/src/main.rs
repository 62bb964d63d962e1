//! `nanoforge`: the command line over the same core and library as the app.
//!
//! Exit status (see `shared/notes/cli.md`): 0 success; 1 a failure at run time; 2 a usage error or
//! a question that needs `--yes`; 130 after Ctrl-C. stdout carries only results; notices go to
//! stderr, errors as one line starting `nanoforge:`.

mod accounts;
mod args;
mod batch;
mod batch_args;
mod commands;
mod editing;
mod failure;
mod generate;
mod interrupt;
mod library;
mod organise;
mod organise_args;
mod output;
mod progress;
mod prompts;
mod sync;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use clap::error::ErrorKind as ClapErrorKind;
use nanoforge_core::accounts::KeychainStore;
use nanoforge_core::{AppCore, CoreConfig, ProfileChoice};

use args::{Cli, Command};
pub use failure::Failure;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_failure(&e),
    };
    let level = if cli.verbose { "info" } else { "warn" };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_writer(std::io::stderr)
        .try_init();
    // Bad generation input is refused before the library is even opened.
    if let Command::Generate(args) = &cli.command
        && let Err(e) = generate::parse_request(args, None)
    {
        return fail(&Failure::from(e));
    }
    let choice = match cli
        .profile
        .clone()
        .or_else(|| std::env::var("NANOFORGE_PROFILE").ok())
        .filter(|p| !p.trim().is_empty())
    {
        Some(id) => ProfileChoice::Named(id),
        None => ProfileChoice::Current,
    };
    let core = match CoreConfig::from_env() {
        Ok(config) => {
            nanoforge_core::diagnostics::install_panic_hook(
                &config.data_dir,
                env!("CARGO_PKG_VERSION"),
            );
            AppCore::open(config, Arc::new(KeychainStore::new()), choice).await
        }
        Err(e) => Err(e),
    };
    let core = match core {
        Ok(core) => core,
        Err(e) => return fail(&Failure::from(e)),
    };
    let outcome = tokio::select! {
        result = run(&core, cli.command) => result,
        () = interrupt::first() => {
            interrupt::quit(&core).await;
            return ExitCode::from(130);
        }
    };
    // Hand any job still held back at once, so `nanoforge resume` (or the app) continues it.
    let _ = core.shutdown().await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => fail(&failure),
    }
}

async fn run(core: &AppCore, command: Command) -> Result<(), Failure> {
    if let Command::Account(command) = command {
        return accounts::run(core, command).await;
    }
    if let Command::Info { json } = command {
        return Ok(commands::info(core, json).await?);
    }
    // Every other command is about one profile: resolved once, for the whole command.
    let session = core.session();
    let session = &*session;
    match command {
        Command::Account(_) | Command::Info { .. } => Ok(()),
        Command::Generate(args) => generate::generate(session, &args).await,
        Command::Edit(args) => editing::edit(session, args).await,
        Command::Upscale {
            image_id,
            size,
            model,
            over_budget,
            json,
        } => {
            editing::upscale(
                session,
                &image_id,
                &size,
                model.as_deref(),
                over_budget,
                json,
            )
            .await
        }
        Command::Refs(command) => Ok(editing::refs(session, command).await?),
        Command::Tree { image_id, json } => Ok(editing::tree(session, &image_id, json).await?),
        Command::Batch(args) => batch::run(session, args).await,
        Command::Wildcards(command) => Ok(batch::wildcards(session, command).await?),
        Command::Prompts(command) => prompts::prompts(session, command).await,
        Command::Resume { json } => generate::resume(session, json).await,
        Command::Retry { id, json } => generate::retry(session, &id, json).await,
        Command::Rerun {
            id,
            yes,
            over_budget,
            json,
        } => generate::rerun(session, &id, yes, over_budget, json).await,
        Command::Budget { action, json } => commands::budget(session, action, json).await,
        Command::Models { json } => Ok(commands::models(session, json)?),
        Command::List { csv: true, .. } => Ok(commands::possibly_charged_csv(session).await?),
        Command::List {
            limit,
            search,
            status,
            possibly_charged,
            json,
            ..
        } => {
            let filter = commands::ListFilter {
                limit,
                search,
                status,
                possibly_charged,
            };
            Ok(commands::list(session, filter, json).await?)
        }
        Command::Show { id, json } => Ok(commands::show(session, &id, json).await?),
        Command::Cancel { id } => Ok(commands::cancel(session, &id).await?),
        Command::Credits { json } => Ok(commands::credits(session, json).await?),
        Command::Stats { json } => Ok(commands::stats(session, json).await?),
        Command::Images(args) => library::images(session, args).await,
        Command::Album(command) => organise::album(session, command).await,
        Command::Tag(command) => organise::tag(session, command).await,
        Command::Sync { action, yes, json } => sync::run(session, action, yes, json).await,
        Command::Favourite { id, off } => library::favourite(session, &id, !off).await,
        Command::Rate { id, stars } => library::rate(session, &id, stars).await,
        Command::Trash { ids } => library::trash(session, &ids).await,
        Command::Restore { ids } => library::restore(session, &ids).await,
        Command::Purge { ids, yes } => library::purge(session, &ids, yes).await,
        Command::Export {
            ids,
            out,
            include_trashed,
        } => Ok(commands::export(session, &ids, &out, include_trashed).await?),
        Command::SeedSynthetic {
            count,
            distinct_thumbnails,
        } => Ok(commands::seed_synthetic(session, count, distinct_thumbnails).await?),
    }
}

/// One line on stderr, whatever the message contains (control characters from a service's
/// answer cannot move the cursor or recolour the terminal).
fn fail(failure: &Failure) -> ExitCode {
    let line = output::sanitize(&failure.message);
    match failure.kind {
        Some(kind) => eprintln!("nanoforge: {line} [{}]", output::kind_name(kind)),
        None => eprintln!("nanoforge: {line}"),
    }
    ExitCode::from(failure.code)
}

/// Help and version print as usual; a command line clap cannot read gets its first line only.
fn clap_failure(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ClapErrorKind::DisplayHelp | ClapErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ClapErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            // clap's message is its first paragraph; usage and hints follow a blank line.
            let rendered = e.to_string();
            let message: Vec<&str> = rendered
                .trim_start()
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .collect();
            let message = message.join(" ");
            let message = message.trim_start_matches("error: ");
            fail(&Failure::usage(message))
        }
    }
}
