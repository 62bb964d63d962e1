//! Money checks before anything is sent: the monthly budget (off by default; a warning at 80 %, a
//! refusal at 100 % unless the user overrides it for one submission) and the credit balance (a
//! known zero, or too few credits for the batch when the user said what an image costs in
//! credits). Both refuse before a job is recorded, so a refusal sends nothing to the service.

use serde::Serialize;

use crate::Result;
use crate::catalog::Prices;
use crate::library::Library;

/// The share of the budget at which the UI and the CLI warn.
pub const WARN_AT: f64 = 0.8;

/// Recoverable jobs submitted this many days ago or less are recovered on their own (at start and
/// on `resume`); this service family keeps task records for about two weeks (undocumented).
pub const DEFAULT_RECOVERY_WINDOW_DAYS: u32 = 14;

/// A profile's money settings, as the queue applies them.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneySettings {
    pub prices: Prices,
    /// USD per calendar month (UTC); `None` is no budget.
    pub monthly_budget_usd: Option<f64>,
    /// What one image costs in the service's credits, if the user said.
    pub credits_per_image: Option<f64>,
    pub recovery_window_days: u32,
}

impl Default for MoneySettings {
    fn default() -> Self {
        Self {
            prices: Prices::default(),
            monthly_budget_usd: None,
            credits_per_image: None,
            recovery_window_days: DEFAULT_RECOVERY_WINDOW_DAYS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum BudgetLevel {
    /// No budget set.
    Off,
    Ok,
    /// At or past [`WARN_AT`] of the budget.
    Warning,
    /// At or past the budget.
    Over,
}

/// This month's spend against the budget, split into what the providers confirmed and what they
/// may have charged without a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BudgetStatus {
    pub limit_usd: Option<f64>,
    /// `YYYY-MM`, UTC.
    pub month: String,
    pub spent_confirmed: f64,
    pub spent_possible: f64,
    pub level: BudgetLevel,
}

impl BudgetStatus {
    pub fn spent(&self) -> f64 {
        self.spent_confirmed + self.spent_possible
    }
}

/// The budget as it stands in `library` now.
pub async fn budget_status(library: &Library, limit: Option<f64>) -> Result<BudgetStatus> {
    let spend = library.month_spend(crate::clock::now_ms()).await?;
    let spent = spend.confirmed + spend.possible;
    let level = match limit {
        None => BudgetLevel::Off,
        Some(limit) if spent >= limit => BudgetLevel::Over,
        Some(limit) if spent >= limit * WARN_AT => BudgetLevel::Warning,
        Some(_) => BudgetLevel::Ok,
    };
    Ok(BudgetStatus {
        limit_usd: limit,
        month: spend.month,
        spent_confirmed: spend.confirmed,
        spent_possible: spend.possible,
        level,
    })
}
