// The in-page core's editing answers (browser-test build) follow the core's rules: the tree from the jobs,
// conversations continued only on the same Gemini model, references by name in any case.
import { describe, it, expect } from 'vitest'
import { seedState } from '@/mocks/backend'
import { editQuote, lineage, listReferences, removeReference, renameReference, setReference, withReferences } from '@/mocks/editing'
import { startGeneration } from '@/mocks/generation'

describe('mock editing', () => {
  it('builds the tree from parent images: a remix hangs under the job whose image it started from', () => {
    const s = seedState()
    const remix = s.jobs.find((j) => j.id === 'job-0004')!
    const parent = s.images.find((i) => i.id === remix.parentImageId)!
    const tree = lineage(s, remix.imageId!)
    expect(tree.root.jobId).toBe(parent.jobId)
    expect(tree.root.children.map((c) => c.jobId)).toEqual(['job-0004'])
    expect(tree.jobs).toBe(2)
    expect(tree.totalCost).toBeCloseTo((s.jobs.find((j) => j.id === parent.jobId)!.cost ?? 0) + (remix.cost ?? 0))
  })

  it('quotes a fresh conversation for an image another provider made, and refuses an empty instruction', () => {
    const s = seedState()
    s.keys.geminiKey = { purpose: 'geminiKey', configured: true, masked: '••••1234', source: 'keychain', provider: 'gemini', keychainError: null }
    const image = s.images[0]
    const q = editQuote(s, { imageId: image.id, instruction: 'night' })
    expect(q.provider).toBe('gemini')
    expect(q.continues).toBe(false)
    expect(q.replayedImages).toBe(0)
    expect(q.payload.images).toBe(1)
    expect(() => editQuote(s, { imageId: image.id, instruction: '  ' })).toThrow()
  })

  it('keeps references by name in any case, as the core does', () => {
    const s = seedState()
    expect(listReferences(s).map((r) => r.name)).toEqual(['logo', 'Mira'])
    setReference(s, 'MIRA', s.images[5].id)
    expect(listReferences(s).find((r) => r.name === 'MIRA')?.imageId).toBe(s.images[5].id)
    expect(listReferences(s)).toHaveLength(2)
    const logo = listReferences(s).find((r) => r.name === 'logo')!
    renameReference(s, logo.id, 'brand')
    removeReference(s, 'mira')
    expect(listReferences(s).map((r) => r.name)).toEqual(['brand'])
    expect(() => setReference(s, '@bad', s.images[0].id)).toThrow()
  })

  it('sends a generation\'s references first as its inputs, and refuses an unknown name before recording anything', () => {
    const s = seedState()
    s.keys.geminiKey = { purpose: 'geminiKey', configured: true, masked: '••••1234', source: 'keychain', provider: 'gemini', keychainError: null }
    const mira = listReferences(s).find((r) => r.name === 'Mira')!
    const jobs = s.jobs.length
    expect(() => withReferences(s, { prompt: 'a fox', references: ['nobody'] })).toThrow(/no reference is named 'nobody'/)
    const req = withReferences(s, { prompt: 'a fox', model: 'gemini-2.5-flash-image', size: '1K', references: ['mira'], inputImages: [] })
    const [job] = startGeneration(s, req, { provider: 'gemini' }, () => {})
    expect(job.inputImageIds).toEqual([mira.imageId])
    expect(job.taskType).toBe('IMAGE_TO_IMAGE')
    expect(s.jobs.length).toBe(jobs + 1)
  })
})
