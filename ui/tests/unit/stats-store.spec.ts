import { describe, it, expect, vi, beforeEach } from 'vitest'
import { setActivePinia, createPinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import type { ApiKeyStatus, JobEvent } from '@/api'
import { imageRecord, libraryStats } from './stats-fixtures'
import { catalog, noBudget, providersFromKeys } from './jobs-fixtures'

// The store is tested over the src/api boundary: the core is replaced here.
const api = vi.hoisted(() => ({
  libraryStats: vi.fn(),
  budgetStatus: vi.fn(),
  catalog: vi.fn(),
  credits: vi.fn(),
  listImages: vi.fn(),
  onJobProgress: vi.fn(),
  getSettings: vi.fn(),
  keyStatus: vi.fn(),
  availableProviders: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { ApiError } from '@/api'
import { useStatsStore, RECENT_LIMIT } from '@/stores/stats'
import { useSettingsStore } from '@/stores/settings'

const NO_KEY: ApiKeyStatus = { purpose: 'nanoBananaKey', configured: false, masked: null, source: null, provider: 'demo', keychainError: null }
const KEY: ApiKeyStatus = { purpose: 'nanoBananaKey', configured: true, masked: '••••abcd', source: 'keychain', provider: 'nanobanana', keychainError: null }

let emitJob: (e: JobEvent) => void
let unlisten: ReturnType<typeof vi.fn>

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
    api.getSettings.mockResolvedValue({})
    api.keyStatus.mockResolvedValue(NO_KEY)
    unlisten = vi.fn()
    api.onJobProgress.mockImplementation(async (cb: (e: JobEvent) => void) => { emitJob = cb; return unlisten })
  })

  it('loads the stats with the range asked for and keeps it for later refreshes', async () => {
    const store = useStatsStore()
    await store.load({ from: 1000, to: 2000 })
    expect(api.libraryStats).toHaveBeenCalledWith({ from: 1000, to: 2000 })
    expect(store.stats?.totals.images).toBe(1234)
    expect(store.loading).toBe(false)
    await store.refresh()
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
    useSettingsStore().keys = { nanoBananaKey: KEY }
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

  it('refreshes stats, recent images and balance when a job finishes or fails', async () => {
    useSettingsStore().keys = { nanoBananaKey: KEY }
    const store = useStatsStore()
    store.start()
    await store.load()
    await store.loadRecent()
    await flushPromises()
    api.libraryStats.mockClear(); api.listImages.mockClear(); api.credits.mockClear()

    emitJob({ profileId: 'local', jobId: 'j1', at: 1, stage: { kind: 'generating', elapsedMs: 100, polls: 1 } })
    await flushPromises()
    expect(api.libraryStats).not.toHaveBeenCalled()

    api.libraryStats.mockResolvedValue(libraryStats({ activeJobs: 0 }))
    emitJob({ profileId: 'local', jobId: 'j1', at: 2, stage: { kind: 'done', imageIds: ['x'], cost: 0.0125, durationMs: 1000 } })
    await flushPromises()
    expect(api.libraryStats).toHaveBeenCalledTimes(1)
    expect(api.listImages).toHaveBeenCalledTimes(1)
    expect(api.credits).toHaveBeenCalledTimes(1)
    expect(store.stats?.activeJobs).toBe(0)

    emitJob({ profileId: 'local', jobId: 'j2', at: 3, stage: { kind: 'failed', error: { kind: 'timeout', message: 'slow' } } })
    await flushPromises()
    expect(api.libraryStats).toHaveBeenCalledTimes(2)
  })

  it('coalesces a burst of finished jobs into at most one extra refresh', async () => {
    const store = useStatsStore()
    store.start()
    await store.load()
    await flushPromises()
    api.libraryStats.mockClear()
    for (let i = 0; i < 5; i++) emitJob({ profileId: 'local', jobId: `j${i}`, at: i, stage: { kind: 'done', imageIds: [], cost: 0, durationMs: 1 } })
    await flushPromises()
    expect(api.libraryStats).toHaveBeenCalledTimes(2)
  })

  it('listens once for several watchers and stops listening when the last one stops', async () => {
    const store = useStatsStore()
    store.start()
    store.start()
    expect(api.onJobProgress).toHaveBeenCalledTimes(1)
    await store.stop()
    expect(unlisten).not.toHaveBeenCalled()
    await store.stop()
    expect(unlisten).toHaveBeenCalledTimes(1)
    await store.stop()
    expect(unlisten).toHaveBeenCalledTimes(1)
  })
})
