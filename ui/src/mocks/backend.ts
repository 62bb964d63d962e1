// An in-memory stand-in for the core, used only by the browser-test build (VITE_MOCK_IPC=1): a small
// library of jobs and images, stats and the month's spend computed from it, the preferences the core keeps
// (and refuses like it does), and the catalog (a static copy, ./catalog.ts). Generations live in
// ./generation.ts. Deterministic: no randomness, a fixed clock origin.
import type {
  ApiKeyStatus, BudgetStatus, DayStats, ImageQuery, ImageRecord, ImageSize, JobEvent, JobFamily, JobQuery, JobRecord,
  LibraryStats, Model, Preferences, ProviderKind, RecalledSettings, SecretPurpose, SizeStats, StatsTotals,
} from '@/api'
import { BUDGET_WARN_SHARE } from '@/api/rules'
import { MOCK_MODELS, mockModel, mockPricePerImage } from './catalog'
import { noSync, type MockSync } from './sync'
import type { MockOrganise } from './organise'

/** A job event before the IPC layer stamps it with the profile whose library holds the job. */
export type MockJobEvent = Omit<JobEvent, 'profileId'>

export const DAY = 86_400_000
/** "Now" of the mock library: fixed so screenshots do not change from run to run. */
export const MOCK_NOW = Date.UTC(2026, 10, 25, 12, 0, 0)
/** The month `MOCK_NOW` is in (UTC), as the core names it. */
export const MOCK_MONTH = '2026-11'
const MONTH_START = Date.UTC(2026, 10, 1)
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

/** One profile's library: its jobs, images, preferences, keys and balance. */
export interface MockState {
  jobs: JobRecord[]
  images: ImageRecord[]
  preferences: Preferences
  /** The Nano Banana key (it decides the provider). */
  key: ApiKeyStatus
  /** The other purposes' keys. */
  keys: Partial<Record<Exclude<SecretPurpose, 'nanoBananaKey'>, ApiKeyStatus>>
  /** The service's credit balance with a key (0: generating is refused before anything is sent). */
  balance: number
  /** Input images (local files given for image-to-image): served by id, never listed in the gallery. */
  inputs: ImageRecord[]
  /** Where this library syncs, and what sync knows of the other devices. */
  sync: MockSync
  nextId: number
  /** Starts every id of this library (empty for the local one). */
  prefix: string
  /** The next native save dialog is cancelled (e.g. "Possibly charged (CSV)"). */
  saveCancelled?: boolean
  /** Image ids the viewer started dragging out of the window. */
  draggedOut?: string[]
  /** Albums and tags (./organise.ts), made on first use. */
  organise?: MockOrganise
}

export function noKey(purpose: SecretPurpose = 'nanoBananaKey'): ApiKeyStatus {
  return { purpose, configured: false, masked: null, source: null, provider: 'demo', keychainError: null }
}

/** The key a provider runs on, as set in this library (the demo needs none). */
export function keyFor(s: MockState, provider: ProviderKind): ApiKeyStatus | null {
  if (provider === 'nanobanana') return s.key
  if (provider === 'gemini') return s.keys.geminiKey ?? null
  return null
}

/** Like the core's `available_providers`: those with a key, then the demo, in its order of preference. */
export function availableProviders(s: MockState): ProviderKind[] {
  return (['nanobanana', 'gemini', 'demo'] as ProviderKind[]).filter((p) => p === 'demo' || keyFor(s, p)?.configured)
}

export function pad(n: number) { return String(n).padStart(4, '0') }

export function defaultPreferences(): Preferences {
  return {
    defaultModel: 'nano-banana-2', defaultSize: '1K', defaultAspectRatio: '1:1', defaultCount: 1,
    priceOverrides: [], monthlyBudgetUsd: null, creditsPerImage: null, recoveryWindowDays: 14,
    concurrency: 4, notifyWhenDone: true,
  }
}

export const modelInfo = mockModel
/** About how many pixels a size's long side has (the mock's stand-in files are that big). */
export const pixelsOf = (size: ImageSize) => (size === '512' ? 512 : Number(size[0]) * 1024)

/** USD per image with the profile's own prices, like the core's `Prices::per_image`. */
export function priceOf(s: MockState, model: Model, size: ImageSize): number {
  return mockPricePerImage(s.preferences.priceOverrides, model, size)
}

