import { describe, it, expect, vi, beforeEach } from 'vitest'
import { setActivePinia, createPinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import type { ApiKeyStatus } from '@/api'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'
import { imageRecord, libraryStats } from './stats-fixtures'
import { catalog, noBudget, preferences, providersFromKeys } from './jobs-fixtures'

// The store is tested over the src/api boundary: the core is replaced here.
const api = vi.hoisted(() => ({
  libraryStats: vi.fn(),
  budgetStatus: vi.fn(),
  catalog: vi.fn(),
  credits: vi.fn(),
  listImages: vi.fn(),
  onCoreChanged: vi.fn(),
  getPreferences: vi.fn(),
  keyStatus: vi.fn(),
  availableProviders: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { ApiError } from '@/api'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useStatsStore, RECENT_LIMIT } from '@/stores/stats'
import { useSettingsStore } from '@/stores/settings'

const NO_KEY: ApiKeyStatus = { purpose: 'nanoBananaKey', configured: false, masked: null, source: null, provider: 'demo', keychainError: null }
const KEY: ApiKeyStatus = { purpose: 'nanoBananaKey', configured: true, masked: '••••abcd', source: 'keychain', provider: 'nanobanana', keychainError: null }

let events: FakeCoreEvents

describe('stats store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    for (const f of Object.values(api)) f.mockReset()
    api.availableProviders.mockImplementation(providersFromKeys(api.keyStatus))
    api.libraryStats.mockResolvedValue(libraryStats())
    api.budgetStatus.mockResolvedValue(noBudget)
    api.catalog.mockResolvedValue(catalog)
    api.credits.mockResolvedValue({ provider: 'nanobanana', balance: 12.5 })
    api.listImages.mockResolvedValue({ items: [imageRecord(1), imageRecord(2)], nextCursor: null })
    api.getPreferences.mockResolvedValue({ ...preferences })
    api.keyStatus.mockResolvedValue(NO_KEY)
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    void useCoreEventsStore().start()
  })

  it('loads the stats with the range asked for and keeps it for later refreshes', async () => {
    const store = useStatsStore()
    await store.load({ from: 1000, to: 2000 })
    expect(api.libraryStats).toHaveBeenCalledWith({ from: 1000, to: 2000 })
    expect(store.stats?.totals.images).toBe(1234)
    expect(store.loading).toBe(false)
    await store.refreshFigures()
    expect(api.libraryStats).toHaveBeenLastCalledWith({ from: 1000, to: 2000 })
  })

  it('asks for the balance only when an API key is set', async () => {
    const settings = useSettingsStore()
    settings.keys = { nanoBananaKey: NO_KEY }
    const store = useStatsStore()
    await store.load()
    expect(api.credits).not.toHaveBeenCalled()
    expect(store.credits).toBeNull()

    settings.keys = { nanoBananaKey: KEY }
    await store.load()
    expect(api.credits).toHaveBeenCalledTimes(1)
    expect(store.credits?.balance).toBe(12.5)
  })

  it('loads the key status first when nobody has yet', async () => {
    api.keyStatus.mockResolvedValue(KEY)
    const store = useStatsStore()
    await store.load()
    expect(api.keyStatus).toHaveBeenCalled()
    expect(api.credits).toHaveBeenCalledTimes(1)
  })

  it('keeps a failed balance apart from the stats (offline is not an error of the page)', async () => {
    api.keyStatus.mockResolvedValue(KEY)
    api.credits.mockRejectedValue(new ApiError({ kind: 'network', message: 'offline' }))
    const store = useStatsStore()
    await store.load()
    expect(store.stats).not.toBeNull()
    expect(store.error).toBeNull()
    expect(store.creditsError).toEqual({ kind: 'network', message: 'offline' })
  })

  it('reports a stats failure and keeps the last figures', async () => {
    const store = useStatsStore()
    await store.load()
    api.libraryStats.mockRejectedValue(new ApiError({ kind: 'database', message: 'disk full' }))
    await store.load()
    expect(store.error).toBe('disk full')
    expect(store.stats?.totals.images).toBe(1234)
  })

  it('applies only the latest answer when ranges change quickly', async () => {
    let resolveSlow: (v: unknown) => void = () => {}
    api.libraryStats.mockImplementationOnce(() => new Promise((r) => { resolveSlow = r }))
    api.libraryStats.mockResolvedValueOnce(libraryStats({ activeJobs: 9 }))
    const store = useStatsStore()
    const first = store.load({ from: 1 })
    await store.load({ from: 2 })
    resolveSlow(libraryStats({ activeJobs: 1 }))
    await first
    expect(store.stats?.activeJobs).toBe(9)
  })

  it('loads the recent images with a small limit', async () => {
    const store = useStatsStore()
    await store.loadRecent()
    expect(api.listImages).toHaveBeenCalledWith({ limit: RECENT_LIMIT })
    expect(store.recent.map((i) => i.id)).toEqual(['img-1', 'img-2'])
    expect(store.recentLoaded).toBe(true)
  })

  it('reads again what it holds when the library says its counts changed, and the balance when a job ends', async () => {
    api.keyStatus.mockResolvedValue(KEY)
    const store = useStatsStore()
    await store.load()
    await store.loadRecent()
    await flushPromises()
    api.libraryStats.mockClear(); api.budgetStatus.mockClear(); api.listImages.mockClear(); api.credits.mockClear()

    // A change that touched no count (a sync's queue) asks nothing.
    events.library({ sync: true })
    events.job('j1', { kind: 'generating', elapsedMs: 100, polls: 1 })
    await flushPromises()
    expect(api.libraryStats).not.toHaveBeenCalled()
    expect(api.credits).not.toHaveBeenCalled()

    api.libraryStats.mockResolvedValue(libraryStats({ activeJobs: 0 }))
    events.library({ images: { added: ['img-9'] }, jobs: { updated: ['j1'] }, stats: true })
    events.job('j1', { kind: 'done', imageIds: ['img-9'], cost: 0.0125, durationMs: 1000 })
    await flushPromises()
    expect(api.libraryStats).toHaveBeenCalledTimes(1)
    expect(api.budgetStatus).toHaveBeenCalledTimes(1)
    expect(api.listImages).toHaveBeenCalledTimes(1)
    expect(api.credits).toHaveBeenCalledTimes(1)
    expect(store.stats?.activeJobs).toBe(0)

    // Saved preferences (a new budget) change the month's level: only the budget is asked again.
    events.library({ preferences: true })
    await flushPromises()
    expect(api.budgetStatus).toHaveBeenCalledTimes(2)
    expect(api.libraryStats).toHaveBeenCalledTimes(1)
  })

  it('coalesces a burst of changes into at most one extra refresh', async () => {
    const store = useStatsStore()
    await store.load()
    await flushPromises()
    api.libraryStats.mockClear()
    for (let i = 0; i < 5; i++) events.library({ jobs: { updated: [`j${i}`] }, stats: true })
    await flushPromises()
    expect(api.libraryStats).toHaveBeenCalledTimes(2)
  })

  it('a store that holds nothing asks nothing when the library changes', async () => {
    useStatsStore()
    events.library({ images: { all: true }, jobs: { all: true }, stats: true, preferences: true })
    events.job('j1', { kind: 'done', imageIds: [], cost: 0, durationMs: 1 })
    await flushPromises()
    expect(api.libraryStats).not.toHaveBeenCalled()
    expect(api.budgetStatus).not.toHaveBeenCalled()
    expect(api.listImages).not.toHaveBeenCalled()
    expect(api.credits).not.toHaveBeenCalled()
  })
})
