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
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;

use super::SyncError;
use super::settings::SyncLocation;

/// An object read back.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub body: Vec<u8>,
    /// The server's time of the write, Unix ms (second precision, as HTTP dates are).
    pub last_modified_ms: i64,
}

/// A file written from the bucket.
#[derive(Debug, Clone)]
pub struct Downloaded {
    pub bytes: u64,
    /// Of the bytes written, lowercase hex.
    pub sha256: String,
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

    /// Streams the object at `key` into `dest` (a temporary file the caller renames); `None` if
    /// there is no such object.
    pub async fn download(&self, key: &str, dest: &Path) -> Result<Option<Downloaded>, SyncError> {
        use sha2::{Digest, Sha256};
        use tokio::io::AsyncWriteExt;
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
        let file = tokio::fs::File::create(dest)
            .await
            .map_err(|e| SyncError::Local(e.to_string()))?;
        // Each tokio file write is a trip to the blocking pool: batch the body's small chunks.
        let mut file = tokio::io::BufWriter::with_capacity(1 << 20, file);
        let mut body = out.body;
        let mut written = 0u64;
        // Hashed on the way in, so an original is not read back from disk to be checked.
        let mut hasher = Sha256::new();
        while let Some(chunk) = body
            .try_next()
            .await
            .map_err(|e| SyncError::Interrupted(format!("reading {key}: {e}")))?
        {
            written += chunk.len() as u64;
            hasher.update(&chunk);
            file.write_all(&chunk)
                .await
                .map_err(|e| SyncError::Local(e.to_string()))?;
        }
        file.flush()
            .await
            .map_err(|e| SyncError::Local(e.to_string()))?;
        Ok(Some(Downloaded {
            bytes: written,
            sha256: super::ops::hex(&hasher.finalize()),
        }))
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

fn status_of<E, R>(e: &SdkError<E, R>) -> Option<u16>
where
    R: HasStatus,
{
    e.raw_response().map(HasStatus::status_code)
}

/// The status of the SDK's raw HTTP response (a trait so `status_of` reads plainly).
pub trait HasStatus {
    fn status_code(&self) -> u16;
}

impl HasStatus for aws_sdk_s3::config::http::HttpResponse {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

/// An I/O failure that means the host is not there (as opposed to a connection that broke).
fn cannot_connect(lower_detail: &str) -> bool {
    [
        "connection refused",
        "dns error",
        "failed to lookup",
        "name or service not known",
        "no route to host",
        "network is unreachable",
        "host is unreachable",
    ]
    .iter()
    .any(|w| lower_detail.contains(w))
}

/// What a failed call means for the person fixing it. `writing`: an AccessDenied on a write
/// means the key may only read.
fn classify<E>(
    e: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
    bucket: &str,
    writing: bool,
) -> SyncError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let detail = crate::providers::net::error_chain(e);
    match e {
        SdkError::DispatchFailure(failure) => {
            let lower = detail.to_ascii_lowercase();
            if ["certificate", "tls", "handshake", "unknownissuer"]
                .iter()
                .any(|w| lower.contains(w))
            {
                SyncError::Tls(detail)
            } else if failure.is_user() {
                SyncError::Refused(detail)
            } else if !cannot_connect(&lower) {
                // Reset, broken pipe, "connection closed before message completed" (a pooled
                // connection the server had just closed): the host is there.
                SyncError::Interrupted(detail)
            } else {
                SyncError::Unreachable(detail)
            }
        }
        SdkError::TimeoutError(_) => {
            SyncError::Unreachable(format!("no answer in time ({detail})"))
        }
        SdkError::ConstructionFailure(_) => SyncError::Refused(detail),
        _ => {
            let status = status_of(e).unwrap_or(0);
            let code = e.code().unwrap_or("");
            let message = e.message().unwrap_or("").to_owned();
            let said = if message.is_empty() {
                format!("{status} {code}")
            } else {
                format!("{status} {code}: {message}")
            };
            match code {
                "NoSuchBucket" => SyncError::BucketMissing(bucket.to_owned()),
                "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "InvalidToken" => {
                    SyncError::Credentials(said)
                }
                "RequestTimeTooSkewed" => SyncError::ClockSkew(said),
                "AccessDenied" if writing => SyncError::ReadOnly(said),
                "AccessDenied" => SyncError::Credentials(said),
                _ if status == 403 => SyncError::Credentials(said),
                _ if status == 429 || status >= 500 => SyncError::Server(said),
                _ => SyncError::Refused(said),
            }
        }
    }
}
