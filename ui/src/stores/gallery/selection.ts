// The Gallery's multi-select mode: which loaded images are selected, and shift-click ranges.
import { computed, ref, type ShallowRef } from 'vue'
import type { GridImage } from '@/api'

export type GallerySelection = ReturnType<typeof useGallerySelection>

export function useGallerySelection(items: ShallowRef<GridImage[]>, indexOf: (id: string) => number) {
  const selectMode = ref(false)
  const selected = ref<Set<string>>(new Set())
  let anchorId: string | null = null

  function setSelectMode(on: boolean) {
    selectMode.value = on
    if (!on) clearSelection()
  }

  function clearSelection() {
    selected.value = new Set()
    anchorId = null
  }

  /** Images that left the list leave the selection (null: every one). */
  function forget(ids: string[] | null) {
    if (ids == null) {
      clearSelection()
      return
    }
    if (!ids.some((id) => selected.value.has(id))) return
    const next = new Set(selected.value)
    for (const id of ids) next.delete(id)
    selected.value = next
  }

  /** A click toggles one image; a shift-click selects the range from the last clicked one. */
  function toggleSelected(id: string, range = false) {
    const next = new Set(selected.value)
    if (range && anchorId != null) {
      const a = indexOf(anchorId)
      const b = indexOf(id)
      if (a >= 0 && b >= 0) {
        for (let i = Math.min(a, b); i <= Math.max(a, b); i++) next.add(items.value[i].id)
        selected.value = next
        anchorId = id
        return
      }
    }
    if (next.has(id)) next.delete(id)
    else next.add(id)
    selected.value = next
    anchorId = id
  }

  function selectAllLoaded() {
    selected.value = new Set(items.value.map((i) => i.id))
  }

  /** Selected records in gallery order. */
  const selectedItems = computed(() => items.value.filter((i) => selected.value.has(i.id)))

  return { selectMode, selected, selectedItems, setSelectMode, clearSelection, forget, toggleSelected, selectAllLoaded }
}
