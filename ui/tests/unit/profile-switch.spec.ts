import { describe, it, expect, vi, beforeEach } from 'vitest'
import { setActivePinia, createPinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import type { ProfileSummary } from '@/api'
// The accounts store's own source: which stores it names.
import accountsSource from '@/stores/accounts.ts?raw'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'
import { catalog, imageRecord, jobRecord, mockCatalog, noBudget, preferences, providersFromKeys } from './jobs-fixtures'
import { libraryStats } from './stats-fixtures'

// A profile switch reaches every store that keeps a profile's data through the core's stream alone: each
// store registered itself (stores/profile.ts), so nothing has to name them.
const api = vi.hoisted(() => ({
  onCoreChanged: vi.fn(),
  appInfo: vi.fn(),
  accountsState: vi.fn(),
  listJobs: vi.fn(),
  getJob: vi.fn(),
  getImage: vi.fn(),
  listImages: vi.fn(),
  listGrid: vi.fn(),
  libraryStats: vi.fn(),
  budgetStatus: vi.fn(),
  credits: vi.fn(),
  getPreferences: vi.fn(),
  catalog: vi.fn(),
  keyStatus: vi.fn(),
  availableProviders: vi.fn(),
  syncSetup: vi.fn(),
  syncStatus: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { useAppStore } from '@/stores/app'
import { useCatalogStore } from '@/stores/catalog'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useDraftStore } from '@/stores/draft'
import { useGalleryStore } from '@/stores/gallery'
import { useHistoryStore } from '@/stores/history'
import { useJobsStore } from '@/stores/jobs'
import { useProfileStore } from '@/stores/profile'
import { useSettingsStore } from '@/stores/settings'
import { useStatsStore } from '@/stores/stats'
import { useSyncStore } from '@/stores/sync'

const ADA: ProfileSummary = {
  id: 'g-ada', kind: 'google', displayName: 'Ada', email: 'ada@example.com', name: 'Ada', issuer: 'https://accounts.google.com',
  emailVerified: true, current: true,
}
const SETUP = { endpoint: 'https://a.example', bucket: 'b', region: 'auto', prefix: '', accessKeyId: 'AK', keepOriginals: true, cacheMb: 512, autoSync: true }
const STATUS = {
  configured: true, endpoint: 'https://a.example', bucket: 'b', prefix: 'p/', deviceId: 'dev', lastSyncMs: 1, pendingUploads: 0,
  pendingDownloads: 0, devices: [],
}

let events: FakeCoreEvents
/** Which profile the fake core has open: its answers follow it. */
let open = 'local'

describe('a profile switch', () => {
  beforeEach(async () => {
    setActivePinia(createPinia())
    for (const fn of Object.values(api)) fn.mockReset()
    open = 'local'
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    api.appInfo.mockImplementation(async () => ({ version: '1', profileId: open, dataDir: '/d', jobCount: 1 }))
    api.listJobs.mockImplementation(async (q: { status?: string }) => ({
      items: q.status === 'PROCESSING' ? [jobRecord({ id: `job-${open}`, status: 'PROCESSING' })] : [], nextCursor: null,
    }))
    api.getJob.mockImplementation(async (id: string) => jobRecord({ id }))
    api.listImages.mockImplementation(async () => ({ items: [imageRecord(`img-${open}`)], nextCursor: null }))
    api.listGrid.mockImplementation(async () => ({ items: [imageRecord(`img-${open}`)], nextCursor: null }))
    api.libraryStats.mockResolvedValue(libraryStats())
    api.budgetStatus.mockResolvedValue(noBudget)
    api.getPreferences.mockImplementation(async () => ({ ...preferences, defaultCount: open === 'local' ? 1 : 2 }))
    // Ada priced her 1K images herself: the prices in effect are the open profile's.
    api.catalog.mockImplementation(async () => (open === 'local' ? catalog : mockCatalog([{ model: 'nano-banana-2', size: '1K', usd: 0.5 }])))
    api.keyStatus.mockResolvedValue({ purpose: 'nanoBananaKey', configured: false, masked: null, source: null, provider: 'demo', keychainError: null })
    api.availableProviders.mockImplementation(providersFromKeys(api.keyStatus))
    api.syncSetup.mockResolvedValue({ ...SETUP })
    api.syncStatus.mockImplementation(async () => ({ ...STATUS, prefix: `nanoforge/${open}/` }))
    await useCoreEventsStore().start()
  })

  /** An afternoon in the local library: every store holds some of it (the accounts store is not even used). */
  async function fill() {
    await useAppStore().load()
    const gallery = useGalleryStore()
    await gallery.setQuery({ search: 'fox' })
    gallery.setSelectMode(true)
    gallery.toggleSelected('img-local')
    const history = useHistoryStore()
    history.search = 'fox'
    await history.reload()
    const stats = useStatsStore()
    await stats.load({})
    await stats.loadRecent()
    await useSettingsStore().load()
    await useCatalogStore().ensureLoaded()
    useDraftStore().load({ prompt: 'a fox', parentImageId: 'img-local' })
    await useSyncStore().load()
    useSyncStore().handle({ kind: 'started' })
    await useJobsStore().start()
    await flushPromises()
  }

  it('empties every store that keeps profile data and loads again what was followed, from one event', async () => {
    await fill()
    const jobs = useJobsStore()
    expect(jobs.sessionIds).toEqual(['job-local'])
    expect(useCatalogStore().price('nano-banana-2', '1K')?.usd).toBe(0.067)

    open = 'g-ada'
    events.profile(ADA)
    expect(useProfileStore().switching).toBe(true)
    await flushPromises()
    expect(useProfileStore().switching).toBe(false)

    const gallery = useGalleryStore()
    expect(gallery.items).toEqual([])
    expect(gallery.query.search).toBe('')
    expect(gallery.selected.size).toBe(0)
    expect(gallery.selectMode).toBe(false)
    const history = useHistoryStore()
    expect(history.rows).toEqual([])
    expect(history.search).toBe('')
    const stats = useStatsStore()
    expect(stats.stats).toBeNull()
    expect(stats.recent).toEqual([])
    expect(stats.budget).toBeNull()
    expect(useDraftStore().draft).toBeNull()
    const sync = useSyncStore()
    expect(sync.setup).toBeNull()
    expect(sync.running).toBe(false)
    // What the whole window follows is read again for the new profile: its facts, preferences, prices,
    // unfinished jobs and where its sync stands (held deletions are asked about on any view).
    expect(sync.status?.prefix).toBe('nanoforge/g-ada/')
    expect(useAppStore().info?.profileId).toBe('g-ada')
    expect(useSettingsStore().preferences?.defaultCount).toBe(2)
    expect(useCatalogStore().price('nano-banana-2', '1K')?.usd).toBe(0.5)
    expect(jobs.sessionIds).toEqual(['job-g-ada'])
    expect(jobs.byId['job-local']).toBeUndefined()
  })

  it('drops answers about the previous profile that arrive after it', async () => {
    await fill()
    let answer!: (p: { items: ReturnType<typeof imageRecord>[]; nextCursor: null }) => void
    api.listGrid.mockReturnValueOnce(new Promise((resolve) => { answer = resolve }))
    const gallery = useGalleryStore()
    const loading = gallery.reload()
    open = 'g-ada'
    events.profile(ADA)
    await flushPromises()
    answer({ items: [imageRecord('img-local')], nextCursor: null })
    await loading
    expect(gallery.items).toEqual([])
  })

  it('is the same profile once: the command\'s answer and the core\'s event do not switch twice', async () => {
    await fill()
    const reads = api.appInfo.mock.calls.length
    open = 'g-ada'
    events.profile(ADA)
    await useProfileStore().open(ADA)
    events.profile(ADA)
    await flushPromises()
    expect(api.appInfo).toHaveBeenCalledTimes(reads + 1)
  })

  it('a change of named references alone makes no store read the library again (the references\' own list follows it)', async () => {
    await fill()
    for (const fn of Object.values(api)) fn.mockClear()
    const heard: boolean[] = []
    useCoreEventsStore().onLibrary((change) => heard.push(change.references))
    events.library({ references: true })
    await flushPromises()
    expect(heard).toEqual([true])
    const asked = Object.entries(api).filter(([, fn]) => fn.mock.calls.length > 0).map(([name]) => name)
    expect(asked).toEqual([])
  })

  it('is not the accounts store\'s to spread: it names no other store', () => {
    const imported = [...accountsSource.matchAll(/from '@\/stores\/([\w/]+)'/g)].map((m) => m[1])
    expect(imported).toEqual(['profile'])
  })
})
