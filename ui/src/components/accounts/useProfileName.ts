// What to call a profile in the UI: the local library by its translated name, an account by its name,
// else its email (the core's display name is English and meant for the CLI).
import { useI18n } from 'vue-i18n'
import type { ProfileSummary } from '@/api'

type Named = Pick<ProfileSummary, 'kind' | 'name' | 'email' | 'displayName'>

export function useProfileName() {
  const { t } = useI18n()
  const name = (p: Named | null | undefined): string => {
    if (!p) return ''
    if (p.kind === 'local') return t('accounts.local.name')
    return p.name?.trim() || p.email || p.displayName
  }
  /** The second line under the name: the email when the name is not it, else what the profile is. */
  const detail = (p: Named | null | undefined): string => {
    if (!p) return ''
    if (p.kind === 'local') return t('accounts.local.detail')
    return p.name?.trim() && p.email ? p.email : t('accounts.kind.google')
  }
  return { name, detail }
}
