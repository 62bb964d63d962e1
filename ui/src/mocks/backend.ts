// An in-memory stand-in for the core, used only by the browser-test build (VITE_MOCK_IPC=1):
// a small library of jobs and images, stats computed from it, and generations that emit the same
// progress events as the real queue. Deterministic: no randomness, a fixed clock origin.
import type {
  ApiKeyStatus, ImageQuery, ImageRecord, JobEvent, JobQuery, JobRecord, JobStage, LibraryStats, RecalledSettings,
  SecretPurpose, Settings, SizePreset, GenerationRequest, GenerateOptions, DayStats, SizeStats,
} from '@/api'

/** A job event before the IPC layer stamps it with the profile whose library holds the job. */
export type MockJobEvent = Omit<JobEvent, 'profileId'>

const DAY = 86_400_000
/** "Now" of the mock library: fixed so screenshots do not change from run to run. */
export const MOCK_NOW = Date.UTC(2026, 10, 25, 12, 0, 0)
const PIXELS: Record<SizePreset, number> = { fast: 512, balanced: 768, quality: 1024, ultra: 1536 }
const PROMPTS = [
  'A lighthouse on a basalt cliff at dusk, volumetric fog, cinematic',
  'Isometric cozy coffee shop interior, warm light, plants everywhere',
  'Portrait of an old fisherman, weathered face, Rembrandt lighting',
  'Neon-lit Tokyo alley in the rain, reflections, 35mm film',
  'Watercolor map of an imaginary archipelago with tiny towns',
  'Macro photo of a dew drop on a fern leaf, bokeh',
  'Retro-futuristic banana-shaped spaceship over a desert',
  'Minimalist poster of a mountain range at sunrise, flat colors',
  'A red fox curled up in fresh snow, soft morning light',
  'Steampunk owl made of brass gears, studio photo',
  'Aerial view of terraced rice fields, golden hour',
  'Children’s book illustration of a dragon baking bread',
]

/** One profile's library: its jobs, images, settings and keys. */
export interface MockState {
  jobs: JobRecord[]
  images: ImageRecord[]
  settings: Settings
  /** The Nano Banana key (it decides the provider). */
  key: ApiKeyStatus
  /** The other purposes' keys. */
  keys: Partial<Record<Exclude<SecretPurpose, 'nanoBananaKey'>, ApiKeyStatus>>
  nextId: number
  /** Starts every id of this library (empty for the local one). */
  prefix: string
}

export function noKey(purpose: SecretPurpose = 'nanoBananaKey'): ApiKeyStatus {
  return { purpose, configured: false, masked: null, source: null, provider: 'demo', keychainError: null }
}

function pad(n: number) { return String(n).padStart(4, '0') }

export function defaultSettings(): Settings {
  return {
    defaultModel: 'nano-banana',
    defaultSize: 'quality',
    defaultAspectRatio: '1:1',
    defaultCount: 1,
    prices: { fast: 0.005, balanced: 0.01, quality: 0.0125, ultra: 0.045 },
    concurrency: 4,
    notifyWhenDone: true,
  }
}

function job(i: number, over: Partial<JobRecord>, prefix = ''): JobRecord {
  const created = MOCK_NOW - Math.floor(i * 0.9 * DAY) - i * 3_600_000
  return {
    id: `job-${prefix}${pad(i)}`, imageId: null, prompt: PROMPTS[i % PROMPTS.length], taskType: 'TEXT_TO_IMAGE',
    provider: 'nanobanana', model: 'nano-banana', imageSize: 1024, aspectRatio: '1:1', numImages: 1, watermark: null,
    inputImageUrls: [], seed: null, remoteTaskId: `task-${pad(i)}`, responseData: null, cost: 0.0125,
    durationMs: 20_000 + (i % 7) * 9_000, status: 'COMPLETED', errorKind: null, errorMessage: null, attempts: 1,
    timeoutSecs: null, parentJobId: null, parentImageId: null, createdAt: created, updatedAt: created,
    completedAt: created + 30_000, ...over,
  }
}

