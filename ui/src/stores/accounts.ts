import { defineStore } from 'pinia'
import { computed, nextTick, ref } from 'vue'
import {
  api, errorKind, errorMessage, type AccountsState, type ErrorKind, type ProfileSummary, type SignInStarted,
} from '@/api'
import { useAppStore } from '@/stores/app'
import { useDraftStore } from '@/stores/draft'
import { useGalleryStore } from '@/stores/gallery'
import { useHistoryStore } from '@/stores/history'
import { useJobsStore } from '@/stores/jobs'
import { useSettingsStore } from '@/stores/settings'
import { useStatsStore } from '@/stores/stats'
import { useSyncStore } from '@/stores/sync'

/** Where a sign-in stands: nothing yet, asking the core for the URL, waiting for the browser, or failed. */
export type SignInPhase = 'idle' | 'starting' | 'waiting' | 'error'

export interface SignInFailure {
  kind: ErrorKind
  message: string
}

/**
 * The profiles on this device and the one this window shows; signing in (begin → show the URL with
 * Copy and Cancel → finish), switching, signing out and removing. When another profile opens (from
 * any of these, or the core's `profile-changed` event) every store forgets the previous profile.
 */
export const useAccountsStore = defineStore('accounts', () => {
  const state = ref<AccountsState | null>(null)
  const loadError = ref<string | null>(null)
  /** The profile whose data the stores hold; set the moment a change is known. */
  const currentId = ref<string | null>(null)
  /** True while the window moves to another profile: views are unmounted, stores emptied, then shown again. */
  const switching = ref(false)
  /** A switch, sign-out or removal is running (buttons wait for it). */
  const busy = ref(false)

  const phase = ref<SignInPhase>('idle')
  const pending = ref<SignInStarted | null>(null)
  const signInError = ref<SignInFailure | null>(null)

  const current = computed(() => state.value?.current ?? null)
  const profiles = computed(() => state.value?.profiles ?? [])
  /** Google accounts on this device (not the local library). */
  const accounts = computed(() => profiles.value.filter((p) => p.kind !== 'local'))
  const signedIn = computed(() => current.value != null && current.value.kind !== 'local')
  /** null until the core answered. */
  const signInConfigured = computed(() => state.value?.signInConfigured ?? null)

  /** Bumped by every profile change: answers and steps of an older one are dropped. */
  let switchSeq = 0
  /** Bumped by every sign-in and cancel: the outcome of an abandoned attempt is ignored. */
  let attempt = 0
  let unlisten: (() => void) | null = null
  let listening = false

  /** Whether an event about `profileId` belongs to what this window shows. */
  function isCurrent(profileId: string): boolean {
    return currentId.value == null || currentId.value === profileId
  }

  async function load(): Promise<void> {
    const mine = switchSeq
    try {
      const next = await api.accountsState()
      if (mine !== switchSeq) return
      state.value = next
      loadError.value = null
      if (currentId.value == null) currentId.value = next.current.id
      // A change whose event never came (or came before we listened): catch up with the core.
      else if (next.current.id !== currentId.value) await applyProfile(next.current)
    } catch (e) {
      if (mine === switchSeq) loadError.value = errorMessage(e)
    }
  }

  /** Every store that caches the open profile's data forgets it. */
  function resetProfileStores() {
    const settings = useSettingsStore()
    const followedSettings = settings.settings != null
    useAppStore().reset()
    useGalleryStore().reset()
    useHistoryStore().reset()
    useStatsStore().reset()
    useDraftStore().reset()
    useSyncStore().reset()
    settings.reset()
    return { followedSettings }
  }

  /**
   * The window now shows `profile`. Idempotent (the command's answer and the event both call it). The
   * open view is unmounted before the stores empty and mounted again after, so it loads the new library.
   */
  async function applyProfile(profile: ProfileSummary): Promise<void> {
    if (profile.id === currentId.value) return
    const mine = ++switchSeq
    currentId.value = profile.id
    switching.value = true
    if (state.value) {
      const profiles = state.value.profiles.some((p) => p.id === profile.id)
        ? state.value.profiles
        : [...state.value.profiles, profile]
      state.value = {
        ...state.value,
        current: { ...profile, current: true },
        profiles: profiles.map((p) => ({ ...p, current: p.id === profile.id })),
      }
    }
    // The open view goes first: the Generator hands its form back to the draft store on unmount.
    await nextTick()
    if (mine !== switchSeq) return
    const { followedSettings } = resetProfileStores()
    await Promise.all([
      useAppStore().load(),
      useJobsStore().reset(),
      followedSettings ? useSettingsStore().load() : Promise.resolve(),
      load(),
    ])
    if (mine === switchSeq) switching.value = false
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
      const profile = await api.finishSignIn()
      if (mine !== attempt) return null
      phase.value = 'idle'
      pending.value = null
      await applyProfile(profile)
      return profile
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

  /** Follows the core's profile changes (App.vue, for the window's lifetime). */
  async function start(): Promise<void> {
    if (listening) return
    listening = true
    const off = await api.onProfileChanged((profile) => { void applyProfile(profile) })
    if (listening) unlisten = off
    else off()
  }

  function stop() {
    listening = false
    unlisten?.()
    unlisten = null
  }

  return {
    state, loadError, currentId, switching, busy, phase, pending, signInError,
    current, profiles, accounts, signedIn, signInConfigured,
    isCurrent, load, applyProfile, signIn, cancelSignIn, dismissError, switchTo, signOut, remove, start, stop,
  }
})
