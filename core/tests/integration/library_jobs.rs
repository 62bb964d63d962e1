//! The job ledger: insert, patch, resume and History paging.

use crate::library_support;

use library_support::*;
use nanoforge_core::ErrorKind;
use nanoforge_core::library::{JobQuery, JobStatus, JobUpdate, NewJob, TaskType};

#[tokio::test]
async fn insert_and_get_round_trip() {
    let t = open_library().await;
    let new = NewJob {
        task_type: TaskType::ImageToImage,
        input_image_urls: vec!["https://example.test/in.png".into()],
        seed: Some(7),
        aspect_ratio: nanoforge_core::catalog::AspectRatio::Landscape16x9,
        num_images: 2,
        timeout_secs: Some(300),
        watermark: Some("nf".into()),
        ..new_job("a lighthouse")
    };
    let job = t.lib.insert_job(&new).await.unwrap();
    assert_eq!(job.status, JobStatus::Pending);
    assert_eq!(uuid::Uuid::parse_str(&job.id).unwrap().get_version_num(), 7);
    assert_eq!(job.attempts, 0);
    assert_eq!(job.created_at, job.updated_at);
    assert_eq!(t.lib.get_job(&job.id).await.unwrap(), job);
    assert_eq!(
        job.input_image_urls,
        vec!["https://example.test/in.png".to_owned()]
    );
    assert_eq!(
        (job.seed, job.num_images, job.aspect_ratio.as_str()),
        (Some(7), 2, "16:9")
    );
    assert_eq!(t.lib.job_count().await.unwrap(), 1);
}

