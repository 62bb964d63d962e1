// Date ranges and per-day series for the Analytics view. Days are UTC (the core buckets by UTC day), so
// labels are formatted in UTC too: a local-time label would show the previous day west of Greenwich.
import type { DayStats, ImageSize, SizeStats, StatsQuery } from '@/api'

export const DAY_MS = 86_400_000

export type RangeKey = '7d' | '30d' | '90d' | 'all'

export const RANGES: { key: RangeKey; days: number | null }[] = [
  { key: '7d', days: 7 },
  { key: '30d', days: 30 },
  { key: '90d', days: 90 },
  { key: 'all', days: null },
]

/**
 * The stats query for a range ending today. "All" asks from the epoch; the core caps the series at two
 * years and `fillDays` trims the empty lead-in.
 */
export function rangeQuery(key: RangeKey, now = Date.now()): StatsQuery {
  const days = RANGES.find((r) => r.key === key)?.days ?? null
  if (days == null) return { from: 0, to: now }
  const today = Math.floor(now / DAY_MS)
  return { from: (today - (days - 1)) * DAY_MS, to: now }
}

/** Day number (days since 1970-01-01, UTC) of a `DayStats` row. */
function dayNumber(d: DayStats): number {
  if (d.dayStart != null) return Math.floor(d.dayStart / DAY_MS)
  return Math.floor(Date.parse(`${d.day}T00:00:00Z`) / DAY_MS)
}

function emptyDay(day: number): DayStats {
  return {
    day: new Date(day * DAY_MS).toISOString().slice(0, 10), dayStart: day * DAY_MS,
    images: 0, jobs: 0, completedJobs: 0, failedJobs: 0, cost: 0, possibleCost: 0,
  }
}

function hasActivity(d: DayStats): boolean {
  return d.jobs > 0 || d.images > 0 || (d.cost ?? 0) > 0 || (d.possibleCost ?? 0) > 0
}

/** Fewest days an "all time" chart shows, so a library started today still gets a readable axis. */
const MIN_ALL_DAYS = 7

/**
 * One row per UTC day from `from` to `to` (inclusive), oldest first, zeros where the core sent nothing,
 * so the x axis is continuous. With `from` 0 or null ("all time") the series starts at the first day with
 * activity. Rows outside the window are dropped.
 */
export function fillDays(rows: DayStats[], from: number | null | undefined, to: number): DayStats[] {
  const byDay = new Map<number, DayStats>()
  for (const r of rows) byDay.set(dayNumber(r), r)
  const last = Math.floor(to / DAY_MS)
  let first: number
  if (from) {
    first = Math.floor(from / DAY_MS)
  } else {
    const active = [...byDay.entries()].filter(([, r]) => hasActivity(r)).map(([d]) => d)
    first = Math.min(active.length ? Math.min(...active) : last, last - (MIN_ALL_DAYS - 1))
  }
  const out: DayStats[] = []
  for (let d = first; d <= last; d++) out.push(byDay.get(d) ?? emptyDay(d))
  return out
}

const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })
const dayLabelLong = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' })

/** "Nov 25" for a UTC day. */
export function formatUtcDay(row: DayStats, long = false): string {
  const ms = dayNumber(row) * DAY_MS
  return (long ? dayLabelLong : dayLabel).format(ms)
}

/** What a window of days adds up to (the KPI row of a range). */
export interface RangeSummary {
  images: number
  jobs: number
  completedJobs: number
  failedJobs: number
  /** USD the providers confirmed. */
  cost: number
  /** USD they may have charged without a result (estimates). */
  possibleCost: number
  /** completed / (completed + failed), null before anything finished. */
  successRate: number | null
}

export function summarize(days: DayStats[]): RangeSummary {
  const s = days.reduce(
    (a, d) => ({
      images: a.images + d.images, jobs: a.jobs + d.jobs, completedJobs: a.completedJobs + d.completedJobs,
      failedJobs: a.failedJobs + d.failedJobs, cost: a.cost + (d.cost ?? 0),
      possibleCost: a.possibleCost + (d.possibleCost ?? 0),
    }),
    { images: 0, jobs: 0, completedJobs: 0, failedJobs: 0, cost: 0, possibleCost: 0 },
  )
  const finished = s.completedJobs + s.failedJobs
  return { ...s, successRate: finished ? s.completedJobs / finished : null }
}

/** Size rows with images, in the order of `sizes` (the catalog's, smallest first; others after them). */
export function sizeSlices(sizes: ImageSize[], rows: SizeStats[]): { size: ImageSize; images: number; cost: number }[] {
  const rank = (size: ImageSize) => {
    const at = sizes.indexOf(size)
    return at < 0 ? sizes.length : at
  }
  return rows
    .filter((r) => r.images > 0)
    .map((r) => ({ size: r.imageSize, images: r.images, cost: r.cost ?? 0 }))
    .sort((a, b) => rank(a.size) - rank(b.size))
}