function image(j: JobRecord, position: number, n: number, prefix = ''): ImageRecord {
  const sha = `${pad(n)}${'ab12cd34'.repeat(8)}`.slice(0, 64)
  return {
    id: `img-${prefix}${pad(n)}`, jobId: j.id, position, sha256: sha, path: `images/${sha.slice(0, 2)}/${sha}.png`, mime: 'image/png',
    width: j.imageSize, height: j.imageSize, bytes: 900_000 + n * 1000, thumbPath: `thumbs/256/${sha}.webp`,
    previewPath: `thumbs/512/${sha}.webp`, imageSize: j.imageSize, favourite: n % 5 === 0, rating: n % 6,
    deletedAt: null, createdAt: (j.completedAt ?? j.createdAt ?? MOCK_NOW) + position, prompt: j.prompt, model: j.model,
    jobStatus: j.status,
  }
}

/**
 * 36 jobs over the last month (or `jobCount`): mostly completed, two failed, one cancelled, sizes mixed.
 * `prefix` keeps another profile's ids apart from the local library's (`img-0001` vs `img-ada-0001`).
 */
export function seedState(jobCount = 36, prefix = ''): MockState {
  const sizes: SizePreset[] = ['quality', 'fast', 'balanced', 'quality', 'ultra', 'quality']
  const jobs: JobRecord[] = []
  const images: ImageRecord[] = []
  let n = 1
  for (let i = 1; i <= jobCount; i++) {
    const size = sizes[i % sizes.length]
    const count = i % 4 === 0 ? 2 : 1
    let j = job(i, { imageSize: PIXELS[size], numImages: count, cost: (defaultSettings().prices[size] ?? 0) * count, prompt: PROMPTS[(i + prefix.length) % PROMPTS.length] }, prefix)
    if (i === 7) j = { ...j, status: 'FAILED', errorKind: 'generation_failed', errorMessage: 'The service could not generate this image: content policy violation', cost: 0, completedAt: j.createdAt }
    if (i === 19) j = { ...j, status: 'FAILED', errorKind: 'timeout', errorMessage: 'The generation took longer than 3 min and was stopped', cost: 0 }
    if (i === 23) j = { ...j, status: 'CANCELLED', errorKind: 'cancelled', errorMessage: 'Cancelled before it was sent; nothing was charged.', cost: 0 }
    jobs.push(j)
    if (j.status === 'COMPLETED') {
      for (let p = 0; p < count; p++) images.push(image(j, p, n++, prefix))
    }
  }
  return { jobs, images, settings: defaultSettings(), key: noKey(), keys: {}, nextId: 1000, prefix }
}

/** A library with nothing in it yet (a first sign-in on this device, or `?empty`). */
export function emptyState(prefix = ''): MockState {
  return seedState(0, prefix)
}

export function matchesImage(img: ImageRecord, q: ImageQuery): boolean {
  const view = q.view ?? 'live'
  if (view === 'live' && img.deletedAt != null) return false
  if (view === 'trash' && img.deletedAt == null) return false
  if (q.favouriteOnly && !img.favourite) return false
  if (q.imageSize != null && img.imageSize !== q.imageSize) return false
  if (q.status != null && img.jobStatus !== q.status) return false
  if (q.from != null && (img.createdAt ?? 0) < q.from) return false
  if (q.to != null && (img.createdAt ?? 0) >= q.to) return false
  if (q.search) {
    const words = q.search.toLowerCase().split(/\s+/).filter(Boolean)
    const text = (img.prompt ?? '').toLowerCase()
    if (!words.every((w) => text.includes(w))) return false
  }
  return true
}

