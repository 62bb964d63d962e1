import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import { api, errorMessage, type ImageQuery, type ImageRecord, type JobStatus } from '@/api'
import { compareKeyset, dayEnd, dayStart } from '@/lib/gallery'
import { useAccountsStore } from '@/stores/accounts'

/** Keyset page size: big enough to fill a desktop screen several times, small enough to stay instant. */
export const PAGE_SIZE = 200

export interface GalleryQuery {
  /** Words to find in prompts (the core's full-text search). */
  search: string
  status: JobStatus | null
  /** Long side in pixels of a size preset, or null for every size. */
  size: number | null
  favourites: boolean
  /** `YYYY-MM-DD` from date inputs; '' when not set. `to` is inclusive of its day. */
  from: string
  to: string
  view: 'live' | 'trash'
}

export function emptyQuery(): GalleryQuery {
  return { search: '', status: null, size: null, favourites: false, from: '', to: '', view: 'live' }
}

/** What the last trash removed, so Undo can put it back where it was. */
export interface TrashUndo {
  ids: string[]
  records: ImageRecord[]
}

/**
 * The Gallery's list: the query, the images loaded so far (keyset pages, never offsets) and the
 * actions on them. At 100k images the list is a shallow ref: Vue does not walk the records. It outlives
 * the view, so filters, the loaded pages, the selection and the scroll position are there when the
 * person comes back (`resume`).
 */
