// Generations of the in-page core (browser-test build only): the money checks the real queue makes before
// recording anything (budget, known zero balance), jobs that emit the same progress events as the real
// queue, recovery in place (never a new job) and run again (a new job linked to the old one).
// A prompt starting with `@fail:KIND` ends with that error kind where the outcome model puts it:
// after the submit a task's transient failures make the job RECOVERABLE, `interrupted` and
// `submit_unconfirmed` a possibly charged FAILED, others a plain FAILED. `@slow` is ten times slower.
import type { ErrorKind, GenerateOptions, GenerationRequest, ImageRecord, ImageSize, JobRecord, JobStage, ProviderKind } from '@/api'
import {
  availableProviders, budgetStatus, image, job, MOCK_NOW, modelInfo, pad, priceOf, type MockJobEvent, type MockState,
} from './backend'
import { syncStatus } from './sync'

type Emit = (e: MockJobEvent) => void

/** Kinds the real queue turns into a recoverable job once the service has the task. */
const RECOVERABLE_KINDS = new Set<string>(['timeout', 'network', 'download', 'protocol', 'server_error', 'service_unavailable', 'rate_limited', 'invalid_image'])
/** Kinds that say the submit went out and its fate is unknown. */
const UNCONFIRMED_KINDS = new Set<string>(['interrupted', 'submit_unconfirmed'])
/** Kinds the service answers before creating anything (nothing charged). */
const REFUSED_KINDS = new Set<string>(['api_key_rejected', 'api_key_missing', 'out_of_credits', 'invalid_request', 'invalid_input'])

export function refuse(kind: ErrorKind, message: string): never {
  throw { kind, message }
}

/**
 * The checks the core makes before recording a job: the monthly budget (every paid provider), then a known
 * empty balance (only Nano Banana has one).
 */
function checkMoney(s: MockState, estimate: number, count: number, opts: GenerateOptions, paid: boolean, hasBalance: boolean) {
  const limit = s.preferences.monthlyBudgetUsd
  if (paid && limit != null && !opts.overBudget && estimate > 0) {
    const b = budgetStatus(s)
    const after = (b.spentConfirmed ?? 0) + (b.spentPossible ?? 0) + estimate
    if (after > limit + 1e-9) {
      refuse('over_budget', `this generation (about $${estimate.toFixed(2)}) would take this month's spending to `
        + `$${after.toFixed(2)} of your $${limit.toFixed(2)} budget; generate anyway to go over it`)
    }
  }
  if (!hasBalance) return
  if (paid && s.balance <= 0) refuse('out_of_credits', `the balance is ${s.balance} credits`)
  const perImage = s.preferences.creditsPerImage
  if (paid && perImage != null && perImage * count > s.balance) {
    refuse('out_of_credits', `${count} image(s) at ${perImage} credits need ${perImage * count} credits; the balance is ${s.balance}`)
  }
}

function failMessage(kind: string): string {
  switch (kind) {
    case 'api_key_rejected': return 'The API key was rejected (401). Check it in Settings.'
    case 'out_of_credits': return 'Your Nano Banana account is out of credits (402). Top up, then try again.'
    case 'service_unavailable': return 'Nano Banana is under maintenance (455); the task is kept and can be recovered.'
    case 'timeout': return 'Still generating after 3 min; the task is kept at the service and can be recovered.'
    case 'interrupted': return 'Nanoforge stopped while this request was being sent; whether the service received it is unknown.'
    default: return `Generation failed (${kind})`
  }
}

/** The run that drives each job now: a recovery replaces a cancelled run, whose timers must stop. */
const runs = new WeakMap<JobRecord, symbol>()

/** Drives `j` through `stages`, one every `step` ms, until a final one (or a cancel). */
function drive(j: JobRecord, stages: (() => JobStage | null)[], step: number, emit: Emit) {
  const run = Symbol('run')
  runs.set(j, run)
  let i = 0
  const tick = () => {
    if (runs.get(j) !== run || j.status === 'CANCELLED' || i >= stages.length) return
    const stage = stages[i++]()
    if (stage) emit({ jobId: j.id, at: MOCK_NOW, stage })
    if (stage && !['failed', 'done', 'recoverable'].includes(stage.kind)) setTimeout(tick, step)
  }
  setTimeout(tick, 0)
}

