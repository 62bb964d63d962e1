//! Profiles on this device: the signed-out `local` profile (always there) and one per Google account
//! that signed in here. Each owns a whole library folder (`<data_dir>/profiles/<id>/`) with its own
//! database and files, so isolation is by construction: a `Library` handle only ever sees one
//! profile's folder.
//!
//! The device's list of profiles and the current one (shared by the app and the CLI) live in
//! `<data_dir>/profiles.json`, written atomically under a file lock. An account is keyed on its
//! issuer and subject, never on its email; no token of the identity provider is kept.
//!
//! Without a server this is a label and a convenience, not a security boundary: anyone using the
//! same OS account can open any profile's files. Isolation means separate folders, separate secrets
//! and a UI that never shows one profile's data while another is open.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{CoreError, Result};

pub const LOCAL_PROFILE_ID: &str = "local";
const REGISTRY_FILE: &str = "profiles.json";
const REGISTRY_LOCK: &str = "profiles.lock";
const FORMAT_VERSION: u32 = 1;

/// Folder of one profile's library under the data dir.
pub fn profile_dir(data_dir: &Path, profile_id: &str) -> Result<PathBuf> {
    validate_profile_id(profile_id)?;
    Ok(data_dir.join("profiles").join(profile_id))
}

/// Profile ids become folder names, so only a safe alphabet is accepted.
pub fn validate_profile_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(CoreError::InvalidInput(format!(
            "invalid profile id {id:?}"
        )))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// The signed-out library of this device.
    Local,
    /// A Google account (any account of the configured OpenID provider).
    Google,
}

impl ProfileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileKind::Local => "local",
            ProfileKind::Google => "google",
        }
    }
}

/// The profile id of an account: `g-` and 24 hex digits of SHA-256(issuer | subject). The same
/// account always gets the same folder; a new account with the same email gets another.
pub fn account_profile_id(issuer: &str, subject: &str) -> String {
    let digest = Sha256::digest(format!(
        "{}|{subject}",
        super::signin::normalize_issuer(issuer)
    ));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("g-{}", &hex[..24])
}

/// One profile as the device knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    pub kind: ProfileKind,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    pub last_used_at: i64,
}

impl Profile {
    pub fn local() -> Self {
        Self::new(LOCAL_PROFILE_ID, ProfileKind::Local)
    }

    /// A profile with only an id and a kind (the rest unknown).
    pub fn new(id: &str, kind: ProfileKind) -> Self {
        Profile {
            id: id.to_owned(),
            kind,
            issuer: None,
            subject: None,
            email: None,
            email_verified: None,
            name: None,
            created_at: 0,
            last_used_at: 0,
        }
    }

    /// What to call the profile: the name, else the email, else "Local library".
    pub fn display_name(&self) -> String {
        match self.kind {
            ProfileKind::Local => "Local library".to_owned(),
            ProfileKind::Google => self
                .name
                .clone()
                .or_else(|| self.email.clone())
                .unwrap_or_else(|| self.id.clone()),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct RegistryDoc {
    #[serde(default)]
    version: u32,
    #[serde(default)]
    current: Option<String>,
    /// Accounts only; `local` is implied.
    #[serde(default)]
    profiles: Vec<Profile>,
}

/// The device's profiles (`profiles.json`). Reads are cheap; every change is a locked
/// read-modify-write, so the app and a CLI never lose each other's updates.
#[derive(Debug, Clone)]
pub struct ProfileRegistry {
    data_dir: PathBuf,
}

impl ProfileRegistry {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
        }
    }

    /// Every profile, `local` first, then accounts in the order they signed in.
    pub fn list(&self) -> Result<Vec<Profile>> {
        let doc = self.read()?;
        let mut all = vec![Profile::local()];
        all.extend(doc.profiles);
        Ok(all)
    }

    pub fn get(&self, id: &str) -> Result<Option<Profile>> {
        validate_profile_id(id)?;
        Ok(self.list()?.into_iter().find(|p| p.id == id))
    }

    /// The current profile's id; `local` when none was chosen or the chosen one is gone.
    pub fn current_id(&self) -> Result<String> {
        let doc = self.read()?;
        Ok(match doc.current {
            Some(id) if id == LOCAL_PROFILE_ID || doc.profiles.iter().any(|p| p.id == id) => id,
            _ => LOCAL_PROFILE_ID.to_owned(),
        })
    }

    /// Makes `id` current and stamps its last use; `NotFound` (and no change) for an unknown id.
    pub fn set_current(&self, id: &str, now: i64) -> Result<Profile> {
        validate_profile_id(id)?;
        self.update(|doc| {
            let profile = if id == LOCAL_PROFILE_ID {
                Profile::local()
            } else {
                let found = doc.profiles.iter_mut().find(|p| p.id == id);
                let profile = found.ok_or_else(|| CoreError::NotFound(format!("profile {id}")))?;
                profile.last_used_at = now;
                profile.clone()
            };
            doc.current = Some(id.to_owned());
            Ok(profile)
        })
    }

    /// Adds an account, or refreshes its email and name if it is already here (same issuer and
    /// subject, same id). Does not change the current profile.
    pub fn upsert_account(&self, profile: Profile) -> Result<Profile> {
        validate_profile_id(&profile.id)?;
        if profile.kind != ProfileKind::Google || profile.id == LOCAL_PROFILE_ID {
            return Err(CoreError::InvalidInput("only accounts can be added".into()));
        }
        self.update(
            |doc| match doc.profiles.iter_mut().find(|p| p.id == profile.id) {
                Some(existing) => {
                    existing.email = profile.email.clone();
                    existing.email_verified = profile.email_verified;
                    existing.name = profile.name.clone();
                    existing.last_used_at = profile.last_used_at;
                    Ok(existing.clone())
                }
                None => {
                    doc.profiles.push(profile.clone());
                    Ok(profile)
                }
            },
        )
    }

    /// Forgets an account (its folder and secrets are the caller's to delete). Removing the
    /// current one makes `local` current. `local` cannot be removed.
    pub fn remove(&self, id: &str) -> Result<()> {
        validate_profile_id(id)?;
        if id == LOCAL_PROFILE_ID {
            return Err(CoreError::InvalidInput(
                "the local library cannot be removed".into(),
            ));
        }
        self.update(|doc| {
            let before = doc.profiles.len();
            doc.profiles.retain(|p| p.id != id);
            if doc.profiles.len() == before {
                return Err(CoreError::NotFound(format!("profile {id}")));
            }
            if doc.current.as_deref() == Some(id) {
                doc.current = Some(LOCAL_PROFILE_ID.to_owned());
            }
            Ok(())
        })
    }

    fn path(&self) -> PathBuf {
        self.data_dir.join(REGISTRY_FILE)
    }

    /// The document; a missing file is an empty registry. A file that does not parse is set
    /// aside (renamed, not deleted) and reads as empty: the libraries themselves are untouched
    /// and an account reappears, with the same folder, when it signs in again.
    fn read(&self) -> Result<RegistryDoc> {
        let path = self.path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(RegistryDoc::default()),
            Err(e) => return Err(e.into()),
        };
        match serde_json::from_str::<RegistryDoc>(&text) {
            Ok(doc) if doc.version <= FORMAT_VERSION => Ok(doc),
            Ok(doc) => Err(CoreError::Config(format!(
                "{} was written by a newer Nanoforge (format {}): update Nanoforge",
                path.display(),
                doc.version
            ))),
            Err(e) => {
                let aside =
                    path.with_extension(format!("json.unreadable-{}", crate::clock::now_ms()));
                tracing::warn!(error = %e, aside = %aside.display(), "the profile list is unreadable; setting it aside");
                let _ = std::fs::rename(&path, &aside);
                Ok(RegistryDoc::default())
            }
        }
    }

