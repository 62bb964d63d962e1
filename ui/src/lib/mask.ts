// The edit mask as the editor paints it: one byte per pixel (0 = keep, 255 = change), at a working
// resolution that follows the image's shape (painting a 4K image at full size would be slow on a phone),
// and sent at the image's natural size as a greyscale PNG (white = change), which is what the core's
// `edit_image_region` reads. Everything but the PNG encoding works on plain arrays, so it is tested
// without a canvas.

export interface MaskBuffer {
  width: number
  height: number
  /** Row-major, one byte per pixel. */
  data: Uint8Array
}

/** A pixel rectangle; `width`/`height` 0 means nothing. */
export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface Point {
  x: number
  y: number
}

export const PAINT = 255
export const KEEP = 0
export const EMPTY_RECT: Rect = { x: 0, y: 0, width: 0, height: 0 }

/** Longest side of the working mask: fine enough to paint, small enough to repaint at once. */
export const WORKING_MAX_SIDE = 1024

export function createMask(width: number, height: number): MaskBuffer {
  const w = Math.max(1, Math.round(width))
  const h = Math.max(1, Math.round(height))
  return { width: w, height: h, data: new Uint8Array(w * h) }
}

/** The working size for an image of `width`×`height`: its own shape, the long side at most `maxSide`. */
export function workingSize(width: number, height: number, maxSide = WORKING_MAX_SIDE): { width: number; height: number } {
  const long = Math.max(width, height, 1)
  const scale = Math.min(1, maxSide / long)
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/** `r` cut to the mask. */
export function clip(mask: MaskBuffer, r: Rect): Rect {
  const x0 = Math.max(0, Math.floor(r.x))
  const y0 = Math.max(0, Math.floor(r.y))
  const x1 = Math.min(mask.width, Math.ceil(r.x + r.width))
  const y1 = Math.min(mask.height, Math.ceil(r.y + r.height))
  if (x1 <= x0 || y1 <= y0) return { ...EMPTY_RECT }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/** The smallest rectangle holding both (an empty one holds nothing). */
export function union(a: Rect, b: Rect): Rect {
  if (a.width <= 0 || a.height <= 0) return { ...b }
  if (b.width <= 0 || b.height <= 0) return { ...a }
  const x = Math.min(a.x, b.x)
  const y = Math.min(a.y, b.y)
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y }
}

/** A disc of `radius` at (cx, cy) set to `value` (PAINT for the brush, KEEP for the eraser); the rectangle it touched. */
export function stamp(mask: MaskBuffer, cx: number, cy: number, radius: number, value: number): Rect {
  const r = Math.max(0.5, radius)
  const area = clip(mask, { x: cx - r, y: cy - r, width: 2 * r + 1, height: 2 * r + 1 })
  const r2 = r * r
  for (let y = area.y; y < area.y + area.height; y++) {
    const dy = y + 0.5 - cy
    const row = y * mask.width
    for (let x = area.x; x < area.x + area.width; x++) {
      const dx = x + 0.5 - cx
      if (dx * dx + dy * dy <= r2) mask.data[row + x] = value
    }
  }
  return area
}

/** A brush stroke from `from` to `to`: discs close enough together to leave no gaps. */
export function stroke(mask: MaskBuffer, from: Point, to: Point, radius: number, value: number): Rect {
  const length = Math.hypot(to.x - from.x, to.y - from.y)
  const step = Math.max(0.5, radius / 3)
  const steps = Math.max(1, Math.ceil(length / step))
  let touched = { ...EMPTY_RECT }
  for (let i = 0; i <= steps; i++) {
    const t = i / steps
    touched = union(touched, stamp(mask, from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t, radius, value))
  }
  return touched
}

/** The rectangle two corners span (either order), in whole pixels, cut to the mask. */
export function rectBetween(mask: MaskBuffer, a: Point, b: Point): Rect {
  const x = Math.min(a.x, b.x)
  const y = Math.min(a.y, b.y)
  return clip(mask, { x, y, width: Math.abs(b.x - a.x), height: Math.abs(b.y - a.y) })
}

/** Sets every pixel of `r` to `value`; the rectangle it touched. */
export function fillRect(mask: MaskBuffer, r: Rect, value: number): Rect {
  const area = clip(mask, r)
  for (let y = area.y; y < area.y + area.height; y++) {
    mask.data.fill(value, y * mask.width + area.x, y * mask.width + area.x + area.width)
  }
  return area
}

/** Painted becomes kept and kept painted (grey values mirror): "everything but this". */
export function invert(mask: MaskBuffer): Rect {
  const d = mask.data
  for (let i = 0; i < d.length; i++) d[i] = 255 - d[i]
  return whole(mask)
}

export function clear(mask: MaskBuffer): Rect {
  mask.data.fill(KEEP)
  return whole(mask)
}

export function whole(mask: MaskBuffer): Rect {
  return { x: 0, y: 0, width: mask.width, height: mask.height }
}

/** Nothing painted: the core refuses an empty mask, so Send waits for one. */
export function isEmpty(mask: MaskBuffer): boolean {
  return !mask.data.some((v) => v !== KEEP)
}

/** The share of the image painted, 0–1 (grey counts in part). */
export function coverage(mask: MaskBuffer): number {
  let sum = 0
  for (const v of mask.data) sum += v
  return mask.data.length ? sum / (255 * mask.data.length) : 0
}

/** The mask at another size (nearest pixel): the working mask at the image's natural size. */
export function resample(mask: MaskBuffer, width: number, height: number): MaskBuffer {
  const out = createMask(width, height)
  if (out.width === mask.width && out.height === mask.height) {
    out.data.set(mask.data)
    return out
  }
  const xs = new Uint32Array(out.width)
  for (let x = 0; x < out.width; x++) xs[x] = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / out.width))
  for (let y = 0; y < out.height; y++) {
    const sy = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / out.height))
    const src = sy * mask.width
    const dst = y * out.width
    for (let x = 0; x < out.width; x++) out.data[dst + x] = mask.data[src + xs[x]]
  }
  return out
}

