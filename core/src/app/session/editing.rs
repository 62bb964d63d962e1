//! "Edit this" for this session's profile: an instruction on an image becomes a child job of it
//! (`parent_image_id`). With a provider that has conversations (Gemini) it continues the one that
//! made the image when it can, else starts one with the image in the user turn; with one that
//! takes URLs (Nano Banana) the image goes as an input link. References are named inputs. What
//! this needs of the library (the originals of the chain) is fetched first on a phone.

use serde::{Deserialize, Serialize};

use super::Session;
use crate::catalog::{AspectRatio, ImageSize, Model, ProviderKind};
use crate::conversation::{Start, Turn, load_chain, plan_edit, replay_usd};
use crate::library::{JobPurpose, JobRecord};
use crate::providers::GenerationRequest;
use crate::queue::GenerateOptions;
use crate::{CoreError, Result};

/// What to do to an image, as the editor and `nanoforge edit` ask it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct EditRequest {
    /// The image to edit (the new job's `parent_image_id`).
    pub image_id: String,
    pub instruction: String,
    /// `None`: the provider that made the image if it can run here, else the default one.
    pub provider: Option<ProviderKind>,
    /// `None`: the image's model on that provider, else the provider's default model.
    pub model: Option<Model>,
    /// `None`: the image's size tier.
    pub size: Option<ImageSize>,
    /// `None`: the image's own shape (the nearest ratio the model offers).
    pub aspect_ratio: Option<AspectRatio>,
    /// More library images to send with it.
    pub input_images: Vec<String>,
    /// Named references to send with it (`Mira`, `logo`).
    pub references: Vec<String>,
    /// Start a new conversation with the image, even where the old one could continue.
    pub start_fresh: bool,
    /// Go over the monthly budget for this edit (the person confirmed).
    pub over_budget: bool,
}

/// What an upscale asks (`shared/notes/editing.md` §4).
pub const UPSCALE_INSTRUCTION: &str = "Re-render this exact image at higher resolution. Keep the \
composition, framing, colours, identity, expressions and all text exactly; add only fine natural \
detail (pores, fabric weave, hair); no smoothing, no new objects.";

impl Session {
    /// Re-renders image `image_id` at `size` (2K or 4K) as a priced child job, on `model` or one
    /// that offers the size (the image's own model first).
    pub async fn upscale(
        &self,
        image_id: &str,
        size: ImageSize,
        model: Option<Model>,
        over_budget: bool,
    ) -> Result<JobRecord> {
        if !matches!(size, ImageSize::S2K | ImageSize::S4K) {
            return Err(CoreError::InvalidInput("an upscale is to 2K or 4K".into()));
        }
        let image = self.library.get_image(image_id).await?;
        let own = match &image.job_id {
            Some(id) => Some(self.library.get_job(id).await?.model),
            None => None,
        };
        let available = self.queue.available_providers().await?;
        let model = match model {
            Some(model) if model.info().size(size).is_none() => {
                return Err(CoreError::InvalidInput(format!(
                    "{} does not make {size} images; choose a model that does",
                    model.info().label
                )));
            }
            Some(model) => model,
            None => own
                .into_iter()
                .chain(crate::catalog::builtin().iter().map(|m| m.model))
                .find(|m| {
                    m.info().size(size).is_some()
                        && available.contains(&m.provider())
                        && m.provider() != ProviderKind::Demo
                })
                .ok_or_else(|| {
                    CoreError::InvalidInput(format!(
                        "no model you can use here makes {size} images: add a Gemini or Nano \
                         Banana key"
                    ))
                })?,
        };
        let request = EditRequest {
            image_id: image_id.to_owned(),
            instruction: UPSCALE_INSTRUCTION.into(),
            provider: Some(model.provider()),
            model: Some(model),
            size: Some(size),
            start_fresh: true,
            over_budget,
            ..EditRequest::default()
        };
        let (generation, mut options, _) = self.edit_plan(&request, true).await?;
        options.purpose = Some(JobPurpose::Upscale);
        let mut jobs = self.queue.generate(generation, options).await?;
        jobs.pop()
            .ok_or_else(|| CoreError::Internal("an upscale recorded no job".into()))
    }

    /// Records and starts the edit; returns its job.
    pub async fn edit(&self, request: EditRequest) -> Result<JobRecord> {
        let (generation, options, _) = self.edit_plan(&request, true).await?;
        let mut jobs = self.queue.generate(generation, options).await?;
        jobs.pop()
            .ok_or_else(|| CoreError::Internal("an edit recorded no job".into()))
    }

    /// Answers a model's text-only turn (a question, a refusal) of job `job_id` in the same
    /// conversation.
    pub async fn reply(&self, job_id: &str, text: &str, over_budget: bool) -> Result<JobRecord> {
        let job = self.library.get_job(job_id).await?;
        let turn = Turn::parse(job.conversation.as_deref())
            .filter(|t| t.answer.is_some())
            .ok_or_else(|| {
                CoreError::InvalidInput(format!(
                    "job {job_id} has no answer of a conversation to reply to"
                ))
            })?;
        self.chain_images(Some(job_id), turn.model, true).await?;
        let mut generation = GenerationRequest::new(text, job.model);
        generation.size = job.image_size;
        generation.aspect_ratio = job.aspect_ratio;
        let options = GenerateOptions {
            provider: Some(job.provider),
            over_budget,
            parent_image_id: job.parent_image_id.clone(),
            conversation: Some(Turn::new(job.model, Some(job.id.clone()), Vec::new())),
            purpose: Some(JobPurpose::Reply),
            ..GenerateOptions::default()
        };
        let mut jobs = self.queue.generate(generation, options).await?;
        jobs.pop()
            .ok_or_else(|| CoreError::Internal("a reply recorded no job".into()))
    }

