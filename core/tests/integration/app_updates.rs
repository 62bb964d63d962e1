//! Update settings of this install (the shell's updater reads them): background checks on by
//! default and off when the user says so, a self-hoster's endpoint (https, or http to this
//! computer) that survives a restart, a refused endpoint that changes nothing, and "Skip this
//! version" that silences background checks for that version only.

use crate::gemini_support::env;

use nanoforge_core::{AvailableUpdate, ErrorKind, UpdatePreferences};

fn offer(version: &str) -> AvailableUpdate {
    AvailableUpdate {
        version: version.into(),
        current_version: "0.1.0".into(),
        notes: None,
        published_at: None,
    }
}

#[tokio::test]
async fn update_settings_persist_refuse_bad_endpoints_and_skip_one_version() {
    let env = env().await;
    let core = &env.core;
    assert_eq!(
        core.update_preferences().await,
        UpdatePreferences::default()
    );
    assert!(core.update_preferences().await.auto_check, "on by default");
    assert!(core.should_check_for_updates(true).await);

    let saved = core
        .set_update_preferences(
            false,
            Some(" https://updates.example.org/nf/latest.json ".into()),
        )
        .await
        .unwrap();
    assert!(!saved.auto_check);
    assert_eq!(
        saved.endpoint.as_deref(),
        Some("https://updates.example.org/nf/latest.json")
    );
    assert!(
        !core.should_check_for_updates(true).await,
        "background checks off"
    );
    assert!(
        core.should_check_for_updates(false).await,
        "Check now still checks"
    );

    let refused = core
        .set_update_preferences(true, Some("http://updates.example.org/latest.json".into()))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InvalidInput, "{refused}");
    assert!(refused.to_string().contains("https://"), "{refused}");
    assert_eq!(
        core.update_preferences().await,
        saved,
        "a refused endpoint changes nothing"
    );

    core.skip_update("0.2.0").await.unwrap();
    assert!(!core.should_offer_update(&offer("0.2.0"), true).await);
    assert!(
        core.should_offer_update(&offer("0.2.0"), false).await,
        "asked for: offered"
    );
    assert!(
        core.should_offer_update(&offer("0.3.0"), true).await,
        "a later one is offered"
    );

    let again = env.reopen().await;
    let after = again.update_preferences().await;
    assert_eq!(after.skipped_version.as_deref(), Some("0.2.0"));
    assert_eq!(after.endpoint, saved.endpoint, "kept across restarts");
    // An empty endpoint goes back to the build's; the skipped version stays.
    let cleared = again
        .set_update_preferences(true, Some("  ".into()))
        .await
        .unwrap();
    assert_eq!(cleared.endpoint, None);
    assert_eq!(cleared.skipped_version.as_deref(), Some("0.2.0"));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = again.config().data_dir.join("updates.json");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "private like every file of the data folder"
        );
    }
}

#[tokio::test]
async fn an_unreadable_settings_file_means_the_defaults_not_a_stop() {
    let env = env().await;
    std::fs::write(
        env.core.config().data_dir.join("updates.json"),
        b"{not json",
    )
    .unwrap();
    assert_eq!(
        env.core.update_preferences().await,
        UpdatePreferences::default()
    );
    env.core.skip_update("1.0.0").await.unwrap();
    assert_eq!(
        env.core
            .update_preferences()
            .await
            .skipped_version
            .as_deref(),
        Some("1.0.0")
    );
}
