import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError, type JobQuery } from '@/api'
import { makeI18n } from '@/i18n'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'
import { catalog, jobRecord } from './jobs-fixtures'
import { libraryStats } from './stats-fixtures'

const api = vi.hoisted(() => ({
  onCoreChanged: vi.fn(),
  listJobs: vi.fn(),
  getJob: vi.fn(),
  getImage: vi.fn(),
  cancelJob: vi.fn(),
  retryJob: vi.fn(),
  rerunJob: vi.fn(),
  jobFamily: vi.fn(),
  catalog: vi.fn(),
  libraryStats: vi.fn(),
  notify: vi.fn(),
  windowFocused: vi.fn(() => true),
  syncStatus: vi.fn(),
  recentBatches: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import HistoryView from '@/views/HistoryView.vue'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { HISTORY_PAGE, useHistoryStore } from '@/stores/history'
import { useDraftStore } from '@/stores/draft'

const Blank = { template: '<div />' }
let pinia: Pinia
let events: FakeCoreEvents

const page1 = [
  jobRecord({ id: 'job-3', status: 'PROCESSING', prompt: 'running fox', createdAt: 3000 }),
  jobRecord({ id: 'job-2', status: 'FAILED', prompt: 'failed fox', errorKind: 'timeout', errorMessage: 'took too long', createdAt: 2000 }),
]
const page2 = [jobRecord({ id: 'job-1', status: 'COMPLETED', prompt: 'old fox', cost: 0.0125, durationMs: 24_100, createdAt: 1000 })]

async function mountView(path = '/history') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/history', component: HistoryView }, { path: '/generator', component: Blank }, { path: '/gallery', component: Blank }],
  })
  await router.push(path)
  const wrapper = mount(HistoryView, { global: { plugins: [pinia, router, makeI18n()] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('History', () => {
  beforeEach(() => {
    pinia = createPinia()
    setActivePinia(pinia)
    for (const fn of Object.values(api)) fn.mockReset()
    api.windowFocused.mockReturnValue(true)
    api.catalog.mockResolvedValue(catalog)
    api.recentBatches.mockResolvedValue([])
    api.libraryStats.mockResolvedValue(libraryStats())
    api.jobFamily.mockResolvedValue({ parent: null, children: [] })
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    // The jobs store's unfinished-jobs query asks by status; History asks without one.
    api.listJobs.mockImplementation(async (q: JobQuery) => {
      if (q.status && q.status !== 'FAILED') return { items: [], nextCursor: null }
      if (q.status === 'FAILED') return { items: [page1[1]], nextCursor: null }
      if (q.cursor?.id === 'job-2') return { items: page2, nextCursor: null }
      return { items: page1, nextCursor: { createdAt: 2000, id: 'job-2' } }
    })
  })
  afterEach(() => vi.useRealTimers())

  it('pages with the keyset cursor, never an offset', async () => {
    const store = useHistoryStore()
    await store.reload()
    expect(api.listJobs).toHaveBeenLastCalledWith({ cursor: null, limit: HISTORY_PAGE, status: null, possiblyCharged: false, search: null })
    expect(store.complete).toBe(false)
    await store.loadMore()
    expect(api.listJobs).toHaveBeenLastCalledWith({
      cursor: { createdAt: 2000, id: 'job-2' }, limit: HISTORY_PAGE, status: null, possiblyCharged: false, search: null,
    })
    expect(store.rows.map((r) => r.id)).toEqual(['job-3', 'job-2', 'job-1'])
    expect(store.complete).toBe(true)
    await store.loadMore()
    expect(api.listJobs).toHaveBeenCalledTimes(2)
  })

  it('renders rows with status, error and the right action, and loads more on request', async () => {
    const { wrapper } = await mountView()
    const rows = () => wrapper.findAll('[data-testid="history-row"]')
    expect(rows().map((r) => r.attributes('data-status'))).toEqual(['PROCESSING', 'FAILED'])
    expect(rows()[0].find('[data-testid="history-cancel"]').exists()).toBe(true)
    expect(rows()[0].find('[data-testid="history-run-again"]').exists()).toBe(false)
    expect(rows()[1].get('[data-testid="history-error"]').text()).toBe('took too long')
    expect(rows()[1].find('[data-testid="history-run-again"]').exists()).toBe(true)
    // No task id: there is nothing to recover.
    expect(rows()[1].find('[data-testid="history-recover"]').exists()).toBe(false)
    await wrapper.get('[data-testid="history-load-more"]').trigger('click')
    await flushPromises()
    expect(rows().map((r) => r.attributes('data-id'))).toEqual(['job-3', 'job-2', 'job-1'])
    expect(rows()[2].text()).toContain('$0.0125')
    expect(rows()[2].text()).toContain('24.1 s')
    expect(wrapper.find('[data-testid="history-load-more"]').exists()).toBe(false)
  })

  it('Run again states the price and asks before the core makes a new linked job on top', async () => {
    const { wrapper } = await mountView()
    api.rerunJob.mockResolvedValue([jobRecord({ id: 'job-9', status: 'PENDING', prompt: 'failed fox', createdAt: 9000, parentJobId: 'job-2' })])
    await wrapper.get('[data-id="job-2"] [data-testid="history-run-again"]').trigger('click')
    await flushPromises()
    expect(api.rerunJob).not.toHaveBeenCalled()
    expect(document.querySelector('[data-testid="spend-message"]')?.textContent).toContain('about $0.067 (estimate)')
    document.querySelector<HTMLElement>('[data-testid="spend-confirm"]')!.click()
    await flushPromises()
    expect(api.rerunJob).toHaveBeenCalledWith('job-2', { overBudget: false })
    expect(api.retryJob).not.toHaveBeenCalled()
    expect(wrapper.findAll('[data-testid="history-row"]')[0].attributes('data-id')).toBe('job-9')
    expect(wrapper.get('[data-testid="history-message"]').text()).toContain('Started again')
    wrapper.unmount()
  })

  it('over the budget Run again says so and can go over it for this run only', async () => {
    const { wrapper } = await mountView()
    api.rerunJob.mockRejectedValueOnce(new ApiError({ kind: 'over_budget', message: 'this would pass your $5.00 budget' }))
    api.rerunJob.mockResolvedValueOnce([jobRecord({ id: 'job-9', createdAt: 9000 })])
    await wrapper.get('[data-id="job-2"] [data-testid="history-run-again"]').trigger('click')
    await flushPromises()
    document.querySelector<HTMLElement>('[data-testid="spend-confirm"]')!.click()
    await flushPromises()
    expect(document.querySelector('[data-testid="spend-message"]')?.textContent).toContain('$5.00 budget')
    expect(document.querySelector('[data-testid="spend-confirm"]')?.textContent).toContain('Run anyway (over budget)')
    document.querySelector<HTMLElement>('[data-testid="spend-confirm"]')!.click()
    await flushPromises()
    expect(api.rerunJob).toHaveBeenLastCalledWith('job-2', { overBudget: true })
    wrapper.unmount()
  })

  it('a recoverable row is its own status, shows what it may have cost, and Recover fetches it in place', async () => {
    const recoverable = jobRecord({
      id: 'job-5', status: 'RECOVERABLE', errorKind: 'timeout', errorMessage: 'still generating', remoteTaskId: 't5',
      mayBeCharged: true, cost: 0, estimatedCost: 0.12, createdAt: 5000,
    })
    api.listJobs.mockResolvedValue({ items: [recoverable], nextCursor: null })
    const { wrapper } = await mountView()
    const row = wrapper.get('[data-id="job-5"]')
    expect(row.attributes('data-status')).toBe('RECOVERABLE')
    expect(row.get('[data-testid="job-status-badge"]').text()).toBe('Recoverable')
    expect(row.get('[data-testid="job-status-badge"]').classes()).toContain('badge-recover')
    expect(row.get('[data-testid="possibly-charged"]').text()).toMatch(/^~\$0\.12\s*possibly charged$/)
    expect(row.get('[data-testid="job-money-note"]').text()).toContain('nothing is paid again')
    // Its own result can still be fetched: no second payment is offered.
    expect(row.find('[data-testid="history-run-again"]').exists()).toBe(false)
    api.retryJob.mockResolvedValue({ ...recoverable, status: 'SUBMITTED' })
    await row.get('[data-testid="history-recover"]').trigger('click')
    await flushPromises()
    expect(api.retryJob).toHaveBeenCalledWith('job-5')
    expect(api.rerunJob).not.toHaveBeenCalled()
    expect(wrapper.findAll('[data-testid="history-row"]')).toHaveLength(1)
    expect(wrapper.get('[data-id="job-5"]').attributes('data-status')).toBe('SUBMITTED')
    expect(wrapper.get('[data-testid="history-message"]').text()).toContain('Nothing is paid again')
    wrapper.unmount()
  })

  it('splits the spend into confirmed and possibly charged; its figures filter the list', async () => {
    const { wrapper } = await mountView()
    expect(wrapper.get('[data-testid="history-spend-confirmed"]').text()).toBe('$15.4375')
    expect(wrapper.get('[data-testid="history-spend-possible"]').text()).toContain('$0.134')
    expect(wrapper.get('[data-testid="history-spend-recoverable"]').text()).toContain('2 jobs')
    await wrapper.get('[data-testid="history-spend-possible"]').trigger('click')
    await flushPromises()
    expect(api.listJobs).toHaveBeenLastCalledWith(expect.objectContaining({ possiblyCharged: true, status: null }))
    expect(wrapper.get('[data-testid="history-charged-filter"]').attributes('aria-pressed')).toBe('true')
    await wrapper.get('[data-testid="history-spend-recoverable"]').trigger('click')
    await flushPromises()
    expect(api.listJobs).toHaveBeenLastCalledWith(expect.objectContaining({ possiblyCharged: false, status: 'RECOVERABLE' }))
    wrapper.unmount()
  })

  it('opens filtered from a link (?status=RECOVERABLE) and lists Recoverable among the statuses', async () => {
    const { wrapper } = await mountView('/history?status=RECOVERABLE')
    expect(api.listJobs).toHaveBeenCalledWith(expect.objectContaining({ status: 'RECOVERABLE' }))
    const select = wrapper.get('[data-testid="history-status-filter"]').element as HTMLSelectElement
    expect(select.value).toBe('RECOVERABLE')
    expect([...select.options].map((o) => o.text)).toContain('Recoverable')
    wrapper.unmount()
  })

  it('shows the job\'s family when its row is opened', async () => {
    api.jobFamily.mockResolvedValue({
      parent: jobRecord({ id: 'job-0', prompt: 'the original fox', status: 'COMPLETED', imageId: 'img-0' }),
      children: [jobRecord({ id: 'job-8', prompt: 'run again fox', status: 'FAILED' })],
    })
    const { wrapper } = await mountView()
    expect(wrapper.find('[data-testid="job-family"]').exists()).toBe(false)
    await wrapper.get('[data-id="job-2"] .prompt').trigger('click')
    await flushPromises()
    expect(api.jobFamily).toHaveBeenCalledWith('job-2')
    const family = wrapper.get('[data-id="job-2"] [data-testid="job-family"]')
    expect(family.get('[data-testid="job-family-parent"]').text()).toContain('the original fox')
    expect(family.get('[data-testid="job-family-parent"] a').attributes('href')).toContain('image=img-0')
    expect(family.get('[data-testid="job-family-children"]').text()).toContain('run again fox')
    wrapper.unmount()
  })

  it('a job of another device is read-only: it says where it runs, with no cancel or recover', async () => {
    const peer = { id: 'dev-pixel', name: 'Pixel 8', platform: 'android', lastSeenMs: 1 }
    api.syncStatus.mockResolvedValue({
      configured: true, endpoint: 'https://a.example', bucket: 'b', prefix: 'nanoforge/local/', deviceId: 'dev-here',
      lastSyncMs: 1, pendingUploads: 0, pendingDownloads: 0, devices: [peer],
    })
    const running = jobRecord({ id: 'job-9', status: 'PROCESSING', originDevice: 'dev-pixel', remoteTaskId: 't9', createdAt: 9000 })
    const stuck = jobRecord({
      id: 'job-8', status: 'RECOVERABLE', originDevice: 'dev-pixel', remoteTaskId: 't8', mayBeCharged: true, cost: 0,
      errorKind: 'timeout', errorMessage: 'took too long', createdAt: 8000,
    })
    const mine = jobRecord({ id: 'job-7', status: 'RECOVERABLE', remoteTaskId: 't7', mayBeCharged: true, cost: 0, createdAt: 7000 })
    api.listJobs.mockImplementation(async (q: JobQuery) => (q.status ? { items: [], nextCursor: null } : { items: [running, stuck, mine], nextCursor: null }))
    const { wrapper: w } = await mountView()
    await flushPromises()
    const row = (id: string) => w.get(`[data-testid="history-row"][data-id="${id}"]`)
    expect(row('job-9').get('[data-testid="job-elsewhere"]').text()).toBe('Running on Pixel 8')
    expect(row('job-9').find('[data-testid="history-cancel"]').exists()).toBe(false)
    expect(row('job-8').get('[data-testid="job-elsewhere"]').text()).toBe('From Pixel 8')
    expect(row('job-8').find('[data-testid="history-recover"]').exists()).toBe(false)
    // Running it again here would pay twice for the result its device can still fetch.
    expect(row('job-8').find('[data-testid="history-run-again"]').exists()).toBe(false)
    expect(row('job-8').get('[data-testid="job-money-note"]').text()).toContain('Pixel 8 runs it')
    // This device's own recoverable job keeps its Recover.
    expect(row('job-7').find('[data-testid="job-elsewhere"]').exists()).toBe(false)
    expect(row('job-7').find('[data-testid="history-recover"]').exists()).toBe(true)
    w.unmount()
  })

  it('cancel asks the core and shows its note on charges', async () => {
    const { wrapper } = await mountView()
    api.cancelJob.mockResolvedValue(jobRecord({ id: 'job-3', status: 'CANCELLED', errorMessage: 'the service may still charge' }))
    await wrapper.get('[data-id="job-3"] [data-testid="history-cancel"]').trigger('click')
    await flushPromises()
    expect(api.cancelJob).toHaveBeenCalledWith('job-3')
    expect(wrapper.get('[data-id="job-3"]').attributes('data-status')).toBe('CANCELLED')
    expect(wrapper.get('[data-testid="history-message"]').text()).toContain('may still charge')
  })

  it('a running row follows the live events', async () => {
    const { wrapper } = await mountView()
    let answer: (r: typeof page1[0]) => void = () => {}
    api.getJob.mockReturnValueOnce(new Promise((resolve) => { answer = resolve }))
    events.job('job-3', { kind: 'downloading', image: 0, images: 1, receivedBytes: 1, totalBytes: 2 })
    await flushPromises()
    // Before the store has the record, the row follows the event alone.
    expect(wrapper.get('[data-id="job-3"]').attributes('data-status')).toBe('DOWNLOADING')
    answer({ ...page1[0], status: 'PROCESSING' })
    await flushPromises()
    expect(wrapper.get('[data-id="job-3"]').attributes('data-status')).toBe('DOWNLOADING')
    api.getJob.mockResolvedValue({ ...page1[0], status: 'COMPLETED', cost: 0.0125, durationMs: 5000 })
    events.job('job-3', { kind: 'done', imageIds: [], cost: 0.0125, durationMs: 5000 })
    await flushPromises()
    expect(wrapper.get('[data-id="job-3"]').attributes('data-status')).toBe('COMPLETED')
    expect(wrapper.get('[data-id="job-3"]').text()).toContain('5.0 s')
  })

  it('search is debounced and goes to the core; the status filter too', async () => {
    const { wrapper } = await mountView()
    vi.useFakeTimers()
    await wrapper.get('[data-testid="history-search"]').setValue('fox')
    await wrapper.get('[data-testid="history-search"]').setValue('red fox')
    const before = api.listJobs.mock.calls.length
    vi.advanceTimersByTime(300)
    vi.useRealTimers()
    await flushPromises()
    const searches = api.listJobs.mock.calls.slice(before).map((c) => c[0].search)
    expect(searches).toEqual(['red fox'])
    await wrapper.get('[data-testid="history-status-filter"]').setValue('FAILED')
    await flushPromises()
    expect(api.listJobs).toHaveBeenLastCalledWith({ cursor: null, limit: HISTORY_PAGE, status: 'FAILED', possiblyCharged: false, search: 'red fox' })
  })

  it('remix opens the Generator with the job settings', async () => {
    const { wrapper, router } = await mountView()
    await wrapper.get('[data-id="job-2"] [data-testid="history-remix"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/generator')
    expect(useDraftStore().draft?.prompt).toBe('failed fox')
    expect(useDraftStore().draft?.size).toBe('1K')
    expect(useDraftStore().draft?.parentJobId).toBe('job-2')
  })

  it('says so when there is nothing yet', async () => {
    api.listJobs.mockResolvedValue({ items: [], nextCursor: null })
    const { wrapper } = await mountView()
    expect(wrapper.get('[data-testid="history-empty"]').text()).toContain('Generate your first image')
  })

  describe('rows follow the library\'s changes', () => {
    /** Both pages loaded (the list is complete), as after scrolling to its end. */
    async function loaded() {
      const store = useHistoryStore()
      await store.reload()
      await store.loadMore()
      await useCoreEventsStore().start()
      api.listJobs.mockClear()
      return store
    }
    const ids = (store: ReturnType<typeof useHistoryStore>) => store.rows.map((r) => r.id)

    it('new jobs go where they belong, changed ones are read again in place, removed ones go', async () => {
      const store = await loaded()
      api.getJob.mockImplementation(async (id: string) => (id === 'job-4'
        ? jobRecord({ id: 'job-4', prompt: 'new fox', createdAt: 4000 })
        : { ...page1[1], status: 'COMPLETED', errorKind: null, errorMessage: null }))
      events.library({ jobs: { added: ['job-4'], updated: ['job-2', 'job-9'], removed: ['job-1'] }, stats: true })
      await vi.waitFor(() => expect(ids(store)).toEqual(['job-4', 'job-3', 'job-2']))
      expect(store.rows[2].status).toBe('COMPLETED')
      // Only the rows shown are read again; nothing is listed anew.
      expect(api.getJob.mock.calls.map((c) => c[0]).sort()).toEqual(['job-2', 'job-4'])
      expect(api.listJobs).not.toHaveBeenCalled()
    })

    it('a new job that does not fit the filters stays out', async () => {
      const store = useHistoryStore()
      store.status = 'FAILED'
      await store.reload()
      await useCoreEventsStore().start()
      api.getJob.mockResolvedValue(jobRecord({ id: 'job-4', status: 'PENDING', createdAt: 4000 }))
      events.library({ jobs: { added: ['job-4'] } })
      await flushPromises()
      expect(api.getJob).toHaveBeenCalledWith('job-4')
      expect(ids(store)).toEqual(['job-2'])
    })

    it('too many changes to list: the rows shown are read again and swapped in at once', async () => {
      const store = await loaded()
      const fresh = page1.map((r) => ({ ...r, prompt: `${r.prompt} (synced)` }))
      let answer!: (p: { items: typeof page1; nextCursor: { createdAt: number; id: string } }) => void
      api.listJobs.mockReturnValueOnce(new Promise((resolve) => { answer = resolve }))
        .mockResolvedValueOnce({ items: page2, nextCursor: null })
      events.library({ jobs: { all: true }, stats: true })
      await flushPromises()
      expect(ids(store)).toEqual(['job-3', 'job-2', 'job-1'])
      answer({ items: fresh, nextCursor: { createdAt: 2000, id: 'job-2' } })
      await vi.waitFor(() => expect(store.rows[0].prompt).toBe('running fox (synced)'))
      expect(ids(store)).toEqual(['job-3', 'job-2', 'job-1'])
      expect(store.complete).toBe(true)
    })

    it('a History never opened asks nothing', async () => {
      useHistoryStore()
      await useCoreEventsStore().start()
      events.library({ jobs: { added: ['job-4'], all: false } })
      events.library({ jobs: { all: true } })
      await flushPromises()
      expect(api.getJob).not.toHaveBeenCalled()
      expect(api.listJobs).not.toHaveBeenCalled()
    })
  })
})