export function job(i: number, over: Partial<JobRecord>, prefix = ''): JobRecord {
  const created = MOCK_NOW - Math.floor(i * 0.9 * DAY) - i * 3_600_000
  return {
    id: `job-${prefix}${pad(i)}`, imageId: null, imageSha256: null, prompt: PROMPTS[i % PROMPTS.length], taskType: 'TEXT_TO_IMAGE',
    provider: 'nanobanana', model: 'nano-banana-2', imageSize: '1K', aspectRatio: '1:1', numImages: 1, watermark: null,
    inputImageUrls: [], inputImageIds: [], seed: null, remoteTaskId: `task-${pad(i)}`, cost: 0.067, estimatedCost: 0.067,
    mayBeCharged: true, durationMs: 20_000 + (i % 7) * 9_000, queueMs: 40, submittedAt: created + 40, status: 'COMPLETED',
    errorKind: null, errorMessage: null, attempts: 1, timeoutSecs: null, parentJobId: null, parentImageId: null,
    createdAt: created, updatedAt: created, completedAt: created + 30_000, originDevice: null, chargedCredits: null, purpose: null, batchId: null, ...over,
  }
}

export function image(j: JobRecord, position: number, n: number, prefix = ''): ImageRecord {
  const sha = `${pad(n)}${'ab12cd34'.repeat(8)}`.slice(0, 64)
  return {
    id: `img-${prefix}${pad(n)}`, kind: 'generated', jobId: j.id, position, sha256: sha, path: `images/${sha.slice(0, 2)}/${sha}.png`, mime: 'image/png',
    width: pixelsOf(j.imageSize), height: pixelsOf(j.imageSize), bytes: 900_000 + n * 1000, thumbPath: `thumbs/256/${sha}.webp`,
    previewPath: `thumbs/512/${sha}.webp`, imageSize: j.imageSize, favourite: n % 5 === 0, rating: n % 6,
    deletedAt: null, createdAt: (j.completedAt ?? j.createdAt ?? MOCK_NOW) + position, flag: null, prompt: j.prompt, model: j.model,
    jobStatus: j.status,
  }
}

/** How the seeded jobs ended, by index: the outcome model's cases, each once. */
function outcome(i: number, j: JobRecord): JobRecord {
  const unpaid = { cost: 0, completedAt: j.createdAt }
  switch (i) {
    // The balance showed what it took: a paid result to recover.
    case 3: return { ...j, ...unpaid, status: 'RECOVERABLE', errorKind: 'timeout', chargedCredits: 18 * j.numImages,
      errorMessage: 'Still generating after 3 min; the task is kept at the service and can be recovered.' }
    case 7: return { ...j, ...unpaid, status: 'FAILED', errorKind: 'generation_failed', mayBeCharged: false,
      errorMessage: 'The service could not generate this image: content policy violation' }
    case 11: return { ...j, ...unpaid, status: 'FAILED', errorKind: 'interrupted', remoteTaskId: null,
      errorMessage: 'Nanoforge stopped while this request was being sent; whether the service received it is unknown.' }
    // The result URLs were known, so the cost is confirmed; only the download is missing.
    case 19: return { ...j, completedAt: j.createdAt, status: 'RECOVERABLE', errorKind: 'download',
      errorMessage: 'The result could not be downloaded (connection reset); the service still has it.' }
    case 23: return { ...j, ...unpaid, status: 'CANCELLED', errorKind: 'cancelled',
      errorMessage: 'Cancelled here; the service may still finish the task and charge for it.' }
    case 29: return { ...j, ...unpaid, status: 'CANCELLED', errorKind: 'cancelled', remoteTaskId: null, mayBeCharged: false,
      submittedAt: null, errorMessage: 'Cancelled before it was sent; nothing was charged.' }
    // The newest job: the balance before and after it said what it took.
    case 1: return { ...j, chargedCredits: 18 * j.numImages }
    default: return j
  }
}

/**
 * 36 jobs over the last month (or `jobCount`): mostly completed at 1K–4K on Nano Banana 2 and Pro (the
 * newest with the credits it took), and once each: a recoverable timeout (credits taken too) and download, a refused generation, an interrupted submit (possibly
 * charged, no task), a task cancelled after the submit and one before it. Job 2 is a run-again of job 14
 * and job 4 a remix of job 10's image. `prefix` keeps another profile's ids apart (`img-ada-0001`).
 */
