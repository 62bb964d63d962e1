import { defineStore } from 'pinia'
import { ref } from 'vue'
import {
  api, errorKind, errorMessage, type ErrorKind, type SyncEvent, type SyncProgress, type SyncReport, type SyncSettings,
  type SyncStatus,
} from '@/api'

export interface SyncFailure {
  kind: ErrorKind
  message: string
}

const failureOf = (e: unknown): SyncFailure => ({ kind: errorKind(e), message: errorMessage(e) })

/**
 * Sync of the open profile's library through the person's own bucket: its saved settings (never the secret),
 * where it stands (last sync, pending files, the other devices), and a running sync's progress and result.
 * Progress comes from the core's `sync-changed` events, which the view that shows them feeds in through
 * `handle` while it is mounted (automatic syncs report there too); "Sync now" also gets its answer directly.
 */
export const useSyncStore = defineStore('sync', () => {
  const settings = ref<SyncSettings | null>(null)
  const status = ref<SyncStatus | null>(null)
  const loadError = ref<string | null>(null)
  const running = ref(false)
  const progress = ref<SyncProgress | null>(null)
  const lastReport = ref<SyncReport | null>(null)
  const lastError = ref<SyncFailure | null>(null)
  /** Bumped whenever a finished sync applied another device's changes: views showing the library refresh. */
  const pulled = ref(0)
  /** Bumped by `reset`: answers about the previous profile are dropped. */
  let epoch = 0

  async function load() {
    const mine = epoch
    loadError.value = null
    try {
      const [s, st] = await Promise.all([api.syncSettings(), api.syncStatus()])
      if (mine !== epoch) return
      settings.value = s
      status.value = st
    } catch (e) {
      if (mine === epoch) loadError.value = errorMessage(e)
    }
  }

  /** Where sync stands (no request reaches the bucket). */
  async function loadStatus() {
    const mine = epoch
    try {
      const st = await api.syncStatus()
      if (mine === epoch) status.value = st
    } catch (e) {
      if (mine === epoch) loadError.value = errorMessage(e)
    }
  }

  let statusLoading: Promise<void> | null = null
  /** Loads the status once, shared by every caller (History and the Generator name other devices' jobs by it). */
  function ensureStatus(): Promise<void> {
    if (status.value) return Promise.resolve()
    statusLoading ??= loadStatus().finally(() => { statusLoading = null })
    return statusLoading
  }

  /** One `sync-changed` event: a sync of this library started, moved on, finished or failed. */
  function handle(event: SyncEvent) {
    switch (event.kind) {
      case 'started':
        running.value = true
        progress.value = null
        lastError.value = null
        break
      case 'progress':
        running.value = true
        progress.value = event.progress
        break
      case 'finished':
        finish(event.report)
        if (event.report.opsPulled > 0) pulled.value++
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
    void loadStatus()
  }

  /** Saves the settings (and the secret, only when one was typed); the core checks a location that is set. */
  async function save(next: SyncSettings, secretAccessKey: string | null) {
    const mine = epoch
    const st = await api.updateSyncSettings(next, secretAccessKey)
    if (mine !== epoch) return
    settings.value = { ...next }
    status.value = st
  }

  /** Tries the typed settings against the bucket before they are saved; throws the typed error. */
  function test(next: SyncSettings, secretAccessKey: string | null): Promise<void> {
    return api.testSyncConnection(next, secretAccessKey)
  }

  /** Runs a sync now. Its events (if the view listens) and its answer say the same; either may come first. */
  async function syncNow() {
    const mine = epoch
    running.value = true
    lastError.value = null
    try {
      const report = await api.syncNow()
      if (mine === epoch) finish(report)
    } catch (e) {
      if (mine !== epoch) return
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

  // Syncs are followed from the start (automatic ones run on any view), not only while the Sync card is open.
  let unlisten: (() => void) | null = null
  let listening = false

  async function start() {
    if (listening) return
    listening = true
    const off = await api.onSyncChanged(handle)
    if (listening) unlisten = off
    else off()
  }

  function stop() {
    listening = false
    unlisten?.()
    unlisten = null
  }

  /** Another profile opened: its bucket, secret and devices are its own. */
  function reset() {
    epoch++
    settings.value = null
    status.value = null
    loadError.value = null
    running.value = false
    progress.value = null
    lastReport.value = null
    lastError.value = null
  }

  return {
    settings, status, loadError, running, progress, lastReport, lastError,
    pulled, load, loadStatus, ensureStatus, handle, save, test, syncNow, deviceName, reset, start, stop,
  }
})
