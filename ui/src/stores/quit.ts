import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, errorMessage } from '@/api'
import { useCoreEventsStore } from '@/stores/coreEvents'

/**
 * The app quitting while paid requests are in flight. Closing the window (or Quit) then does not exit at
 * once: the shell keeps the app open until every paid request is recorded (its image stored, or its task
 * id), then exits by itself; the core says so with a `quitting` event, and the page blocks everything with
 * "Finishing 1 paid request…". "Quit now" stops at once: the job stays in its honest state (may be
 * charged, never sent again). About the app, not a profile: a switch does not reset it.
 */
export const useQuitStore = defineStore('quit', () => {
  /** Paid requests the app waits for; null while it is not quitting. */
  const paidRequests = ref<number | null>(null)
  /** "Quit now" was asked for and has not failed. */
  const stopping = ref(false)
  const error = ref<string | null>(null)

  useCoreEventsStore().onQuitting((n) => {
    paidRequests.value = n
  })

  /** Stops at once; the shell exits (a refusal is shown and the wait goes on). */
  async function quitNow() {
    if (stopping.value) return
    stopping.value = true
    error.value = null
    try {
      await api.quitNow()
    } catch (e) {
      stopping.value = false
      error.value = errorMessage(e)
    }
  }

  return { paidRequests, stopping, error, quitNow }
})
