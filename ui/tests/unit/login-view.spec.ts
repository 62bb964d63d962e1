import { describe, it, expect, vi, beforeEach } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AccountsState, ErrorKind, ProfileSummary } from '@/api'

// The Login view over the src/api boundary (the core's accounts commands are these mocks).
const api = vi.hoisted(() => ({
  accountsState: vi.fn(),
  beginSignIn: vi.fn(),
  finishSignIn: vi.fn(),
  cancelSignIn: vi.fn(),
  copyText: vi.fn(),
  appInfo: vi.fn(),
  listJobs: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { ApiError } from '@/api'
import { useToast } from '@/components/shared/toast'
import { makeI18n } from '@/i18n'
import LoginView from '@/views/LoginView.vue'

const LOCAL: ProfileSummary = { id: 'local', kind: 'local', displayName: 'Local library', email: null, name: null, issuer: null, emailVerified: null, current: true }
const ADA: ProfileSummary = {
  id: 'g-ada', kind: 'google', displayName: 'Ada Lovelace', email: 'ada@example.com', name: 'Ada Lovelace',
  issuer: 'https://accounts.google.com', emailVerified: true, current: true,
}
const URL_ = 'https://accounts.google.com/o/oauth2/v2/auth?client_id=x&state=y'
const state = (current: ProfileSummary, configured = true): AccountsState => ({
  current, profiles: [LOCAL, { ...ADA, current: current.id === ADA.id }].map((p) => ({ ...p, current: p.id === current.id })),
  signInConfigured: configured, issuer: 'https://accounts.google.com',
})
const byId = (id: string) => `[data-testid="${id}"]`

async function mountLogin(from = '/gallery?image=img-1') {
  const pinia = createPinia()
  setActivePinia(pinia)
  const Blank = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Blank },
      { path: '/gallery', name: 'gallery', component: Blank },
      { path: '/settings', name: 'settings', component: Blank },
      { path: '/login', name: 'login', component: LoginView },
    ],
  })
  await router.push({ path: '/login', query: { from } })
  const wrapper = mount(LoginView, { global: { plugins: [pinia, router, makeI18n()] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('Login view', () => {
  beforeEach(() => {
    for (const fn of Object.values(api)) fn.mockReset()
    api.accountsState.mockResolvedValue(state(LOCAL))
    api.beginSignIn.mockResolvedValue({ url: URL_, browserOpened: true })
    api.finishSignIn.mockReturnValue(new Promise(() => {}))
    api.cancelSignIn.mockResolvedValue(undefined)
    api.copyText.mockResolvedValue(undefined)
    api.appInfo.mockResolvedValue({ version: '1', profileId: 'g-ada', dataDir: '/d', jobCount: 0 })
    api.listJobs.mockResolvedValue({ items: [], nextCursor: null })
    useToast().dismissToast()
  })

  it('offers Google and going on without an account, and says honestly what an account is', async () => {
    const { wrapper, router } = await mountLogin()
    expect(wrapper.get('h1').text()).toBe('Sign in to Nanoforge')
    expect(wrapper.get(byId('signin-google')).text()).toBe('Continue with Google')
    expect(wrapper.get(byId('login-honest')).text()).toContain('nothing is uploaded unless you set up sync later')
    expect(wrapper.text()).toContain('separate library for each account on this device')
    await wrapper.get(byId('signin-without')).trigger('click')
    await flushPromises()
    // Back where the person came from, without the old library's image id.
    expect(router.currentRoute.value.fullPath).toBe('/gallery')
    expect(api.beginSignIn).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it('waits with the link shown, Copy and Cancel, and says when the browser did not open', async () => {
    api.beginSignIn.mockResolvedValue({ url: URL_, browserOpened: false })
    const { wrapper } = await mountLogin()
    await wrapper.get(byId('signin-google')).trigger('click')
    await flushPromises()
    expect((wrapper.get(byId('signin-link')).element as HTMLInputElement).value).toBe(URL_)
    expect(wrapper.get(byId('signin-browser-note')).text()).toContain('did not open')
    expect(wrapper.find(byId('signin-google')).exists()).toBe(false)
    expect(wrapper.find(byId('signin-without')).exists()).toBe(false)

    await wrapper.get(byId('signin-copy')).trigger('click')
    await flushPromises()
    expect(api.copyText).toHaveBeenCalledWith(URL_)
    expect(wrapper.get(byId('signin-copy')).text()).toBe('Link copied')

    await wrapper.get(byId('signin-cancel')).trigger('click')
    await flushPromises()
    expect(api.cancelSignIn).toHaveBeenCalledTimes(1)
    expect(wrapper.find(byId('signin-link')).exists()).toBe(false)
    expect(wrapper.find(byId('signin-google')).exists()).toBe(true)
    wrapper.unmount()
  })

  it('when copying fails it says so and selects the link to copy by hand', async () => {
    api.copyText.mockRejectedValue(new ApiError({ kind: 'internal', message: 'clipboard denied' }))
    const { wrapper } = await mountLogin()
    await wrapper.get(byId('signin-google')).trigger('click')
    await flushPromises()
    await wrapper.get(byId('signin-copy')).trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('Could not copy')
    wrapper.unmount()
  })

  const titles: [ErrorKind, string][] = [
    ['sign_in_denied', 'Sign-in was declined'],
    ['sign_in_failed', 'Sign-in did not complete'],
    ['invalid_token', 'The answer from Google could not be verified'],
    ['clock_skew', 'Your device’s clock looks wrong'],
    ['network', 'Can’t reach Google'],
    ['timeout', 'The sign-in page was not finished in time'],
    ['sign_in_not_configured', 'Sign-in is not set up in this build'],
    ['database', 'Sign-in failed'],
  ]
  it.each(titles)('a %s failure reads “%s”, shows the details and offers Try again', async (kind, title) => {
    api.finishSignIn.mockRejectedValue(new ApiError({ kind, message: `details of ${kind}` }))
    const { wrapper } = await mountLogin()
    await wrapper.get(byId('signin-google')).trigger('click')
    await flushPromises()
    const error = wrapper.get(byId('signin-error'))
    expect(error.attributes('data-kind')).toBe(kind)
    expect(error.get(byId('signin-error-title')).text()).toBe(title)
    expect(error.text()).toContain(`Details: details of ${kind}`)
    expect(error.attributes('role')).toBe('alert')
    expect(wrapper.get(byId('signin-google')).text()).toBe('Try again')
    expect(wrapper.find(byId('signin-without')).exists()).toBe(true)

    api.finishSignIn.mockReturnValue(new Promise(() => {}))
    await wrapper.get(byId('signin-google')).trigger('click')
    await flushPromises()
    expect(api.beginSignIn).toHaveBeenCalledTimes(2)
    expect(wrapper.find(byId('signin-error')).exists()).toBe(false)
    expect(wrapper.find(byId('signin-link')).exists()).toBe(true)
    wrapper.unmount()
  })

  it('signs in and goes back (path only), telling who is signed in', async () => {
    let resolve!: (p: ProfileSummary) => void
    api.finishSignIn.mockReturnValue(new Promise<ProfileSummary>((r) => { resolve = r }))
    const { wrapper, router } = await mountLogin()
    await wrapper.get(byId('signin-google')).trigger('click')
    await flushPromises()
    api.accountsState.mockResolvedValue(state(ADA))
    resolve(ADA)
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/gallery')
    expect(useToast().current.value?.message).toBe('Signed in as Ada Lovelace.')
    wrapper.unmount()
  })

  it('says so where the person would click when this build has no sign-in, and still lets them go on', async () => {
    api.accountsState.mockResolvedValue(state(LOCAL, false))
    const { wrapper, router } = await mountLogin('/')
    expect(wrapper.find(byId('signin-google')).exists()).toBe(false)
    const note = wrapper.get(byId('signin-not-configured'))
    expect(note.text()).toContain('Sign-in is not set up in this build')
    expect(note.text()).toContain('NANOFORGE_OIDC_CLIENT_ID')
    // Not a dead end: the way to a client of one's own, at its card in Settings.
    const setUp = wrapper.get(byId('signin-set-up-client'))
    expect(setUp.text()).toBe('Set up your own Google client')
    expect(setUp.attributes('href')).toBe('/settings#settings-signin-client')
    await wrapper.get(byId('signin-without')).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/')
    wrapper.unmount()
  })

  it('adding another account offers going back to the open one instead', async () => {
    api.accountsState.mockResolvedValue(state(ADA))
    const { wrapper } = await mountLogin()
    expect(wrapper.get('h1').text()).toBe('Add another account')
    expect(wrapper.get(byId('signin-without')).text()).toBe('Back to Ada Lovelace')
    wrapper.unmount()
  })

  it('leaving the view while waiting stops the sign-in', async () => {
    const { wrapper } = await mountLogin()
    await wrapper.get(byId('signin-google')).trigger('click')
    await flushPromises()
    wrapper.unmount()
    await flushPromises()
    expect(api.cancelSignIn).toHaveBeenCalledTimes(1)
  })

  it('ignores an unsafe “from” and goes Home', async () => {
    const { wrapper, router } = await mountLogin('//evil.example/x')
    await wrapper.get(byId('signin-without')).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/')
    wrapper.unmount()
  })
})
