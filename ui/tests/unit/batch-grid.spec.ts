// The batch view's grid and the mock core's batch expansion: rows are prompts in recorded order, columns the
// models in fan-out order, a missing pair is an empty cell; the mock prices and refuses as the core does.
import { describe, it, expect } from 'vitest'
import { batchGrid, cellState } from '@/components/batch/batchGrid'
import { planBatch } from '@/mocks/batches'
import { seedState } from '@/mocks/backend'
import type { BatchRequest } from '@/api'
import { jobRecord } from './jobs-fixtures'

describe('batchGrid', () => {
  it('puts each prompt on a row and each model in a column, in the order recorded', () => {
    const jobs = [
      jobRecord({ id: 'a', prompt: 'red', model: 'nano-banana-2', status: 'COMPLETED' }),
      jobRecord({ id: 'b', prompt: 'red', model: 'gemini-3.1-flash-image', status: 'PENDING' }),
      jobRecord({ id: 'c', prompt: 'blue', model: 'nano-banana-2', status: 'PROCESSING' }),
    ]
    const grid = batchGrid(jobs)
    expect(grid.models).toEqual(['nano-banana-2', 'gemini-3.1-flash-image'])
    expect(grid.rows.map((r) => r.prompt)).toEqual(['red', 'blue'])
    expect(grid.rows[0].cells.map((c) => c?.id)).toEqual(['a', 'b'])
    expect(grid.rows[1].cells.map((c) => c?.id ?? null)).toEqual(['c', null])
    expect(jobs.map(cellState)).toEqual(['done', 'pending', 'running'])
  })
})

describe('the mock core plans batches as the core does', () => {
  const request = (over: Partial<BatchRequest>): BatchRequest => ({
    template: 'A {red|blue} mug', models: ['gemini-3.1-flash-image'], size: null, aspectRatio: '1:1', csv: null,
    mode: { kind: 'allCombinations' }, max: 500, overBudget: false, batchApi: false, ...over,
  })
  const gemini = () => {
    const s = seedState(0)
    s.keys.geminiKey = { purpose: 'geminiKey', configured: true, masked: '••', source: 'keychain', provider: 'gemini', keychainError: null }
    return s
  }

  it('expands alternatives, wildcards and CSV rows, and halves Gemini jobs on the Batch API', () => {
    const s = gemini()
    expect(planBatch(s, request({})).map((j) => j.prompt)).toEqual(['A red mug', 'A blue mug'])
    expect(planBatch(s, request({ template: '__animal__ in ${city}', csv: 'city\nParis\nRome' })).map((j) => j.prompt))
      .toEqual(['cat in Paris', 'fox in Paris', 'cat in Rome', 'fox in Rome'])
    const full = planBatch(s, request({}))[0].estimatedCost ?? 0
    expect(planBatch(s, request({ batchApi: true }))[0].estimatedCost).toBeCloseTo(full / 2, 6)
    expect(planBatch(s, request({ mode: { kind: 'random', n: 1, seed: 3 } }))).toHaveLength(1)
  })

  it('refuses an unknown wildcard and a batch over the limit with the core kinds', () => {
    const s = gemini()
    expect(() => planBatch(s, request({ template: '__nope__' }))).toThrow(expect.objectContaining({ kind: 'invalid_template' }))
    expect(() => planBatch(s, request({ max: 1 }))).toThrow(expect.objectContaining({ kind: 'batch_too_large' }))
  })
})
