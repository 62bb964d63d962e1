//! The gallery's listing and its query ([`ImageQuery`]): keyset pages of images with their filters
//! (view, favourites, job status, size, dates, rating, model, provider, album, tag), their sorts
//! ([`ImageSort`]: newest, oldest, rating) and the search over prompts, tags and album names.
//! Every page costs the same however deep the user scrolls, because each sort pages on a key an
//! index walks in order.

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};

use super::db::f64_to_ms;
use super::fts::{self, Plan};
use super::images::{IMAGE_COLUMNS, ImageRow};
use super::jobs::next_cursor;
use super::types::{Cursor, ImageRecord, JobStatus, Page, page_limit};
use super::{Library, normalize_tag};
use crate::catalog::{ImageSize, Model, ProviderKind};
use crate::{CoreError, Result};

/// Which images a gallery page is about, by the trash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum GalleryView {
    /// Images not in the trash.
    #[default]
    Live,
    /// Only images in the trash.
    Trash,
    /// Both.
    All,
}

/// One gallery page to read: every filter is optional and they combine (AND).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct ImageQuery {
    pub cursor: Option<Cursor>,
    pub limit: Option<u32>,
    /// Status of the job the image came from.
    pub status: Option<JobStatus>,
    pub image_size: Option<ImageSize>,
    pub favourite_only: bool,
    /// Unix ms, inclusive.
    pub from: Option<f64>,
    /// Unix ms, exclusive.
    pub to: Option<f64>,
    pub search: Option<String>,
    pub view: GalleryView,
    /// Only images rated at least this many stars (1 to 5).
    pub min_rating: Option<u32>,
    /// Only images whose job used this model.
    pub model: Option<Model>,
    /// Only images whose job went to this provider.
    pub provider: Option<ProviderKind>,
    /// Only images in this album (its id; `Session::album_named` finds it by name).
    pub album: Option<String>,
    /// Only images with this tag (any case and spacing: it is normalised like a tag).
    pub tag: Option<String>,
    pub sort: ImageSort,
}

/// The order of a gallery page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ImageSort {
    #[default]
    Newest,
    Oldest,
    /// Most stars first, newest first among equals.
    Rating,
}

impl ImageSort {
    pub fn parse(s: &str) -> Result<ImageSort> {
        match s.trim().to_ascii_lowercase().as_str() {
            "newest" => Ok(ImageSort::Newest),
            "oldest" => Ok(ImageSort::Oldest),
            "rating" => Ok(ImageSort::Rating),
            other => Err(CoreError::InvalidInput(format!(
                "unknown sort '{other}': newest, oldest or rating"
            ))),
        }
    }
}

/// A search as it will run: the FTS5 expression, the plan, and whether any image's labels match
/// (when none does, the prompt-only query runs unchanged).
#[derive(Debug, Clone)]
pub(super) struct Search {
    pub expr: String,
    pub plan: Plan,
    pub labels: bool,
}

/// Sorted by rating (newest and oldest walk the set's own index, see [`ALBUM_WALK`]): up to this
/// many members, an album or tag page starts from its members and sorts them (cost grows with the
/// members); beyond it, it walks the rating order and keeps members (cost grows with how rare they
/// are). Around sqrt(page × library size × the two per-row costs' ratio) the
/// two cost the same; measured in benches/library.rs (`organise/*`), as `fts` does for search.
const MEMBERS_FIRST_LIMIT: i64 = 500;

/// An album's or a tag's images, up to the bound value.
const ALBUM_MEMBERS: &str = "SELECT image_id FROM album_images WHERE album_id = ";
const TAG_MEMBERS: &str = "SELECT image_id FROM image_tags WHERE tag = ";

/// An album's or a tag's images in the gallery's order, up to the bound value: each membership row
/// carries its image's `created_at` (migration 0015), so its index walks a set newest or oldest
/// first and a page reads only the rows it shows, however large the set or the library.
const ALBUM_WALK: &str = "FROM album_images m INDEXED BY album_images_by_created \
     CROSS JOIN images i ON i.id = m.image_id LEFT JOIN jobs j ON j.id = i.job_id WHERE m.album_id = ";
