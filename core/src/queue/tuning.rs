//! Changing a running queue: the API key, the prices and the concurrency the settings screen sets.

use std::sync::Arc;

use super::{Queue, lock};
use crate::providers::PriceTable;

impl Queue {
    /// The profile's keys changed: providers are rebuilt (keys looked up again) for new jobs.
    /// Jobs already running keep the provider they started with.
    pub async fn keys_changed(&self) {
        *self.shared.providers.lock().await = None;
    }

    /// Prices new jobs with `prices`. Unchanged prices keep the providers (rebuilding them would
    /// ask the keychain again).
    pub async fn set_prices(&self, prices: PriceTable) {
        {
            let mut choice = lock(&self.shared.choice);
            if choice.prices == prices {
                return;
            }
            choice.prices = prices;
        }
        *self.shared.providers.lock().await = None;
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
