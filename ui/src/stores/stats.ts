import { defineStore } from 'pinia'
import { ref } from 'vue'
import {
  api, errorKind, errorMessage, type BudgetStatus, type CreditsInfo, type ErrorKind, type ImageRecord, type JobEvent,
  type LibraryStats, type StatsQuery,
} from '@/api'
import { useAccountsStore } from '@/stores/accounts'
import { useSettingsStore } from '@/stores/settings'

/** How many images the Dashboard's "recent" strip shows. */
export const RECENT_LIMIT = 8

/** Stages after which the figures change: a job started, or a run ended one way or another. */
const REFRESH_STAGES = new Set<JobEvent['stage']['kind']>(['queued', 'done', 'failed', 'cancelled', 'recoverable'])

/**
 * The library's figures for the Dashboard, Analytics and the Generator's cost line: stats from the core,
 * this month's spend against the budget, the latest images and the credit balance, kept fresh while a
 * view watches (`start`/`stop`) by listening to job progress.
 */
export const useStatsStore = defineStore('stats', () => {
  const stats = ref<LibraryStats | null>(null)
  /** The last query asked for, reused by refreshes. */
  const query = ref<StatsQuery>({})
  const loading = ref(false)
  const error = ref<string | null>(null)

  const recent = ref<ImageRecord[]>([])
  const recentLoaded = ref(false)
  const recentError = ref<string | null>(null)

  /** This month's spend against the budget (confirmed and possibly charged), and the budget's level. */
  const budget = ref<BudgetStatus | null>(null)
  const budgetError = ref<string | null>(null)

  const credits = ref<CreditsInfo | null>(null)
  const creditsLoading = ref(false)
  /** Why the balance is missing; shown softly (the rest of the Dashboard works offline). */
  const creditsError = ref<{ kind: ErrorKind; message: string } | null>(null)

  // Answers can arrive out of order when the range changes quickly; only the latest request is applied.
  let statsRequest = 0
  /** Bumped by `reset`: answers about the previous profile are dropped. */
  let epoch = 0

  /** Loads the stats (per-day series over `range`, default: the core's last 30 days), budget and balance. */
  async function load(range?: StatsQuery) {
    if (range) query.value = { ...range }
    await Promise.all([loadStats(), loadBudget(), loadCredits()])
  }

  async function loadBudget() {
    const mine = epoch
    try {
      const next = await api.budgetStatus()
      if (mine !== epoch) return
      budget.value = next
      budgetError.value = null
    } catch (e) {
      if (mine === epoch) budgetError.value = errorMessage(e)
    }
  }

  async function loadStats() {
    const id = ++statsRequest
    loading.value = true
    error.value = null
    try {
      const next = await api.libraryStats({ ...query.value })
      if (id === statsRequest) stats.value = next
    } catch (e) {
      if (id === statsRequest) error.value = errorMessage(e)
    } finally {
      if (id === statsRequest) loading.value = false
    }
  }

  async function loadRecent() {
    const mine = epoch
    recentError.value = null
    try {
      const page = await api.listImages({ limit: RECENT_LIMIT })
      if (mine !== epoch) return
      recent.value = page.items
      recentLoaded.value = true
    } catch (e) {
      if (mine === epoch) recentError.value = errorMessage(e)
    }
  }

  /** Asks the provider for the balance, only when an API key is set (the demo provider has none). */
  async function loadCredits() {
    const mine = epoch
    const settings = useSettingsStore()
    if (!settings.apiKey) await settings.ensureLoaded()
    if (mine !== epoch) return
    if (!settings.apiKey?.configured) {
      credits.value = null
      creditsError.value = null
      return
    }
    creditsLoading.value = true
    try {
      const next = await api.credits()
      if (mine !== epoch) return
      credits.value = next
      creditsError.value = null
    } catch (e) {
      if (mine === epoch) creditsError.value = { kind: errorKind(e), message: errorMessage(e) }
    } finally {
      if (mine === epoch) creditsLoading.value = false
    }
  }

  // Several jobs can end at once: one refresh runs at a time and one more follows if events came meanwhile.
  let refreshing: Promise<void> | null = null
  let refreshAgain = false

  /** Reloads everything already shown (stats, recent images if loaded, balance). */
  function refresh(): Promise<void> {
    if (refreshing) {
      refreshAgain = true
      return refreshing
    }
    refreshing = (async () => {
      try {
        do {
          refreshAgain = false
          await Promise.all([loadStats(), loadBudget(), loadCredits(), recentLoaded.value ? loadRecent() : Promise.resolve()])
        } while (refreshAgain)
      } finally {
        refreshing = null
      }
    })()
    return refreshing
  }

  function onJobEvent(event: JobEvent) {
    if (!useAccountsStore().isCurrent(event.profileId)) return
    if (REFRESH_STAGES.has(event.stage.kind)) void refresh()
  }

  // Views call start on mount and stop on unmount; the Dashboard can sit inside Home, so watchers are counted.
  let watchers = 0
  let unlisten: Promise<(() => void) | null> | null = null

  function start() {
    watchers++
    if (watchers > 1) return
    unlisten = api.onJobProgress(onJobEvent).catch(() => null)
  }

  async function stop() {
    if (watchers === 0) return
    watchers--
    if (watchers > 0 || !unlisten) return
    const pending = unlisten
    unlisten = null
    const off = await pending
    off?.()
  }

  /**
   * Another profile opened: its figures, images and balance go. Views that watch keep their subscription
   * (they remount and load again).
   */
  function reset() {
    epoch++
    statsRequest++
    stats.value = null
    query.value = {}
    loading.value = false
    error.value = null
    recent.value = []
    recentLoaded.value = false
    recentError.value = null
    budget.value = null
    budgetError.value = null
    credits.value = null
    creditsLoading.value = false
    creditsError.value = null
  }

  /** A sync applied another device's changes: what is shown is counted again (the balance is not re-asked). */
  async function afterSync() {
    if (!stats.value) return
    await Promise.all([loadStats(), loadBudget(), recentLoaded.value ? loadRecent() : Promise.resolve()])
  }

  return {
    stats, query, loading, error, recent, recentLoaded, recentError, budget, budgetError, credits, creditsLoading,
    creditsError, load, loadStats, loadBudget, loadRecent, loadCredits, refresh, start, stop, reset, afterSync,
  }
})
