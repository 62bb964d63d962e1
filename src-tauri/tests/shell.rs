//! The shell on Tauri's mock runtime (no window, no WebKit): commands answer over real IPC with
//! `{ kind, message }` errors, profile switches reach the page as events, and the image protocol
//! serves only the open profile's image files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use nanoforge_app_lib::{app_builder, attach, serve_image_path, specta_builder};
use nanoforge_core::accounts::{Profile, ProfileKind, ProfileRegistry, Secrets, SessionStore};
use nanoforge_core::providers::{GenerationRequest, Model};
use nanoforge_core::queue::{GenerateOptions, ProviderKind};
use nanoforge_core::{AppCore, CoreConfig, ProfileChoice};
use serde_json::{Value, json};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;
use tauri::{Listener, Manager, WebviewWindow, WebviewWindowBuilder};

struct Shell {
    app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    core: AppCore,
    _dir: tempfile::TempDir,
}

async fn shell() -> Shell {
    shell_with(mock_context(noop_assets())).await
}

/// The shell with the app's real context: its config and the capabilities `build.rs` compiled
/// (app commands included), so Tauri's ACL decides what the page may call.
async fn shell_with_acl() -> Shell {
    shell_with(tauri::generate_context!(test = true)).await
}

async fn shell_with(context: tauri::Context<MockRuntime>) -> Shell {
    let dir = tempfile::tempdir().unwrap();
    ProfileRegistry::new(dir.path())
        .upsert_account(Profile::new("g-bob", ProfileKind::Google))
        .unwrap();
    let mut config = CoreConfig::new(dir.path());
    config.demo_latency = Some(Duration::ZERO);
    let core = AppCore::open_with(
        config,
        Secrets::new(Arc::new(SessionStore::new())),
        ProfileChoice::Current,
    )
    .await
    .unwrap();
    let specta = specta_builder::<MockRuntime>();
    let app = app_builder(mock_builder(), &specta).build(context).unwrap();
    specta.mount_events(&app);
    app.manage(core.clone());
    attach(app.handle());
    let window = match app.get_webview_window("main") {
        Some(window) => window,
        None => WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap(),
    };
    Shell {
        app,
        window,
        core,
        _dir: dir,
    }
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: tauri::ipc::InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_answer_with_values_and_typed_errors() {
    let s = shell().await;
    let info = invoke(&s.window, "app_info", json!({})).unwrap();
    assert_eq!(info["profileId"], "local");
    let state = invoke(&s.window, "accounts_state", json!({})).unwrap();
    assert_eq!(state["profiles"].as_array().unwrap().len(), 2);

    let missing = invoke(&s.window, "get_job", json!({ "id": "no-such-job" })).unwrap_err();
    assert_eq!(missing["kind"], "not_found", "{missing}");
    assert!(missing["message"].as_str().unwrap().contains("no-such-job"));
    // Bad arguments are refused by Tauri itself, as a plain string (the UI turns it into a typed error).
    let bad = invoke(
        &s.window,
        "set_rating",
        json!({ "id": "x", "rating": "five" }),
    )
    .unwrap_err();
    assert!(bad.is_string(), "{bad}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_bytes_arrive_as_the_raw_body() {
    let s = shell().await;
    // A 2×2 red PNG.
    let png: Vec<u8> = vec![
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 2, 0, 0, 0, 2, 8, 6,
        0, 0, 0, 114, 182, 13, 36, 0, 0, 0, 17, 73, 68, 65, 84, 120, 156, 99, 248, 207, 192, 240,
        31, 132, 25, 96, 12, 0, 71, 202, 7, 249, 103, 89, 110, 183, 0, 0, 0, 0, 73, 69, 78, 68,
        174, 66, 96, 130,
    ];
    let request = InvokeRequest {
        cmd: "add_input_image".into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: tauri::ipc::InvokeBody::Raw(png),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    let input = get_ipc_response(&s.window, request)
        .map(|body| body.deserialize::<Value>().unwrap())
        .unwrap();
    assert_eq!(input["kind"], "input");
    assert_eq!(input["width"], 2);
    // Not an image: a typed error, nothing kept.
    let request = InvokeRequest {
        cmd: "add_input_image".into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: tauri::ipc::InvokeBody::Raw(b"not an image".to_vec()),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    let refused = get_ipc_response(&s.window, request)
        .map(|body| body.deserialize::<Value>().unwrap())
        .unwrap_err();
    assert_eq!(refused["kind"], "invalid_image", "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_switch_is_announced_and_images_follow_the_open_profile() {
    let s = shell().await;
    let (tx, rx) = mpsc::channel::<String>();
    s.app.listen("core-changed", move |event| {
        // The profile switch is one event among the core's others (job progress, changes).
        if event.payload().contains("\"kind\":\"profile\"") {
            let _ = tx.send(event.payload().to_owned());
        }
    });

    let options = GenerateOptions {
        provider: Some(ProviderKind::Demo),
        ..GenerateOptions::default()
    };
    let session = s.core.session();
    let jobs = session
        .generate(
            GenerationRequest::new("a local lantern", Model::NanoBanana),
            options,
        )
        .await
        .unwrap();
    let done = session.wait(&jobs[0].id).await.unwrap();
    let image = session.job_images(&done.id).await.unwrap().remove(0);

    let thumb = serve_image_path(&s.core, &format!("/local/thumb/{}", image.id)).await;
    assert_eq!(thumb.status(), 200);
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    assert_eq!(thumb.headers()["cache-control"], "no-store");
    let original = serve_image_path(&s.core, &format!("/local/original/{}", image.id)).await;
    assert_eq!(original.status(), 200);
    assert!(original.body().starts_with(b"\x89PNG"));
    for refused in [
        "/local/original/library.sqlite".to_owned(),
        "/local/original/../library.sqlite".to_owned(),
        "/local/file/library.sqlite".to_owned(),
        format!("/local/thumb/{}/x", image.id),
        "/local/downloads/x".to_owned(),
    ] {
        assert_eq!(
            serve_image_path(&s.core, &refused).await.status(),
            404,
            "{refused}"
        );
    }

    let switched = invoke(&s.window, "switch_profile", json!({ "id": "g-bob" })).unwrap();
    assert_eq!(switched["id"], "g-bob");
    let payload = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("a profile event");
    assert!(payload.contains("g-bob"), "{payload}");
    // The local profile's image has no URL while bob's library is open.
    for path in [
        format!("/local/thumb/{}", image.id),
        format!("/g-bob/thumb/{}", image.id),
    ] {
        assert_eq!(
            serve_image_path(&s.core, &path).await.status(),
            404,
            "{path}"
        );
    }
    let page = invoke(&s.window, "list_images", json!({ "query": {} })).unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_reaches_only_what_its_capability_allows() {
    let s = shell_with_acl().await;
    // Our commands, each allowed by name.
    let info = invoke(&s.window, "app_info", json!({})).unwrap();
    assert_eq!(info["profileId"], "local");
    // Plugin commands the page has no use for are refused: the file dialogs open from Rust, and
    // nothing is opened or revealed by a path the page names.
    for (cmd, args) in [
        ("plugin:dialog|save", json!({ "options": {} })),
        ("plugin:dialog|open", json!({ "options": {} })),
        ("plugin:opener|open_path", json!({ "path": "/etc/passwd" })),
        (
            "plugin:opener|reveal_item_in_dir",
            json!({ "paths": ["/etc/passwd"] }),
        ),
        ("plugin:clipboard-manager|read_text", json!({})),
        ("plugin:app|version", json!({})),
    ] {
        let refused = invoke(&s.window, cmd, args).unwrap_err();
        assert!(
            refused.as_str().is_some_and(|m| m.contains("not allowed")),
            "{cmd}: {refused}"
        );
    }
    // Another window (none is declared) gets nothing, not even our commands.
    let other = WebviewWindowBuilder::new(&s.app, "other", Default::default())
        .build()
        .unwrap();
    let refused = invoke(&other, "app_info", json!({})).unwrap_err();
    assert!(
        refused.as_str().is_some_and(|m| m.contains("not allowed")),
        "{refused}"
    );
}

/// Batches over real IPC through the app's capability: a plan prices without recording, the
/// core's refusals keep their kinds, and a started batch is read, listed and cancelled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_plan_start_and_answer_over_ipc() {
    let s = shell_with_acl().await;
    let request = |template: &str| {
        json!({ "request": {
            "template": template, "models": ["nano-banana-2"], "aspectRatio": "1:1",
            "mode": { "kind": "allCombinations" }, "max": 500, "overBudget": false,
        } })
    };
    let plan = invoke(&s.window, "plan_batch", request("a {red|blue} kite")).unwrap();
    assert_eq!(plan["count"], 2, "{plan}");
    assert_eq!(plan["jobs"][0]["prompt"], "a red kite");
    let unknown = invoke(&s.window, "plan_batch", request("a __nope__ kite")).unwrap_err();
    assert_eq!(unknown["kind"], "invalid_template", "{unknown}");
    let many = (0..30).map(|i| i.to_string()).collect::<Vec<_>>().join("|");
    let big = format!("{{{many}}} {{{many}}}");
    let big = invoke(&s.window, "plan_batch", request(&big)).unwrap_err();
    assert_eq!(big["kind"], "batch_too_large", "{big}");
    let none = invoke(&s.window, "recent_batches", json!({ "limit": 5 })).unwrap();
    assert_eq!(none, json!([]), "a plan records nothing");

    let started = invoke(&s.window, "start_batch", request("a {red|blue} kite")).unwrap();
    let id = started["batch_id"].as_str().unwrap().to_owned();
    assert_eq!(started["jobs"].as_array().unwrap().len(), 2);
    let status = invoke(&s.window, "batch_status", json!({ "id": id })).unwrap();
    assert_eq!(status["batch_id"], id.as_str());
    assert_eq!(status["jobs"].as_array().unwrap().len(), 2);
    let recent = invoke(&s.window, "recent_batches", json!({ "limit": 5 })).unwrap();
    assert_eq!(recent[0]["batchId"], id.as_str());
    assert_eq!(recent[0]["count"], 2);
    let cancelled = invoke(&s.window, "cancel_batch", json!({ "id": id })).unwrap();
    assert_eq!(cancelled["batch_id"], id.as_str());
    assert_ne!(cancelled["state"], "running", "{cancelled}");
    let missing = invoke(&s.window, "batch_status", json!({ "id": "no-such-batch" })).unwrap_err();
    assert_eq!(missing["kind"], "not_found", "{missing}");
}

/// The command list `build.rs` turns into permissions is the list the app mounts, and each
/// capability allows only commands that exist.
#[test]
fn the_permission_list_is_the_command_list() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bindings.ts");
    nanoforge_app_lib::export_bindings(&specta_builder::<tauri::Wry>(), &path).unwrap();
    let ts = std::fs::read_to_string(&path).unwrap();
    // `__TAURI_INVOKE("name", …)` or, for commands without a Result, `__TAURI_INVOKE<T>("name")`.
    let mut mounted: Vec<&str> = ts
        .split("__TAURI_INVOKE")
        .skip(2)
        .filter_map(|rest| rest.split_once("(\"")?.1.split('"').next())
        .collect();
    mounted.sort_unstable();
    let mut listed = nanoforge_app_lib::APP_COMMANDS.to_vec();
    listed.sort_unstable();
    assert_eq!(mounted, listed);
    for file in ["desktop.json", "mobile.json"] {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("capabilities")
                .join(file),
        )
        .unwrap();
        let capability: Value = serde_json::from_str(&text).unwrap();
        for permission in capability["permissions"].as_array().unwrap() {
            let name = permission.as_str().unwrap();
            if let Some(command) = name.strip_prefix("allow-") {
                let command = command.replace('-', "_");
                assert!(
                    listed.contains(&command.as_str()),
                    "{file}: {name} names no command"
                );
            }
        }
    }
}
