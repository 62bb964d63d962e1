// Prices of job actions, read from the catalog with the person's own prices: what running a job again
// would cost now (the core prices the new job the same way when it is sent).
import type { JobRecord } from '@/api'
import { isDemoJob } from '@/components/generator/useJobText'
import { useCatalogStore } from '@/stores/catalog'
import { useSettingsStore } from '@/stores/settings'

export interface ActionPrice {
  usd: number
  /** The catalog's default price, not a figure the person set or the provider confirmed. */
  estimate: boolean
  /** The demo provider: nothing is paid. */
  free: boolean
}

export function useRunAgainPrice() {
  const catalog = useCatalogStore()
  const settings = useSettingsStore()
  return (job: JobRecord): ActionPrice => {
    // A demo job runs again on the demo provider.
    if (isDemoJob(job)) return { usd: 0, estimate: false, free: true }
    const size = catalog.sizeOf(job.imageSize)
    const overrides = settings.priceOverrides
    if (size && catalog.info(job.model)) {
      return {
        usd: catalog.estimate(job.model, size, job.numImages, overrides),
        estimate: catalog.isEstimate(job.model, size, overrides),
        free: false,
      }
    }
    // A size no model offers any more: what it was expected to cost when it was recorded.
    return { usd: job.estimatedCost ?? 0, estimate: true, free: false }
  }
}
