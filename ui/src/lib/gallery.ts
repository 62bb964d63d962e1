// Pure helpers of the Gallery: dates from <input type="date">, grid geometry, keyset ordering and
// turning embedded generation settings into a Generator draft.
import type { AspectRatio, Catalog, ImageRecord, ImageSize, ImageSort, Model, ModelInfo, RecalledSettings } from '@/api'
import { findModel, isDemoModel, selectableModels } from '@/lib/catalog'

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

/**
 * The order of a gallery list sorted by `sort`, as the core pages it: newest first (ties by id descending), oldest
 * first (ties by id ascending), or most stars first with newest first among equals.
 */
export function compareIn(
  sort: ImageSort,
  a: Pick<ImageRecord, 'createdAt' | 'id' | 'rating'>,
  b: Pick<ImageRecord, 'createdAt' | 'id' | 'rating'>,
): number {
  if (sort === 'oldest') return -compareKeyset(a, b)
  if (sort === 'rating' && a.rating !== b.rating) return b.rating - a.rating
  return compareKeyset(a, b)
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 12) : '—'
}

/**
 * About how many pixels the long side of a size has, read from its name ("512", "1K" = 1024). Only for
 * files made by other tools, which name their dimensions in pixels; our own rows carry the size itself.
 */
function approxLongSide(size: ImageSize): number {
  const k = /^(\d+)K$/i.exec(size)
  return k ? Number(k[1]) * 1024 : Number(size)
}

/** The size of `info` whose long side is nearest to `longSide` pixels (ties go to the smaller one). */
export function nearestSize(info: ModelInfo, longSide: number): ImageSize {
  let best = info.defaultSize
  for (const { size } of info.sizes) {
    if (Math.abs(approxLongSide(size) - longSide) < Math.abs(approxLongSide(best) - longSide)) best = size
  }
  return best
}

/** A ratio `info` offers that matches `w:h` within 1 %, or undefined. */
export function matchingRatio(info: ModelInfo, width: number, height: number): AspectRatio | undefined {
  if (width <= 0 || height <= 0) return undefined
  const r = width / height
  return info.aspectRatios.find((ratio) => {
    const [a, b] = ratio.split(':').map(Number)
    return b > 0 && Math.abs(a / b - r) / r < 0.01
  })
}

/**
 * The Generator fields that embedded settings can fill, checked against the catalog: the model if it is
 * one of ours (else the form's `fallback`), the nearest size and a ratio that model offers.
 */
export function draftFromMetadata(catalog: Catalog, meta: RecalledSettings, fallback: Model | null): {
  prompt: string; size?: ImageSize; aspectRatio?: AspectRatio; model?: Model
} {
  const fields: ReturnType<typeof draftFromMetadata> = { prompt: meta.prompt ?? '' }
  const own = findModel(catalog, meta.model)
  const ours = own && !isDemoModel(catalog, own) ? own : undefined
  const info = ours ?? findModel(catalog, fallback) ?? selectableModels(catalog)[0]
  if (ours) fields.model = ours.model
  if (!info) return fields
  if (meta.width && meta.height) fields.size = nearestSize(info, Math.max(meta.width, meta.height))
  const named = info.aspectRatios.find((r) => r === meta.aspectRatio)
  const ratio = named ?? (meta.width && meta.height ? matchingRatio(info, meta.width, meta.height) : undefined)
  if (ratio) fields.aspectRatio = ratio
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
