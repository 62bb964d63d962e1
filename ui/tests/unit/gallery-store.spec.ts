import { describe, it, expect, vi, beforeEach } from 'vitest'
import { setActivePinia, createPinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import type { ImagePage, ImageQuery, ImageRecord } from '@/api'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'

// The store is tested over the src/api boundary; the Rust side is replaced here.
const mocks = vi.hoisted(() => ({
  listGrid: vi.fn(),
  getImage: vi.fn(),
  setFavourite: vi.fn(),
  setRating: vi.fn(),
  trashImages: vi.fn(),
  restoreImages: vi.fn(),
  emptyTrash: vi.fn(),
  onCoreChanged: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api: mocks }
})

import { ApiError } from '@/api'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { FIRST_PAGE_SIZE, PAGE_SIZE, useGalleryStore } from '@/stores/gallery'

function img(n: number, over: Partial<ImageRecord> = {}): ImageRecord {
  return {
    id: `img-${String(n).padStart(4, '0')}`, kind: 'generated', jobId: `job-${n}`, position: 0, sha256: 'ab'.repeat(32), path: `images/${n}.png`,
    mime: 'image/png', width: 1024, height: 1024, bytes: 1000, thumbPath: `thumbs/${n}.webp`, previewPath: null,
    imageSize: '1K', favourite: false, rating: 0, deletedAt: null, createdAt: 1_000_000 - n * 1000, flag: null,
    prompt: `prompt ${n}`, model: 'nano-banana', jobStatus: 'COMPLETED', ...over,
  }
}

/** Images n..n+count-1 (newest first) with the cursor of the last one, or null for the last page. */
function pageOf(from: number, count: number, last = false): ImagePage {
  const items = Array.from({ length: count }, (_, i) => img(from + i))
  const tail = items[items.length - 1]
  return { items, nextCursor: last || !tail ? null : { createdAt: tail.createdAt, id: tail.id } }
}

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => { resolve = r })
  return { promise, resolve }
}

const calls = () => mocks.listGrid.mock.calls.map((c) => c[0] as ImageQuery)

let events: FakeCoreEvents

