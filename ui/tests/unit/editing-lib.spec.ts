import { describe, it, expect } from 'vitest'
import type { LineageNode } from '@/api'
import { formatPayload, lineageRows, lineageShape, mentionedReferences, payloadShare, snippet, upscaleChoices } from '@/lib/editing'
import { MOCK_CATALOG } from '@/mocks/catalog'

const node = (jobId: string, imageIds: string[], children: LineageNode[] = []): LineageNode => ({
  jobId, imageIds, prompt: jobId, purpose: null, model: null, status: 'COMPLETED', errorKind: null, errorMessage: null, cost: 0, createdAt: 0, children,
})

describe('editor facts', () => {
  it('finds the references an instruction names with @name, in order, longest name first', () => {
    const names = ['Mira', 'Mira Jones', 'logo']
    expect(mentionedReferences('Put @logo on @mira’s shirt', names)).toEqual(['logo', 'Mira'])
    expect(mentionedReferences('@Mira Jones waves', names)).toEqual(['Mira Jones'])
    expect(mentionedReferences('email me@logos.com, @Miranda', names)).toEqual([])
    expect(mentionedReferences('@logo and @logo again', names)).toEqual(['logo'])
  })

  it('lays the tree out parents first, marks the open image and the way to it', () => {
    const root = node('a', ['img-a'], [node('b', ['img-b'], [node('d', ['img-d'])]), node('c', ['img-c'])])
    const rows = lineageRows(root, 'img-d')
    expect(rows.map((r) => [r.node.jobId, r.depth])).toEqual([['a', 0], ['b', 1], ['d', 2], ['c', 1]])
    expect(rows.filter((r) => r.current).map((r) => r.node.jobId)).toEqual(['d'])
    expect(rows.filter((r) => r.onPath).map((r) => r.node.jobId)).toEqual(['a', 'b', 'd'])
    expect(rows.find((r) => r.node.jobId === 'b')?.hasNextSibling).toBe(true)
    expect(lineageShape(root)).toEqual({ nodes: 4, depth: 2 })
  })

  it('measures the request against the inline limit', () => {
    expect(payloadShare({ bytes: 25e6, limitBytes: 100e6, images: 3, large: false, overLimit: false })).toBe(0.25)
    expect(payloadShare({ bytes: 150e6, limitBytes: 100e6, images: 9, large: true, overLimit: true })).toBe(1.5)
    expect(payloadShare(null)).toBe(0)
    expect(formatPayload(100e6)).toBe('100 MB')
    expect(formatPayload(3_640_000)).toBe('3.6 MB')
    expect(formatPayload(2_000)).toBe('2 KB')
  })

  it('cuts a prompt to its first line', () => {
    expect(snippet('one\ntwo')).toBe('one')
    expect(snippet('abcdefghij', 5)).toBe('abcd…')
    expect(snippet(null)).toBe('')
  })

  it('offers 2K and 4K on the image\'s own model when it makes them, else on one that can run here, never the demo', () => {
    const gemini = upscaleChoices(MOCK_CATALOG, 'gemini-3-pro-image', ['gemini', 'demo'])
    expect(gemini.map((c) => [c.size, c.model])).toEqual([['2K', 'gemini-3-pro-image'], ['4K', 'gemini-3-pro-image']])
    expect(gemini[1].usd).toBeCloseTo(0.24)
    // Nano Banana has no key here: a Gemini model that makes the size is used.
    const fromReseller = upscaleChoices(MOCK_CATALOG, 'nano-banana-2', ['gemini', 'demo'])
    expect(fromReseller.map((c) => c.model)).toEqual(['gemini-3.1-flash-image', 'gemini-3.1-flash-image'])
    expect(upscaleChoices(MOCK_CATALOG, 'demo', ['demo'])).toEqual([])
  })
})
