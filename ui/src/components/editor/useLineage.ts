import { onUnmounted, ref, shallowRef, watch } from 'vue'
import { api, errorMessage, type Lineage } from '@/api'
import { useCoreEventsStore } from '@/stores/coreEvents'

/**
 * The lineage tree of image `id()` for a view other than the editor (the viewer, a History row): read when the
 * image changes and again when the library's jobs change (a new edit, a reply, another device's job). A profile
 * switch unmounts the view, so nothing here outlives it.
 */
export function useLineage(id: () => string | null) {
  const lineage = shallowRef<Lineage | null>(null)
  const error = ref<string | null>(null)
  let asked = 0

  async function reload() {
    const imageId = id()
    const mine = ++asked
    if (!imageId) {
      lineage.value = null
      return
    }
    try {
      const tree = await api.imageLineage(imageId)
      if (mine === asked) {
        lineage.value = tree
        error.value = null
      }
    } catch (e) {
      if (mine === asked) error.value = errorMessage(e)
    }
  }

  watch(id, () => {
    lineage.value = null
    error.value = null
    void reload()
  }, { immediate: true })
  const stop = useCoreEventsStore().onLibrary((change) => {
    const j = change.jobs
    if (j.all || j.added.length || j.updated.length || j.removed.length) void reload()
  })
  onUnmounted(stop)

  return { lineage, error, reload }
}
