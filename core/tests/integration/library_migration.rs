//! Upgrading a library made by the previous release: the rebuild of `jobs` for the recoverable
//! status keeps every row id (the full-text index is keyed on them), turns paid jobs that failed on
//! our side into recoverable ones, and recomputes the aggregates.

use std::path::Path;

use nanoforge_core::accounts::Profile;
use nanoforge_core::library::{JobQuery, JobStatus, Library};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

const MIGRATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");

/// A library at the previous schema (migrations 0001–0003 only), with rows as that release wrote.
async fn old_library(root: &Path) {
    std::fs::create_dir_all(root).unwrap();
    let old = tempfile::tempdir().unwrap();
    for name in [
        "0001_library.sql",
        "0002_job_queue.sql",
        "0003_settings.sql",
    ] {
        std::fs::copy(Path::new(MIGRATIONS).join(name), old.path().join(name)).unwrap();
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(root.join("library.sqlite"))
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    sqlx::migrate::Migrator::new(old.path())
        .await
        .unwrap()
        .run(&mut conn)
        .await
        .unwrap();
    let rows = [
        // id, prompt, status, error_kind, task id, cost, size, attempts
        (
            "j1",
            "an old completed lighthouse",
            "COMPLETED",
            None,
            Some("t1"),
            0.0125,
            1024,
            1,
        ),
        (
            "j2",
            "a paid fox that timed out",
            "FAILED",
            Some("timeout"),
            Some("t2"),
            0.0,
            768,
            1,
        ),
        (
            "j3",
            "a flagged prompt",
            "FAILED",
            Some("generation_failed"),
            Some("t3"),
            0.0,
            1024,
            1,
        ),
        (
            "j4",
            "a submit cut short",
            "FAILED",
            Some("interrupted"),
            None,
            0.0,
            512,
            1,
        ),
        ("j5", "a demo owl", "COMPLETED", None, None, 0.0, 512, 1),
    ];
    sqlx::query("INSERT INTO profiles (id, kind, display_name, created_at) VALUES ('local', 'local', 'Local profile', 0)")
        .execute(&mut conn)
        .await
        .unwrap();
    for (i, (id, prompt, status, kind, task, cost, size, attempts)) in rows.into_iter().enumerate()
    {
        let provider = if id == "j5" { "demo" } else { "nanobanana" };
        // Row ids with gaps, as deletes leave them.
        sqlx::query(
            "INSERT INTO jobs (rowid, id, profile_id, prompt, task_type, provider, model, image_size,
                status, error_kind, remote_task_id, cost, attempts, created_at, updated_at)
             VALUES (?, ?, 'local', ?, 'TEXT_TO_IMAGE', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(10 * (i as i64 + 1))
        .bind(id)
        .bind(prompt)
        .bind(provider)
        .bind(if provider == "demo" { "demo" } else { "nano-banana" })
        .bind(size)
        .bind(status)
        .bind(kind)
        .bind(task)
        .bind(cost)
        .bind(attempts)
        .bind(1_700_000_000_000_i64 + i as i64)
        .bind(1_700_000_000_000_i64)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    conn.close().await.unwrap();
}

#[tokio::test]
async fn the_upgrade_keeps_row_ids_search_and_makes_paid_failures_recoverable() {
    let dir = tempfile::tempdir().unwrap();
    old_library(&dir.path().join("profiles/local")).await;
    let lib = Library::open(dir.path(), &Profile::local()).await.unwrap();

    let ids: Vec<(i64, String)> = sqlx::query_as("SELECT rowid, id FROM jobs ORDER BY rowid")
        .fetch_all(lib.pool())
        .await
        .unwrap();
    assert_eq!(
        ids.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
        [10, 20, 30, 40, 50],
        "row ids kept"
    );
    for (word, id) in [("lighthouse", "j1"), ("fox", "j2"), ("owl", "j5")] {
        let found = lib
            .list_jobs(&JobQuery {
                search: Some(word.into()),
                ..JobQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(
            found
                .items
                .iter()
                .map(|j| j.id.as_str())
                .collect::<Vec<_>>(),
            [id],
            "{word}"
        );
    }
    let job = |id: &'static str| {
        let lib = lib.clone();
        async move { lib.get_job(id).await.unwrap() }
    };
    let fox = job("j2").await;
    assert_eq!(
        fox.status,
        JobStatus::Recoverable,
        "a paid job that timed out on our side"
    );
    assert!(fox.may_be_charged);
    assert_eq!(fox.estimated_cost, 0.010, "the old 768 px price");
    assert_eq!(
        job("j3").await.status,
        JobStatus::Failed,
        "the service's own failure stays"
    );
    let cut = job("j4").await;
    assert_eq!((cut.status, cut.may_be_charged), (JobStatus::Failed, true));
    assert!(!job("j5").await.may_be_charged, "demo jobs cost nothing");

    let stats = lib.stats(&Default::default()).await.unwrap();
    assert_eq!(stats.totals.jobs, 5);
    assert_eq!(stats.totals.total_cost, 0.0125);
    assert_eq!(stats.totals.recoverable_jobs, 1);
    // j2 (768 px → $0.010), j3 ($0.0125, a flag-3 failure may be billed) and j4 ($0.005).
    assert!(
        (stats.totals.possible_cost - 0.0275).abs() < 1e-9,
        "{}",
        stats.totals.possible_cost
    );

    // New rows keep working with the new triggers.
    sqlx::query("UPDATE jobs SET prompt = 'a renamed fox' WHERE id = 'j2'")
        .execute(lib.pool())
        .await
        .unwrap();
    let renamed = lib
        .list_jobs(&JobQuery {
            search: Some("renamed".into()),
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(renamed.items.len(), 1);
}
