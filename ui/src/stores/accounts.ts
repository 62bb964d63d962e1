import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import {
  api, errorKind, errorMessage, type AccountsState, type ErrorKind, type ProfileSummary, type SignInStarted,
} from '@/api'
import { useProfileScoped, useProfileStore } from '@/stores/profile'

/** Where a sign-in stands: nothing yet, asking the core for the URL, waiting for the browser, or failed. */
export type SignInPhase = 'idle' | 'starting' | 'waiting' | 'error'

export interface SignInFailure {
  kind: ErrorKind
  message: string
}

/**
 * The profiles on this device and the one this window shows; signing in (begin → show the URL with
 * Copy and Cancel → finish), switching, signing out and removing. Opening another profile goes through the
 * profile store, whose switch every store that keeps profile data follows on its own.
 */
export const useAccountsStore = defineStore('accounts', () => {
  const profile = useProfileStore()
  const state = ref<AccountsState | null>(null)
  const loadError = ref<string | null>(null)
  /** A switch, sign-out or removal is running (buttons wait for it). */
  const busy = ref(false)

  const phase = ref<SignInPhase>('idle')
  const pending = ref<SignInStarted | null>(null)
  const signInError = ref<SignInFailure | null>(null)

  /** The profile whose data the stores hold; set the moment a change is known. */
  const currentId = computed(() => profile.currentId)
  /** True while the window moves to another profile: views are unmounted, stores emptied, then shown again. */
  const switching = computed(() => profile.switching)
  // The open profile as soon as a switch is known; the core's list has the freshest word on it once read again.
  const current = computed<ProfileSummary | null>(() => {
    const listed = state.value?.current ?? null
    const open = profile.current
    if (!open || listed?.id === open.id) return listed ?? (open && { ...open, current: true })
    return { ...open, current: true }
  })
  const profiles = computed(() => {
    const list = state.value?.profiles ?? []
    const open = profile.current
    const all = open && !list.some((p) => p.id === open.id) ? [...list, open] : list
    return open ? all.map((p) => ({ ...p, current: p.id === open.id })) : all
  })
  /** Google accounts on this device (not the local library). */
  const accounts = computed(() => profiles.value.filter((p) => p.kind !== 'local'))
  const signedIn = computed(() => current.value != null && current.value.kind !== 'local')
  /** null until the core answered. */
  const signInConfigured = computed(() => state.value?.signInConfigured ?? null)

  // Another profile opened: the list and its flags are read again.
  const scope = useProfileScoped(() => load())
  /** Bumped by every sign-in and cancel: the outcome of an abandoned attempt is ignored. */
  let attempt = 0

  /** Whether an event about `profileId` belongs to what this window shows. */
  function isCurrent(profileId: string): boolean {
    return profile.isCurrent(profileId)
  }

  async function load(): Promise<void> {
    const stillOpen = scope.begin()
    try {
      const next = await api.accountsState()
      if (!stillOpen()) return
      state.value = next
      loadError.value = null
      if (profile.currentId == null) profile.know(next.current)
      // A change whose event never came (or came before we listened): catch up with the core.
      else if (next.current.id !== profile.currentId) await profile.open(next.current)
    } catch (e) {
      if (stillOpen()) loadError.value = errorMessage(e)
    }
  }

  /** The window now shows `profile` (the command's answer; the core's event says the same). */
  function applyProfile(opened: ProfileSummary): Promise<void> {
    return profile.open(opened)
  }

  /** Signs in in the system browser; resolves with the new open profile, or null (cancelled or failed). */
  async function signIn(): Promise<ProfileSummary | null> {
    const mine = ++attempt
    phase.value = 'starting'
    pending.value = null
    signInError.value = null
    try {
      const started = await api.beginSignIn()
      if (mine !== attempt) return null
      pending.value = started
      phase.value = 'waiting'
      const opened = await api.finishSignIn()
      if (mine !== attempt) return null
      phase.value = 'idle'
      pending.value = null
      await applyProfile(opened)
      return opened
    } catch (e) {
      if (mine !== attempt) return null
      pending.value = null
      phase.value = 'error'
      signInError.value = { kind: errorKind(e), message: errorMessage(e) }
      return null
    }
  }

  /** Stops waiting for the browser; the core frees its listener. */
  async function cancelSignIn(): Promise<void> {
    attempt++
    phase.value = 'idle'
    pending.value = null
    signInError.value = null
    try {
      await api.cancelSignIn()
    } catch {
      // Nothing is waiting any more either way.
    }
  }

  function dismissError() {
    if (phase.value === 'error') phase.value = 'idle'
    signInError.value = null
  }

  async function run<T>(action: () => Promise<T>): Promise<T> {
    busy.value = true
    try {
      return await action()
    } finally {
      busy.value = false
    }
  }

  /** Opens another profile of this device (no network). Throws the core's typed error. */
  function switchTo(id: string): Promise<void> {
    return run(async () => applyProfile(await api.switchProfile(id)))
  }

  /** Back to the local library; the account's files stay on this device. */
  function signOut(): Promise<void> {
    return run(async () => applyProfile(await api.signOut()))
  }

  /**
   * Deletes a profile's library and keys from this device (the UI asks first). When it was open the
   * core opens the local library. Resolves with the core's warning, if any (e.g. keys left behind).
   */
  function remove(id: string): Promise<string | null> {
    return run(async () => {
      const warning = await api.removeProfile(id)
      await load()
      return warning
    })
  }

  return {
    state, loadError, currentId, switching, busy, phase, pending, signInError,
    current, profiles, accounts, signedIn, signInConfigured,
    isCurrent, load, applyProfile, signIn, cancelSignIn, dismissError, switchTo, signOut, remove,
  }
})
