import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, errorMessage, type ApiKeyStatus, type Settings, type SizePreset } from '@/api'

/** The profile's settings and the API key status, shared by Settings, Generator and Dashboard. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null)
  const apiKey = ref<ApiKeyStatus | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)

  /** True when generating uses the offline demo provider (no API key). */
  const isDemo = computed(() => apiKey.value?.provider !== 'nanobanana')

  async function load() {
    loading.value = true
    error.value = null
    try {
      const [s, k] = await Promise.all([api.getSettings(), api.apiKeyStatus()])
      settings.value = s
      apiKey.value = k
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      loading.value = false
    }
  }

  /** Loads once; later calls reuse what is there. */
  async function ensureLoaded() {
    if (!settings.value || !apiKey.value) await load()
  }

  /** Saves and keeps what the core accepted (it validates); throws the typed error on refusal. */
  async function save(next: Settings) {
    settings.value = await api.updateSettings(next)
  }

  async function setApiKey(key: string) {
    apiKey.value = await api.setApiKey(key)
  }

  async function clearApiKey() {
    apiKey.value = await api.clearApiKey()
  }

  function priceOf(size: SizePreset): number {
    return settings.value?.prices[size] ?? 0
  }

  return { settings, apiKey, error, loading, isDemo, load, ensureLoaded, save, setApiKey, clearApiKey, priceOf }
})
