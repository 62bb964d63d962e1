import { describe, it, expect, vi, beforeEach } from 'vitest'
import { setActivePinia, createPinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { ApiError, type JobStage } from '@/api'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'
import { imageRecord, jobRecord, preferences } from './jobs-fixtures'

// The store is tested over the src/api boundary: the core's commands and its event stream are replaced here.
const api = vi.hoisted(() => ({
  onCoreChanged: vi.fn(),
  listJobs: vi.fn(),
  getJob: vi.fn(),
  getImage: vi.fn(),
  generate: vi.fn(),
  cancelJob: vi.fn(),
  retryJob: vi.fn(),
  rerunJob: vi.fn(),
  notify: vi.fn(),
  windowFocused: vi.fn(),
  getPreferences: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { useCoreEventsStore } from '@/stores/coreEvents'
import { useJobsStore } from '@/stores/jobs'
import { useSettingsStore } from '@/stores/settings'

let events: FakeCoreEvents
/** One step of a job of the open profile, as the core's stream sends it. */
const emit = (e: { jobId: string; stage: JobStage }) => events.job(e.jobId, e.stage)
const event = (stage: JobStage, jobId = 'job-1') => ({ jobId, stage })

describe('jobs store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    for (const fn of Object.values(api)) fn.mockReset()
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    api.listJobs.mockResolvedValue({ items: [], nextCursor: null })
    api.getJob.mockResolvedValue(jobRecord())
    api.getImage.mockImplementation(async (id: string) => imageRecord(id))
    api.notify.mockResolvedValue(true)
    api.windowFocused.mockReturnValue(true)
    useSettingsStore().preferences = { ...preferences }
  })

  it('follows the core\'s stream with one subscription, which stops with the window', async () => {
    const jobs = useJobsStore()
    await Promise.all([jobs.start(), jobs.start(), useCoreEventsStore().start()])
    expect(api.onCoreChanged).toHaveBeenCalledTimes(1)
    expect(api.listJobs).toHaveBeenCalledTimes(4)
    useCoreEventsStore().stop()
    expect(events.unlisten).toHaveBeenCalledTimes(1)
    expect(events.listeners()).toBe(0)
  })

  it('picks up unfinished jobs on start so a resumed job shows progress', async () => {
    api.listJobs.mockImplementation(async (q: { status: string }) => ({
      items: q.status === 'PROCESSING' ? [jobRecord({ id: 'job-9', status: 'PROCESSING' })] : [],
      nextCursor: null,
    }))
    const jobs = useJobsStore()
    await jobs.start()
    expect(api.listJobs.mock.calls.map((c) => c[0].status).sort())
      .toEqual(['DOWNLOADING', 'PENDING', 'PROCESSING', 'SUBMITTED'])
    expect(jobs.sessionIds).toEqual(['job-9'])
    expect(jobs.byId['job-9'].stage.kind).toBe('generating')
    emit(event({ kind: 'generating', elapsedMs: 4000, polls: 3 }, 'job-9'))
    expect(jobs.byId['job-9'].stage).toEqual({ kind: 'generating', elapsedMs: 4000, polls: 3 })
  })

  it('a library change names a job another device runs: its stored outcome is read; jobs run here follow their events', async () => {
    api.listJobs.mockImplementation(async (q: { status: string }) => ({
      items: q.status === 'PROCESSING'
        ? [jobRecord({ id: 'job-5', status: 'PROCESSING', originDevice: 'dev-pixel', remoteTaskId: 't5' }),
           jobRecord({ id: 'job-6', status: 'PROCESSING' })]
        : [],
      nextCursor: null,
    }))
    const jobs = useJobsStore()
    await jobs.start()
    expect(jobs.byId['job-5'].stage.kind).toBe('generating')
    api.getJob.mockResolvedValueOnce(jobRecord({ id: 'job-5', status: 'COMPLETED', originDevice: 'dev-pixel', cost: 0.02 }))
    events.library({ jobs: { updated: ['job-5', 'job-6'] }, stats: true })
    await flushPromises()
    expect(api.getJob.mock.calls.map((c) => c[0])).toEqual(['job-5'])
    expect(jobs.byId['job-5'].record?.status).toBe('COMPLETED')
    expect(jobs.byId['job-5'].stage.kind).toBe('done')
    expect(jobs.runningCount).toBe(1)
  })

  it('submit puts the new jobs at the top; events move their stage and keep a history', async () => {
    const jobs = useJobsStore()
    await jobs.start()
    api.generate.mockResolvedValueOnce([jobRecord({ id: 'job-1' })])
    await jobs.submit({ prompt: 'first' })
    api.generate.mockResolvedValueOnce([jobRecord({ id: 'job-2' }), jobRecord({ id: 'job-3' })])
    await jobs.submit({ prompt: 'second', count: 2 })
    expect(jobs.sessionIds).toEqual(['job-2', 'job-3', 'job-1'])
    expect(api.generate).toHaveBeenLastCalledWith({ prompt: 'second', count: 2 }, {})

    emit(event({ kind: 'queued' }))
    emit(event({ kind: 'submitted', taskId: 't1' }))
    emit(event({ kind: 'downloading', image: 0, images: 1, receivedBytes: 10, totalBytes: 20 }))
    const job = jobs.byId['job-1']
    expect(job.stage.kind).toBe('downloading')
    expect(job.stages.map((s) => s.stage.kind)).toEqual(['queued', 'submitted', 'downloading'])
    expect(job.record?.status).toBe('DOWNLOADING')
    expect(api.getJob).not.toHaveBeenCalled()
    expect(jobs.runningCount).toBe(3)
  })

  it('fetches the record of a job first seen through an event', async () => {
    const jobs = useJobsStore()
    await jobs.start()
    api.getJob.mockResolvedValueOnce(jobRecord({ id: 'job-7', status: 'SUBMITTED' }))
    emit(event({ kind: 'generating', elapsedMs: 1000, polls: 1 }, 'job-7'))
    await flushPromises()
    expect(api.getJob).toHaveBeenCalledWith('job-7')
    expect(jobs.byId['job-7'].record?.prompt).toBe('a red fox in snow')
    // The older record does not undo what the event said.
    expect(jobs.byId['job-7'].record?.status).toBe('PROCESSING')
    expect(jobs.sessionIds).toContain('job-7')
  })

  it('done fetches the final record and the images', async () => {
    const jobs = useJobsStore()
    await jobs.start()
    api.generate.mockResolvedValueOnce([jobRecord()])
    await jobs.submit({ prompt: 'a red fox in snow' })
    api.getJob.mockResolvedValueOnce(jobRecord({ status: 'COMPLETED', cost: 0.0125, durationMs: 24_100 }))
    emit(event({ kind: 'done', imageIds: ['img-1', 'img-2'], cost: 0.0125, durationMs: 24_100 }))
    await flushPromises()
    expect(api.getJob).toHaveBeenCalledWith('job-1')
    expect(jobs.byId['job-1'].record?.durationMs).toBe(24_100)
    expect(jobs.byId['job-1'].images.map((i) => i.id)).toEqual(['img-1', 'img-2'])
    expect(jobs.runningCount).toBe(0)
  })

  it('notifies only when the window is unfocused and notifications are on', async () => {
    const jobs = useJobsStore()
    await jobs.start()
    api.getJob.mockResolvedValue(jobRecord({ status: 'COMPLETED' }))

    api.windowFocused.mockReturnValue(true)
    emit(event({ kind: 'done', imageIds: ['img-1'], cost: 0, durationMs: 1 }))
    await flushPromises()
    expect(api.notify).not.toHaveBeenCalled()

    api.windowFocused.mockReturnValue(false)
    useSettingsStore().preferences = { ...preferences, notifyWhenDone: false }
    emit(event({ kind: 'done', imageIds: ['img-1'], cost: 0, durationMs: 1 }, 'job-2'))
    await flushPromises()
    expect(api.notify).not.toHaveBeenCalled()

    useSettingsStore().preferences = { ...preferences, notifyWhenDone: true }
    emit(event({ kind: 'done', imageIds: ['img-1'], cost: 0, durationMs: 1 }, 'job-3'))
    await flushPromises()
    expect(api.notify).toHaveBeenCalledWith('Image ready', 'a red fox in snow')

    emit(event({ kind: 'done', imageIds: ['img-1', 'img-2'], cost: 0, durationMs: 1 }, 'job-4'))
    await flushPromises()
    expect(api.notify).toHaveBeenLastCalledWith('2 images ready', 'a red fox in snow')
  })

  it('a job resumed at start notifies when it finishes, even before any view read the preferences', async () => {
    useSettingsStore().preferences = null
    api.getPreferences.mockResolvedValue({ ...preferences, notifyWhenDone: true })
    api.listJobs.mockImplementation(async (q: { status: string }) => ({
      items: q.status === 'PROCESSING' ? [jobRecord({ id: 'job-9', status: 'PROCESSING', prompt: 'resumed fox' })] : [],
      nextCursor: null,
    }))
    api.windowFocused.mockReturnValue(false)
    api.getJob.mockResolvedValue(jobRecord({ id: 'job-9', status: 'COMPLETED', prompt: 'resumed fox' }))
    const jobs = useJobsStore()
    await jobs.start()
    emit(event({ kind: 'done', imageIds: ['img-9'], cost: 0.067, durationMs: 1 }, 'job-9'))
    await flushPromises()
    expect(api.notify).toHaveBeenCalledExactlyOnceWith('Image ready', 'resumed fox')
    expect(api.getPreferences).toHaveBeenCalledTimes(1)

    // Turned off in the saved preferences: nothing.
    useSettingsStore().preferences = { ...preferences, notifyWhenDone: false }
    emit(event({ kind: 'failed', error: { kind: 'server_error', message: 'boom' } }, 'job-10'))
    await flushPromises()
    expect(api.notify).toHaveBeenCalledTimes(1)
  })

  it('a job this page did not start notifies once per outcome, however often the outcome is heard; a recovery is news again', async () => {
    const jobs = useJobsStore()
    await jobs.start()
    api.windowFocused.mockReturnValue(false)
    api.getJob.mockResolvedValue(jobRecord({ id: 'job-7', status: 'RECOVERABLE', remoteTaskId: 't7', mayBeCharged: true }))
    // Driven after the page that started it was reloaded: the first this page hears of it is its outcome.
    emit(event({ kind: 'recoverable', error: { kind: 'timeout', message: 'slow' } }, 'job-7'))
    emit(event({ kind: 'recoverable', error: { kind: 'timeout', message: 'slow' } }, 'job-7'))
    await flushPromises()
    expect(api.notify).toHaveBeenCalledExactlyOnceWith('A paid generation can be recovered', 'slow')

    // Recovered (here or by the core at start): the run's own outcome notifies, once.
    api.getJob.mockResolvedValue(jobRecord({ id: 'job-7', status: 'COMPLETED', remoteTaskId: 't7' }))
    emit(event({ kind: 'generating', elapsedMs: 1, polls: 1 }, 'job-7'))
    emit(event({ kind: 'done', imageIds: ['img-7'], cost: 0.067, durationMs: 1 }, 'job-7'))
    emit(event({ kind: 'done', imageIds: ['img-7'], cost: 0.067, durationMs: 1 }, 'job-7'))
    await flushPromises()
    expect(api.notify).toHaveBeenCalledTimes(2)
    expect(api.notify).toHaveBeenLastCalledWith('Image ready', 'a red fox in snow')
  })

  it('a failure keeps its typed kind and notifies with the message', async () => {
    const jobs = useJobsStore()
    await jobs.start()
    api.windowFocused.mockReturnValue(false)
    api.getJob.mockResolvedValue(jobRecord({ status: 'FAILED', errorKind: 'api_key_rejected', errorMessage: 'rejected (401)' }))
    emit(event({ kind: 'failed', error: { kind: 'api_key_rejected', message: 'rejected (401)' } }))
    await flushPromises()
    const stage = jobs.byId['job-1'].stage
    expect(stage.kind === 'failed' && stage.error.kind).toBe('api_key_rejected')
    expect(jobs.byId['job-1'].record?.errorKind).toBe('api_key_rejected')
    expect(api.notify).toHaveBeenCalledWith('Generation failed', 'rejected (401)')
  })

  it('cancel goes through the core and shows its word on charges', async () => {
    const jobs = useJobsStore()
    await jobs.start()
    api.generate.mockResolvedValueOnce([jobRecord()])
    await jobs.submit({ prompt: 'x' })
    api.cancelJob.mockResolvedValueOnce(jobRecord({ status: 'CANCELLED', errorMessage: 'the service may still charge' }))
    await jobs.cancel('job-1')
    expect(api.cancelJob).toHaveBeenCalledWith('job-1')
    expect(jobs.byId['job-1'].stage).toEqual({ kind: 'cancelled', message: 'the service may still charge' })
  })

  it('a recoverable stage ends the run and keeps the job recoverable', async () => {
    const jobs = useJobsStore()
    await jobs.start()
    api.windowFocused.mockReturnValue(false)
    api.getJob.mockResolvedValue(jobRecord({ status: 'RECOVERABLE', errorKind: 'timeout', mayBeCharged: true, remoteTaskId: 't1' }))
    emit(event({ kind: 'recoverable', error: { kind: 'timeout', message: 'still generating after 3 min' } }))
    await flushPromises()
    expect(jobs.byId['job-1'].record?.status).toBe('RECOVERABLE')
    expect(jobs.runningCount).toBe(0)
    expect(api.notify).toHaveBeenCalledWith('A paid generation can be recovered', 'still generating after 3 min')
  })

  it('recover asks the core to fetch the paid result in place: the same job runs again, nothing new is made', async () => {
    const jobs = useJobsStore()
    await jobs.start()
    api.getJob.mockResolvedValue(jobRecord({ status: 'RECOVERABLE', mayBeCharged: true, remoteTaskId: 't1' }))
    emit(event({ kind: 'recoverable', error: { kind: 'timeout', message: 'slow' } }))
    await flushPromises()
    api.retryJob.mockResolvedValueOnce(jobRecord({ status: 'SUBMITTED', mayBeCharged: true, remoteTaskId: 't1' }))
    await jobs.recover('job-1')
    expect(api.retryJob).toHaveBeenCalledWith('job-1')
    expect(api.rerunJob).not.toHaveBeenCalled()
    expect(api.generate).not.toHaveBeenCalled()
    const job = jobs.byId['job-1']
    // The earlier run's final stage no longer decides: it is running again under its own id.
    expect(job.stage.kind).toBe('submitted')
    expect(job.record?.status).toBe('SUBMITTED')
    expect(jobs.sessionIds).toEqual(['job-1'])
    expect(jobs.runningCount).toBe(1)
    emit(event({ kind: 'generating', elapsedMs: 1, polls: 1 }))
    expect(job.record?.status).toBe('PROCESSING')
  })

  it('run again asks the core for a new linked job and puts it on top; the refusal keeps its kind', async () => {
    const jobs = useJobsStore()
    await jobs.start()
    api.rerunJob.mockResolvedValueOnce([jobRecord({ id: 'job-2', parentJobId: 'job-1' })])
    await jobs.rerun('job-1')
    expect(api.rerunJob).toHaveBeenCalledWith('job-1', {})
    expect(api.retryJob).not.toHaveBeenCalled()
    expect(jobs.sessionIds).toEqual(['job-2'])

    api.rerunJob.mockRejectedValueOnce(new ApiError({ kind: 'over_budget', message: 'over the budget' }))
    await expect(jobs.rerun('job-1')).rejects.toMatchObject({ kind: 'over_budget' })
    api.rerunJob.mockResolvedValueOnce([jobRecord({ id: 'job-3', parentJobId: 'job-1' })])
    await jobs.rerun('job-1', { overBudget: true })
    expect(api.rerunJob).toHaveBeenLastCalledWith('job-1', { overBudget: true })
    expect(jobs.sessionIds).toEqual(['job-3', 'job-2'])
  })
})
