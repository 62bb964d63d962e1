//! The bucket, through aws-sdk-s3 configured explicitly for R2 and every S3-compatible store:
//! path-style addressing, region `auto`, static keys (never the environment's or `~/.aws`),
//! checksums only where the API requires them (R2 rejects the SDK's default ones), single-object
//! deletes, a few short retries and timeouts so a wrong bucket or a dead endpoint fails in seconds.
//! Every failure becomes a [`SyncError`] that says what to fix.

use std::path::Path;
use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{
    BehaviorVersion, Builder, Credentials, Region, RequestChecksumCalculation,
    ResponseChecksumValidation,
};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;

use super::SyncError;
use super::settings::SyncLocation;
use classify::{classify, status_of};

mod classify;

/// An object read back.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub body: Vec<u8>,
    /// The server's time of the write, Unix ms (second precision, as HTTP dates are).
    pub last_modified_ms: i64,
}

/// Objects up to this size are read into memory whole (thumbnails are tens of KB).
const IN_MEMORY_MAX: i64 = 4 << 20;

/// A library file as the bucket sends it.
pub enum FileBody {
    Small(Vec<u8>),
    Large(LargeBody),
}

/// A large object's body, not read yet.
pub struct LargeBody {
    key: String,
    body: ByteStream,
}

/// A file written from the bucket.
#[derive(Debug, Clone)]
pub struct Downloaded {
    pub bytes: u64,
    /// Of the bytes written, lowercase hex.
    pub sha256: String,
}

impl LargeBody {
    /// Streams the body into `dest` (a new private file the caller renames), hashing it on the way
    /// so an original is not read back from disk to be checked.
    pub async fn write_to(self, dest: &Path) -> Result<Downloaded, SyncError> {
        use sha2::{Digest, Sha256};
        use tokio::io::AsyncWriteExt;
        let local = |e: std::io::Error| SyncError::Local(e.to_string());
        let file = tokio::fs::OpenOptions::from(crate::private_fs::open_options())
            .write(true)
            .create_new(true)
            .open(dest)
            .await
            .map_err(local)?;
        // Each tokio file write is a trip to the blocking pool: batch the body's small chunks.
        let mut file = tokio::io::BufWriter::with_capacity(1 << 20, file);
        let mut body = self.body;
        let mut written = 0u64;
        let mut hasher = Sha256::new();
        while let Some(chunk) = body
            .try_next()
            .await
            .map_err(|e| SyncError::Interrupted(format!("reading {}: {e}", self.key)))?
        {
            written += chunk.len() as u64;
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(local)?;
        }
        file.flush().await.map_err(local)?;
        Ok(Downloaded {
            bytes: written,
            sha256: super::ops::hex(&hasher.finalize()),
        })
    }
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

#[derive(Clone)]
pub struct Transport {
    client: Client,
    bucket: String,
    prefix: String,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl Transport {
    pub fn new(location: &SyncLocation, secret_access_key: &str) -> Transport {
        let config = Builder::new()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&location.endpoint)
            .region(Region::new(location.region.clone()))
            .credentials_provider(Credentials::new(
                &location.access_key_id,
                secret_access_key,
                None,
                None,
                "nanoforge-sync",
            ))
            .force_path_style(true)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(3)
                    .with_initial_backoff(Duration::from_millis(200))
                    .with_max_backoff(Duration::from_secs(2)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .read_timeout(Duration::from_secs(30))
                    .operation_attempt_timeout(Duration::from_secs(120))
                    .build(),
            );
        // Android has no PEM bundle for the SDK's native-roots loader (crate::tls).
        #[cfg(target_os = "android")]
        let config = match crate::tls::s3_http_client() {
            Some(client) => config.http_client(client),
            None => config,
        };
        let config = config.build();
        Transport {
            client: Client::from_conf(config),
            bucket: location.bucket.clone(),
            prefix: location.prefix.clone(),
        }
    }