export function seedState(jobCount = 36, prefix = ''): MockState {
  const sizes: ImageSize[] = ['1K', '1K', '2K', '1K', '4K', '1K']
  const jobs: JobRecord[] = []
  const images: ImageRecord[] = []
  const state: MockState = {
    jobs, images, preferences: defaultPreferences(), key: noKey(), keys: {}, balance: 42.5, nextId: 1000, prefix, inputs: [], sync: noSync(),
  }
  let n = 1
  for (let i = 1; i <= jobCount; i++) {
    const size = sizes[i % sizes.length]
    const model: Model = i % 5 === 0 ? 'nano-banana-pro' : 'nano-banana-2'
    const count = i % 4 === 0 ? 2 : 1
    const price = priceOf(state, model, size) * count
    let j = job(i, {
      model, imageSize: size, numImages: count, cost: price, estimatedCost: price,
      prompt: PROMPTS[(i + prefix.length) % PROMPTS.length],
    }, prefix)
    j = outcome(i, j)
    jobs.push(j)
    if (j.status === 'COMPLETED') {
      for (let p = 0; p < count; p++) images.push(image(j, p, n++, prefix))
      j.imageId = images[images.length - count].id
    }
  }
  const find = (i: number) => jobs.find((x) => x.id === `job-${prefix}${pad(i)}`)
  const rerun = find(2)
  const remix = find(4)
  const original = find(14)
  if (rerun && original) {
    Object.assign(rerun, { parentJobId: original.id, prompt: original.prompt })
    for (const img of images) if (img.jobId === rerun.id) img.prompt = original.prompt
  }
  const parentImage = find(10)?.imageId
  if (remix && parentImage) remix.parentImageId = parentImage
  return state
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

/** The core's `possiblyCharged`: flagged, no confirmed cost. */
export const possiblyCharged = (j: JobRecord) => j.mayBeCharged && !(j.cost && j.cost > 0)
const RUNNING = new Set<JobRecord['status']>(['PENDING', 'SUBMITTED', 'PROCESSING', 'DOWNLOADING'])

export function listJobs(s: MockState, q: JobQuery) {
  const words = (q.search ?? '').toLowerCase().split(/\s+/).filter(Boolean)
  const rows = s.jobs.filter((j) => (q.status == null || j.status === q.status)
    && (!q.possiblyCharged || possiblyCharged(j))
    && words.every((w) => j.prompt.toLowerCase().includes(w))
    && (q.from == null || (j.createdAt ?? 0) >= q.from) && (q.to == null || (j.createdAt ?? 0) < q.to))
  return page(rows, q.cursor, q.limit)
}

/** The job a job came from (run again, or the job of the image it started from) and the jobs made from it. */
export function jobFamily(s: MockState, id: string): JobFamily {
  const j = s.jobs.find((x) => x.id === id)
  if (!j) throw { kind: 'not_found', message: `job ${id} not found` }
  const parentId = j.parentJobId ?? s.images.find((i) => i.id === j.parentImageId)?.jobId ?? null
  const mine = new Set(s.images.filter((i) => i.jobId === id).map((i) => i.id))
  const children = s.jobs.filter((x) => x.parentJobId === id || (x.parentImageId != null && mine.has(x.parentImageId)))
    .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0))
  return { parent: s.jobs.find((x) => x.id === parentId) ?? null, children }
}

function totals(jobs: JobRecord[], imgs: ImageRecord[]): StatsTotals {
  const done = jobs.filter((j) => j.status === 'COMPLETED')
  const failed = jobs.filter((j) => j.status === 'FAILED')
  const finished = done.length + failed.length
  return {
    images: imgs.length, imageBytes: imgs.reduce((a, i) => a + (i.bytes ?? 0), 0), jobs: jobs.length,
    completedJobs: done.length, failedJobs: failed.length, totalCost: jobs.reduce((a, j) => a + (j.cost ?? 0), 0),
    possibleCost: jobs.filter(possiblyCharged).reduce((a, j) => a + (j.estimatedCost ?? 0), 0),
    recoverableJobs: jobs.filter((j) => j.status === 'RECOVERABLE').length,
    avgDurationMs: done.length ? done.reduce((a, j) => a + (j.durationMs ?? 0), 0) / done.length : null,
    successRate: finished ? done.length / finished : null,
  }
}

