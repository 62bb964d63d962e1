//! Changing a running queue: the keys, the money settings and the concurrency the settings
//! screen sets; each applies to new jobs at once.

use std::sync::Arc;

use super::{BudgetStatus, MoneySettings, Queue, lock};

impl Queue {
    /// The profile's keys changed: providers are rebuilt (keys looked up again) for new jobs.
    /// Jobs already running keep the provider they started with.
    pub async fn keys_changed(&self) {
        *self.shared.providers.lock().await = None;
    }

    /// Prices, budget, credits per image and recovery window for new jobs (no rebuild of the
    /// providers: the keychain is not asked again).
    pub fn set_money(&self, money: MoneySettings) {
        *lock(&self.shared.money) = money;
    }

    pub fn money(&self) -> MoneySettings {
        lock(&self.shared.money).clone()
    }

    /// This month's spend against the profile's budget.
    pub async fn budget_status(&self) -> crate::Result<BudgetStatus> {
        let limit = lock(&self.shared.money).monthly_budget_usd;
        super::budget_status(&self.shared.library, limit).await
    }

    /// Lets `n` (at least 1) jobs run at once from now on. Lowering it lets running jobs finish;
    /// the slots they free are then retired.
    pub fn set_concurrency(&self, n: usize) {
        let n = n.max(1);
        let mut count = lock(&self.shared.slot_count);
        let current = *count;
        *count = n;
        drop(count);
        if n > current {
            self.shared.slots.add_permits(n - current);
        } else if n < current {
            let excess = current - n;
            let forgotten = self.shared.slots.forget_permits(excess);
            if forgotten < excess {
                let slots = Arc::clone(&self.shared.slots);
                let left = u32::try_from(excess - forgotten).unwrap_or(u32::MAX);
                tokio::spawn(async move {
                    if let Ok(permits) = slots.acquire_many_owned(left).await {
                        permits.forget();
                    }
                });
            }
        }
    }
}
