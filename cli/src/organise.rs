//! The `album` and `tag` commands. Every command that names images checks all of them first (each
//! must be a gallery image of this library), so an unknown id changes nothing; an unknown album
//! name is a not-found failure (exit 1) naming it.

use serde::Serialize;

use nanoforge_core::Session;

use crate::library::gallery_ids;
use crate::organise_args::{AlbumCommand, TagCommand};
use crate::{Failure, output};

/// One album as `album list --json` prints it.
#[derive(Debug, Serialize)]
struct AlbumJson {
    id: String,
    name: String,
    /// Images in it that are not in the trash.
    images: u32,
    /// Unix ms.
    created_at: f64,
    updated_at: f64,
}

/// One tag as `tag list --json` prints it.
#[derive(Debug, Serialize)]
struct TagJson {
    tag: String,
    images: u32,
}

pub async fn album(session: &Session, command: AlbumCommand) -> Result<(), Failure> {
    match command {
        AlbumCommand::Add { name, ids } => {
            let ids = gallery_ids(session, &ids).await?;
            let album = session.create_album(&name).await?;
            let added = session.add_to_album(&album.id, &ids).await?;
            let already = ids.len().saturating_sub(added as usize);
            let note = if already > 0 {
                format!(" ({already} already there)")
            } else {
                String::new()
            };
            println!(
                "Added {added} image(s) to album '{}'{note}.",
                output::sanitize(&album.name)
            );
        }
        AlbumCommand::Remove { name, ids } => {
            let album = session.album_named(&name).await?;
            let ids = gallery_ids(session, &ids).await?;
            let removed = session.remove_from_album(&album.id, &ids).await?;
            let absent = ids.len().saturating_sub(removed as usize);
            let note = if absent > 0 {
                format!(" ({absent} not in it)")
            } else {
                String::new()
            };
            println!(
                "Removed {removed} image(s) from album '{}'{note}.",
                output::sanitize(&album.name)
            );
        }
        AlbumCommand::Rename { old, new } => {
            let album = session.album_named(&old).await?;
            let renamed = session.rename_album(&album.id, &new).await?;
            println!(
                "Album '{}' is now '{}'.",
                output::sanitize(&album.name),
                output::sanitize(&renamed.name)
            );
        }
        AlbumCommand::Delete { name } => {
            let album = session.album_named(&name).await?;
            session.delete_album(&album.id).await?;
            println!(
                "Deleted album '{}'; its {} image(s) stay in the library.",
                output::sanitize(&album.name),
                album.images
            );
        }
        AlbumCommand::List { json } => {
            let albums: Vec<AlbumJson> = session
                .albums()
                .await?
                .into_iter()
                .map(|a| AlbumJson {
                    id: a.id,
                    name: a.name,
                    images: a.images,
                    created_at: a.created_at,
                    updated_at: a.updated_at,
                })
                .collect();
            if json {
                println!("{}", output::to_json(&albums)?);
            } else if albums.is_empty() {
                println!("No albums.");
            } else {
                for a in &albums {
                    println!("{}  ({} images)", output::sanitize(&a.name), a.images);
                }
            }
        }
    }
    Ok(())
}

pub async fn tag(session: &Session, command: TagCommand) -> Result<(), Failure> {
    match command {
        TagCommand::Add { id, tags } => {
            let ids = gallery_ids(session, &[id]).await?;
            let labels = session.add_tags(&ids[0], &tags).await?;
            println!(
                "Image {} is tagged: {}.",
                labels.image_id,
                tag_line(&labels.tags)
            );
        }
        TagCommand::Remove { id, tags } => {
            let ids = gallery_ids(session, &[id]).await?;
            let labels = session.remove_tags(&ids[0], &tags).await?;
            println!(
                "Image {} is tagged: {}.",
                labels.image_id,
                tag_line(&labels.tags)
            );
        }
        TagCommand::List { json } => {
            let tags: Vec<TagJson> = session
                .tags()
                .await?
                .into_iter()
                .map(|t| TagJson {
                    tag: t.tag,
                    images: t.images,
                })
                .collect();
            if json {
                println!("{}", output::to_json(&tags)?);
            } else if tags.is_empty() {
                println!("No tags.");
            } else {
                for t in &tags {
                    println!("{}  ({} images)", output::sanitize(&t.tag), t.images);
                }
            }
        }
    }
    Ok(())
}

fn tag_line(tags: &[String]) -> String {
    if tags.is_empty() {
        "(no tags)".to_owned()
    } else {
        output::sanitize(&tags.join(", "))
    }
}
