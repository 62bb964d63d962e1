//! The device's profiles as the UI shows them: one profile, and everything the account menu and the
//! Login view need.

use serde::Serialize;

use crate::accounts::{Profile, ProfileKind};

/// A profile as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProfileSummary {
    pub id: String,
    pub kind: ProfileKind,
    pub display_name: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub email_verified: Option<bool>,
    pub current: bool,
}

impl ProfileSummary {
    pub fn of(profile: &Profile, current: bool) -> Self {
        Self {
            id: profile.id.clone(),
            kind: profile.kind,
            display_name: profile.display_name(),
            email: profile.email.clone(),
            name: profile.name.clone(),
            issuer: profile.issuer.clone(),
            email_verified: profile.email_verified,
            current,
        }
    }
}

/// Everything the account menu and the Login view need.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AccountsState {
    pub current: ProfileSummary,
    /// `local` first, then accounts.
    pub profiles: Vec<ProfileSummary>,
    /// Whether this build has a sign-in client configured; when not, the Login view says so.
    pub sign_in_configured: bool,
    /// The identity provider, e.g. `https://accounts.google.com`.
    pub issuer: String,
}
