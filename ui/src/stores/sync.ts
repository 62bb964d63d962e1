import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import {
  api, errorKind, errorMessage, type ErrorKind, type PendingApplied, type PendingDeletions, type SyncEvent, type SyncProgress,
  type SyncReport, type SyncSetup, type SyncStatus,
} from '@/api'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { useProfileScoped } from '@/stores/profile'

export interface SyncFailure {
  kind: ErrorKind
  message: string
}

const failureOf = (e: unknown): SyncFailure => ({ kind: errorKind(e), message: errorMessage(e) })
/** What a set of held deletions is, to tell a new one from the one the person said "Not now" to. */
const pendingKey = (p: PendingDeletions) => JSON.stringify([p.count, p.librarySize, p.devices.map((d) => [d.deviceId, d.count])])

/**
 * Sync of the open profile's library through the person's own bucket: where and how it syncs (never the
 * secret), where it stands (last sync, pending files, the other devices), and a running sync's progress
 * and result. Syncs are followed from the core's stream from the start (automatic ones run on any view),
 * and the status is read again when the library says its sync state changed; what a sync brought reaches
 * the other stores as library changes. "Sync now" also gets its answer directly.
 *
 * A pull that would delete forever most of the library (another device's "delete forever") applies
 * everything else and holds those deletions until the person says so: they are in the status
 * (`pendingDeletions`), the window asks on any view until "Not now", and Apply asks the core to apply them.
 */
export const useSyncStore = defineStore('sync', () => {
  const setup = ref<SyncSetup | null>(null)
  const status = ref<SyncStatus | null>(null)
  const loadError = ref<string | null>(null)
  const running = ref(false)
  const progress = ref<SyncProgress | null>(null)
  const lastReport = ref<SyncReport | null>(null)
  const lastError = ref<SyncFailure | null>(null)
  const applying = ref(false)
  /** What the last Apply of held deletions did. */
  const applied = ref<PendingApplied | null>(null)
  const applyError = ref<SyncFailure | null>(null)
  /** The held deletions the person said "Not now" to: not asked again until others are held. */
  const dismissed = ref<string | null>(null)

  // Another profile opened: its bucket, secret and devices are its own. Its status is read again when the
  // old one's was followed (the window asks about held deletions on any view).
  const scope = useProfileScoped(async () => {
    const followed = status.value != null
    setup.value = null
    status.value = null
    loadError.value = null
    running.value = false
    progress.value = null
    lastReport.value = null
    lastError.value = null
    applying.value = false
    applied.value = null
    applyError.value = null
    dismissed.value = null
    if (followed) await loadStatus()
  })
  const events = useCoreEventsStore()
  events.onSync((event) => handle(event))
  events.onLibrary((change) => {
    if (!change.sync) return
    if (status.value) void loadStatus()
    if (setup.value) void loadSetup()
  })

  /** The setup and the status, each on its own: a setup that cannot be read back still shows where sync stands. */
  async function load() {
    loadError.value = null
    await Promise.all([loadSetup(), loadStatus()])
  }

  async function loadSetup() {
    const stillOpen = scope.begin()
    try {
      const s = await api.syncSetup()
      if (stillOpen()) setup.value = s
    } catch (e) {
      if (stillOpen()) loadError.value = errorMessage(e)
    }
  }

  /** Where sync stands (no request reaches the bucket). */
  async function loadStatus() {
    const stillOpen = scope.begin()
    try {
      const st = await api.syncStatus()
      if (stillOpen()) status.value = st
    } catch (e) {
      if (stillOpen()) loadError.value = errorMessage(e)
    }
  }

  let statusLoading: Promise<void> | null = null
  /** Loads the status once, shared by every caller (History and the Generator name other devices' jobs by it). */
  function ensureStatus(): Promise<void> {
    if (status.value) return Promise.resolve()
    statusLoading ??= loadStatus().finally(() => { statusLoading = null })
    return statusLoading
  }

  /** Another device's deletions forever that wait for the person (shown in the status until applied). */
  const pendingDeletions = computed<PendingDeletions | null>(() => status.value?.pendingDeletions ?? null)
  /** Whether the window asks about them now (not after "Not now", until other deletions are held). */
  const askPending = computed(() => !!pendingDeletions.value && pendingKey(pendingDeletions.value) !== dismissed.value)

  /** "Not now": the deletions stay held (and in the status); the window stops asking about these. */
  function dismissPending() {
    if (pendingDeletions.value) dismissed.value = pendingKey(pendingDeletions.value)
  }

  /**
   * Applies the held deletions. Returns what it did (`kept`: images that went to the Trash instead, because
   * their original existed only here), or null when the core refused (`applyError` says why).
   */
  async function applyPending(): Promise<PendingApplied | null> {
    if (applying.value) return null
    const stillOpen = scope.begin()
    applying.value = true
    applyError.value = null
    try {
      const result = await api.applyPendingDeletions()
      if (!stillOpen()) return null
      applied.value = result
      if (status.value) status.value = { ...status.value, pendingDeletions: null }
      void loadStatus()
      return result
    } catch (e) {
      if (stillOpen()) applyError.value = failureOf(e)
      return null
    } finally {
      if (stillOpen()) applying.value = false
    }
  }

  /** One sync event of the core's stream: a sync of this library started, moved on, finished or failed. */
  function handle(event: SyncEvent) {
    switch (event.kind) {
      case 'started':
        running.value = true
        progress.value = null
        lastError.value = null
        applied.value = null
        break
      case 'progress':
        running.value = true
        progress.value = event.progress
        break
      case 'finished':
        finish(event.report)
        break
      case 'failed':
        running.value = false
        progress.value = null
        lastError.value = { kind: event.error.kind, message: event.error.message }
        void loadStatus()
        break
    }
  }

  function finish(report: SyncReport) {
    running.value = false
    progress.value = null
    lastReport.value = report
    lastError.value = null
    // What the pull held back shows at once; the status read next says the same (or that it was applied).
    if (status.value) status.value = { ...status.value, pendingDeletions: report.pendingDeletions }
    void loadStatus()
  }

  /** Saves the setup (and the secret, only when one was typed); the core checks a location that is set. */
  async function save(next: SyncSetup, secretAccessKey: string | null) {
    const stillOpen = scope.begin()
    const st = await api.updateSyncSetup(next, secretAccessKey)
    if (!stillOpen()) return
    setup.value = { ...next }
    status.value = st
  }

  /** Tries the typed setup against the bucket before it is saved; throws the typed error. */
  function test(next: SyncSetup, secretAccessKey: string | null): Promise<void> {
    return api.testSyncConnection(next, secretAccessKey)
  }

  /** Runs a sync now. Its events (if the view listens) and its answer say the same; either may come first. */
  async function syncNow() {
    const stillOpen = scope.begin()
    running.value = true
    lastError.value = null
    try {
      const report = await api.syncNow()
      if (stillOpen()) finish(report)
    } catch (e) {
      if (!stillOpen()) return
      running.value = false
      progress.value = null
      lastError.value = failureOf(e)
      void loadStatus()
    }
  }

  /** The name another device of this library gave itself, or null when sync has not met it. */
  function deviceName(id: string): string | null {
    return status.value?.devices.find((d) => d.id === id)?.name ?? null
  }

  return {
    setup, status, loadError, running, progress, lastReport, lastError, pendingDeletions, askPending, applying, applied,
    applyError, load, loadStatus, ensureStatus, handle, save, test, syncNow, deviceName, dismissPending, applyPending,
  }
})
