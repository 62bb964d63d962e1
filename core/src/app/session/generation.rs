//! Generating and following jobs for this session's profile: record and start jobs, run one again,
//! recover, cancel, wait, resume after a restart, and the money around them (budget, balance,
//! which providers can run).

use serde::Serialize;

use super::Session;
use crate::Result;
use crate::catalog::{ImageSize, Model, ModelInfo, ProviderInfo, ProviderKind};
use crate::library::{ExpectedTime, JobFamily, JobRecord};
use crate::providers::GenerationRequest;
use crate::queue::{BudgetStatus, CreditsInfo, GenerateOptions, ResumeReport};

/// What a request would cost and who would run it, as the Generator shows it before Generate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// The provider that would run it (the demo when no key is known).
    pub provider: ProviderKind,
    /// USD per image at the prices in effect (the user's overrides included).
    pub per_image_usd: f64,
    /// USD for the whole request, rounded as jobs record it.
    pub total_usd: f64,
    /// Jobs it would record (models that make one image per task get one job per image).
    pub jobs: u32,
    /// How long it usually takes here (those jobs at this profile's concurrency); `None` until
    /// enough jobs of this model and size have finished.
    pub expected: Option<ExpectedTime>,
}

/// The catalog as this profile sees it: every model and provider with what it offers and can do,
/// and the price in effect for each model and size — what the Generator, Settings and `models
/// --json` show, so nothing outside the core works a price out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    pub models: Vec<ModelInfo>,
    pub providers: Vec<ProviderInfo>,
    pub prices: Vec<PriceInEffect>,
}

/// What one image of a model at a size costs for this profile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PriceInEffect {
    pub model: Model,
    pub size: ImageSize,
    pub usd: f64,
    /// The person set it (else it is the catalog's default).
    pub own: bool,
    /// An estimate: the catalog's default is one and the person has not set their own.
    pub estimate: bool,
}

impl Session {
    /// The catalog with this profile's prices in effect.
    pub fn catalog(&self) -> Catalog {
        let prices = self.queue.money().prices;
        let models = crate::catalog::builtin().to_vec();
        let prices = models
            .iter()
            .flat_map(|info| info.sizes.iter().map(move |s| (info, s.size)))
            .map(|(info, size)| {
                let own = prices.own(info.model, size).is_some();
                PriceInEffect {
                    model: info.model,
                    size,
                    usd: prices.per_image(info.model, size),
                    own,
                    estimate: info.price_is_estimate && !own,
                }
            })
            .collect();
        Catalog {
            models,
            providers: ProviderKind::ALL.map(ProviderKind::info).to_vec(),
            prices,
        }
    }

    /// Records the jobs of `request` (one per task) and starts them; returns once they are
    /// recorded. Invalid input is refused before anything is recorded or sent.
    pub async fn generate(
        &self,
        mut request: GenerationRequest,
        mut options: GenerateOptions,
    ) -> Result<Vec<JobRecord>> {
        self.reference_inputs(&mut request, &mut options).await?;
        self.queue.generate(request, options).await
    }

    /// Named references become inputs, first and labelled with their names (the request's text
    /// says "the image labelled Mira"); a name that is not a reference is an error before
    /// anything is recorded. A reference removed later stays with the job (it is its image).
    async fn reference_inputs(
        &self,
        request: &mut GenerationRequest,
        options: &mut GenerateOptions,
    ) -> Result<()> {
        if request.references.is_empty() {
            return Ok(());
        }
        let names = std::mem::take(&mut request.references);
        let (mut ids, mut labels) = self.resolve_references(&names, false).await?;
        labels.extend(request.input_images.iter().map(|_| None));
        ids.append(&mut request.input_images);
        request.input_images = ids;
        if options.conversation.is_none() {
            options.conversation =
                Some(crate::conversation::Turn::new(request.model, None, labels));
        }
        Ok(())
    }

    /// The provider and price of `request` with `options`, without recording anything.
    pub async fn quote(
        &self,
        request: &GenerationRequest,
        options: &GenerateOptions,
    ) -> Result<Quote> {
        let provider = self.queue.provider_for(request, options).await?;
        let model = if provider == ProviderKind::Demo {
            crate::catalog::Model::Demo
        } else {
            request.model
        };
        let prices = self.queue.money().prices;
        let count = u32::from(request.count);
        let jobs = u32::try_from(request.split_into_tasks().len()).unwrap_or(u32::MAX);
        let concurrency = self.preferences().await?.concurrency;
        let expected = self
            .library
            .expected_time(model, request.size)
            .await?
            .map(|t| t.for_jobs(jobs, concurrency));
        Ok(Quote {
            provider,
            per_image_usd: prices.per_image(model, request.size),
            total_usd: prices.estimate(model, request.size, count),
            jobs,
            expected,
        })
    }

    /// Runs a job's request again as a new paid job linked to it, in this profile.
    pub async fn rerun(&self, job_id: &str, options: GenerateOptions) -> Result<Vec<JobRecord>> {
        self.queue.rerun(job_id, options).await
    }

    /// How long one job of `model` at `size` usually takes here (for a running job's card).
    pub async fn expected_time(
        &self,
        model: Model,
        size: ImageSize,
    ) -> Result<Option<ExpectedTime>> {
        self.library.expected_time(model, size).await
    }

    /// Recovers a paid job whose result may exist: re-poll and re-download, never resubmit.
    pub async fn retry(&self, job_id: &str) -> Result<JobRecord> {
        self.queue.retry(job_id).await
    }

    pub async fn cancel(&self, job_id: &str) -> Result<JobRecord> {
        self.queue.cancel(job_id).await
    }

    /// Waits for a job to finish (here or in another process) and returns it.
    pub async fn wait(&self, job_id: &str) -> Result<JobRecord> {
        self.queue.wait(job_id).await
    }

    pub async fn resume_unfinished(&self) -> Result<ResumeReport> {
        self.queue.resume_unfinished().await
    }

    /// This month's spend against the profile's budget.
    pub async fn budget_status(&self) -> Result<BudgetStatus> {
        self.queue.budget_status().await
    }

    pub async fn credits(&self) -> Result<CreditsInfo> {
        self.queue.credits().await
    }

    /// Nano Banana when its key is known, else Gemini, else the offline demo provider.
    pub async fn default_provider(&self) -> Result<ProviderKind> {
        self.queue.default_provider().await
    }

    /// Providers that can generate for this profile (those with a key, and the demo).
    pub async fn available_providers(&self) -> Result<Vec<ProviderKind>> {
        self.queue.available_providers().await
    }

    /// Where a job comes from and what was made from it.
    pub async fn job_family(&self, job_id: &str) -> Result<JobFamily> {
        self.library.job_family(job_id).await
    }

    /// Paid requests in flight now (quitting waits for them).
    pub fn paid_requests_in_flight(&self) -> u32 {
        self.queue.paid_in_flight()
    }

    /// Starts no paid request from now on and waits for those in flight to be recorded.
    pub async fn finish_paid_requests(&self) {
        self.queue.finish_paid_requests().await;
    }

    /// Stops driving jobs and releases their leases, so another process can resume them at once.
    pub async fn shutdown(&self) -> Result<u32> {
        self.queue.shutdown().await
    }
}
