import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, errorMessage, type NewPrompt, type SavedPrompt, type WildcardList } from '@/api'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useProfileScoped } from '@/stores/profile'

/**
 * The open profile's prompt library (saved prompts and templates the Generator inserts) and its wildcard lists
 * (`__name__` in a batch template). Both sync: read again when the library says they changed (here, in another
 * window, by the CLI or by a sync) and when another profile opens. Searching is the page's (the lists are small).
 */
export const usePromptLibraryStore = defineStore('promptLibrary', () => {
  const prompts = ref<SavedPrompt[]>([])
  const wildcards = ref<WildcardList[]>([])
  const loaded = ref(false)
  const error = ref<string | null>(null)
  /** Bumped by every read: an older answer never replaces a newer one. */
  let asked = 0
  let pending: Promise<void> | null = null

  const scope = useProfileScoped(async () => {
    const followed = loaded.value
    prompts.value = []
    wildcards.value = []
    loaded.value = false
    error.value = null
    pending = null
    if (followed) await reload()
  })
  useCoreEventsStore().onLibrary((change) => {
    if (change.prompts && loaded.value) void reload()
  })

  function reload(): Promise<void> {
    const mine = ++asked
    const stillOpen = scope.begin()
    const run = Promise.all([api.listPrompts(), api.listWildcards()])
      .then(([p, w]) => {
        if (mine !== asked || !stillOpen()) return
        prompts.value = p
        wildcards.value = w
        loaded.value = true
        error.value = null
      })
      .catch((e) => { if (mine === asked && stillOpen()) error.value = errorMessage(e) })
      .finally(() => { if (pending === run) pending = null })
    pending = run
    return run
  }

  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    return pending ?? reload()
  }

  /** Saves a prompt; throws the core's typed error (`already_exists` for a taken name without `replace`). */
  async function save(prompt: NewPrompt): Promise<SavedPrompt> {
    const saved = await api.savePrompt(prompt)
    await reload()
    return saved
  }

  async function remove(name: string): Promise<void> {
    await api.removePrompt(name)
    prompts.value = prompts.value.filter((p) => p.name !== name)
    await reload()
  }

  async function setWildcard(name: string, entries: string[]): Promise<void> {
    await api.setWildcard(name, entries)
    await reload()
  }

  async function removeWildcard(name: string): Promise<void> {
    await api.removeWildcard(name)
    wildcards.value = wildcards.value.filter((w) => w.name !== name)
    await reload()
  }

  return { prompts, wildcards, loaded, error, reload, ensureLoaded, save, remove, setWildcard, removeWildcard }
})
