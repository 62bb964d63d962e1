import { describe, it, expect, vi, beforeEach } from 'vitest'
import { setActivePinia, createPinia } from 'pinia'
import type { Album, ImagePage, ImageQuery, ImageRecord } from '@/api'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'

// The stores are tested over the src/api boundary; the Rust side is replaced here. The in-page core (the
// browser build's mocks) is checked against the core's paging rules below, on its own data.
const mocks = vi.hoisted(() => ({
  listGrid: vi.fn(),
  getImage: vi.fn(),
  listAlbums: vi.fn(),
  listTags: vi.fn(),
  createAlbum: vi.fn(),
  addToAlbum: vi.fn(),
  removeFromAlbum: vi.fn(),
  onCoreChanged: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api: mocks }
})

import { compareIn } from '@/lib/gallery'
import { seedState } from '@/mocks/backend'
import { sortedPage } from '@/mocks/organise'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useGalleryStore } from '@/stores/gallery'
import { useOrganiseStore } from '@/stores/organise'

function img(n: number, over: Partial<ImageRecord> = {}): ImageRecord {
  return {
    id: `img-${String(n).padStart(4, '0')}`, kind: 'generated', jobId: `job-${n}`, position: 0, sha256: 'ab'.repeat(32), path: `images/${n}.png`,
    mime: 'image/png', width: 1024, height: 1024, bytes: 1000, thumbPath: `thumbs/${n}.webp`, previewPath: null,
    imageSize: '1K', favourite: false, rating: 0, deletedAt: null, createdAt: 1_000_000 - n * 1000, flag: null,
    prompt: `prompt ${n}`, model: 'nano-banana', jobStatus: 'COMPLETED', ...over,
  }
}
const page = (items: ImageRecord[]): ImagePage => ({ items, nextCursor: null })
const album = (id: string, name: string, images: number): Album => ({ id, name, images, createdAt: 1, updatedAt: 1 })
const calls = () => mocks.listGrid.mock.calls.map((c) => c[0] as ImageQuery)

let events: FakeCoreEvents

beforeEach(async () => {
  setActivePinia(createPinia())
  for (const m of Object.values(mocks)) m.mockReset()
  events = fakeCoreEvents()
  mocks.onCoreChanged.mockImplementation(events.onCoreChanged)
  await useCoreEventsStore().start()
})

describe('gallery organising filters', () => {
  it('asks the core for each filter and sort, typed, and counts them as filters (the sort is not one)', async () => {
    mocks.listGrid.mockResolvedValue(page([img(1)]))
    const store = useGalleryStore()
    await store.setQuery({ sort: 'rating' })
    expect(calls()[0]).toMatchObject({ sort: 'rating', minRating: null, model: null, provider: null, album: null, tag: null })
    expect(store.hasFilters).toBe(false)

    await store.setQuery({ minRating: 3, model: 'nano-banana-pro', provider: 'nanobanana', album: 'album-1', tag: 'sea' })
    expect(calls()[1]).toMatchObject({
      sort: 'rating', minRating: 3, model: 'nano-banana-pro', provider: 'nanobanana', album: 'album-1', tag: 'sea', cursor: null,
    })
    expect(store.hasFilters).toBe(true)
  })

  it('clearing the filters keeps the sort and the view', async () => {
    mocks.listGrid.mockResolvedValue(page([]))
    const store = useGalleryStore()
    await store.setQuery({ sort: 'oldest', minRating: 4, tag: 'sea', album: 'album-1' })
    await store.clearFilters()
    expect(store.query).toMatchObject({ sort: 'oldest', view: 'live', minRating: 0, tag: null, album: null })
    expect(store.hasFilters).toBe(false)
  })

  it('keeps its filters when the view is left and opened again', async () => {
    mocks.listGrid.mockResolvedValue(page([img(1)]))
    const store = useGalleryStore()
    await store.setQuery({ tag: 'sea', sort: 'oldest' })
    store.leave()
    mocks.listGrid.mockClear()
    await store.resume()
    expect(store.query).toMatchObject({ tag: 'sea', sort: 'oldest' })
    // Resuming reads the head of the same query again, not an unfiltered list.
    expect(calls().every((q) => q.tag === 'sea' && q.sort === 'oldest')).toBe(true)
  })

  it('an album shown is read again when what is in it changes (records do not carry albums)', async () => {
    mocks.listGrid.mockResolvedValue(page([img(1), img(2)]))
    const store = useGalleryStore()
    await store.setQuery({ album: 'album-1' })
    await store.resume()
    mocks.listGrid.mockClear()
    mocks.listGrid.mockResolvedValue(page([img(1)]))
    events.library({ organise: true, images: { updated: ['img-0002'] } })
    await vi.waitFor(() => expect(store.items.map((i) => i.id)).toEqual(['img-0001']))
    expect(calls()[0]).toMatchObject({ album: 'album-1', cursor: null })
  })

  it('places an arriving image by the sort shown: oldest first puts a new one last', async () => {
    mocks.listGrid.mockResolvedValue(page([img(3), img(2)]))
    const store = useGalleryStore()
    await store.setQuery({ sort: 'oldest' })
    await store.resume()
    mocks.getImage.mockResolvedValue(img(0))
    events.library({ images: { added: ['img-0000'] } })
    await vi.waitFor(() => expect(store.items.map((i) => i.id)).toEqual(['img-0003', 'img-0002', 'img-0000']))
  })

  it('orders records like the core for each sort', () => {
    const a = img(1, { rating: 2 })
    const b = img(2, { rating: 5 })
    expect(compareIn('newest', a, b)).toBeLessThan(0)
    expect(compareIn('oldest', a, b)).toBeGreaterThan(0)
    expect(compareIn('rating', a, b)).toBeGreaterThan(0)
  })
})