/** Credits one Nano Banana image takes from the mock balance, as the core learns it from the balance. */
const CREDITS_PER_IMAGE = 18

/**
 * Paid requests in flight, as quitting counts them: a Gemini call whose answer is not stored yet (a Nano
 * Banana submit answers with its task id at once here, so it never counts).
 */
export function paidInFlight(s: MockState): number {
  return s.jobs.filter((j) => j.provider === 'gemini' && ['SUBMITTED', 'PROCESSING', 'DOWNLOADING'].includes(j.status)).length
}

/** The last stages of a run: download, store the images, done with the confirmed cost. */
function finishStages(s: MockState, j: JobRecord, step: number, price: number): (() => JobStage | null)[] {
  const count = j.numImages
  return [
    () => { j.status = 'DOWNLOADING'; return { kind: 'downloading', image: 0, images: count, receivedBytes: 400_000, totalBytes: 900_000 } },
    () => ({ kind: 'ingesting', image: count - 1, images: count }),
    () => {
      const ids: string[] = []
      const at = MOCK_NOW + s.nextId * 1000
      for (let p = 0; p < count; p++) {
        const img = image(j, p, s.nextId++, s.prefix)
        img.createdAt = at + p
        img.jobStatus = 'COMPLETED'
        s.images.push(img)
        ids.push(img.id)
      }
      Object.assign(j, { status: 'COMPLETED', cost: price, durationMs: step * 7, completedAt: at + step * 7, imageId: ids[0],
        errorKind: null, errorMessage: null, chargedCredits: j.provider === 'nanobanana' ? CREDITS_PER_IMAGE * count : null })
      return { kind: 'done', imageIds: ids, cost: j.cost, durationMs: j.durationMs }
    },
  ]
}

const PROVIDER_LABELS: Record<ProviderKind, string> = {
  nanobanana: 'Nano Banana (nanobananaapi.ai)', gemini: 'Google Gemini API', demo: 'Demo — not AI',
}

/** The provider, model and inputs the core would use for `req`, or its refusal (nothing is recorded then). */
function resolve(s: MockState, req: GenerationRequest, opts: GenerateOptions) {
  const available = availableProviders(s)
  const asked = req.model ?? s.preferences.defaultModel
  const provider = opts.provider ?? (available.includes(modelInfo(asked).provider) ? modelInfo(asked).provider : available[0])
  if (!available.includes(provider)) {
    refuse('api_key_missing', provider === 'gemini' ? 'No Gemini API key is set. Add one in Settings.' : 'No Nano Banana API key is set. Add one in Settings.')
  }
  const demo = provider === 'demo'
  // The demo draws any request offline, at the nearest size it offers, and takes no links.
  const model = demo ? 'demo' : asked
  const info = modelInfo(model)
  if (!demo && info.provider !== provider) refuse('invalid_input', `${info.label} is not served by ${PROVIDER_LABELS[provider]}`)
  const size: ImageSize = demo && (req.size ?? s.preferences.defaultSize) === '4K' ? '2K' : (req.size ?? s.preferences.defaultSize)
  const urls = demo ? [] : req.imageUrls ?? []
  const inputs = req.inputImages ?? []
  const count = req.count ?? 1
  if (!info.sizes.some((x) => x.size === size)) refuse('invalid_input', `${info.label} does not offer the size ${size}`)
  if (count < 1 || count > 4) refuse('invalid_input', `asked for ${count} images; choose between 1 and 4`)
  if (urls.length + inputs.length > info.maxInputImages) {
    refuse('invalid_input', info.maxInputImages === 0 ? `${info.label} does not take input images`
      : `${info.label} accepts at most ${info.maxInputImages} input images; ${urls.length + inputs.length} given`)
  }
  // Nano Banana fetches local inputs from the sync bucket through short-lived links: only with sync set up.
  if (provider === 'nanobanana' && inputs.length && !syncStatus(s.sync, s.prefix || 'local').configured) {
    refuse('invalid_input', 'Nano Banana takes input images only as public URLs: set up sync (Settings → Sync) so a local file can be handed to it as a short-lived link, or use Gemini, which takes files directly')
  }
  if (provider === 'gemini' && urls.length) refuse('invalid_input', 'Gemini takes input images as files: import the URL as an input image first')
  // Input images the page added, or library images (a dragged tile, a named reference).
  for (const id of inputs) if (!s.inputs.some((i) => i.id === id) && !s.images.some((i) => i.id === id)) refuse('not_found', `image ${id} not found`)
  return { provider, demo, model, size, urls, inputs, count }
}

