//! The Nano Banana client (nanobananaapi.ai), following `shared/notes/nanobanana-api.md`: submit a
//! task, poll `record-info` once per call, read the credit balance, download results.

mod call;
mod http;
mod wire;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use call::Call;

use super::download::{DownloadLimits, DownloadProgress, DownloadedImage, download_image};
use super::{GenerationRequest, PollOutcome, ProviderError, RetryPolicy};
use crate::secret::ApiKey;

/// The service answers `callBackUrl` is required for two endpoints; a desktop app has no public
/// URL, so it gets an address that cannot resolve (`.invalid` is reserved) and we poll instead.
pub const PLACEHOLDER_CALLBACK_URL: &str = "https://callback.nanoforge.invalid/nanobanana";

/// Everything the client needs besides the key.
#[derive(Debug, Clone)]
pub struct NanoBananaConfig {
    /// `https://api.nanobananaapi.ai`, or a local fake in tests.
    pub base_url: String,
    pub callback_url: String,
    pub connect_timeout: Duration,
    /// Longest silence while waiting for an answer's next bytes.
    pub read_timeout: Duration,
    /// Longest an API call (not a download) may take in all.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    pub download: DownloadLimits,
    /// Read the balance before each submit and refuse when it is known to be zero.
    pub check_credits_before_submit: bool,
    /// Wait out a submit's 429 here and send it again. The queue turns this off: it pauses every
    /// job's submits to the service together (`queue::cooldown`), which a retry hidden in one
    /// call would bypass.
    pub retry_rate_limited_submits: bool,
}

impl NanoBananaConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            callback_url: PLACEHOLDER_CALLBACK_URL.to_owned(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            download: DownloadLimits::default(),
            check_credits_before_submit: true,
            retry_rate_limited_submits: true,
        }
    }

    pub fn from_core(config: &crate::CoreConfig) -> Self {
        Self::new(config.nanobanana_base_url.clone())
    }
}

/// The HTTP client for one API key. Cheap to clone.
#[derive(Debug, Clone)]
pub struct NanoBananaClient {
    http: reqwest::Client,
    /// Result images live on another host (a CDN) that may redirect; no key goes there.
    files: reqwest::Client,
    config: Arc<NanoBananaConfig>,
    base: String,
    api_key: Option<ApiKey>,
}

impl NanoBananaClient {
    /// Without a key every call fails with [`ProviderError::ApiKeyMissing`] before any request.
    pub fn new(config: NanoBananaConfig, api_key: Option<ApiKey>) -> Result<Self, ProviderError> {
        let base = config.base_url.trim().trim_end_matches('/').to_owned();
        if !crate::net::is_secure_or_loopback(&base) {
            return Err(ProviderError::InvalidInput(format!(
                "the Nano Banana address '{base}' must be https (plain http only on this computer)"
            )));
        }
        let http = crate::net::api_client(config.connect_timeout, config.read_timeout)?;
        let files = crate::net::files_client(config.connect_timeout, config.read_timeout)?;
        Ok(Self {
            http,
            files,
            config: Arc::new(config),
            base,
            api_key,
        })
    }

    pub fn config(&self) -> &NanoBananaConfig {
        &self.config
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn host(&self) -> String {
        reqwest::Url::parse(&self.base)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.base.clone())
    }

    /// Submits one task and returns its id. Validation (and a known-zero balance) refuse it
    /// before the submit request; see [`crate::providers::retry`] for what is retried.
    pub async fn submit(&self, req: &GenerationRequest) -> Result<String, ProviderError> {
        req.validate()?;
        let per_task = req.model.info().images_per_task;
        if u32::from(req.count) > per_task {
            return Err(ProviderError::InvalidInput(format!(
                "{} makes {per_task} image(s) per task; split the request with split_into_tasks()",
                req.model
            )));
        }
        let (path, body) = wire::submit_body(req, &self.config.callback_url)?;
        if self.api_key.is_none() {
            return Err(ProviderError::ApiKeyMissing {
                service: super::Service::NanoBanana,
            });
        }
        if self.config.check_credits_before_submit {
            self.refuse_known_zero_balance().await?;
        }
        let url = self.url(path);
        let data = self
            .call(Call::Submit, || {
                self.http
                    .post(&url)
                    .json(&body)
                    .timeout(self.config.request_timeout)
            })
            .await?;
        // An accepted submit without a task id may still have created (and charged) one.
        let task_id = wire::task_id(&data).map_err(|e| ProviderError::SubmitUnconfirmed {
            message: e.to_string(),
        })?;
        tracing::info!(%task_id, model = %req.model, "Nano Banana task submitted");
        Ok(task_id)
    }

