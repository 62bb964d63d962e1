import { describe, it, expect, vi, beforeEach } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { SignInClientStatus } from '@/api'

// Settings → Account → "Use your own Google client" over the src/api boundary.
const api = vi.hoisted(() => ({
  signInClient: vi.fn(),
  setSignInClient: vi.fn(),
  testSignInClient: vi.fn(),
  clearSignInClient: vi.fn(),
  accountsState: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { ApiError } from '@/api'
import SignInClientCard from '@/components/settings/SignInClientCard.vue'
import { makeI18n } from '@/i18n'
import { useAccountsStore } from '@/stores/accounts'

const GOOGLE = 'https://accounts.google.com'
const NONE: SignInClientStatus = { clientId: null, source: null, hasSecret: false, issuer: GOOGLE }
const MINE: SignInClientStatus = { clientId: '4242-mine.apps.googleusercontent.com', source: 'settings', hasSecret: true, issuer: GOOGLE }
const LOCAL = { id: 'local', kind: 'local', displayName: 'Local library', email: null, name: null, issuer: null, emailVerified: null, current: true } as const
const byId = (id: string) => `[data-testid="${id}"]`

async function mountCard() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const Blank = { template: '<div />' }
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: Blank }, { path: '/login', component: Blank }] })
  const wrapper = mount(SignInClientCard, { global: { plugins: [pinia, router, makeI18n()] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('Use your own Google client', () => {
  beforeEach(() => {
    for (const fn of Object.values(api)) fn.mockReset()
    api.signInClient.mockResolvedValue(NONE)
    api.accountsState.mockResolvedValue({ current: LOCAL, profiles: [LOCAL], signInConfigured: false, issuer: GOOGLE })
  })

  it('without a client it says so and opens the guide: Desktop app, the non-sensitive scopes, the 100-user cap', async () => {
    const w = await mountCard()
    expect(w.get(byId('signin-client-none')).text()).toContain('signing in is not available')
    const guide = w.get(byId('signin-client-guide')).element as HTMLDetailsElement
    expect(guide.open).toBe(true)
    expect(guide.textContent).toContain('Desktop app')
    expect(guide.textContent).toContain('openid, email and profile')
    expect(guide.textContent).toContain('Publish app')
    expect(guide.textContent).toContain('up to 100')
    expect((w.get(byId('signin-client-secret')).element as HTMLInputElement).type).toBe('password')
    expect(w.get(byId('signin-client-test')).attributes('disabled')).toBeDefined()
    expect(w.get(byId('signin-client-clear')).attributes('disabled')).toBeDefined()
    w.unmount()
  })

  it('Save sends the id and secret, shows where the client comes from (never the secret) and makes sign-in work', async () => {
    const w = await mountCard()
    const accounts = useAccountsStore()
    expect(accounts.signInConfigured).toBeNull()
    api.setSignInClient.mockResolvedValue(MINE)
    api.accountsState.mockResolvedValue({ current: LOCAL, profiles: [LOCAL], signInConfigured: true, issuer: GOOGLE })
    await w.get(byId('signin-client-id')).setValue('  4242-mine.apps.googleusercontent.com ')
    await w.get(byId('signin-client-secret')).setValue('GOCSPX-secret')
    await w.get('form').trigger('submit')
    await flushPromises()

    expect(api.setSignInClient).toHaveBeenCalledWith('4242-mine.apps.googleusercontent.com', 'GOCSPX-secret')
    expect(w.get(byId('signin-client-outcome')).text()).toContain('Saved. Signing in uses this client now.')
    expect(w.get(byId('signin-client-signin')).attributes('href')).toBe('/login')
    expect(w.get(byId('signin-client-source')).text()).toBe('set up on this device')
    expect(w.get(byId('signin-client-has-secret')).text()).toBe('stored (OS keychain)')
    expect((w.get(byId('signin-client-secret')).element as HTMLInputElement).value).toBe('')
    expect(w.html()).not.toContain('GOCSPX-secret')
    // The Login view and the account menu know at once.
    expect(accounts.signInConfigured).toBe(true)
    // The same client again without a secret would only drop the stored one.
    expect(w.get(byId('signin-client-save')).attributes('disabled')).toBeDefined()
    w.unmount()
  })

  it('a client without a secret is sent as such', async () => {
    const w = await mountCard()
    api.setSignInClient.mockResolvedValue({ ...MINE, hasSecret: false })
    await w.get(byId('signin-client-id')).setValue('other-issuer-client')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.setSignInClient).toHaveBeenCalledWith('other-issuer-client', null)
    expect(w.get(byId('signin-client-has-secret')).text()).toBe('none')
    w.unmount()
  })

  it('no keychain: the core\'s message names the environment variable, and nothing was saved', async () => {
    const w = await mountCard()
    api.setSignInClient.mockRejectedValue(new ApiError({
      kind: 'keychain',
      message: 'the system keychain is unavailable: no keychain service is running on this system (or set NANOFORGE_OIDC_CLIENT_SECRET)',
    }))
    await w.get(byId('signin-client-id')).setValue('4242-mine.apps.googleusercontent.com')
    await w.get(byId('signin-client-secret')).setValue('GOCSPX-secret')
    await w.get('form').trigger('submit')
    await flushPromises()
    const outcome = w.get(byId('signin-client-outcome'))
    expect(outcome.attributes('role')).toBe('alert')
    expect(outcome.text()).toContain('NANOFORGE_OIDC_CLIENT_SECRET')
    expect(outcome.text()).toContain('Nothing was saved.')
    expect(w.find(byId('signin-client-none')).exists()).toBe(true)
    // What was typed stays, to try again once a keychain runs.
    expect((w.get(byId('signin-client-secret')).element as HTMLInputElement).value).toBe('GOCSPX-secret')
    expect(api.accountsState).not.toHaveBeenCalled()
    w.unmount()
  })

  it('Test runs discovery: OK, or the reason it failed', async () => {
    api.signInClient.mockResolvedValue(MINE)
    const w = await mountCard()
    expect((w.get(byId('signin-client-id')).element as HTMLInputElement).value).toBe(MINE.clientId)
    expect((w.get(byId('signin-client-guide')).element as HTMLDetailsElement).open).toBe(false)
    api.testSignInClient.mockResolvedValueOnce(MINE)
    await w.get(byId('signin-client-test')).trigger('click')
    await flushPromises()
    expect(w.get(byId('signin-client-outcome')).text()).toBe('Discovery OK: accounts.google.com answered, this client can be used to sign in.')
    expect(api.accountsState).not.toHaveBeenCalled()

    api.testSignInClient.mockRejectedValueOnce(new ApiError({ kind: 'network', message: 'Can\'t reach accounts.google.com' }))
    await w.get(byId('signin-client-test')).trigger('click')
    await flushPromises()
    expect(w.get(byId('signin-client-outcome')).text()).toBe('The test failed: Can\'t reach accounts.google.com')
    expect(w.get(byId('signin-client-outcome')).attributes('data-ok')).toBe('false')
    w.unmount()
  })

  it('Clear forgets this device\'s client; the build\'s applies again', async () => {
    api.signInClient.mockResolvedValue(MINE)
    const w = await mountCard()
    api.clearSignInClient.mockResolvedValue({ clientId: '1234-build.apps.googleusercontent.com', source: 'build', hasSecret: true, issuer: GOOGLE })
    await w.get(byId('signin-client-clear')).trigger('click')
    await flushPromises()
    expect(api.clearSignInClient).toHaveBeenCalledTimes(1)
    expect(w.get(byId('signin-client-source')).text()).toBe('built into this copy of Nanoforge')
    expect(w.get(byId('signin-client-outcome')).text()).toContain('Cleared.')
    expect((w.get(byId('signin-client-id')).element as HTMLInputElement).value).toBe('')
    expect(api.accountsState).toHaveBeenCalled()
    w.unmount()
  })

  it('a client from the environment wins, and the card says so', async () => {
    api.signInClient.mockResolvedValue({ clientId: 'env-client', source: 'environment', hasSecret: true, issuer: GOOGLE })
    const w = await mountCard()
    expect(w.get(byId('signin-client-source')).text()).toBe('from the environment (NANOFORGE_OIDC_CLIENT_ID)')
    expect(w.text()).toContain('NANOFORGE_OIDC_CLIENT_ID is set in the environment')
    // The environment's id is not put in the form: only this device's own is edited here.
    expect((w.get(byId('signin-client-id')).element as HTMLInputElement).value).toBe('')
    w.unmount()
  })
})
