//! The credit balance before anything is recorded: a known zero, or too few credits for the
//! request (at the credits per image the person set, else the rate learned from earlier jobs),
//! refuses it, so a refusal sends nothing. The monthly budget is checked in the transaction that
//! records the jobs (`Library::insert_jobs_within_budget`).

use super::lock;
use super::shared::Shared;
use crate::catalog::ProviderKind;
use crate::providers::{GenerationRequest, ProviderError};
use crate::{CoreError, Result};

impl Shared {
    /// Refuses `request` on `kind` when the balance is known to be too low.
    pub(super) async fn check_balance(
        &self,
        kind: ProviderKind,
        request: &GenerationRequest,
    ) -> Result<()> {
        self.check_balance_for(kind, request, f64::from(request.count))
            .await
    }

    /// Refuses `images` images like `request`'s (a whole batch's on one provider) when the
    /// balance is known to be too low for all of them.
    pub(super) async fn check_balance_for(
        &self,
        kind: ProviderKind,
        request: &GenerationRequest,
        images: f64,
    ) -> Result<()> {
        let money = lock(&self.money).clone();
        let providers = self.providers().await?;
        let Ok(provider) = providers.get(kind) else {
            return Ok(());
        };
        let learned = self
            .library
            .credit_rate(kind, request.model, request.size)
            .await?;
        let per_image = money.credits_per_image.or(learned);
        match provider.credits().await {
            Ok(Some(balance)) if balance <= 0.0 => {
                Err(CoreError::Provider(ProviderError::OutOfCredits {
                    message: format!("the balance is {balance} credits"),
                }))
            }
            Ok(Some(balance)) => match per_image {
                Some(per_image) if per_image * images > balance => {
                    Err(CoreError::Provider(ProviderError::OutOfCredits {
                        message: format!(
                            "{images} image(s) at {per_image} credits need {} credits; the balance is {balance}",
                            per_image * images
                        ),
                    }))
                }
                _ => Ok(()),
            },
            Ok(None) => Ok(()),
            Err(
                e @ (ProviderError::ApiKeyRejected { .. } | ProviderError::OutOfCredits { .. }),
            ) => Err(e.into()),
            // An unreadable balance does not block a generation.
            Err(e) => {
                tracing::warn!(error = %e, "could not read the credit balance; generating anyway");
                Ok(())
            }
        }
    }
}
