//! `nanoforge sync …`: sync the profile's library with its bucket now, show where sync stands,
//! and set it up (the secret access key is read from stdin and kept in the keychain). See
//! `shared/notes/cli.md` for the output contract. A pull that would delete most of the library
//! forever ends in exit 2 naming the device and the count; `sync --yes` applies those deletions.

use std::io::{IsTerminal, Read};

use nanoforge_core::Session;
use nanoforge_core::library::replica::PendingApplied;
use nanoforge_core::sync::{PendingDeletions, SyncSetup, SyncStatus};
use serde_json::json;

use crate::Failure;
use crate::args::SyncAction;
use crate::output::{self, to_json};

pub async fn run(
    session: &Session,
    action: Option<SyncAction>,
    yes: bool,
    json: bool,
) -> Result<(), Failure> {
    match action {
        None => sync_now(session, yes, json).await,
        Some(SyncAction::Status { json }) => status(session, json).await,
        Some(SyncAction::Setup {
            endpoint,
            bucket,
            region,
            prefix,
            access_key_id,
            originals_on_demand,
        }) => {
            let settings = SyncSetup {
                endpoint,
                bucket,
                region,
                prefix: prefix.unwrap_or_default(),
                access_key_id,
                keep_originals: !originals_on_demand,
                ..SyncSetup::default()
            };
            setup(session, settings).await
        }
    }
}

/// Syncs now. Deletions forever from another device that would empty most of the library are
/// held back: exit 2 naming the device and the count, until `sync --yes` applies them (those held
/// by earlier syncs first, then any this one held).
async fn sync_now(session: &Session, yes: bool, json: bool) -> Result<(), Failure> {
    let mut applied = PendingApplied::default();
    if yes {
        add(&mut applied, session.apply_pending_deletions().await?);
    }
    let mut report = session.sync_now().await?;
    if yes && report.pending_deletions.is_some() {
        add(&mut applied, session.apply_pending_deletions().await?);
        report.pending_deletions = None;
    }
    if report.claimed_library {
        eprintln!(
            "This bucket library had no owner (made by an older Nanoforge): it now belongs to this profile's account."
        );
    }
    if json {
        println!(
            "{}",
            to_json(&json!({
                "uploaded_blobs": report.uploaded_files,
                "downloaded_blobs": report.downloaded_files,
                "deleted_blobs": report.deleted_files,
                "ops_pushed": report.ops_pushed,
                "ops_pulled": report.ops_pulled,
                "new_images": report.new_images,
                "files_left": report.files_left,
                "duration_ms": report.duration_ms.round(),
                "pending_deletions": report.pending_deletions.as_ref().map(deletions_json),
                "deletions_applied": applied.deleted,
                "deletions_kept_in_trash": applied.kept,
                "claimed_library": report.claimed_library,
            }))?
        );
    } else {
        println!(
            "Synced in {:.1} s: {} changes sent, {} received; {} files uploaded, {} downloaded.",
            report.duration_ms / 1000.0,
            report.ops_pushed,
            report.ops_pulled,
            report.uploaded_files,
            report.downloaded_files
        );
        if applied.deleted.saturating_add(applied.kept) > 0 {
            println!(
                "Applied {} deletions from other devices ({} kept in the Trash: their original was only here).",
                applied.deleted.saturating_add(applied.kept),
                applied.kept
            );
        }
        if report.files_left > 0 {
            eprintln!(
                "{} files are still waiting (another device has not uploaded them yet, or a transfer failed); the next sync tries again.",
                report.files_left
            );
        }
    }
    match &report.pending_deletions {
        Some(pending) => Err(Failure::usage(format!(
            "{} — run `nanoforge sync --yes` to apply",
            deletions_line(pending)
        ))),
        None => Ok(()),
    }
}

fn add(total: &mut PendingApplied, more: PendingApplied) {
    total.deleted = total.deleted.saturating_add(more.deleted);
    total.kept = total.kept.saturating_add(more.kept);
}

/// "Device X deleted 240 of 250 images forever".
fn deletions_line(pending: &PendingDeletions) -> String {
    let names: Vec<&str> = pending
        .devices
        .iter()
        .map(|d| d.name.as_deref().unwrap_or(&d.device_id))
        .collect();
    let who = match names.as_slice() {
        [one] => format!("Device {one}"),
        [rest @ .., last] => format!("Devices {} and {last}", rest.join(", ")),
        [] => "Another device".to_owned(),
    };
    format!(
        "{who} deleted {} of {} images forever",
        pending.count, pending.library_size
    )
}

