import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { api, errorMessage, type CrashReport } from '@/api'
import { useAppStore } from '@/stores/app'

/** The dialog the window opens with, if any: a crash report of the last run first, then the welcome. */
export type StartupDialog = 'crash' | 'welcome' | null

/**
 * What the window says once, at start, about the device (not a profile): "Nanoforge closed unexpectedly"
 * when the last run left crash reports no one has seen, and the first-run welcome until it is dismissed.
 * Never both at once: the crash report comes first, and the welcome waits until the crash files were read.
 * Closing the report acknowledges it (the core moves the files aside); dismissing the welcome tells the
 * core, so neither comes back at the next start.
 */
export const useStartupStore = defineStore('startup', () => {
  const app = useAppStore()
  const crashes = ref<CrashReport[]>([])
  /** The crash files were read (or could not be: the welcome does not wait for ever). */
  const crashesRead = ref(false)
  /** Whether the welcome is due, from the core's first word on it (a profile switch does not change it). */
  const welcomeDue = ref<boolean | null>(null)
  const closing = ref(false)
  /** Why closing did not reach the core (the dialog is closed anyway; it comes back at the next start). */
  const closeError = ref<string | null>(null)

  watch(() => app.info, (info) => {
    if (info && welcomeDue.value == null) welcomeDue.value = info.welcomeDismissed === false
  }, { immediate: true })

  /** Both are known: the crash files were read and the core said whether the welcome is due. */
  const decided = computed(() => crashesRead.value && welcomeDue.value != null)
  const dialog = computed<StartupDialog>(() => {
    if (crashes.value.length > 0) return 'crash'
    if (crashesRead.value && welcomeDue.value) return 'welcome'
    return null
  })

  let reading: Promise<void> | null = null
  /** Reads the crash files once (App's start). */
  function start(): Promise<void> {
    reading ??= (async () => {
      try {
        crashes.value = await api.unseenCrashes()
      } catch (e) {
        console.warn('crash reports unavailable', e)
      } finally {
        crashesRead.value = true
      }
    })()
    return reading
  }

  async function finish(tell: () => Promise<unknown>, hide: () => void) {
    if (closing.value) return
    closing.value = true
    closeError.value = null
    try {
      await tell()
    } catch (e) {
      closeError.value = errorMessage(e)
    } finally {
      hide()
      closing.value = false
    }
  }

  /** The crash report was read: it is not shown again. */
  function acknowledgeCrashes(): Promise<void> {
    return finish(() => api.acknowledgeCrashes(), () => { crashes.value = [] })
  }

  /** The welcome was closed: it does not come back on this device. */
  function dismissWelcome(): Promise<void> {
    return finish(() => api.dismissWelcome(), () => { welcomeDue.value = false })
  }

  return { crashes, crashesRead, welcomeDue, closing, closeError, decided, dialog, start, acknowledgeCrashes, dismissWelcome }
})
