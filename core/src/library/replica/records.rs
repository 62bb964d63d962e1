//! What a library tells its other copies: a record kind per operation, with the version (hybrid
//! clock) it was made at. These are the facts the bucket carries; how they are packed into
//! segments is sync's business. A kind added later (as references, albums and tags were)
//! is a new variant here: a device that does not know it yet records the segment for a rescan
//! (see [`super::rescan`]) instead of moving past it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Operations per segment (and so the most one local transaction applies per segment).
pub const MAX_OPS_PER_SEGMENT: usize = 1000;

/// Every operation kind this version applies, as spelled in the `op` tag.
pub const KNOWN_KINDS: &[&str] = &[
    "job", "image", "set", "purge", "ref", "album", "member", "tag", "prompt", "wildcard",
];

/// An image field that devices edit (last writer wins per field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Favourite,
    Rating,
    /// The value is the time it went to the trash, or null when restored.
    Trashed,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Favourite => "favourite",
            Field::Rating => "rating",
            Field::Trashed => "trashed",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        match s {
            "favourite" => Some(Field::Favourite),
            "rating" => Some(Field::Rating),
            "trashed" => Some(Field::Trashed),
            _ => None,
        }
    }

    /// The `images` column it lives in.
    pub fn column(self) -> &'static str {
        match self {
            Field::Favourite => "favourite",
            Field::Rating => "rating",
            Field::Trashed => "deleted_at",
        }
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// A job's synced columns as they are now (only the device that runs a job writes it, so a
    /// later record simply replaces an earlier one).
    Job {
        id: String,
        hlc: i64,
        record: Map<String, Value>,
    },
    /// A new image: its immutable facts and its editable fields' first values.
    Image {
        id: String,
        hlc: i64,
        record: Map<String, Value>,
    },
    /// An edit of one field of an image.
    Set {
        id: String,
        hlc: i64,
        field: Field,
        value: Value,
    },
    /// Deleted forever, everywhere. Terminal: later operations about the image are ignored.
    Purge { id: String, hlc: i64 },
    /// A named reference as it is now (added, renamed, pointed at another image, or removed):
    /// the latest record wins.
    Ref {
        id: String,
        hlc: i64,
        record: Map<String, Value>,
    },
    /// An album as it is now (made, renamed or deleted): the latest record wins.
    Album {
        id: String,
        hlc: i64,
        record: Map<String, Value>,
    },
    /// Image `id` put in (`member`) or taken out of `album`: the latest wins, per (image, album).
    Member {
        id: String,
        hlc: i64,
        album: String,
        member: bool,
    },
    /// Image `id` tagged (`tagged`) or untagged with `tag` (normalised): the latest wins, per
    /// (image, tag).
    Tag {
        id: String,
        hlc: i64,
        tag: String,
        tagged: bool,
    },
    /// A saved prompt as it is now (saved, replaced or removed): the latest record wins.
    Prompt {
        id: String,
        hlc: i64,
        record: Map<String, Value>,
    },
    /// A wildcard list as it is now (saved, replaced or removed): the latest record wins.
    Wildcard {
        id: String,
        hlc: i64,
        record: Map<String, Value>,
    },
}

impl Op {
    /// The `op` tag it is written with (one of [`KNOWN_KINDS`]).
    pub fn kind(&self) -> &'static str {
        match self {
            Op::Job { .. } => "job",
            Op::Image { .. } => "image",
            Op::Set { .. } => "set",
            Op::Purge { .. } => "purge",
            Op::Ref { .. } => "ref",
            Op::Album { .. } => "album",
            Op::Member { .. } => "member",
            Op::Tag { .. } => "tag",
            Op::Prompt { .. } => "prompt",
            Op::Wildcard { .. } => "wildcard",
        }
    }

    pub fn hlc(&self) -> i64 {
        match self {
            Op::Job { hlc, .. }
            | Op::Image { hlc, .. }
            | Op::Set { hlc, .. }
            | Op::Purge { hlc, .. }
            | Op::Ref { hlc, .. }
            | Op::Album { hlc, .. }
            | Op::Member { hlc, .. }
            | Op::Tag { hlc, .. }
            | Op::Prompt { hlc, .. }
            | Op::Wildcard { hlc, .. } => *hlc,
        }
    }

    /// The id of the record it is about.
    pub fn id(&self) -> &str {
        match self {
            Op::Job { id, .. }
            | Op::Image { id, .. }
            | Op::Set { id, .. }
            | Op::Purge { id, .. }
            | Op::Ref { id, .. }
            | Op::Album { id, .. }
            | Op::Member { id, .. }
            | Op::Tag { id, .. }
            | Op::Prompt { id, .. }
            | Op::Wildcard { id, .. } => id,
        }
    }

    /// Whether the operation may be applied: its id is one this library makes (a UUID in its
    /// canonical spelling, so an id from the bucket can never become a path or a zip entry such
    /// as `../../x`), a record carries the same id as its operation (the tombstone checked is the
    /// row written: a purged image cannot come back under another operation's id), and the ids a
    /// record points at are UUIDs too. `Err` says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        let id = self.id();
        if !is_record_id(id) {
            return Err(format!(
                "{} operation with an id that is not a UUID",
                self.kind()
            ));
        }
        let (record, links): (&Map<String, Value>, &[&str]) = match self {
            Op::Job { record, .. } => (record, &["image_id", "parent_job_id", "parent_image_id"]),
            Op::Image { record, .. } => (record, &["job_id"]),
            Op::Ref { record, .. } => (record, &["image_id"]),
            Op::Album { record, .. } | Op::Prompt { record, .. } | Op::Wildcard { record, .. } => {
                (record, &[])
            }
            Op::Member { album, .. } if !is_record_id(album) => {
                return Err("member operation with an album id that is not a UUID".into());
            }
            // A tag is an identity: only its normalised spelling is one.
            Op::Tag { tag, .. }
                if crate::library::normalize_tag(tag).ok().as_deref() != Some(tag.as_str()) =>
            {
                return Err(format!(
                    "tag operation on {id} with a tag that is not normalised"
                ));
            }
            Op::Set { .. } | Op::Purge { .. } | Op::Member { .. } | Op::Tag { .. } => {
                return Ok(());
            }
        };
        if record.get("id").and_then(Value::as_str) != Some(id) {
            return Err(format!("{} record {id} names another id", self.kind()));
        }
        for link in links {
            match record.get(*link) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) if is_record_id(s) => {}
                Some(_) => {
                    return Err(format!("{} record {id}: {link} is not a UUID", self.kind()));
                }
            }
        }
        Ok(())
    }
}

