import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, errorMessage, type AvailableUpdate, type UpdateProgress, type UpdateSettings } from '@/api'

/** Where the prompt is: nothing to show, an offer, downloading, installed (restart to use it), or failed. */
export type UpdatePhase = 'idle' | 'offered' | 'downloading' | 'installed' | 'failed'

/**
 * Updates of this install. The shell checks, verifies the signature and installs (tauri-plugin-updater); the
 * core keeps the settings and decides what a background check may offer (not when checks are off, not a
 * skipped version). The check after the window opens is quiet: its failure is only a hint in Settings.
 */
export const useUpdatesStore = defineStore('updates', () => {
  const available = ref<AvailableUpdate | null>(null)
  const phase = ref<UpdatePhase>('idle')
  const progress = ref<UpdateProgress | null>(null)
  const error = ref<string | null>(null)
  const settings = ref<UpdateSettings | null>(null)
  const settingsError = ref<string | null>(null)
  /** The outcome of the last "Check now": up to date, or why it failed (an offer opens the prompt instead). */
  const checkOutcome = ref<{ upToDate: true } | { upToDate: false, message: string } | null>(null)
  const checking = ref(false)

  const percent = computed(() => {
    const p = progress.value
    if (!p?.totalBytes) return null
    return Math.min(100, Math.round(((p.downloadedBytes ?? 0) / p.totalBytes) * 100))
  })

  function offer(update: AvailableUpdate | null) {
    available.value = update
    phase.value = update ? 'offered' : 'idle'
    error.value = null
    progress.value = null
  }

  /** The check after the window opens: quiet, and only when the user left checks on. */
  async function backgroundCheck(): Promise<void> {
    try {
      const found = await api.checkForUpdate(true)
      if (found && phase.value === 'idle') offer(found)
    } catch (e) {
      console.warn('update check failed', e)
    }
  }

  /** Settings → "Check now": offers any newer version (a skipped one too) or says why not. */
  async function checkNow(): Promise<void> {
    if (checking.value) return
    checking.value = true
    checkOutcome.value = null
    try {
      const found = await api.checkForUpdate(false)
      offer(found)
      if (!found) checkOutcome.value = { upToDate: true }
    } catch (e) {
      checkOutcome.value = { upToDate: false, message: errorMessage(e) }
    } finally {
      checking.value = false
      await loadSettings()
    }
  }

  async function install(): Promise<void> {
    if (!available.value || phase.value === 'downloading') return
    phase.value = 'downloading'
    progress.value = null
    error.value = null
    try {
      await api.installUpdate((p) => { progress.value = p })
      phase.value = 'installed'
    } catch (e) {
      error.value = errorMessage(e)
      phase.value = 'failed'
    }
  }

  async function restart(): Promise<void> {
    try {
      await api.restartToUpdate()
    } catch (e) {
      error.value = errorMessage(e)
      phase.value = 'failed'
    }
  }

  /** "Later": the prompt goes until the next start (or the next Check now). */
  function later() {
    if (phase.value !== 'downloading') phase.value = 'idle'
  }

  /** "Skip this version": background checks stop offering it. */
  async function skip(): Promise<void> {
    const version = available.value?.version
    if (!version) return
    try {
      settings.value = await api.skipUpdate(version)
      phase.value = 'idle'
    } catch (e) {
      error.value = errorMessage(e)
    }
  }

  async function loadSettings(): Promise<void> {
    try {
      settings.value = await api.updateSettings()
      settingsError.value = null
    } catch (e) {
      settingsError.value = errorMessage(e)
    }
  }

  async function saveSettings(autoCheck: boolean, endpoint: string): Promise<boolean> {
    try {
      settings.value = await api.setUpdateSettings(autoCheck, endpoint.trim() || null)
      settingsError.value = null
      return true
    } catch (e) {
      settingsError.value = errorMessage(e)
      return false
    }
  }

  return {
    available, phase, progress, percent, error, settings, settingsError, checkOutcome, checking,
    backgroundCheck, checkNow, install, restart, later, skip, loadSettings, saveSettings,
  }
})