const TAG_WALK: &str = "FROM image_tags m INDEXED BY image_tags_by_created \
     CROSS JOIN images i ON i.id = m.image_id LEFT JOIN jobs j ON j.id = i.job_id WHERE m.tag = ";

/// Which set a page walks in order (its membership test is then the walk itself).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Walk {
    Gallery,
    Album,
    Tag,
}

impl Library {
    /// The album's (else the tag's) member query and key, when it has few enough members to
    /// start from (see [`MEMBERS_FIRST_LIMIT`]).
    async fn few_members(
        &self,
        query: &ImageQuery,
        tag: Option<&str>,
    ) -> Result<Option<(&'static str, String)>> {
        let set = match (&query.album, tag) {
            (Some(album), _) => (ALBUM_MEMBERS, album.clone()),
            (None, Some(tag)) => (TAG_MEMBERS, tag.to_owned()),
            (None, None) => return Ok(None),
        };
        let sql = format!("SELECT count(*) FROM ({}? LIMIT ?)", set.0);
        let (members,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&set.1)
            .bind(MEMBERS_FIRST_LIMIT + 1)
            .fetch_one(&self.pool)
            .await?;
        Ok((members <= MEMBERS_FIRST_LIMIT).then_some(set))
    }

    /// The gallery: newest first unless the query sorts otherwise, keyset-paged.
    pub async fn list_images(&self, query: &ImageQuery) -> Result<Page<ImageRecord>> {
        let search = match query.search.as_deref().and_then(fts::match_expression) {
            Some(expr) => {
                let (plan, labels) = fts::plan_with_labels(&self.pool, &expr).await?;
                Some(Search { expr, plan, labels })
            }
            None => None,
        };
        self.list_images_planned(query, search).await
    }

