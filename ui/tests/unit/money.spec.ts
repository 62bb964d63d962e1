import { describe, it, expect, vi, beforeEach } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { BudgetStatus, Catalog, CreditsInfo, ModelInfo } from '@/api'
import { catalog, jobRecord, mockCatalog } from './jobs-fixtures'

const api = vi.hoisted(() => ({ catalog: vi.fn(), onCoreChanged: vi.fn() }))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { allSizes, isDemoProvider, keepRatio, keepSize, priceInEffect, providerKeys, withOverride } from '@/lib/catalog'
import { canRecover, canRunAgain, errorAction, isPossiblyCharged, isUnconfirmedSubmit } from '@/lib/jobs'
import { balanceState, budgetOutlook, budgetView } from '@/lib/money'
import { useCatalogStore } from '@/stores/catalog'
import { useCoreEventsStore } from '@/stores/coreEvents'
import { fakeCoreEvents } from './core-events'

const info = (model: string) => catalog.models.find((m) => m.model === model) as ModelInfo
const budget = (over: Partial<BudgetStatus> = {}): BudgetStatus => ({
  limitUsd: 10, month: '2026-11', spentConfirmed: 5, spentPossible: 1, level: 'ok', ...over,
})

describe('catalog store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    api.catalog.mockReset()
  })

  it('loads the catalog once for every caller, and again only after a failure', async () => {
    api.catalog.mockRejectedValueOnce(new Error('bridge down')).mockResolvedValue(catalog)
    const store = useCatalogStore()
    await store.ensureLoaded()
    expect(store.error).toBe('bridge down')
    expect(store.loaded).toBe(false)
    await Promise.all([store.ensureLoaded(), store.ensureLoaded()])
    await store.ensureLoaded()
    expect(api.catalog).toHaveBeenCalledTimes(2)
    expect(store.loaded).toBe(true)
    expect(store.error).toBeNull()
  })

  it('lists the models a person picks (not the demo), every size, labels, providers and the prices in effect', async () => {
    const own: Catalog = mockCatalog([{ model: 'nano-banana-2', size: '2K', usd: 0.05 }])
    api.catalog.mockResolvedValue(own)
    const store = useCatalogStore()
    await store.ensureLoaded()
    expect(store.selectable.map((m) => m.model)).toEqual([
      'nano-banana-2', 'nano-banana-pro', 'nano-banana',
      'gemini-3.1-flash-image', 'gemini-3-pro-image', 'gemini-2.5-flash-image', 'gemini-3.1-flash-lite-image',
    ])
    expect(store.sizes).toEqual(['512', '1K', '2K', '4K'])
    expect(store.label('nano-banana-pro')).toBe('Nano Banana Pro')
    expect(store.label('demo')).toBe('Demo — not AI')
    // The demo is the provider that runs on no key; the others name theirs.
    expect(['nanobanana', 'gemini', 'demo'].map((k) => store.isDemo(k as never))).toEqual([false, false, true])
    expect(store.keyPurposes).toEqual(['nanoBananaKey', 'geminiKey'])
    expect(store.balanceKeyPurpose).toBe('nanoBananaKey')
    expect(store.provider('gemini')?.inputMode).toBe('inline')
    // Prices are the core's, the person's own applied: looked up, never worked out.
    expect(store.price('nano-banana-2', '2K')).toEqual({ model: 'nano-banana-2', size: '2K', usd: 0.05, own: true, estimate: false })
    expect(store.price('nano-banana-2', '1K')).toMatchObject({ usd: 0.067, own: false, estimate: true })
    expect(store.price('demo', '1K')).toMatchObject({ usd: 0, estimate: false })
  })

  it('reads the catalog again when the core says the preferences were saved (new prices in effect)', async () => {
    const events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    api.catalog.mockResolvedValue(catalog)
    const store = useCatalogStore()
    await useCoreEventsStore().start()
    await store.ensureLoaded()
    api.catalog.mockResolvedValue(mockCatalog([{ model: 'nano-banana-2', size: '1K', usd: 0.01 }]))
    events.library({ images: { added: ['img-1'] }, stats: true })
    expect(api.catalog).toHaveBeenCalledTimes(1)
    events.library({ preferences: true })
    await vi.waitFor(() => expect(store.price('nano-banana-2', '1K')?.usd).toBe(0.01))
    expect(api.catalog).toHaveBeenCalledTimes(2)
  })
})