    fn update<T>(&self, change: impl FnOnce(&mut RegistryDoc) -> Result<T>) -> Result<T> {
        crate::private_fs::create_dir_all(&self.data_dir)?;
        let lock = crate::private_fs::open_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.data_dir.join(REGISTRY_LOCK))?;
        lock.lock()?;
        let result = (|| {
            let mut doc = self.read()?;
            let out = change(&mut doc)?;
            doc.version = FORMAT_VERSION;
            write_atomically(&self.path(), &doc)?;
            Ok(out)
        })();
        let _ = lock.unlock();
        result
    }
}

/// Temp file, fsync, rename over, fsync the folder: a crash leaves the old or the new file. The
/// temp file is 0600 on Unix (tempfile's default), and the rename keeps that.
fn write_atomically(path: &Path, doc: &RegistryDoc) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| CoreError::Internal("the profile list has no folder".into()))?;
    let json = serde_json::to_vec_pretty(doc)
        .map_err(|e| CoreError::Internal(format!("the profile list could not be encoded: {e}")))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&json)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| CoreError::Io(e.error))?;
    crate::private_fs::sync_dir(dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_ids_cannot_escape_the_profiles_folder() {
        for bad in ["", "..", "../x", "a/b", "a\\b", "é"] {
            assert!(
                profile_dir(Path::new("/d"), bad).is_err(),
                "{bad:?} accepted"
            );
        }
        assert_eq!(
            profile_dir(Path::new("/d"), "local").unwrap(),
            Path::new("/d/profiles/local")
        );
    }

    #[test]
    fn one_account_one_id_whichever_google_issuer_spelling() {
        let a = account_profile_id("https://accounts.google.com", "1234");
        assert_eq!(a, account_profile_id("accounts.google.com", "1234"));
        assert_ne!(
            a,
            account_profile_id("https://accounts.google.com", "12345")
        );
        assert!(a.starts_with("g-") && a.len() == 26);
        validate_profile_id(&a).unwrap();
    }

    #[test]
    fn the_registry_survives_updates_and_sets_aside_a_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        let registry = ProfileRegistry::new(dir.path());
        assert_eq!(registry.current_id().unwrap(), "local");
        let mut bob = Profile::local();
        bob.id = account_profile_id("https://issuer.test", "bob");
        bob.kind = ProfileKind::Google;
        bob.email = Some("bob@example.test".into());
        registry.upsert_account(bob.clone()).unwrap();
        assert!(registry.set_current("g-unknown", 1).is_err());
        assert_eq!(registry.current_id().unwrap(), "local");
        registry.set_current(&bob.id, 5).unwrap();
        assert_eq!(registry.current_id().unwrap(), bob.id);
        assert_eq!(registry.list().unwrap().len(), 2);
        registry.remove(&bob.id).unwrap();
        assert_eq!(registry.current_id().unwrap(), "local");
        assert!(registry.remove("local").is_err());

        std::fs::write(dir.path().join(REGISTRY_FILE), b"{not json").unwrap();
        assert_eq!(registry.list().unwrap().len(), 1);
        let aside = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("unreadable"))
            .count();
        assert_eq!(aside, 1, "the damaged file is kept aside");
    }
}
