import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, ApiError, type AppInfo } from '@/api'

/** Facts about the running core: version, profile, library location. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)

  async function load() {
    loading.value = true
    error.value = null
    try {
      info.value = await api.appInfo()
    } catch (e) {
      error.value = e instanceof ApiError ? `${e.message} (${e.kind})` : String(e)
    } finally {
      loading.value = false
    }
  }

  return { info, error, loading, load }
})
