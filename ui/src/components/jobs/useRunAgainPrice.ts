// What running a job again would cost now: the core's quote for the job's request on its provider, at the
// prices in effect (the core prices the new job the same way when it is sent). The page does no arithmetic.
import { onMounted, ref } from 'vue'
import { api, type JobRecord } from '@/api'
import { useCatalogStore } from '@/stores/catalog'

export interface ActionPrice {
  usd: number
  /** The catalog's default price, not a figure the person set or the provider confirmed. */
  estimate: boolean
  /** The demo provider: nothing is paid. */
  free: boolean
}

/** The price of running `job` again: null while the core is asked. */
export function useRunAgainPrice(job: JobRecord) {
  const catalog = useCatalogStore()
  const price = ref<ActionPrice | null>(null)

  onMounted(async () => {
    try {
      const quote = await api.quote({
        prompt: job.prompt, model: job.model, size: job.imageSize, aspectRatio: job.aspectRatio, count: job.numImages,
      }, { provider: job.provider })
      price.value = catalog.isDemo(quote.provider)
        ? { usd: 0, estimate: false, free: true }
        : { usd: quote.totalUsd ?? 0, estimate: catalog.price(job.model, job.imageSize)?.estimate ?? true, free: false }
    } catch {
      // The core cannot price it now (a model it no longer offers): what it was expected to cost when recorded.
      price.value = { usd: job.estimatedCost ?? 0, estimate: true, free: catalog.isDemo(job.provider) }
    }
  })

  return price
}