    pub(super) async fn list_images_planned(
        &self,
        query: &ImageQuery,
        search: Option<Search>,
    ) -> Result<Page<ImageRecord>> {
        let limit = page_limit(query.limit);
        let tag = query.tag.as_deref().map(normalize_tag).transpose()?;
        if query.min_rating.is_some_and(|n| n > 5) {
            return Err(CoreError::InvalidInput(
                "a minimum rating is 0 to 5 stars".into(),
            ));
        }
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(IMAGE_COLUMNS);
        let mut walk = Walk::Gallery;
        let set_walk = match (query.sort, &query.album, &tag) {
            (ImageSort::Rating, ..) => None,
            (_, Some(album), _) => Some((Walk::Album, ALBUM_WALK, album.clone())),
            (_, None, Some(tag)) => Some((Walk::Tag, TAG_WALK, tag.clone())),
            (_, None, None) => None,
        };
        match search {
            // CROSS JOIN fixes the join order (matches, their jobs, their images) and the index
            // hints stop SQLite from scanning the gallery index inside the loop instead.
            Some(Search {
                expr,
                plan: Plan::MatchesFirst,
                labels: false,
            }) => {
                q.push("FROM (SELECT rowid AS hit FROM jobs_fts WHERE jobs_fts MATCH ")
                    .push_bind(expr)
                    .push(
                        ") f CROSS JOIN jobs j NOT INDEXED ON j.rowid = f.hit \
                         CROSS JOIN images i INDEXED BY idx_images_job_position ON i.job_id = j.id",
                    )
                    .push(" WHERE i.profile_id = ")
                    .push_bind(self.profile_id.clone());
            }
            // The images whose prompt matches and those whose labels match, each once.
            Some(Search {
                expr,
                plan: Plan::MatchesFirst,
                labels: true,
            }) => {
                q.push("FROM (SELECT i2.rowid AS hit FROM (SELECT rowid AS r FROM jobs_fts WHERE jobs_fts MATCH ")
                    .push_bind(expr.clone())
                    .push(
                        ") f CROSS JOIN jobs j2 NOT INDEXED ON j2.rowid = f.r \
                         CROSS JOIN images i2 INDEXED BY idx_images_job_position ON i2.job_id = j2.id \
                         UNION SELECT rowid FROM labels_fts WHERE labels_fts MATCH ",
                    )
                    .push_bind(expr)
                    .push(
                        ") h CROSS JOIN images i ON i.rowid = h.hit \
                         LEFT JOIN jobs j ON j.id = i.job_id WHERE i.profile_id = ",
                    )
                    .push_bind(self.profile_id.clone());
            }
            Some(Search {
                expr,
                plan: Plan::NewestFirst,
                labels,
            }) => {
                q.push("FROM images i LEFT JOIN jobs j ON j.id = i.job_id WHERE i.profile_id = ")
                    .push_bind(self.profile_id.clone())
                    .push(" AND (j.rowid IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ")
                    .push_bind(expr.clone())
                    .push(")");
                if labels {
                    q.push(" OR i.rowid IN (SELECT rowid FROM labels_fts WHERE labels_fts MATCH ")
                        .push_bind(expr)
                        .push(")");
                }
                q.push(")");
            }
            // Newest or oldest first, an album's or a tag's page walks its membership index (the
            // rating sort has no such key there and keeps the plans below).
            None if set_walk.is_some() => {
                if let Some((set, sql, key)) = set_walk {
                    walk = set;
                    q.push(sql)
                        .push_bind(key)
                        .push(" AND i.profile_id = ")
                        .push_bind(self.profile_id.clone());
                }
            }
            None => match self.few_members(query, tag.as_deref()).await? {
                // A small album or tag: its members, their images, sorted (CROSS JOIN fixes
                // that order).
                Some((members, key)) => {
                    q.push("FROM (")
                        .push(members)
                        .push_bind(key)
                        .push(
                            ") s CROSS JOIN images i ON i.id = s.image_id \
                             LEFT JOIN jobs j ON j.id = i.job_id WHERE i.profile_id = ",
                        )
                        .push_bind(self.profile_id.clone());
                }
                // "≥ N stars" newest or oldest first walks only the rated images, in order
                // (migration 0016). Named, because without statistics (a person's library has
                // none) SQLite takes the rating index's range and sorts every match instead.
                None if query.view == GalleryView::Live
                    && query.sort != ImageSort::Rating
                    && query.min_rating.is_some_and(|n| n > 0) =>
                {
                    q.push(
                        "FROM images i INDEXED BY idx_images_rated \
                         LEFT JOIN jobs j ON j.id = i.job_id WHERE i.profile_id = ",
                    )
                    .push_bind(self.profile_id.clone());
                }
                None => {
                    q.push(
                        "FROM images i LEFT JOIN jobs j ON j.id = i.job_id WHERE i.profile_id = ",
                    )
                    .push_bind(self.profile_id.clone());
                }
            },
        }
        // Each view's predicate matches one partial index exactly, so SQLite walks it in order.
        match query.view {
            GalleryView::Live if query.favourite_only => {
                q.push(" AND i.deleted_at IS NULL AND i.favourite = 1")
            }
            GalleryView::Live => q.push(" AND i.deleted_at IS NULL"),
            GalleryView::Trash => q.push(" AND i.deleted_at IS NOT NULL"),
            GalleryView::All => q.push(""),
        };
        if query.favourite_only && query.view != GalleryView::Live {
            q.push(" AND i.favourite = 1");
        }
        // `+` keeps SQLite from starting at the members (unsorted) when the order's index is
        // cheaper; a small set already drives the query (`few_members`). Before any test that
        // needs the image's row: these use only the index's id, so most rows walked past are
        // never read.
        if let Some(album) = query.album.as_ref().filter(|_| walk != Walk::Album) {
            q.push(" AND +i.id IN (")
                .push(ALBUM_MEMBERS)
                .push_bind(album.clone())
                .push(")");
        }
        if let Some(tag) = tag.filter(|_| walk != Walk::Tag) {
            q.push(" AND +i.id IN (")
                .push(TAG_MEMBERS)
                .push_bind(tag)
                .push(")");
        }
        // Input images (local files given for image-to-image) are not part of the gallery.
        q.push(" AND i.kind = 'generated'");
        if let Some(status) = query.status {
            q.push(" AND j.status = ").push_bind(status.as_str());
        }
        if let Some(size) = query.image_size {
            q.push(" AND i.image_size = ")
                .push_bind(i64::from(size.long_side()));
        }
        if let Some(from) = query.from {
            q.push(" AND i.created_at >= ")
                .push_bind(f64_to_ms(from, "from")?);
        }
        if let Some(to) = query.to {
            q.push(" AND i.created_at < ")
                .push_bind(f64_to_ms(to, "to")?);
        }
        if let Some(stars) = query.min_rating.filter(|n| *n > 0) {
            // `rating > 0` as migration 0016's partial index of rated images states it (implied by
            // the bound, but SQLite matches an index's condition by its terms).
            q.push(" AND i.rating > 0 AND i.rating >= ")
                .push_bind(i64::from(stars));
        }
        if let Some(model) = query.model {
            q.push(" AND j.model = ").push_bind(model.as_str());
        }
        if let Some(provider) = query.provider {
            q.push(" AND j.provider = ").push_bind(provider.as_str());
        }
        push_order(&mut q, query, walk)?;
        q.push(" LIMIT ").push_bind(i64::from(limit) + 1);
        let rows: Vec<ImageRow> = q.build_query_as().fetch_all(&self.pool).await?;
        let mut items = rows
            .into_iter()
            .map(ImageRow::into_record)
            .collect::<Result<Vec<_>>>()?;
        let mut next_cursor = next_cursor(&mut items, limit, |i| (i.created_at, &i.id));
        if query.sort == ImageSort::Rating
            && let Some(cursor) = &mut next_cursor
        {
            cursor.rating = items.last().map(|i| i.rating);
        }
        Ok(Page { items, next_cursor })
    }
}

