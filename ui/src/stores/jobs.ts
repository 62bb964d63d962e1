import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import {
  api, errorMessage, type GenerateOptions, type GenerationRequest, type ImageRecord, type JobEvent, type JobRecord,
  type JobStage, type LibraryChange,
} from '@/api'
import { makeI18n } from '@/i18n'
import { isElsewhere, isFinalStage, isRunningStatus, RUNNING_STATUSES, stageOfRecord, statusOfStage } from '@/lib/jobs'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useProfileScoped } from '@/stores/profile'
import { useSettingsStore } from '@/stores/settings'

/** One job as the UI follows it: its stored record plus what the core's events said since. */
export interface TrackedJob {
  id: string
  /** The stored record (null until `getJob` answers for a job first seen through an event). */
  record: JobRecord | null
  /** The latest stage (from an event, or derived from the record's status). */
  stage: JobStage
  /** Every stage seen in this session, oldest first, with the local time it arrived. */
  stages: { stage: JobStage; receivedAt: number }[]
  /** Local time (Date.now()) the latest stage arrived: the Generator counts elapsed time on from it. */
  receivedAt: number
  /** The finished images (loaded after `done`). */
  images: ImageRecord[]
  /** Set when loading the final record or the images failed. */
  loadError: string | null
}

// Notifications are sent outside any component, so the store formats them with its own i18n instance
// over the same messages (English is the only locale).
const notifyI18n = makeI18n()

/**
 * The live jobs: the core's job progress (from its change stream), the jobs started in this session (and
 * unfinished ones resumed after a restart), submit, cancel, recover and run again, and a desktop
 * notification when a job finishes while the window is in the background. Every job this app runs
 * notifies alike, whoever started it (this page, a page since reloaded, the core resuming it at start),
 * once per run: a final stage heard twice does not notify twice, and a recovery is a new run. Jobs another
 * device runs get no progress here: their stored record is read again when the library says it changed.
 */
