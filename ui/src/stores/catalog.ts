import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { api, errorMessage, type ImageSize, type Model, type ModelInfo, type PriceOverride } from '@/api'
import {
  allSizes, estimateUsd, findModel, priceIsEstimate, pricePerImage, selectableModels, sizeLabel, sizeOfPixels,
} from '@/lib/catalog'

/**
 * The core's model catalog (models, sizes, ratios, limits, default prices), loaded once and shared by
 * every view. It is the same for every profile (prices a person set live in their settings), so it
 * survives a profile switch and has no `reset`.
 */
export const useCatalogStore = defineStore('catalog', () => {
  const models = shallowRef<ModelInfo[]>([])
  const loaded = ref(false)
  const error = ref<string | null>(null)
  let loading: Promise<void> | null = null

  /** Loads the catalog the first time; later calls share that answer. A failure can be tried again. */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    if (loading) return loading
    error.value = null
    loading = api.catalog()
      .then((list) => {
        models.value = list
        loaded.value = true
      })
      .catch((e) => { error.value = errorMessage(e) })
      .finally(() => { loading = null })
    return loading
  }

  const selectable = computed(() => selectableModels(models.value))
  const sizes = computed(() => allSizes(models.value))

  const info = (model: Model | string | null | undefined) => findModel(models.value, model)
  const label = (model: Model | string | null | undefined) => info(model)?.label ?? model ?? '—'

  /** USD per image for a model and size with the person's prices; 0 for what the catalog does not know. */
  function price(model: Model, size: ImageSize, overrides: PriceOverride[] = []): number {
    const m = info(model)
    return m ? pricePerImage(m, size, overrides) : 0
  }

  function estimate(model: Model, size: ImageSize, count: number, overrides: PriceOverride[] = []): number {
    const m = info(model)
    return m ? estimateUsd(m, size, count, overrides) : 0
  }

  function isEstimate(model: Model, size: ImageSize, overrides: PriceOverride[] = []): boolean {
    const m = info(model)
    return m ? priceIsEstimate(m, size, overrides) : true
  }

  return {
    models, loaded, error, selectable, sizes, ensureLoaded, info, label, price, estimate, isEstimate,
    sizeOf: (pixels: number) => sizeOfPixels(models.value, pixels),
    sizeLabel: (pixels: number) => sizeLabel(models.value, pixels),
  }
})