describe('reading the catalog', () => {
  it('looks a price up in the core\'s list of prices in effect', () => {
    const own = mockCatalog([{ model: 'nano-banana-2', size: '1K', usd: 0.04 }])
    expect(priceInEffect(own, 'nano-banana-2', '1K')).toMatchObject({ usd: 0.04, own: true })
    expect(priceInEffect(own, 'nano-banana-2', '512')).toBeUndefined()
  })

  it('knows the demo and the keys from what each provider declares', () => {
    expect(isDemoProvider(catalog, 'demo')).toBe(true)
    expect(isDemoProvider(catalog, 'nanobanana')).toBe(false)
    const renamed: Catalog = { ...catalog, providers: catalog.providers.map((p) => ({ ...p, key: p.kind === 'gemini' ? null : p.key })) }
    expect(isDemoProvider(renamed, 'gemini')).toBe(true)
    expect(providerKeys(renamed)).toEqual(['nanoBananaKey'])
  })

  it('sets and resets one override, leaving the others', () => {
    const a = withOverride([], 'nano-banana-2', '1K', 0.05)
    const b = withOverride(a, 'nano-banana-pro', '4K', 0.2)
    expect(withOverride(b, 'nano-banana-2', '1K', 0.06)).toEqual([
      { model: 'nano-banana-pro', size: '4K', usd: 0.2 }, { model: 'nano-banana-2', size: '1K', usd: 0.06 }])
    expect(withOverride(b, 'nano-banana-2', '1K', null)).toEqual([{ model: 'nano-banana-pro', size: '4K', usd: 0.2 }])
  })

  it('keeps a size or ratio the next model offers, else its default size and square', () => {
    const original = info('nano-banana')
    expect(keepSize(info('nano-banana-pro'), '2K')).toBe('2K')
    expect(keepSize(original, '4K')).toBe('1K')
    expect(keepRatio(info('nano-banana-pro'), 'auto')).toBe('auto')
    expect(keepRatio(original, 'auto')).toBe('1:1')
    expect(keepRatio(original, '8:1')).toBe('1:1')
  })

  it('lists every size smallest first, from the order each model gives', () => {
    // Gemini's Nano Banana 2 goes down to 512 px, after models that start at 1K.
    expect(allSizes(catalog)).toEqual(['512', '1K', '2K', '4K'])
    const only = (models: string[]): Catalog => ({ ...catalog, models: catalog.models.filter((m) => models.includes(m.model)) })
    expect(allSizes(only(['nano-banana']))).toEqual(['1K'])
    expect(allSizes(only(['nano-banana', 'demo']))).toEqual(['512', '1K', '2K'])
  })
})

describe('budget and balance', () => {
  it('has no view without a budget', () => {
    expect(budgetView(null)).toBeNull()
    expect(budgetView(budget({ limitUsd: null, level: 'off' }))).toBeNull()
    expect(budgetOutlook(budget({ limitUsd: null, level: 'off' }), 1).outlook).toBe('none')
  })

  it('counts confirmed and possibly charged spend against the budget', () => {
    expect(budgetView(budget())).toMatchObject({ limit: 10, confirmed: 5, possible: 1, spent: 6, share: 0.6, level: 'ok' })
  })

  it('warns from 80 % with what this generation adds, and says over when it would pass the budget', () => {
    expect(budgetOutlook(budget(), 1).outlook).toBe('ok')
    expect(budgetOutlook(budget(), 2).outlook).toBe('warning')
    expect(budgetOutlook(budget(), 4).outlook).toBe('warning')
    expect(budgetOutlook(budget(), 4.01)).toMatchObject({ outlook: 'over', after: 10.01 })
    // The core's own level wins: already past the budget is over whatever this one costs.
    expect(budgetOutlook(budget({ spentConfirmed: 10.5, level: 'over' }), 0).outlook).toBe('over')
    expect(budgetOutlook(budget({ spentConfirmed: 8.2, spentPossible: 0, level: 'warning' }), 0).outlook).toBe('warning')
  })

  it('compares a batch with the balance only when an image\'s credits are known; zero is always empty', () => {
    const credits = (balance: number | null, creditsPerImage: number | null): CreditsInfo => ({ provider: 'nanobanana', balance, creditsPerImage })
    expect(balanceState(null, 1).state).toBe('unknown')
    expect(balanceState(credits(null, 2), 1).state).toBe('unknown')
    expect(balanceState(credits(0, null), 1).state).toBe('empty')
    expect(balanceState(credits(5, null), 100)).toEqual({ state: 'ok', needed: null })
    expect(balanceState(credits(5, 2), 2)).toEqual({ state: 'ok', needed: 4 })
    expect(balanceState(credits(5, 2), 3)).toEqual({ state: 'short', needed: 6 })
  })
})

