// Job facts shared by the jobs store, the Generator, History and the viewer: which stage a stored status
// means, which stages are final, how far along a stage is, what money a job may have cost, and which
// action helps (Recover a paid result, Run again as a new paid job, fix the key or the balance).
import type { Catalog, ErrorKind, JobRecord, JobStage, JobStatus } from '@/api'
import { JOB_STATUSES, UNFINISHED_JOB_STATUSES } from '@/api/rules'
import { findModel, isDemoModel, keepRatio } from '@/lib/catalog'
import type { GenerationDraft } from '@/stores/draft'

export type StageKind = JobStage['kind']

/** Every status, in the order History's filter lists them (the core's order). */
export const ALL_STATUSES: readonly JobStatus[] = JOB_STATUSES
/** The statuses a queue drives: a job in one of them is running (or about to). */
export const RUNNING_STATUSES: readonly JobStatus[] = UNFINISHED_JOB_STATUSES

export function isRunningStatus(status: JobStatus): boolean {
  return RUNNING_STATUSES.includes(status)
}

/** A run ended: done, failed, cancelled, or stopped with a paid result still to fetch. */
export function isFinalStage(kind: StageKind): boolean {
  return kind === 'done' || kind === 'failed' || kind === 'cancelled' || kind === 'recoverable'
}

/** The stage a stored job is in when no event has told us more (after a restart, in History). */
export function stageOfRecord(job: JobRecord): JobStage {
  const error = { kind: job.errorKind ?? 'internal', message: job.errorMessage ?? '' }
  switch (job.status) {
    case 'PENDING': return { kind: 'queued' }
    case 'SUBMITTED': return { kind: 'submitted', taskId: job.remoteTaskId }
    case 'PROCESSING': return { kind: 'generating', elapsedMs: null, polls: 0 }
    case 'DOWNLOADING': return { kind: 'downloading', image: 0, images: job.numImages, receivedBytes: null, totalBytes: null }
    case 'RECOVERABLE': return { kind: 'recoverable', error }
    case 'COMPLETED':
      return { kind: 'done', imageIds: job.imageId ? [job.imageId] : [], cost: job.cost, durationMs: job.durationMs }
    case 'FAILED': return { kind: 'failed', error }
    case 'CANCELLED': return { kind: 'cancelled', message: job.errorMessage ?? '' }
  }
}

/** The stored status an event's stage implies (what History shows for a row that is running now). */
export function statusOfStage(kind: StageKind): JobStatus {
  switch (kind) {
    case 'queued': return 'PENDING'
    case 'submitted': return 'SUBMITTED'
    case 'generating': return 'PROCESSING'
    case 'downloading':
    case 'ingesting': return 'DOWNLOADING'
    case 'recoverable': return 'RECOVERABLE'
    case 'done': return 'COMPLETED'
    case 'failed': return 'FAILED'
    case 'cancelled': return 'CANCELLED'
  }
}

/**
 * How far along a stage is, 0–1, or null while the remote service generates (its progress is unknown,
 * so the bar is indeterminate). Downloading and saving fill the last third image by image.
 */
export function stageProgress(stage: JobStage): number | null {
  switch (stage.kind) {
    case 'queued': return 0.04
    case 'submitted': return 0.12
    case 'generating': return null
    case 'downloading': {
      const images = Math.max(stage.images, 1)
      const part = stage.totalBytes ? Math.min((stage.receivedBytes ?? 0) / stage.totalBytes, 1) : 0.5
      return 0.65 + 0.25 * Math.min((displayIndex(stage.image, images) - 1 + part) / images, 1)
    }
    case 'ingesting': return 0.9 + 0.1 * Math.min((displayIndex(stage.image, stage.images) - 1) / Math.max(stage.images, 1), 1)
    default: return 1
  }
}

/** 1-based number of the image being handled; the core counts from 0, clamped in case a source counts from 1. */
export function displayIndex(image: number, images: number): number {
  return Math.min(image + 1, Math.max(images, 1))
}

