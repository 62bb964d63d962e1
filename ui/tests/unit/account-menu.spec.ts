import { describe, it, expect, vi, beforeEach } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AccountsState, ProfileSummary } from '@/api'

// The account menu over the src/api boundary.
const api = vi.hoisted(() => ({
  accountsState: vi.fn(),
  switchProfile: vi.fn(),
  signOut: vi.fn(),
  removeProfile: vi.fn(),
  appInfo: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import AccountMenu from '@/components/accounts/AccountMenu.vue'
import { useToast } from '@/components/shared/toast'
import { makeI18n } from '@/i18n'
import { useAccountsStore } from '@/stores/accounts'

const LOCAL: ProfileSummary = { id: 'local', kind: 'local', displayName: 'Local library', email: null, name: null, issuer: null, emailVerified: null, current: false }
const ADA: ProfileSummary = {
  id: 'g-ada', kind: 'google', displayName: 'Ada Lovelace', email: 'ada@example.com', name: 'Ada Lovelace',
  issuer: 'https://accounts.google.com', emailVerified: true, current: false,
}
const state = (currentId: string, configured = true, profiles = [LOCAL, ADA]): AccountsState => {
  const all = profiles.map((p) => ({ ...p, current: p.id === currentId }))
  return { current: all.find((p) => p.current)!, profiles: all, signInConfigured: configured, issuer: 'https://accounts.google.com' }
}
const byId = (id: string) => `[data-testid="${id}"]`

async function mountMenu(s: AccountsState) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const Blank = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: ['/', '/settings', '/gallery', '/login'].map((path) => ({ path, name: path === '/' ? 'home' : path.slice(1), component: Blank })),
  })
  await router.push('/gallery')
  api.accountsState.mockResolvedValue(s)
  await useAccountsStore().load()
  const wrapper = mount(AccountMenu, { global: { plugins: [pinia, router, makeI18n()] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('account menu', () => {
  beforeEach(() => {
    for (const fn of Object.values(api)) fn.mockReset()
    api.appInfo.mockResolvedValue({ version: '1', profileId: 'local', dataDir: '/d', jobCount: 0 })
    useToast().dismissToast()
    document.body.innerHTML = ''
  })

  it('shows the local library, the libraries on this device, and no sign-out or removal for it', async () => {
    const { wrapper } = await mountMenu(state('local'))
    expect(wrapper.get(byId('account-name')).text()).toBe('Local library')
    const button = wrapper.get(byId('account-button'))
    expect(button.attributes('aria-expanded')).toBe('false')
    await button.trigger('click')
    expect(button.attributes('aria-expanded')).toBe('true')
    const profiles = wrapper.findAll(byId('account-profile'))
    expect(profiles.map((p) => p.attributes('data-id'))).toEqual(['local', 'g-ada'])
    expect(profiles[0].attributes('aria-current')).toBe('true')
    expect(wrapper.get(byId('account-signin')).text()).toContain('Add another account')
    expect(wrapper.find(byId('account-signout')).exists()).toBe(false)
    expect(wrapper.find(byId('account-remove')).exists()).toBe(false)
    wrapper.unmount()
  })

  it('opens another library from the list and says so', async () => {
    const { wrapper } = await mountMenu(state('local'))
    // The fake core's state changes when it switches, not before.
    api.switchProfile.mockImplementation(async () => {
      api.accountsState.mockResolvedValue(state('g-ada'))
      return { ...ADA, current: true }
    })
    await wrapper.get(byId('account-button')).trigger('click')
    await wrapper.findAll(byId('account-profile'))[1].trigger('click')
    await flushPromises()
    expect(api.switchProfile).toHaveBeenCalledWith('g-ada')
    expect(wrapper.find(byId('account-menu')).exists()).toBe(false)
    expect(wrapper.get(byId('account-name')).text()).toBe('Ada Lovelace')
    expect(useToast().current.value?.message).toBe('Now showing Ada Lovelace.')
    wrapper.unmount()
  })

  it('sign in goes to the Login view and back to this page', async () => {
    const { wrapper, router } = await mountMenu(state('local', true, [LOCAL]))
    await wrapper.get(byId('account-button')).trigger('click')
    expect(wrapper.get(byId('account-signin')).text()).toContain('Sign in with Google')
    await wrapper.get(byId('account-signin')).trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.from).toBe('/gallery')
    wrapper.unmount()
  })

  it('reads the profiles again on open (the CLI may have signed in another account)', async () => {
    const { wrapper } = await mountMenu(state('local', true, [LOCAL]))
    api.accountsState.mockResolvedValue(state('local'))
    await wrapper.get(byId('account-button')).trigger('click')
    await flushPromises()
    expect(wrapper.findAll(byId('account-profile')).map((p) => p.attributes('data-id'))).toEqual(['local', 'g-ada'])
    wrapper.unmount()
  })

  it('says where the person would click that this build cannot sign in', async () => {
    const { wrapper } = await mountMenu(state('local', false, [LOCAL]))
    await wrapper.get(byId('account-button')).trigger('click')
    expect(wrapper.get(byId('account-signin-unavailable')).text()).toBe('Sign-in is not set up in this build')
    wrapper.unmount()
  })

  it('removing an account asks first, names what goes, and only then removes', async () => {
    const { wrapper } = await mountMenu(state('g-ada'))
    await wrapper.get(byId('account-button')).trigger('click')
    expect(wrapper.get(byId('account-menu-detail')).text()).toBe('ada@example.com')
    await wrapper.get(byId('account-remove')).trigger('click')
    await flushPromises()
    const dialog = document.querySelector<HTMLElement>(byId('confirm-dialog'))!
    expect(dialog.textContent).toContain('Remove Ada Lovelace from this device?')
    expect(dialog.textContent).toContain('library folder')
    expect(dialog.textContent).toContain('keys')
    expect(api.removeProfile).not.toHaveBeenCalled()

    // Cancel keeps everything.
    dialog.querySelector<HTMLElement>(byId('confirm-cancel'))!.click()
    await flushPromises()
    expect(document.querySelector(byId('confirm-dialog'))).toBeNull()
    expect(api.removeProfile).not.toHaveBeenCalled()

    await wrapper.get(byId('account-button')).trigger('click')
    await wrapper.get(byId('account-remove')).trigger('click')
    await flushPromises()
    api.removeProfile.mockImplementation(async () => {
      api.accountsState.mockResolvedValue(state('local', true, [LOCAL]))
      return null
    })
    document.querySelector<HTMLElement>(byId('confirm-ok'))!.click()
    await flushPromises()
    expect(api.removeProfile).toHaveBeenCalledWith('g-ada')
    expect(wrapper.get(byId('account-name')).text()).toBe('Local library')
    expect(useToast().current.value?.message).toBe('Removed Ada Lovelace from this device.')
    wrapper.unmount()
  })

  it('signs out, keeping the files, and closes with Escape back to the button', async () => {
    const { wrapper } = await mountMenu(state('g-ada'))
    const button = wrapper.get(byId('account-button'))
    await button.trigger('click')
    await flushPromises()
    expect(wrapper.get(byId('account-signout')).text()).toContain('Your files stay on this device')
    await wrapper.get(byId('account-menu')).trigger('keydown', { key: 'Escape' })
    expect(wrapper.find(byId('account-menu')).exists()).toBe(false)
    expect(document.activeElement).toBe(button.element)

    api.signOut.mockImplementation(async () => {
      api.accountsState.mockResolvedValue(state('local'))
      return { ...LOCAL, current: true }
    })
    await button.trigger('click')
    await wrapper.get(byId('account-signout')).trigger('click')
    await flushPromises()
    expect(api.signOut).toHaveBeenCalledTimes(1)
    expect(wrapper.get(byId('account-name')).text()).toBe('Local library')
    expect(useToast().current.value?.message).toBe('Signed out. Ada Lovelace’s files stay on this device.')
    wrapper.unmount()
  })
})
