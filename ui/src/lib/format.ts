// Numbers, money, durations and dates as a person reads them. Amounts and counts use one fixed locale
// (the UI is English): "$1,234.50" must not turn into "1.234,50 $" on a German system next to English
// words, and a price typed in Settings must read back the way it is shown. Dates follow the system.
export const NUMBER_LOCALE = 'en-US'

const money = new Intl.NumberFormat(NUMBER_LOCALE, { style: 'currency', currency: 'USD', maximumFractionDigits: 4, minimumFractionDigits: 2 })
const count = new Intl.NumberFormat(NUMBER_LOCALE)
const credits = new Intl.NumberFormat(NUMBER_LOCALE, { maximumFractionDigits: 2 })
const percent = new Intl.NumberFormat(NUMBER_LOCALE, { style: 'percent', maximumFractionDigits: 1 })

/** US dollars: "$0.0125", "$1,234.50". */
export function formatCost(usd: number | null | undefined): string {
  return money.format(usd ?? 0)
}

export function formatCount(n: number | null | undefined): string {
  return count.format(n ?? 0)
}

/** A balance in the service's own credits (not dollars): "42.5". */
export function formatCredits(n: number | null | undefined): string {
  return credits.format(n ?? 0)
}

export function formatPercent(ratio: number | null | undefined): string {
  return ratio == null ? '—' : percent.format(ratio)
}

/** 850 ms, 12.3 s, 2 min 5 s */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)} s`
  const m = Math.floor(s / 60)
  return `${m} min ${Math.round(s - m * 60)} s`
}

export function formatBytes(bytes: number | null | undefined): string {
  const b = bytes ?? 0
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  let v = b
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

export function formatDateTime(unixMs: number | null | undefined): string {
  if (unixMs == null) return '—'
  return new Date(unixMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

export function formatDay(unixMs: number | null | undefined): string {
  if (unixMs == null) return '—'
  return new Date(unixMs).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
}
