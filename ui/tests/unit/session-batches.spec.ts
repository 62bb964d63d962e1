import { describe, it, expect, vi, beforeEach } from 'vitest'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { JobRecord, JobStage } from '@/api'
import { makeI18n } from '@/i18n'
import { jobRecord } from './jobs-fixtures'

// "This session" in the Generator: a batch's jobs are one row ("Batch of N — done, failed · Open") where its
// newest job would be, single jobs stay cards; and a Batch API job whose batch was cancelled or expired says so
// in plain words, with no Recover that could do nothing.
const api = vi.hoisted(() => ({
  onCoreChanged: vi.fn(async () => () => {}),
  listJobs: vi.fn(async () => ({ items: [], nextCursor: null })),
  getJob: vi.fn(),
  expectedTime: vi.fn(async () => null),
  imageUrl: vi.fn((profile: string, kind: string, id: string) => `nf://localhost/${profile}/${kind}/${id}`),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import JobList from '@/components/generator/JobList.vue'
import JobCard from '@/components/generator/JobCard.vue'
import { sessionRows } from '@/components/generator/sessionRows'
import { useJobsStore, type TrackedJob } from '@/stores/jobs'
import { canRecover } from '@/lib/jobs'

const Blank = { template: '<div />' }
let pinia: Pinia
const router = () => createRouter({
  history: createMemoryHistory(),
  routes: [{ path: '/', component: Blank }, { path: '/history', component: Blank }, { path: '/settings', component: Blank },
    { path: '/batches/:id', name: 'batch', component: Blank }],
})

function tracked(record: JobRecord, stage: JobStage): TrackedJob {
  return { id: record.id, record, stage, stages: [], receivedAt: Date.now(), images: [], loadError: null }
}
const done: JobStage = { kind: 'done', imageIds: [], cost: 0.067, durationMs: 1000 }
const failed: JobStage = { kind: 'failed', error: { kind: 'generation_failed', message: 'flagged' } }
const queued: JobStage = { kind: 'queued' }

/** `n` jobs of batch `batchId`: the first `ok` done, the next `bad` failed, the rest waiting. */
function batch(batchId: string, n: number, ok: number, bad: number): TrackedJob[] {
  return Array.from({ length: n }, (_, i) => tracked(
    jobRecord({ id: `${batchId}-${i}`, batchId, status: i < ok ? 'COMPLETED' : i < ok + bad ? 'FAILED' : 'PENDING' }),
    i < ok ? done : i < ok + bad ? failed : queued,
  ))
}

describe('a batch in this session', () => {
  beforeEach(() => {
    pinia = createPinia()
    setActivePinia(pinia)
  })

  it('groups a batch into one row where its newest job is, keeping single jobs as they are', () => {
    const single = tracked(jobRecord({ id: 'solo', status: 'COMPLETED' }), done)
    const older = tracked(jobRecord({ id: 'older' }), queued)
    const rows = sessionRows([single, ...batch('b1', 5, 2, 1), older])
    expect(rows.map((r) => r.key)).toEqual(['solo', 'batch:b1', 'older'])
    const row = rows[1]
    expect(row.kind === 'batch' && row.counts).toEqual({ total: 5, done: 2, failed: 1, cancelled: 0, running: 2 })
    // A job whose record has not arrived yet cannot be placed in its batch: it shows alone until it is.
    const unknown: TrackedJob = { ...older, id: 'x', record: null }
    expect(sessionRows([unknown]).map((r) => r.kind)).toEqual(['job'])
  })

  it('shows a 500-job batch as one row that opens the batch, not 500 cards', async () => {
    const jobs = useJobsStore()
    const all = [tracked(jobRecord({ id: 'solo', status: 'COMPLETED' }), done), ...batch('b-500', 500, 120, 3)]
    for (const j of all) jobs.byId[j.id] = j
    jobs.sessionIds = all.map((j) => j.id)
    const r = router()
    const list = mount(JobList, { props: { modKey: 'Ctrl' }, global: { plugins: [pinia, r, makeI18n()] } })
    const rows = list.findAll('[data-testid="session-batch"]')
    expect(rows).toHaveLength(1)
    expect(rows[0].text()).toMatch(/Batch of 500\s*— 120 done, 3 failed/)
    expect(rows[0].text()).toMatch(/377 to go/)
    expect(list.findAll('article.job')).toHaveLength(1)
    expect(rows[0].get('[data-testid="session-batch-open"]').attributes('href')).toBe('/batches/b-500')
  })

  it('says a Batch API job was cancelled or expired unrun, never charged, with no Recover', () => {
    const cancelled = jobRecord({
      id: 'c', status: 'CANCELLED', errorKind: 'batch_cancelled', mayBeCharged: false, attempts: 1,
      errorMessage: 'core words', remoteTaskId: 'batches/1',
    })
    const card = mount(JobCard, {
      props: { job: tracked(cancelled, { kind: 'cancelled', message: 'core words' }) },
      global: { plugins: [pinia, router(), makeI18n()] },
    })
    expect(card.text()).toContain('The batch was cancelled before Google ran this image — nothing was charged')
    expect(card.text()).not.toMatch(/Recover/)
    expect(canRecover(cancelled)).toBe(false)

    const expired = jobRecord({ id: 'e', status: 'FAILED', errorKind: 'batch_expired', mayBeCharged: false, attempts: 1 })
    const failedCard = mount(JobCard, {
      props: { job: tracked(expired, { kind: 'failed', error: { kind: 'batch_expired', message: 'core words' } }) },
      global: { plugins: [pinia, router(), makeI18n()] },
    })
    expect(failedCard.text()).toContain('expired — never charged')
    expect(failedCard.text()).not.toMatch(/Recover/)

    // Cancelled here while Google had it: it may be charged, but there is still nothing to recover.
    const maybe = jobRecord({ id: 'm', status: 'CANCELLED', errorKind: 'batch_cancelled', mayBeCharged: true, attempts: 1 })
    const maybeCard = mount(JobCard, {
      props: { job: tracked(maybe, { kind: 'cancelled', message: 'core words' }) },
      global: { plugins: [pinia, router(), makeI18n()] },
    })
    expect(maybeCard.get('[data-testid="job-money-note"]').text()).toMatch(/may still be charged.*nothing to recover/)
    expect(maybeCard.findAll('button').map((b) => b.text()).join(' ')).not.toMatch(/Recover/)
  })
})
