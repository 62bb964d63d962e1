//! Accounts: who owns the open library. Owns the device's profiles (`profiles`: the signed-out
//! `local` library and one per Google account, each a folder of its own), signing in without a
//! server of ours (`signin`: OpenID Connect with PKCE on a loopback redirect, ID tokens verified
//! in full) and the secret store (`secrets`, `keychain`: keys per profile and purpose, never in
//! plain files).

pub mod keychain;
pub mod profiles;
pub mod secrets;
pub mod signin;

pub use keychain::KeychainStore;
pub use profiles::{
    LOCAL_PROFILE_ID, Profile, ProfileKind, ProfileRegistry, account_profile_id, profile_dir,
    validate_profile_id,
};
pub use secrets::{
    ApiKey, FoundSecret, KeySource, Secret, SecretPurpose, SecretStore, Secrets, SessionStore,
    keychain_account,
};
pub use signin::{
    ClientSource, DEFAULT_SIGN_IN_TIMEOUT, IdentityProvider, OidcConfig, SignInError,
    VerifiedIdentity, normalize_issuer,
};
