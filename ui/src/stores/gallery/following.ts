// The Gallery follows the core's committed library changes (new images from a job or a sync, edits and
// trash from any window or device, purges), so what it shows is the library's without reloading from the
// top: a person scrolled deep into it stays where they are.
import { api, gridImageOf, type ChangedIds, type GridImage } from '@/api'
import { fetchEach } from '@/lib/batch'
import { compareIn } from '@/lib/gallery'
import { useCoreEventsStore } from '@/stores/coreEvents'
import type { ProfileScope } from '@/stores/profile'
import type { GalleryPages } from './pages'

export function useGalleryFollowing(pages: GalleryPages, scope: ProfileScope) {
  /** The view is open: a change too big to list is read again at once, else on the next visit. */
  let shown = false
  // Changes are applied one after the other, in the order the core sent them.
  let applying: Promise<void> = Promise.resolve()
  useCoreEventsStore().onLibrary((change) => {
    applying = applying.then(() => apply(change.images, change.organise)).catch(() => {})
  })

  async function apply(images: ChangedIds, organise: boolean) {
    // A list never loaded (or that failed) has nothing to keep fresh: the next visit loads it.
    if (!pages.loaded.value || pages.error.value) return
    // Records do not say which albums and tags an image has: an album's or a tag's list asks the core again
    // when those changed (an image put in or taken out, here or on another device).
    const q = pages.query.value
    if (images.all || (organise && (q.album != null || q.tag != null))) {
      if (shown) await pages.refreshLoaded()
      else pages.stale.value = true
      return
    }
    if (images.removed.length) pages.removeLoaded(images.removed)
    const loadedChanged = images.updated.filter((id) => pages.has(id))
    // An image not loaded that changed may belong here now (restored from the trash elsewhere).
    const candidates = [...images.added, ...images.updated.filter((id) => !pages.has(id))]
    if (candidates.length === 0 && loadedChanged.length === 0) return
    const gen = pages.mark()
    const stillOpen = scope.begin()
    const [arrivedFull, changedFull] = await Promise.all([fetchEach(candidates, api.getImage), fetchEach(loadedChanged, api.getImage)])
    if (gen !== pages.mark() || !stillOpen()) return
    const [arrived, changed] = [arrivedFull.map(gridImageOf), changedFull.map(gridImageOf)]
    for (const record of changed) {
      if (pages.inView(record)) pages.replace(record)
      else pages.removeLoaded([record.id])
    }
    await place(arrived.filter((r) => pages.inView(r) && !pages.has(r.id)))
  }

  /**
   * Puts arriving images where they belong. Without filters that is their keyset place; with filters the
   * core decides what matches, so the head of the query is asked again, and an image older than that head
   * is left for the next visit, which starts over.
   */
  async function place(arriving: GridImage[]) {
    if (arriving.length === 0) return
    if (!pages.hasFilters.value) {
      for (const record of arriving) pages.insertOrdered(record)
      return
    }
    const head = await pages.refreshHead()
    if (!head || head.whole) return
    const last = head.items[head.items.length - 1]
    if (arriving.some((r) => !pages.has(r.id) && (!last || compareIn(pages.query.value.sort, r, last) > 0))) pages.stale.value = true
  }

  return {
    /** The view opened. */
    show: () => { shown = true },
    /** The view closed. */
    hide: () => { shown = false },
  }
}