/** Keyset paging over (createdAt DESC, id DESC), like the core. */
export function page<T extends { createdAt: number | null; id: string }>(rows: T[], cursor: { createdAt: number | null; id: string } | null | undefined, limit: number | null | undefined) {
  const sorted = [...rows].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0) || (a.id < b.id ? 1 : -1))
  const after = cursor ? sorted.filter((r) => (r.createdAt ?? 0) < (cursor.createdAt ?? 0) || ((r.createdAt ?? 0) === (cursor.createdAt ?? 0) && r.id < cursor.id)) : sorted
  const n = Math.min(Math.max(limit ?? 100, 1), 500)
  const items = after.slice(0, n)
  const last = items[items.length - 1]
  return { items, nextCursor: after.length > n && last ? { createdAt: last.createdAt, id: last.id } : null }
}

export function listJobs(s: MockState, q: JobQuery) {
  const words = (q.search ?? '').toLowerCase().split(/\s+/).filter(Boolean)
  const rows = s.jobs.filter((j) => (q.status == null || j.status === q.status)
    && words.every((w) => j.prompt.toLowerCase().includes(w))
    && (q.from == null || (j.createdAt ?? 0) >= q.from) && (q.to == null || (j.createdAt ?? 0) < q.to))
  return page(rows, q.cursor, q.limit)
}

export function stats(s: MockState): LibraryStats {
  const live = s.images.filter((i) => i.deletedAt == null)
  const totals = (jobs: JobRecord[], imgs: ImageRecord[]) => {
    const done = jobs.filter((j) => j.status === 'COMPLETED')
    const failed = jobs.filter((j) => j.status === 'FAILED')
    const finished = done.length + failed.length
    return {
      images: imgs.length, imageBytes: imgs.reduce((a, i) => a + (i.bytes ?? 0), 0), jobs: jobs.length,
      completedJobs: done.length, failedJobs: failed.length, totalCost: jobs.reduce((a, j) => a + (j.cost ?? 0), 0),
      avgDurationMs: done.length ? done.reduce((a, j) => a + (j.durationMs ?? 0), 0) / done.length : null,
      successRate: finished ? done.length / finished : null,
    }
  }
  const monthStart = Date.UTC(2026, 10, 1)
  const byDay = new Map<string, DayStats>()
  for (const j of s.jobs) {
    const start = Math.floor((j.createdAt ?? 0) / DAY) * DAY
    const key = new Date(start).toISOString().slice(0, 10)
    const d = byDay.get(key) ?? { day: key, dayStart: start, images: 0, jobs: 0, completedJobs: 0, failedJobs: 0, cost: 0 }
    d.jobs++
    if (j.status === 'COMPLETED') { d.completedJobs++; d.images += j.numImages }
    if (j.status === 'FAILED') d.failedJobs++
    d.cost = (d.cost ?? 0) + (j.cost ?? 0)
    byDay.set(key, d)
  }
  const bySize = new Map<number, SizeStats>()
  for (const j of s.jobs) {
    const z = bySize.get(j.imageSize) ?? { imageSize: j.imageSize, images: 0, jobs: 0, cost: 0 }
    z.jobs++
    if (j.status === 'COMPLETED') z.images += j.numImages
    z.cost = (z.cost ?? 0) + (j.cost ?? 0)
    bySize.set(j.imageSize, z)
  }
  return {
    totals: totals(s.jobs, live),
    thisMonth: totals(s.jobs.filter((j) => (j.createdAt ?? 0) >= monthStart), live.filter((i) => (i.createdAt ?? 0) >= monthStart)),
    perDay: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)),
    perSize: [...bySize.values()].sort((a, b) => a.imageSize - b.imageSize),
    activeJobs: s.jobs.filter((j) => !['COMPLETED', 'FAILED', 'CANCELLED'].includes(j.status)).length,
    trashedImages: s.images.filter((i) => i.deletedAt != null).length,
  }
}

export const MOCK_METADATA: RecalledSettings = {
  source: 'automatic1111', prompt: 'a castle in the clouds, matte painting', negativePrompt: 'blurry', model: 'sdxl_base',
  provider: null, seed: '1234567890123', width: 1024, height: 768, steps: 30, cfgScale: 7, sampler: 'DPM++ 2M',
  aspectRatio: null, taskId: null, cost: null, createdAt: null,
}