/** Opaque grey RGBA (r = g = b = the mask's value): the pixels of the PNG the core reads. */
export function toGreyRgba(mask: MaskBuffer): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(mask.data.length * 4)
  for (let i = 0; i < mask.data.length; i++) {
    const v = mask.data[i]
    const o = i * 4
    out[o] = v
    out[o + 1] = v
    out[o + 2] = v
    out[o + 3] = 255
  }
  return out
}

/**
 * The overlay the person sees, for rectangle `r` only: `colour` where painted, its opacity following the
 * value (at most `alpha`), transparent where kept, and an opaque white line `edge` pixels wide along the
 * painted region's border inside the image, so the region shows on an image of any colour. `target` is an
 * RGBA buffer of the whole mask's size; the rectangle is widened by `edge` (its neighbours' border changes).
 */
export function paintOverlay(mask: MaskBuffer, r: Rect, target: Uint8ClampedArray, colour: [number, number, number], alpha = 0.55, edge = 0) {
  const area = clip(mask, { x: r.x - edge, y: r.y - edge, width: r.width + 2 * edge, height: r.height + 2 * edge })
  const { width: w, height: h, data } = mask
  const kept = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < h && data[y * w + x] < 128
  const onBorder = (x: number, y: number) => {
    for (let d = 1; d <= edge; d++) {
      if (kept(x - d, y) || kept(x + d, y) || kept(x, y - d) || kept(x, y + d)) return true
    }
    return false
  }
  for (let y = area.y; y < area.y + area.height; y++) {
    for (let x = area.x; x < area.x + area.width; x++) {
      const i = y * w + x
      const o = i * 4
      if (edge > 0 && data[i] >= 128 && onBorder(x, y)) {
        target[o] = 255
        target[o + 1] = 255
        target[o + 2] = 255
        target[o + 3] = 255
        continue
      }
      target[o] = colour[0]
      target[o + 1] = colour[1]
      target[o + 2] = colour[2]
      target[o + 3] = Math.round(data[i] * alpha)
    }
  }
}

/**
 * The greyscale PNG of the mask at the image's natural size (what `edit_image_region` takes, added with
 * `add_input_image` first). Needs a canvas: the browser's PNG encoder writes it.
 */
export async function maskPng(mask: MaskBuffer, naturalWidth: number, naturalHeight: number): Promise<Uint8Array> {
  const full = resample(mask, naturalWidth, naturalHeight)
  const canvas = document.createElement('canvas')
  canvas.width = full.width
  canvas.height = full.height
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('this window cannot draw the mask (no 2D canvas)')
  ctx.putImageData(new ImageData(toGreyRgba(full), full.width, full.height), 0, 0)
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
  if (!blob) throw new Error('the mask could not be encoded as a PNG')
  return new Uint8Array(await blob.arrayBuffer())
}