/** Records one job for `req` (after the money checks) and runs it; events every `stepMs`. */
export function startGeneration(s: MockState, req: GenerationRequest, opts: GenerateOptions, emit: Emit, stepMs = 120): JobRecord[] {
  const { provider, demo, model, size, urls, inputs, count } = resolve(s, req, opts)
  const estimate = Math.round(priceOf(s, model, size) * count * 10_000) / 10_000
  checkMoney(s, estimate, count, opts, !demo, provider === 'nanobanana')
  // Gemini answers the call itself: no task at a service to poll, but paid once it was sent.
  const hasTask = provider === 'nanobanana'

  const id = `job-${s.prefix}${pad(s.nextId++)}`
  const now = MOCK_NOW + s.nextId * 1000
  const j: JobRecord = job(0, {
    id, prompt: req.prompt, provider, model, imageSize: size, aspectRatio: req.aspectRatio ?? '1:1', numImages: count,
    watermark: req.watermark ?? null, inputImageUrls: urls, inputImageIds: inputs, status: 'PENDING', cost: 0, estimatedCost: estimate,
    mayBeCharged: false, durationMs: null, queueMs: null, submittedAt: null, remoteTaskId: null, createdAt: now, updatedAt: now,
    completedAt: null, attempts: 0, parentJobId: opts.parentJobId ?? null, parentImageId: opts.parentImageId ?? null,
    taskType: urls.length || inputs.length ? 'IMAGE_TO_IMAGE' : 'TEXT_TO_IMAGE',
  })
  s.jobs.push(j)
  const step = req.prompt.startsWith('@slow') ? stepMs * 10 : stepMs
  const failKind = /^@fail:(\w+)/.exec(req.prompt)?.[1] as ErrorKind | undefined
  const fail = (): JobStage => {
    const kind = failKind!
    const error = { kind, message: failMessage(kind) }
    Object.assign(j, { errorKind: kind, errorMessage: error.message, cost: 0, completedAt: now })
    if (REFUSED_KINDS.has(kind)) {
      Object.assign(j, { status: 'FAILED', mayBeCharged: false, remoteTaskId: null, submittedAt: null })
      return { kind: 'failed', error }
    }
    if (UNCONFIRMED_KINDS.has(kind)) {
      Object.assign(j, { status: 'FAILED', mayBeCharged: true, remoteTaskId: null })
      return { kind: 'failed', error }
    }
    if (RECOVERABLE_KINDS.has(kind)) {
      // A task the service holds, even for the demo here, so Recover has something to fetch.
      Object.assign(j, { status: 'RECOVERABLE', remoteTaskId: j.remoteTaskId ?? `task-${id}`, mayBeCharged: !demo })
      return { kind: 'recoverable', error }
    }
    Object.assign(j, { status: 'FAILED', mayBeCharged: false })
    return { kind: 'failed', error }
  }
  const price = demo ? 0 : estimate
  drive(j, [
    () => ({ kind: 'queued' }),
    () => {
      Object.assign(j, { status: 'SUBMITTED', remoteTaskId: hasTask ? `task-${id}` : null, submittedAt: now + 40, queueMs: 40, attempts: 1, mayBeCharged: !demo })
      return { kind: 'submitted', taskId: j.remoteTaskId }
    },
    () => { j.status = 'PROCESSING'; return { kind: 'generating', elapsedMs: step * 2, polls: 1 } },
    () => (failKind ? fail() : { kind: 'generating', elapsedMs: step * 3, polls: 2 }),
    ...finishStages(s, j, step, price),
  ], step, emit)
  return [{ ...j }]
}

