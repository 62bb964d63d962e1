import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, ApiError, type AppInfo } from '@/api'

/** Facts about the running core: version, open profile, data folder, job count. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  /** Bumped by `reset`: an answer about the previous profile is dropped. */
  let epoch = 0

  async function load() {
    const mine = epoch
    loading.value = true
    error.value = null
    try {
      const next = await api.appInfo()
      if (mine === epoch) info.value = next
    } catch (e) {
      if (mine === epoch) error.value = e instanceof ApiError ? `${e.message} (${e.kind})` : String(e)
    } finally {
      if (mine === epoch) loading.value = false
    }
  }

  /** Another profile opened: its job count and id are not known yet. */
  function reset() {
    epoch++
    info.value = null
    error.value = null
    loading.value = false
  }

  return { info, error, loading, load, reset }
})
