import { defineStore } from 'pinia'
import { nextTick, ref, shallowRef } from 'vue'
import type { ProfileSummary } from '@/api'

/** What a store does when another profile opens: forget the old one's data, and load again what it followed. */
export type ForgetProfile = (opened: ProfileSummary) => void | Promise<void>

/**
 * The profile whose data this window shows, and the switch to another one. Every store that keeps a
 * profile's data registers itself here (`useProfileScoped`), so a switch reaches all of them without
 * anyone naming them; answers asked before a switch are dropped through the same place.
 */
export const useProfileStore = defineStore('profile', () => {
  /** Set the moment a profile is known to be open (before its data is loaded). */
  const currentId = ref<string | null>(null)
  const current = shallowRef<ProfileSummary | null>(null)
  /** True while the window moves to another profile: views are unmounted, stores emptied, then shown again. */
  const switching = ref(false)
  /** Bumped by every switch; an answer asked under an older one belongs to a profile no longer shown. */
  let epoch = 0
  const forgetters: ForgetProfile[] = []

  /** Whether something about `profileId` belongs to what this window shows (everything, before a profile is known). */
  function isCurrent(profileId: string): boolean {
    return currentId.value == null || currentId.value === profileId
  }

  /** The first answer about which profile is open: nothing shown so far belonged to another one. */
  function know(profile: ProfileSummary) {
    if (currentId.value != null) return
    currentId.value = profile.id
    current.value = profile
  }

  /**
   * The window shows `profile` now. Idempotent (a command's answer and the core's event both say it). The
   * open view is unmounted before the stores forget (the Generator hands its form to the draft store on the
   * way out, and that draft must go too); it mounts again once every store has loaded what it followed.
   */
  async function open(profile: ProfileSummary): Promise<void> {
    if (profile.id === currentId.value) return
    const mine = ++epoch
    currentId.value = profile.id
    current.value = profile
    switching.value = true
    await nextTick()
    if (mine !== epoch) return
    await Promise.all(forgetters.map(async (forget) => {
      try {
        await forget(profile)
      } catch (e) {
        // One store that cannot load its part must not keep the window switching.
        console.warn('after a profile switch', e)
      }
    }))
    if (mine === epoch) switching.value = false
  }

  function onOpen(forget: ForgetProfile) {
    forgetters.push(forget)
  }

  /** A mark for an answer asked now, and whether an answer asked at `mark` still belongs to the open profile. */
  const mark = () => epoch
  const stillOpen = (at: number) => at === epoch

  return { currentId, current, switching, isCurrent, know, open, onOpen, mark, stillOpen }
})

export interface ProfileScope {
  /**
   * Call before asking the core; the returned check says whether the answer still belongs to the open
   * profile (false once another one opened: drop it).
   */
  begin: () => () => boolean
}

/**
 * For a store that keeps the open profile's data: `forget` runs when another profile opens (empty what
 * belonged to the old one, then load again what was followed), and `begin` guards each answer.
 */
export function useProfileScoped(forget: ForgetProfile): ProfileScope {
  const profile = useProfileStore()
  profile.onOpen(forget)
  return {
    begin: () => {
      const at = profile.mark()
      return () => profile.stillOpen(at)
    },
  }
}
