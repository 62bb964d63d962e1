import { describe, it, expect, vi, beforeEach } from 'vitest'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { ApiKeyStatus } from '@/api'
import { makeI18n } from '@/i18n'
import { formatCost, formatCount, formatDuration, formatPercent } from '@/lib/format'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'
import { emptyStats, imageRecord, libraryStats } from './stats-fixtures'
import { catalog, noBudget, preferences, providersFromKeys } from './jobs-fixtures'

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
  imageUrl: vi.fn((profile: string, kind: string, id: string) => `nf://localhost/${profile}/${kind}/${id}`),
  thumbnailUrl: vi.fn((profile: string, key: string, kind: string, sha: string) => `nf://localhost/${profile}/${key}/${kind}/${sha}`),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { ApiError } from '@/api'
import DashboardView from '@/views/DashboardView.vue'
import { useAppStore } from '@/stores/app'
import { useCoreEventsStore } from '@/stores/coreEvents'

const NO_KEY: ApiKeyStatus = { purpose: 'nanoBananaKey', configured: false, masked: null, source: null, provider: 'demo', keychainError: null }
const KEY: ApiKeyStatus = { purpose: 'nanoBananaKey', configured: true, masked: '••••abcd', source: 'keychain', provider: 'nanobanana', keychainError: null }
const Blank = { template: '<div />' }
let pinia: Pinia
let events: FakeCoreEvents

async function mountView() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: ['/dashboard', '/generator', '/settings', '/gallery', '/analytics', '/history'].map((path) => ({
      path, component: path === '/dashboard' ? DashboardView : Blank,
    })),
  })
  await router.push('/dashboard')
  const wrapper = mount(DashboardView, { global: { plugins: [pinia, router, makeI18n()] } })
  await flushPromises()
  return { wrapper, router }
}

const text = (w: Awaited<ReturnType<typeof mountView>>['wrapper'], id: string) => w.get(`[data-testid="${id}"]`).text()

