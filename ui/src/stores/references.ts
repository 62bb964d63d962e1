import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, errorMessage, type Reference } from '@/api'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useProfileScoped } from '@/stores/profile'

/**
 * The open profile's named references ("Mira", "logo"): images picked by name in the editor and the Generator (chips, `@name`)
 * and kept in the References view. Read again when the library says its references changed (here, in
 * another window, by the CLI or by a sync) and when another profile opens.
 */
export const useReferencesStore = defineStore('references', () => {
  const list = ref<Reference[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** Bumped by every read: an older answer never replaces a newer one. */
  let asked = 0
  let pending: Promise<void> | null = null

  const scope = useProfileScoped(async () => {
    const followed = loaded.value
    list.value = []
    loaded.value = false
    error.value = null
    pending = null
    if (followed) await reload()
  })
  useCoreEventsStore().onLibrary((change) => {
    if (change.references && loaded.value) void reload()
  })

  const byName = computed(() => new Map(list.value.map((r) => [r.name.toLowerCase(), r])))
  /** The reference a name means (any case), as the core reads it. */
  const find = (name: string) => byName.value.get(name.trim().toLowerCase())

  function reload(): Promise<void> {
    const mine = ++asked
    const stillOpen = scope.begin()
    loading.value = true
    const run = api.listReferences()
      .then((refs) => {
        if (mine !== asked || !stillOpen()) return
        list.value = refs
        loaded.value = true
        error.value = null
      })
      .catch((e) => { if (mine === asked && stillOpen()) error.value = errorMessage(e) })
      .finally(() => {
        if (mine === asked) loading.value = false
        if (pending === run) pending = null
      })
    pending = run
    return run
  }

  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    return pending ?? reload()
  }

  /** Names image `imageId` `name` (a name in use means the new image from now on). Throws the core's typed error. */
  async function set(name: string, imageId: string): Promise<Reference> {
    const saved = await api.setReference(name.trim(), imageId)
    await reload()
    return saved
  }

  async function rename(id: string, name: string): Promise<Reference> {
    const saved = await api.renameReference(id, name.trim())
    await reload()
    return saved
  }

  async function remove(name: string): Promise<void> {
    await api.removeReference(name)
    list.value = list.value.filter((r) => r.name !== name)
    await reload()
  }

  return { list, loaded, loading, error, find, reload, ensureLoaded, set, rename, remove }
})
