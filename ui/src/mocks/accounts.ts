// The accounts side of the in-page core (browser-test build only): profiles on this "device", each with
// its own in-memory library, and a sign-in that behaves like the real one seen from the page: begin gives
// a URL, finish resolves once the page has shown that link (the "browser" came back), or fails with a
// typed kind. Tests steer it through `window.__NANOFORGE_ACCOUNTS__` (see `AccountsControl`) or the URL:
//   ?signin=denied|sign_in_failed|invalid_token|clock_skew|network|timeout|cancelled|hold  next outcome
//   ?nosignin   a build with no sign-in client      ?nobrowser   the system browser "did not open"
//   ?accounts   two accounts already on the device (Ada with a small library, Grace with none)
import type { ErrorKind, ProfileSummary, SignInStarted } from '@/api'
import { emptyState, seedState, type MockState } from './backend'

const GOOGLE = 'https://accounts.google.com'

export interface MockIdentity {
  sub: string
  email: string
  name: string | null
  emailVerified: boolean
}

/** Who the "browser" signs in as, in turn (each one not yet on the device). */
export const IDENTITIES: MockIdentity[] = [
  { sub: '104233', email: 'ada.lovelace@example.com', name: 'Ada Lovelace', emailVerified: true },
  { sub: '207781', email: 'grace@example.org', name: 'Grace Hopper', emailVerified: true },
  { sub: '309912', email: 'kim.nakamura@example.net', name: null, emailVerified: false },
]

export interface MockProfile {
  summary: Omit<ProfileSummary, 'current'>
  library: MockState
}

/** `ok` signs in; `hold` waits for `release()`; an error kind fails with it. */
export type SignInOutcome = 'ok' | 'hold' | ErrorKind

/** What a browser test can read and steer (`window.__NANOFORGE_ACCOUNTS__`). */
export interface AccountsControl {
  outcome: SignInOutcome
  /** The identity the next sign-in returns (default: the first of `IDENTITIES` not on the device). */
  identity: MockIdentity | null
  browserOpened: boolean
  signInConfigured: boolean
  /** A warning `remove_profile` answers with (keys that "could not be deleted"). */
  removeWarning: string | null
  /** Completes a sign-in held with `outcome = 'hold'`. */
  release: () => void
  /** Accounts commands called, in order. */
  calls: string[]
  /** The last text put on the clipboard. */
  copied: string | null
  profiles: () => MockProfile[]
  currentId: () => string
}

const MESSAGES: Partial<Record<ErrorKind, string>> = {
  sign_in_denied: 'you declined to sign in (access_denied)',
  sign_in_failed: 'the identity provider refused the sign-in: invalid_grant (Bad Request)',
  sign_in_not_configured: 'sign-in is not set up in this build: set NANOFORGE_OIDC_CLIENT_ID (and NANOFORGE_OIDC_CLIENT_SECRET for a Google desktop client)',
  invalid_token: 'the sign-in answer is not valid: the token was not signed by a known key',
  clock_skew: 'your device\'s clock is about 12 minutes off; set the date and time correctly, then sign in again',
  network: 'Can\'t reach accounts.google.com to sign in (connection refused). Check your internet connection, then try again.',
  timeout: 'the sign-in page was not completed within 5 minutes; start again when you are ready',
  cancelled: 'sign-in cancelled',
}

const fail = (kind: ErrorKind) => ({ kind, message: MESSAGES[kind] ?? `sign-in failed (${kind})` })

