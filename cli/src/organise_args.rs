//! The command line of `images` and of `album` and `tag`, as clap reads it (kept apart from
//! `args.rs`, which names them, to keep each file short).

use clap::{Args, Subcommand};

/// `images [filters]`.
#[derive(Args)]
pub struct ImagesArgs {
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,
    /// Words to find in prompts, tags and album names.
    #[arg(long)]
    pub search: Option<String>,
    /// Only favourites.
    #[arg(long)]
    pub favourites: bool,
    /// Only images in the trash.
    #[arg(long)]
    pub trash: bool,
    /// Only images in this album (`nanoforge album list`).
    #[arg(long, value_name = "NAME")]
    pub album: Option<String>,
    /// Only images with this tag.
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Only images rated at least this many stars.
    #[arg(long, value_name = "0-5", value_parser = clap::value_parser!(u8).range(0..=5))]
    pub min_rating: Option<u8>,
    /// Only images made with this model (an id from `nanoforge models`).
    #[arg(long)]
    pub model: Option<String>,
    /// Only images made through this provider: nanobanana, gemini or demo.
    #[arg(long)]
    pub provider: Option<String>,
    /// Order: newest (default), oldest, or rating (most stars first).
    #[arg(long, default_value = "newest", value_parser = ["newest", "oldest", "rating"])]
    pub sort: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum AlbumCommand {
    /// Put images in an album, made if there is none with that name. Nothing changes if an id is
    /// unknown.
    Add {
        name: String,
        #[arg(required = true, value_name = "IMAGE-ID")]
        ids: Vec<String>,
    },
    /// Take images out of an album (they stay in the library).
    Remove {
        name: String,
        #[arg(required = true, value_name = "IMAGE-ID")]
        ids: Vec<String>,
    },
    /// Rename an album.
    Rename { old: String, new: String },
    /// Delete an album; its images stay in the library.
    Delete { name: String },
    /// Every album with its image count: `[{id, name, images, created_at, updated_at}]` with
    /// --json.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum TagCommand {
    /// Tag an image (tags are kept trimmed and in lower case).
    Add {
        #[arg(value_name = "IMAGE-ID")]
        id: String,
        #[arg(required = true)]
        tags: Vec<String>,
    },
    /// Take tags off an image.
    Remove {
        #[arg(value_name = "IMAGE-ID")]
        id: String,
        #[arg(required = true)]
        tags: Vec<String>,
    },
    /// Every tag with how many images carry it: `[{tag, images}]` with --json.
    List {
        #[arg(long)]
        json: bool,
    },
}
