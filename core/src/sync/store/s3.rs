//! The bucket, through aws-sdk-s3 configured explicitly for R2 and every S3-compatible store:
//! path-style addressing, region `auto`, static keys (never the environment's or `~/.aws`),
//! checksums only where the API requires them (R2 rejects the SDK's default ones), single-object
//! deletes, a few short retries and timeouts so a wrong bucket or a dead endpoint fails in seconds.
//! Every failure becomes a [`SyncError`] that says what to fix.

use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{
    BehaviorVersion, Builder, Credentials, Region, RequestChecksumCalculation,
    ResponseChecksumValidation,
};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::operation::get_object::GetObjectOutput;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;

use super::classify::{classify, status_of};
use super::{
    Body, Created, Fetched, FileBody, IN_MEMORY_MAX, LargeBody, Listed, ObjectHead, ObjectStore,
};
use crate::sync::SyncError;
use crate::sync::setup::SyncLocation;

/// The user metadata an original carries its hash in (`x-amz-meta-sha256`).
const SHA256_METADATA: &str = "sha256";

#[derive(Clone)]
pub struct S3Store {
    client: Client,
    bucket: String,
    prefix: String,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl S3Store {
    pub fn new(location: &SyncLocation, secret_access_key: &str) -> S3Store {
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
        let config = match crate::net::tls::s3_http_client() {
            Some(client) => config.http_client(client),
            None => config,
        };
        let config = config.build();
        S3Store {
            client: Client::from_conf(config),
            bucket: location.bucket.clone(),
            prefix: location.prefix.clone(),
        }
    }

    fn full(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// A GET of `key`; `None` for a missing key (but not a missing bucket).
    async fn get_object(&self, key: &str) -> Result<Option<GetObjectOutput>, SyncError> {
        let answer = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .send()
            .await;
        match answer {
            Ok(out) => Ok(Some(out)),
            Err(e) if status_of(&e) == Some(404) && e.code() != Some("NoSuchBucket") => Ok(None),
            Err(e) => Err(classify(&e, &self.bucket, false)),
        }
    }

    async fn create_stream(
        &self,
        key: &str,
        body: ByteStream,
        content_type: &str,
        sha256: Option<&str>,
    ) -> Result<Created, SyncError> {
        let mut put = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .if_none_match("*")
            .content_type(content_type)
            .body(body);
        if let Some(sha256) = sha256 {
            put = put.metadata(SHA256_METADATA, sha256);
        }
        let answer = put.send().await;
        match answer {
            Ok(_) => Ok(Created::Now),
            // 409: a concurrent conditional write to the same key (AWS); the other one won.
            Err(e) if matches!(status_of(&e), Some(412 | 409)) => Ok(Created::AlreadyThere),
            Err(e) => Err(classify(&e, &self.bucket, true)),
        }
    }
}

/// An object's size as its answer states it, refused past `max_bytes`.
fn check_length(key: &str, length: Option<i64>, max_bytes: u64) -> Result<(), SyncError> {
    match length {
        Some(n) if u64::try_from(n).map_or(true, |n| n > max_bytes) => Err(SyncError::Corrupt(
            format!("{key} is {n} bytes, more than the {max_bytes} such an object may have"),
        )),
        _ => Ok(()),
    }
}

/// The server's time of the write; an answer without one is not trusted (the local clock would
/// make this device merge differently from the others).
fn last_modified_of(key: &str, out: &GetObjectOutput) -> Result<i64, SyncError> {
    out.last_modified()
        .and_then(|t| t.to_millis().ok())
        .ok_or_else(|| SyncError::Corrupt(format!("{key} came back without a Last-Modified time")))
}

/// Reads a body whole, stopping past `max_bytes` (a length the answer did not state, or lied
/// about, cannot make it read more).
async fn read_capped(key: &str, body: ByteStream, max_bytes: u64) -> Result<Vec<u8>, SyncError> {
    use tokio::io::AsyncReadExt;
    let mut out = Vec::new();
    body.into_async_read()
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut out)
        .await
        .map_err(|e| SyncError::Interrupted(format!("reading {key}: {e}")))?;
    if out.len() as u64 > max_bytes {
        return Err(SyncError::Corrupt(format!(
            "{key} holds more than the {max_bytes} bytes such an object may have"
        )));
    }
    Ok(out)
}

#[async_trait::async_trait]
impl ObjectStore for S3Store {
    async fn get(&self, key: &str, max_bytes: u64) -> Result<Option<Fetched>, SyncError> {
        let Some(out) = self.get_object(key).await? else {
            return Ok(None);
        };
        check_length(key, out.content_length(), max_bytes)?;
        let last_modified_ms = last_modified_of(key, &out)?;
        let etag = plain_etag(out.e_tag().unwrap_or_default());
        let body = read_capped(key, out.body, max_bytes).await?;
        Ok(Some(Fetched {
            body,
            last_modified_ms,
            etag,
        }))
    }