describe('organise store', () => {
  it('lists albums and tags, and reads them again when the library says they changed', async () => {
    mocks.listAlbums.mockResolvedValue([album('a1', 'Trips', 3)])
    mocks.listTags.mockResolvedValue([{ tag: 'sea', images: 2 }])
    const store = useOrganiseStore()
    await store.ensureLoaded()
    expect(store.album('a1')?.name).toBe('Trips')
    expect(store.tags.map((t) => t.tag)).toEqual(['sea'])

    mocks.listAlbums.mockResolvedValue([album('a1', 'Trips', 4)])
    events.library({ organise: true, images: { updated: ['img-0001'] } })
    await vi.waitFor(() => expect(store.album('a1')?.images).toBe(4))
  })

  it('makes an album and puts the images in it, then shows the core\'s counts', async () => {
    mocks.listAlbums.mockResolvedValueOnce([]).mockResolvedValue([album('a2', 'Dogs', 2)])
    mocks.listTags.mockResolvedValue([])
    mocks.createAlbum.mockResolvedValue(album('a2', 'Dogs', 0))
    mocks.addToAlbum.mockResolvedValue(2)
    const store = useOrganiseStore()
    await store.ensureLoaded()
    const made = await store.addToNewAlbum('  Dogs ', ['img-1', 'img-2'])
    expect(mocks.createAlbum).toHaveBeenCalledWith('Dogs')
    expect(mocks.addToAlbum).toHaveBeenCalledWith('a2', ['img-1', 'img-2'])
    expect(made.added).toBe(2)
    expect(store.albums).toEqual([album('a2', 'Dogs', 2)])
  })
})

describe('the in-page core pages like the core', () => {
  it('pages by rating with the rating in the cursor, each image once, most stars first', () => {
    const images = seedState().images
    const seen: ImageRecord[] = []
    let cursor: ImageQuery['cursor'] = null
    do {
      const p = sortedPage(images, { sort: 'rating', limit: 7, cursor })
      seen.push(...p.items)
      cursor = p.nextCursor
      if (cursor) expect(cursor.rating).toBe(p.items[p.items.length - 1].rating)
    } while (cursor)
    expect(seen).toHaveLength(images.length)
    expect(new Set(seen.map((i) => i.id)).size).toBe(images.length)
    for (let i = 1; i < seen.length; i++) expect(compareIn('rating', seen[i - 1], seen[i])).toBeLessThan(0)
  })
})