#[tokio::test]
async fn invalid_jobs_are_refused() {
    let t = open_library().await;
    for bad in [
        new_job("  "),
        NewJob {
            num_images: 5,
            ..new_job("x")
        },
        NewJob {
            estimated_cost: -1.0,
            ..new_job("x")
        },
    ] {
        assert_eq!(
            t.lib.insert_job(&bad).await.unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }
    assert_eq!(
        t.lib.get_job("missing").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let patch = JobUpdate {
        status: Some(JobStatus::Failed),
        ..Default::default()
    };
    assert_eq!(
        t.lib
            .update_job("missing", &patch)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn updates_patch_only_what_they_name() {
    let t = open_library().await;
    let job = job(&t.lib, "patch me").await;
    let submitted = JobUpdate {
        status: Some(JobStatus::Submitted),
        remote_task_id: Some("task-9".into()),
        increment_attempts: true,
        ..Default::default()
    };
    let j = t.lib.update_job(&job.id, &submitted).await.unwrap();
    assert_eq!(
        (j.status, j.remote_task_id.as_deref(), j.attempts),
        (JobStatus::Submitted, Some("task-9"), 1)
    );
    assert_eq!(j.completed_at, None);

    let failed_once = JobUpdate {
        error_kind: Some(ErrorKind::Timeout),
        error_message: Some("took too long".into()),
        increment_attempts: true,
        response_data: Some("{\"code\":504}".into()),
        ..Default::default()
    };
    let j = t.lib.update_job(&job.id, &failed_once).await.unwrap();
    assert_eq!(
        (j.attempts, j.error_kind, j.status),
        (2, Some(ErrorKind::Timeout), JobStatus::Submitted)
    );
    assert_eq!(j.remote_task_id.as_deref(), Some("task-9"), "untouched");

    let done = JobUpdate {
        status: Some(JobStatus::Completed),
        clear_error: true,
        duration_ms: Some(4200),
        cost: Some(0.039),
        ..Default::default()
    };
    let j = t.lib.update_job(&job.id, &done).await.unwrap();
    assert_eq!((j.error_kind, j.error_message), (None, None));
    assert_eq!((j.duration_ms, j.cost), (Some(4200.0), 0.039));
    assert!(j.completed_at.is_some_and(|at| at >= j.created_at));
    assert_eq!(j.response_data.as_deref(), Some("{\"code\":504}"));

    let explicit = JobUpdate {
        completed_at: Some(1_000),
        ..Default::default()
    };
    assert_eq!(
        t.lib
            .update_job(&job.id, &explicit)
            .await
            .unwrap()
            .completed_at,
        Some(1_000.0)
    );
    let bad_cost = JobUpdate {
        cost: Some(f64::NAN),
        ..Default::default()
    };
    assert_eq!(
        t.lib
            .update_job(&job.id, &bad_cost)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
}

#[tokio::test]
async fn unfinished_jobs_are_the_ones_to_resume() {
    let t = open_library().await;
    let mut ids = Vec::new();
    for (i, status) in [
        JobStatus::Pending,
        JobStatus::Submitted,
        JobStatus::Processing,
        JobStatus::Downloading,
        JobStatus::Completed,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ]
    .into_iter()
    .enumerate()
    {
        let j = t
            .lib
            .insert_job(&NewJob {
                created_at: Some(1_000.0 + i as f64),
                ..new_job("p")
            })
            .await
            .unwrap();
        t.lib
            .update_job(
                &j.id,
                &JobUpdate {
                    status: Some(status),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        ids.push(j.id);
    }
    let unfinished: Vec<String> = t
        .lib
        .unfinished_jobs()
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(unfinished, ids[..4].to_vec(), "oldest first");
}

#[tokio::test]
async fn history_pages_by_keyset_with_filters_and_search() {
    let t = open_library().await;
    // 25 jobs; several share a timestamp so the id breaks ties.
    for i in 0..25u32 {
        let prompt = if i % 5 == 0 {
            format!("golden retriever {i}")
        } else {
            format!("city at night {i}")
        };
        let j = t
            .lib
            .insert_job(&NewJob {
                created_at: Some(f64::from(10_000 + i / 3)),
                ..new_job(&prompt)
            })
            .await
            .unwrap();
        if i % 2 == 0 {
            t.lib
                .update_job(
                    &j.id,
                    &JobUpdate {
                        status: Some(JobStatus::Completed),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        }
    }
    let mut seen = Vec::new();
    let mut query = JobQuery {
        limit: Some(10),
        ..Default::default()
    };
    let mut pages = 0;
    loop {
        let page = t.lib.list_jobs(&query).await.unwrap();
        pages += 1;
        seen.extend(page.items.iter().map(|j| (j.created_at, j.id.clone())));
        match page.next_cursor {
            Some(c) => query.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 25);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
    sorted.dedup();
    assert_eq!(seen, sorted, "newest first, no duplicates, nothing skipped");

    let completed = JobQuery {
        status: Some(JobStatus::Completed),
        limit: Some(100),
        ..Default::default()
    };
    assert_eq!(t.lib.list_jobs(&completed).await.unwrap().items.len(), 13);
    let dogs = JobQuery {
        search: Some("GOLDEN retr".into()),
        ..Default::default()
    };
    assert_eq!(t.lib.list_jobs(&dogs).await.unwrap().items.len(), 5);
    let window = JobQuery {
        from: Some(10_002.0),
        to: Some(10_004.0),
        ..Default::default()
    };
    assert_eq!(t.lib.list_jobs(&window).await.unwrap().items.len(), 6);
    for hostile in ["\"unbalanced", "AND OR", "NEAR(", "*", "prompt:x", "(", "-"] {
        let q = JobQuery {
            search: Some(hostile.into()),
            ..Default::default()
        };
        t.lib
            .list_jobs(&q)
            .await
            .unwrap_or_else(|e| panic!("{hostile:?}: {e}"));
    }
    let punctuation = JobQuery {
        search: Some(" * ".into()),
        ..Default::default()
    };
    assert_eq!(
        t.lib.list_jobs(&punctuation).await.unwrap().items.len(),
        25,
        "no terms: no search filter"
    );
}
