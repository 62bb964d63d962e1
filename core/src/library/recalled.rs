//! What recalling an image's metadata gives back (`recall.rs` reads it): the settings found, to
//! fill in the generation form, and which tool wrote them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum MetadataSource {
    Nanoforge,
    Automatic1111,
    ComfyUi,
    InvokeAi,
}

/// Settings recovered from an image, to fill in the generation form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RecalledSettings {
    pub source: MetadataSource,
    pub prompt: Option<String>,
    pub negative_prompt: Option<String>,
    pub model: Option<String>,
    pub provider: Option<String>,
    /// Text, because other tools use 64-bit seeds that a JavaScript number cannot hold.
    pub seed: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub steps: Option<u32>,
    pub cfg_scale: Option<f64>,
    pub sampler: Option<String>,
    pub aspect_ratio: Option<String>,
    pub task_id: Option<String>,
    pub cost: Option<f64>,
    pub created_at: Option<f64>,
}

impl RecalledSettings {
    pub(super) fn new(source: MetadataSource) -> Self {
        Self {
            source,
            prompt: None,
            negative_prompt: None,
            model: None,
            provider: None,
            seed: None,
            width: None,
            height: None,
            steps: None,
            cfg_scale: None,
            sampler: None,
            aspect_ratio: None,
            task_id: None,
            cost: None,
            created_at: None,
        }
    }
}