/**
 * Starts a mock generation: one job, events every `stepMs`. A prompt starting with `@fail:KIND`
 * fails with that error kind (e.g. `@fail:api_key_rejected`); `@slow` takes ten times longer.
 */
export function startGeneration(s: MockState, req: GenerationRequest, opts: GenerateOptions,
  emit: (e: MockJobEvent) => void, stepMs = 120): JobRecord[] {
  const size = (req.size ?? s.settings.defaultSize) as SizePreset
  const count = req.count ?? 1
  const provider = opts.provider ?? s.key.provider
  const id = `job-${s.prefix}${pad(s.nextId++)}`
  const now = MOCK_NOW + s.nextId * 1000
  const j: JobRecord = job(0, {
    id, prompt: req.prompt, provider, model: provider === 'demo' ? 'demo' : (req.model ?? 'nano-banana'), imageSize: PIXELS[size],
    aspectRatio: req.aspectRatio ?? '1:1', numImages: count, watermark: req.watermark ?? null, status: 'PENDING',
    cost: null, durationMs: null, remoteTaskId: null, createdAt: now, updatedAt: now, completedAt: null, attempts: 0,
  })
  s.jobs.push(j)
  const step = req.prompt.startsWith('@slow') ? stepMs * 10 : stepMs
  const failKind = /^@fail:(\w+)/.exec(req.prompt)?.[1]
  const stages: (() => JobStage | null)[] = [
    () => ({ kind: 'queued' }),
    () => { j.status = 'SUBMITTED'; j.remoteTaskId = `task-${id}`; return { kind: 'submitted', taskId: j.remoteTaskId } },
    () => { j.status = 'PROCESSING'; return { kind: 'generating', elapsedMs: step * 2, polls: 1 } },
    () => ({ kind: 'generating', elapsedMs: step * 3, polls: 2 }),
    () => {
      if (failKind) {
        j.status = 'FAILED'; j.errorKind = failKind; j.errorMessage = failMessage(failKind); j.cost = 0
        return { kind: 'failed', error: { kind: failKind as never, message: j.errorMessage } }
      }
      j.status = 'DOWNLOADING'; return { kind: 'downloading', image: 0, images: count, receivedBytes: 400_000, totalBytes: 900_000 }
    },
    () => ({ kind: 'ingesting', image: count - 1, images: count }),
    () => {
      const ids: string[] = []
      for (let p = 0; p < count; p++) { const img = image(j, p, s.nextId++, s.prefix); img.createdAt = now + p; s.images.push(img); ids.push(img.id) }
      j.status = 'COMPLETED'; j.cost = provider === 'demo' ? 0 : (s.settings.prices[size] ?? 0) * count; j.durationMs = step * 7; j.completedAt = now + step * 7
      for (const img of s.images) if (img.jobId === j.id) img.jobStatus = 'COMPLETED'
      return { kind: 'done', imageIds: ids, cost: j.cost, durationMs: j.durationMs }
    },
  ]
  let i = 0
  const tick = () => {
    if (j.status === 'CANCELLED' || i >= stages.length) return
    const stage = stages[i++]()
    if (stage) emit({ jobId: id, at: MOCK_NOW, stage })
    if (stage?.kind !== 'failed' && stage?.kind !== 'done') setTimeout(tick, step)
  }
  setTimeout(tick, 0)
  return [{ ...j }]
}

function failMessage(kind: string): string {
  switch (kind) {
    case 'api_key_rejected': return 'The API key was rejected (401). Check it in Settings.'
    case 'out_of_credits': return 'Your Nano Banana account is out of credits (402). Top up, then try again.'
    case 'service_unavailable': return 'Nano Banana is under maintenance (455). Try again later.'
    default: return `Generation failed (${kind})`
  }
}
