//! What an edit would cost and send, before it is recorded: the provider and model it would run
//! on, whether it continues the image's conversation, its price (the image, plus the replayed
//! images as input tokens: what grows each turn) and the payload meter against the API's inline
//! limit, with "start fresh" suggested when the request gets large. Nothing is fetched or sent.

use serde::Serialize;

use super::Session;
use super::editing::EditRequest;
use crate::Result;
use crate::catalog::{ImageSize, Model, ProviderKind};
use crate::conversation::PayloadMeter;

/// An edit's quote, as the editor shows it next to Send.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EditQuote {
    pub provider: ProviderKind,
    pub model: Model,
    pub size: ImageSize,
    /// It continues the conversation that made the image (else a new one starts).
    pub continues: bool,
    /// Earlier turns' images the request sends again.
    pub replayed_images: u32,
    /// USD for the image at the prices in effect.
    pub image_usd: f64,
    /// USD the replayed images add as input.
    pub replay_usd: f64,
    pub total_usd: f64,
    /// The request's size against the inline limit (a conversation's only; else empty).
    pub payload: PayloadMeter,
}

impl Session {
    /// The quote of `request`, without fetching, recording or sending anything.
    pub async fn edit_quote(&self, request: &EditRequest) -> Result<EditQuote> {
        let (generation, options, replayed) = self.edit_plan(request, false).await?;
        let provider = options.provider.unwrap_or(ProviderKind::Demo);
        let image_usd = if provider == ProviderKind::Demo {
            0.0
        } else {
            self.queue
                .money()
                .prices
                .per_image(generation.model, generation.size)
        };
        let mut sizes = replayed.clone();
        for id in &generation.input_images {
            sizes.push(self.library.get_image(id).await?.bytes as u64);
        }
        let text = generation.prompt.len() as u64;
        let payload = PayloadMeter::against(&sizes, text, self.config().inline_request_limit);
        let replay_usd = options.extra_estimate_usd;
        Ok(EditQuote {
            provider,
            model: generation.model,
            size: generation.size,
            continues: options
                .conversation
                .as_ref()
                .is_some_and(|t| t.continues.is_some()),
            replayed_images: u32::try_from(replayed.len()).unwrap_or(u32::MAX),
            image_usd,
            replay_usd,
            total_usd: crate::catalog::round_micro_usd(image_usd + replay_usd),
            payload,
        })
    }
}
