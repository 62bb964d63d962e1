//! What a failed S3 call means for the person fixing it: credentials, a missing bucket, a key
//! that may only read, clock skew, TLS, a host that is not there, or a connection that broke.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

use crate::sync::SyncError;

pub(super) fn status_of<E, R>(e: &SdkError<E, R>) -> Option<u16>
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
pub(super) fn classify<E>(
    e: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
    bucket: &str,
    writing: bool,
) -> SyncError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let detail = crate::net::error_chain(e);
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
