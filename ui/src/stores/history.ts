import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, errorMessage, type Cursor, type JobRecord, type JobStatus, type LibraryChange } from '@/api'
import { fetchEach } from '@/lib/batch'
import { compareKeyset } from '@/lib/gallery'
import { isPossiblyCharged } from '@/lib/jobs'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useProfileScoped } from '@/stores/profile'

/** Rows per page: enough to fill a tall window, small enough to answer at once from a large library. */
export const HISTORY_PAGE = 50

/**
 * History's rows: keyset pages of jobs (newest first) for the current search, status and money filters.
 * Rows already shown follow the core's library changes: new jobs go where they belong, changed ones are
 * read again in place, removed ones go, and too many changes to list reload what was shown in one swap.
 */
export const useHistoryStore = defineStore('history', () => {
  const rows = ref<JobRecord[]>([])
  const nextCursor = ref<Cursor | null>(null)
  const complete = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const search = ref('')
  const status = ref<JobStatus | null>(null)
  /** Only jobs the provider may have charged without a confirmed result. */
  const possiblyCharged = ref(false)
  /** Bumped by every reload so answers for an older query are dropped. */
  let generation = 0

  // Another profile opened: its rows, and the search typed over the old ones, go (nothing is loaded).
  const scope = useProfileScoped(() => {
    generation++
    rows.value = []
    nextCursor.value = null
    complete.value = false
    loading.value = false
    error.value = null
    search.value = ''
    status.value = null
    possiblyCharged.value = false
  })
  // Changes are applied one after the other, in the order the core sent them.
  let applying: Promise<void> = Promise.resolve()
  useCoreEventsStore().onLibrary((change) => {
    applying = applying.then(() => apply(change)).catch(() => {})
  })

  function query(cursor: Cursor | null, limit = HISTORY_PAGE) {
    return {
      cursor,
      limit,
      status: status.value,
      possiblyCharged: possiblyCharged.value,
      search: search.value.trim() || null,
    }
  }

  /** Starts over from the newest job with the current filters. */
  async function reload() {
    generation++
    rows.value = []
    nextCursor.value = null
    complete.value = false
    loading.value = false
    await loadMore()
  }

  /** The next page after the last row (keyset cursor, never an offset). */
  async function loadMore() {
    if (loading.value || complete.value) return
    const mine = generation
    const stillOpen = scope.begin()
    loading.value = true
    error.value = null
    try {
      const page = await api.listJobs(query(nextCursor.value))
      if (mine !== generation || !stillOpen()) return
      const known = new Set(rows.value.map((r) => r.id))
      rows.value = [...rows.value, ...page.items.filter((r) => !known.has(r.id))]
      nextCursor.value = page.nextCursor
      complete.value = page.nextCursor == null
    } catch (e) {
      if (mine === generation) error.value = errorMessage(e)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** Whether a record fits the filters shown (the search as words in the prompt, like the core's). */
  function fits(record: JobRecord): boolean {
    if (status.value && status.value !== record.status) return false
    if (possiblyCharged.value && !isPossiblyCharged(record)) return false
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean)
    return words.every((w) => record.prompt.toLowerCase().includes(w))
  }

  /**
   * Puts a job where keyset order says it belongs, when it fits the filters. One older than the last row of
   * an unfinished list is left for a later page to bring.
   */
  function insert(record: JobRecord): boolean {
    if (rows.value.some((r) => r.id === record.id) || !fits(record)) return false
    const at = rows.value.findIndex((r) => compareKeyset(r, record) > 0)
    if (at < 0 && !complete.value) return false
    const next = [...rows.value]
    next.splice(at < 0 ? next.length : at, 0, record)
    rows.value = next
    return true
  }

  /** A job started here (the Generator, run again) goes on top when it fits the filters. */
  function prepend(record: JobRecord) {
    insert(record)
  }

  /** Keeps a row's stored fields in step with a fresher record (after cancel, retry, or a finished job). */
  function update(record: JobRecord) {
    const i = rows.value.findIndex((r) => r.id === record.id)
    if (i >= 0) rows.value[i] = record
  }

  /** Reads again as many rows as are shown and swaps them in at once (nothing blinks empty meanwhile). */
  async function refreshShown() {
    const mine = generation
    const stillOpen = scope.begin()
    const want = Math.max(rows.value.length, HISTORY_PAGE)
    const fresh: JobRecord[] = []
    let cursor: Cursor | null = null
    let more = true
    while (more && fresh.length < want) {
      const page = await api.listJobs(query(cursor))
      if (mine !== generation || !stillOpen()) return
      fresh.push(...page.items)
      cursor = page.nextCursor
      more = cursor != null
    }
    rows.value = fresh
    nextCursor.value = cursor
    complete.value = !more
  }

  /** One batch of the core's committed changes, applied to the rows shown. */
  async function apply(change: LibraryChange) {
    const jobs = change.jobs
    if (rows.value.length === 0 && !complete.value) return
    if (jobs.all) {
      await refreshShown()
      return
    }
    if (jobs.removed.length) {
      const gone = new Set(jobs.removed)
      rows.value = rows.value.filter((r) => !gone.has(r.id))
    }
    const shown = new Set(rows.value.map((r) => r.id))
    const changed = jobs.updated.filter((id) => shown.has(id))
    if (jobs.added.length === 0 && changed.length === 0) return
    const mine = generation
    const stillOpen = scope.begin()
    const [added, updated] = await Promise.all([fetchEach(jobs.added, api.getJob), fetchEach(changed, api.getJob)])
    if (mine !== generation || !stillOpen()) return
    for (const record of updated) update(record)
    for (const record of added) insert(record)
  }

  const hasFilters = () => !!search.value.trim() || status.value != null || possiblyCharged.value

  return {
    rows, nextCursor, complete, loading, error, search, status, possiblyCharged, reload, loadMore, prepend, update,
    hasFilters,
  }
})
