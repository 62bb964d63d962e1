import { describe, it, expect } from 'vitest'
import {
  clear, coverage, createMask, fillRect, invert, isEmpty, paintOverlay, PAINT, KEEP, rectBetween, resample, stamp, stroke,
  toGreyRgba, workingSize, type MaskBuffer,
} from '@/lib/mask'

/** The mask as rows of '#' (painted) and '.' (kept), for readable expectations. */
function picture(mask: MaskBuffer): string[] {
  const rows: string[] = []
  for (let y = 0; y < mask.height; y++) {
    let row = ''
    for (let x = 0; x < mask.width; x++) row += mask.data[y * mask.width + x] === PAINT ? '#' : mask.data[y * mask.width + x] === KEEP ? '.' : '~'
    rows.push(row)
  }
  return rows
}

describe('the edit mask', () => {
  it('starts empty, at the working size of the image (its shape, the long side capped)', () => {
    expect(workingSize(4096, 2048)).toEqual({ width: 1024, height: 512 })
    expect(workingSize(600, 900)).toEqual({ width: 600, height: 900 })
    const mask = createMask(4, 3)
    expect(isEmpty(mask)).toBe(true)
    expect(coverage(mask)).toBe(0)
  })

  it('a rectangle paints exactly the pixels between its corners, in either order', () => {
    const mask = createMask(6, 4)
    const r = fillRect(mask, rectBetween(mask, { x: 4, y: 3 }, { x: 1, y: 1 }), PAINT)
    expect(r).toEqual({ x: 1, y: 1, width: 3, height: 2 })
    expect(picture(mask)).toEqual([
      '......',
      '.###..',
      '.###..',
      '......',
    ])
    expect(coverage(mask)).toBeCloseTo(6 / 24)
  })

  it('a rectangle dragged past the edge stops at the image', () => {
    const mask = createMask(4, 4)
    fillRect(mask, rectBetween(mask, { x: 2, y: -5 }, { x: 9, y: 2 }), PAINT)
    expect(picture(mask)).toEqual(['..##', '..##', '....', '....'])
  })

  it('invert swaps painted and kept (grey mirrors), and twice gives the mask back', () => {
    const mask = createMask(3, 2)
    fillRect(mask, { x: 0, y: 0, width: 1, height: 2 }, PAINT)
    mask.data[4] = 100
    invert(mask)
    expect([...mask.data]).toEqual([0, 255, 255, 0, 155, 255])
    invert(mask)
    expect([...mask.data]).toEqual([255, 0, 0, 255, 100, 0])
  })

  it('inverting an empty mask paints everything; clear empties it', () => {
    const mask = createMask(3, 3)
    invert(mask)
    expect(coverage(mask)).toBe(1)
    clear(mask)
    expect(isEmpty(mask)).toBe(true)
  })

  it('the brush paints a disc and the eraser takes it away again', () => {
    const mask = createMask(7, 7)
    const touched = stamp(mask, 3.5, 3.5, 2.5, PAINT)
    expect(picture(mask)).toEqual([
      '.......',
      '..###..',
      '.#####.',
      '.#####.',
      '.#####.',
      '..###..',
      '.......',
    ])
    expect(touched.width).toBeGreaterThan(0)
    stamp(mask, 3.5, 3.5, 1, KEEP)
    expect(mask.data[3 * 7 + 3]).toBe(KEEP)
    expect(mask.data[2 * 7 + 2]).toBe(PAINT)
  })

  it('a stroke leaves no gaps between its ends', () => {
    const mask = createMask(40, 5)
    stroke(mask, { x: 2, y: 2.5 }, { x: 37, y: 2.5 }, 1.5, PAINT)
    const middle = picture(mask)[2]
    expect(middle.slice(2, 38)).toBe('#'.repeat(36))
  })

  it('resamples to the natural size (nearest pixel), keeping where the paint is', () => {
    const mask = createMask(2, 2)
    mask.data[1] = PAINT // top right
    const big = resample(mask, 4, 4)
    expect(picture(big)).toEqual(['..##', '..##', '....', '....'])
    const same = resample(mask, 2, 2)
    expect([...same.data]).toEqual([...mask.data])
    expect(same.data).not.toBe(mask.data)
  })

  it('exports opaque grey pixels: white where painted, black where kept', () => {
    const mask = createMask(2, 1)
    mask.data[0] = PAINT
    expect([...toGreyRgba(mask)]).toEqual([255, 255, 255, 255, 0, 0, 0, 255])
  })

  it('the overlay colours painted pixels of the changed rectangle only', () => {
    const mask = createMask(3, 1)
    mask.data.fill(PAINT)
    const target = new Uint8ClampedArray(3 * 4)
    paintOverlay(mask, { x: 1, y: 0, width: 1, height: 1 }, target, [10, 20, 30], 0.5)
    expect([...target]).toEqual([0, 0, 0, 0, 10, 20, 30, 128, 0, 0, 0, 0])
  })

  it('the overlay draws a white border along the painted region inside the image, so it shows on any picture', () => {
    const mask = createMask(5, 1)
    fillRect(mask, { x: 0, y: 0, width: 3, height: 1 }, PAINT)
    const target = new Uint8ClampedArray(5 * 4)
    paintOverlay(mask, { x: 0, y: 0, width: 5, height: 1 }, target, [10, 20, 30], 1, 1)
    const alphaAndRed = (i: number) => [target[i * 4], target[i * 4 + 3]]
    // Pixel 0 touches the image's edge only (no border there); pixel 2 touches kept pixel 3.
    expect(alphaAndRed(0)).toEqual([10, 255])
    expect(alphaAndRed(1)).toEqual([10, 255])
    expect(alphaAndRed(2)).toEqual([255, 255])
    expect(alphaAndRed(3)).toEqual([10, 0])
  })
})
