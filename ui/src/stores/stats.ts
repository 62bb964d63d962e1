import { defineStore } from 'pinia'
import { ref } from 'vue'
import {
  api, errorKind, errorMessage, type BudgetStatus, type CreditsInfo, type ErrorKind, type ImageRecord, type LibraryStats,
  type StatsQuery,
} from '@/api'
import { isFinalStage } from '@/lib/jobs'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useProfileScoped } from '@/stores/profile'
import { useSettingsStore } from '@/stores/settings'

/** How many images the Dashboard's "recent" strip shows. */
export const RECENT_LIMIT = 8

/**
 * The library's figures for the Dashboard, Analytics, the Gallery's count, History's spend and the
 * Generator's cost line: stats from the core, this month's spend against the budget, the latest images and
 * the credit balance. What is held is kept fresh from the core's change stream: figures and the month when
 * the library says its counts or spending changed (or the budget was saved), the balance when a job ends.
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
  /** The balance was asked for (a view shows it): a job that ends may have spent credits. */
  let creditsFollowed = false

  // Another profile opened: its figures, images and balance go; views load the new ones when they mount.
  const scope = useProfileScoped(() => {
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
    creditsFollowed = false
  })
  const events = useCoreEventsStore()
  events.onLibrary((change) => {
    if (change.stats) void refreshFigures()
    else if (change.preferences && budget.value) void loadBudget()
  })
  events.onJob((event) => {
    if (creditsFollowed && isFinalStage(event.stage.kind)) void loadCredits()
  })

  /**
   * Loads the stats (per-day series over `range`, default: the core's last 30 days), budget and balance
   * (unless `credits: false`, for a view that asks for the balance on its own).
   */
  async function load(range?: StatsQuery, { credits = true }: { credits?: boolean } = {}) {
    if (range) query.value = { ...range }
    await Promise.all([loadStats(), loadBudget(), credits ? loadCredits() : undefined])
  }

  async function loadBudget() {
    const stillOpen = scope.begin()
    try {
      const next = await api.budgetStatus()
      if (!stillOpen()) return
      budget.value = next
      budgetError.value = null
    } catch (e) {
      if (stillOpen()) budgetError.value = errorMessage(e)
    }
  }

  async function loadStats() {
    const id = ++statsRequest
    const stillOpen = scope.begin()
    loading.value = true
    error.value = null
    try {
      const next = await api.libraryStats({ ...query.value })
      if (id === statsRequest && stillOpen()) stats.value = next
    } catch (e) {
      if (id === statsRequest) error.value = errorMessage(e)
    } finally {
      if (id === statsRequest) loading.value = false
    }
  }

  async function loadRecent() {
    const stillOpen = scope.begin()
    recentError.value = null
    try {
      const page = await api.listImages({ limit: RECENT_LIMIT })
      if (!stillOpen()) return
      recent.value = page.items
      recentLoaded.value = true
    } catch (e) {
      if (stillOpen()) recentError.value = errorMessage(e)
    }
  }

  /** Asks the provider for the balance, only when an API key is set (the demo provider has none). */
  async function loadCredits() {
    const stillOpen = scope.begin()
    creditsFollowed = true
    const settings = useSettingsStore()
    if (!settings.apiKey) await settings.ensureLoaded()
    if (!stillOpen()) return
    if (!settings.apiKey?.configured) {
      credits.value = null
      creditsError.value = null
      return
    }
    creditsLoading.value = true
    try {
      const next = await api.credits()
      if (!stillOpen()) return
      credits.value = next
      creditsError.value = null
    } catch (e) {
      if (stillOpen()) creditsError.value = { kind: errorKind(e), message: errorMessage(e) }
    } finally {
      if (stillOpen()) creditsLoading.value = false
    }
  }

  // Changes come in bursts (a sync, several jobs ending): one refresh runs at a time and one more follows
  // if more came meanwhile.
  let refreshing: Promise<void> | null = null
  let refreshAgain = false

  /** The library's counts or spending changed: what is held (figures, the month, the latest images) is read again. */
  function refreshFigures(): Promise<void> {
    if (refreshing) {
      refreshAgain = true
      return refreshing
    }
    refreshing = (async () => {
      try {
        do {
          refreshAgain = false
          await Promise.all([
            stats.value || error.value ? loadStats() : Promise.resolve(),
            budget.value || budgetError.value ? loadBudget() : Promise.resolve(),
            recentLoaded.value ? loadRecent() : Promise.resolve(),
          ])
        } while (refreshAgain)
      } finally {
        refreshing = null
      }
    })()
    return refreshing
  }

  return {
    stats, query, loading, error, recent, recentLoaded, recentError, budget, budgetError, credits, creditsLoading,
    creditsError, load, loadStats, loadBudget, loadRecent, loadCredits, refreshFigures,
  }
})
