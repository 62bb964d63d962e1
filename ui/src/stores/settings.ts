import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, errorMessage, type ApiKeyStatus, type Settings } from '@/api'
import { isDemoProvider } from '@/lib/catalog'

/** The open profile's settings and Nano Banana key status, shared by Settings, Generator and Dashboard. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null)
  const apiKey = ref<ApiKeyStatus | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  /** Bumped by `reset`: answers about the previous profile are dropped. */
  let epoch = 0

  /** True when generating uses the offline demo provider (no API key). */
  const isDemo = computed(() => apiKey.value == null || isDemoProvider(apiKey.value.provider))
  /** The person's own prices (the catalog has the rest). */
  const priceOverrides = computed(() => settings.value?.priceOverrides ?? [])

  async function load() {
    const mine = epoch
    loading.value = true
    error.value = null
    try {
      const [s, k] = await Promise.all([api.getSettings(), api.keyStatus('nanoBananaKey')])
      if (mine !== epoch) return
      settings.value = s
      apiKey.value = k
    } catch (e) {
      if (mine === epoch) error.value = errorMessage(e)
    } finally {
      if (mine === epoch) loading.value = false
    }
  }

  /** Loads once; later calls reuse what is there. */
  async function ensureLoaded() {
    if (!settings.value || !apiKey.value) await load()
  }

  /** Saves and keeps what the core accepted (it validates); throws the typed error on refusal. */
  async function save(next: Settings) {
    const mine = epoch
    const saved = await api.updateSettings(next)
    if (mine === epoch) settings.value = saved
  }

  async function setApiKey(key: string) {
    const mine = epoch
    const status = await api.setKey('nanoBananaKey', key)
    if (mine === epoch) apiKey.value = status
  }

  async function clearApiKey() {
    const mine = epoch
    const status = await api.clearKey('nanoBananaKey')
    if (mine === epoch) apiKey.value = status
  }

  /** Another profile opened: its settings and keys are its own. */
  function reset() {
    epoch++
    settings.value = null
    apiKey.value = null
    error.value = null
    loading.value = false
  }

  return { settings, apiKey, error, loading, isDemo, priceOverrides, load, ensureLoaded, save, setApiKey, clearApiKey, reset }
})
