import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { api, errorMessage, type Catalog, type ImageSize, type Model, type ProviderKind } from '@/api'
import {
  allSizes, balanceKey, EMPTY_CATALOG, findModel, isDemoProvider, priceInEffect, providerInfo, providerKeys,
  selectableModels,
} from '@/lib/catalog'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useProfileScoped } from '@/stores/profile'

/**
 * The core's catalog (models, sizes, ratios, limits, what each provider can do) with the open profile's
 * prices in effect, shared by every view. The prices are the profile's: the catalog is read again when its
 * preferences are saved (here, in another window or by the CLI) and when another profile opens.
 */
export const useCatalogStore = defineStore('catalog', () => {
  const catalog = shallowRef<Catalog>(EMPTY_CATALOG)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  let loading: Promise<void> | null = null
  /** Bumped by every read: an older answer (prices before a save) never replaces a newer one. */
  let request = 0

  const scope = useProfileScoped(async () => {
    if (loaded.value) await reload()
  })
  useCoreEventsStore().onLibrary((change) => {
    if (change.preferences && loaded.value) void reload()
  })

  /** Loads the catalog the first time; later calls share that answer. A failure can be tried again. */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    return loading ?? reload()
  }

  /** Reads it again (new prices); what is shown stays until the answer replaces it. */
  function reload(): Promise<void> {
    const mine = ++request
    const stillOpen = scope.begin()
    error.value = null
    const run = api.catalog()
      .then((next) => {
        if (mine !== request || !stillOpen()) return
        catalog.value = next
        loaded.value = true
      })
      .catch((e) => { if (mine === request) error.value = errorMessage(e) })
      .finally(() => { if (loading === run) loading = null })
    loading = run
    return run
  }

  const models = computed(() => catalog.value.models)
  const providers = computed(() => catalog.value.providers)
  const prices = computed(() => catalog.value.prices)
  const selectable = computed(() => selectableModels(catalog.value))
  const sizes = computed(() => allSizes(catalog.value))
  /** The keys providers run on, one Settings card each. */
  const keyPurposes = computed(() => providerKeys(catalog.value))
  /** The key of the provider with a readable balance. */
  const balanceKeyPurpose = computed(() => balanceKey(catalog.value))

  const info = (model: Model | string | null | undefined) => findModel(catalog.value, model)
  const label = (model: Model | string | null | undefined) => info(model)?.label ?? model ?? '—'
  const provider = (kind: ProviderKind | null | undefined) => providerInfo(catalog.value, kind)
  const isDemo = (kind: ProviderKind | null | undefined) => isDemoProvider(catalog.value, kind)
  /** The price in effect for one image of `model` at `size` (the person's own, else the catalog's). */
  const price = (model: Model | null | undefined, size: ImageSize | null | undefined) => priceInEffect(catalog.value, model, size)

  return {
    catalog, models, providers, prices, loaded, error, selectable, sizes, keyPurposes, balanceKeyPurpose,
    ensureLoaded, reload, info, label, provider, isDemo, price,
  }
})
