//! The gallery commands: images (with its filters and sorts), favourite, rate, trash, restore,
//! purge.
//!
//! Every command that changes images checks all the ids it was given first (each must be a
//! gallery image of this library), then applies the change, so an unknown id changes nothing.

use std::collections::BTreeSet;

use serde::Serialize;

use nanoforge_core::library::{GalleryView, ImageKind, ImageQuery, ImageRecord, ImageSort};
use nanoforge_core::{CoreError, Result, Session};

use crate::organise_args::ImagesArgs;
use crate::{Failure, output};

/// How many ids a refused `purge` names before "and N more".
const NAMED_IDS: usize = 5;

/// One image as `images --json` prints it.
#[derive(Debug, Serialize)]
pub struct GalleryImageJson {
    pub id: String,
    /// `null` for an imported image.
    pub job_id: Option<String>,
    pub sha256: String,
    /// The prompt of its job; `null` for an imported image.
    pub prompt: Option<String>,
    pub favourite: bool,
    /// 0 (none) to 5 stars.
    pub rating: u32,
    pub trashed: bool,
    /// Absolute; `null` when the original is not on this device.
    pub path: Option<String>,
    /// Absolute; `null` when the thumbnail is not on this device.
    pub thumbnail_path: Option<String>,
    /// The names of the albums it is in.
    pub albums: Vec<String>,
    pub tags: Vec<String>,
}

/// The gallery, newest first unless `--sort` says otherwise: live images, or with `--trash` only
/// the trashed ones, filtered. An unknown album, model or provider fails before anything is listed.
pub async fn images(session: &Session, args: ImagesArgs) -> std::result::Result<(), Failure> {
    let wanted = usize::try_from(args.limit).unwrap_or(usize::MAX);
    let album = match &args.album {
        Some(name) => Some(session.album_named(name).await?.id),
        None => None,
    };
    let model = choice("model", args.model.as_deref())?;
    let provider = choice("provider", args.provider.as_deref())?;
    let mut query = ImageQuery {
        limit: Some(args.limit),
        search: args.search,
        favourite_only: args.favourites,
        view: if args.trash {
            GalleryView::Trash
        } else {
            GalleryView::Live
        },
        album,
        tag: args.tag,
        min_rating: args.min_rating.map(u32::from),
        model,
        provider,
        sort: ImageSort::parse(&args.sort)?,
        ..ImageQuery::default()
    };
    // A page holds at most a few hundred images; a larger --limit walks the keyset pages.
    let mut records: Vec<ImageRecord> = Vec::new();
    loop {
        let page = session.list_images(&query).await?;
        records.extend(page.items);
        if records.len() >= wanted {
            records.truncate(wanted);
            break;
        }
        match page.next_cursor {
            Some(cursor) => {
                query.cursor = Some(cursor);
                query.limit = u32::try_from(wanted - records.len()).ok();
            }
            None => break,
        }
    }
    let ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
    let labels = session.image_labels(&ids).await?;
    let mut out = Vec::with_capacity(records.len());
    for (record, labels) in records.iter().zip(labels) {
        let mut image = image_json(session, record).await?;
        image.albums = labels.albums.into_iter().map(|a| a.name).collect();
        image.tags = labels.tags;
        out.push(image);
    }
    if args.json {
        println!("{}", output::to_json(&out)?);
    } else if out.is_empty() {
        println!("No images.");
    } else {
        for image in &out {
            println!("{}", image_line(image));
        }
    }
    Ok(())
}

/// A model or provider named on the command line; an unknown one is a usage error (exit 2).
fn choice<T>(flag: &str, value: Option<&str>) -> std::result::Result<Option<T>, Failure>
where
    T: std::str::FromStr<Err = nanoforge_core::catalog::UnknownChoice>,
{
    value
        .map(|v| v.parse::<T>())
        .transpose()
        .map_err(|e| Failure::usage(format!("--{flag}: {}", e.0)))
}

pub async fn favourite(session: &Session, id: &str, on: bool) -> std::result::Result<(), Failure> {
    let image = gallery_image(session, id).await?;
    session.set_favourite(&image.id, on).await?;
    if on {
        println!("Image {} is a favourite.", image.id);
    } else {
        println!("Image {} is no longer a favourite.", image.id);
    }
    Ok(())
}

/// 1 to 5 stars; 0 clears the rating (clap refuses anything else as a usage error).
pub async fn rate(session: &Session, id: &str, stars: u8) -> std::result::Result<(), Failure> {
    let image = gallery_image(session, id).await?;
    session.set_rating(&image.id, u32::from(stars)).await?;
    if stars == 0 {
        println!("Cleared the rating of image {}.", image.id);
    } else {
        println!("Rated image {} {stars}/5.", image.id);
    }
    Ok(())
}

