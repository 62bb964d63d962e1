//! A batch as asked for (a template, the models it fans out to, the size, the CSV file, the mode
//! and the limit) and the prompts it stands for. The limit counts jobs (prompts × models) and is
//! checked on the count, before a single prompt is made.

use serde::{Deserialize, Serialize};

use super::csv_table::CsvTable;
use super::template::{Expansion, ExpansionMode, Template, TemplateError};
use super::wildcards::Wildcards;
use crate::catalog::{AspectRatio, ImageSize, Model, ProviderKind};
use crate::{CoreError, Result};

/// Jobs a batch may have unless the caller raises the limit (peers expand thousands by accident).
pub const DEFAULT_MAX_JOBS: u32 = 500;

/// What a person asks a batch to be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BatchRequest {
    pub template: String,
    /// Every prompt goes to each of these models, in this order (fan-out); one job per pair.
    pub models: Vec<Model>,
    /// `None`: each model's default size.
    pub size: Option<ImageSize>,
    pub aspect_ratio: AspectRatio,
    /// The CSV file's text, whose rows fill `${column}`.
    pub csv: Option<String>,
    pub mode: ExpansionMode,
    /// The most jobs the batch may have.
    pub max: u32,
    /// Record it even past the monthly budget (the person confirmed).
    pub over_budget: bool,
    /// Send the Gemini jobs through Gemini's Batch API (half price, results within 24 h); the
    /// other models' jobs go interactively.
    #[serde(default)]
    pub batch_api: bool,
}

impl BatchRequest {
    /// All combinations of `template` on `models`, at their default sizes, within the default limit.
    pub fn new(template: impl Into<String>, models: Vec<Model>) -> Self {
        Self {
            template: template.into(),
            models,
            size: None,
            aspect_ratio: AspectRatio::default(),
            csv: None,
            mode: ExpansionMode::AllCombinations,
            max: DEFAULT_MAX_JOBS,
            over_budget: false,
            batch_api: false,
        }
    }

    /// The prompts, in the template's order; refused over the limit (prompts × models) before
    /// any prompt is made.
    pub fn prompts(&self, wildcards: &Wildcards) -> Result<Vec<Expansion>> {
        self.check_models()?;
        let template = Template::parse(&self.template)?;
        let table = self.csv.as_deref().map(CsvTable::parse).transpose()?;
        let plan = template.resolve(wildcards, table.as_ref())?;
        let models = u128::try_from(self.models.len()).unwrap_or(u128::MAX);
        let jobs = plan.prompts_for(self.mode)?.saturating_mul(models);
        if jobs > u128::from(self.max) {
            return Err(TemplateError::TooManyPrompts {
                count: jobs,
                max: u64::from(self.max),
            }
            .into());
        }
        Ok(plan.expand(self.mode, u64::from(self.max))?)
    }

    fn check_models(&self) -> Result<()> {
        if self.models.is_empty() {
            return Err(CoreError::InvalidInput(
                "a batch needs at least one model".into(),
            ));
        }
        for (i, model) in self.models.iter().enumerate() {
            if self.models[..i].contains(model) {
                return Err(CoreError::InvalidInput(format!(
                    "the model {} is listed twice: list each model once",
                    model.as_str()
                )));
            }
        }
        Ok(())
    }
}

/// One job of a batch before it is recorded: the prompt, who runs it and its estimate at the
/// prices in effect (the demo runs every model's job when no key is known).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlannedJob {
    pub prompt: String,
    pub model: Model,
    pub provider: ProviderKind,
    pub size: ImageSize,
    pub estimated_cost: f64,
}

/// A whole batch before it is recorded: its jobs and their total, the plain sum of the jobs'
/// estimates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BatchPlan {
    pub count: u32,
    pub jobs: Vec<PlannedJob>,
    pub estimated_cost: f64,
    /// How long the jobs sent now take at this profile's concurrency, from its history; `None`
    /// until each of their models and sizes has enough finished jobs.
    pub expected: Option<crate::library::ExpectedTime>,
}
