// Generation settings live in PNG text chunks before the image data, so only that head of a dropped
// file needs to cross into the core: a 20 MB PNG becomes a few kilobytes of IPC.

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/** Bytes of the first image-data chunk kept after its header, so the decoder sees it start. */
const IDAT_TAIL = 16

/** The file up to the start of its image data; the whole file if it is not a PNG or has none. */
export function pngHeadBeforeImageData(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) return bytes
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = 8
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset)
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8))
    if (type === 'IDAT') return bytes.subarray(0, Math.min(bytes.length, offset + 8 + Math.min(length, IDAT_TAIL)))
    offset += 12 + length
  }
  return bytes
}