describe('gallery store', () => {
  beforeEach(async () => {
    setActivePinia(createPinia())
    for (const m of Object.values(mocks)) m.mockReset()
    events = fakeCoreEvents()
    mocks.onCoreChanged.mockImplementation(events.onCoreChanged)
    await useCoreEventsStore().start()
  })

  it('pages with the keyset cursor of the previous page until the last one', async () => {
    mocks.listGrid
      .mockResolvedValueOnce(pageOf(1, PAGE_SIZE))
      .mockResolvedValueOnce(pageOf(1 + PAGE_SIZE, 5, true))
    const store = useGalleryStore()
    await store.reload()
    // The first page is about two screens (the first screen waits for less); later pages are larger.
    expect(calls()[0]).toMatchObject({ cursor: null, limit: FIRST_PAGE_SIZE, view: 'live', search: null, favouriteOnly: false })
    expect(store.items).toHaveLength(200)
    expect(store.complete).toBe(false)

    await store.loadMore()
    const last = store.items[PAGE_SIZE - 1]
    expect(calls()[1]).toMatchObject({ limit: PAGE_SIZE })
    expect(calls()[1].cursor).toEqual({ createdAt: last.createdAt, id: last.id })
    expect(store.items).toHaveLength(205)
    expect(store.complete).toBe(true)

    await store.loadMore()
    expect(mocks.listGrid).toHaveBeenCalledTimes(2)
  })

  it('shares one request between overlapping loads', async () => {
    const first = deferred<ImagePage>()
    mocks.listGrid.mockReturnValueOnce(first.promise)
    const store = useGalleryStore()
    const a = store.reload()
    const b = store.loadMore()
    expect(mocks.listGrid).toHaveBeenCalledTimes(1)
    first.resolve(pageOf(1, 3, true))
    await Promise.all([a, b])
    expect(store.items.map((i) => i.id)).toEqual(['img-0001', 'img-0002', 'img-0003'])
  })

  it('drops a response that arrives after a newer query started', async () => {
    const old = deferred<ImagePage>()
    mocks.listGrid.mockReturnValueOnce(old.promise).mockResolvedValueOnce(pageOf(50, 2, true))
    const store = useGalleryStore()
    const stale = store.reload()
    await store.setQuery({ search: 'fox' })
    old.resolve(pageOf(1, 10))
    await stale
    expect(calls()[1].search).toBe('fox')
    expect(store.items.map((i) => i.id)).toEqual(['img-0050', 'img-0051'])
    expect(store.complete).toBe(true)
    expect(store.loading).toBe(false)
  })

  it('starts paging over when a filter changes', async () => {
    mocks.listGrid
      .mockResolvedValueOnce(pageOf(1, PAGE_SIZE))
      .mockResolvedValueOnce(pageOf(201, PAGE_SIZE))
      .mockResolvedValueOnce(pageOf(7, 1, true))
    const store = useGalleryStore()
    await store.reload()
    await store.loadMore()
    expect(store.items).toHaveLength(400)

    await store.setQuery({ status: 'COMPLETED', size: '512', favourites: true, from: '2026-11-01', to: '2026-11-03' })
    const q = calls()[2]
    expect(q.cursor).toBeNull()
    expect(q).toMatchObject({ status: 'COMPLETED', imageSize: '512', favouriteOnly: true })
    // "to" includes its day: the exclusive end is the next local midnight.
    expect(q.from).toBe(new Date(2026, 10, 1).getTime())
    expect(q.to).toBe(new Date(2026, 10, 4).getTime())
    expect(store.items.map((i) => i.id)).toEqual(['img-0007'])
  })

  it('keeps the error and retries on the next load', async () => {
    mocks.listGrid
      .mockRejectedValueOnce(new ApiError({ kind: 'database', message: 'disk full' }))
      .mockResolvedValueOnce(pageOf(1, 2, true))
    const store = useGalleryStore()
    await store.reload()
    expect(store.error).toBe('disk full')
    expect(store.loaded).toBe(true)
    await store.loadMore()
    expect(store.error).toBeNull()
    expect(store.items).toHaveLength(2)
  })

  it('trash removes images and undo puts them back in order', async () => {
    mocks.listGrid.mockResolvedValueOnce(pageOf(1, 5, true))
    mocks.trashImages.mockResolvedValue(2)
    mocks.restoreImages.mockResolvedValue(2)
    const store = useGalleryStore()
    await store.reload()

    await store.trash(['img-0002', 'img-0004'])
    expect(mocks.trashImages).toHaveBeenCalledWith(['img-0002', 'img-0004'])
    expect(store.items.map((i) => i.id)).toEqual(['img-0001', 'img-0003', 'img-0005'])
    expect(store.undo?.ids).toEqual(['img-0002', 'img-0004'])

    await store.undoTrash()
    expect(mocks.restoreImages).toHaveBeenCalledWith(['img-0002', 'img-0004'])
    expect(store.items.map((i) => i.id)).toEqual(['img-0001', 'img-0002', 'img-0003', 'img-0004', 'img-0005'])
    expect(store.undo).toBeNull()
  })

  it('undo after switching to the trash view takes them out of the trash list', async () => {
    mocks.listGrid.mockResolvedValueOnce(pageOf(1, 3, true)).mockResolvedValueOnce(pageOf(2, 1, true))
    mocks.trashImages.mockResolvedValue(1)
    mocks.restoreImages.mockResolvedValue(1)
    const store = useGalleryStore()
    await store.reload()
    await store.trash(['img-0002'])
    await store.setQuery({ view: 'trash' })
    expect(store.items.map((i) => i.id)).toEqual(['img-0002'])
    await store.undoTrash()
    expect(store.items).toEqual([])
  })

  it('restoring from the trash view takes images out of the trash list', async () => {
    mocks.listGrid.mockResolvedValueOnce(pageOf(1, 3, true))
    mocks.restoreImages.mockResolvedValue(1)
    const store = useGalleryStore()
    await store.setQuery({ view: 'trash' })
    expect(calls()[0].view).toBe('trash')
    await store.restore(['img-0002'])
    expect(store.items.map((i) => i.id)).toEqual(['img-0001', 'img-0003'])
  })

  it('favourite changes at once and goes back when the core refuses', async () => {
    mocks.listGrid.mockResolvedValueOnce(pageOf(1, 2, true))
    const store = useGalleryStore()
    await store.reload()

    mocks.setFavourite.mockResolvedValueOnce(img(1, { favourite: true }))
    await store.setFavourite('img-0001', true)
    expect(store.items[0].favourite).toBe(true)

    mocks.setFavourite.mockRejectedValueOnce(new ApiError({ kind: 'database', message: 'locked' }))
    await expect(store.setFavourite('img-0001', false)).rejects.toThrow('locked')
    expect(store.items[0].favourite).toBe(true)

    mocks.setRating.mockResolvedValueOnce(img(2, { rating: 4 }))
    await store.setRating('img-0002', 4)
    expect(store.items[1].rating).toBe(4)
  })

  it('keeps the saved record of an image starred or rated outside the loaded pages (a viewer opened from a link)', async () => {
    mocks.listGrid.mockResolvedValueOnce(pageOf(1, 2, true))
    const store = useGalleryStore()
    await store.reload()
    mocks.setFavourite.mockResolvedValueOnce(img(90, { favourite: true }))
    await store.setFavourite('img-0090', true)
    expect(store.outside?.id).toBe('img-0090')
    expect(store.outside?.favourite).toBe(true)
    expect(store.items.map((i) => i.id)).toEqual(['img-0001', 'img-0002'])
    mocks.setRating.mockResolvedValueOnce(img(90, { favourite: true, rating: 3 }))
    await store.setRating('img-0090', 3)
    expect(store.outside?.rating).toBe(3)
    // An image of the list does not take its place.
    mocks.setRating.mockResolvedValueOnce(img(1, { rating: 2 }))
    await store.setRating('img-0001', 2)
    expect(store.outside).toBeNull()
  })

  it('selects ranges with shift and all loaded images', async () => {
    mocks.listGrid.mockResolvedValueOnce(pageOf(1, 6, true))
    const store = useGalleryStore()
    await store.reload()
    store.setSelectMode(true)
    store.toggleSelected('img-0002')
    store.toggleSelected('img-0005', true)
    expect([...store.selected]).toEqual(['img-0002', 'img-0003', 'img-0004', 'img-0005'])
    store.toggleSelected('img-0003')
    expect(store.selectedItems.map((i) => i.id)).toEqual(['img-0002', 'img-0004', 'img-0005'])
    store.selectAllLoaded()
    expect(store.selected.size).toBe(6)
    store.setSelectMode(false)
    expect(store.selected.size).toBe(0)
  })

  it('empties the trash', async () => {
    mocks.listGrid.mockResolvedValueOnce(pageOf(1, 2, true))
    mocks.emptyTrash.mockResolvedValue(2)
    const store = useGalleryStore()
    await store.setQuery({ view: 'trash' })
    expect(await store.emptyTrash()).toBe(2)
    expect(store.items).toEqual([])
    expect(store.complete).toBe(true)
  })

  it('coming back keeps the pages, filters, selection and scroll, merging what is new at the top', async () => {
    mocks.listGrid.mockResolvedValueOnce(pageOf(1, PAGE_SIZE)).mockResolvedValueOnce(pageOf(1 + PAGE_SIZE, 3, true))
    const store = useGalleryStore()
    await store.setQuery({ favourites: true })
    await store.loadMore()
    store.setSelectMode(true)
    store.toggleSelected('img-0005')
    // The grid keeps its offset in the store when the view closes.
    store.scrollTop = 1234

    // Back again: one request for the head of the same query, no reload.
    mocks.listGrid.mockResolvedValueOnce({ items: [img(0), ...pageOf(1, 4).items], nextCursor: { createdAt: 1, id: 'x' } })
    await store.resume()
    expect(calls()).toHaveLength(3)
    expect(calls()[2]).toMatchObject({ cursor: null, favouriteOnly: true })
    expect(store.items).toHaveLength(PAGE_SIZE + 4)
    expect(store.items[0].id).toBe('img-0000')
    expect(store.complete).toBe(true)
    expect(store.query.favourites).toBe(true)
    expect(store.selectMode).toBe(true)
    expect([...store.selected]).toEqual(['img-0005'])
    expect(store.scrollTop).toBe(1234)
  })

  it('a first visit, or one after a failed load, starts over; a new query starts at the top', async () => {
    const store = useGalleryStore()
    mocks.listGrid.mockRejectedValueOnce(new ApiError({ kind: 'database', message: 'locked' }))
    await store.resume()
    expect(store.error).toBe('locked')
    mocks.listGrid.mockResolvedValueOnce(pageOf(1, 3, true))
    await store.resume()
    expect(store.items).toHaveLength(3)
    store.scrollTop = 400
    mocks.listGrid.mockResolvedValueOnce(pageOf(1, 1, true))
    await store.setQuery({ search: 'fox' })
    expect(store.scrollTop).toBe(0)
  })

  describe('follows the core\'s library changes', () => {
    /** A loaded, complete list of images 1..5 (newest first), shown. */
    async function shown() {
      mocks.listGrid.mockResolvedValueOnce(pageOf(1, 5, true))
      const store = useGalleryStore()
      await store.resume()
      mocks.listGrid.mockClear()
      return store
    }
    const loadedIds = (store: ReturnType<typeof useGalleryStore>) => store.items.map((i) => i.id)

    it('merges added images at their keyset place from their records, keeping the scroll and the selection', async () => {
      const store = await shown()
      store.scrollTop = 420
      store.setSelectMode(true)
      store.toggleSelected('img-0003')
      mocks.getImage.mockImplementation(async (id: string) => img(Number(id.slice(4))))

      events.library({ images: { added: ['img-0000', 'img-0006'] }, stats: true })
      await vi.waitFor(() => expect(loadedIds(store)).toEqual(
        ['img-0000', 'img-0001', 'img-0002', 'img-0003', 'img-0004', 'img-0005', 'img-0006']))
      expect(mocks.getImage.mock.calls.map((c) => c[0])).toEqual(['img-0000', 'img-0006'])
      // Nothing was reloaded: the list grew where the images belong.
      expect(mocks.listGrid).not.toHaveBeenCalled()
      expect(store.scrollTop).toBe(420)
      expect([...store.selected]).toEqual(['img-0003'])
    })

    it('keeps an image a change brought as the grid\'s thin record (the viewer reads the full one)', async () => {
      const store = await shown()
      mocks.getImage.mockImplementation(async (id: string) => img(Number(id.slice(4)), { favourite: true, rating: 3 }))
      events.library({ images: { added: ['img-0000'] } })
      await vi.waitFor(() => expect(loadedIds(store)[0]).toBe('img-0000'))
      expect(store.items[0]).toEqual({
        id: 'img-0000', sha256: 'ab'.repeat(32), width: 1024, height: 1024, favourite: true, rating: 3, deletedAt: null,
        createdAt: 1_000_000, caption: 'prompt 0',
      })
    })

    it('an image older than what is loaded of an unfinished list is left for its page', async () => {
      mocks.listGrid.mockResolvedValueOnce(pageOf(1, 3))
      const store = useGalleryStore()
      await store.resume()
      mocks.getImage.mockResolvedValue(img(9))
      events.library({ images: { added: ['img-0009'] } })
      await flushPromises()
      expect(mocks.getImage).toHaveBeenCalledWith('img-0009')
      expect(loadedIds(store)).toEqual(['img-0001', 'img-0002', 'img-0003'])
    })

    it('reads updated images again in place, and drops removed ones and ones that left the view', async () => {
      const store = await shown()
      store.setSelectMode(true)
      store.toggleSelected('img-0002')
      store.toggleSelected('img-0004')
      mocks.getImage.mockImplementation(async (id: string) => (id === 'img-0002'
        ? img(2, { favourite: true, rating: 5 })
        : img(3, { deletedAt: 1 })))

      // Another device favourited one and trashed another; the trash was emptied of a third.
      events.library({ images: { updated: ['img-0002', 'img-0003'], removed: ['img-0004'] }, stats: true })
      await vi.waitFor(() => expect(loadedIds(store)).toEqual(['img-0001', 'img-0002', 'img-0005']))
      expect(store.items[1]).toMatchObject({ favourite: true, rating: 5 })
      expect([...store.selected]).toEqual(['img-0002'])
      expect(mocks.listGrid).not.toHaveBeenCalled()
    })

    it('an image restored elsewhere comes back to its place', async () => {
      const store = await shown()
      mocks.trashImages.mockResolvedValue(1)
      await store.trash(['img-0003'])
      mocks.getImage.mockResolvedValue(img(3))
      events.library({ images: { updated: ['img-0003'] } })
      await vi.waitFor(() => expect(loadedIds(store)).toContain('img-0003'))
      expect(loadedIds(store)).toEqual(['img-0001', 'img-0002', 'img-0003', 'img-0004', 'img-0005'])
    })

    it('with filters, arriving images go through the core\'s query: its head is asked again', async () => {
      mocks.listGrid.mockResolvedValueOnce(pageOf(1, 3, true)).mockResolvedValueOnce(pageOf(1, 3, true))
      const store = useGalleryStore()
      await store.setQuery({ search: 'fox' })
      await store.resume()
      mocks.listGrid.mockClear()
      mocks.getImage.mockImplementation(async (id: string) => img(Number(id.slice(4))))
      // The core says img-0000 matches "fox"; img-0009 does not.
      mocks.listGrid.mockResolvedValueOnce({ items: [img(0), ...pageOf(1, 3).items], nextCursor: null })
      events.library({ images: { added: ['img-0000', 'img-0009'] } })
      await vi.waitFor(() => expect(loadedIds(store)).toEqual(['img-0000', 'img-0001', 'img-0002', 'img-0003']))
      expect(calls()[0]).toMatchObject({ cursor: null, search: 'fox' })
    })

    it('a change too big to list reads again what is shown, swapped in at once, without moving the scroll', async () => {
      mocks.listGrid.mockResolvedValueOnce(pageOf(1, PAGE_SIZE)).mockResolvedValueOnce(pageOf(1 + PAGE_SIZE, 5, true))
      const store = useGalleryStore()
      await store.reload()
      await store.loadMore()
      mocks.listGrid.mockResolvedValueOnce(pageOf(1, PAGE_SIZE))
      await store.resume()
      store.scrollTop = 9000
      mocks.listGrid.mockClear()

      const first = deferred<ImagePage>()
      mocks.listGrid.mockReturnValueOnce(first.promise)
        .mockResolvedValueOnce({ items: pageOf(1 + PAGE_SIZE, 5).items.map((i) => ({ ...i, favourite: true })), nextCursor: null })
      events.library({ images: { all: true }, jobs: { all: true }, stats: true })
      await flushPromises()
      // While the fresh pages load, what was shown stays.
      expect(store.items).toHaveLength(PAGE_SIZE + 5)
      first.resolve(pageOf(1, PAGE_SIZE))
      await vi.waitFor(() => expect(store.items[PAGE_SIZE].favourite).toBe(true))
      expect(store.items).toHaveLength(PAGE_SIZE + 5)
      expect(calls().map((q) => q.cursor == null)).toEqual([true, false])
      expect(store.scrollTop).toBe(9000)
      expect(store.complete).toBe(true)
    })

    it('a change too big to list while the Gallery is closed makes the next visit start over', async () => {
      const store = await shown()
      store.leave()
      events.library({ images: { all: true } })
      await flushPromises()
      expect(mocks.listGrid).not.toHaveBeenCalled()
      mocks.listGrid.mockResolvedValueOnce(pageOf(1, 2, true))
      await store.resume()
      expect(calls()[0].cursor).toBeNull()
      expect(loadedIds(store)).toEqual(['img-0001', 'img-0002'])
    })

    it('a Gallery never loaded asks nothing', async () => {
      useGalleryStore()
      events.library({ images: { added: ['img-0000'], updated: ['img-0001'], all: false } })
      events.library({ images: { all: true } })
      await flushPromises()
      expect(mocks.getImage).not.toHaveBeenCalled()
      expect(mocks.listGrid).not.toHaveBeenCalled()
    })
  })
})

describe('gallery prefetch', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    mocks.listGrid.mockReset()
  })

  it('loads the first page ahead of the view once, and the view then shows it without asking again', async () => {
    mocks.listGrid.mockResolvedValueOnce(pageOf(1, FIRST_PAGE_SIZE))
    const store = useGalleryStore()
    await Promise.all([store.prefetch(), store.prefetch()])
    expect(mocks.listGrid).toHaveBeenCalledTimes(1)
    expect(store.items).toHaveLength(FIRST_PAGE_SIZE)
    await store.prefetch()
    expect(mocks.listGrid).toHaveBeenCalledTimes(1)
  })
})
