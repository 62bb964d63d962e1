// What the app does once its first screen has painted: a performance mark the gallery benchmark reads
// (`nanoforge:home-painted`, process start → Home painted), then, when the page is idle, the Gallery's code
// and first page, so a click on Gallery renders from memory instead of waiting for both.
import { useGalleryStore } from '@/stores/gallery'

export const HOME_PAINTED = 'nanoforge:home-painted'

/** Two frames after now: what was rendered has been painted. */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())))
}

/** Runs `fn` when the page is idle (WebKitGTK may lack requestIdleCallback: then shortly after). */
function whenIdle(fn: () => void) {
  const idle = (globalThis as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number }).requestIdleCallback
  if (idle) idle(fn, { timeout: 1000 })
  else setTimeout(fn, 50)
}

let warmed = false

/** Home has painted its content: mark it once, then warm the Gallery up at idle. */
export async function homePainted(): Promise<void> {
  await afterPaint()
  if (warmed) return
  warmed = true
  if (performance.getEntriesByName(HOME_PAINTED).length === 0) performance.mark(HOME_PAINTED)
  whenIdle(() => {
    void import('@/views/GalleryView.vue').catch(() => {})
    void useGalleryStore().prefetch().catch(() => {})
  })
}
