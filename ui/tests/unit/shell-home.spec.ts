import { describe, it, expect, vi, beforeEach } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'

const { appInfo, onJobProgress, listJobs } = vi.hoisted(() => ({
  appInfo: vi.fn(),
  onJobProgress: vi.fn(async () => () => {}),
  listJobs: vi.fn(async () => ({ items: [], nextCursor: null })),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api: { appInfo, onJobProgress, listJobs } }
})
// The Dashboard belongs to another part of the UI; Home only has to render it.
vi.mock('@/views/DashboardView.vue', () => ({
  default: { name: 'DashboardView', render: () => h('div', { 'data-testid': 'dashboard-stub' }, 'Dashboard') },
}))

import { makeI18n } from '@/i18n'
import { routes } from '@/router'
import { useAppStore } from '@/stores/app'
import App from '@/App.vue'
import HomeView from '@/views/HomeView.vue'

const Stub = { render: () => h('h1', 'view') }

function testRouter() {
  // Same names, paths and meta as the app, light components.
  const light = routes.map((r) => (r.name ? { ...r, component: r.name === 'home' ? HomeView : Stub } : r))
  return createRouter({ history: createMemoryHistory(), routes: light as typeof routes })
}

const info = (jobCount: number) => ({ version: '1.2.3', profileId: 'local', libraryDir: '/lib', jobCount })

describe('home', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    appInfo.mockReset()
  })

  async function mountHome(jobCount: number) {
    const router = testRouter()
    await router.push('/')
    const pinia = createPinia()
    setActivePinia(pinia)
    useAppStore().info = info(jobCount)
    const wrapper = mount(HomeView, { global: { plugins: [pinia, router, makeI18n()] } })
    return { wrapper, router }
  }

  it('welcomes an empty library and sends the first image to the Generator', async () => {
    const { wrapper, router } = await mountHome(0)
    expect(wrapper.find('[data-testid="welcome"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="dashboard-stub"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('Demo mode')
    await wrapper.get('[data-testid="cta-first-image"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/generator')
  })

  it('shows the Dashboard once there is history', async () => {
    const { wrapper } = await mountHome(5)
    expect(wrapper.find('[data-testid="dashboard-stub"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="welcome"]').exists()).toBe(false)
  })
})

describe('app shell', () => {
  beforeEach(() => appInfo.mockReset())

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
})
