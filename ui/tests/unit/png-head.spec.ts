import { describe, it, expect } from 'vitest'
import { pngHeadBeforeImageData } from '@/lib/png'

function chunk(type: string, data: number[]): number[] {
  const len = data.length
  // The CRC is not checked here; the core's decoder reads real files (see core tests).
  return [len >>> 24, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, ...[...type].map((c) => c.charCodeAt(0)), ...data, 0, 0, 0, 0]
}

const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

describe('pngHeadBeforeImageData', () => {
  it('keeps every chunk before the image data and the start of the first IDAT', () => {
    const head = [...SIG, ...chunk('IHDR', new Array(13).fill(1)), ...chunk('tEXt', [...'parameters\0a cat'].map((c) => c.charCodeAt(0)))]
    const idat = chunk('IDAT', new Array(1000).fill(7))
    const file = new Uint8Array([...head, ...idat, ...chunk('IEND', [])])
    const out = pngHeadBeforeImageData(file)
    expect(out.length).toBe(head.length + 8 + 16)
    expect([...out.subarray(0, head.length)]).toEqual(head)
  })

  it('passes other files through unchanged', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])
    expect(pngHeadBeforeImageData(jpeg)).toBe(jpeg)
    const tiny = new Uint8Array([1, 2])
    expect(pngHeadBeforeImageData(tiny)).toBe(tiny)
  })
})
