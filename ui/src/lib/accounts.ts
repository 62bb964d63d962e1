// Small pure helpers for showing profiles: initials and a colour for the avatar (no network image is
// ever loaded), and which message explains a sign-in failure.
import type { ErrorKind, ProfileSummary } from '@/api'

/** Up to two letters: first and last word of the name, else the start of the email's local part. */
export function initials(profile: Pick<ProfileSummary, 'name' | 'email' | 'displayName'>): string {
  const name = (profile.name ?? '').trim()
  if (name) {
    const words = name.split(/\s+/).filter(Boolean)
    const first = [...words[0]][0] ?? ''
    const last = words.length > 1 ? [...words[words.length - 1]][0] ?? '' : ''
    return (first + last).toLocaleUpperCase()
  }
  const local = (profile.email ?? profile.displayName ?? '').split('@')[0].replace(/[^\p{L}\p{N}]/gu, '')
  return ([...local][0] ?? '?').toLocaleUpperCase()
}

/** Hues far enough apart to tell accounts at a glance, all readable under white initials. */
const AVATAR_HUES = [212, 152, 28, 275, 340, 190, 95, 4]

/** A stable hue per profile (FNV-1a of its id), so two accounts are told apart at a glance. */
export function avatarHue(profileId: string): number {
  let h = 2166136261
  for (let i = 0; i < profileId.length; i++) h = Math.imul(h ^ profileId.charCodeAt(i), 16777619)
  return AVATAR_HUES[(h >>> 0) % AVATAR_HUES.length]
}

/** The sign-in failures with their own explanation; anything else gets the general one. */
export const SIGN_IN_ERROR_KINDS = [
  'sign_in_denied', 'sign_in_failed', 'sign_in_not_configured', 'invalid_token', 'clock_skew', 'network', 'timeout',
  'cancelled',
] as const satisfies readonly ErrorKind[]

export type SignInErrorKey = (typeof SIGN_IN_ERROR_KINDS)[number] | 'other'

export function signInErrorKey(kind: ErrorKind): SignInErrorKey {
  return (SIGN_IN_ERROR_KINDS as readonly string[]).includes(kind) ? (kind as SignInErrorKey) : 'other'
}
