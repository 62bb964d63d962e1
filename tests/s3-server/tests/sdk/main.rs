//! The server driven by aws-sdk-s3 configured the way the app will configure it (explicit config
//! builder, path style, region `auto`, static keys, checksums only when required, bounded retries
//! and timeouts). One test binary, so aws-sdk-s3 is linked once. This file holds the shared
//! harness; each module owns one area.

mod access;
mod faults;
mod objects;
mod process;

use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{
    BehaviorVersion, Builder, Credentials, Region, RequestChecksumCalculation,
    ResponseChecksumValidation,
};
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use s3_test_server::S3Server;

pub const BUCKET: &str = "library";

/// A server on a fresh root with one bucket, [`BUCKET`].
pub struct Harness {
    pub server: S3Server,
    _root: tempfile::TempDir,
}

impl Harness {
    pub async fn start() -> Harness {
        let root = tempfile::tempdir().expect("temp dir");
        let server = S3Server::start(root.path()).await.expect("server starts");
        server.create_bucket(BUCKET).await.expect("bucket");
        Harness {
            server,
            _root: root,
        }
    }

    /// The app's client with the server's read-write keys.
    pub fn client(&self) -> Client {
        client_with(self.config(self.server.access_key(), self.server.secret_key()))
    }

    /// The app's configuration for these keys, to adjust before building.
    pub fn config(&self, access_key: &str, secret_key: &str) -> Builder {
        app_config(self.server.endpoint(), access_key, secret_key)
    }

    pub async fn put(&self, client: &Client, key: &str, body: &[u8]) {
        client
            .put_object()
            .bucket(BUCKET)
            .key(key)
            .body(ByteStream::from(body.to_vec()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("put {key}: {e:?}"));
    }

    pub async fn get(&self, client: &Client, key: &str) -> Vec<u8> {
        let out = client
            .get_object()
            .bucket(BUCKET)
            .key(key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("get {key}: {e:?}"));
        out.body.collect().await.expect("body").to_vec()
    }

    /// Statuses of the logged requests of one operation, in order (`None` = connection reset).
    pub fn statuses(&self, name: &str) -> Vec<Option<u16>> {
        self.server
            .requests()
            .iter()
            .filter(|r| r.name == name)
            .map(|r| r.status)
            .collect()
    }
}

/// The configuration the app's core uses for R2, pointed at `endpoint`. Retries: 3 attempts with a
/// short backoff so the tests stay fast; the app uses longer ones.
pub fn app_config(endpoint: &str, access_key: &str, secret_key: &str) -> Builder {
    Builder::new()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("auto"))
        .credentials_provider(Credentials::new(
            access_key,
            secret_key,
            None,
            None,
            "nanoforge-test",
        ))
        .force_path_style(true)
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(50)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(20))
                .operation_timeout(Duration::from_secs(60))
                .build(),
        )
}

pub fn client_with(config: Builder) -> Client {
    Client::from_conf(config.build())
}

/// HTTP status and S3 error code of a failed call.
pub fn status_and_code<E: ProvideErrorMetadata>(
    err: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> (Option<u16>, Option<String>) {
    (
        err.raw_response().map(|r| r.status().as_u16()),
        err.code().map(str::to_owned),
    )
}