/// The cursor's condition and the ORDER BY of the query's sort; each is the key of an index
/// (`idx_images_gallery` walked either way, `idx_images_rating`, or a set's membership index, whose
/// copy of the image's `created_at` and id order it the same way).
fn push_order(q: &mut QueryBuilder<Sqlite>, query: &ImageQuery, walk: Walk) -> Result<()> {
    let (before, after) = if walk == Walk::Gallery {
        (
            " AND (i.created_at, i.id) < (",
            " AND (i.created_at, i.id) > (",
        )
    } else {
        (
            " AND (m.created_at, m.image_id) < (",
            " AND (m.created_at, m.image_id) > (",
        )
    };
    if let Some(cursor) = &query.cursor {
        let created_at = f64_to_ms(cursor.created_at, "cursor")?;
        match query.sort {
            ImageSort::Newest => {
                q.push(before);
            }
            ImageSort::Oldest => {
                q.push(after);
            }
            ImageSort::Rating => {
                let rating = cursor.rating.ok_or_else(|| {
                    CoreError::InvalidInput(
                        "the next page by rating needs the rating in its cursor".into(),
                    )
                })?;
                q.push(" AND (i.rating, i.created_at, i.id) < (")
                    .push_bind(i64::from(rating))
                    .push(", ");
            }
        }
        q.push_bind(created_at)
            .push(", ")
            .push_bind(cursor.id.clone())
            .push(")");
    }
    q.push(match (query.sort, walk) {
        (ImageSort::Newest, Walk::Gallery) => " ORDER BY i.created_at DESC, i.id DESC",
        (ImageSort::Oldest, Walk::Gallery) => " ORDER BY i.created_at ASC, i.id ASC",
        (ImageSort::Newest, _) => " ORDER BY m.created_at DESC, m.image_id DESC",
        (ImageSort::Oldest, _) => " ORDER BY m.created_at ASC, m.image_id ASC",
        (ImageSort::Rating, _) => " ORDER BY i.rating DESC, i.created_at DESC, i.id DESC",
    });
    Ok(())
}
