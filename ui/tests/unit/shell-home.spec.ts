import { describe, it, expect, vi, beforeEach } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'

const { appInfo, onCoreChanged, listJobs, accountsState, catalog, syncStatus } = vi.hoisted(() => ({
  catalog: vi.fn(async () => ({ models: [], providers: [], prices: [] })),
  appInfo: vi.fn(),
  onCoreChanged: vi.fn(async () => () => {}),
  listJobs: vi.fn(async () => ({ items: [], nextCursor: null })),
  accountsState: vi.fn(),
  syncStatus: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api: { appInfo, onCoreChanged, listJobs, accountsState, catalog, syncStatus } }
})
// The Dashboard belongs to another part of the UI; Home only has to render it.
vi.mock('@/views/DashboardView.vue', () => ({
  default: { name: 'DashboardView', render: () => h('div', { 'data-testid': 'dashboard-stub' }, 'Dashboard') },
}))

import { makeI18n } from '@/i18n'
import { routes } from '@/router'
import type { ProfileSummary } from '@/api'
import { useAccountsStore } from '@/stores/accounts'
import { useAppStore } from '@/stores/app'
import App from '@/App.vue'
import HomeView from '@/views/HomeView.vue'

const Stub = { render: () => h('h1', 'view') }

function testRouter() {
  // Same names, paths and meta as the app, light components.
  const light = routes.map((r) => (r.name ? { ...r, component: r.name === 'home' ? HomeView : Stub } : r))
  return createRouter({ history: createMemoryHistory(), routes: light as typeof routes })
}

const info = (jobCount: number) => ({ version: '1.2.3', profileId: 'local', imageUrlKey: 'key-local', dataDir: '/data', jobCount, welcomeDismissed: true })
const LOCAL: ProfileSummary = { id: 'local', kind: 'local', displayName: 'Local library', email: null, name: null, issuer: null, emailVerified: null, current: true }
const ADA: ProfileSummary = { id: 'g-ada', kind: 'google', displayName: 'Ada Lovelace', email: 'ada@example.com', name: 'Ada Lovelace', issuer: 'https://accounts.google.com', emailVerified: true, current: true }
const accounts = (current: ProfileSummary) => ({
  current, profiles: [current], signInConfigured: true, issuer: 'https://accounts.google.com',
})

describe('home', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    appInfo.mockReset()
  })

  async function mountHome(jobCount: number, current: ProfileSummary = LOCAL) {
    const router = testRouter()
    await router.push('/')
    const pinia = createPinia()
    setActivePinia(pinia)
    useAppStore().info = info(jobCount)
    useAccountsStore().state = accounts(current)
    const wrapper = mount(HomeView, { global: { plugins: [pinia, router, makeI18n()] } })
    return { wrapper, router }
  }

  it('welcomes an empty library and sends the first image to the Generator', async () => {
    const { wrapper, router } = await mountHome(0)
    expect(wrapper.find('[data-testid="welcome"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="dashboard-stub"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('Demo mode')
    // Signing in is offered, never required.
    expect(wrapper.get('[data-testid="home-account"]').text()).toContain('Have a Google account?')
    await wrapper.get('[data-testid="cta-first-image"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/generator')
  })

  it('shows the Dashboard once there is history', async () => {
    const { wrapper } = await mountHome(5)
    expect(wrapper.find('[data-testid="dashboard-stub"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="welcome"]').exists()).toBe(false)
  })

  it('the welcome’s Sign in opens the Login view, coming back Home', async () => {
    const { wrapper, router } = await mountHome(0)
    await wrapper.get('[data-testid="home-signin"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.from).toBe('/')
  })

  it('says whose library an account’s empty Home is, with no sign-in offer', async () => {
    const { wrapper } = await mountHome(0, ADA)
    expect(wrapper.get('[data-testid="home-account"]').text()).toContain('This is Ada Lovelace’s library on this device.')
    expect(wrapper.find('[data-testid="home-signin"]').exists()).toBe(false)
  })
})

describe('app shell', () => {
  beforeEach(() => {
    appInfo.mockReset()
    accountsState.mockReset()
    accountsState.mockResolvedValue(accounts(LOCAL))
  })

  it('lists every destination, shows the version and titles the document from the route', async () => {
    appInfo.mockResolvedValue(info(3))
    const router = testRouter()
    await router.push('/')
    const pinia = createPinia()
    const wrapper = mount(App, { global: { plugins: [pinia, router, makeI18n()] } })
    await flushPromises()

    for (const name of ['home', 'dashboard', 'generator', 'gallery', 'history', 'analytics', 'settings']) {
      expect(wrapper.find(`[data-testid="nav-${name}"]`).exists()).toBe(true)
    }
    expect(wrapper.get('[data-testid="app-version"]').text()).toBe('v1.2.3')
    expect(document.title).toBe('Nanoforge')
    // The Login view is reached from the account button, not listed with the destinations.
    expect(wrapper.find('[data-testid="nav-login"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="account-name"]').text()).toBe('Local library')
    // One subscription to the core's stream for the whole window; it ends with the window.
    expect(onCoreChanged).toHaveBeenCalledTimes(1)

    await router.push('/gallery')
    await flushPromises()
    expect(document.title).toBe('Gallery · Nanoforge')
    expect(wrapper.get('.shell').classes()).toContain('is-wide')
    await router.push('/settings')
    await flushPromises()
    expect(document.title).toBe('Settings · Nanoforge')
    expect(wrapper.get('.shell').classes()).not.toContain('is-wide')
    expect(wrapper.get('[data-testid="nav-settings"]').attributes('aria-current')).toBe('page')
    wrapper.unmount()
  })

  it('stops listening to the core when the window goes', async () => {
    appInfo.mockResolvedValue(info(3))
    const unlisten = vi.fn()
    onCoreChanged.mockResolvedValueOnce(unlisten)
    const router = testRouter()
    await router.push('/')
    const wrapper = mount(App, { global: { plugins: [createPinia(), router, makeI18n()] } })
    await flushPromises()
    expect(unlisten).not.toHaveBeenCalled()
    wrapper.unmount()
    expect(unlisten).toHaveBeenCalledTimes(1)
  })
})
