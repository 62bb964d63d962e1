import { describe, it, expect, vi, beforeEach } from 'vitest'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { ApiKeyStatus, JobEvent } from '@/api'
import { makeI18n } from '@/i18n'
import { jobRecord, settings } from './jobs-fixtures'

const api = vi.hoisted(() => ({
  getSettings: vi.fn(),
  keyStatus: vi.fn(),
  onJobProgress: vi.fn(),
  listJobs: vi.fn(),
  getJob: vi.fn(),
  getImage: vi.fn(),
  generate: vi.fn(),
  cancelJob: vi.fn(),
  retryJob: vi.fn(),
  notify: vi.fn(),
  windowFocused: vi.fn(() => true),
  imageUrl: vi.fn((profile: string, kind: string, id: string) => `nf://localhost/${profile}/${kind}/${id}`),
  copyText: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import GeneratorView from '@/views/GeneratorView.vue'
import { useDraftStore } from '@/stores/draft'

const DEMO: ApiKeyStatus = { purpose: 'nanoBananaKey', configured: false, masked: null, source: null, provider: 'demo', keychainError: null }
const KEYED: ApiKeyStatus = {
  purpose: 'nanoBananaKey', configured: true, masked: '••••abcd', source: 'keychain', provider: 'nanobanana', keychainError: null,
}
const Blank = { template: '<div />' }

let emit: (e: JobEvent) => void
let pinia: Pinia
let router: Router

async function mountView() {
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/generator', component: GeneratorView },
      { path: '/settings', component: Blank },
      { path: '/history', component: Blank },
      { path: '/gallery', component: Blank },
    ],
  })
  await router.push('/generator')
  const wrapper = mount(GeneratorView, { global: { plugins: [pinia, router, makeI18n()] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('Generator view', () => {
  beforeEach(() => {
    pinia = createPinia()
    setActivePinia(pinia)
    for (const fn of Object.values(api)) fn.mockClear()
    api.getSettings.mockResolvedValue({ ...settings })
    api.keyStatus.mockResolvedValue(DEMO)
    api.onJobProgress.mockImplementation(async (handler: (e: JobEvent) => void) => { emit = handler; return () => {} })
    api.listJobs.mockResolvedValue({ items: [], nextCursor: null })
    api.generate.mockResolvedValue([jobRecord()])
    api.getJob.mockResolvedValue(jobRecord())
  })

  it('keeps Generate disabled while the prompt is blank', async () => {
    const w = await mountView()
    const button = w.get('[data-testid="generate-button"]')
    expect(button.attributes('disabled')).toBeDefined()
    await w.get('[data-testid="prompt-input"]').setValue('   ')
    expect(button.attributes('disabled')).toBeDefined()
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    expect(button.attributes('disabled')).toBeUndefined()
    w.unmount()
  })

  it('counts characters against the model limit and blocks prompts over it', async () => {
    const w = await mountView()
    await w.get('[data-testid="prompt-input"]').setValue('a red fox')
    const counter = w.get('[data-testid="prompt-counter"]')
    expect(counter.text()).toBe('9 / 5,000')
    expect(counter.classes()).not.toContain('over')
    await w.get('[data-testid="prompt-input"]').setValue('x'.repeat(5001))
    expect(counter.text()).toBe('5,001 / 5,000')
    expect(counter.classes()).toContain('over')
    expect(w.get('[data-testid="generate-button"]').attributes('disabled')).toBeDefined()
    w.unmount()
  })

  it('generates with Ctrl+Enter and lists the job', async () => {
    const w = await mountView()
    const prompt = w.get('[data-testid="prompt-input"]')
    await prompt.setValue('  a red fox in snow ')
    await prompt.trigger('keydown', { key: 'Enter', ctrlKey: true })
    await flushPromises()
    expect(api.generate).toHaveBeenCalledWith({
      prompt: 'a red fox in snow', model: 'nano-banana', size: 'quality', aspectRatio: '1:1', count: 1,
      watermark: null, imageUrls: [],
    }, {})
    expect(w.find('[data-testid="job-job-1"]').exists()).toBe(true)
    expect(w.get('[data-testid="job-job-1"]').attributes('data-stage')).toBe('queued')
    w.unmount()
  })

  it('shows the price next to each size, or free with the demo provider', async () => {
    api.keyStatus.mockResolvedValue(KEYED)
    let w = await mountView()
    let options = w.findAll('[data-testid="size-select"] option').map((o) => o.text())
    expect(options).toEqual(['Fast · 512 px · $0.005', 'Balanced · 768 px · $0.01', 'Quality · 1024 px · $0.0125',
      'Ultra · 1536 px · $0.045'])
    expect((w.get('[data-testid="size-select"]').element as HTMLSelectElement).value).toBe('quality')
    expect(w.find('[data-testid="demo-badge"]').exists()).toBe(false)
    await w.get('[data-testid="count-select"]').setValue('2')
    expect(w.get('[data-testid="cost-estimate"]').text()).toContain('$0.025')
    w.unmount()

    pinia = createPinia()
    setActivePinia(pinia)
    api.keyStatus.mockResolvedValue(DEMO)
    w = await mountView()
    options = w.findAll('[data-testid="size-select"] option').map((o) => o.text())
    expect(options[2]).toBe('Quality · 1024 px · free')
    expect(w.get('[data-testid="demo-badge"]').text()).toContain('Demo — not AI')
    expect(w.get('[data-testid="cost-estimate"]').text()).toContain('free (demo)')
    expect(w.get('[data-testid="model-select"]').attributes('disabled')).toBeDefined()
    w.unmount()
  })

  it('sends https reference links but never a local file', async () => {
    const w = await mountView()
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('[data-testid="input-image-url"]').setValue('not a link')
    expect(w.get('[data-testid="generate-button"]').attributes('disabled')).toBeDefined()
    await w.get('[data-testid="input-image-url"]').setValue('https://example.com/a.png')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.generate.mock.calls[0][0].imageUrls).toEqual(['https://example.com/a.png'])
    w.unmount()
  })

  it('applies a pending draft on open and a new one while open', async () => {
    useDraftStore().load({ prompt: 'from the gallery', size: 'ultra', aspectRatio: '16:9', count: 3 })
    const w = await mountView()
    expect((w.get('[data-testid="prompt-input"]').element as HTMLTextAreaElement).value).toBe('from the gallery')
    expect((w.get('[data-testid="size-select"]').element as HTMLSelectElement).value).toBe('ultra')
    expect((w.get('[data-testid="aspect-select"]').element as HTMLSelectElement).value).toBe('16:9')
    expect((w.get('[data-testid="count-select"]').element as HTMLSelectElement).value).toBe('3')
    useDraftStore().load({ prompt: 'recalled later', watermark: '© 2026' })
    await flushPromises()
    expect((w.get('[data-testid="prompt-input"]').element as HTMLTextAreaElement).value).toBe('recalled later')
    expect((w.get('[data-testid="watermark-input"]').element as HTMLInputElement).value).toBe('© 2026')
    w.unmount()
  })

  it('a rejected key shows the typed message and an action that opens Settings', async () => {
    const w = await mountView()
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('form').trigger('submit')
    await flushPromises()
    api.getJob.mockResolvedValue(jobRecord({ status: 'FAILED', errorKind: 'api_key_rejected', errorMessage: 'The API key was rejected (401).' }))
    emit({ profileId: 'local', jobId: 'job-1', at: 1, stage: { kind: 'failed', error: { kind: 'api_key_rejected', message: 'The API key was rejected (401).' } } })
    await flushPromises()
    const card = w.get('[data-testid="job-job-1"]')
    expect(card.attributes('data-stage')).toBe('failed')
    expect(card.get('[data-testid="job-error"]').text()).toBe('The API key was rejected (401).')
    const action = card.get('[data-testid="job-error-action"]')
    expect(action.text()).toBe('Set your API key')
    await action.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/settings')
    w.unmount()
  })

  it('a timeout offers Retry, which asks the core to retry the job', async () => {
    const w = await mountView()
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('form').trigger('submit')
    await flushPromises()
    emit({ profileId: 'local', jobId: 'job-1', at: 1, stage: { kind: 'failed', error: { kind: 'timeout', message: 'took too long' } } })
    await flushPromises()
    api.retryJob.mockResolvedValue(jobRecord({ id: 'job-2' }))
    const action = w.get('[data-testid="job-error-action"]')
    expect(action.text()).toBe('Retry')
    await action.trigger('click')
    await flushPromises()
    expect(api.retryJob).toHaveBeenCalledWith('job-1')
    expect(w.find('[data-testid="job-job-2"]').exists()).toBe(true)
    w.unmount()
  })

  it('reads progress like a person talks', async () => {
    const w = await mountView()
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('form').trigger('submit')
    await flushPromises()
    const text = () => w.get('[data-testid="job-job-1"] [data-testid="job-stage-text"]').text()
    emit({ profileId: 'local', jobId: 'job-1', at: 1, stage: { kind: 'generating', elapsedMs: 12_000, polls: 3 } })
    await flushPromises()
    expect(text()).toMatch(/^Generating… 12 s \(3 checks\)$/)
    emit({ profileId: 'local', jobId: 'job-1', at: 1, stage: { kind: 'downloading', image: 0, images: 2, receivedBytes: 460_800, totalBytes: null } })
    await flushPromises()
    expect(text()).toBe('Downloading 1/2 · 450.0 KB')
    emit({ profileId: 'local', jobId: 'job-1', at: 1, stage: { kind: 'ingesting', image: 0, images: 1 } })
    await flushPromises()
    expect(text()).toBe('Saving')
    w.unmount()
  })
})
