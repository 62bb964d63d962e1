import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, errorMessage, type ApiKeyStatus, type ProviderKind, type SecretPurpose, type Settings } from '@/api'
import { isDemoProvider, PROVIDERS, type ProviderKeyPurpose } from '@/lib/catalog'

/** The purposes of the provider keys Settings shows (one card each), in the providers' order. */
export const PROVIDER_KEY_PURPOSES = Object.values(PROVIDERS)
  .map((p) => p.keyPurpose)
  .filter((p): p is ProviderKeyPurpose => p != null)

/**
 * The open profile's settings, its provider keys (masked) and the providers that can generate now, shared
 * by Settings, Generator and Dashboard. Which providers can run is the core's answer (`availableProviders`),
 * asked again whenever a key changes.
 */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null)
  const keys = ref<Partial<Record<SecretPurpose, ApiKeyStatus>>>({})
  /** In the core's order of preference: the first one is what a generation uses unless told otherwise. */
  const providers = ref<ProviderKind[] | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  /** Bumped by `reset`: answers about the previous profile are dropped. */
  let epoch = 0

  /** The Nano Banana key (its balance is the Dashboard's). */
  const apiKey = computed(() => keys.value.nanoBananaKey ?? null)
  /** True when generating can only use the offline demo provider (no key for any real one). */
  const isDemo = computed(() => providers.value == null || providers.value.every((p) => isDemoProvider(p)))
  /** The person's own prices (the catalog has the rest). */
  const priceOverrides = computed(() => settings.value?.priceOverrides ?? [])

  async function load() {
    const mine = epoch
    loading.value = true
    error.value = null
    try {
      const [s, statuses, available] = await Promise.all([
        api.getSettings(),
        Promise.all(PROVIDER_KEY_PURPOSES.map((p) => api.keyStatus(p))),
        api.availableProviders(),
      ])
      if (mine !== epoch) return
      settings.value = s
      keys.value = Object.fromEntries(statuses.map((k) => [k.purpose, k]))
      providers.value = available
    } catch (e) {
      if (mine === epoch) error.value = errorMessage(e)
    } finally {
      if (mine === epoch) loading.value = false
    }
  }

  /** Loads once; later calls reuse what is there. */
  async function ensureLoaded() {
    if (!settings.value || !apiKey.value || !providers.value) await load()
  }

  /** Saves and keeps what the core accepted (it validates); throws the typed error on refusal. */
  async function save(next: Settings) {
    const mine = epoch
    const saved = await api.updateSettings(next)
    if (mine === epoch) settings.value = saved
  }

  /** A key changed: which providers can run is the core's to say. */
  async function keyChanged(mine: number, status: ApiKeyStatus) {
    if (mine !== epoch) return
    keys.value = { ...keys.value, [status.purpose]: status }
    const available = await api.availableProviders()
    if (mine === epoch) providers.value = available
  }

  async function setKey(purpose: SecretPurpose, key: string) {
    const mine = epoch
    await keyChanged(mine, await api.setKey(purpose, key))
  }

  async function clearKey(purpose: SecretPurpose) {
    const mine = epoch
    await keyChanged(mine, await api.clearKey(purpose))
  }

  /** Another profile opened: its settings and keys are its own. */
  function reset() {
    epoch++
    settings.value = null
    keys.value = {}
    providers.value = null
    error.value = null
    loading.value = false
  }

  return {
    settings, keys, apiKey, providers, error, loading, isDemo, priceOverrides,
    load, ensureLoaded, save, setKey, clearKey, reset,
  }
})
