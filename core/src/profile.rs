//! Profiles: each one owns a whole library folder (`<data_dir>/profiles/<id>/`) with its own
//! database and image files. Isolation is by construction: a `Library` handle only ever sees one
//! profile's folder, so no query can read another profile's rows or files. Google accounts arrive as
//! further profiles later; the local profile exists from the first start.

use std::path::{Path, PathBuf};

use crate::{CoreError, Result};

pub const LOCAL_PROFILE_ID: &str = "local";

/// Folder of one profile's library, relative to nothing: callers pass the data dir.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    Local,
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
}