export function stats(s: MockState): LibraryStats {
  const live = s.images.filter((i) => i.deletedAt == null)
  const byDay = new Map<string, DayStats>()
  for (const j of s.jobs) {
    const start = Math.floor((j.createdAt ?? 0) / DAY) * DAY
    const key = new Date(start).toISOString().slice(0, 10)
    const d = byDay.get(key) ?? { day: key, dayStart: start, images: 0, jobs: 0, completedJobs: 0, failedJobs: 0, cost: 0, possibleCost: 0 }
    d.jobs++
    if (j.status === 'COMPLETED') { d.completedJobs++; d.images += j.numImages }
    if (j.status === 'FAILED') d.failedJobs++
    d.cost = (d.cost ?? 0) + (j.cost ?? 0)
    if (possiblyCharged(j)) d.possibleCost = (d.possibleCost ?? 0) + (j.estimatedCost ?? 0)
    byDay.set(key, d)
  }
  const bySize = new Map<ImageSize, SizeStats>()
  for (const j of s.jobs) {
    const z = bySize.get(j.imageSize) ?? { imageSize: j.imageSize, images: 0, jobs: 0, cost: 0 }
    z.jobs++
    if (j.status === 'COMPLETED') z.images += j.numImages
    z.cost = (z.cost ?? 0) + (j.cost ?? 0)
    bySize.set(j.imageSize, z)
  }
  return {
    totals: totals(s.jobs, live),
    thisMonth: totals(s.jobs.filter((j) => (j.createdAt ?? 0) >= MONTH_START), live.filter((i) => (i.createdAt ?? 0) >= MONTH_START)),
    perDay: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)),
    perSize: [...bySize.values()].sort((a, b) => pixelsOf(a.imageSize) - pixelsOf(b.imageSize)),
    activeJobs: s.jobs.filter((j) => RUNNING.has(j.status)).length,
    trashedImages: s.images.filter((i) => i.deletedAt != null).length,
  }
}

/** This month's spend against the budget, like the core's `budget_status` (warning at 80 %). */
export function budgetStatus(s: MockState): BudgetStatus {
  const month = s.jobs.filter((j) => (j.createdAt ?? 0) >= MONTH_START)
  const spentConfirmed = month.reduce((a, j) => a + (j.cost ?? 0), 0)
  const spentPossible = month.filter(possiblyCharged).reduce((a, j) => a + (j.estimatedCost ?? 0), 0)
  const limit = s.preferences.monthlyBudgetUsd
  const spent = spentConfirmed + spentPossible
  const level = limit == null ? 'off' : spent >= limit ? 'over' : spent >= limit * BUDGET_WARN_SHARE ? 'warning' : 'ok'
  return { limitUsd: limit, month: MOCK_MONTH, spentConfirmed, spentPossible, level }
}

/** Preferences the core would refuse, with its messages; null when they are fine. */
export function preferencesProblem(next: Preferences): string | null {
  const info = MOCK_MODELS.find((m) => m.model === next.defaultModel)
  if (!info || info.provider === 'demo') return 'the default model must be a real model; the demo is used only without an API key'
  if (!info.sizes.some((x) => x.size === next.defaultSize)) return `${info.label} does not offer the default size ${next.defaultSize}`
  if (!(Number.isInteger(next.defaultCount) && next.defaultCount >= 1 && next.defaultCount <= 4)) return 'images per generation must be between 1 and 4'
  if (!(Number.isInteger(next.concurrency) && next.concurrency >= 1 && next.concurrency <= 8)) return 'concurrency must be between 1 and 8'
  for (const o of next.priceOverrides) {
    const m = MOCK_MODELS.find((x) => x.model === o.model)
    if (o.usd == null || !(o.usd >= 0 && o.usd <= 100)) return `the ${m?.label ?? o.model} ${o.size} price must be between $0 and $100 per image`
    if (!m?.sizes.some((x) => x.size === o.size)) return `${m?.label ?? o.model} has no ${o.size} size to price`
  }
  const budget = next.monthlyBudgetUsd
  if (budget != null && !(budget >= 0 && budget <= 100_000)) return 'the monthly budget must be between $0 and $100,000'
  if (next.creditsPerImage != null && !(next.creditsPerImage > 0)) return 'credits per image must be a positive number'
  if (!(Number.isInteger(next.recoveryWindowDays) && next.recoveryWindowDays >= 1 && next.recoveryWindowDays <= 60)) {
    return 'the recovery window must be between 1 and 60 days'
  }
  return null
}

export const MOCK_METADATA: RecalledSettings = {
  source: 'automatic1111', prompt: 'a castle in the clouds, matte painting', negativePrompt: 'blurry', model: 'sdxl_base',
  provider: null, seed: '1234567890123', width: 1024, height: 768, steps: 30, cfgScale: 7, sampler: 'DPM++ 2M',
  aspectRatio: null, taskId: null, cost: null, createdAt: null,
}
