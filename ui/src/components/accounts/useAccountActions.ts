// The account actions the menu and the Settings card share: open another library, sign in (the Login
// view), sign out, and remove a profile after asking. Outcomes are told in the shell's toast.
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute, useRouter } from 'vue-router'
import { errorMessage, type ProfileSummary } from '@/api'
import { showToast } from '@/components/shared/toast'
import { useAccountsStore } from '@/stores/accounts'
import { useProfileName } from './useProfileName'

export function useAccountActions() {
  const { t } = useI18n()
  const accounts = useAccountsStore()
  const router = useRouter()
  const route = useRoute()
  const { name } = useProfileName()
  /** The profile the "remove from this device" dialog asks about. */
  const removing = ref<ProfileSummary | null>(null)

  function failed(e: unknown) {
    showToast(t('accounts.actionFailed', { message: errorMessage(e) }), { tone: 'error' })
  }

  /** The Login view, coming back here afterwards (or to Home from the Login view itself). */
  function signIn() {
    const from = route.name === 'login' ? undefined : route.fullPath
    void router.push({ name: 'login', query: from ? { from } : {} })
  }

  async function open(profile: ProfileSummary) {
    if (profile.current || accounts.busy) return
    try {
      await accounts.switchTo(profile.id)
      showToast(t('accounts.switched', { name: name(profile) }))
    } catch (e) {
      failed(e)
    }
  }

  async function signOut() {
    const was = accounts.current
    try {
      await accounts.signOut()
      showToast(t('accounts.signedOut', { name: name(was) }))
    } catch (e) {
      failed(e)
    }
  }

  function askRemove(profile: ProfileSummary) {
    if (profile.kind !== 'local') removing.value = profile
  }

  function cancelRemove() {
    removing.value = null
  }

  async function confirmRemove() {
    const profile = removing.value
    removing.value = null
    if (!profile) return
    try {
      const warning = await accounts.remove(profile.id)
      showToast(warning
        ? t('accounts.removedWithWarning', { name: name(profile), warning })
        : t('accounts.removed', { name: name(profile) }), warning ? { tone: 'error', ms: 10_000 } : {})
    } catch (e) {
      failed(e)
    }
  }

  return { removing, signIn, open, signOut, askRemove, cancelRemove, confirmRemove }
}
