//! The gallery grid's thin record: what a tile, the list's order and its trash view need, so a
//! page of 200 crosses to the web view and lives in its memory at a fraction of the full
//! [`ImageRecord`]'s size (at 100k images, the full records were most of what the web process
//! held after a scroll). The viewer reads the full record by id when it opens.

use serde::Serialize;

use super::types::{Cursor, ImageRecord, Page};

/// How much of the prompt a tile keeps: its caption shows one or two lines of it.
pub const CAPTION_CHARS: usize = 160;

/// An image as the grid shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct GridImage {
    pub id: String,
    /// The original's hash: the tile's thumbnail URL is made from it.
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub favourite: bool,
    pub rating: u32,
    pub deleted_at: Option<f64>,
    pub created_at: f64,
    /// The start of its prompt (at most [`CAPTION_CHARS`] characters), for the caption and label.
    pub caption: Option<String>,
}

impl From<ImageRecord> for GridImage {
    fn from(record: ImageRecord) -> Self {
        let caption = record
            .prompt
            .map(|p| match p.char_indices().nth(CAPTION_CHARS) {
                Some((end, _)) => p[..end].to_owned(),
                None => p,
            });
        Self {
            id: record.id,
            sha256: record.sha256,
            width: record.width,
            height: record.height,
            favourite: record.favourite,
            rating: record.rating,
            deleted_at: record.deleted_at,
            created_at: record.created_at,
            caption,
        }
    }
}

/// One keyset page of the grid: the same query, order and cursor as the full listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct GridPage {
    pub items: Vec<GridImage>,
    /// `None` on the last page.
    pub next_cursor: Option<Cursor>,
}

impl From<Page<ImageRecord>> for GridPage {
    fn from(page: Page<ImageRecord>) -> Self {
        Self {
            items: page.items.into_iter().map(GridImage::from).collect(),
            next_cursor: page.next_cursor,
        }
    }
}
