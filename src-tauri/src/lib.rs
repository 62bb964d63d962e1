//! The Tauri shell: builds one [`AppCore`] from the platform's app-data dir, manages it, serves
//! library images by id, forwards core events, and exposes typed commands that are one-line calls
//! into the core. Everything but [`run`] is generic over Tauri's runtime, so the shell is tested
//! on the mock runtime (`tests/shell.rs`).

mod command_names;
mod commands;
mod dialogs;
mod drag_out;
mod events;
mod image_protocol;
mod lifecycle;
mod raw_ipc;
mod updates;
mod web_cache;
#[cfg(target_os = "linux")]
pub mod webview_rendering;

use tauri::Runtime;
use tauri_specta::{Builder, collect_commands, collect_events};

pub use command_names::APP_COMMANDS;
pub use events::attach;
pub use image_protocol::{IMAGE_SCHEME, serve as serve_image_path};

/// The one list of commands and events; [`run`] mounts it and a test exports `ui/src/bindings.ts`.
pub fn specta_builder<R: Runtime>() -> Builder<R> {
    use commands::{
        accounts, app, batches, editing, files, generation, library, organise, prompts, settings,
        sync, updates,
    };
    Builder::<R>::new()
        .commands(collect_commands![
            app::app_info,
            app::quit_now::<tauri::Wry>,
            app::unseen_crashes,
            app::acknowledge_crashes,
            app::diagnostics_report,
            app::dismiss_welcome,
            accounts::accounts_state,
            accounts::begin_sign_in::<tauri::Wry>,
            accounts::finish_sign_in,
            accounts::cancel_sign_in,
            accounts::switch_profile,
            accounts::sign_out,
            accounts::remove_profile,
            accounts::sign_in_client,
            accounts::set_sign_in_client,
            accounts::clear_sign_in_client,
            accounts::test_sign_in_client,
            library::list_images,
            library::list_grid,
            library::get_image,
            library::list_jobs,
            library::get_job,
            library::job_family,
            library::library_stats,
            library::set_favourite,
            library::set_rating,
            library::trash_images,
            library::restore_images,
            library::empty_trash,
            library::export_images::<tauri::Wry>,
            library::save_possibly_charged::<tauri::Wry>,
            library::check_library,
            library::save_image_as::<tauri::Wry>,
            library::read_image_metadata,
            organise::list_albums,
            organise::album_named,
            organise::create_album,
            organise::rename_album,
            organise::delete_album,
            organise::add_to_album,
            organise::remove_from_album,
            organise::list_tags,
            organise::add_tags,
            organise::remove_tags,
            organise::image_labels,
            files::copy_image::<tauri::Wry>,
            files::drag_image_out::<tauri::Wry>,
            files::open_image::<tauri::Wry>,
            files::reveal_in_folder::<tauri::Wry>,
            files::pick_input_images::<tauri::Wry>,
            files::add_input_image,
            files::paste_input_image::<tauri::Wry>,
            files::add_input_image_url,
            files::open_logs_folder::<tauri::Wry>,
            settings::get_preferences,
            settings::update_preferences,
            settings::key_status,
            settings::check_and_set_key,
            settings::set_key,
            settings::clear_key,
            generation::generate,
            generation::cancel_job,
            generation::retry_job,
            generation::rerun_job,
            generation::budget_status,
            generation::catalog,
            generation::quote,
            generation::expected_time,
            generation::available_providers,
            generation::credits,
            batches::plan_batch,
            batches::start_batch,
            batches::batch_status,
            batches::recent_batches,
            batches::cancel_batch,
            prompts::list_prompts,
            prompts::save_prompt,
            prompts::remove_prompt,
            prompts::list_wildcards,
            prompts::set_wildcard,
            prompts::remove_wildcard,
            editing::edit_image,
            editing::edit_image_region,
            editing::edit_quote,
            editing::reply_to_job,
            editing::upscale_image,
            editing::image_lineage,
            editing::list_references,
            editing::set_reference,
            editing::rename_reference,
            editing::remove_reference,
            sync::sync_setup,
            sync::update_sync_setup,
            sync::sync_status,
            sync::sync_now,
            sync::apply_pending_deletions,
            sync::test_sync_connection,
            updates::check_for_update::<tauri::Wry>,
            updates::install_update,
            updates::restart_to_update::<tauri::Wry>,
            updates::skip_update::<tauri::Wry>,
            updates::update_settings::<tauri::Wry>,
            updates::set_update_settings::<tauri::Wry>,
        ])
        .events(collect_events![events::CoreChanged])
        // Rules the page shows but the core owns: exported as constants so the UI cannot drift.
        .constant("JOB_STATUSES", nanoforge_core::library::JobStatus::ALL)
        .constant(
            "UNFINISHED_JOB_STATUSES",
            nanoforge_core::library::JobStatus::UNFINISHED,
        )
        .constant("BUDGET_WARN_SHARE", nanoforge_core::queue::WARN_AT)
        .constant("MAX_IMAGES", nanoforge_core::catalog::MAX_IMAGES)
        .constant(
            "WATERMARK_MAX_CHARS",
            nanoforge_core::providers::WATERMARK_MAX_CHARS,
        )
}

/// Where the generated TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/bindings.ts";

pub fn export_bindings<R: Runtime>(
    builder: &Builder<R>,
    path: &std::path::Path,
) -> Result<(), String> {
    builder
        .export(
            specta_typescript::Typescript::default().header(
                "// @ts-nocheck\n// Generated by `make bindings` from src-tauri: do not edit.",
            ),
            path,
        )
        .map_err(|e| e.to_string())
}

/// The app without its core: plugins, commands, the image protocol. [`run`] adds the core (from
/// the environment) in `setup`; tests manage one of their own.
pub fn app_builder<R: Runtime>(tauri: tauri::Builder<R>, specta: &Builder<R>) -> tauri::Builder<R> {
    tauri
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .invoke_handler(specta.invoke_handler())
        .register_asynchronous_uri_scheme_protocol(IMAGE_SCHEME, image_protocol::handle)
        .manage(lifecycle::Quitting::default())
        .manage(updates::PendingUpdate::default())
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let specta = specta_builder::<tauri::Wry>();
    let tauri = tauri::Builder::default();
    // Updates in place on desktop (phones update through their store). Not in `app_builder`: the
    // plugin needs `plugins.updater` from the real configuration, which tests' contexts lack.
    #[cfg(desktop)]
    let tauri = tauri.plugin(tauri_plugin_updater::Builder::new().build());
    let built = app_builder(tauri, &specta)
        .setup(move |app| {
            specta.mount_events(app);
            lifecycle::open_core(app);
            Ok(())
        })
        .build(tauri::generate_context!());
    match built {
        Ok(app) => app.run(lifecycle::on_event),
        Err(e) => {
            eprintln!("nanoforge: the app could not start: {e}");
            std::process::exit(1);
        }
    }
}
