//! `nf://` — library images for the page, by id, from the open profile only.
//!
//! URLs are `nf://localhost/<profile>/<kind>/<image id>` (`http://nf.localhost/...` on Windows and
//! Android), `kind` one of `original`, `thumb` (256 px) and `preview` (512 px). The handler looks
//! the image up in the current session's library and serves that one file: a URL of another
//! profile, an unknown id, or anything that is not an image (the database, its WAL, downloads) has
//! no URL at all and gets a 404. No path from the page is ever used.

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

/// The response for a request path (`/<profile>/<kind>/<id>`); public for the shell's tests.
pub async fn serve(core: &AppCore, path: &str) -> Response<Vec<u8>> {
    let decoded: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let mut parts = decoded.iter().map(String::as_str);
    let (Some(profile), Some(kind), Some(id), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return status(StatusCode::NOT_FOUND);
    };
    let Some(kind) = ImageFileKind::parse(kind) else {
        return status(StatusCode::NOT_FOUND);
    };
    // Checked and served from the same session: a switch meanwhile cannot serve another
    // profile's file under this profile's URL.
    let session = core.session();
    if session.profile().id != profile {
        return status(StatusCode::NOT_FOUND);
    }
    match session.image_file_bytes(id, kind).await {
        Ok((bytes, mime)) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, mime)
            // Another profile must not be able to see this through a cache after a switch.
            .header(header::CACHE_CONTROL, "no-store")
            .header("X-Content-Type-Options", "nosniff")
            .body(bytes)
            .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)),
        Err(e) => {
            tracing::debug!(error = %e, id, "image request refused");
            status(StatusCode::NOT_FOUND)
        }
    }
}

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
