// What a person does to the Gallery's images: favourite and rate (at once, back if the core refuses), move
// to the trash with Undo, restore, empty the trash. The list changes here at once; the core's library
// change that follows finds it already so.
import { ref } from 'vue'
import { api, gridImageOf, type GridImage, type ImageRecord } from '@/api'
import type { GalleryPages } from './pages'

/** What the last trash removed, so Undo can put it back where it was. */
export interface TrashUndo {
  ids: string[]
  records: GridImage[]
}

export type GalleryEdits = ReturnType<typeof useGalleryEdits>

export function useGalleryEdits(pages: GalleryPages) {
  const undo = ref<TrashUndo | null>(null)
  /**
   * The last image starred or rated that is not in the loaded list (one the viewer opened from a link): the viewer
   * shows the grid's record of an image, and this one has none.
   */
  const outside = ref<GridImage | null>(null)

  function saved(record: ImageRecord, wasLoaded: boolean) {
    pages.replace(gridImageOf(record))
    outside.value = wasLoaded ? null : gridImageOf(record)
  }

  /** Optimistic: the star changes at once and goes back if the core refuses. */
  async function setFavourite(id: string, favourite: boolean): Promise<ImageRecord | undefined> {
    const before = pages.find(id)
    if (before) pages.replace({ ...before, favourite })
    try {
      const record = await api.setFavourite(id, favourite)
      saved(record, before != null)
      return record
    } catch (e) {
      if (before) pages.replace(before)
      throw e
    }
  }

  async function setRating(id: string, rating: number): Promise<ImageRecord | undefined> {
    const before = pages.find(id)
    if (before) pages.replace({ ...before, rating })
    try {
      const record = await api.setRating(id, rating)
      saved(record, before != null)
      return record
    } catch (e) {
      if (before) pages.replace(before)
      throw e
    }
  }

  /** Moves images to the trash; Undo (`undoTrash`) brings them back. */
  async function trash(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0
    const gen = pages.mark()
    const n = await api.trashImages(ids)
    if (gen !== pages.mark()) return n
    const records = pages.removeLoaded(ids)
    undo.value = { ids, records }
    return n
  }

  async function undoTrash(): Promise<number> {
    const last = undo.value
    if (!last) return 0
    undo.value = null
    const gen = pages.mark()
    const n = await api.restoreImages(last.ids)
    if (gen !== pages.mark()) return n
    if (pages.query.value.view === 'live') {
      for (const record of last.records) pages.insertOrdered({ ...record, deletedAt: null })
    } else {
      // Undone after switching to the trash view: they leave the trash list again.
      pages.removeLoaded(last.ids)
    }
    return n
  }

  /** From the trash view: back to the library (they leave the trash list). */
  async function restore(ids: string[]): Promise<number> {
    const n = await api.restoreImages(ids)
    pages.removeLoaded(ids)
    return n
  }

  async function emptyTrash(): Promise<number> {
    const gen = pages.mark()
    const n = await api.emptyTrash()
    if (gen !== pages.mark()) return n
    if (pages.query.value.view === 'trash') {
      pages.removeLoaded(pages.items.value.map((i) => i.id))
      pages.complete.value = true
    }
    undo.value = null
    return n
  }

  function dismissUndo() {
    undo.value = null
  }

  return { undo, outside, setFavourite, setRating, trash, undoTrash, restore, emptyTrash, dismissUndo }
}
