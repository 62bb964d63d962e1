//! Result images, served by the same server at `/files/{taskId}/{index}.png` (PNGs, or JPEG or WebP
//! files labelled as PNG when the task's scenario says so), and the broken downloads tests need:
//! expired, truncated, stalled, not an image, oversized, endless.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};

use crate::scenario::{FaultAction, ImageFormat};
use crate::state::Shared;

/// `(task id, image index)` from `/files/{task}/{index}.png`.
pub fn parse_path(path: &str) -> Option<(String, u32)> {
    let rest = path.strip_prefix("/files/")?;
    let (task, file) = rest.split_once('/')?;
    let index = file.strip_suffix(".png")?.parse().ok()?;
    Some((task.to_owned(), index))
}

/// Serves the image, or misbehaves as `fault` (a per-request fault, else the task's own).
pub fn serve(shared: &Shared, path: &str, fault: Option<FaultAction>) -> Response {
    let Some((task_id, index)) = parse_path(path) else {
        return not_found();
    };
    let (png, task_fault) = {
        let mut state = shared.lock();
        let Some(task) = state.tasks.get(&task_id) else {
            return not_found();
        };
        if index >= task.image_count {
            return not_found();
        }
        let (w, h) = dimensions(task.aspect, task.long_side);
        let task_fault = task.scenario.image.clone();
        let format = task.scenario.image_format;
        let key = (task_id.clone(), index);
        let png = match state.png_cache.get(&key) {
            Some(png) => png.clone(),
            None => {
                let png = Arc::new(render(format, w, h, index));
                state.png_cache.insert(key, png.clone());
                png
            }
        };
        (png, task_fault)
    };
    match fault.or(task_fault) {
        None => png_response(Body::from(png.to_vec()), Some(png.len() as u64)),
        Some(action) => misbehave(action, &png),
    }
}

/// The result image in the task's format: the same gradient, re-encoded for JPEG and WebP.
fn render(format: ImageFormat, width: u32, height: u32, index: u32) -> Vec<u8> {
    let png = render_png(width, height, index);
    let encoding = match format {
        ImageFormat::Png => return png,
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Webp => image::ImageFormat::WebP,
    };
    let mut out = std::io::Cursor::new(Vec::new());
    match image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .and_then(|img| img.write_to(&mut out, encoding))
    {
        Ok(()) => out.into_inner(),
        Err(_) => Vec::new(),
    }
}

/// A broken answer for an image request.
pub fn misbehave(action: FaultAction, png: &[u8]) -> Response {
    let full = png.len() as u64;
    match action {
        FaultAction::NotFound => not_found(),
        FaultAction::Truncated => {
            let half = Bytes::copy_from_slice(&png[..png.len() / 2]);
            // The pause lets the headers and the first half go out before the connection breaks.
            let broken = stream::once(async {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                Err(std::io::Error::other("connection closed by the fake"))
            });
            let body = stream::iter([Ok(half)]).chain(broken);
            png_response(Body::from_stream(body), Some(full))
        }
        FaultAction::Stalled => {
            let head = Bytes::copy_from_slice(&png[..png.len().min(1024)]);
            let body = stream::iter([Ok::<_, std::io::Error>(head)]).chain(stream::pending());
            png_response(Body::from_stream(body), Some(full))
        }
        FaultAction::NotImage => png_response(
            Body::from("<html><body>This is not an image</body></html>"),
            None,
        ),
        FaultAction::HugeContentLength => {
            let head = Bytes::copy_from_slice(&png[..png.len().min(1024)]);
            let body = stream::iter([Ok::<_, std::io::Error>(head)]).chain(stream::pending());
            png_response(Body::from_stream(body), Some(10 * 1024 * 1024 * 1024))
        }
        FaultAction::HugeDimensions => {
            let bytes = huge_png_header(100_000, 100_000);
            let len = bytes.len() as u64;
            png_response(Body::from(bytes), Some(len))
        }
        FaultAction::Endless => {
            let chunk = Bytes::from(vec![0x42u8; 64 * 1024]);
            let body = stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone()));
            png_response(Body::from_stream(body), None)
        }
        // API-style faults on an image URL answer like an API would.
        other => crate::fault_response(other, None).unwrap_or_else(not_found),
    }
}

fn png_response(body: Body, length: Option<u64>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    response
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "this result URL has expired").into_response()
}

/// Width and height for an aspect `(w, h)` with the given long side.
pub fn dimensions((aw, ah): (u32, u32), long: u32) -> (u32, u32) {
    let (aw, ah) = (u64::from(aw.max(1)), u64::from(ah.max(1)));
    let long64 = u64::from(long.max(1));
    let (w, h) = if aw >= ah {
        (long64, (long64 * ah + aw / 2) / aw)
    } else {
        ((long64 * aw + ah / 2) / ah, long64)
    };
    (w.max(1) as u32, h.max(1) as u32)
}

/// A smooth gradient PNG (compresses well and encodes fast even at 4K).
pub fn render_png(width: u32, height: u32, index: u32) -> Vec<u8> {
    let (w, h) = (width as usize, height as usize);
    let mut row = vec![0u8; w * 3];
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let written = encoder.write_header().and_then(|mut writer| {
        let mut stream = writer.stream_writer()?;
        for y in 0..h {
            for x in 0..w {
                let i = x * 3;
                row[i] = (x * 255 / w.max(1)) as u8;
                row[i + 1] = (y * 255 / h.max(1)) as u8;
                row[i + 2] = (index * 60 % 256) as u8;
            }
            std::io::Write::write_all(&mut stream, &row)?;
        }
        stream.finish()
    });
    if written.is_err() {
        out.clear();
    }
    out
}

/// PNG signature, an IHDR claiming `width × height`, a tiny IDAT and IEND: the header says huge,
/// the file is small.
pub fn huge_png_header(width: u32, height: u32) -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}