/**
 * The provider may have charged this job without a confirmed result (the core's `possiblyCharged`
 * filter: flagged, no confirmed cost). Its `estimatedCost` is what it may have cost.
 */
export function isPossiblyCharged(job: JobRecord): boolean {
  return job.mayBeCharged && !(job.cost && job.cost > 0)
}

/**
 * The job runs on another device of this library (it arrived by sync): only that device submits, polls,
 * recovers or cancels it, so here it is read-only until its outcome arrives.
 */
export function isElsewhere(job: JobRecord | null | undefined): boolean {
  return job?.originDevice != null
}

/**
 * A paid result that may still exist at the service: a recoverable job, or one cancelled after the service
 * took it. Recovering polls the service's task, so only a job with a task id has one to fetch.
 */
function hasResultToFetch(job: JobRecord): boolean {
  if (job.remoteTaskId == null) return false
  return job.status === 'RECOVERABLE' || (job.status === 'CANCELLED' && job.mayBeCharged)
}

/** Recover fetches that result in place (the core re-polls and re-downloads, never resubmits); only here. */
export function canRecover(job: JobRecord): boolean {
  return hasResultToFetch(job) && !isElsewhere(job) && !isBatchApiEnd(job)
}

/**
 * A Gemini Batch API job whose batch was cancelled or expired (the core's typed kind): there is no task of its
 * own to fetch, so Recover can do nothing for it.
 */
export function isBatchApiEnd(job: JobRecord | null): boolean {
  return job?.errorKind === 'batch_cancelled' || job?.errorKind === 'batch_expired'
}

/**
 * Run again makes a new paid job; offered once a job is over, but not while its own paid result can still be
 * recovered, here or on its device (that would pay twice for one image). Remix stays for a changed request.
 */
export function canRunAgain(job: JobRecord): boolean {
  return !isRunningStatus(job.status) && !hasResultToFetch(job)
}

/** Kinds that say a paid submit went out and its fate is unknown: it may be charged and is never resent on its own. */
const UNCONFIRMED_SUBMIT: ErrorKind[] = ['interrupted', 'submit_unconfirmed']

export function isUnconfirmedSubmit(job: JobRecord): boolean {
  return job.status === 'FAILED' && job.errorKind != null && UNCONFIRMED_SUBMIT.includes(job.errorKind)
}

export type ErrorAction = 'set-api-key' | 'check-credits' | 'recover' | 'run-again' | null

/** The one action that helps after a job ended badly (none when the prompt itself must change). */
export function errorAction(job: JobRecord | null, kind: ErrorKind | null | undefined): ErrorAction {
  // Another device's job failed with that device's key or balance: only running it again here helps.
  if (job && isElsewhere(job)) return canRunAgain(job) ? 'run-again' : null
  if (kind === 'api_key_missing' || kind === 'api_key_rejected') return 'set-api-key'
  if (kind === 'out_of_credits') return 'check-credits'
  if (job && canRecover(job)) return 'recover'
  if (job && canRunAgain(job) && kind !== 'invalid_input' && kind !== 'invalid_request') return 'run-again'
  return null
}

/**
 * The Generator form filled with a job's settings (remix from a result, History or the viewer). The
 * new job will point at this one (`parentJobId`) or at the image it starts from (`parentImageId`).
 */
export function draftFromJob(catalog: Catalog, job: JobRecord, parentImageId: string | null = null): Partial<GenerationDraft> {
  const draft: Partial<GenerationDraft> = {
    prompt: job.prompt,
    count: job.numImages,
    watermark: job.watermark ?? '',
    imageUrls: [...job.inputImageUrls],
    inputImageIds: [...job.inputImageIds],
    // Its references are among its inputs already: none go again by name.
    references: [],
    parentImageId,
    parentJobId: parentImageId ? null : job.id,
  }
  const info = findModel(catalog, job.model)
  if (info) {
    // The form keeps its own model for a demo job and checks the size and ratio against whichever it shows.
    if (!isDemoModel(catalog, info)) draft.model = info.model
    draft.aspectRatio = keepRatio(info, job.aspectRatio)
  }
  draft.size = job.imageSize
  return draft
}
