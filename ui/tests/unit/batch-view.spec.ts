// The batch view: it reads the batch, shows the grid and re-reads it when the core says one of its jobs
// moved (not for other jobs), stops listening when it closes, and Cancel batch shows what the core answers.
import { describe, it, expect, vi, beforeEach } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { BatchStatus } from '@/api'
import { makeI18n } from '@/i18n'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'
import { catalog, jobRecord } from './jobs-fixtures'

const api = vi.hoisted(() => ({
  onCoreChanged: vi.fn(),
  batchStatus: vi.fn(),
  cancelBatch: vi.fn(),
  catalog: vi.fn(),
  imageUrl: vi.fn(() => 'about:blank'),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import BatchView from '@/views/BatchView.vue'

const Blank = { template: '<div />' }
let events: FakeCoreEvents

function status(over: Partial<BatchStatus> = {}): BatchStatus {
  return {
    batch_id: 'b1', state: 'running', counts: { pending: 1, running: 0, completed: 1, failed: 0, cancelled: 0 },
    jobs: [
      jobRecord({ id: 'j1', prompt: 'red mug', status: 'COMPLETED', imageId: 'img-1', cost: 0.067, durationMs: 21_000 }),
      jobRecord({ id: 'j2', prompt: 'blue mug', status: 'PENDING', cost: 0 }),
    ],
    remote_batches: [],
    ...over,
  }
}

async function mountView() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/batches/:id', name: 'batch', component: BatchView },
      { path: '/generator', name: 'generator', component: Blank },
      { path: '/edit/:imageId', name: 'edit', component: Blank },
    ],
  })
  await router.push('/batches/b1')
  const wrapper = mount(BatchView, { global: { plugins: [createPinia(), router, makeI18n()] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('BatchView', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    for (const fn of Object.values(api)) fn.mockReset()
    api.catalog.mockResolvedValue(catalog)
    api.imageUrl.mockReturnValue('about:blank')
    api.batchStatus.mockResolvedValue(status())
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
  })

  it('shows the grid and re-reads the batch only for its own jobs, until it closes', async () => {
    vi.useFakeTimers()
    try {
      const { wrapper } = await mountView()
      expect(api.batchStatus).toHaveBeenCalledWith('b1')
      expect(wrapper.findAll('[data-testid="batch-row"]')).toHaveLength(2)
      const cells = wrapper.findAll('[data-testid="batch-cell"]')
      expect(cells.map((c) => c.attributes('data-state'))).toEqual(['done', 'pending'])
      expect(cells[0].text()).toContain('$0.067')
      expect(cells[0].find('[data-testid="batch-cell-edit"]').exists()).toBe(true)

      events.job('other', { kind: 'queued' })
      await vi.advanceTimersByTimeAsync(500)
      expect(api.batchStatus).toHaveBeenCalledTimes(1)

      api.batchStatus.mockResolvedValue(status({ state: 'completed', counts: { pending: 0, running: 0, completed: 2, failed: 0, cancelled: 0 } }))
      events.job('j2', { kind: 'queued' })
      events.job('j2', { kind: 'submitted', taskId: null })
      await vi.advanceTimersByTimeAsync(500)
      expect(api.batchStatus).toHaveBeenCalledTimes(2)
      expect(wrapper.get('[data-testid="batch-view"]').attributes('data-state')).toBe('completed')

      wrapper.unmount()
      events.job('j2', { kind: 'queued' })
      await vi.advanceTimersByTimeAsync(500)
      expect(api.batchStatus).toHaveBeenCalledTimes(2)
    } finally {
      vi.useRealTimers()
    }
  })

  it('Cancel batch shows the core answer', async () => {
    api.cancelBatch.mockResolvedValue(status({
      state: 'cancelled', counts: { pending: 0, running: 0, completed: 1, failed: 1, cancelled: 1 },
      jobs: [status().jobs[0], jobRecord({ id: 'j2', prompt: 'blue mug', status: 'CANCELLED' })],
    }))
    const { wrapper } = await mountView()
    await wrapper.get('[data-testid="batch-cancel"]').trigger('click')
    await flushPromises()
    expect(api.cancelBatch).toHaveBeenCalledWith('b1')
    expect(wrapper.get('[data-testid="batch-view"]').attributes('data-state')).toBe('cancelled')
    expect(wrapper.find('[data-testid="batch-cancel"]').exists()).toBe(false)
    expect(wrapper.findAll('[data-testid="batch-cell"]').map((c) => c.attributes('data-state'))).toEqual(['done', 'cancelled'])
    wrapper.unmount()
  })
})
