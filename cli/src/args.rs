//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "nanoforge",
    version,
    about = "Nanoforge image studio, from the command line",
    after_help = "Without NANOBANANA_API_KEY or GEMINI_API_KEY (or a key in the system keychain) \
                  images come from the offline demo provider: demo images, not AI."
)]
pub struct Cli {
    /// Use this profile's library (an id from `nanoforge account list`, or `local`) instead of the
    /// current one. Also NANOFORGE_PROFILE.
    #[arg(long, global = true, value_name = "ID")]
    pub profile: Option<String>,
    /// Log what happens (info level) on stderr.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Sign in with Google, list, switch and remove profiles on this device.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Generate images and store them in the library.
    Generate(GenerateArgs),
    /// Edit an image with an instruction: a Gemini image continues the conversation that made it
    /// (earlier turns replayed verbatim); any other image starts a new one with it as the input.
    Edit(EditArgs),
    /// Re-render an image at 2K or 4K as a new, priced job.
    Upscale {
        image_id: String,
        /// 2K or 4K.
        #[arg(long)]
        size: String,
        /// A model that makes that size; default: the image's own, else one you have a key for.
        #[arg(long)]
        model: Option<String>,
        #[arg(long)]
        over_budget: bool,
        #[arg(long)]
        json: bool,
    },
    /// Named references: images sent as inputs by name (`generate`/`edit --ref NAME`).
    #[command(subcommand)]
    Refs(RefsCommand),
    /// The lineage tree of an image, from its root, with each job's cost.
    Tree {
        image_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Many jobs from one template (`{a|b}`, `__name__`, `${column}` with --csv), on one or
    /// several models, priced before anything is recorded; `batch status`, `batch cancel`.
    Batch(crate::batch_args::BatchArgs),
    /// Named lists for templates' `__name__`.
    #[command(subcommand)]
    Wildcards(crate::batch_args::WildcardsCommand),
    /// The prompt library: saved prompts and templates, by name.
    #[command(subcommand)]
    Prompts(crate::batch_args::PromptsCommand),
    /// Jobs, newest first.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Words to find in prompts.
        #[arg(long)]
        search: Option<String>,
        /// PENDING, SUBMITTED, PROCESSING, DOWNLOADING, RECOVERABLE, COMPLETED, FAILED or CANCELLED.
        #[arg(long)]
        status: Option<String>,
        /// Only jobs the service may have charged without a result (for a refund request).
        #[arg(long)]
        possibly_charged: bool,
        /// With --possibly-charged: every such job as CSV (task ids, times, amounts).
        #[arg(long, requires = "possibly_charged", conflicts_with = "json")]
        csv: bool,
        #[arg(long)]
        json: bool,
    },
    /// One job and its images.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Continue every unfinished job and recover every recoverable one (after a crash, a kill or a
    /// timeout), and wait for them. Never submits anything that may have been charged.
    Resume {
        #[arg(long)]
        json: bool,
    },
    /// Stop a job here. A task already sent may still finish at the service and be charged.
    Cancel { id: String },
    /// Recover a job the service accepted: poll its task and download its result again. Never
    /// submits (and never pays) again; see `rerun` for that.
    Retry {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Run a job's request again as a new, paid job linked to it. Without --yes it states the price.
    Rerun {
        id: String,
        /// Confirm paying for it again.
        #[arg(long)]
        yes: bool,
        /// Go over the monthly budget for this one.
        #[arg(long)]
        over_budget: bool,
        #[arg(long)]
        json: bool,
    },
    /// This month's spend against the monthly budget, or `budget set AMOUNT|off`.
    Budget {
        #[command(subcommand)]
        action: Option<BudgetAction>,
        #[arg(long)]
        json: bool,
    },
    /// The models, their sizes, aspect ratios and prices.
    Models {
        #[arg(long)]
        json: bool,
    },
    /// The Nano Banana credit balance.
    Credits {
        #[arg(long)]
        json: bool,
    },
    /// Totals: images, jobs, cost, success rate.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Sync this library with its bucket now; `sync status` and `sync setup` (see `sync --help`).
    /// When another device deleted most of the library forever, those deletions wait (exit 2)
    /// until `sync --yes`.
    Sync {
        #[command(subcommand)]
        action: Option<SyncAction>,
        /// Apply deletions forever from another device that wait for confirmation.
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Images in the gallery, newest first (only those not in the trash, unless --trash), with
    /// filters and other orders.
    Images(crate::organise_args::ImagesArgs),
    /// Albums: `album add|remove NAME IMAGE-ID...`, `album rename OLD NEW`, `album delete NAME`,
    /// `album list`.
    #[command(subcommand)]
    Album(crate::organise_args::AlbumCommand),
    /// Tags: `tag add|remove IMAGE-ID TAG...`, `tag list`.
    #[command(subcommand)]
    Tag(crate::organise_args::TagCommand),
    /// Mark an image as a favourite, or with --off no longer.
    Favourite {
        id: String,
        #[arg(long)]
        off: bool,
    },
    /// Rate an image 1 to 5 stars; 0 clears the rating.
    Rate {
        id: String,
        #[arg(value_parser = clap::value_parser!(u8).range(0..=5), value_name = "0-5")]
        stars: u8,
    },
    /// Move images to the trash (undo with `restore`). Nothing moves if an id is unknown.
    Trash {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Take images out of the trash. Nothing moves if an id is unknown.
    Restore {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Delete images forever, in the trash or not, with their files (on every device once synced).
    Purge {
        #[arg(required = true)]
        ids: Vec<String>,
        /// Confirm: this cannot be undone.
        #[arg(long)]
        yes: bool,
    },
    /// Write images (by image id, or every image of a job id) to a zip with their metadata.
    /// Images in the trash are left out unless --include-trashed.
    Export {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        include_trashed: bool,
    },
    /// Version, profile and library location.
    Info {
        #[arg(long)]
        json: bool,
    },
    /// Fill the library with COUNT synthetic demo images (to try the gallery at scale; tests use it).
    SeedSynthetic {
        #[arg(long, default_value_t = 1000)]
        count: u32,
        /// How many distinct thumbnails the images cycle through (4: true copies of four demo
        /// images, sharing their files).
        #[arg(long, default_value_t = 1000)]
        distinct_thumbnails: u32,
    },
}

#[derive(clap::Args)]
pub struct GenerateArgs {
    /// What the image should show.
    pub prompt: String,
    /// 512, 1K, 2K or 4K, as the model offers (`nanoforge models`); default: the model's default.
    #[arg(long)]
    pub size: Option<String>,
    /// Aspect ratio, e.g. 1:1, 16:9, 9:16.
    #[arg(long, default_value = "1:1")]
    pub aspect: String,
    /// Images to make, 1–4.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    pub count: i64,
    /// Watermark text (nano-banana only).
    #[arg(long)]
    pub watermark: Option<String>,
    /// A model id from `nanoforge models`; default: the provider's default model.
    #[arg(long)]
    pub model: Option<String>,
    /// nanobanana, gemini or demo; default: the model's provider, else the first with a key
    /// (nanobanana, then gemini), else demo.
    #[arg(long)]
    pub provider: Option<String>,
    /// An input image (image-to-image): a local file or an http(s) URL; repeat for several.
    /// Gemini gets files inline; Nano Banana takes URLs (a local file needs sync set up).
    #[arg(long = "image", value_name = "PATH|URL")]
    pub images: Vec<String>,
    /// Stop waiting for each job after this many seconds; a task still running at the service
    /// stays recoverable (`nanoforge resume` finishes it).
    #[arg(long)]
    pub timeout: Option<u32>,
    /// Go over the monthly budget for this generation.
    #[arg(long)]
    pub over_budget: bool,
    /// Seed (the demo provider uses it).
    #[arg(long)]
    pub seed: Option<u32>,
    /// A named reference to send as an input (`nanoforge refs`); repeat for several.
    #[arg(long = "ref", value_name = "NAME")]
    pub refs: Vec<String>,
    /// One JSON object per job on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args)]
pub struct EditArgs {
    /// The image to edit (an id from `nanoforge images`).
    pub image_id: String,
    /// What to change.
    pub instruction: String,
    /// Change only this region: a greyscale PNG of the image's size, white = change.
    #[arg(long, value_name = "PNG")]
    pub mask: Option<std::path::PathBuf>,
    /// nanobanana or gemini; default: the image's own provider, else the first with a key.
    #[arg(long)]
    pub provider: Option<String>,
    /// A model id from `nanoforge models`; default: the image's own model.
    #[arg(long)]
    pub model: Option<String>,
    /// Default: the image's size.
    #[arg(long)]
    pub size: Option<String>,
    /// Default: the image's own shape.
    #[arg(long)]
    pub aspect: Option<String>,
    /// Another input image: a local file or an http(s) URL; repeat for several.
    #[arg(long = "image", value_name = "PATH|URL")]
    pub images: Vec<String>,
    /// A named reference to send too; repeat for several.
    #[arg(long = "ref", value_name = "NAME")]
    pub refs: Vec<String>,
    /// Start a new conversation with the image instead of continuing the one that made it.
    #[arg(long)]
    pub fresh: bool,
    #[arg(long)]
    pub over_budget: bool,
    /// The job object on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum RefsCommand {
    /// Name an image: a local file (kept byte for byte) or a library image id.
    Add {
        name: String,
        #[arg(value_name = "PATH|IMAGE-ID")]
        source: String,
    },
    /// Every reference: `[{name, image_id, sha256, path}]` with --json.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Forget a name; jobs that sent it keep their image.
    Remove { name: String },
}

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Sign in with Google in the browser; the account's library becomes current. Prints the
    /// sign-in URL first (open it yourself if no browser opens).
    Login {
        /// Do not try to open a browser; only print the URL.
        #[arg(long)]
        no_browser: bool,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 300)]
        timeout: u64,
        #[arg(long)]
        json: bool,
    },
    /// Profiles on this device (`local` is always there).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Make a profile current (for the app and the CLI).
    Use { id: String },
    /// Back to the local library; the account's files and keys stay on this device.
    Logout,
    /// Delete a profile's library folder and keys from this device (the bucket is not touched).
    Remove {
        id: String,
        /// Confirm: this deletes the images of that profile on this device.
        #[arg(long)]
        yes: bool,
    },
    /// Your own Google (or other OpenID) sign-in client for this device.
    #[command(subcommand)]
    Client(ClientAction),
}

#[derive(Subcommand)]
pub enum ClientAction {
    /// Use this client id; its secret (a Google desktop client has one) is read from stdin and
    /// kept in the keychain. The environment's NANOFORGE_OIDC_CLIENT_ID still wins.
    Set { client_id: String },
    /// The client a sign-in uses and where it comes from (never the secret).
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Forget this device's client (the environment's or the build's applies again).
    Clear,
}

#[derive(Subcommand)]
pub enum BudgetAction {
    /// Set the monthly budget in USD, or `off`.
    Set { amount: String },
}

#[derive(Subcommand)]
pub enum SyncAction {
    /// Where sync stands: the location, the last sync, what waits, the other devices.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Sync this profile's library through an S3-compatible bucket (Cloudflare R2 or any S3).
    /// The secret access key is read from stdin and kept in the keychain; the connection is
    /// checked before anything is saved.
    Setup {
        /// `https://<account>.r2.cloudflarestorage.com`, or any S3 endpoint (http only on this
        /// computer).
        #[arg(long)]
        endpoint: String,
        #[arg(long)]
        bucket: String,
        #[arg(long, default_value = "auto")]
        region: String,
        /// Where in the bucket the library lives (default: one derived from the profile).
        #[arg(long)]
        prefix: Option<String>,
        #[arg(long)]
        access_key_id: String,
        /// Keep thumbnails here and fetch originals when opened (as phones do).
        #[arg(long)]
        originals_on_demand: bool,
    },
}