    fn full(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The object at `key`, or `None` if there is none.
    pub async fn get(&self, key: &str) -> Result<Option<Fetched>, SyncError> {
        let answer = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .send()
            .await;
        let out = match answer {
            Ok(out) => out,
            Err(e) if status_of(&e) == Some(404) && e.code() != Some("NoSuchBucket") => {
                return Ok(None);
            }
            Err(e) => return Err(classify(&e, &self.bucket, false)),
        };
        let last_modified_ms = out
            .last_modified()
            .and_then(|t| t.to_millis().ok())
            .unwrap_or_else(crate::clock::now_ms);
        let body = out
            .body
            .collect()
            .await
            .map_err(|e| SyncError::Interrupted(format!("reading {key}: {e}")))?
            .to_vec();
        Ok(Some(Fetched {
            body,
            last_modified_ms,
        }))
    }

    /// The object at `key` for a library file; `None` if there is no such object. A small one
    /// (a thumbnail) comes back in memory, so the caller writes it in one blocking step instead of
    /// a trip to the blocking pool per create, write, flush and rename; a large one (an original)
    /// is streamed to disk by [`LargeBody::write_to`].
    pub async fn download(&self, key: &str) -> Result<Option<FileBody>, SyncError> {
        let answer = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .send()
            .await;
        let out = match answer {
            Ok(out) => out,
            Err(e) if status_of(&e) == Some(404) && e.code() != Some("NoSuchBucket") => {
                return Ok(None);
            }
            Err(e) => return Err(classify(&e, &self.bucket, false)),
        };
        if out
            .content_length()
            .is_some_and(|n| (0..=IN_MEMORY_MAX).contains(&n))
        {
            let bytes = out
                .body
                .collect()
                .await
                .map_err(|e| SyncError::Interrupted(format!("reading {key}: {e}")))?;
            return Ok(Some(FileBody::Small(bytes.to_vec())));
        }
        Ok(Some(FileBody::Large(LargeBody {
            key: key.to_owned(),
            body: out.body,
        })))
    }

    /// When the server stored `key` (its clock).
    pub async fn last_modified(&self, key: &str) -> Result<i64, SyncError> {
        let out = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .send()
            .await
            .map_err(|e| classify(&e, &self.bucket, false))?;
        out.last_modified()
            .and_then(|t| t.to_millis().ok())
            .ok_or_else(|| SyncError::Refused(format!("{key} has no Last-Modified")))
    }

    /// Writes `key` only if it does not exist yet (`If-None-Match: *`).
    pub async fn create(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<Created, SyncError> {
        self.create_stream(key, ByteStream::from(body), content_type)
            .await
    }

    /// Uploads the file at `path` to `key` unless the key exists, streaming it from disk.
    pub async fn create_from_file(
        &self,
        key: &str,
        path: &Path,
        content_type: &str,
    ) -> Result<Created, SyncError> {
        let body = ByteStream::from_path(path)
            .await
            .map_err(|e| SyncError::Local(format!("{}: {e}", path.display())))?;
        self.create_stream(key, body, content_type).await
    }

    async fn create_stream(
        &self,
        key: &str,
        body: ByteStream,
        content_type: &str,
    ) -> Result<Created, SyncError> {
        let answer = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .if_none_match("*")
            .content_type(content_type)
            .body(body)
            .send()
            .await;
        match answer {
            Ok(_) => Ok(Created::Now),
            // 409: a concurrent conditional write to the same key (AWS); the other one won.
            Err(e) if matches!(status_of(&e), Some(412 | 409)) => Ok(Created::AlreadyThere),
            Err(e) => Err(classify(&e, &self.bucket, true)),
        }
    }

    /// Writes `key` whatever it held (only for keys this device alone writes: its head). Returns
    /// the new ETag.
    pub async fn put(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<String, SyncError> {
        let out = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .content_type(content_type)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| classify(&e, &self.bucket, true))?;
        Ok(plain_etag(out.e_tag().unwrap_or_default()))
    }

    /// Every key under `sub` (relative to the library's prefix), with its ETag.
    pub async fn list(&self, sub: &str) -> Result<Vec<Listed>, SyncError> {
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(self.full(sub))
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| classify(&e, &self.bucket, false))?;
            for object in out.contents() {
                // Some S3-compatible stores list without ETags: an empty one never matches, so
                // such a head is read on every sync (correct, only slower).
                if let Some(rel) = object.key().and_then(|k| k.strip_prefix(&self.prefix)) {
                    found.push(Listed {
                        key: rel.to_owned(),
                        etag: object.e_tag().map(plain_etag).unwrap_or_default(),
                    });
                }
            }
            match out.next_continuation_token() {
                Some(next) if out.is_truncated() == Some(true) => token = Some(next.to_owned()),
                _ => return Ok(found),
            }
        }
    }

    /// Deletes `key` (one object at a time: R2 rejects the checksums batch deletes carry, and
    /// single deletes are free there). A missing key is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), SyncError> {
        match self
            .client
            .delete_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if status_of(&e) == Some(404) && e.code() != Some("NoSuchBucket") => Ok(()),
            Err(e) => Err(classify(&e, &self.bucket, true)),
        }
    }

    /// A URL anyone can GET `key` with until `expires_in` passes (signed here, no request).
    pub async fn presign_get(&self, key: &str, expires_in: Duration) -> Result<String, SyncError> {
        let config = PresigningConfig::expires_in(expires_in)
            .map_err(|e| SyncError::Refused(format!("presigning: {e}")))?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .presigned(config)
            .await
            .map_err(|e| classify(&e, &self.bucket, false))?;
        Ok(request.uri().to_owned())
    }
}

/// ETags come quoted from some calls and servers and bare from others.
fn plain_etag(etag: &str) -> String {
    etag.trim().trim_matches('"').to_owned()
}