    /// A zero balance is refused; a balance that cannot be read does not block the submit,
    /// unless the reason is the key or the credits themselves.
    async fn refuse_known_zero_balance(&self) -> Result<(), ProviderError> {
        match self.credits().await {
            Ok(balance) if balance <= 0.0 => Err(ProviderError::OutOfCredits {
                message: format!("the balance is {balance}"),
            }),
            Ok(_) => Ok(()),
            Err(
                e @ (ProviderError::ApiKeyRejected { .. } | ProviderError::OutOfCredits { .. }),
            ) => Err(e),
            Err(e) => {
                tracing::warn!(error = %e, "could not read the credit balance; submitting anyway");
                Ok(())
            }
        }
    }

    /// One look at the task. A terminal failure (successFlag 2/3) is `Ok(PollOutcome::Failed)`,
    /// so the caller stops polling; transport failures are retried here, then returned.
    pub async fn poll_once(&self, task_id: &str) -> Result<PollOutcome, ProviderError> {
        let task_id = task_id.trim();
        if task_id.is_empty() {
            return Err(ProviderError::InvalidInput("the task id is empty".into()));
        }
        let mut url = reqwest::Url::parse(&self.url(wire::RECORD_INFO))
            .map_err(|e| ProviderError::InvalidInput(format!("bad record-info URL: {e}")))?;
        url.query_pairs_mut().append_pair("taskId", task_id);
        let data = self
            .call(Call::Poll { task_id }, || {
                self.http
                    .get(url.clone())
                    .timeout(self.config.request_timeout)
            })
            .await?;
        outcome_of(task_id, data)
    }

    /// The account's credit balance.
    pub async fn credits(&self) -> Result<f64, ProviderError> {
        let url = self.url(wire::CREDIT);
        let data = self
            .call(Call::Credit, || {
                self.http.get(&url).timeout(self.config.request_timeout)
            })
            .await?;
        wire::credit_balance(&data)
    }

    /// Streams a result image to `dest` (see [`crate::providers::download`]). The API key is not
    /// sent to the image host.
    pub async fn download(
        &self,
        url: &str,
        dest: &Path,
        progress: impl FnMut(DownloadProgress) + Send,
        deadline: Instant,
    ) -> Result<DownloadedImage, ProviderError> {
        download_image(
            &self.files,
            url,
            dest,
            self.config.download,
            self.config.retry,
            progress,
            deadline,
        )
        .await
    }

    /// Whether a result URL still serves an image (checked just before it is handed to the
    /// service as an edit's input): one small ranged GET, any failure meaning no.
    pub async fn still_serves(&self, url: &str) -> bool {
        let answer = self
            .files
            .get(url)
            .header(reqwest::header::RANGE, "bytes=0-1023")
            .timeout(std::time::Duration::from_secs(10))
            .send()
            .await;
        match answer {
            Ok(response) => {
                let image = response
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|t| t.starts_with("image/"));
                response.status().is_success() && image
            }
            Err(_) => false,
        }
    }
}

fn outcome_of(task_id: &str, data: Value) -> Result<PollOutcome, ProviderError> {
    let record = wire::task_record(&data)?;
    let has_urls = !record.result_urls.is_empty() || !record.origin_urls.is_empty();
    match record.success_flag {
        Some(0) => Ok(PollOutcome::Pending { raw: data }),
        // No flag at all: done if it already names images, otherwise still going.
        None if !has_urls => Ok(PollOutcome::Pending { raw: data }),
        None | Some(1) => {
            let (urls, fallback_urls) = if record.result_urls.is_empty() {
                (record.origin_urls, Vec::new())
            } else {
                (record.result_urls, record.origin_urls)
            };
            if urls.is_empty() {
                return Err(ProviderError::protocol(format!(
                    "task {task_id} succeeded but its answer names no image URL"
                )));
            }
            Ok(PollOutcome::Done {
                urls,
                fallback_urls,
                raw: data,
            })
        }
        Some(flag @ (2 | 3)) => {
            let fallback = if flag == 2 {
                "the service could not create the task"
            } else {
                "the service could not generate the image"
            };
            let message = record.error_message.unwrap_or_else(|| fallback.to_owned());
            Ok(PollOutcome::Failed {
                error: ProviderError::GenerationFailed {
                    success_flag: flag as u8,
                    error_code: record.error_code,
                    message,
                },
                raw: data,
            })
        }
        Some(other) => Err(ProviderError::protocol(format!(
            "task {task_id} has an unknown successFlag {other}"
        ))),
    }
}
