import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, errorMessage, type ApiKeyStatus, type CheckedKey, type Preferences, type ProviderKind, type SecretPurpose } from '@/api'
import { useCatalogStore } from '@/stores/catalog'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useProfileScoped } from '@/stores/profile'

/**
 * The open profile's preferences, its provider keys (masked) and the providers that can generate now,
 * shared by Settings, Generator and Dashboard. Which keys there are is the catalog's (one per provider
 * that needs one); which providers can run is the core's answer (`availableProviders`), asked again
 * whenever a key changes. Preferences saved anywhere (another card, the CLI) are read again.
 */
export const useSettingsStore = defineStore('settings', () => {
  const catalog = useCatalogStore()
  const preferences = ref<Preferences | null>(null)
  const keys = ref<Partial<Record<SecretPurpose, ApiKeyStatus>>>({})
  /** In the core's order of preference: the first one is what a generation uses unless told otherwise. */
  const providers = ref<ProviderKind[] | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)

  // Another profile opened: its preferences and keys are its own (read again when they were followed).
  const scope = useProfileScoped(async () => {
    const followed = preferences.value != null
    preferences.value = null
    keys.value = {}
    providers.value = null
    error.value = null
    loading.value = false
    if (followed) await load()
  })
  useCoreEventsStore().onLibrary((change) => {
    if (change.preferences && preferences.value) void reloadPreferences()
  })

  /** The key of the provider whose balance the Dashboard shows (Nano Banana's). */
  const apiKey = computed(() => {
    const purpose = catalog.balanceKeyPurpose
    return purpose ? keys.value[purpose] ?? null : null
  })
  /** True when generating can only use the offline demo provider (no key for any real one). */
  const isDemo = computed(() => providers.value == null || providers.value.every((p) => catalog.isDemo(p)))
  /** The person's own prices (the catalog has the rest, and the prices in effect). */
  const priceOverrides = computed(() => preferences.value?.priceOverrides ?? [])

  async function load() {
    const stillOpen = scope.begin()
    loading.value = true
    error.value = null
    try {
      await catalog.ensureLoaded()
      const [saved, statuses, available] = await Promise.all([
        api.getPreferences(),
        Promise.all(catalog.keyPurposes.map((p) => api.keyStatus(p))),
        api.availableProviders(),
      ])
      if (!stillOpen()) return
      preferences.value = saved
      keys.value = Object.fromEntries(statuses.map((k) => [k.purpose, k]))
      providers.value = available
    } catch (e) {
      if (stillOpen()) error.value = errorMessage(e)
    } finally {
      if (stillOpen()) loading.value = false
    }
  }

  async function reloadPreferences() {
    const stillOpen = scope.begin()
    try {
      const saved = await api.getPreferences()
      if (stillOpen()) preferences.value = saved
    } catch (e) {
      if (stillOpen()) error.value = errorMessage(e)
    }
  }

  let preferencesLoading: Promise<Preferences | null> | null = null
  /**
   * The preferences, read once when nothing has read them yet (a job that finishes before any view loaded
   * them still needs `notifyWhenDone`); null when they cannot be read.
   */
  function ensurePreferences(): Promise<Preferences | null> {
    if (preferences.value) return Promise.resolve(preferences.value)
    preferencesLoading ??= (async () => {
      const stillOpen = scope.begin()
      try {
        const saved = await api.getPreferences()
        if (!stillOpen()) return null
        preferences.value ??= saved
        return preferences.value
      } catch {
        return null
      } finally {
        preferencesLoading = null
      }
    })()
    return preferencesLoading
  }

  /** Loads once; later calls reuse what is there. */
  async function ensureLoaded() {
    if (!preferences.value || !providers.value || Object.keys(keys.value).length === 0) await load()
  }

  /** Saves and keeps what the core accepted (it validates); throws the typed error on refusal. */
  async function save(next: Preferences) {
    const stillOpen = scope.begin()
    const saved = await api.updatePreferences(next)
    if (stillOpen()) preferences.value = saved
  }

  /** A key changed: which providers can run is the core's to say. */
  async function keyChanged(stillOpen: () => boolean, status: ApiKeyStatus) {
    if (!stillOpen()) return
    keys.value = { ...keys.value, [status.purpose]: status }
    const available = await api.availableProviders()
    if (stillOpen()) providers.value = available
  }

  async function setKey(purpose: SecretPurpose, key: string) {
    const stillOpen = scope.begin()
    await keyChanged(stillOpen, await api.setKey(purpose, key))
  }

  /**
   * Saves a key once its service took it (the welcome): offline it is saved "not checked yet" with the
   * reason; a refused key throws `api_key_rejected` and nothing is saved.
   */
  async function checkKey(purpose: SecretPurpose, key: string): Promise<CheckedKey> {
    const stillOpen = scope.begin()
    const checked = await api.checkAndSetKey(purpose, key)
    await keyChanged(stillOpen, checked.status)
    return checked
  }

  async function clearKey(purpose: SecretPurpose) {
    const stillOpen = scope.begin()
    await keyChanged(stillOpen, await api.clearKey(purpose))
  }

  return {
    preferences, keys, apiKey, providers, error, loading, isDemo, priceOverrides,
    load, ensureLoaded, ensurePreferences, save, setKey, checkKey, clearKey,
  }
})
