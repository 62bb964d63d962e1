import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { makeI18n } from '@/i18n'
import { formatCost, formatCount, formatPercent } from '@/lib/format'
import { day, emptyStats, libraryStats } from './stats-fixtures'
import { catalog, noBudget, providersFromKeys } from './jobs-fixtures'

const api = vi.hoisted(() => ({
  libraryStats: vi.fn(),
  budgetStatus: vi.fn(),
  catalog: vi.fn(),
  credits: vi.fn(),
  onCoreChanged: vi.fn(),
  getPreferences: vi.fn(),
  keyStatus: vi.fn(),
  availableProviders: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import AnalyticsView from '@/views/AnalyticsView.vue'

// Canvas drawing is the browser tests' job; here the charts are stubs that expose what they were given.
const chartStub = (name: string) => ({
  name, props: ['days', 'sizes', 'palette', 'narrow'],
  template: `<div class="stub" data-chart="${name}" :data-days="days ? days.map(d => d.day + ':' + d.images).join(',') : ''" :data-sizes="sizes ? sizes.length : ''" />`,
})
const NOW = Date.UTC(2026, 10, 25, 12)
let pinia: Pinia

async function mountView() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/analytics', component: AnalyticsView }, { path: '/generator', component: { template: '<div />' } }],
  })
  await router.push('/analytics')
  const wrapper = mount(AnalyticsView, {
    global: {
      plugins: [pinia, router, makeI18n()],
      stubs: {
        DailyCostChart: chartStub('cost'), DailyImagesChart: chartStub('images'),
        SizeSplitChart: chartStub('sizes'), SuccessChart: chartStub('success'),
      },
    },
  })
  await flushPromises()
  return wrapper
}

describe('Analytics', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
    pinia = createPinia()
    setActivePinia(pinia)
    for (const f of Object.values(api)) f.mockReset()
    api.availableProviders.mockImplementation(providersFromKeys(api.keyStatus))
    api.libraryStats.mockResolvedValue(libraryStats())
    api.budgetStatus.mockResolvedValue(noBudget)
    api.catalog.mockResolvedValue(catalog)
    api.keyStatus.mockResolvedValue({ purpose: 'nanoBananaKey', configured: false, masked: null, source: null, provider: 'demo', keychainError: null })
    api.getPreferences.mockResolvedValue({})
    api.onCoreChanged.mockResolvedValue(() => {})
  })
  afterEach(() => { vi.useRealTimers() })

  it('asks for the last 30 days and draws a continuous daily series', async () => {
    const wrapper = await mountView()
    expect(api.libraryStats).toHaveBeenCalledWith({ from: Date.UTC(2026, 9, 27), to: NOW })
    const days = wrapper.get('[data-chart="images"]').attributes('data-days')!.split(',')
    expect(days).toHaveLength(30)
    expect(days.slice(-3)).toEqual(['2026-11-23:3', '2026-11-24:0', '2026-11-25:1'])
    expect(wrapper.get('[data-chart="cost"]').attributes('data-days')).toBe(wrapper.get('[data-chart="images"]').attributes('data-days'))
  })

  it('puts each chart in its test-id container', async () => {
    const wrapper = await mountView()
    for (const [id, chart] of [['chart-cost', 'cost'], ['chart-images', 'images'], ['chart-sizes', 'sizes'], ['chart-success', 'success']]) {
      expect(wrapper.find(`[data-testid="${id}"] [data-chart="${chart}"]`).exists()).toBe(true)
    }
  })

  it('shows the KPIs of the range: images, cost and success rate from its days', async () => {
    const wrapper = await mountView()
    expect(wrapper.get('[data-testid="stat-range-images"]').text()).toBe('4')
    expect(wrapper.get('[data-testid="stat-range-cost"]').text()).toBe(formatCost(0.05))
    expect(wrapper.get('[data-testid="stat-success-rate"]').text()).toBe(formatPercent(4 / 5))
    expect(wrapper.get('[data-testid="stat-avg-duration"]').text()).toBe('42.3 s')
  })

  it('adds what may have been charged in the range beside the confirmed cost', async () => {
    api.libraryStats.mockResolvedValue(libraryStats({
      perDay: [day('2026-11-24', { jobs: 2, completedJobs: 1, images: 1, cost: 0.067, possibleCost: 0.12 })],
    }))
    const wrapper = await mountView()
    expect(wrapper.get('[data-testid="stat-range-cost"]').text()).toBe(formatCost(0.067))
    expect(wrapper.get('[data-testid="stat-range-cost"]').element.parentElement?.textContent).toContain('plus $0.12 possibly charged')
    expect(wrapper.find('[data-chart="cost"]').exists()).toBe(true)
  })

  it('switches range: 7 days asks from a week ago, all time uses the library totals', async () => {
    const wrapper = await mountView()
    await wrapper.get('[data-testid="range-7d"]').trigger('click')
    await flushPromises()
    expect(api.libraryStats).toHaveBeenLastCalledWith({ from: Date.UTC(2026, 10, 19), to: NOW })
    expect(wrapper.get('[data-testid="range-7d"]').attributes('aria-pressed')).toBe('true')
    expect(wrapper.get('[data-chart="images"]').attributes('data-days')!.split(',')).toHaveLength(7)

    api.libraryStats.mockResolvedValue(libraryStats({ perDay: [day('2026-11-01', { images: 1, jobs: 1 })] }))
    await wrapper.get('[data-testid="range-all"]').trigger('click')
    await flushPromises()
    expect(api.libraryStats).toHaveBeenLastCalledWith({ from: 0, to: NOW })
    expect(wrapper.get('[data-testid="stat-range-images"]').text()).toBe(formatCount(1234))
    expect(wrapper.get('[data-testid="stat-success-rate"]').text()).toBe(formatPercent(1200 / 1240))
    expect(wrapper.get('[data-chart="images"]').attributes('data-days')!.split(',')[0]).toBe('2026-11-01:1')
  })

  it('passes only the sizes that have images to the doughnut', async () => {
    api.libraryStats.mockResolvedValue(libraryStats({ perSize: [{ imageSize: '512', images: 0, jobs: 1, cost: 0 }, { imageSize: '1K', images: 3, jobs: 3, cost: 0.03 }] }))
    const wrapper = await mountView()
    expect(wrapper.get('[data-chart="sizes"]').attributes('data-sizes')).toBe('1')
  })

  it('shows the empty state, without charts, when there is no history', async () => {
    api.libraryStats.mockResolvedValue(emptyStats())
    const wrapper = await mountView()
    expect(wrapper.find('[data-testid="analytics-empty"]').exists()).toBe(true)
    expect(wrapper.find('[data-chart]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="analytics-range"]').exists()).toBe(false)
  })

  it('shows an error with a retry when the stats cannot be read', async () => {
    api.libraryStats.mockRejectedValueOnce(new Error('database is locked'))
    const wrapper = await mountView()
    expect(wrapper.get('[data-testid="analytics-error"]').text()).toContain('database is locked')
    await wrapper.get('[data-testid="analytics-error"] button').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="analytics-error"]').exists()).toBe(false)
    expect(wrapper.find('[data-chart="cost"]').exists()).toBe(true)
  })
})
