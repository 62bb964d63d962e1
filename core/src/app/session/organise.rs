//! Albums and tags, for this session's profile: making, renaming and deleting albums, putting
//! images in and out of them, tagging, and what an image is labelled with. The gallery's filters
//! on them are fields of [`crate::library::ImageQuery`] ([`Session::list_images`]). Each edit is
//! told on the event stream by the library itself, and syncs.

use super::Session;
use crate::Result;
use crate::library::{Album, ImageLabels, TagCount};

impl Session {
    /// Every live album, by name, with its image count.
    pub async fn albums(&self) -> Result<Vec<Album>> {
        self.library.albums().await
    }

    /// The album `name` means (any case); an unknown name is a not-found error naming it.
    pub async fn album_named(&self, name: &str) -> Result<Album> {
        self.library.album_named(name).await
    }

    /// The album called `name`, made if there is none.
    pub async fn create_album(&self, name: &str) -> Result<Album> {
        self.library.create_album(name).await
    }

    /// Renames album `id`; a name another album has is refused.
    pub async fn rename_album(&self, id: &str, name: &str) -> Result<Album> {
        self.library.rename_album(id, name).await
    }

    /// Deletes album `id`; its images stay in the library.
    pub async fn delete_album(&self, id: &str) -> Result<()> {
        self.library.delete_album(id).await
    }

    /// Puts gallery images in album `id`; returns how many were not in it yet. An unknown image
    /// changes nothing.
    pub async fn add_to_album(&self, id: &str, image_ids: &[String]) -> Result<u32> {
        self.library.add_to_album(id, image_ids).await
    }

    /// Takes images out of album `id`; returns how many were in it.
    pub async fn remove_from_album(&self, id: &str, image_ids: &[String]) -> Result<u32> {
        self.library.remove_from_album(id, image_ids).await
    }

    /// Every tag on a live gallery image, with its count, alphabetical.
    pub async fn tags(&self) -> Result<Vec<TagCount>> {
        self.library.tags().await
    }

    /// Tags an image (tags are kept trimmed and in lower case); returns its labels now.
    pub async fn add_tags(&self, image_id: &str, tags: &[String]) -> Result<ImageLabels> {
        self.library.add_tags(image_id, tags).await
    }

    /// Takes tags off an image; returns its labels now.
    pub async fn remove_tags(&self, image_id: &str, tags: &[String]) -> Result<ImageLabels> {
        self.library.remove_tags(image_id, tags).await
    }

    /// The albums and tags of each image, in the order given.
    pub async fn image_labels(&self, image_ids: &[String]) -> Result<Vec<ImageLabels>> {
        self.library.image_labels(image_ids).await
    }
}