/** Recovers a job in place, like the core's `retry`: polls its task again and downloads; never resubmits. */
export function recoverJob(s: MockState, id: string, emit: Emit, stepMs = 120): JobRecord {
  const j = s.jobs.find((x) => x.id === id)
  if (!j) refuse('not_found', `job ${id} not found`)
  if (j.status === 'COMPLETED') refuse('invalid_input', `job ${id} has already completed; run it again to make a new image`)
  if (!['RECOVERABLE', 'FAILED', 'CANCELLED'].includes(j.status)) refuse('invalid_input', `job ${id} is still ${j.status}: wait for it or cancel it first`)
  if (!j.remoteTaskId) {
    refuse('invalid_input', `job ${id} has no task at the service, so there is nothing to recover; run it again instead, which is paid again`)
  }
  Object.assign(j, { status: 'SUBMITTED', errorKind: null, errorMessage: null, completedAt: null })
  const price = j.cost && j.cost > 0 ? j.cost : j.estimatedCost ?? 0
  drive(j, [
    () => { j.status = 'PROCESSING'; return { kind: 'generating', elapsedMs: stepMs, polls: 1 } },
    ...finishStages(s, j, stepMs, price),
  ], stepMs, emit)
  return { ...j }
}

/** Runs a job's request again as a new job linked to it (paid again; the page asked first). */
export function rerunJob(s: MockState, id: string, opts: GenerateOptions, emit: Emit): JobRecord[] {
  const old = s.jobs.find((x) => x.id === id)
  if (!old) refuse('not_found', `job ${id} not found`)
  return startGeneration(s, {
    prompt: old.prompt, model: old.model, size: old.imageSize, aspectRatio: old.aspectRatio,
    count: old.numImages, watermark: old.watermark, imageUrls: old.inputImageUrls, inputImages: old.inputImageIds,
  }, { ...opts, provider: opts.provider ?? old.provider, parentJobId: old.id, parentImageId: old.parentImageId }, emit)
}

/** An input image kept from a file's bytes (the picker's or a dropped one), like the core's `import_input_bytes`. */
export function addInput(s: MockState, bytes: Uint8Array): ImageRecord {
  const png = bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50
  const jpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8
  if (!png && !jpeg) refuse('invalid_image', 'that file is not an image Nanoforge can read (PNG, JPEG, WebP)')
  const n = s.nextId++
  const record: ImageRecord = {
    id: `input-${s.prefix}${pad(n)}`, kind: 'input', jobId: null, position: 0, sha256: `${pad(n)}${'cd'.repeat(30)}`,
    path: `inputs/${pad(n)}.png`, mime: png ? 'image/png' : 'image/jpeg', width: 1024, height: 1024, bytes: bytes.length,
    thumbPath: `thumbs/256/${pad(n)}.webp`, previewPath: `thumbs/512/${pad(n)}.webp`, imageSize: null, favourite: false,
    rating: 0, deletedAt: null, createdAt: MOCK_NOW + n * 1000, flag: null, prompt: null, model: null, jobStatus: null,
  }
  s.inputs.push(record)
  return record
}

/** The native picker's answer: two photos (PNG bytes stand in for them). */
export function pickInputs(s: MockState): ImageRecord[] {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])
  return [addInput(s, png), addInput(s, png)]
}

/**
 * What a sync pulls from the other devices: the jobs they were running finished there, and their images
 * arrive. Returns the ids it changed, for the library's change feed.
 */
export function finishElsewhere(s: MockState): { jobs: string[]; images: string[] } {
  const changed = { jobs: [] as string[], images: [] as string[] }
  for (const j of s.jobs) {
    if (j.originDevice == null || j.status !== 'PROCESSING') continue
    const done = (j.createdAt ?? MOCK_NOW) + 40_000
    Object.assign(j, { status: 'COMPLETED', cost: j.estimatedCost, durationMs: 40_000, completedAt: done, updatedAt: done })
    const img = image(j, 0, s.nextId++, s.prefix)
    img.id = `img-${j.id.replace(/^job-/, '')}`
    s.images.push(img)
    j.imageId = img.id
    changed.jobs.push(j.id)
    changed.images.push(img.id)
  }
  return changed
}