/// A job or image id as this library makes them: a UUID (v7 today) in its canonical lowercase
/// hyphenated spelling.
pub fn is_record_id(id: &str) -> bool {
    uuid::Uuid::try_parse(id).is_ok_and(|u| u.hyphenated().to_string() == id)
}

/// A segment packed for the bucket and the hash of its bytes (to recognise our own after a lost
/// answer). The packing is sync's; the library keeps the bytes until the bucket confirms them.
#[derive(Debug, Clone)]
pub struct PackedSegment {
    pub body: Vec<u8>,
    pub sha256: String,
}

/// The columns of a job that sync carries (not leases, the provider's raw answer or updated_at).
pub const JOB_COLUMNS: &[&str] = &[
    "id",
    "image_id",
    "prompt",
    "task_type",
    "provider",
    "model",
    "image_size",
    "aspect_ratio",
    "num_images",
    "watermark",
    "input_image_urls",
    "input_image_ids",
    "seed",
    "remote_task_id",
    "cost",
    "estimated_cost",
    "may_be_charged",
    "duration_ms",
    "queue_ms",
    "submitted_at",
    "status",
    "error_kind",
    "error_message",
    "attempts",
    "timeout_secs",
    "parent_job_id",
    "parent_image_id",
    "created_at",
    "completed_at",
    "charged_credits",
    "conversation",
    "purpose",
    "batch_id",
];

/// The columns of a named reference that sync carries.
pub const REF_COLUMNS: &[&str] = &[
    "id",
    "name",
    "image_id",
    "created_at",
    "updated_at",
    "removed_at",
];

/// The columns of an album that sync carries.
pub const ALBUM_COLUMNS: &[&str] = &["id", "name", "created_at", "updated_at", "removed_at"];

/// The columns of a saved prompt that sync carries (`tags` is its JSON text).
pub const PROMPT_COLUMNS: &[&str] = &[
    "id",
    "name",
    "text",
    "tags",
    "created_at",
    "updated_at",
    "removed_at",
];

/// The columns of a wildcard list that sync carries (`entries` is its JSON text).
pub const WILDCARD_COLUMNS: &[&str] = &[
    "id",
    "name",
    "entries",
    "created_at",
    "updated_at",
    "removed_at",
];

/// The columns of a new image that sync carries.
pub const IMAGE_COLUMNS: &[&str] = &[
    "id",
    "job_id",
    "position",
    "sha256",
    "path",
    "mime",
    "width",
    "height",
    "bytes",
    "thumb_path",
    "preview_path",
    "image_size",
    "kind",
    "flag",
    "created_at",
    "favourite",
    "rating",
    "deleted_at",
];

/// `json_object('id', id, …)` over `columns`.
pub fn json_object_sql(columns: &[&str]) -> String {
    let pairs: Vec<String> = columns.iter().map(|c| format!("'{c}', {c}")).collect();
    format!("json_object({})", pairs.join(", "))
}

/// One segment of another device, as read from the bucket.
#[derive(Debug, Clone)]
pub struct PulledSegment {
    pub device: String,
    pub seq: i64,
    pub last_modified_ms: i64,
    pub ops: Vec<Op>,
    /// Operation kinds in it that this version does not know: kept for a rescan after an upgrade.
    pub unknown_kinds: Vec<String>,
}

/// A peer's head as it is after this pull.
#[derive(Debug, Clone)]
pub struct PeerUpdate {
    pub device: String,
    pub etag: String,
    pub name: Option<String>,
    pub platform: Option<String>,
    pub app_version: Option<String>,
    pub last_push_at: Option<i64>,
}
