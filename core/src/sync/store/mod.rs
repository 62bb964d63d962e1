//! The bucket as sync uses it: a handful of object operations behind [`ObjectStore`], with S3 (R2
//! and every S3-compatible store, [`s3`]) as the one implementation; another backend (WebDAV, a
//! folder) is these methods. Nothing read from a store is trusted for size: every read names the
//! most it will take, and a larger object is refused before it is read whole. Nor for content: an
//! original is created with its SHA-256 as metadata, so a "412 already there" can be checked
//! (see `sync/files.rs`).

mod classify;
mod s3;

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::AsyncRead;

pub use s3::S3Store;

use super::SyncError;

/// An object read back whole.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub body: Vec<u8>,
    /// The server's time of the write, Unix ms (second precision, as HTTP dates are).
    pub last_modified_ms: i64,
    /// Its ETag (unquoted; empty if the store gave none), for a compare-and-swap [`ObjectStore::replace`].
    pub etag: String,
}

/// What a HEAD tells about an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectHead {
    /// The server's time of the write, Unix ms.
    pub last_modified_ms: i64,
    pub size: u64,
    /// The SHA-256 it was created with (`x-amz-meta-sha256`); `None` for objects written without
    /// one (by an older version, or by hand).
    pub sha256: Option<String>,
}

/// Objects up to this size are read into memory whole (thumbnails are tens of KB).
pub const IN_MEMORY_MAX: u64 = 4 << 20;

/// A library file as the store sends it: small ones in memory, large ones as a stream.
pub enum FileBody {
    Small(Vec<u8>),
    Large(LargeBody),
}

/// A large object's body, not read yet, and the most it may hold.
pub struct LargeBody {
    pub key: String,
    pub max_bytes: u64,
    pub reader: Box<dyn AsyncRead + Send + Unpin>,
}

/// A key found by a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Relative to the library's prefix.
    pub key: String,
    pub etag: String,
}

/// How a create-only write ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    Now,
    /// The key already held an object (a 412): content-addressed files are the same bytes; a
    /// segment must be compared by the caller.
    AlreadyThere,
}

/// What to write.
#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Vec<u8>),
    /// A file streamed from disk.
    File(PathBuf),
}

impl Body {
    pub fn file(path: &Path) -> Body {
        Body::File(path.to_path_buf())
    }
}

/// One library's objects under its prefix. Keys are relative to the prefix.
#[async_trait::async_trait]
pub trait ObjectStore: Send + Sync + std::fmt::Debug {
    /// The object at `key` read whole, or `None` if there is none; an object larger than
    /// `max_bytes` is refused (`Corrupt`, naming it) before it is read.
    async fn get(&self, key: &str, max_bytes: u64) -> Result<Option<Fetched>, SyncError>;

    /// The object at `key` for a library file, or `None`: at most `max_bytes`, in memory when
    /// it is small, else a stream the caller writes to disk (and stops past `max_bytes`).
    async fn download(&self, key: &str, max_bytes: u64) -> Result<Option<FileBody>, SyncError>;

    /// The object at `key` without its body (when the server stored it, its size, the hash it
    /// was created with), or `None` if there is none.
    async fn head(&self, key: &str) -> Result<Option<ObjectHead>, SyncError>;

    /// Writes `key` only if it does not exist yet (`If-None-Match: *`). `sha256`, the body's hash
    /// when the caller knows it, is stored with the object (`x-amz-meta-sha256`).
    async fn create(
        &self,
        key: &str,
        body: Body,
        content_type: &str,
        sha256: Option<&str>,
    ) -> Result<Created, SyncError>;

    /// Writes `key` only if it still has the ETag `if_match` (`If-Match`): `false` when it
    /// changed meanwhile (a 412), and nothing was written.
    async fn replace(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
        if_match: &str,
    ) -> Result<bool, SyncError>;

    /// Writes `key` whatever it held (only for keys this device alone writes: its head).
    /// Returns the new ETag.
    async fn put(&self, key: &str, body: Vec<u8>, content_type: &str) -> Result<String, SyncError>;

    /// Every key under `sub`, with its ETag.
    async fn list(&self, sub: &str) -> Result<Vec<Listed>, SyncError>;

    /// Deletes `key`; a missing key is not an error.
    async fn delete(&self, key: &str) -> Result<(), SyncError>;

    /// A URL anyone can GET `key` with until `expires_in` passes (signed here, no request).
    async fn presign_get(&self, key: &str, expires_in: Duration) -> Result<String, SyncError>;
}