    /// A small object (a thumbnail) comes back in memory, so the caller writes it in one
    /// blocking step instead of a trip to the blocking pool per create, write, flush and rename;
    /// a large one (an original) is streamed to disk.
    async fn download(&self, key: &str, max_bytes: u64) -> Result<Option<FileBody>, SyncError> {
        let Some(out) = self.get_object(key).await? else {
            return Ok(None);
        };
        check_length(key, out.content_length(), max_bytes)?;
        let small = out
            .content_length()
            .and_then(|n| u64::try_from(n).ok())
            .is_some_and(|n| n <= IN_MEMORY_MAX.min(max_bytes));
        if small {
            let bytes = read_capped(key, out.body, max_bytes).await?;
            return Ok(Some(FileBody::Small(bytes)));
        }
        Ok(Some(FileBody::Large(LargeBody {
            key: key.to_owned(),
            max_bytes,
            reader: Box::new(out.body.into_async_read()),
        })))
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectHead>, SyncError> {
        let answer = self
            .client
            .head_object()
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
            .ok_or_else(|| SyncError::Corrupt(format!("{key} has no Last-Modified time")))?;
        Ok(Some(ObjectHead {
            last_modified_ms,
            size: out
                .content_length()
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0),
            sha256: out
                .metadata()
                .and_then(|m| m.get(SHA256_METADATA))
                .map(|v| v.trim().to_ascii_lowercase()),
        }))
    }

    async fn create(
        &self,
        key: &str,
        body: Body,
        content_type: &str,
        sha256: Option<&str>,
    ) -> Result<Created, SyncError> {
        let stream = match body {
            Body::Bytes(bytes) => ByteStream::from(bytes),
            Body::File(path) => ByteStream::from_path(&path)
                .await
                .map_err(|e| SyncError::Local(format!("{}: {e}", path.display())))?,
        };
        self.create_stream(key, stream, content_type, sha256).await
    }

    async fn replace(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
        if_match: &str,
    ) -> Result<bool, SyncError> {
        let answer = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.full(key))
            .if_match(format!("\"{}\"", plain_etag(if_match)))
            .content_type(content_type)
            .body(ByteStream::from(body))
            .send()
            .await;
        match answer {
            Ok(_) => Ok(true),
            // 412: it changed (or went) since it was read; 409: a concurrent conditional write.
            Err(e) if matches!(status_of(&e), Some(412 | 409)) => Ok(false),
            Err(e) => Err(classify(&e, &self.bucket, true)),
        }
    }

    async fn put(&self, key: &str, body: Vec<u8>, content_type: &str) -> Result<String, SyncError> {
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
    async fn list(&self, sub: &str) -> Result<Vec<Listed>, SyncError> {
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
    async fn delete(&self, key: &str) -> Result<(), SyncError> {
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
    async fn presign_get(&self, key: &str, expires_in: Duration) -> Result<String, SyncError> {
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
