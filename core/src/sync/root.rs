//! `library.json`, the bucket's root object of one library: its format, its id and its owner. The
//! first device creates it (`If-None-Match: *`; two first devices racing: one creates, the other
//! gets a 412 and adopts it). The owner is the account whose profile made it (the hash of the
//! account's issuer and subject, as profile ids are made), or `local` for a signed-out library: a
//! profile of another account is refused before anything is read or written, so two accounts'
//! libraries can never merge. A library made before owners existed has none: the first profile
//! that syncs it claims it, once, by rewriting the object only if it is unchanged (`If-Match`).
//!
//! Older versions read this object with serde's default rules, which ignore fields they do not
//! know, so the added `owner` keeps the format (and `FORMAT`) unchanged for them.

use serde::{Deserialize, Serialize};

use super::SyncError;
use super::engine::{LIBRARY_KEY, MAX_SMALL_OBJECT, Syncer};
use super::ops::FORMAT;
use super::store::{Body, Created};
use crate::{CoreError, Result};

/// The bucket's root object for one library.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct LibraryRoot {
    pub format: u32,
    pub library_id: String,
    pub created_ms: i64,
    /// The account the library belongs to; absent in libraries made before owners existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// What the preflight found out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Preflight {
    /// This profile claimed a library that had no owner.
    pub claimed: bool,
}

/// How many times `library.json` is read (and created or claimed) against concurrent writers
/// before giving up.
const CLAIM_TRIES: u32 = 4;

impl Syncer {
    /// Makes sure the bucket holds this library and that it is this profile's account's: adopts
    /// its `library.json`, creates it, or claims it. Known locations whose owner was verified are
    /// not read again.
    pub(super) async fn preflight(&self) -> Result<Preflight> {
        let device = self.replica().device().await?;
        let label = self.location().label();
        let owner = self.owner();
        if device.location.as_deref() == Some(label.as_str())
            && device.library_id.is_some()
            && device.owner.as_deref() == Some(owner)
        {
            return Ok(Preflight::default());
        }
        let mut found = Preflight::default();
        let mut tries = 0;
        let root = loop {
            // Each round reads what another device or profile wrote meanwhile; a few are plenty.
            tries += 1;
            if tries > CLAIM_TRIES {
                return Err(SyncError::Corrupt(
                    "library.json keeps changing while this device reads it".into(),
                )
                .into());
            }
            let (root, etag) = match self.read_root().await? {
                Some(read) => read,
                None => match self.create_root().await? {
                    Some(fresh) => break fresh,
                    None => continue,
                },
            };
            match root.owner.as_deref() {
                Some(theirs) if theirs == owner => break root,
                Some(theirs) => {
                    return Err(SyncError::OtherAccount {
                        prefix: self.location().prefix.clone(),
                        owner: theirs.to_owned(),
                    }
                    .into());
                }
                None => {
                    let claimed = LibraryRoot {
                        owner: Some(owner.to_owned()),
                        ..root
                    };
                    if self
                        .store()
                        .replace(LIBRARY_KEY, to_json(&claimed)?, JSON, &etag)
                        .await?
                    {
                        tracing::info!(
                            owner,
                            prefix = %self.location().prefix,
                            "this library had no owner (made by an older Nanoforge): claimed for this account"
                        );
                        found.claimed = true;
                        break claimed;
                    }
                    // Changed meanwhile (another profile claimed it?): read it again.
                }
            }
        };
        let moved = device.location.is_some() || device.library_id.is_some();
        let same = device.location.as_deref() == Some(label.as_str())
            && device.library_id.as_deref() == Some(root.library_id.as_str());
        if moved && !same {
            // Another bucket or prefix (or a library recreated there): this device starts its log
            // over and sends everything it has.
            self.replica().start_over().await?;
        }
        self.replica()
            .set_location(&root.library_id, &label, owner)
            .await?;
        Ok(found)
    }

    /// A new `library.json` owned by this profile's account; `None` when another device created
    /// one first (read it then).
    async fn create_root(&self) -> Result<Option<LibraryRoot>> {
        let fresh = LibraryRoot {
            format: FORMAT,
            library_id: uuid::Uuid::new_v4().to_string(),
            created_ms: crate::clock::now_ms(),
            owner: Some(self.owner().to_owned()),
        };
        let created = self
            .store()
            .create(LIBRARY_KEY, Body::Bytes(to_json(&fresh)?), JSON, None)
            .await?;
        Ok((created == Created::Now).then_some(fresh))
    }

    /// `library.json` and its ETag, if there is one.
    pub(super) async fn read_root(&self) -> Result<Option<(LibraryRoot, String)>> {
        let Some(found) = self.store().get(LIBRARY_KEY, MAX_SMALL_OBJECT).await? else {
            return Ok(None);
        };
        let root: LibraryRoot = serde_json::from_slice(&found.body)
            .map_err(|e| SyncError::Corrupt(format!("library.json: {e}")))?;
        if root.format > FORMAT {
            return Err(SyncError::FormatTooNew(root.format).into());
        }
        Ok(Some((root, found.etag)))
    }
}

const JSON: &str = "application/json";

fn to_json(root: &LibraryRoot) -> Result<Vec<u8>> {
    serde_json::to_vec(root).map_err(|e| CoreError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `library.json` as versions before owners read it.
    #[derive(Deserialize)]
    struct OldRoot {
        format: u32,
        library_id: String,
    }

    #[test]
    fn older_versions_read_a_root_with_an_owner_and_an_unowned_root_reads_here() {
        let owned = LibraryRoot {
            format: FORMAT,
            library_id: "lib".into(),
            created_ms: 1,
            owner: Some("g-abc".into()),
        };
        let old: OldRoot = serde_json::from_slice(&to_json(&owned).unwrap()).unwrap();
        assert_eq!((old.format, old.library_id.as_str()), (FORMAT, "lib"));
        let unowned: LibraryRoot =
            serde_json::from_str(r#"{"format":1,"library_id":"lib","created_ms":0}"#).unwrap();
        assert_eq!(unowned.owner, None);
        assert!(
            !String::from_utf8(to_json(&unowned).unwrap())
                .unwrap()
                .contains("owner")
        );
    }
}