export const useGalleryStore = defineStore('gallery', () => {
  const query = ref<GalleryQuery>(emptyQuery())
  const items = shallowRef<ImageRecord[]>([])
  const nextCursor = ref<ImageQuery['cursor']>(null)
  const complete = ref(false)
  const loading = ref(false)
  /** True once the first page of the current query has answered (success or error). */
  const loaded = ref(false)
  const error = ref<string | null>(null)
  const undo = ref<TrashUndo | null>(null)

  /** Where the grid was scrolled when the view closed (pixels from the top). */
  const scrollTop = ref(0)
  /**
   * Bumped when the library itself changed from here (trash, restore, empty trash, new images merged
   * in), so what counts images reloads then and not on every page that scrolling loads.
   */
  const changes = ref(0)

  const selectMode = ref(false)
  const selected = ref<Set<string>>(new Set())
  let anchorId: string | null = null

  const loadedIds = new Set<string>()
  /** Bumped by every reload and reset: a response for an older generation is dropped (a newer query wins). */
  let generation = 0
  let inflight: Promise<void> | null = null

  const hasFilters = computed(() => {
    const q = query.value
    return q.search.trim() !== '' || q.status != null || q.size != null || q.favourites || q.from !== '' || q.to !== ''
  })

  function request(cursor: ImageQuery['cursor']): ImageQuery {
    const q = query.value
    return {
      search: q.search.trim() || null,
      status: q.status,
      imageSize: q.size,
      favouriteOnly: q.favourites,
      from: dayStart(q.from),
      to: dayEnd(q.to),
      view: q.view,
      cursor,
      limit: PAGE_SIZE,
    }
  }

  function setItems(list: ImageRecord[]) {
    items.value = list
    loadedIds.clear()
    for (const i of list) loadedIds.add(i.id)
  }

  /** Loads the next page; a call while one is loading shares it. */
  function loadMore(): Promise<void> {
    if (complete.value) return Promise.resolve()
    if (inflight) return inflight
    const gen = generation
    loading.value = true
    error.value = null
    const run = (async () => {
      try {
        const page = await api.listImages(request(nextCursor.value))
        if (gen !== generation) return
        const list = items.value
        for (const item of page.items) {
          if (loadedIds.has(item.id)) continue
          loadedIds.add(item.id)
          list.push(item)
        }
        triggerRef(items)
        nextCursor.value = page.nextCursor
        complete.value = page.nextCursor == null
      } catch (e) {
        if (gen === generation) error.value = errorMessage(e)
      } finally {
        if (gen === generation) {
          loading.value = false
          loaded.value = true
          inflight = null
        }
      }
    })()
    inflight = run
    return run
  }

  /** Loaded records may be out of date (a sync changed some): the next `resume` starts over. */
  let stale = false

  /** Starts the current query over from its first page (any page still loading is dropped). */
  function reload(): Promise<void> {
    clear()
    return loadMore()
  }

  /**
   * The view opens again: what was loaded stays (with its selection and scroll position) and images made
   * meanwhile are merged in at their place; a list that never loaded, or failed, starts over.
   */
  function resume(): Promise<void> {
    if (stale || !loaded.value || error.value || items.value.length === 0) return reload()
    return refreshHead()
  }

  /**
   * A sync applied another device's changes. New images merge in now (as after a job); edits to images
   * already shown (favourites, trash) appear when the Gallery next opens, so a person scrolled deep into
   * it is not thrown back to the top while they look.
   */
  function afterSync(): Promise<void> {
    if (!loaded.value) return Promise.resolve()
    stale = true
    return refreshHead()
  }

  function clear() {
    stale = false
    generation++
    inflight = null
    setItems([])
    nextCursor.value = null
    complete.value = false
    loading.value = false
    loaded.value = false
    error.value = null
    scrollTop.value = 0
    clearSelection()
  }

  /**
   * Another profile opened: its images, the filters typed over the old ones, the selection and the
   * pending undo all go. Nothing is loaded; the Gallery reloads when it opens.
   */
  function reset() {
    clear()
    query.value = emptyQuery()
    undo.value = null
    selectMode.value = false
  }

  /** Changes some filters and reloads from the first page. */
  function setQuery(patch: Partial<GalleryQuery>): Promise<void> {
    query.value = { ...query.value, ...patch }
    return reload()
  }

  function clearFilters(): Promise<void> {
    return setQuery({ ...emptyQuery(), view: query.value.view })
  }

  /**
   * Puts a record where keyset order says it belongs. Records older than the last loaded one of
   * an unfinished list are left for a later page to bring.
   */
  function insertOrdered(list: ImageRecord[], record: ImageRecord): boolean {
    if (loadedIds.has(record.id)) return false
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compareKeyset(list[mid], record) < 0) lo = mid + 1
      else hi = mid
    }
    if (lo === list.length && !complete.value) return false
    list.splice(lo, 0, record)
    loadedIds.add(record.id)
    return true
  }

  /** After a job finished: the first page again, merging what is new at its place. */
  async function refreshHead(): Promise<void> {
    if (items.value.length === 0) {
      await reload()
      return
    }
    const gen = generation
    try {
      const page = await api.listImages(request(null))
      if (gen !== generation) return
      const fresh = page.items.filter((i) => !loadedIds.has(i.id))
      if (fresh.length === 0) return
      // A first page made only of unknown images may hide more between it and what is loaded.
      if (fresh.length === page.items.length && page.nextCursor != null) {
        await reload()
        return
      }
      const list = items.value
      for (const record of fresh) insertOrdered(list, record)
      triggerRef(items)
      changes.value++
    } catch (e) {
      if (gen === generation) error.value = errorMessage(e)
    }
  }

  function indexOf(id: string): number {
    return items.value.findIndex((i) => i.id === id)
  }

  function replace(record: ImageRecord) {
    const at = indexOf(record.id)
    if (at < 0) return
    items.value[at] = record
    triggerRef(items)
  }

  function find(id: string): ImageRecord | undefined {
    return loadedIds.has(id) ? items.value.find((i) => i.id === id) : undefined
  }

  /** Optimistic: the star changes at once and goes back if the core refuses. */
  async function setFavourite(id: string, favourite: boolean): Promise<ImageRecord | undefined> {
    const before = find(id)
    if (before) replace({ ...before, favourite })
    try {
      const saved = await api.setFavourite(id, favourite)
      replace(saved)
      return saved
    } catch (e) {
      if (before) replace(before)
      throw e
    }
  }

  async function setRating(id: string, rating: number): Promise<ImageRecord | undefined> {
    const before = find(id)
    if (before) replace({ ...before, rating })
    try {
      const saved = await api.setRating(id, rating)
      replace(saved)
      return saved
    } catch (e) {
      if (before) replace(before)
      throw e
    }
  }

  function removeLoaded(ids: string[]): ImageRecord[] {
    const gone = new Set(ids)
    const removed = items.value.filter((i) => gone.has(i.id))
    items.value = items.value.filter((i) => !gone.has(i.id))
    for (const id of ids) {
      loadedIds.delete(id)
      selected.value.delete(id)
    }
    return removed
  }

  /** Moves images to the trash; Undo (`undoTrash`) brings them back. */
  async function trash(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0
    const gen = generation
    const n = await api.trashImages(ids)
    if (gen !== generation) return n
    const records = removeLoaded(ids)
    undo.value = { ids, records }
    changes.value++
    return n
  }

  async function undoTrash(): Promise<number> {
    const last = undo.value
    if (!last) return 0
    undo.value = null
    const gen = generation
    const n = await api.restoreImages(last.ids)
    changes.value++
    if (gen !== generation) return n
    if (query.value.view === 'live') {
      const list = items.value
      for (const record of last.records) insertOrdered(list, { ...record, deletedAt: null })
      triggerRef(items)
    } else {
      // Undone after switching to the trash view: they leave the trash list again.
      removeLoaded(last.ids)
    }
    return n
  }

  /** From the trash view: back to the library (they leave the trash list). */
  async function restore(ids: string[]): Promise<number> {
    const n = await api.restoreImages(ids)
    removeLoaded(ids)
    changes.value++
    return n
  }

  async function emptyTrash(): Promise<number> {
    const gen = generation
    const n = await api.emptyTrash()
    changes.value++
    if (gen !== generation) return n
    if (query.value.view === 'trash') {
      setItems([])
      complete.value = true
    }
    undo.value = null
    return n
  }

  function dismissUndo() {
    undo.value = null
  }

  // Selection (multi-select mode).
  function setSelectMode(on: boolean) {
    selectMode.value = on
    if (!on) clearSelection()
  }

  function clearSelection() {
    selected.value = new Set()
    anchorId = null
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

  // New images from the generator appear without a reload.
  let unlisten: (() => void) | null = null
  let listening = false

  async function start() {
    if (listening) return
    listening = true
    const off = await api.onJobProgress((event) => {
      if (!useAccountsStore().isCurrent(event.profileId)) return
      if (event.stage.kind === 'done' && event.stage.imageIds.length > 0) void refreshHead()
    })
    if (listening) unlisten = off
    else off()
  }

  function stop() {
    listening = false
    unlisten?.()
    unlisten = null
  }

  return {
    query, items, nextCursor, complete, loading, loaded, error, undo, hasFilters, scrollTop, changes,
    selectMode, selected, selectedItems,
    reset, reload, resume, loadMore, setQuery, clearFilters, refreshHead, indexOf, find,
    setFavourite, setRating, trash, undoTrash, restore, emptyTrash, dismissUndo,
    setSelectMode, clearSelection, toggleSelected, selectAllLoaded,
    start, stop, afterSync,
  }
})
