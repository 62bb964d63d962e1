import { describe, it, expect, beforeEach } from 'vitest'
import type { ApiKeyStatus, SecretPurpose } from '@/api'
import { createDevice } from '@/mocks/device'

// The browser-test core's device side (src/mocks/device.ts) answers like the core: what the core keeps in
// the data folder (the welcome's marker, acknowledged crash files) outlives a reload, a restart's stand-in.
function device(query: string, build = false) {
  history.replaceState(null, '', `/${query}`)
  const keys: Partial<Record<SecretPurpose, string>> = {}
  const made = createDevice({
    buildClient: () => build,
    setKey: (purpose, key): ApiKeyStatus => {
      keys[purpose] = key
      return { purpose, configured: true, masked: `••••${key.slice(-4)}`, source: 'keychain', provider: 'demo', keychainError: null }
    },
    version: '0.0.0-mock',
    dataDir: '/mock',
  })
  const call = (cmd: string, args: Record<string, unknown> = {}) => made.handlers[cmd](args)
  return { ...made, call, keys }
}
const refusal = (run: () => unknown) => {
  try {
    run()
  } catch (e) {
    return e as { kind: string; message: string }
  }
  throw new Error('not refused')
}

describe('the mock device', () => {
  beforeEach(() => localStorage.clear())

  it('the welcome is due on a first run only, and once dismissed it stays dismissed after a reload', () => {
    expect(device('').control.welcomeDismissed).toBe(true)
    const first = device('?firstrun')
    expect(first.control.welcomeDismissed).toBe(false)
    first.call('dismiss_welcome')
    expect(first.control.welcomeDismissed).toBe(true)
    expect(device('?firstrun').control.welcomeDismissed).toBe(true)
  })

  it('a seeded crash is listed until acknowledged, also across a reload; the diagnostics name it', () => {
    const d = device('?crash')
    const [crash] = d.call('unseen_crashes') as { message: string; location: string }[]
    expect(crash.location).toBe('core/src/library/thumbs.rs:212:41')
    expect(d.call('diagnostics_report')).toContain(`Crashes not yet seen: 1\n  0.0.0-mock at ${crash.location}: ${crash.message}`)
    expect(d.call('acknowledge_crashes')).toBe(1)
    expect(d.call('unseen_crashes')).toEqual([])
    expect(device('?crash').call('unseen_crashes')).toEqual([])
  })

  it('keys: "bad" is refused and not saved, "offline" is saved not checked, others are accepted', () => {
    const d = device('')
    expect(refusal(() => d.call('check_and_set_key', { purpose: 'nanoBananaKey', key: 'nb-bad-1' })).kind).toBe('api_key_rejected')
    expect(d.keys.nanoBananaKey).toBeUndefined()
    expect(d.call('check_and_set_key', { purpose: 'geminiKey', key: 'AIza-offline' })).toMatchObject({ check: 'notChecked', reason: expect.stringContaining('Can\'t reach') })
    expect(d.keys.geminiKey).toBe('AIza-offline')
    expect(d.call('check_and_set_key', { purpose: 'nanoBananaKey', key: 'nb-1234' })).toMatchObject({ check: 'accepted', reason: null })
  })

  it('the sign-in client: the environment, then this device, then the build; no keychain refuses a secret', () => {
    const d = device('', true)
    expect(d.call('sign_in_client')).toMatchObject({ source: 'build' })
    expect(d.signInConfigured()).toBe(true)
    expect(d.call('set_sign_in_client', { clientId: 'mine', clientSecret: 's' })).toMatchObject({ clientId: 'mine', source: 'settings', hasSecret: true })
    expect(d.call('clear_sign_in_client')).toMatchObject({ source: 'build' })
    expect(refusal(() => d.call('set_sign_in_client', { clientId: 'two words', clientSecret: null })).kind).toBe('invalid_input')

    const bare = device('?nokeychain')
    expect(bare.signInConfigured()).toBe(false)
    expect(refusal(() => bare.call('test_sign_in_client')).kind).toBe('sign_in_not_configured')
    const noKeychain = refusal(() => bare.call('set_sign_in_client', { clientId: 'mine', clientSecret: 's' }))
    expect(noKeychain.kind).toBe('keychain')
    expect(noKeychain.message).toContain('NANOFORGE_OIDC_CLIENT_SECRET')
    expect(bare.call('sign_in_client')).toMatchObject({ clientId: null, source: null })

    expect(device('?envclient').call('sign_in_client')).toMatchObject({ source: 'environment' })
  })
})
