//! Audit L16: what Nanoforge writes under its data folder is the user's alone on Unix: folders
//! 0700, files 0600, whatever the umask. Checked on real files after a real generation against the
//! fake service (submit, poll, download into staging, ingest, thumbnails, the database and its
//! WAL), an imported input, the profile list and the log; and libraries written before are narrowed.
#![cfg(unix)]

use crate::library_support;
use crate::queue_support;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use nanoforge_core::accounts::{Profile, ProfileKind, ProfileRegistry};
use nanoforge_core::library::{DATABASE_FILE, Library};
use nanoforge_core::providers::Model;
use nanoforge_core::{AppCore, ProfileChoice, logging};
use queue_support::{config_for, events_of, request, secrets_with_key, setup, stage_names};

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

/// Every folder and file under `root` (root included), depth first.
fn tree(root: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (mut dirs, mut files) = (vec![root.to_path_buf()], Vec::new());
    let mut i = 0;
    while i < dirs.len() {
        for entry in std::fs::read_dir(&dirs[i]).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                dirs.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
        i += 1;
    }
    (dirs, files)
}

#[tokio::test]
async fn nothing_under_the_data_folder_is_readable_by_others() {
    let s = setup().await;
    // A folder the core makes itself (the temp dir tempfile made is 0700 already).
    let data = s.dir.path().join("nanoforge");
    let core = AppCore::open_with(
        config_for(&s.server, &data),
        secrets_with_key(&s.server.api_key()),
        ProfileChoice::Current,
    )
    .await
    .unwrap();
    let mut events = core.job_events();
    let jobs = core
        .session()
        .generate(
            request("a private lighthouse", Model::NanoBanana2),
            Default::default(),
        )
        .await
        .unwrap();
    let stages = events_of(&mut events, &jobs[0].id).await;
    assert_eq!(stage_names(&stages).last(), Some(&"done"), "{stages:?}");

    let input = s.dir.path().join("input.png");
    std::fs::write(&input, library_support::png_bytes(40, 30, 9)).unwrap();
    core.session().import_input_image(&input).await.unwrap();
    ProfileRegistry::new(&data)
        .upsert_account(Profile::new("g-alice", ProfileKind::Google))
        .unwrap();
    let mut log = logging::capped_writer(&data).unwrap();
    writeln!(log, "a line").unwrap();
    log.flush().unwrap();

    let (dirs, files) = tree(&data);
    let profile = data.join("profiles/local");
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(&data).unwrap().display().to_string())
        .collect();
    for expected in [
        "profiles.json",
        "profiles.lock",
        "logs/nanoforge.log",
        "profiles/local/library.sqlite",
        "profiles/local/library.sqlite-wal",
        "profiles/local/library.sqlite-shm",
        "profiles/local/library.migrate.lock",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    let count = |sub: &str| {
        files
            .iter()
            .filter(|f| f.starts_with(profile.join(sub)))
            .count()
    };
    assert_eq!(count("images"), 2, "the result and the input: {names:?}");
    assert_eq!(count("thumbs"), 4, "two sizes each: {names:?}");
    assert!(
        dirs.contains(&profile.join("downloads")),
        "staging was used"
    );

    for dir in &dirs {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
    }
    for file in &files {
        assert_eq!(
            mode(file) & 0o077,
            0,
            "{} is {:o}",
            file.display(),
            mode(file)
        );
    }
    core.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_library_written_before_is_narrowed_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path(), &Profile::local()).await.unwrap();
    let db = lib.root().join(DATABASE_FILE);
    lib.close().await;
    let log = {
        drop(logging::capped_writer(dir.path()).unwrap());
        dir.path().join("logs/nanoforge.log")
    };
    // What an older Nanoforge left with a 022 umask.
    for file in [&db, &log] {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    let lib = Library::open(dir.path(), &Profile::local()).await.unwrap();
    assert_eq!(lib.job_count().await.unwrap(), 0, "still a working library");
    drop(logging::capped_writer(dir.path()).unwrap());
    // SQLite makes -wal and -shm with the database file's mode: narrowed first, they are private.
    let side = |suffix: &str| lib.root().join(format!("{DATABASE_FILE}{suffix}"));
    for file in [db.clone(), side("-wal"), side("-shm"), log] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    lib.close().await;
}
