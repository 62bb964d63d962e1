import { defineStore } from 'pinia'
import { useProfileScoped } from '@/stores/profile'
import { useGalleryEdits } from './edits'
import { useGalleryFollowing } from './following'
import { emptyQuery, useGalleryPages } from './pages'
import { useGallerySelection } from './selection'

export { emptyQuery, FIRST_PAGE_SIZE, isFiltered, PAGE_SIZE, type GalleryQuery } from './pages'
export type { TrashUndo } from './edits'

/**
 * The Gallery's list: the query, the images loaded so far (./pages), the selection (./selection), what a
 * person does to them (./edits) and the core's library changes it follows (./following). It outlives the
 * view, so filters, the loaded pages, the selection and the scroll position are there when the person
 * comes back (`resume`).
 */
export const useGalleryStore = defineStore('gallery', () => {
  // Another profile opened: its images, the filters typed over the old ones, the selection and the pending
  // undo (and the record of an image outside the list) all go. Nothing is loaded; the Gallery reloads when it opens.
  const scope = useProfileScoped(() => {
    pages.clear()
    pages.query.value = emptyQuery()
    edits.dismissUndo()
    edits.outside.value = null
    selection.setSelectMode(false)
  })
  const pages = useGalleryPages(scope, (ids) => selection.forget(ids))
  const selection = useGallerySelection(pages.items, pages.indexOf)
  const edits = useGalleryEdits(pages)
  const following = useGalleryFollowing(pages, scope)

  /**
   * The view opens again: what was loaded stays (with its selection and scroll position) and images made
   * meanwhile are merged in at their place; a list that never loaded, failed, or missed changes it could not
   * place, starts over.
   */
  function resume(): Promise<void> {
    following.show()
    const { stale, loaded, error, items } = pages
    if (stale.value || !loaded.value || error.value || items.value.length === 0) return pages.reload()
    return pages.refreshHead().then(() => {})
  }

  /**
   * Loads the first page ahead of the view (at idle, after Home painted), so opening the Gallery renders from
   * memory; nothing happens when a list is there or loading.
   */
  function prefetch(): Promise<void> {
    if (pages.loaded.value || pages.loading.value || pages.items.value.length > 0) return Promise.resolve()
    return pages.loadMore()
  }

  /** The view closed (the list is kept for the next visit and still follows the library). */
  function leave() {
    following.hide()
  }

  /** Takes images out of the list shown, as when they left an album shown (the core's change follows). */
  function dropFromList(ids: string[]) {
    pages.removeLoaded(ids)
  }

  function clearFilters(): Promise<void> {
    return pages.setQuery({ ...emptyQuery(), view: pages.query.value.view, sort: pages.query.value.sort })
  }

  const { query, items, nextCursor, complete, loading, loaded, error, scrollTop, hasFilters } = pages
  return {
    query, items, nextCursor, complete, loading, loaded, error, scrollTop, hasFilters,
    reload: pages.reload, loadMore: pages.loadMore, setQuery: pages.setQuery, refreshHead: pages.refreshHead,
    indexOf: pages.indexOf, find: pages.find,
    ...selection,
    ...edits,
    resume, leave, prefetch, clearFilters, dropFromList,
  }
})
