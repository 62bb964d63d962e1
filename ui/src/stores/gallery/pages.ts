// The Gallery's query and the images loaded for it: keyset pages (never offsets), merging new images at
// their place, replacing and dropping records, and reading again what is shown in one swap.
import { computed, ref, shallowRef, triggerRef } from 'vue'
import {
  api, errorMessage, type GridImage, type ImageQuery, type ImageSize, type ImageSort, type JobStatus, type Model,
  type ProviderKind,
} from '@/api'
import { compareIn, dayEnd, dayStart } from '@/lib/gallery'
import type { ProfileScope } from '@/stores/profile'

/** Keyset page size: big enough to fill a desktop screen several times, small enough to stay instant. */
export const PAGE_SIZE = 200
/** The first page: about two screens of tiles, so the first screen waits for as little as it can. */
export const FIRST_PAGE_SIZE = 60

export interface GalleryQuery {
  /** Words to find in prompts (the core's full-text search). */
  search: string
  status: JobStatus | null
  /** One of the catalog's sizes, or null for every size. */
  size: ImageSize | null
  favourites: boolean
  /** `YYYY-MM-DD` from date inputs; '' when not set. `to` is inclusive of its day. */
  from: string
  to: string
  /** At least this many stars (1 to 5); 0 for any rating. */
  minRating: number
  model: Model | null
  provider: ProviderKind | null
  /** An album's id (the album view), or null for every image. */
  album: string | null
  /** A tag as the core keeps it (trimmed, lower case), or null. */
  tag: string | null
  sort: ImageSort
  view: 'live' | 'trash'
}

export function emptyQuery(): GalleryQuery {
  return {
    search: '', status: null, size: null, favourites: false, from: '', to: '', minRating: 0, model: null, provider: null,
    album: null, tag: null, sort: 'newest', view: 'live',
  }
}

/** Whether a query narrows the list (its sort and view do not). */
export function isFiltered(q: GalleryQuery): boolean {
  return q.search.trim() !== '' || q.status != null || q.size != null || q.favourites || q.from !== '' || q.to !== ''
    || q.minRating > 0 || q.model != null || q.provider != null || q.album != null || q.tag != null
}

export type GalleryPages = ReturnType<typeof useGalleryPages>

