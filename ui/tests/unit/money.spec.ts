import { describe, it, expect, vi, beforeEach } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { BudgetStatus, CreditsInfo, ModelInfo } from '@/api'
import { catalog, jobRecord } from './jobs-fixtures'

const api = vi.hoisted(() => ({ catalog: vi.fn() }))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import {
  allSizes, estimateUsd, keepRatio, keepSize, pixelsOf, priceIsEstimate, pricePerImage, selectableModels, sizeLabel,
  withOverride,
} from '@/lib/catalog'
import { canRecover, canRunAgain, errorAction, isPossiblyCharged, isUnconfirmedSubmit } from '@/lib/jobs'
import { balanceState, budgetOutlook, budgetView } from '@/lib/money'
import { useCatalogStore } from '@/stores/catalog'

const info = (model: string) => catalog.find((m) => m.model === model) as ModelInfo
const NB2 = info('nano-banana-2')
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

  it('lists the models a person picks (not the demo), every size, labels and prices', async () => {
    api.catalog.mockResolvedValue(catalog)
    const store = useCatalogStore()
    await store.ensureLoaded()
    expect(store.selectable.map((m) => m.model)).toEqual([
      'nano-banana-2', 'nano-banana-pro', 'nano-banana',
      'gemini-3.1-flash-image', 'gemini-3-pro-image', 'gemini-2.5-flash-image', 'gemini-3.1-flash-lite-image',
    ])
    expect(store.sizes).toEqual(['512', '1K', '2K', '4K'])
    expect(store.label('nano-banana-pro')).toBe('Nano Banana Pro')
    expect(store.label('demo')).toBe('Demo — not AI')
    expect(store.sizeOf(4096)).toBe('4K')
    expect(store.sizeLabel(1536)).toBe('1536 px')
    const own = [{ model: 'nano-banana-2' as const, size: '2K' as const, usd: 0.05 }]
    expect(store.price('nano-banana-2', '2K', own)).toBe(0.05)
    expect(store.estimate('nano-banana-pro', '4K', 3)).toBe(0.72)
    expect(store.isEstimate('nano-banana-2', '2K', own)).toBe(false)
    expect(store.isEstimate('nano-banana-2', '1K', own)).toBe(true)
    expect(store.isEstimate('demo', '1K')).toBe(false)
  })
})

describe('prices from the catalog', () => {
  it('uses the person\'s own price over the default, the last one set winning', () => {
    expect(pricePerImage(NB2, '1K')).toBe(0.067)
    const own = [{ model: NB2.model, size: '1K' as const, usd: 0.05 }, { model: NB2.model, size: '1K' as const, usd: 0.04 }]
    expect(pricePerImage(NB2, '1K', own)).toBe(0.04)
    expect(pricePerImage(NB2, '2K', own)).toBe(0.101)
    expect(pricePerImage(NB2, '512')).toBe(0)
  })

  it('estimates a batch rounded to a hundredth of a cent, like the core', () => {
    expect(estimateUsd(NB2, '1K', 3)).toBe(0.201)
    expect(estimateUsd(NB2, '4K', 4)).toBe(0.604)
    expect(estimateUsd(NB2, '1K', 0)).toBe(0)
    expect(estimateUsd(NB2, '1K', 1, [{ model: NB2.model, size: '1K', usd: 1 / 3 }])).toBe(0.3333)
  })

  it('marks a default price as an estimate, never the person\'s own or the demo\'s', () => {
    expect(priceIsEstimate(NB2, '1K')).toBe(true)
    expect(priceIsEstimate(NB2, '1K', [{ model: NB2.model, size: '1K', usd: 0.1 }])).toBe(false)
    expect(priceIsEstimate(info('demo'), '1K')).toBe(false)
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

  it('reads sizes by the long side stored on jobs', () => {
    expect(['512', '1K', '2K', '4K'].map((s) => pixelsOf(s as never))).toEqual([512, 1024, 2048, 4096])
    // Gemini's Nano Banana 2 goes down to 512 px.
    expect(allSizes(selectableModels(catalog))).toEqual(['512', '1K', '2K', '4K'])
    expect(sizeLabel(catalog, 2048)).toBe('2K')
    expect(sizeLabel(catalog, 768)).toBe('768 px')
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
