// Pure helpers of the Gallery: dates from <input type="date">, grid geometry, keyset ordering and
// turning embedded generation settings into a Generator draft.
import type { AspectRatio, ImageRecord, Model, RecalledSettings, SizePreset } from '@/api'
import { COMMON_RATIOS, MODELS, SIZE_PRESETS } from '@/lib/generation'

/** `YYYY-MM-DD` (what a date input holds) → Unix ms of that local midnight; null when empty or invalid. */
export function dayStart(date: string | null | undefined): number | null {
  if (!date) return null
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m) return null
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime()
}

/** The exclusive end of a day picked as "to": the next local midnight, so the chosen day is included. */
export function dayEnd(date: string | null | undefined): number | null {
  const start = dayStart(date)
  if (start == null) return null
  const d = new Date(start)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime()
}

/** Grid gap in px (also used between rows by the virtualiser). */
export const GRID_GAP = 8

/**
 * How many square tiles fit a row: ~180 px tiles on desktop, smaller ones on phones so a 390 px
 * window still shows three columns.
 */
export function columnsFor(width: number): number {
  if (width <= 0) return 1
  const target = width < 560 ? 104 : 180
  return Math.max(2, Math.floor((width + GRID_GAP) / (target + GRID_GAP)))
}

/** Keyset order of the core's lists: newest first, ties by id descending. */
export function compareKeyset(a: Pick<ImageRecord, 'createdAt' | 'id'>, b: Pick<ImageRecord, 'createdAt' | 'id'>): number {
  const ca = a.createdAt ?? 0
  const cb = b.createdAt ?? 0
  if (ca !== cb) return cb - ca
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 12) : '—'
}

/** The preset whose long side is nearest to `longSide` pixels. */
export function nearestPreset(longSide: number): SizePreset {
  let best = SIZE_PRESETS[0]
  for (const p of SIZE_PRESETS) {
    if (Math.abs(p.pixels - longSide) < Math.abs(best.pixels - longSide)) best = p
  }
  return best.value
}

/** A ratio every model supports that matches `w:h` within 1 %, or undefined. */
export function matchingRatio(width: number, height: number): AspectRatio | undefined {
  if (width <= 0 || height <= 0) return undefined
  const r = width / height
  return COMMON_RATIOS.find((ratio) => {
    const [a, b] = ratio.split(':').map(Number)
    return Math.abs(a / b - r) / r < 0.01
  })
}

export function isSupportedRatio(ratio: string | null | undefined): ratio is AspectRatio {
  return !!ratio && (COMMON_RATIOS as string[]).includes(ratio)
}

export function isGeneratorModel(model: string | null | undefined): model is Exclude<Model, 'demo'> {
  return MODELS.some((m) => m.value === model)
}

/** The Generator fields that embedded settings can fill (what we cannot use is left out). */
export function draftFromMetadata(meta: RecalledSettings): {
  prompt: string; size?: SizePreset; aspectRatio?: AspectRatio; model?: Exclude<Model, 'demo'>
} {
  const fields: ReturnType<typeof draftFromMetadata> = { prompt: meta.prompt ?? '' }
  if (meta.width && meta.height) fields.size = nearestPreset(Math.max(meta.width, meta.height))
  if (isSupportedRatio(meta.aspectRatio)) fields.aspectRatio = meta.aspectRatio
  else if (meta.width && meta.height) {
    const ratio = matchingRatio(meta.width, meta.height)
    if (ratio) fields.aspectRatio = ratio
  }
  if (isGeneratorModel(meta.model)) fields.model = meta.model
  return fields
}

/** True for files a person would call an image (by MIME type, or by extension when the type is unknown). */
export function isImageFile(file: File): boolean {
  if (file.type) return file.type.startsWith('image/')
  return /\.(png|jpe?g|webp|gif|avif|bmp|tiff?)$/i.test(file.name)
}

/** What reading a dropped file gave. */
export type DropResult =
  | { state: 'reading'; name: string }
  | { state: 'found'; name: string; meta: RecalledSettings }
  | { state: 'none'; name: string }
  | { state: 'not-image'; name: string }
  | { state: 'failed'; name: string; message: string }