    /// The request and options an edit records (also what its quote prices). With `fetch`, the
    /// originals it sends are fetched to this device first (a phone keeps only thumbnails).
    pub(crate) async fn edit_plan(
        &self,
        request: &EditRequest,
        fetch: bool,
    ) -> Result<(GenerationRequest, GenerateOptions, Vec<u64>)> {
        if request.instruction.trim().is_empty() {
            return Err(CoreError::InvalidInput(
                "say what to change: the instruction is empty".into(),
            ));
        }
        let image = self
            .library
            .get_image(&request.image_id)
            .await
            .map_err(|e| match e {
                CoreError::NotFound(_) => CoreError::NotFound(format!(
                    "image {} (deleted forever images cannot be edited)",
                    request.image_id
                )),
                e => e,
            })?;
        if fetch {
            self.ensure_original(&image.id).await?;
        }
        let job = match &image.job_id {
            Some(id) => Some(self.library.get_job(id).await?),
            None => None,
        };
        let provider = self.edit_provider(request, job.as_ref()).await?;
        let model = self.edit_model(request, job.as_ref(), provider);
        let info = model.info();
        let start = plan_edit(&image, job.as_ref(), provider, model, request.start_fresh);
        let (refs, labels) = self.resolve_references(&request.references, fetch).await?;
        let mut inputs = Vec::new();
        let mut names = Vec::new();
        // The sizes of the images the request replays (what grows each turn).
        let mut replayed = Vec::new();
        let continues = match start {
            Start::Continue { job_id } => {
                replayed = self.chain_images(Some(&job_id), model, fetch).await?;
                Some(job_id)
            }
            Start::Fresh => {
                // The image itself goes in the user turn (or as an input link).
                inputs.push(image.id.clone());
                names.push(None);
                None
            }
        };
        inputs.extend(refs);
        names.extend(labels);
        for id in &request.input_images {
            inputs.push(id.clone());
            names.push(None);
        }
        let mut generation = GenerationRequest::new(request.instruction.trim(), model);
        generation.size = request
            .size
            .or(job.as_ref().map(|j| j.image_size))
            .filter(|s| info.size(*s).is_some())
            .unwrap_or(info.default_size);
        generation.aspect_ratio = request.aspect_ratio.unwrap_or_else(|| {
            AspectRatio::nearest_among(image.width, image.height, info.aspect_ratios)
        });
        generation.input_images = inputs;
        let replay_count = u32::try_from(replayed.len()).unwrap_or(u32::MAX);
        let options = GenerateOptions {
            provider: Some(provider),
            over_budget: request.over_budget,
            parent_image_id: Some(image.id.clone()),
            conversation: Some(Turn::new(model, continues, names)),
            purpose: Some(JobPurpose::Edit),
            extra_estimate_usd: replay_usd(model, replay_count),
            ..GenerateOptions::default()
        };
        Ok((generation, options, replayed))
    }

    /// The provider an edit runs on: the one asked for, else the image's own when it can run
    /// here, else the default.
    async fn edit_provider(
        &self,
        request: &EditRequest,
        job: Option<&JobRecord>,
    ) -> Result<ProviderKind> {
        if let Some(provider) = request.provider {
            return Ok(provider);
        }
        let available = self.queue.available_providers().await?;
        match job.map(|j| j.provider) {
            Some(kind) if kind != ProviderKind::Demo && available.contains(&kind) => Ok(kind),
            _ => self.queue.default_provider().await,
        }
    }

    fn edit_model(
        &self,
        request: &EditRequest,
        job: Option<&JobRecord>,
        provider: ProviderKind,
    ) -> Model {
        request
            .model
            .filter(|m| m.provider() == provider)
            .or(job.map(|j| j.model).filter(|m| m.provider() == provider))
            .unwrap_or_else(|| provider.default_model())
    }

    /// The sizes of the images a conversation's replay sends (once per time it is sent); with
    /// `fetch`, each is made sure to be on this device before the edit is recorded.
    async fn chain_images(
        &self,
        from: Option<&str>,
        model: Model,
        fetch: bool,
    ) -> Result<Vec<u64>> {
        let chain = load_chain(&self.library, from, model).await?;
        let hashes: Vec<String> = chain.iter().flat_map(Turn::all_images).collect();
        let mut sizes = Vec::with_capacity(hashes.len());
        for sha in &hashes {
            let ids = self
                .library
                .images_by_sha256(std::slice::from_ref(sha))
                .await?;
            let Some(id) = ids.first() else {
                return Err(CoreError::ConversationBroken(
                    "an image of this conversation is no longer in the library; start fresh from \
                     this image"
                        .into(),
                ));
            };
            if fetch {
                self.ensure_original(id).await?;
            }
            sizes.push(self.library.get_image(id).await?.bytes as u64);
        }
        Ok(sizes)
    }

    /// The images `names` mean, and their names (for the user turn).
    pub(super) async fn resolve_references(
        &self,
        names: &[String],
        fetch: bool,
    ) -> Result<(Vec<String>, Vec<Option<String>>)> {
        let mut ids = Vec::new();
        let mut labels = Vec::new();
        for name in names {
            let reference = self.library.reference(name).await?;
            if fetch {
                self.ensure_original(&reference.image_id).await?;
            }
            ids.push(reference.image_id);
            labels.push(Some(reference.name));
        }
        Ok((ids, labels))
    }
}