describe('what a job may have cost, and what helps', () => {
  it('is possibly charged when flagged and no cost was confirmed', () => {
    expect(isPossiblyCharged(jobRecord({ mayBeCharged: true, cost: 0 }))).toBe(true)
    expect(isPossiblyCharged(jobRecord({ mayBeCharged: true, cost: null }))).toBe(true)
    expect(isPossiblyCharged(jobRecord({ mayBeCharged: true, cost: 0.067 }))).toBe(false)
    expect(isPossiblyCharged(jobRecord({ mayBeCharged: false, cost: 0 }))).toBe(false)
  })

  it('recovers a recoverable job or one cancelled after the service took it; runs again only what cannot be recovered', () => {
    const recoverable = jobRecord({ status: 'RECOVERABLE', remoteTaskId: 't', mayBeCharged: true })
    const cancelledPaid = jobRecord({ status: 'CANCELLED', remoteTaskId: 't', mayBeCharged: true })
    const cancelledEarly = jobRecord({ status: 'CANCELLED', remoteTaskId: null, mayBeCharged: false })
    const interrupted = jobRecord({ status: 'FAILED', errorKind: 'interrupted', mayBeCharged: true })
    expect([recoverable, cancelledPaid, cancelledEarly, interrupted].map(canRecover)).toEqual([true, true, false, false])
    expect([recoverable, cancelledPaid, cancelledEarly, interrupted].map(canRunAgain)).toEqual([false, false, true, true])
    expect(canRunAgain(jobRecord({ status: 'PROCESSING' }))).toBe(false)
    // Recovering polls the service's task: without a task id there is nothing to recover.
    expect(canRecover(jobRecord({ status: 'RECOVERABLE', remoteTaskId: null, mayBeCharged: true }))).toBe(false)
    // Another device's job is that device's to recover, and not to run again here while it can.
    const elsewhere = { ...recoverable, originDevice: 'dev-pixel' }
    expect([canRecover(elsewhere), canRunAgain(elsewhere)]).toEqual([false, false])
    expect(isUnconfirmedSubmit(interrupted)).toBe(true)
    expect(isUnconfirmedSubmit(jobRecord({ status: 'FAILED', errorKind: 'submit_unconfirmed' }))).toBe(true)
    expect(isUnconfirmedSubmit(jobRecord({ status: 'FAILED', errorKind: 'timeout' }))).toBe(false)
  })

  it('offers the one action that helps', () => {
    const failed = (errorKind: NonNullable<ReturnType<typeof jobRecord>['errorKind']>) => jobRecord({ status: 'FAILED', errorKind })
    expect(errorAction(failed('api_key_rejected'), 'api_key_rejected')).toBe('set-api-key')
    expect(errorAction(failed('out_of_credits'), 'out_of_credits')).toBe('check-credits')
    expect(errorAction(jobRecord({ status: 'RECOVERABLE', remoteTaskId: 't' }), 'timeout')).toBe('recover')
    expect(errorAction(failed('interrupted'), 'interrupted')).toBe('run-again')
    expect(errorAction(failed('generation_failed'), 'generation_failed')).toBe('run-again')
    // The request itself must change: no action runs it as it was.
    expect(errorAction(failed('invalid_request'), 'invalid_request')).toBeNull()
  })
})