export const useJobsStore = defineStore('jobs', () => {
  const byId = reactive<Record<string, TrackedJob>>({})
  /** This session's jobs, newest first (ids into `byId`). */
  const sessionIds = ref<string[]>([])
  const submitting = ref(false)
  /** Following the core's progress (`start`): unfinished jobs were picked up. */
  const started = ref(false)
  let starting: Promise<void> | null = null
  const fetching = new Map<string, Promise<void>>()
  /** Jobs whose current run's outcome was notified (a new run of the job clears it). */
  const notified = new Set<string>()

  // Another profile opened: every job of the previous one goes; when following, the new profile's unfinished
  // jobs are picked up (events name their profile, so the stream itself stays).
  const scope = useProfileScoped(async () => {
    for (const id of Object.keys(byId)) delete byId[id]
    sessionIds.value = []
    fetching.clear()
    notified.clear()
    submitting.value = false
    // A failed listing only hides resumed jobs until their next event.
    if (started.value) await loadUnfinished().catch(() => {})
  })
  const events = useCoreEventsStore()
  events.onJob((event) => handleEvent(event))
  events.onLibrary((change) => { void refreshElsewhere(change) })

  const sessionJobs = computed(() => sessionIds.value.map((id) => byId[id]).filter((j): j is TrackedJob => !!j))
  const runningCount = computed(() => sessionJobs.value.filter((j) => !isFinalStage(j.stage.kind)).length)

  function track(record: JobRecord): TrackedJob {
    const existing = byId[record.id]
    if (existing) {
      existing.record = merged(existing, record)
      return existing
    }
    const stage = stageOfRecord(record)
    const now = Date.now()
    byId[record.id] = { id: record.id, record, stage, stages: [], receivedAt: now, images: [], loadError: null }
    return byId[record.id]
  }

  /** A record that may be older than the events already seen keeps the status those events imply. */
  function merged(job: TrackedJob, record: JobRecord): JobRecord {
    if (!job.stages.length || !isRunningStatus(record.status)) return record
    return { ...record, status: statusOfStage(job.stage.kind) }
  }

  function addToSession(ids: string[]) {
    const fresh = ids.filter((id) => !sessionIds.value.includes(id))
    if (fresh.length) sessionIds.value = [...fresh, ...sessionIds.value]
  }

  /** Fetches the stored record (once at a time per job), keeping any stage events already seen. */
  function refresh(id: string): Promise<void> {
    const pending = fetching.get(id)
    if (pending) return pending
    const stillOpen = scope.begin()
    const p = api.getJob(id)
      .then((record) => {
        if (!stillOpen()) return
        const job = byId[id]
        if (!job) track(record)
        else {
          job.record = merged(job, record)
          // No stage events come for a job run elsewhere: its stored record is all there is.
          if (!job.stages.length) job.stage = stageOfRecord(record)
        }
      })
      .catch((e) => { if (stillOpen() && byId[id]) byId[id].loadError = errorMessage(e) })
      .finally(() => { if (fetching.get(id) === p) fetching.delete(id) })
    fetching.set(id, p)
    return p
  }

  async function loadImages(job: TrackedJob, imageIds: string[]) {
    const stillOpen = scope.begin()
    try {
      const images = await Promise.all(imageIds.map((imageId) => api.getImage(imageId)))
      if (stillOpen()) job.images = images
    } catch (e) {
      if (stillOpen()) job.loadError = errorMessage(e)
    }
  }

  /** One step of one job of the open profile (the stream leaves out other profiles' jobs). */
  function handleEvent(event: JobEvent) {
    const now = Date.now()
    let job = byId[event.jobId]
    if (!job) {
      byId[event.jobId] = {
        id: event.jobId, record: null, stage: event.stage, stages: [], receivedAt: now, images: [], loadError: null,
      }
      job = byId[event.jobId]
      // A job we did not start here but that runs now (resumed by the core, retried elsewhere) belongs on the list.
      if (!isFinalStage(event.stage.kind)) addToSession([event.jobId])
    }
    job.stage = event.stage
    job.receivedAt = now
    job.stages.push({ stage: event.stage, receivedAt: now })
    // Running again (a recovery, a resume): its next outcome is news.
    if (!isFinalStage(event.stage.kind)) notified.delete(job.id)
    // Keep the record's status in step so History's live rows change before the final record arrives.
    if (job.record) job.record = { ...job.record, status: statusOfStage(event.stage.kind) }
    if (isFinalStage(event.stage.kind)) {
      // The final record carries the cost, duration and error the core stored.
      void refresh(job.id).then(() => { if (event.stage.kind !== 'cancelled') void notifyFinished(job) })
      if (event.stage.kind === 'done') void loadImages(job, event.stage.imageIds)
    } else if (!job.record) {
      void refresh(job.id)
    }
  }

  /** Once per run; the preferences are read if no view has read them yet (a job resumed at start). */
  async function notifyFinished(job: TrackedJob) {
    if (notified.has(job.id)) return
    notified.add(job.id)
    const stillOpen = scope.begin()
    const preferences = await useSettingsStore().ensurePreferences()
    if (!stillOpen() || !preferences?.notifyWhenDone || api.windowFocused()) return
    const { t } = notifyI18n.global
    const prompt = job.record?.prompt ?? ''
    const stage = job.stage
    try {
      if (stage.kind === 'done') {
        await api.notify(t('generator.notify.doneTitle', { n: stage.imageIds.length }, stage.imageIds.length), prompt)
      } else if (stage.kind === 'failed') {
        await api.notify(t('generator.notify.failedTitle'), stage.error.message || prompt)
      } else if (stage.kind === 'recoverable') {
        await api.notify(t('generator.notify.recoverableTitle'), stage.error.message || prompt)
      }
    } catch {
      // A notification that cannot be shown is not worth an error in the window.
    }
  }

  /** Follows the core's progress (once) and picks up jobs still running from before a restart. */
  function start(): Promise<void> {
    starting ??= (async () => {
      await events.start()
      started.value = true
      await loadUnfinished()
    })().catch((e) => {
      started.value = false
      starting = null
      throw e
    })
    return starting
  }

  /**
   * The library changed: jobs shown read-only while another device runs them get their stored outcome (no
   * progress events come for them). Jobs run here follow their events instead.
   */
  function refreshElsewhere(change: LibraryChange): Promise<void[]> {
    const named = new Set(change.jobs.updated)
    const open = Object.values(byId).filter((j) => isElsewhere(j.record) && !isFinalStage(j.stage.kind)
      && (change.jobs.all || named.has(j.id)))
    return Promise.all(open.map((j) => refresh(j.id)))
  }

  async function loadUnfinished() {
    const stillOpen = scope.begin()
    const pages = await Promise.all(RUNNING_STATUSES.map((status) => api.listJobs({ status, limit: 50 })))
    if (!stillOpen()) return
    const records = pages.flatMap((p) => p.items)
      .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0))
    for (const r of records) {
      const job = track(r)
      // An event may have overtaken the listing: keep the fresher stage.
      if (!job.stages.length) job.stage = stageOfRecord(r)
    }
    const known = new Set(sessionIds.value)
    sessionIds.value = [...sessionIds.value, ...records.map((r) => r.id).filter((id) => !known.has(id))]
  }

  /** Queues a generation; its jobs go to the top of this session's list. Throws the core's typed error. */
  async function submit(request: GenerationRequest, options: GenerateOptions = {}): Promise<JobRecord[]> {
    const stillOpen = scope.begin()
    submitting.value = true
    try {
      const records = await api.generate(request, options)
      if (stillOpen()) {
        for (const r of records) track(r)
        addToSession(records.map((r) => r.id))
      }
      return records
    } finally {
      if (stillOpen()) submitting.value = false
    }
  }

  /** Stops a job; the `cancelled` event carries the core's word on whether the service may still charge. */
  async function cancel(id: string): Promise<JobRecord> {
    const stillOpen = scope.begin()
    const record = await api.cancelJob(id)
    if (!stillOpen()) return record
    const job = track(record)
    if (!isFinalStage(job.stage.kind)) {
      job.stage = { kind: 'cancelled', message: record.errorMessage ?? '' }
      job.receivedAt = Date.now()
    }
    return record
  }

  /**
   * Recovers a paid job in place: the core polls its task again and downloads the result, never
   * resubmitting. The job runs again under its own id (events follow), so it goes back on the list as running.
   */
  async function recover(id: string): Promise<JobRecord> {
    const stillOpen = scope.begin()
    const record = await api.retryJob(id)
    if (!stillOpen()) return record
    const job = track(record)
    // Events of its earlier run (a final stage) must not decide what it shows now.
    job.record = record
    job.stage = stageOfRecord(record)
    job.stages = []
    notified.delete(record.id)
    job.receivedAt = Date.now()
    job.loadError = null
    addToSession([record.id])
    return record
  }

  /**
   * Runs a job's request again as new, paid jobs linked to it; they go to the top of this session's list.
   * Throws the core's typed error (`over_budget`: ask, then call again with `overBudget`).
   */
  async function rerun(id: string, options: GenerateOptions = {}): Promise<JobRecord[]> {
    const stillOpen = scope.begin()
    const records = await api.rerunJob(id, options)
    if (stillOpen()) {
      for (const r of records) track(r)
      addToSession(records.map((r) => r.id))
    }
    return records
  }

  /** Forgets a finished job from this session's list (it stays in History). */
  function dismiss(id: string) {
    sessionIds.value = sessionIds.value.filter((x) => x !== id)
  }

  return {
    byId, sessionIds, sessionJobs, runningCount, submitting, started,
    start, submit, cancel, recover, rerun, dismiss, refresh, handleEvent,
  }
})
