// Saving a library image where the user chooses: one suggested name and one dialog flow, shared by
// the Generator's results and the Gallery viewer.
import { api, type ImageRecord } from '@/api'

/** The original's extension, from its stored path ("png" when it has none). */
export function imageExtension(image: ImageRecord): string {
  return image.path.split('.').pop() || 'png'
}

/**
 * A file name from the prompt's first words, numbered when the job made several images:
 * "lighthouse-on-a-basalt-cliff.png", "lighthouse-on-a-basalt-cliff-2.png".
 */
export function suggestedFileName(image: ImageRecord, prompt: string | null | undefined): string {
  const words = (prompt ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim().split(/\s+/).filter(Boolean).slice(0, 6).join('-')
  const base = words || `nanoforge-${image.id}`
  const n = image.position > 0 ? `-${image.position + 1}` : ''
  return `${base}${n}.${imageExtension(image)}`
}

/** Asks where to save the original (the shell's native dialog) and copies it there; false when the user cancels. */
export async function saveImageWithDialog(image: ImageRecord, prompt: string | null | undefined): Promise<boolean> {
  return api.saveImageAs(image.id, suggestedFileName(image, prompt))
}
