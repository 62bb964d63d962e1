import { describe, it, expect, vi, beforeEach } from 'vitest'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { ApiError, type ApiKeyStatus, type BudgetStatus, type Preferences, type Quote } from '@/api'
import { makeI18n } from '@/i18n'
import { fakeCoreEvents, type FakeCoreEvents } from './core-events'
import { imageRecord, jobRecord, mockCatalog, noBudget, preferences, providersFromKeys, quoteFromKeys } from './jobs-fixtures'

const api = vi.hoisted(() => ({
  getPreferences: vi.fn(),
  keyStatus: vi.fn(),
  onCoreChanged: vi.fn(),
  listJobs: vi.fn(),
  getJob: vi.fn(),
  getImage: vi.fn(),
  generate: vi.fn(),
  cancelJob: vi.fn(),
  retryJob: vi.fn(),
  rerunJob: vi.fn(),
  catalog: vi.fn(),
  quote: vi.fn(),
  expectedTime: vi.fn(async () => null),
  budgetStatus: vi.fn(),
  credits: vi.fn(),
  notify: vi.fn(),
  windowFocused: vi.fn(() => true),
  imageUrl: vi.fn((profile: string, kind: string, id: string) => `nf://localhost/${profile}/${kind}/${id}`),
  thumbnailUrl: vi.fn((profile: string, key: string, kind: string, sha: string) => `nf://localhost/${profile}/${key}/${kind}/${sha}`),
  copyText: vi.fn(),
  availableProviders: vi.fn(),
  pickInputImages: vi.fn(),
  addInputImage: vi.fn(),
  addInputImageUrl: vi.fn(),
  syncStatus: vi.fn(),
  listReferences: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import GeneratorView from '@/views/GeneratorView.vue'
import { useDraftStore } from '@/stores/draft'
import { useAppStore } from '@/stores/app'

const DEMO: ApiKeyStatus = { purpose: 'nanoBananaKey', configured: false, masked: null, source: null, provider: 'demo', keychainError: null }
const KEYED: ApiKeyStatus = {
  purpose: 'nanoBananaKey', configured: true, masked: '••••abcd', source: 'keychain', provider: 'nanobanana', keychainError: null,
}
/** Both keys set: the core offers Nano Banana, Gemini and the demo. */
const BOTH_KEYS = (purpose: string): Promise<ApiKeyStatus> => Promise.resolve(purpose === 'geminiKey'
  ? { ...KEYED, purpose: 'geminiKey', provider: 'gemini', masked: '••••gem1' }
  : KEYED)
const Blank = { template: '<div />' }

let events: FakeCoreEvents
/** The profile's saved preferences, as the fake core answers them (and prices its catalog and quotes with). */
let saved: Preferences
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
  // Thumbnails of input images are addressed by the open profile.
  useAppStore().info = { version: '1.0.0', profileId: 'local', imageUrlKey: 'key-local', dataDir: '/data', jobCount: 0, welcomeDismissed: true }
  const wrapper = mount(GeneratorView, { global: { plugins: [pinia, router, makeI18n()] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('Generator view', () => {
  beforeEach(() => {
    pinia = createPinia()
    setActivePinia(pinia)
    for (const fn of Object.values(api)) fn.mockClear()
    api.availableProviders.mockImplementation(providersFromKeys(api.keyStatus))
    saved = { ...preferences }
    api.getPreferences.mockImplementation(async () => ({ ...saved }))
    api.keyStatus.mockResolvedValue(DEMO)
    events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    api.listJobs.mockResolvedValue({ items: [], nextCursor: null })
    api.generate.mockResolvedValue([jobRecord()])
    api.getJob.mockResolvedValue(jobRecord())
    api.catalog.mockImplementation(async () => mockCatalog(saved.priceOverrides))
    api.quote.mockImplementation(quoteFromKeys(api.keyStatus, async () => saved))
    api.budgetStatus.mockResolvedValue(noBudget)
    api.credits.mockResolvedValue({ provider: 'nanobanana', balance: 42.5, creditsPerImage: null })
    api.listReferences.mockResolvedValue([])
  })

  const options = (w: Awaited<ReturnType<typeof mountView>>, id: string) => w.findAll(`[data-testid="${id}"] option`).map((o) => o.text())
  const value = (w: Awaited<ReturnType<typeof mountView>>, id: string) => (w.get(`[data-testid="${id}"]`).element as HTMLSelectElement).value
  const spendDialog = () => document.querySelector<HTMLElement>('[data-testid="spend-dialog"]')

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
    api.keyStatus.mockResolvedValue(KEYED)
    const w = await mountView()
    await w.get('[data-testid="prompt-input"]').setValue('a red fox')
    expect(w.get('[data-testid="prompt-counter"]').text()).toBe('9 / 20,000')
    // The original model takes 5,000 characters (the catalog says so).
    await w.get('[data-testid="model-select"]').setValue('nano-banana')
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
    // Without a key the core offers only the demo, whose model is its own.
    expect(api.generate).toHaveBeenCalledWith({
      prompt: 'a red fox in snow', model: 'demo', size: '1K', aspectRatio: '1:1', count: 1,
      watermark: null, imageUrls: [], inputImages: [],
    }, { provider: 'demo' })
    expect(w.find('[data-testid="job-job-1"]').exists()).toBe(true)
    expect(w.get('[data-testid="job-job-1"]').attributes('data-stage')).toBe('queued')
    w.unmount()
  })

  it('offers the sizes of the chosen model with their prices (estimates marked), or free with the demo', async () => {
    api.keyStatus.mockResolvedValue(KEYED)
    saved = { ...preferences, priceOverrides: [{ model: 'nano-banana-2', size: '2K', usd: 0.05 }] }
    let w = await mountView()
    expect(options(w, 'model-select')).toEqual(['Nano Banana 2', 'Nano Banana Pro', 'Nano Banana'])
    expect(options(w, 'size-select')).toEqual(['1K · ≈$0.067', '2K · $0.05', '4K · ≈$0.151'])
    expect(value(w, 'size-select')).toBe('1K')
    expect(w.find('[data-testid="demo-badge"]').exists()).toBe(false)
    await w.get('[data-testid="count-input"]').setValue('2')
    const estimate = w.get('[data-testid="cost-estimate"]')
    await vi.waitFor(() => expect(estimate.text()).toContain('≈$0.134'))
    expect(estimate.text()).toContain('$0.067 × 2 · estimate')
    expect(estimate.attributes('data-estimate')).toBe('true')
    // The person's own price is not an estimate.
    await w.get('[data-testid="size-select"]').setValue('2K')
    await vi.waitFor(() => expect(w.get('[data-testid="cost-estimate"]').text()).toContain('$0.10'))
    expect(w.get('[data-testid="cost-estimate"]').attributes('data-estimate')).toBe('false')
    w.unmount()

    pinia = createPinia()
    setActivePinia(pinia)
    api.keyStatus.mockResolvedValue(DEMO)
    w = await mountView()
    // The demo's own sizes, all free.
    expect(options(w, 'size-select')).toEqual(['512 · free', '1K · free', '2K · free'])
    expect(value(w, 'size-select')).toBe('1K')
    expect(options(w, 'provider-select')).toEqual(['Demo — not AI'])
    expect(w.get('[data-testid="demo-badge"]').text()).toContain('Demo — not AI')
    expect(w.get('[data-testid="cost-estimate"]').text()).toContain('free (demo)')
    expect(w.get('[data-testid="model-select"]').attributes('disabled')).toBeDefined()
    w.unmount()
  })

  it('switching model keeps the size and ratio when offered, else takes the model\'s default', async () => {
    api.keyStatus.mockResolvedValue(KEYED)
    const w = await mountView()
    await w.get('[data-testid="size-select"]').setValue('2K')
    await w.get('[data-testid="aspect-select"]').setValue('8:1')
    await w.get('[data-testid="model-select"]').setValue('nano-banana-pro')
    expect(value(w, 'size-select')).toBe('2K')
    expect(value(w, 'aspect-select')).toBe('1:1')
    expect(options(w, 'aspect-select')).toContain('Auto')
    await w.get('[data-testid="size-select"]').setValue('4K')
    await w.get('[data-testid="model-select"]').setValue('nano-banana')
    expect(options(w, 'size-select')).toEqual(['1K · ≈$0.02'])
    expect(value(w, 'size-select')).toBe('1K')
    w.unmount()
  })

  it('shows the balance in credits beside the estimate, and warns on a known empty balance', async () => {
    api.keyStatus.mockResolvedValue(KEYED)
    api.credits.mockResolvedValue({ provider: 'nanobanana', balance: 42.5, creditsPerImage: 2 })
    let w = await mountView()
    const balance = w.get('[data-testid="cost-balance"]')
    expect(balance.text()).toContain('42.5 credits')
    expect(balance.text()).toContain('needs 2')
    expect(balance.text()).not.toContain('$')
    expect(w.find('[data-testid="cost-balance-warning"]').exists()).toBe(false)
    w.unmount()

    pinia = createPinia()
    setActivePinia(pinia)
    api.credits.mockResolvedValue({ provider: 'nanobanana', balance: 0, creditsPerImage: null })
    w = await mountView()
    expect(w.get('[data-testid="cost-balance"]').attributes('data-state')).toBe('empty')
    expect(w.get('[data-testid="cost-balance-warning"]').text()).toContain('0 credits')
    w.unmount()
  })

  it('warns from 80 % of the monthly budget, counting what this generation adds', async () => {
    api.keyStatus.mockResolvedValue(KEYED)
    const budget: BudgetStatus = { limitUsd: 1, month: '2026-11', spentConfirmed: 0.6, spentPossible: 0.12, level: 'ok' }
    api.budgetStatus.mockResolvedValue(budget)
    const w = await mountView()
    // $0.72 + $0.067 stays under $0.80.
    expect(w.find('[data-testid="budget-warning"]').exists()).toBe(false)
    await w.get('[data-testid="count-input"]').setValue('2')
    await vi.waitFor(() => expect(w.get('[data-testid="budget-warning"]').attributes('data-level')).toBe('warning'))
    expect(w.get('[data-testid="budget-warning"]').text()).toContain('$0.12 possibly charged')
    await w.get('[data-testid="count-input"]').setValue('5')
    await vi.waitFor(() => expect(w.get('[data-testid="budget-warning"]').attributes('data-level')).toBe('over'))
    w.unmount()
  })

  it('shows the core\'s quote as the total, the previous one while a new one loads, and asks again when prices change', async () => {
    api.keyStatus.mockResolvedValue(KEYED)
    // Figures no page arithmetic would give (0.067 × n): the total can only be the core's.
    const quoted = (totalUsd: number, perImageUsd = 0.067): Quote => ({ provider: 'nanobanana', perImageUsd, totalUsd, jobs: 1 })
    api.quote.mockResolvedValue(quoted(0.5))
    const w = await mountView()
    const estimate = () => w.get('[data-testid="cost-estimate"]')
    await vi.waitFor(() => expect(estimate().text()).toContain('≈$0.50'))
    expect(api.quote).toHaveBeenLastCalledWith(
      { prompt: '', model: 'nano-banana-2', size: '1K', aspectRatio: '1:1', count: 1 }, { provider: 'nanobanana' })

    // Another count: the core is asked again once the form rests; meanwhile the last total stays.
    let answer!: (q: Quote) => void
    api.quote.mockImplementationOnce(() => new Promise<Quote>((resolve) => { answer = resolve }))
    await w.get('[data-testid="count-input"]').setValue('3')
    await vi.waitFor(() => expect(api.quote).toHaveBeenLastCalledWith(expect.objectContaining({ count: 3 }), { provider: 'nanobanana' }))
    expect(estimate().text()).toContain('≈$0.50')
    expect(estimate().attributes('data-pending')).toBe('true')
    answer(quoted(1.2345, 0.4115))
    await vi.waitFor(() => expect(estimate().text()).toContain('≈$1.2345'))
    expect(estimate().text()).toContain('$0.4115 × 3')
    expect(estimate().attributes('data-pending')).toBe('false')

    // The person's own price saved elsewhere (another window, the CLI): the core says the preferences
    // changed, the catalog is read again and the quote asked again; the page works nothing out.
    const asked = api.quote.mock.calls.length
    saved = { ...preferences, priceOverrides: [{ model: 'nano-banana-2', size: '1K', usd: 0.3 }] }
    api.quote.mockResolvedValue(quoted(0.9, 0.3))
    events.library({ preferences: true })
    await vi.waitFor(() => expect(estimate().text()).toContain('$0.90'))
    expect(api.quote.mock.calls.length).toBeGreaterThan(asked)
    expect(estimate().attributes('data-estimate')).toBe('false')
    expect(options(w, 'size-select')[0]).toBe('1K · $0.30')
    w.unmount()
  })

  it('starts with the provider the core chooses for the default model', async () => {
    api.keyStatus.mockImplementation(BOTH_KEYS)
    saved = { ...preferences, defaultModel: 'gemini-3-pro-image' }
    const w = await mountView()
    expect(api.quote).toHaveBeenCalledWith(expect.objectContaining({ model: 'gemini-3-pro-image' }), {})
    expect(value(w, 'provider-select')).toBe('gemini')
    expect(value(w, 'model-select')).toBe('gemini-3-pro-image')
    w.unmount()
  })

  it('over the budget the core refuses; "Generate anyway" resends with overBudget for this one', async () => {
    api.keyStatus.mockResolvedValue(KEYED)
    const w = await mountView()
    api.generate.mockRejectedValueOnce(new ApiError({ kind: 'over_budget', message: 'this would take the month to $10.07 of your $10.00 budget' }))
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="submit-error"]').exists()).toBe(false)
    expect(spendDialog()?.textContent).toContain('$10.07 of your $10.00 budget')
    expect(w.find('[data-testid="job-job-1"]').exists()).toBe(false)
    document.querySelector<HTMLElement>('[data-testid="spend-confirm"]')!.click()
    await flushPromises()
    expect(api.generate).toHaveBeenCalledTimes(2)
    expect(api.generate.mock.calls[1][1]).toEqual({ provider: 'nanobanana', overBudget: true })
    expect(spendDialog()).toBeNull()
    expect(w.find('[data-testid="job-job-1"]').exists()).toBe(true)
    w.unmount()
  })

  it('says clearly when the account is out of credits', async () => {
    api.keyStatus.mockResolvedValue(KEYED)
    const w = await mountView()
    api.generate.mockRejectedValueOnce(new ApiError({ kind: 'out_of_credits', message: 'the balance is 0 credits' }))
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('form').trigger('submit')
    await flushPromises()
    const error = w.get('[data-testid="submit-error"]')
    expect(error.attributes('data-kind')).toBe('out_of_credits')
    expect(error.text()).toContain('Out of credits: the balance is 0 credits')
    expect(error.text()).toContain('Top up')
    w.unmount()
  })

  it('a remix draft links the new job to its parent image', async () => {
    useDraftStore().load({ prompt: 'from an image', parentImageId: 'img-7' })
    const w = await mountView()
    expect(w.get('[data-testid="generator-parent"]').text()).toContain('image from your library')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.generate.mock.calls[0][1]).toEqual({ provider: 'demo', parentImageId: 'img-7' })
    expect(w.find('[data-testid="generator-parent"]').exists()).toBe(false)
    w.unmount()
  })

  it('sends public links and input images (by id) with the request', async () => {
    api.keyStatus.mockResolvedValue(KEYED)
    api.pickInputImages.mockResolvedValue([imageRecord('in-1'), imageRecord('in-2')])
    const w = await mountView()
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('[data-testid="input-image-url"]').setValue('not a link')
    expect(w.get('[data-testid="generate-button"]').attributes('disabled')).toBeDefined()
    await w.get('[data-testid="input-image-url"]').setValue('https://example.com/a.png')
    await w.get('[data-testid="input-image-add"]').trigger('click')
    await flushPromises()
    const thumbs = w.findAll('[data-testid="input-image"]')
    expect(thumbs.map((t) => t.attributes('data-id'))).toEqual(['in-1', 'in-2'])
    expect(thumbs[0].get('img').attributes('src')).toBe('nf://localhost/local/thumb/in-1')
    expect(w.get('[data-testid="input-image-count"]').text()).toBe('3 / 14')
    await thumbs[0].get('[data-testid="input-image-remove"]').trigger('click')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.generate.mock.calls[0][0].imageUrls).toEqual(['https://example.com/a.png'])
    expect(api.generate.mock.calls[0][0].inputImages).toEqual(['in-2'])
    w.unmount()
  })

  it('reads dropped image files as bytes and keeps them as input images (never a path)', async () => {
    api.keyStatus.mockImplementation(BOTH_KEYS)
    api.addInputImage.mockImplementation(async (bytes: Uint8Array) => imageRecord(`in-${bytes.length}`))
    const w = await mountView()
    await w.get('[data-testid="provider-select"]').setValue('gemini')
    const png = new File([new Uint8Array([137, 80, 78, 71, 1, 2])], 'fox.png', { type: 'image/png' })
    const notes = new File(['hello'], 'notes.txt', { type: 'text/plain' })
    const drop = new Event('drop', { bubbles: true, cancelable: true })
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [png, notes] } })
    w.get('[data-testid="input-image-drop"]').element.dispatchEvent(drop)
    await flushPromises()
    expect(drop.defaultPrevented).toBe(true)
    expect(api.addInputImage).toHaveBeenCalledTimes(1)
    const sent = api.addInputImage.mock.calls[0][0]
    expect(sent).toBeInstanceOf(Uint8Array)
    expect([...sent]).toEqual([137, 80, 78, 71, 1, 2])
    expect(w.findAll('[data-testid="input-image"]').map((t) => t.attributes('data-id'))).toEqual(['in-6'])
    expect(w.get('[data-testid="input-image-error"]').text()).toContain('Only image files')
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.generate.mock.calls[0][0].inputImages).toEqual(['in-6'])
    expect(api.generate.mock.calls[0][1].provider).toBe('gemini')
    w.unmount()
  })

  it('hands Gemini a typed image URL as a kept input (the core fetches it), never as a link', async () => {
    api.keyStatus.mockImplementation(BOTH_KEYS)
    api.addInputImageUrl.mockImplementation(async (url: string) => imageRecord(`from-${url.length}`))
    const w = await mountView()
    await w.get('[data-testid="provider-select"]').setValue('gemini')
    await w.get('[data-testid="input-image-url"]').setValue('https://example.com/cat.png')
    await w.get('[data-testid="prompt-input"]').setValue('a cat')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.addInputImageUrl).toHaveBeenCalledWith('https://example.com/cat.png')
    expect(api.generate.mock.calls[0][0].imageUrls).toEqual([])
    expect(api.generate.mock.calls[0][0].inputImages).toEqual(['from-27'])
    w.unmount()
  })

  it('offers the providers the core says can run, each with its own models, sizes and ratios', async () => {
    api.keyStatus.mockImplementation(BOTH_KEYS)
    const w = await mountView()
    expect(options(w, 'provider-select')).toEqual(['Nano Banana', 'Google Gemini', 'Demo — not AI'])
    expect(value(w, 'provider-select')).toBe('nanobanana')
    await w.get('[data-testid="size-select"]').setValue('4K')
    await w.get('[data-testid="aspect-select"]').setValue('8:1')
    await w.get('[data-testid="provider-select"]').setValue('gemini')
    expect(options(w, 'model-select')).toEqual([
      'Nano Banana 2 (Gemini)', 'Nano Banana Pro (Gemini)', 'Nano Banana (Gemini)', 'Nano Banana 2 Lite (Gemini)',
    ])
    // Google's published prices per token are not estimates.
    expect(options(w, 'size-select')).toEqual(['512 · $0.0448', '1K · $0.0672', '2K · $0.1008', '4K · $0.1512'])
    expect(value(w, 'size-select')).toBe('4K')
    expect(value(w, 'aspect-select')).toBe('8:1')
    expect(w.get('[data-testid="model-hint"]').text()).toContain('512 px to 4K')
    // A model without 4K or 8:1 falls back to its default size and square.
    await w.get('[data-testid="model-select"]').setValue('gemini-2.5-flash-image')
    expect(options(w, 'size-select')).toEqual(['1K · $0.0387'])
    expect(value(w, 'size-select')).toBe('1K')
    expect(value(w, 'aspect-select')).toBe('1:1')
    expect(options(w, 'aspect-select')).not.toContain('Auto')
    expect(w.get('[data-testid="input-image-count"]').text()).toBe('0 / 3')
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.generate.mock.calls[0][0]).toMatchObject({ model: 'gemini-2.5-flash-image', size: '1K', aspectRatio: '1:1' })
    expect(api.generate.mock.calls[0][1]).toEqual({ provider: 'gemini' })
    w.unmount()
  })

  it('blocks a generation with more input images than the model takes', async () => {
    api.keyStatus.mockImplementation(BOTH_KEYS)
    api.pickInputImages.mockResolvedValue(['a', 'b', 'c', 'd'].map((id) => imageRecord(id)))
    const w = await mountView()
    await w.get('[data-testid="provider-select"]').setValue('gemini')
    await w.get('[data-testid="model-select"]').setValue('gemini-2.5-flash-image')
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('[data-testid="input-image-add"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="input-image-count"]').text()).toBe('4 / 3')
    expect(w.get('[data-testid="input-image-over"]').text()).toContain('at most 3')
    expect(w.get('[data-testid="generate-button"]').attributes('disabled')).toBeDefined()
    expect(w.get('[data-testid="input-image-add"]').attributes('disabled')).toBeDefined()
    await w.findAll('[data-testid="input-image-remove"]')[3].trigger('click')
    expect(w.get('[data-testid="generate-button"]').attributes('disabled')).toBeUndefined()
    w.unmount()
  })

  it('picks references as chips or by @name, sends them first-class and counts them against the model\'s inputs', async () => {
    api.keyStatus.mockImplementation(BOTH_KEYS)
    api.listReferences.mockResolvedValue([
      { id: 'ref-1', name: 'Mira', imageId: 'img-mira', sha256: 'a', updatedAt: 1 },
      { id: 'ref-2', name: 'logo', imageId: 'img-logo', sha256: 'b', updatedAt: 2 },
      { id: 'ref-3', name: 'Mira Jones', imageId: 'img-mj', sha256: 'c', updatedAt: 3 },
    ])
    api.pickInputImages.mockResolvedValue([imageRecord('in-1')])
    const w = await mountView()
    await w.get('[data-testid="provider-select"]').setValue('gemini')
    // Gemini 2.5 Flash Image takes three inputs: references, files and links together.
    await w.get('[data-testid="model-select"]').setValue('gemini-2.5-flash-image')
    const chips = () => w.findAll('[data-testid="reference-chip"]').map((c) => c.attributes('data-name'))
    expect(chips()).toEqual([])
    // @name typed in the prompt adds the chip (the longer name wins, any case).
    await w.get('[data-testid="prompt-input"]').setValue('@mira jones on a bench with @MIRA')
    await flushPromises()
    expect(chips()).toEqual(['Mira Jones', 'Mira'])
    const chip = w.get('[data-testid="reference-chip"][data-name="Mira"]')
    expect(chip.get('img').attributes('src')).toBe('nf://localhost/local/thumb/img-mira')
    // The picker offers the rest.
    expect(options(w, 'reference-picker').slice(1)).toEqual(['logo'])
    await w.get('[data-testid="reference-picker"]').setValue('logo')
    expect(chips()).toEqual(['Mira Jones', 'Mira', 'logo'])
    expect(w.get('[data-testid="input-image-count"]').text()).toBe('3 / 3')
    // Full: no more images can be added; one more is over the limit and blocks Generate.
    expect(w.get('[data-testid="input-image-add"]').attributes('disabled')).toBeDefined()
    await w.get('[data-testid="input-image-url"]').setValue('https://example.com/a.png')
    expect(w.get('[data-testid="input-image-count"]').text()).toBe('4 / 3')
    expect(w.get('[data-testid="generate-button"]').attributes('disabled')).toBeDefined()
    await w.get('[data-testid="input-image-url"]').setValue('')
    // A chip removed stays removed while the prompt still mentions it (only new mentions add).
    await w.get('[data-testid="reference-chip"][data-name="Mira Jones"] button').trigger('click')
    await w.get('[data-testid="prompt-input"]').setValue('@mira jones on a bench with @MIRA, smiling')
    expect(chips()).toEqual(['Mira', 'logo'])
    expect(w.get('[data-testid="input-image-count"]').text()).toBe('2 / 3')
    // The quote is asked with the names too.
    await vi.waitFor(() => expect(api.quote.mock.calls.at(-1)?.[0].references).toEqual(['Mira', 'logo']))
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.generate).toHaveBeenCalledTimes(1)
    expect(api.generate.mock.calls[0][0].references).toEqual(['Mira', 'logo'])
    expect(api.generate.mock.calls[0][0].inputImages).toEqual([])
    w.unmount()
  })

  it('shows the core\'s not_found when a reference is gone, and sends no references to a model without inputs', async () => {
    api.listReferences.mockResolvedValue([{ id: 'ref-1', name: 'Mira', imageId: 'img-mira', sha256: 'a', updatedAt: 1 }])
    api.generate.mockRejectedValueOnce(new ApiError({ kind: 'not_found', message: "no reference is named 'Mira'" }))
    api.keyStatus.mockImplementation(BOTH_KEYS)
    const w = await mountView()
    await w.get('[data-testid="provider-select"]').setValue('gemini')
    await w.get('[data-testid="prompt-input"]').setValue('@Mira waving')
    await flushPromises()
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.generate.mock.calls[0][0].references).toEqual(['Mira'])
    expect(w.get('[data-testid="submit-error"]').attributes('data-kind')).toBe('not_found')
    expect(w.get('[data-testid="submit-error"]').text()).toContain("no reference is named 'Mira'")
    // The demo takes no inputs: the chips wait, hidden, and nothing is sent.
    await w.get('[data-testid="provider-select"]').setValue('demo')
    await flushPromises()
    expect(w.find('[data-testid="generator-references"]').exists()).toBe(false)
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.generate.mock.calls[1][0]).not.toHaveProperty('references')
    w.unmount()
  })

  it('a recalled prompt adds no chips and clears the old ones: its references are in its inputs already', async () => {
    api.keyStatus.mockImplementation(BOTH_KEYS)
    api.listReferences.mockResolvedValue([{ id: 'ref-1', name: 'Mira', imageId: 'img-mira', sha256: 'a', updatedAt: 1 }])
    const w = await mountView()
    await w.get('[data-testid="provider-select"]').setValue('gemini')
    await w.get('[data-testid="prompt-input"]').setValue('@Mira')
    await flushPromises()
    expect(w.findAll('[data-testid="reference-chip"]')).toHaveLength(1)
    useDraftStore().load({ prompt: '@Mira waving again', provider: 'gemini', model: 'gemini-3.1-flash-image', inputImageIds: ['img-mira'] })
    await flushPromises()
    expect(w.findAll('[data-testid="reference-chip"]')).toHaveLength(0)
    expect(w.findAll('[data-testid="input-image"]').map((t) => t.attributes('data-id'))).toEqual(['img-mira'])
    w.unmount()
  })

  it('offers a watermark only for models that take one', async () => {
    api.keyStatus.mockResolvedValue(KEYED)
    const w = await mountView()
    expect(w.find('[data-testid="watermark-input"]').exists()).toBe(false)
    await w.get('[data-testid="model-select"]').setValue('nano-banana')
    // The core's limits (exported into the bindings): 100 characters, at most 4 images.
    expect(w.get('[data-testid="watermark-input"]').attributes('maxlength')).toBe('100')
    expect(w.get('[data-testid="count-input"]').attributes('max')).toBe('4')
    await w.get('[data-testid="watermark-input"]').setValue('© me')
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(api.generate.mock.calls[0][0].watermark).toBe('© me')
    w.unmount()
  })

  it('applies a pending draft on open and a new one while open', async () => {
    useDraftStore().load({ prompt: 'from the gallery', size: '2K', aspectRatio: '16:9', count: 3 })
    const w = await mountView()
    expect((w.get('[data-testid="prompt-input"]').element as HTMLTextAreaElement).value).toBe('from the gallery')
    expect(value(w, 'size-select')).toBe('2K')
    expect(value(w, 'aspect-select')).toBe('16:9')
    expect((w.get('[data-testid="count-input"]').element as HTMLInputElement).value).toBe('3')
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
    events.job('job-1', { kind: 'failed', error: { kind: 'api_key_rejected', message: 'The API key was rejected (401).' } })
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

  it('a recoverable job offers Recover, which fetches the paid result in place (no new job)', async () => {
    const w = await mountView()
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('form').trigger('submit')
    await flushPromises()
    api.getJob.mockResolvedValue(jobRecord({ status: 'RECOVERABLE', errorKind: 'timeout', errorMessage: 'took too long', mayBeCharged: true, remoteTaskId: 't1', cost: 0 }))
    events.job('job-1', { kind: 'recoverable', error: { kind: 'timeout', message: 'took too long' } })
    await flushPromises()
    const card = w.get('[data-testid="job-job-1"]')
    expect(card.attributes('data-stage')).toBe('recoverable')
    expect(card.get('[data-testid="job-money-note"]').attributes('data-kind')).toBe('recoverable')
    expect(card.get('[data-testid="possibly-charged"]').text()).toContain('~$0.067')
    api.retryJob.mockResolvedValue(jobRecord({ status: 'SUBMITTED', mayBeCharged: true, remoteTaskId: 't1' }))
    const action = card.get('[data-testid="job-error-action"]')
    expect(action.text()).toBe('Recover')
    await action.trigger('click')
    await flushPromises()
    expect(api.retryJob).toHaveBeenCalledWith('job-1')
    expect(api.rerunJob).not.toHaveBeenCalled()
    expect(w.findAll('[data-testid^="job-job-"]')).toHaveLength(1)
    expect(w.get('[data-testid="job-job-1"]').attributes('data-stage')).toBe('submitted')
    w.unmount()
  })

  it('an interrupted submit says it may be charged and was not resent; Run again states the price and asks', async () => {
    api.keyStatus.mockResolvedValue(KEYED)
    const w = await mountView()
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('form').trigger('submit')
    await flushPromises()
    api.getJob.mockResolvedValue(jobRecord({ status: 'FAILED', errorKind: 'interrupted', errorMessage: 'stopped while sending', mayBeCharged: true, cost: 0 }))
    events.job('job-1', { kind: 'failed', error: { kind: 'interrupted', message: 'stopped while sending' } })
    await flushPromises()
    const card = w.get('[data-testid="job-job-1"]')
    expect(card.get('[data-testid="job-money-note"]').text()).toContain('may have reached the service and been charged (~$0.067)')
    expect(card.get('[data-testid="job-money-note"]').text()).toContain('not sent again')
    const action = card.get('[data-testid="job-error-action"]')
    expect(action.text()).toBe('Run again')
    await action.trigger('click')
    await flushPromises()
    expect(api.rerunJob).not.toHaveBeenCalled()
    expect(spendDialog()?.textContent).toContain('about $0.067 (estimate) for 1 image')
    api.rerunJob.mockResolvedValue([jobRecord({ id: 'job-2', parentJobId: 'job-1' })])
    document.querySelector<HTMLElement>('[data-testid="spend-confirm"]')!.click()
    await flushPromises()
    expect(api.rerunJob).toHaveBeenCalledWith('job-1', { overBudget: false })
    expect(w.find('[data-testid="job-job-2"]').exists()).toBe(true)
    expect(spendDialog()).toBeNull()
    w.unmount()
  })

  it('lists a job another device runs as read-only: where it runs, no cancel', async () => {
    api.syncStatus.mockResolvedValue({
      configured: true, endpoint: 'https://a.example', bucket: 'b', prefix: 'p/', deviceId: 'dev-here', lastSyncMs: 1,
      pendingUploads: 0, pendingDownloads: 0, devices: [{ id: 'dev-pixel', name: 'Pixel 8', platform: 'android', lastSeenMs: 1 }],
    })
    const elsewhere = jobRecord({ id: 'job-5', status: 'PROCESSING', originDevice: 'dev-pixel', remoteTaskId: 't5' })
    api.listJobs.mockImplementation(async (q: { status?: string }) => ({ items: q.status === 'PROCESSING' ? [elsewhere] : [], nextCursor: null }))
    const w = await mountView()
    await flushPromises()
    const card = w.get('[data-testid="job-job-5"]')
    expect(card.get('[data-testid="job-stage-text"]').text()).toBe('Running on Pixel 8')
    expect(card.get('[data-testid="job-elsewhere"]').text()).toContain('only that device can cancel or recover it')
    expect(card.find('[data-testid="job-cancel"]').exists()).toBe(false)
    w.unmount()
  })

  it('reads progress like a person talks', async () => {
    const w = await mountView()
    await w.get('[data-testid="prompt-input"]').setValue('a fox')
    await w.get('form').trigger('submit')
    await flushPromises()
    const text = () => w.get('[data-testid="job-job-1"] [data-testid="job-stage-text"]').text()
    events.job('job-1', { kind: 'generating', elapsedMs: 12_000, polls: 3 })
    await flushPromises()
    expect(text()).toMatch(/^Generating… 12 s \(3 checks\)$/)
    events.job('job-1', { kind: 'downloading', image: 0, images: 2, receivedBytes: 460_800, totalBytes: null })
    await flushPromises()
    expect(text()).toBe('Downloading 1/2 · 450.0 KB')
    events.job('job-1', { kind: 'ingesting', image: 0, images: 1 })
    await flushPromises()
    expect(text()).toBe('Saving')
    w.unmount()
  })
})