/** The core's id for an account: a hash of issuer and subject (never the email). */
function profileIdOf(sub: string): string {
  let h = 2166136261
  for (const c of `${GOOGLE}|${sub}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
  return `g-${(h >>> 0).toString(16).padStart(8, '0')}${sub.padStart(16, '0')}`
}

function accountProfile(who: MockIdentity, library: MockState): MockProfile {
  return {
    summary: {
      id: profileIdOf(who.sub), kind: 'google', displayName: who.name ?? who.email, email: who.email, name: who.name,
      issuer: GOOGLE, emailVerified: who.emailVerified,
    },
    library,
  }
}

interface Flow {
  started: SignInStarted
  settle: (() => void) | null
  reject: ((e: unknown) => void) | null
}

/**
 * The device's profiles (local first) and the sign-in flow. `switchTo` makes a profile current and calls
 * `onSwitch`, which sends the core's `profile` event (after the command has answered, as the core's event may).
 * `otherClient` says whether a sign-in client other than the build's is known (the environment's, or one
 * set up on this device: ./device.ts); `control.signInConfigured` is the build's own.
 */
export function createAccounts(local: MockState, onSwitch: (summary: ProfileSummary) => void, otherClient: () => boolean = () => false) {
  const query = new URLSearchParams(location.search)
  const profiles: MockProfile[] = [{
    summary: { id: 'local', kind: 'local', displayName: 'Local library', email: null, name: null, issuer: null, emailVerified: null },
    library: local,
  }]
  if (query.has('accounts')) {
    profiles.push(accountProfile(IDENTITIES[0], seedState(6, 'ada-')), accountProfile(IDENTITIES[1], emptyState('grace-')))
  }
  let currentId = 'local'
  let flow: Flow | null = null

  const control: AccountsControl = {
    outcome: (query.get('signin') as SignInOutcome | null) ?? 'ok',
    identity: null,
    browserOpened: !query.has('nobrowser'),
    signInConfigured: !query.has('nosignin'),
    removeWarning: null,
    release: () => flow?.settle?.(),
    calls: [],
    copied: null,
    profiles: () => profiles,
    currentId: () => currentId,
  }

  const find = (id: string) => profiles.find((p) => p.summary.id === id)
  const summaryOf = (p: MockProfile): ProfileSummary => ({ ...p.summary, current: p.summary.id === currentId })
  const current = () => find(currentId)!

  function switchTo(id: string): ProfileSummary {
    const p = find(id.trim())
    if (!p) throw { kind: 'not_found', message: `profile ${id}` }
    if (p.summary.id === currentId) return summaryOf(p)
    currentId = p.summary.id
    const summary = summaryOf(p)
    setTimeout(() => onSwitch(summary), 0)
    return summary
  }

  function cancelFlow() {
    const old = flow
    flow = null
    old?.reject?.(fail('cancelled'))
  }

  /** Resolves once the page shows the sign-in link, as a person would need it to open the browser. */
  function linkShown(): Promise<void> {
    return new Promise((resolve) => {
      const look = () => (document.querySelector('[data-testid="signin-link"]') ? resolve() : setTimeout(look, 50))
      look()
    })
  }

  function adopt(): ProfileSummary {
    const who = control.identity ?? IDENTITIES.find((i) => !find(profileIdOf(i.sub))) ?? IDENTITIES[0]
    control.identity = null
    const id = profileIdOf(who.sub)
    if (!find(id)) profiles.push(accountProfile(who, emptyState(`${who.email.split(/[.@]/)[0]}-`)))
    return switchTo(id)
  }

  const handlers = {
    accounts_state: () => ({
      current: summaryOf(current()),
      profiles: profiles.map(summaryOf),
      signInConfigured: control.signInConfigured || otherClient(),
      issuer: GOOGLE,
    }),
    begin_sign_in: (): SignInStarted => {
      cancelFlow()
      if (!control.signInConfigured && !otherClient()) throw fail('sign_in_not_configured')
      // Offline: the provider's discovery document cannot be fetched, so nothing starts.
      if (control.outcome === 'network') throw fail('network')
      const state = Math.random().toString(36).slice(2, 12)
      const url = `${GOOGLE}/o/oauth2/v2/auth?response_type=code&client_id=1234-mock.apps.googleusercontent.com`
        + `&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback&scope=openid%20email%20profile&state=${state}`
        + `&code_challenge=mockchallenge&code_challenge_method=S256&prompt=select_account`
      flow = { started: { url, browserOpened: control.browserOpened }, settle: null, reject: null }
      return flow.started
    },
    finish_sign_in: (): Promise<ProfileSummary> => {
      const mine = flow
      if (!mine) throw { kind: 'invalid_input', message: 'no sign-in is in progress: start one first' }
      return new Promise<ProfileSummary>((resolve, reject) => {
        mine.reject = reject
        mine.settle = () => {
          if (flow !== mine) return
          flow = null
          const outcome = control.outcome
          if (outcome === 'ok' || outcome === 'hold') resolve(adopt())
          else reject(fail(outcome))
        }
        void linkShown().then(() => {
          if (control.outcome !== 'hold') setTimeout(() => mine.settle?.(), 300)
        })
      })
    },
    cancel_sign_in: () => { cancelFlow(); return null },
    switch_profile: (a: { id: string }) => switchTo(a.id),
    sign_out: () => switchTo('local'),
    remove_profile: (a: { id: string }) => {
      const id = a.id.trim()
      if (id === 'local') throw { kind: 'invalid_input', message: 'the local library cannot be removed' }
      if (!find(id)) throw { kind: 'not_found', message: `profile ${id}` }
      if (currentId === id) switchTo('local')
      profiles.splice(profiles.findIndex((p) => p.summary.id === id), 1)
      return control.removeWarning
    },
  }

  return { control, handlers, current, find }
}
