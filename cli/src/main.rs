//! `nanoforge`: the command line over the same core and library as the app.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use nanoforge_core::{AppCore, CoreConfig, CoreError};

#[derive(Parser)]
#[command(
    name = "nanoforge",
    version,
    about = "Nanoforge image studio, from the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Version, profile and library location.
    Info {
        #[arg(long)]
        json: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .try_init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nanoforge: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), CoreError> {
    let core = AppCore::open(CoreConfig::from_env()?).await?;
    match cli.command {
        Command::Info { json } => {
            let info = core.app_info().await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&info).map_err(|e| CoreError::Internal(e.to_string()))?
                );
            } else {
                println!(
                    "nanoforge {}\nprofile: {}\nlibrary: {}\njobs: {}",
                    info.version, info.profile_id, info.library_dir, info.job_count
                );
            }
        }
    }
    Ok(())
}
