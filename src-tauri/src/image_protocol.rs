//! `nf://` — library images for the page, from the open profile only.
//!
//! Two kinds of URL (`http://nf.localhost/...` on Windows and Android):
//! - `nf://localhost/<profile>/<key>/<kind>/<sha256>`, `kind` `thumb` (256 px) or `preview`
//!   (512 px): the grid's hot path. Thumbnail files are content-addressed, so the handler reads
//!   `thumbs/ab/<sha256>_<side>.jpg` with no database work and the answer is cached for good
//!   (`immutable`). `key` is new each time a profile opens, and the shell clears the web view's
//!   caches when another profile opens or images are deleted for good (`events.rs`), so a cached
//!   answer never outlives what it showed.
//! - `nf://localhost/<profile>/<kind>/<image id>`, `kind` also `original`: looked up in the
//!   library by id and never cached (`no-store`), for everything that names an image by id.
//!
//! A URL of another profile or another opening, an unknown id or hash, or anything that is not an
//! image (the database, its WAL, downloads) gets a 404. No path from the page is ever used.

use nanoforge_core::AppCore;
use nanoforge_core::library::ImageFileKind;
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

pub const IMAGE_SCHEME: &str = "nf";

pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let core = ctx
        .app_handle()
        .try_state::<AppCore>()
        .map(|c| c.inner().clone());
    let path = request.uri().path().to_owned();
    tauri::async_runtime::spawn(async move {
        let response = match core {
            Some(core) => serve(&core, &path).await,
            None => status(StatusCode::SERVICE_UNAVAILABLE),
        };
        responder.respond(response);
    });
}

/// The response for a request path (see the module's comment); public for the shell's tests.
pub async fn serve(core: &AppCore, path: &str) -> Response<Vec<u8>> {
    let parts: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    // Checked and served from the same session: a switch meanwhile cannot serve another
    // profile's file under this profile's URL.
    let session = core.session();
    if parts
        .first()
        .is_none_or(|profile| *profile != session.profile().id)
    {
        return status(StatusCode::NOT_FOUND);
    }
    let served = match parts.as_slice() {
        [_, key, kind, sha] => {
            let Some(kind) = ImageFileKind::parse(kind).filter(|k| k.thumb_side().is_some()) else {
                return status(StatusCode::NOT_FOUND);
            };
            if key != session.image_url_key() {
                return status(StatusCode::NOT_FOUND);
            }
            let served = session.thumbnail_bytes(sha, kind).await;
            served.map(|bytes| (bytes, "image/jpeg", IMMUTABLE))
        }
        [_, kind, id] => {
            let Some(kind) = ImageFileKind::parse(kind) else {
                return status(StatusCode::NOT_FOUND);
            };
            let served = session.image_file_bytes(id, kind).await;
            // Another profile must not be able to see this through a cache after a switch.
            served.map(|(bytes, mime)| (bytes, mime, "no-store"))
        }
        _ => return status(StatusCode::NOT_FOUND),
    };
    match served {
        // One line per file served (off by default): the end-to-end tests count them to prove
        // that the web view keeps what it was given.
        Ok((bytes, mime, cache)) => {
            tracing::debug!(path, "image served");
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, mime)
                .header(header::CACHE_CONTROL, cache)
                .header("X-Content-Type-Options", "nosniff")
                .body(bytes)
                .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR))
        }
        Err(e) => {
            tracing::debug!(error = %e, path, "image request refused");
            status(StatusCode::NOT_FOUND)
        }
    }
}

/// A content-addressed thumbnail never changes: the web view may keep it as long as it likes
/// (it is cleared on a profile switch and a purge; `private`: never a shared cache).
const IMMUTABLE: &str = "private, max-age=31536000, immutable";

fn status(code: StatusCode) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = code;
    response
}

/// One path segment, percent-decoded (the page encodes ids it does not control).
fn percent_decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}