pub async fn trash(session: &Session, ids: &[String]) -> std::result::Result<(), Failure> {
    let ids = gallery_ids(session, ids).await?;
    let moved = session.trash(&ids).await?;
    let already = ids.len().saturating_sub(moved as usize);
    let note = if already > 0 {
        format!(" ({already} already there)")
    } else {
        String::new()
    };
    println!("Moved {moved} image(s) to the trash{note}.");
    Ok(())
}

pub async fn restore(session: &Session, ids: &[String]) -> std::result::Result<(), Failure> {
    let ids = gallery_ids(session, ids).await?;
    let restored = session.restore(&ids).await?;
    let skipped = ids.len().saturating_sub(restored as usize);
    let note = if skipped > 0 {
        format!(" ({skipped} not in the trash)")
    } else {
        String::new()
    };
    println!("Restored {restored} image(s) from the trash{note}.");
    Ok(())
}

/// Deletes images forever, trashed or not. Without `yes` it deletes nothing and says what it
/// would delete (exit 2).
pub async fn purge(
    session: &Session,
    ids: &[String],
    yes: bool,
) -> std::result::Result<(), Failure> {
    let ids = gallery_ids(session, ids).await?;
    if !yes {
        let mut named = ids
            .iter()
            .take(NAMED_IDS)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        if ids.len() > NAMED_IDS {
            named.push_str(&format!(" and {} more", ids.len() - NAMED_IDS));
        }
        return Err(Failure::usage(format!(
            "purge would delete {} image(s) forever, on every device, with their files ({named}): \
             run again with --yes to delete them",
            ids.len()
        )));
    }
    let deleted = session.purge(&ids).await?;
    println!("Deleted {deleted} image(s) forever.");
    Ok(())
}

/// The ids as gallery images of this library, repeated ids once, in the order given. The first
/// id that is not one fails before anything changes.
pub(crate) async fn gallery_ids(session: &Session, ids: &[String]) -> Result<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if seen.insert(id.trim()) {
            out.push(gallery_image(session, id).await?.id);
        }
    }
    Ok(out)
}

/// An image of the gallery; input images of image-to-image jobs are not (their jobs need them).
async fn gallery_image(session: &Session, id: &str) -> Result<ImageRecord> {
    let id = id.trim();
    let image = session.get_image(id).await?;
    if image.kind == ImageKind::Input {
        return Err(CoreError::InvalidInput(format!(
            "image {id} is an input image of an image-to-image job, not a gallery image"
        )));
    }
    Ok(image)
}

async fn image_json(session: &Session, image: &ImageRecord) -> Result<GalleryImageJson> {
    Ok(GalleryImageJson {
        id: image.id.clone(),
        job_id: image.job_id.clone(),
        sha256: image.sha256.clone(),
        prompt: image.prompt.clone(),
        favourite: image.favourite,
        rating: image.rating,
        trashed: image.deleted_at.is_some(),
        path: on_disk(session, Some(&image.path)).await?,
        thumbnail_path: on_disk(session, image.thumb_path.as_deref()).await?,
        albums: Vec::new(),
        tags: Vec::new(),
    })
}

/// The absolute path of a library file, if it is on this device.
async fn on_disk(session: &Session, rel: Option<&str>) -> Result<Option<String>> {
    let Some(rel) = rel else {
        return Ok(None);
    };
    let path = session.file_path(rel)?;
    let present = tokio::fs::metadata(&path)
        .await
        .is_ok_and(|meta| meta.is_file());
    Ok(present.then(|| path.display().to_string()))
}

/// One line for people: id, favourite mark, stars, prompt (and where the original is missing).
fn image_line(image: &GalleryImageJson) -> String {
    let prompt = output::sanitize(image.prompt.as_deref().unwrap_or("(imported, no prompt)"));
    let short: String = prompt.chars().take(60).collect();
    let ellipsis = if prompt.chars().count() > 60 {
        "…"
    } else {
        ""
    };
    let rating = image.rating.min(5) as usize;
    let stars = format!("{}{}", "★".repeat(rating), "·".repeat(5 - rating));
    format!(
        "{}  {}  {stars}  {short}{ellipsis}{}",
        image.id,
        if image.favourite { "♥" } else { " " },
        if image.path.is_none() {
            "  (original not on this device)"
        } else {
            ""
        }
    )
}
