import { describe, it, expect, vi, beforeEach } from 'vitest'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError, type JobRecord, type JobStage } from '@/api'
import { makeI18n } from '@/i18n'
import { fakeCoreEvents } from './core-events'
import { catalog, imageRecord, jobRecord } from './jobs-fixtures'
import { libraryStats } from './stats-fixtures'

// What a job really took: "charged N credits" wherever its cost shows (History, the Generator's card and
// results, the viewer), and History's "Possibly charged (CSV)" for a refund request.
const api = vi.hoisted(() => ({
  onCoreChanged: vi.fn(),
  listJobs: vi.fn(),
  recentBatches: vi.fn(async () => []),
  getJob: vi.fn(),
  jobFamily: vi.fn(),
  catalog: vi.fn(),
  libraryStats: vi.fn(),
  syncStatus: vi.fn(),
  savePossiblyCharged: vi.fn(),
  imageUrl: vi.fn((profile: string, kind: string, id: string) => `nf://localhost/${profile}/${kind}/${id}`),
  thumbnailUrl: vi.fn((profile: string, key: string, kind: string, sha: string) => `nf://localhost/${profile}/${key}/${kind}/${sha}`),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import HistoryView from '@/views/HistoryView.vue'
import JobCard from '@/components/generator/JobCard.vue'
import ViewerMeta from '@/components/gallery/ViewerMeta.vue'
import { useCatalogStore } from '@/stores/catalog'
import type { TrackedJob } from '@/stores/jobs'

const Blank = { template: '<div />' }
let pinia: Pinia

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/', component: Blank }, { path: '/history', component: Blank }, { path: '/generator', component: Blank },
      { path: '/gallery', component: Blank }, { path: '/settings', component: Blank }],
  })
}
const plugins = () => [pinia, router(), makeI18n()]

function tracked(record: JobRecord, stage: JobStage, images = [] as TrackedJob['images']): TrackedJob {
  return { id: record.id, record, stage, stages: [], receivedAt: Date.now(), images, loadError: null }
}

describe('what was really charged', () => {
  beforeEach(async () => {
    pinia = createPinia()
    setActivePinia(pinia)
    for (const fn of Object.values(api)) fn.mockClear()
    api.onCoreChanged.mockImplementation(fakeCoreEvents().onCoreChanged)
    api.catalog.mockResolvedValue(catalog)
    api.libraryStats.mockResolvedValue(libraryStats())
    api.jobFamily.mockResolvedValue({ parent: null, children: [] })
    api.listJobs.mockImplementation(async (q: { status?: string }) => ({
      items: q.status ? [] : [
        jobRecord({ id: 'job-2', status: 'COMPLETED', cost: 0.134, numImages: 2, chargedCredits: 36, createdAt: 2000 }),
        jobRecord({ id: 'job-1', status: 'COMPLETED', cost: 0.067, chargedCredits: null, createdAt: 1000 }),
      ],
      nextCursor: null,
    }))
    await useCatalogStore().ensureLoaded()
  })

  it('History shows the credits a job took beside its cost, and nothing when the balance did not say', async () => {
    const w = mount(HistoryView, { global: { plugins: plugins() } })
    await flushPromises()
    const [charged, unknown] = w.findAll('[data-testid="history-row"]')
    const cost = charged.get('.c-cost')
    expect(cost.text()).toContain('$0.134')
    expect(cost.get('[data-testid="charged-credits"]').text()).toBe('charged 36 credits')
    expect(unknown.find('[data-testid="charged-credits"]').exists()).toBe(false)
    w.unmount()
  })

  it('Possibly charged (CSV) asks the core to save them and says how many it wrote', async () => {
    const w = mount(HistoryView, { global: { plugins: plugins() } })
    await flushPromises()
    const save = () => w.get('[data-testid="history-charged-csv"]').trigger('click')
    const message = () => w.find('[data-testid="history-message"]')

    api.savePossiblyCharged.mockResolvedValueOnce(3)
    await save()
    await flushPromises()
    expect(api.savePossiblyCharged).toHaveBeenCalledTimes(1)
    expect(message().text()).toBe('Saved 3 possibly charged jobs to the CSV file.')

    // Cancelled in the native dialog: nothing to say.
    api.savePossiblyCharged.mockResolvedValueOnce(null)
    await save()
    await flushPromises()
    expect(message().exists()).toBe(false)

    api.savePossiblyCharged.mockResolvedValueOnce(0)
    await save()
    await flushPromises()
    expect(message().text()).toContain('No job may have been charged without a result')

    api.savePossiblyCharged.mockRejectedValueOnce(new ApiError({ kind: 'io', message: 'the folder is read-only' }))
    await save()
    await flushPromises()
    expect(message().classes()).toContain('bad')
    expect(message().text()).toBe('Could not save the CSV file: the folder is read-only')
    w.unmount()
  })

  it('the Generator\'s card says what a job without a result took, and its results what a done one took', async () => {
    const failed = jobRecord({
      id: 'job-5', status: 'FAILED', errorKind: 'submit_unconfirmed', errorMessage: 'no answer', mayBeCharged: true, chargedCredits: 18,
    })
    const card = mount(JobCard, {
      props: { job: tracked(failed, { kind: 'failed', error: { kind: 'submit_unconfirmed', message: 'no answer' } }) },
      global: { plugins: plugins() },
    })
    expect(card.get('[data-testid="charged-credits"]').text()).toBe('charged 18 credits')
    card.unmount()

    const done = jobRecord({ id: 'job-6', status: 'COMPLETED', cost: 0.067, chargedCredits: 1 })
    const doneCard = mount(JobCard, {
      props: { job: tracked(done, { kind: 'done', imageIds: ['img-6'], cost: 0.067, durationMs: 2000 }, [imageRecord('img-6')]) },
      global: { plugins: plugins() },
    })
    expect(doneCard.get('[data-testid="result-cost"]').text()).toBe('$0.067')
    expect(doneCard.findAll('[data-testid="charged-credits"]').map((c) => c.text())).toEqual(['charged 1 credit'])
    doneCard.unmount()
  })

  it('the viewer\'s details say it under the cost', () => {
    const w = mount(ViewerMeta, {
      props: { image: imageRecord('img-1'), job: jobRecord({ status: 'COMPLETED', cost: 0.067, chargedCredits: 17.5 }) },
      global: { plugins: plugins() },
    })
    const cost = w.get('[data-key="cost"] dd')
    expect(cost.text()).toContain('$0.067')
    expect(cost.get('[data-testid="charged-credits"]').text()).toBe('charged 17.5 credits')
    w.unmount()
  })
})
