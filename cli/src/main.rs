//! `nanoforge`: the command line over the same core and library as the app.
//!
//! Exit status 0 on success; otherwise non-zero with one line on stderr (2 for a command line
//! clap cannot read, 130 after Ctrl-C).

mod args;
mod commands;
mod generate;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind as ClapErrorKind;
use nanoforge_core::{AppCore, CoreConfig, CoreError};

use args::{Cli, Command};

/// Why a command did not succeed: the one line for stderr.
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
    pub fn line(message: impl Into<String>) -> Self {
        Failure(message.into())
    }
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure(e.to_string())
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .try_init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_failure(&e),
    };
    // Bad generation input is refused before the library is even opened.
    if let Command::Generate(args) = &cli.command
        && let Err(e) = generate::parse_request(args)
    {
        return fail(&Failure::from(e), ExitCode::FAILURE);
    }
    let core = match CoreConfig::from_env() {
        Ok(config) => AppCore::open(config).await,
        Err(e) => Err(e),
    };
    let core = match core {
        Ok(core) => core,
        Err(e) => return fail(&Failure::from(e), ExitCode::FAILURE),
    };
    tokio::select! {
        result = run(&core, cli.command) => match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => fail(&failure, ExitCode::FAILURE),
        },
        _ = tokio::signal::ctrl_c() => {
            // Hand the jobs back at once so `nanoforge resume` (or the app) continues them.
            let _ = core.shutdown().await;
            fail(
                &Failure::line("interrupted; run `nanoforge resume` to finish unfinished jobs"),
                ExitCode::from(130),
            )
        }
    }
}

async fn run(core: &AppCore, command: Command) -> Result<(), Failure> {
    match command {
        Command::Generate(args) => generate::generate(core, &args).await,
        Command::Resume { json } => generate::resume(core, json).await,
        Command::Retry { id, json } => generate::retry(core, &id, json).await,
        Command::List {
            limit,
            search,
            status,
            json,
        } => Ok(commands::list(core, limit, search, status, json).await?),
        Command::Show { id, json } => Ok(commands::show(core, &id, json).await?),
        Command::Cancel { id } => Ok(commands::cancel(core, &id).await?),
        Command::Credits { json } => Ok(commands::credits(core, json).await?),
        Command::Stats { json } => Ok(commands::stats(core, json).await?),
        Command::Export { ids, out } => Ok(commands::export(core, &ids, &out).await?),
        Command::Info { json } => Ok(commands::info(core, json).await?),
        Command::SeedSynthetic { count } => Ok(commands::seed_synthetic(core, count).await?),
    }
}

/// One line on stderr, whatever the message contains.
fn fail(failure: &Failure, code: ExitCode) -> ExitCode {
    let line = failure.0.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("nanoforge: {line}");
    code
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
            fail(&Failure::line(message), ExitCode::from(2))
        }
    }
}
