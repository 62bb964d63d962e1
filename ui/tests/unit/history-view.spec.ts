import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { JobEvent, JobQuery } from '@/api'
import { makeI18n } from '@/i18n'
import { jobRecord } from './jobs-fixtures'

const api = vi.hoisted(() => ({
  onJobProgress: vi.fn(),
  listJobs: vi.fn(),
  getJob: vi.fn(),
  getImage: vi.fn(),
  cancelJob: vi.fn(),
  retryJob: vi.fn(),
  notify: vi.fn(),
  windowFocused: vi.fn(() => true),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import HistoryView from '@/views/HistoryView.vue'
import { HISTORY_PAGE, useHistoryStore } from '@/stores/history'
import { useDraftStore } from '@/stores/draft'

const Blank = { template: '<div />' }
let pinia: Pinia
let emit: (e: JobEvent) => void

const page1 = [
  jobRecord({ id: 'job-3', status: 'PROCESSING', prompt: 'running fox', createdAt: 3000 }),
  jobRecord({ id: 'job-2', status: 'FAILED', prompt: 'failed fox', errorKind: 'timeout', errorMessage: 'took too long', createdAt: 2000 }),
]
const page2 = [jobRecord({ id: 'job-1', status: 'COMPLETED', prompt: 'old fox', cost: 0.0125, durationMs: 24_100, createdAt: 1000 })]

async function mountView() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/history', component: HistoryView }, { path: '/generator', component: Blank }],
  })
  await router.push('/history')
  const wrapper = mount(HistoryView, { global: { plugins: [pinia, router, makeI18n()] } })
  await flushPromises()
  return { wrapper, router }
}

describe('History', () => {
  beforeEach(() => {
    pinia = createPinia()
    setActivePinia(pinia)
    for (const fn of Object.values(api)) fn.mockReset()
    api.windowFocused.mockReturnValue(true)
    api.onJobProgress.mockImplementation(async (handler: (e: JobEvent) => void) => { emit = handler; return () => {} })
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
    expect(api.listJobs).toHaveBeenLastCalledWith({ cursor: null, limit: HISTORY_PAGE, status: null, search: null })
    expect(store.complete).toBe(false)
    await store.loadMore()
    expect(api.listJobs).toHaveBeenLastCalledWith({
      cursor: { createdAt: 2000, id: 'job-2' }, limit: HISTORY_PAGE, status: null, search: null,
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
    expect(rows()[0].find('[data-testid="history-retry"]').exists()).toBe(false)
    expect(rows()[1].get('[data-testid="history-error"]').text()).toBe('took too long')
    expect(rows()[1].find('[data-testid="history-retry"]').exists()).toBe(true)
    await wrapper.get('[data-testid="history-load-more"]').trigger('click')
    await flushPromises()
    expect(rows().map((r) => r.attributes('data-id'))).toEqual(['job-3', 'job-2', 'job-1'])
    expect(rows()[2].text()).toContain('$0.0125')
    expect(rows()[2].text()).toContain('24.1 s')
    expect(wrapper.find('[data-testid="history-load-more"]').exists()).toBe(false)
  })

  it('retry asks the core and puts the new job on top', async () => {
    const { wrapper } = await mountView()
    api.retryJob.mockResolvedValue(jobRecord({ id: 'job-9', status: 'PENDING', prompt: 'failed fox', createdAt: 9000 }))
    await wrapper.get('[data-id="job-2"] [data-testid="history-retry"]').trigger('click')
    await flushPromises()
    expect(api.retryJob).toHaveBeenCalledWith('job-2')
    expect(wrapper.findAll('[data-testid="history-row"]')[0].attributes('data-id')).toBe('job-9')
    expect(wrapper.get('[data-testid="history-message"]').text()).toContain('Started again')
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
    emit({ profileId: 'local', jobId: 'job-3', at: 1, stage: { kind: 'downloading', image: 0, images: 1, receivedBytes: 1, totalBytes: 2 } })
    await flushPromises()
    // Before the store has the record, the row follows the event alone.
    expect(wrapper.get('[data-id="job-3"]').attributes('data-status')).toBe('DOWNLOADING')
    answer({ ...page1[0], status: 'PROCESSING' })
    await flushPromises()
    expect(wrapper.get('[data-id="job-3"]').attributes('data-status')).toBe('DOWNLOADING')
    api.getJob.mockResolvedValue({ ...page1[0], status: 'COMPLETED', cost: 0.0125, durationMs: 5000 })
    emit({ profileId: 'local', jobId: 'job-3', at: 1, stage: { kind: 'done', imageIds: [], cost: 0.0125, durationMs: 5000 } })
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
    expect(api.listJobs).toHaveBeenLastCalledWith({ cursor: null, limit: HISTORY_PAGE, status: 'FAILED', search: 'red fox' })
  })

  it('remix opens the Generator with the job settings', async () => {
    const { wrapper, router } = await mountView()
    await wrapper.get('[data-id="job-2"] [data-testid="history-remix"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/generator')
    expect(useDraftStore().draft?.prompt).toBe('failed fox')
    expect(useDraftStore().draft?.size).toBe('quality')
  })

  it('says so when there is nothing yet', async () => {
    api.listJobs.mockResolvedValue({ items: [], nextCursor: null })
    const { wrapper } = await mountView()
    expect(wrapper.get('[data-testid="history-empty"]').text()).toContain('Generate your first image')
  })
})
