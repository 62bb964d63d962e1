//! Money checks before anything is recorded: the monthly budget and the credit balance (see
//! [`super::money`]). Both refuse before a job is recorded, so a refusal sends nothing.

use super::lock;
use super::money::budget_status;
use super::shared::Shared;
use crate::providers::{GenerationRequest, ProviderError};
use crate::{CoreError, Result};

impl Shared {
    /// Refuses `request` (estimated at `estimate` USD for `images` images) when it would take the
    /// month past the budget (unless `over_budget`), or the balance is known to be too low.
    pub(super) async fn check_money(
        &self,
        request: &GenerationRequest,
        estimate: f64,
        over_budget: bool,
    ) -> Result<()> {
        let money = lock(&self.money).clone();
        if let Some(limit) = money.monthly_budget_usd
            && !over_budget
            && estimate > 0.0
        {
            let status = budget_status(&self.library, Some(limit)).await?;
            if status.spent() + estimate > limit + 1e-9 {
                return Err(CoreError::OverBudget(format!(
                    "this generation (about ${estimate:.2}) would take this month's spending to \
                     ${:.2} of your ${limit:.2} budget; generate anyway to go over it",
                    status.spent() + estimate
                )));
            }
        }
        let providers = self.providers().await?;
        let kind = request.model.provider();
        let Ok(provider) = providers.get(kind) else {
            return Ok(());
        };
        let images = f64::from(request.count);
        match provider.credits().await {
            Ok(Some(balance)) if balance <= 0.0 => {
                Err(CoreError::Provider(ProviderError::OutOfCredits {
                    message: format!("the balance is {balance} credits"),
                }))
            }
            Ok(Some(balance)) => match money.credits_per_image {
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
