import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, errorKind, errorMessage, type ErrorKind, type SignInClientStatus } from '@/api'
import { useAccountsStore } from '@/stores/accounts'

export type ClientAction = 'save' | 'test' | 'clear'

/** What the last Save, Test or Clear came to, for the card to say. */
export interface ClientOutcome {
  action: ClientAction
  ok: boolean
  kind?: ErrorKind
  message?: string
}

/**
 * The Google sign-in client this device uses (Settings → Account → "Use your own Google client"): which
 * one and where it comes from (the environment, this device, or the build), never its secret. A person can
 * set up their own (the secret goes to the OS keychain through the core), test it (the issuer's discovery)
 * or clear it. About the device, not a profile. A save or clear reads the accounts again, so the Login view
 * and the account menu know at once whether sign-in works.
 */
export const useSignInClientStore = defineStore('signInClient', () => {
  const accounts = useAccountsStore()
  const status = ref<SignInClientStatus | null>(null)
  const loadError = ref<string | null>(null)
  const busy = ref<ClientAction | null>(null)
  const outcome = ref<ClientOutcome | null>(null)

  async function load(): Promise<void> {
    try {
      status.value = await api.signInClient()
      loadError.value = null
    } catch (e) {
      loadError.value = errorMessage(e)
    }
  }

  async function run(action: ClientAction, call: () => Promise<SignInClientStatus>): Promise<boolean> {
    if (busy.value) return false
    busy.value = action
    outcome.value = null
    try {
      status.value = await call()
      outcome.value = { action, ok: true }
      if (action !== 'test') await accounts.load()
      return true
    } catch (e) {
      outcome.value = { action, ok: false, kind: errorKind(e), message: errorMessage(e) }
      return false
    } finally {
      busy.value = null
    }
  }

  /** Uses this client on this device; an empty secret saves a client without one (an old secret goes). */
  function save(clientId: string, clientSecret: string | null): Promise<boolean> {
    const secret = clientSecret?.trim() ? clientSecret : null
    return run('save', () => api.setSignInClient(clientId.trim(), secret))
  }

  /** Asks the issuer for its discovery document with the client in use; no browser opens. */
  function test(): Promise<boolean> {
    return run('test', () => api.testSignInClient())
  }

  /** Forgets this device's own client; the environment's or the build's applies again. */
  function clear(): Promise<boolean> {
    return run('clear', () => api.clearSignInClient())
  }

  return { status, loadError, busy, outcome, load, save, test, clear }
})
