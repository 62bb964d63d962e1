import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, ApiError, type AppInfo } from '@/api'
import { useProfileScoped } from '@/stores/profile'

/** Facts about the running core: version, open profile, data folder, job count. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)

  // Another profile opened: its job count and id are read again (image URLs name the open profile).
  const scope = useProfileScoped(async () => {
    info.value = null
    error.value = null
    loading.value = false
    await load()
  })

  async function load() {
    const stillOpen = scope.begin()
    loading.value = true
    error.value = null
    try {
      const next = await api.appInfo()
      if (stillOpen()) info.value = next
    } catch (e) {
      if (stillOpen()) error.value = e instanceof ApiError ? `${e.message} (${e.kind})` : String(e)
    } finally {
      if (stillOpen()) loading.value = false
    }
  }

  return { info, error, loading, load }
})
