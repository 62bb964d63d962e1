import { describe, it, expect, vi, beforeEach } from 'vitest'
import { setActivePinia, createPinia } from 'pinia'
import type { ImagePage, ImageQuery, ImageRecord, JobEvent } from '@/api'

// The store is tested over the src/api boundary; the Rust side is replaced here.
const mocks = vi.hoisted(() => ({
  listImages: vi.fn(),
  setFavourite: vi.fn(),
  setRating: vi.fn(),
  trashImages: vi.fn(),
  restoreImages: vi.fn(),
  emptyTrash: vi.fn(),
  onJobProgress: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api: mocks }
})

import { ApiError } from '@/api'
import { PAGE_SIZE, useGalleryStore } from '@/stores/gallery'

function img(n: number, over: Partial<ImageRecord> = {}): ImageRecord {
  return {
    id: `img-${String(n).padStart(4, '0')}`, kind: 'generated', jobId: `job-${n}`, position: 0, sha256: 'ab'.repeat(32), path: `images/${n}.png`,
    mime: 'image/png', width: 1024, height: 1024, bytes: 1000, thumbPath: `thumbs/${n}.webp`, previewPath: null,
    imageSize: 1024, favourite: false, rating: 0, deletedAt: null, createdAt: 1_000_000 - n * 1000,
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

const calls = () => mocks.listImages.mock.calls.map((c) => c[0] as ImageQuery)

describe('gallery store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    for (const m of Object.values(mocks)) m.mockReset()
  })

  it('pages with the keyset cursor of the previous page until the last one', async () => {
    mocks.listImages
      .mockResolvedValueOnce(pageOf(1, PAGE_SIZE))
      .mockResolvedValueOnce(pageOf(1 + PAGE_SIZE, 5, true))
    const store = useGalleryStore()
    await store.reload()
    expect(calls()[0]).toMatchObject({ cursor: null, limit: 200, view: 'live', search: null, favouriteOnly: false })
    expect(store.items).toHaveLength(200)
    expect(store.complete).toBe(false)

    await store.loadMore()
    const last = store.items[PAGE_SIZE - 1]
    expect(calls()[1].cursor).toEqual({ createdAt: last.createdAt, id: last.id })
    expect(store.items).toHaveLength(205)
    expect(store.complete).toBe(true)

    await store.loadMore()
    expect(mocks.listImages).toHaveBeenCalledTimes(2)
  })

  it('shares one request between overlapping loads', async () => {
    const first = deferred<ImagePage>()
    mocks.listImages.mockReturnValueOnce(first.promise)
    const store = useGalleryStore()
    const a = store.reload()
    const b = store.loadMore()
    expect(mocks.listImages).toHaveBeenCalledTimes(1)
    first.resolve(pageOf(1, 3, true))
    await Promise.all([a, b])
    expect(store.items.map((i) => i.id)).toEqual(['img-0001', 'img-0002', 'img-0003'])
  })

  it('drops a response that arrives after a newer query started', async () => {
    const old = deferred<ImagePage>()
    mocks.listImages.mockReturnValueOnce(old.promise).mockResolvedValueOnce(pageOf(50, 2, true))
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
    mocks.listImages
      .mockResolvedValueOnce(pageOf(1, PAGE_SIZE))
      .mockResolvedValueOnce(pageOf(201, PAGE_SIZE))
      .mockResolvedValueOnce(pageOf(7, 1, true))
    const store = useGalleryStore()
    await store.reload()
    await store.loadMore()
    expect(store.items).toHaveLength(400)

    await store.setQuery({ status: 'COMPLETED', size: 512, favourites: true, from: '2026-11-01', to: '2026-11-03' })
    const q = calls()[2]
    expect(q.cursor).toBeNull()
    expect(q).toMatchObject({ status: 'COMPLETED', imageSize: 512, favouriteOnly: true })
    // "to" includes its day: the exclusive end is the next local midnight.
    expect(q.from).toBe(new Date(2026, 10, 1).getTime())
    expect(q.to).toBe(new Date(2026, 10, 4).getTime())
    expect(store.items.map((i) => i.id)).toEqual(['img-0007'])
  })

  it('keeps the error and retries on the next load', async () => {
    mocks.listImages
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
    mocks.listImages.mockResolvedValueOnce(pageOf(1, 5, true))
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

  it('counts changes to the library (trash, undo, new images), not pages loaded by scrolling', async () => {
    mocks.listImages
      .mockResolvedValueOnce(pageOf(10, PAGE_SIZE))
      .mockResolvedValueOnce(pageOf(10 + PAGE_SIZE, 5, true))
      .mockResolvedValueOnce(pageOf(9, PAGE_SIZE))
    mocks.trashImages.mockResolvedValue(1)
    mocks.restoreImages.mockResolvedValue(1)
    const store = useGalleryStore()
    await store.reload()
    await store.loadMore()
    expect(store.items).toHaveLength(PAGE_SIZE + 5)
    expect(store.changes).toBe(0)
    await store.trash(['img-0010'])
    expect(store.changes).toBe(1)
    await store.undoTrash()
    expect(store.changes).toBe(2)
    // A job made img-0009: it merges in at the top.
    await store.refreshHead()
    expect(store.items[0]?.id).toBe('img-0009')
    expect(store.changes).toBe(3)
  })

  it('undo after switching to the trash view takes them out of the trash list', async () => {
    mocks.listImages.mockResolvedValueOnce(pageOf(1, 3, true)).mockResolvedValueOnce(pageOf(2, 1, true))
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
    mocks.listImages.mockResolvedValueOnce(pageOf(1, 3, true))
    mocks.restoreImages.mockResolvedValue(1)
    const store = useGalleryStore()
    await store.setQuery({ view: 'trash' })
    expect(calls()[0].view).toBe('trash')
    await store.restore(['img-0002'])
    expect(store.items.map((i) => i.id)).toEqual(['img-0001', 'img-0003'])
  })

  it('favourite changes at once and goes back when the core refuses', async () => {
    mocks.listImages.mockResolvedValueOnce(pageOf(1, 2, true))
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

  it('selects ranges with shift and all loaded images', async () => {
    mocks.listImages.mockResolvedValueOnce(pageOf(1, 6, true))
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

  it('merges new images when a job finishes, and stops listening on stop', async () => {
    let handler: ((e: JobEvent) => void) | undefined
    const unlisten = vi.fn()
    mocks.onJobProgress.mockImplementation(async (h: (e: JobEvent) => void) => { handler = h; return unlisten })
    mocks.listImages
      .mockResolvedValueOnce(pageOf(1, 3, true))
      .mockResolvedValueOnce({ items: [img(0), img(1), img(2)], nextCursor: null })
    const store = useGalleryStore()
    await store.start()
    await store.reload()

    handler?.({ profileId: 'local', jobId: 'job-x', at: 0, stage: { kind: 'generating', elapsedMs: 10, polls: 1 } })
    expect(mocks.listImages).toHaveBeenCalledTimes(1)
    handler?.({ profileId: 'local', jobId: 'job-x', at: 0, stage: { kind: 'done', imageIds: ['img-0000'], cost: 0, durationMs: 1 } })
    await vi.waitFor(() => expect(store.items.map((i) => i.id)).toEqual(['img-0000', 'img-0001', 'img-0002', 'img-0003']))
    expect(calls()[1].cursor).toBeNull()

    store.stop()
    expect(unlisten).toHaveBeenCalledTimes(1)
  })

  it('empties the trash', async () => {
    mocks.listImages.mockResolvedValueOnce(pageOf(1, 2, true))
    mocks.emptyTrash.mockResolvedValue(2)
    const store = useGalleryStore()
    await store.setQuery({ view: 'trash' })
    expect(await store.emptyTrash()).toBe(2)
    expect(store.items).toEqual([])
    expect(store.complete).toBe(true)
  })

  it('coming back keeps the pages, filters, selection and scroll, merging what is new at the top', async () => {
    mocks.listImages.mockResolvedValueOnce(pageOf(1, PAGE_SIZE)).mockResolvedValueOnce(pageOf(1 + PAGE_SIZE, 3, true))
    const store = useGalleryStore()
    await store.setQuery({ favourites: true })
    await store.loadMore()
    store.setSelectMode(true)
    store.toggleSelected('img-0005')
    // The grid keeps its offset in the store when the view closes.
    store.scrollTop = 1234

    // Back again: one request for the head of the same query, no reload.
    mocks.listImages.mockResolvedValueOnce({ items: [img(0), ...pageOf(1, 4).items], nextCursor: { createdAt: 1, id: 'x' } })
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

  it('after a sync, new images merge in at once and the next visit starts over (edited ones are fresh again)', async () => {
    mocks.listImages.mockResolvedValueOnce(pageOf(1, 5, true))
    const store = useGalleryStore()
    await store.reload()
    store.scrollTop = 300

    // Another device made img-0000 and favourited img-0003.
    mocks.listImages.mockResolvedValueOnce({ items: [img(0), ...pageOf(1, 5).items], nextCursor: null })
    await store.afterSync()
    expect(store.items.map((i) => i.id)).toEqual(['img-0000', 'img-0001', 'img-0002', 'img-0003', 'img-0004', 'img-0005'])
    expect(store.scrollTop).toBe(300)

    const fresh = { items: [img(0), ...pageOf(1, 5).items.map((i) => (i.id === 'img-0003' ? { ...i, favourite: true } : i))], nextCursor: null }
    mocks.listImages.mockResolvedValueOnce(fresh)
    await store.resume()
    expect(calls()[2]).toMatchObject({ cursor: null })
    expect(store.items.find((i) => i.id === 'img-0003')?.favourite).toBe(true)

    // Without a sync in between, coming back merges only (no reload).
    mocks.listImages.mockResolvedValueOnce(fresh)
    store.scrollTop = 50
    await store.resume()
    expect(store.scrollTop).toBe(50)
  })

  it('a sync before the Gallery ever loaded asks nothing', async () => {
    const store = useGalleryStore()
    await store.afterSync()
    expect(mocks.listImages).not.toHaveBeenCalled()
  })

  it('a first visit, or one after a failed load, starts over; a new query starts at the top', async () => {
    const store = useGalleryStore()
    mocks.listImages.mockRejectedValueOnce(new ApiError({ kind: 'database', message: 'locked' }))
    await store.resume()
    expect(store.error).toBe('locked')
    mocks.listImages.mockResolvedValueOnce(pageOf(1, 3, true))
    await store.resume()
    expect(store.items).toHaveLength(3)
    store.scrollTop = 400
    mocks.listImages.mockResolvedValueOnce(pageOf(1, 1, true))
    await store.setQuery({ search: 'fox' })
    expect(store.scrollTop).toBe(0)
  })
})
