//! Fetching a generated image: streamed to a temporary file beside the destination, with an idle
//! timeout, an overall deadline and a size cap, checked to be an image of sane dimensions, then
//! renamed into place. A stalled, endless, truncated or bogus download fails with a typed error
//! and leaves nothing behind. An image URL given as an input is fetched with the client of
//! [`super::input_url`], which cannot be led into the local network.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::time::Instant;

use super::input_url::Refused;
use super::{ProviderError, RetryPolicy, retry::random_seed};
use crate::net::error_chain;

/// Limits of one download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadLimits {
    /// Refused above this many bytes (announced or received).
    pub max_bytes: u64,
    /// Refused when width × height exceeds this (read from the header, nothing is decoded).
    pub max_pixels: u64,
    /// Fails when no byte arrives for this long.
    pub idle_timeout: Duration,
}

impl Default for DownloadLimits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            // 8192 × 8192: twice the sides of the largest (4K) tier.
            max_pixels: 8192 * 8192,
            idle_timeout: Duration::from_secs(30),
        }
    }
}

/// Bytes received so far, and the announced total if the server sent one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadProgress {
    pub received: u64,
    pub total: Option<u64>,
}

/// A downloaded, header-checked image file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadedImage {
    pub path: PathBuf,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    /// `png`, `jpeg`, `webp`.
    pub format: String,
}

/// Downloads `url` to `dest`, retrying transient failures while `deadline` allows.
pub(crate) async fn download_image(
    http: &reqwest::Client,
    url: &str,
    dest: &Path,
    limits: DownloadLimits,
    retry: RetryPolicy,
    mut progress: impl FnMut(DownloadProgress) + Send,
    deadline: Instant,
) -> Result<DownloadedImage, ProviderError> {
    let parsed = reqwest::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| ProviderError::InvalidInput(format!("not an http(s) image URL: {url}")))?;
    let started = Instant::now();
    let seed = random_seed();
    let mut attempt = 1;
    loop {
        let once = download_once(http, parsed.clone(), dest, limits, &mut progress);
        let error = match tokio::time::timeout_at(deadline, once).await {
            Ok(Ok(image)) => return Ok(image),
            Ok(Err(e)) => e,
            Err(_) => {
                return Err(ProviderError::Timeout {
                    what: "the image download".into(),
                    after: started.elapsed(),
                });
            }
        };
        match retry.delay_after(&error, attempt, seed, false, false) {
            Some(delay) if Instant::now() + delay < deadline => {
                tracing::debug!(attempt, ?delay, %error, "retrying image download");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            _ => return Err(error),
        }
    }
}

async fn download_once(
    http: &reqwest::Client,
    url: reqwest::Url,
    dest: &Path,
    limits: DownloadLimits,
    progress: &mut (impl FnMut(DownloadProgress) + Send),
) -> Result<DownloadedImage, ProviderError> {
    let host = url.host_str().unwrap_or_default().to_owned();
    // No Authorization header: result URLs are public, and the key must not leak to another host.
    let mut response = http
        .get(url)
        .send()
        .await
        .map_err(|e| transport_error(&host, &e, limits))?;
    let status = response.status().as_u16();
    match status {
        200..=299 => {}
        404 | 410 => return Err(ProviderError::ResultUnavailable { status }),
        _ => {
            return Err(ProviderError::Download {
                message: format!("the image host answered HTTP {status}"),
                retryable: matches!(status, 408 | 429 | 500 | 502 | 503 | 504),
            });
        }
    }
    let total = response.content_length();
    if total.is_some_and(|t| t > limits.max_bytes) {
        return Err(ProviderError::TooLarge {
            limit: limits.max_bytes,
        });
    }

    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::private_fs::create_dir_all_async(dir).await?;
    let temp = tempfile::Builder::new()
        .prefix(".nanoforge-download-")
        .suffix(".part")
        .tempfile_in(dir)?;
    let mut file = tokio::fs::File::from_std(temp.as_file().try_clone()?);
    let mut received: u64 = 0;
    progress(DownloadProgress { received, total });
    loop {
        let chunk = match tokio::time::timeout(limits.idle_timeout, response.chunk()).await {
            Err(_) => {
                return Err(ProviderError::Timeout {
                    what: format!("the image download (no data after {received} bytes)"),
                    after: limits.idle_timeout,
                });
            }
            Ok(Err(e)) => {
                return Err(ProviderError::Download {
                    message: format!(
                        "the connection broke after {received} bytes: {}",
                        error_chain(&e)
                    ),
                    retryable: true,
                });
            }
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => chunk,
        };
        received += chunk.len() as u64;
        if received > limits.max_bytes {
            return Err(ProviderError::TooLarge {
                limit: limits.max_bytes,
            });
        }
        file.write_all(&chunk).await?;
        progress(DownloadProgress { received, total });
    }
    if let Some(total) = total
        && received < total
    {
        return Err(ProviderError::Download {
            message: format!("incomplete: {received} of {total} bytes arrived"),
            retryable: true,
        });
    }
    file.flush().await?;
    file.sync_all().await?;
    drop(file);

    let (temp, width, height, format) = tokio::task::spawn_blocking(move || {
        let (w, h, f) = inspect_image(temp.path())?;
        Ok::<_, ProviderError>((temp, w, h, f))
    })
    .await
    .map_err(|e| ProviderError::Io(std::io::Error::other(e.to_string())))??;
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(ProviderError::ImageDimensionsTooLarge { width, height });
    }
    temp.persist(dest).map_err(|e| ProviderError::Io(e.error))?;
    Ok(DownloadedImage {
        path: dest.to_path_buf(),
        bytes: received,
        width,
        height,
        format,
    })
}

/// Format and dimensions from the file's header only.
fn inspect_image(path: &Path) -> Result<(u32, u32, String), ProviderError> {
    let reader = image::ImageReader::open(path)?.with_guessed_format()?;
    let Some(format) = reader.format() else {
        return Err(ProviderError::NotAnImage {
            message: "its content is not PNG, JPEG or WebP".into(),
        });
    };
    let name = match format {
        image::ImageFormat::Png => "png".to_owned(),
        image::ImageFormat::Jpeg => "jpeg".to_owned(),
        image::ImageFormat::WebP => "webp".to_owned(),
        other => format!("{other:?}").to_lowercase(),
    };
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| ProviderError::NotAnImage {
            message: format!("its {name} header is unreadable: {e}"),
        })?;
    Ok((width, height, name))
}

fn transport_error(host: &str, e: &reqwest::Error, limits: DownloadLimits) -> ProviderError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<Refused>() {
            return ProviderError::InvalidInput(refused.0.clone());
        }
        source = cause.source();
    }
    if e.is_timeout() && !e.is_connect() {
        ProviderError::Timeout {
            what: format!("the image download from {host}"),
            after: limits.idle_timeout,
        }
    } else {
        ProviderError::Network {
            host: host.to_owned(),
            message: error_chain(e),
        }
    }
}