describe('Dashboard', () => {
  beforeEach(() => {
    pinia = createPinia()
    setActivePinia(pinia)
    for (const f of Object.values(api)) f.mockReset()
    api.availableProviders.mockImplementation(providersFromKeys(api.keyStatus))
    api.imageUrl.mockImplementation((profile: string, kind: string, id: string) => `nf://localhost/${profile}/${kind}/${id}`)
    api.libraryStats.mockResolvedValue(libraryStats())
    api.budgetStatus.mockResolvedValue(noBudget)
    api.catalog.mockResolvedValue(catalog)
    api.credits.mockResolvedValue({ provider: 'nanobanana', balance: 42.5 })
    api.listImages.mockResolvedValue({ items: [1, 2, 3].map(imageRecord), nextCursor: null })
    api.getPreferences.mockResolvedValue({ ...preferences })
    api.keyStatus.mockResolvedValue(NO_KEY)
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    // The shell follows the core's stream from the start (App.vue).
    void useCoreEventsStore().start()
    useAppStore().info = { version: '1', profileId: 'local', imageUrlKey: 'key-local', dataDir: '/data', jobCount: 1300, welcomeDismissed: true }
  })

  it('shows each figure from the core, formatted, as the whole text of its test id', async () => {
    const { wrapper } = await mountView()
    const s = libraryStats()
    expect(text(wrapper, 'stat-images')).toBe(formatCount(1234))
    expect(text(wrapper, 'stat-cost')).toBe(formatCost(15.4375))
    expect(text(wrapper, 'stat-avg-duration')).toBe(formatDuration(42_300))
    expect(text(wrapper, 'stat-month')).toBe(formatCount(87))
    expect(text(wrapper, 'stat-month-cost')).toBe(formatCost(1.0875))
    expect(wrapper.text()).toContain(formatPercent(s.totals.successRate))
    expect(text(wrapper, 'stat-running')).toBe('2 jobs running')
  })

  it('shows the recent images as thumbnails that open the gallery viewer', async () => {
    const { wrapper, router } = await mountView()
    expect(api.listImages).toHaveBeenCalledWith({ limit: 8 })
    const tiles = wrapper.findAll('[data-testid="recent-image"]')
    expect(tiles).toHaveLength(3)
    // By profile, the opening's key and the original's hash, from the shell's nf:// scheme (cacheable, no
    // database work); never a path.
    expect(tiles[0].get('img').attributes('src')).toBe('nf://localhost/local/key-local/thumb/sha1')
    await tiles[1].trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/gallery?image=img-2')
  })

  it('offers quick actions to the generator and settings', async () => {
    const { wrapper, router } = await mountView()
    await wrapper.get('[data-testid="quick-generate"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/generator')
    await router.push('/dashboard')
    await wrapper.get('[data-testid="quick-settings"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/settings')
  })

  it('shows the demo note, not a balance, without an API key', async () => {
    const { wrapper } = await mountView()
    expect(wrapper.find('[data-testid="credit-balance"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="demo-note"]').exists()).toBe(true)
    expect(api.credits).not.toHaveBeenCalled()
  })

  it('shows the credit balance with an API key, and a soft note when it cannot be fetched', async () => {
    api.keyStatus.mockResolvedValue(KEY)
    const { wrapper } = await mountView()
    expect(text(wrapper, 'credit-balance-value')).toBe(formatCount(42.5))
    expect(wrapper.find('[data-testid="demo-note"]').exists()).toBe(false)

    api.credits.mockRejectedValue(new ApiError({ kind: 'network', message: 'no route to host' }))
    events.job('j', { kind: 'done', imageIds: [], cost: 0, durationMs: 1 })
    await flushPromises()
    expect(text(wrapper, 'credit-balance-error')).toContain('Balance unavailable offline')
    expect(text(wrapper, 'stat-images')).toBe(formatCount(1234))
  })

  it('updates the figures when the library says its counts changed (a job finished here or on another device)', async () => {
    const { wrapper } = await mountView()
    api.libraryStats.mockResolvedValue(libraryStats({ totals: { ...libraryStats().totals, images: 1235 }, activeJobs: 0 }))
    events.library({ images: { added: ['n'] }, jobs: { updated: ['j'] }, stats: true })
    await flushPromises()
    expect(text(wrapper, 'stat-images')).toBe(formatCount(1235))
    expect(text(wrapper, 'stat-running')).toBe('No jobs running')
    expect(api.listImages).toHaveBeenCalledTimes(2)
  })

  it('shows zeros and an empty recent strip for an empty library', async () => {
    api.libraryStats.mockResolvedValue(emptyStats())
    api.listImages.mockResolvedValue({ items: [], nextCursor: null })
    const { wrapper } = await mountView()
    expect(text(wrapper, 'stat-images')).toBe('0')
    expect(text(wrapper, 'stat-cost')).toBe(formatCost(0))
    expect(text(wrapper, 'stat-avg-duration')).toBe('—')
    expect(wrapper.find('[data-testid="recent-image"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('Nothing here yet')
  })

  it('shows skeletons while loading, then an error with a retry that works', async () => {
    let reject: (e: unknown) => void = () => {}
    api.libraryStats.mockImplementationOnce(() => new Promise((_, r) => { reject = r }))
    const { wrapper } = await mountView()
    expect(wrapper.find('[data-testid="stat-images"]').exists()).toBe(false)
    expect(wrapper.findAll('.skeleton').length).toBeGreaterThan(0)
    reject(new ApiError({ kind: 'database', message: 'library database error: locked' }))
    await flushPromises()
    expect(text(wrapper, 'dashboard-error')).toContain('library database error: locked')
    await wrapper.get('[data-testid="dashboard-error"] button').trigger('click')
    await flushPromises()
    expect(text(wrapper, 'stat-images')).toBe(formatCount(1234))
    expect(wrapper.find('[data-testid="dashboard-error"]').exists()).toBe(false)
  })

  it('shows the month against the budget: confirmed and possibly charged, the warning mark, the level', async () => {
    api.budgetStatus.mockResolvedValue({ limitUsd: 10, month: '2026-11', spentConfirmed: 7.5, spentPossible: 1, level: 'warning' })
    const { wrapper } = await mountView()
    const card = wrapper.get('[data-testid="budget-card"]')
    expect(card.attributes('data-level')).toBe('warning')
    expect(text(wrapper, 'budget-spent')).toBe('$8.50')
    expect(card.text()).toContain('of $10.00 budget · 85%')
    expect(text(wrapper, 'budget-confirmed')).toBe('$7.50')
    expect(text(wrapper, 'budget-possible')).toBe('$1.00')
    expect(text(wrapper, 'budget-level')).toContain('Close to your monthly budget')
    const bar = wrapper.get('[data-testid="budget-bar"]')
    expect(bar.get('.seg.confirmed').attributes('style')).toContain('width: 75%')
    expect(bar.get('.seg.possible').attributes('style')).toContain('left: 75%; width: 10%')
    expect(wrapper.get('[data-testid="budget-warn-mark"]').attributes('style')).toContain('left: 80%')
    // The possibly charged part opens History with that filter.
    expect(wrapper.get('a[data-testid="budget-possible"]').attributes('href')).toBe('/history?charged=1')
  })

  it('past the budget the bar is the spend and the budget line moves in', async () => {
    api.budgetStatus.mockResolvedValue({ limitUsd: 8, month: '2026-11', spentConfirmed: 9, spentPossible: 1, level: 'over' })
    const { wrapper } = await mountView()
    expect(text(wrapper, 'budget-level')).toContain('Over budget by $2.00')
    expect(wrapper.get('.mark.limit').attributes('style')).toContain('left: 80%')
  })

  it('without a budget shows the month\'s split and a way to set one; recoverable jobs link to History', async () => {
    api.budgetStatus.mockResolvedValue({ limitUsd: null, month: '2026-11', spentConfirmed: 1.25, spentPossible: 0.12, level: 'off' })
    const { wrapper, router } = await mountView()
    expect(wrapper.find('[data-testid="budget-bar"]').exists()).toBe(false)
    expect(text(wrapper, 'budget-none')).toContain('No monthly budget set')
    expect(wrapper.get('[data-testid="budget-set"]').attributes('href')).toBe('/settings#settings-budget')
    expect(text(wrapper, 'budget-spent')).toBe('$1.37')
    const recover = wrapper.get('[data-testid="dashboard-recoverable"]')
    expect(recover.text()).toContain('2 jobs to recover')
    await recover.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/history?status=RECOVERABLE')
  })

  it('says what may have been charged beside the total cost', async () => {
    const { wrapper } = await mountView()
    expect(wrapper.get('[data-testid="stat-cost"]').element.parentElement?.textContent).toContain('plus $0.134 possibly charged')
  })
})
