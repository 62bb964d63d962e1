//! The command line of `batch`, `wildcards` and `prompts`, as clap reads it (kept apart from `args.rs`,
//! which names them, to keep each file short).

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `batch TEMPLATE [...]`, or `batch status|cancel`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct BatchArgs {
    #[command(subcommand)]
    pub action: Option<BatchCommand>,
    /// The template: `{a|b}` alternatives, `__name__` wildcards, `${column}` from --csv, and
    /// `\{ \} \| \$` for the literal characters.
    #[arg(required = true)]
    pub template: Option<String>,
    /// One model id from `nanoforge models`; default: the default provider's model.
    #[arg(long, conflicts_with = "models")]
    pub model: Option<String>,
    /// Several models, comma-separated: every prompt goes to each (one job per model).
    #[arg(long, value_delimiter = ',')]
    pub models: Vec<String>,
    /// 512, 1K, 2K or 4K; default: each model's default size.
    #[arg(long)]
    pub size: Option<String>,
    #[arg(long, default_value = "1:1")]
    pub aspect: String,
    /// A CSV file whose header names the columns `${column}` uses; each row is one set of values.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// N different combinations instead of all of them (N above their number gives each once).
    #[arg(long, value_name = "N")]
    pub random: Option<u32>,
    /// The seed of --random: the same seed gives the same prompts.
    #[arg(long, value_name = "S", requires = "random", default_value_t = 0)]
    pub expansion_seed: u32,
    /// The most jobs the batch may have.
    #[arg(long, value_name = "N", default_value_t = nanoforge_core::batch::DEFAULT_MAX_JOBS)]
    pub max: u32,
    /// Send the Gemini jobs through Gemini's Batch API: half price, results within 24 h (other
    /// models' jobs go interactively). Returns once the batches are created; `batch status` and
    /// `resume` collect the results.
    #[arg(long, visible_alias = "batch-api")]
    pub gemini_batch: bool,
    /// Show the jobs and their prices; record and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Record and run a batch of more than one job.
    #[arg(long)]
    pub yes: bool,
    /// Go over this month's budget for this batch.
    #[arg(long)]
    pub over_budget: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum BatchCommand {
    /// Where a batch stands (the newest without an id).
    Status {
        #[arg(value_name = "BATCH-ID")]
        batch_id: Option<String>,
        /// The longest time to spend collecting Gemini Batch API results first, in seconds.
        #[arg(long, value_name = "SECS", default_value_t = 30)]
        wait: u64,
        #[arg(long)]
        json: bool,
    },
    /// Cancel a batch's jobs that have not ended: queued ones are never sent; sent ones stay as
    /// they are at the service (they may still be charged).
    Cancel {
        #[arg(value_name = "BATCH-ID")]
        batch_id: String,
    },
}

/// Named lists a template draws from with `__name__`.
#[derive(Subcommand)]
pub enum WildcardsCommand {
    /// Save (or replace) the list NAME from FILE, one entry per line (`#` lines and blank lines
    /// are skipped when used).
    Set { name: String, file: PathBuf },
    /// Every list: `[{name, entries}]` with --json.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove the list NAME (exactly as saved).
    Remove { name: String },
}

/// The prompt library: saved prompts and templates the Generator inserts.
#[derive(Subcommand)]
pub enum PromptsCommand {
    /// Save TEXT (a prompt or a template) as NAME; a saved name (any case) needs --replace.
    Save {
        name: String,
        #[arg(allow_hyphen_values = true)]
        text: String,
        /// A tag (repeatable).
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// Replace the saved prompt of that name.
        #[arg(long)]
        replace: bool,
    },
    /// Saved prompts by name: `[{name, text, tags, updated_at}]` with --json.
    List {
        /// Only prompts with this tag.
        #[arg(long, value_name = "TAG")]
        tag: Option<String>,
        /// Words to find in names, texts and tags.
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Remove the saved prompt NAME (any case).
    Remove { name: String },
}