/** `dropped` hears ids that left the list (null: all of them), so the selection forgets them too. */
export function useGalleryPages(scope: ProfileScope, dropped: (ids: string[] | null) => void) {
  const query = ref<GalleryQuery>(emptyQuery())
  // At 100k images the list is a shallow ref of the grid's thin records: Vue does not walk them, and each is a
  // fraction of a full record's size (the viewer reads the full one).
  const items = shallowRef<GridImage[]>([])
  const nextCursor = ref<ImageQuery['cursor']>(null)
  const complete = ref(false)
  const loading = ref(false)
  /** True once the first page of the current query has answered (success or error). */
  const loaded = ref(false)
  const error = ref<string | null>(null)
  /** Where the grid was scrolled when the view closed (pixels from the top). */
  const scrollTop = ref(0)
  /** Loaded records may be out of date (a change the list could not place): the next `resume` starts over. */
  const stale = ref(false)

  const loadedIds = new Set<string>()
  /** Bumped by every reload and reset: a response for an older generation is dropped (a newer query wins). */
  let generation = 0
  let inflight: Promise<void> | null = null

  const hasFilters = computed(() => isFiltered(query.value))

  function request(cursor: ImageQuery['cursor'], limit = PAGE_SIZE): ImageQuery {
    const q = query.value
    return {
      search: q.search.trim() || null,
      status: q.status,
      imageSize: q.size,
      favouriteOnly: q.favourites,
      from: dayStart(q.from),
      to: dayEnd(q.to),
      minRating: q.minRating > 0 ? q.minRating : null,
      model: q.model,
      provider: q.provider,
      album: q.album,
      tag: q.tag,
      sort: q.sort,
      view: q.view,
      cursor,
      limit,
    }
  }

  function setItems(list: GridImage[]) {
    items.value = list
    loadedIds.clear()
    for (const i of list) loadedIds.add(i.id)
  }

  /** Loads the next page; a call while one is loading shares it. */
  function loadMore(): Promise<void> {
    if (complete.value) return Promise.resolve()
    if (inflight) return inflight
    const gen = generation
    const stillOpen = scope.begin()
    loading.value = true
    error.value = null
    const run = (async () => {
      try {
        const limit = items.value.length === 0 ? FIRST_PAGE_SIZE : PAGE_SIZE
        const page = await api.listGrid(request(nextCursor.value, limit))
        if (gen !== generation || !stillOpen()) return
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

  function clear() {
    stale.value = false
    generation++
    inflight = null
    setItems([])
    nextCursor.value = null
    complete.value = false
    loading.value = false
    loaded.value = false
    error.value = null
    scrollTop.value = 0
    dropped(null)
  }

  /** Starts the current query over from its first page (any page still loading is dropped). */
  function reload(): Promise<void> {
    clear()
    return loadMore()
  }

  /** Changes some filters and reloads from the first page. */
  function setQuery(patch: Partial<GalleryQuery>): Promise<void> {
    query.value = { ...query.value, ...patch }
    return reload()
  }

  /**
   * Puts a record where keyset order says it belongs. Records older than the last loaded one of
   * an unfinished list are left for a later page to bring.
   */
  function insertOrdered(record: GridImage): boolean {
    if (loadedIds.has(record.id)) return false
    const list = items.value
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compareIn(query.value.sort, list[mid], record) < 0) lo = mid + 1
      else hi = mid
    }
    if (lo === list.length && !complete.value) return false
    list.splice(lo, 0, record)
    loadedIds.add(record.id)
    triggerRef(items)
    return true
  }

  /**
   * The first page again, merging what is new at its place. Resolves with that page (and whether it was the
   * whole list), or null when it could not tell (it failed, or the list was loaded again instead).
   */
  async function refreshHead(): Promise<{ items: GridImage[]; whole: boolean } | null> {
    if (items.value.length === 0) {
      await reload()
      return null
    }
    const gen = generation
    const stillOpen = scope.begin()
    try {
      const page = await api.listGrid(request(null))
      if (gen !== generation || !stillOpen()) return null
      const fresh = page.items.filter((i) => !loadedIds.has(i.id))
      // A first page made only of unknown images may hide more between it and what is loaded.
      if (fresh.length > 0 && fresh.length === page.items.length && page.nextCursor != null) {
        await reload()
        return null
      }
      for (const record of fresh) insertOrdered(record)
      return { items: page.items, whole: page.nextCursor == null }
    } catch (e) {
      if (gen === generation) error.value = errorMessage(e)
      return null
    }
  }

  /**
   * Reads again as many images as are loaded and swaps them in at once: what is shown stays until the fresh
   * pages are there, and the scroll position stays (the grid keeps its offset).
   */
  async function refreshLoaded(): Promise<void> {
    const gen = generation
    const stillOpen = scope.begin()
    const want = Math.max(items.value.length, PAGE_SIZE)
    const fresh: GridImage[] = []
    let cursor: ImageQuery['cursor'] = null
    let more = true
    try {
      while (more && fresh.length < want) {
        const page = await api.listGrid(request(cursor))
        if (gen !== generation || !stillOpen()) return
        fresh.push(...page.items)
        cursor = page.nextCursor
        more = cursor != null
      }
    } catch (e) {
      if (gen === generation) error.value = errorMessage(e)
      return
    }
    const kept = new Set(fresh.map((i) => i.id))
    dropped(items.value.filter((i) => !kept.has(i.id)).map((i) => i.id))
    setItems(fresh)
    nextCursor.value = cursor
    complete.value = !more
    stale.value = false
  }

  function indexOf(id: string): number {
    return items.value.findIndex((i) => i.id === id)
  }

  function find(id: string): GridImage | undefined {
    return loadedIds.has(id) ? items.value.find((i) => i.id === id) : undefined
  }

  function has(id: string): boolean {
    return loadedIds.has(id)
  }

  /**
   * A changed record, in its place: one that no longer matches a filter (unstarred, re-rated) or whose rating moved
   * it in a list sorted by rating stays where the person is looking until the list is read again.
   */
  function replace(record: GridImage) {
    const at = indexOf(record.id)
    if (at < 0) return
    items.value[at] = record
    triggerRef(items)
  }

  function removeLoaded(ids: string[]): GridImage[] {
    const gone = new Set(ids)
    const removed = items.value.filter((i) => gone.has(i.id))
    if (removed.length === 0) return removed
    items.value = items.value.filter((i) => !gone.has(i.id))
    for (const id of ids) loadedIds.delete(id)
    dropped(ids)
    return removed
  }

  /** Whether a record belongs to the view shown (the live library, or the trash). */
  function inView(record: Pick<GridImage, 'deletedAt'>): boolean {
    return query.value.view === 'trash' ? record.deletedAt != null : record.deletedAt == null
  }

  /** The current generation: work started under an older one (another query, a reset) is dropped. */
  const mark = () => generation

  return {
    query, items, nextCursor, complete, loading, loaded, error, scrollTop, stale, hasFilters,
    loadMore, reload, clear, setQuery, setItems, insertOrdered, refreshHead, refreshLoaded, indexOf, find, has, replace,
    removeLoaded, inView, mark,
  }
}
