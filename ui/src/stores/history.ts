import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, errorMessage, type Cursor, type JobRecord, type JobStatus } from '@/api'
import { isPossiblyCharged } from '@/lib/jobs'

/** Rows per page: enough to fill a tall window, small enough to answer at once from a large library. */
export const HISTORY_PAGE = 50

/** History's rows: keyset pages of jobs (newest first) for the current search, status and money filters. */
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
    loading.value = true
    error.value = null
    try {
      const page = await api.listJobs({
        cursor: nextCursor.value,
        limit: HISTORY_PAGE,
        status: status.value,
        possiblyCharged: possiblyCharged.value,
        search: search.value.trim() || null,
      })
      if (mine !== generation) return
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

  /** A job started while History is open goes on top when it fits the filters. */
  function prepend(record: JobRecord) {
    if (rows.value.some((r) => r.id === record.id)) return
    if (status.value && status.value !== record.status) return
    if (possiblyCharged.value && !isPossiblyCharged(record)) return
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean)
    if (!words.every((w) => record.prompt.toLowerCase().includes(w))) return
    rows.value = [record, ...rows.value]
  }

  /** Keeps a row's stored fields in step with a fresher record (after cancel, retry, or a finished job). */
  function update(record: JobRecord) {
    const i = rows.value.findIndex((r) => r.id === record.id)
    if (i >= 0) rows.value[i] = record
  }

  const hasFilters = () => !!search.value.trim() || status.value != null || possiblyCharged.value

  /** Another profile opened: its rows, and the search typed over the old ones, go (nothing is loaded). */
  function reset() {
    generation++
    rows.value = []
    nextCursor.value = null
    complete.value = false
    loading.value = false
    error.value = null
    search.value = ''
    status.value = null
    possiblyCharged.value = false
  }

  /** A sync applied another device's changes: rows already shown are reloaded; a History never opened waits. */
  async function afterSync() {
    if (rows.value.length > 0 || complete.value) await reload()
  }

  return {
    rows, nextCursor, complete, loading, error, search, status, possiblyCharged, reload, loadMore, prepend, update,
    hasFilters, reset, afterSync,
  }
})
