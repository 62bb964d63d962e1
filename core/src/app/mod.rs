//! [`AppCore`]: the one value the shell and the CLI hold — the device. It owns the configuration,
//! the secret store, the device's profiles and sign-in, the one event stream, and the *current
//! session* behind a swap. Everything per profile is a method of [`Session`]: a caller resolves the
//! session once ([`AppCore::session`]) and does its whole operation on it; switching profiles swaps
//! the session whole and is one more event on the stream.

mod accounts;
mod auto_sync;
mod core;
mod diagnostics;
pub mod events;
mod profiles;
mod session;
mod signin_client;
mod updates;

pub use core::{AppCore, AppInfo, ProfileChoice, WeakAppCore};
pub use events::{CoreEvent, JobEvents, SyncEvent};
pub use profiles::{AccountsState, ProfileSummary};
pub use session::{
    ApiKeyStatus, Catalog, CheckedKey, EditQuote, EditRequest, INPUT_URL_TTL, KeyCheck,
    PriceInEffect, Quote, Session,
};
pub use signin_client::SignInClientStatus;
pub use updates::{
    AvailableUpdate, UpdatePreferences, UpdateProgress, UpdateSettings, validate_update_endpoint,
};
