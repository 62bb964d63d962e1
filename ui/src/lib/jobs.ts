// Job facts shared by the jobs store, the Generator and History: which stage a stored status means,
// which stages are final, how far along a stage is, and which action fixes a failure.
import type { ErrorKind, JobRecord, JobStage, JobStatus, Model } from '@/api'
import { MODELS, presetForPixels } from '@/lib/generation'
import type { GenerationDraft } from '@/stores/draft'

export type StageKind = JobStage['kind']

export const RUNNING_STATUSES: JobStatus[] = ['PENDING', 'SUBMITTED', 'PROCESSING', 'DOWNLOADING']
export const FINISHED_STATUSES: JobStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED']

export function isRunningStatus(status: JobStatus): boolean {
  return RUNNING_STATUSES.includes(status)
}

export function isFinalStage(kind: StageKind): boolean {
  return kind === 'done' || kind === 'failed' || kind === 'cancelled'
}

/** The stage a stored job is in when no event has told us more (after a restart, in History). */
export function stageOfRecord(job: JobRecord): JobStage {
  switch (job.status) {
    case 'PENDING': return { kind: 'queued' }
    case 'SUBMITTED': return { kind: 'submitted', taskId: job.remoteTaskId }
    case 'PROCESSING': return { kind: 'generating', elapsedMs: null, polls: 0 }
    case 'DOWNLOADING': return { kind: 'downloading', image: 0, images: job.numImages, receivedBytes: null, totalBytes: null }
    case 'COMPLETED':
      return { kind: 'done', imageIds: job.imageId ? [job.imageId] : [], cost: job.cost, durationMs: job.durationMs }
    case 'FAILED':
      return { kind: 'failed', error: { kind: (job.errorKind ?? 'internal') as ErrorKind, message: job.errorMessage ?? '' } }
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

export type ErrorAction = 'set-api-key' | 'check-credits' | 'retry' | null

const RETRYABLE: string[] = [
  'timeout', 'network', 'service_unavailable', 'interrupted', 'rate_limited', 'server_error', 'download',
  'generation_failed', 'protocol',
]

/** The one action that helps after a failure of this kind (none when the prompt itself must change). */
export function errorAction(kind: string | null | undefined): ErrorAction {
  if (kind === 'api_key_missing' || kind === 'api_key_rejected') return 'set-api-key'
  if (kind === 'out_of_credits') return 'check-credits'
  if (kind && RETRYABLE.includes(kind)) return 'retry'
  return null
}

/** The Generator form filled with a job's settings (remix from a result or History). */
export function draftFromJob(job: JobRecord, parentImageId: string | null = null): Partial<GenerationDraft> {
  const model = MODELS.find((m) => m.value === job.model)?.value
  const draft: Partial<GenerationDraft> = {
    prompt: job.prompt,
    aspectRatio: job.aspectRatio as GenerationDraft['aspectRatio'],
    count: job.numImages,
    watermark: job.watermark ?? '',
    imageUrls: [...job.inputImageUrls],
    parentImageId,
  }
  const size = presetForPixels(job.imageSize)
  if (size) draft.size = size
  if (model) draft.model = model
  return draft
}

/** A model the form can select: the demo provider's "model" falls back to the first real one. */
export function formModel(model: Model | string | null | undefined): Exclude<Model, 'demo'> {
  return MODELS.find((m) => m.value === model)?.value ?? MODELS[0].value
}
