/**
 * Images handed between parts of the window: a gallery tile dragged onto the Generator's or the editor's inputs
 * carries its library id (a custom type, so no other drop target mistakes it for a file or a link), and a
 * pasted link to an image can become an input image.
 */

/** The drag data type of a library image: its id. */
export const IMAGE_ID_TYPE = 'application/x-nanoforge-image-id'

/** Marks a drag as library image `id` (a copy: the gallery keeps it). */
export function setImageDrag(e: DragEvent, id: string) {
  const data = e.dataTransfer
  if (!data) return
  data.setData(IMAGE_ID_TYPE, id)
  data.effectAllowed = 'copy'
}

/** The library image ids a drop carries (one per line), none for a file or another page's drag. */
export function droppedImageIds(data: DataTransfer | null | undefined): string[] {
  if (!data || ![...data.types].includes(IMAGE_ID_TYPE)) return []
  return data.getData(IMAGE_ID_TYPE).split(/\s+/).filter(Boolean)
}

/**
 * The link in pasted text when the text is one http(s) URL and nothing else (a link inside a sentence is part
 * of the prompt). Any such link is offered, not only ones that end in `.png`: image hosts rarely do.
 */
export function pastedUrl(text: string | null | undefined): string | null {
  const t = (text ?? '').trim()
  if (!t || /\s/.test(t)) return null
  try {
    const u = new URL(t)
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname ? u.toString() : null
  } catch {
    return null
  }
}

/** Whether a link looks like an image file (said in the offer; any link may still be tried). */
export const looksLikeImage = (url: string) => /\.(png|jpe?g|webp|gif|avif|bmp)(\?|#|$)/i.test(url)

/** The text without one occurrence of the pasted link (as pasted, or as the URL parser wrote it). */
export function withoutLink(text: string, url: string): string {
  for (const form of [url, url.replace(/\/$/, '')]) {
    const at = text.lastIndexOf(form)
    if (at >= 0) return (text.slice(0, at) + text.slice(at + form.length)).replace(/[ \t]{2,}/g, ' ').trim()
  }
  return text
}
