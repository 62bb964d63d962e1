//! This installation of Nanoforge, as the job ledger names the one that drives a job: derived from
//! the machine (its `machine-id` where the OS has one, else its host name), never stored in the
//! data folder — a folder copied to another machine must not make that machine drive, and pay
//! for, the same queued jobs (audit L9). It is not the sync device identity, which travels with
//! the library.

use sha2::{Digest, Sha256};

/// Where Linux and the BSDs keep a machine's stable id (systemd, dbus).
const MACHINE_ID_FILES: &[&str] = &["/etc/machine-id", "/var/lib/dbus/machine-id"];

/// This machine's install id: 16 hex digits, the same for the app and the CLI on this machine.
pub fn this_install_id() -> String {
    let machine = MACHINE_ID_FILES
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .or_else(|| sysinfo::System::host_name().ok())
        .unwrap_or_default();
    let digest = Sha256::digest(format!("{}|{machine}", crate::APP_IDENTIFIER));
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_install_id_is_stable_and_short() {
        let id = super::this_install_id();
        assert_eq!(id.len(), 16);
        assert_eq!(id, super::this_install_id());
    }
}
