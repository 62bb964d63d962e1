//! Named references and the lineage tree, for this session's profile: a reference is an image
//! (from a file, the gallery or the clipboard) picked by name in the Generator and the editor;
//! the tree shows where an image came from and everything made from it.

use std::path::Path;

use super::Session;
use crate::Result;
use crate::library::{IngestSource, Lineage, Reference};

impl Session {
    /// Every live reference, by name.
    pub async fn references(&self) -> Result<Vec<Reference>> {
        self.library.references().await
    }

    /// Names library image `image_id` `name` (replacing what the name meant).
    pub async fn set_reference(&self, name: &str, image_id: &str) -> Result<Reference> {
        self.library.set_reference(name, image_id).await
    }

    /// Keeps a local file (byte for byte) and names it `name`.
    pub async fn add_reference_file(&self, name: &str, path: &Path) -> Result<Reference> {
        crate::library::check_reference_name(name)?;
        let image = self
            .library
            .import_input_image(IngestSource::File(path.to_path_buf()))
            .await?;
        self.library.set_reference(name, &image.id).await
    }

    /// Keeps image bytes (a paste, a drop) and names them `name`.
    pub async fn add_reference_bytes(&self, name: &str, bytes: Vec<u8>) -> Result<Reference> {
        crate::library::check_reference_name(name)?;
        let image = self.import_input_bytes(bytes).await?;
        self.library.set_reference(name, &image.id).await
    }

    pub async fn rename_reference(&self, id: &str, name: &str) -> Result<Reference> {
        self.library.rename_reference(id, name).await
    }

    /// Removes the reference `name` means; jobs that sent it keep their image.
    pub async fn remove_reference(&self, name: &str) -> Result<()> {
        self.library.remove_reference(name).await
    }

    /// The tree image `image_id` belongs to, from its root, with each job's cost.
    pub async fn lineage(&self, image_id: &str) -> Result<Lineage> {
        self.library.lineage(image_id).await
    }
}
