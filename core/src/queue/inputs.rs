//! How a request's input images reach its provider: the one place this is decided, from the
//! catalog's [`InputMode`] of the provider that runs the job. Inline providers (Gemini) get the
//! library images' bytes; URL providers (the reseller) get the public URLs the person gave plus a
//! short-lived link to each library image, made by the session's [`InputLinks`] (the user's sync
//! bucket) just before the paid submit — links are never stored with the job, so a rerun or a
//! resume after hours makes fresh ones.

use super::job_data::ResultUrls;
use super::shared::Shared;
use crate::catalog::{InputMode, ProviderKind};
use crate::library::ImageFileKind;
use crate::providers::gemini::InlineImage;
use crate::providers::{GenerationRequest, Provider};
use crate::{CoreError, Result};

/// The request as its provider receives it, and the bytes of inline inputs.
pub(crate) struct ProviderInputs {
    pub request: GenerationRequest,
    pub inline: Vec<InlineImage>,
}

impl Shared {
    /// The URL the reseller serves library image `id` at, when it made it and the URL still
    /// answers with an image (checked now).
    async fn live_result_url(&self, id: &str) -> Result<Option<String>> {
        let image = self.library.get_image(id).await?;
        let Some(job_id) = &image.job_id else {
            return Ok(None);
        };
        let job = self.library.get_job(job_id).await?;
        if !job.provider.info().remote_tasks {
            return Ok(None);
        }
        let Some(url) = ResultUrls::of_job(&job)
            .ok()
            .and_then(|r| r.urls.get(image.position as usize).cloned())
        else {
            return Ok(None);
        };
        let providers = self.providers().await?;
        match providers.get(job.provider) {
            Ok(Provider::NanoBanana(client)) if client.still_serves(&url).await => Ok(Some(url)),
            _ => Ok(None),
        }
    }

    /// Refuses, before anything is recorded, inputs that cannot reach `kind`: URLs for a provider
    /// that takes bytes, library images a URL provider cannot be given a link to. Library images
    /// must exist in this library.
    pub(super) async fn check_inputs(
        &self,
        kind: ProviderKind,
        request: &GenerationRequest,
    ) -> Result<()> {
        for id in &request.input_images {
            self.library.get_image(id).await?;
        }
        match kind.info().input_mode {
            InputMode::Inline if !request.image_urls.is_empty() => {
                Err(CoreError::InvalidInput(format!(
                    "{} takes input images as files: import the URL as an input image first",
                    kind.label()
                )))
            }
            InputMode::Urls => {
                for id in &request.input_images {
                    if self.live_result_url(id).await?.is_none() {
                        self.links.prepare(id).await?;
                    }
                }
                Ok(())
            }
            InputMode::Inline | InputMode::Local => Ok(()),
        }
    }

    /// The request as `kind` takes it. Runs before the paid attempt is committed, so a link that
    /// cannot be made fails the job as never sent.
    pub(super) async fn provider_inputs(
        &self,
        kind: ProviderKind,
        request: GenerationRequest,
    ) -> Result<ProviderInputs> {
        match kind.info().input_mode {
            InputMode::Inline => {
                let mut inline = Vec::with_capacity(request.input_images.len());
                for id in &request.input_images {
                    let (bytes, mime) = self
                        .library
                        .image_file_bytes(id, ImageFileKind::Original)
                        .await?;
                    inline.push(InlineImage {
                        mime: mime.to_owned(),
                        bytes,
                    });
                }
                Ok(ProviderInputs { request, inline })
            }
            InputMode::Urls => {
                let mut request = request;
                for id in request.input_images.clone() {
                    // The service's own copy while it still serves it (an edit of a result it
                    // made), else a link to ours.
                    let url = match self.live_result_url(&id).await? {
                        Some(url) => url,
                        None => self.links.link(&id).await?,
                    };
                    request.image_urls.push(url);
                }
                Ok(ProviderInputs {
                    request,
                    inline: Vec::new(),
                })
            }
            InputMode::Local => Ok(ProviderInputs {
                request,
                inline: Vec::new(),
            }),
        }
    }
}
