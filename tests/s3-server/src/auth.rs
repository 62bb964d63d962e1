//! Who may do what: the two key pairs (read-write and read-only) that s3s verifies SigV4 against,
//! and the access check that runs after a signature is verified. The check also answers
//! NoSuchBucket for a bucket that does not exist, where s3s-fs would create it on a PutObject or
//! answer NoSuchKey to a GetObject.

use std::path::PathBuf;

use s3s::access::{S3Access, S3AccessContext};
use s3s::auth::{S3Auth, SecretKey};
use s3s::{S3Result, s3_error};

/// An access key and its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPair {
    pub access_key: String,
    pub secret_key: String,
}

impl KeyPair {
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        KeyPair {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
        }
    }
}

/// The keys the server accepts.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    pub read_write: KeyPair,
    pub read_only: Option<KeyPair>,
}

impl Keys {
    fn is_read_only(&self, access_key: &str) -> bool {
        self.read_only
            .as_ref()
            .is_some_and(|k| k.access_key == access_key)
    }
}

#[async_trait::async_trait]
impl S3Auth for Keys {
    async fn get_secret_key(&self, access_key: &str) -> S3Result<SecretKey> {
        if self.read_write.access_key == access_key {
            return Ok(SecretKey::from(self.read_write.secret_key.as_str()));
        }
        match &self.read_only {
            Some(k) if k.access_key == access_key => Ok(SecretKey::from(k.secret_key.as_str())),
            // s3s's SimpleAuth says NotSignedUp; S3 and R2 say InvalidAccessKeyId.
            _ => Err(s3_error!(
                InvalidAccessKeyId,
                "The AWS Access Key Id you provided does not exist in our records."
            )),
        }
    }
}

/// Operations that only read: allowed for the read-only key.
fn is_read(op_name: &str) -> bool {
    ["Get", "Head", "List"]
        .iter()
        .any(|prefix| op_name.starts_with(prefix))
}

/// Operations that do not need their bucket to exist. For the others s3s-fs would either create
/// the bucket on the fly (PutObject, multipart) or answer NoSuchKey (GetObject).
fn needs_no_bucket(op_name: &str) -> bool {
    matches!(op_name, "CreateBucket" | "ListBuckets")
}

pub(crate) struct Policy {
    pub keys: Keys,
    pub root: PathBuf,
}

#[async_trait::async_trait]
impl S3Access for Policy {
    async fn check(&self, cx: &mut S3AccessContext<'_>) -> S3Result<()> {
        let Some(credentials) = cx.credentials() else {
            return Err(s3_error!(AccessDenied, "Signature is required"));
        };
        let op = cx.s3_op().name();
        if self.keys.is_read_only(&credentials.access_key) && !is_read(op) {
            return Err(s3_error!(AccessDenied, "Access Denied"));
        }
        if !needs_no_bucket(op)
            && let Some(bucket) = cx.s3_path().get_bucket_name()
            && !tokio::fs::metadata(self.root.join(bucket))
                .await
                .is_ok_and(|m| m.is_dir())
        {
            return Err(s3_error!(
                NoSuchBucket,
                "The specified bucket does not exist"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_get_head_and_list() {
        for op in [
            "GetObject",
            "HeadObject",
            "ListObjectsV2",
            "HeadBucket",
            "ListBuckets",
        ] {
            assert!(is_read(op), "{op}");
        }
        for op in [
            "PutObject",
            "DeleteObject",
            "CopyObject",
            "CreateBucket",
            "DeleteObjects",
        ] {
            assert!(!is_read(op), "{op}");
        }
    }
}