fn deletions_json(pending: &PendingDeletions) -> serde_json::Value {
    json!({
        "count": pending.count,
        "library_size": pending.library_size,
        "devices": pending.devices.iter().map(|d| json!({
            "id": d.device_id,
            "name": d.name,
            "count": d.count,
        })).collect::<Vec<_>>(),
    })
}

async fn status(session: &Session, json: bool) -> Result<(), Failure> {
    let status = session.sync_status().await?;
    if json {
        println!("{}", to_json(&status_json(&status))?);
        return Ok(());
    }
    if !status.configured {
        println!("Sync is not set up. Run `nanoforge sync setup --help`.");
        return Ok(());
    }
    println!(
        "Syncing to {} bucket {} at {}",
        status.endpoint.as_deref().unwrap_or_default(),
        status.bucket.as_deref().unwrap_or_default(),
        status.prefix.as_deref().unwrap_or_default()
    );
    match status.last_sync_ms {
        Some(ms) => println!("Last sync: {}", ago(ms)),
        None => println!("Last sync: never"),
    }
    println!(
        "Waiting: {} to send, {} to fetch",
        status.pending_uploads, status.pending_downloads
    );
    if let Some(pending) = &status.pending_deletions {
        println!(
            "Waiting for confirmation: {} (`nanoforge sync --yes` applies them)",
            output::sanitize(&deletions_line(pending))
        );
    }
    for device in &status.devices {
        println!(
            "Device {} ({}, {})",
            device.name.as_deref().unwrap_or(&device.id),
            device.platform.as_deref().unwrap_or("unknown"),
            device
                .last_seen_ms
                .map(ago)
                .unwrap_or_else(|| "never".into())
        );
    }
    Ok(())
}

fn status_json(status: &SyncStatus) -> serde_json::Value {
    json!({
        "configured": status.configured,
        "endpoint": status.endpoint,
        "bucket": status.bucket,
        "prefix": status.prefix,
        "device_id": status.device_id,
        "last_sync_ms": status.last_sync_ms,
        "pending_uploads": status.pending_uploads,
        "pending_downloads": status.pending_downloads,
        "devices": status.devices.iter().map(|d| json!({
            "id": d.id,
            "name": d.name,
            "platform": d.platform,
            "last_seen_ms": d.last_seen_ms,
        })).collect::<Vec<_>>(),
        "pending_deletions": status.pending_deletions.as_ref().map(deletions_json),
    })
}

/// Checks the location with the secret from stdin (or the environment), then saves both.
async fn setup(session: &Session, settings: SyncSetup) -> Result<(), Failure> {
    let secret =
        read_secret_from_stdin("the secret access key on stdin, e.g. `sync setup … < key.txt`")?;
    if secret.is_none() && std::env::var_os("NANOFORGE_SYNC_SECRET_ACCESS_KEY").is_none() {
        return Err(Failure::usage(
            "give the secret access key on stdin (or set NANOFORGE_SYNC_SECRET_ACCESS_KEY)",
        ));
    }
    session
        .test_sync_connection(settings.clone(), secret.clone())
        .await?;
    let status = session.update_sync_setup(settings, secret).await?;
    println!(
        "Sync set up: {} bucket {} at {}. Run `nanoforge sync` to sync now.",
        status.endpoint.as_deref().unwrap_or_default(),
        status.bucket.as_deref().unwrap_or_default(),
        status.prefix.as_deref().unwrap_or_default()
    );
    Ok(())
}

/// A secret piped on stdin (first line); `None` from a terminal or empty input. `hint` says how
/// to pipe it ("the secret access key … `sync setup … < key.txt`").
pub(crate) fn read_secret_from_stdin(hint: &str) -> Result<Option<String>, Failure> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("nanoforge: pipe {hint}");
        return Ok(None);
    }
    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .map_err(|e| Failure::line(format!("could not read the secret from stdin: {e}")))?;
    Ok(text
        .lines()
        .next()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned))
}

/// "5 min ago" for a Unix-ms time.
fn ago(ms: f64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as f64)
        .unwrap_or(ms);
    let secs = ((now - ms) / 1000.0).max(0.0) as u64;
    match secs {
        0..60 => "just now".into(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}
