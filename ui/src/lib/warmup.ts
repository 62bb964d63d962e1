// What the app does once its first screen has painted: a performance mark the gallery benchmark reads
// (`nanoforge:home-painted`, process start → Home painted), then, when the page is idle, the Gallery's code
// and first page, so a click on Gallery renders from memory instead of waiting for both; and the start's
// calls the first screen does not need (`afterFirstScreen`), so they do not compete with it.
import { useGalleryStore } from '@/stores/gallery'

export const HOME_PAINTED = 'nanoforge:home-painted'

/**
 * Marks a stage of the start once (`nanoforge:<name>`), so the gallery benchmark can tell where the time
 * between the process's start and Home's paint goes.
 */
export function markStage(name: string): void {
  const mark = `nanoforge:${name}`
  if (performance.getEntriesByName(mark).length === 0) performance.mark(mark)
}

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
let painted: () => void = () => {}
const firstScreen = new Promise<void>((resolve) => { painted = resolve })
/** A window that opens on another view than Home does not wait for Home's mark longer than this. */
const FIRST_SCREEN_WAIT_MS = 2000

/** The window opened on another view than Home: its first screen counts once it has painted. */
export function otherFirstView(): void {
  void afterPaint().then(() => painted())
}

/**
 * Runs `fn` once the first screen has painted (Home's mark, another first view's paint, or at most two seconds
 * if Home cannot read its figures) and the page is idle.
 */
export function afterFirstScreen(fn: () => void) {
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, FIRST_SCREEN_WAIT_MS))
  void Promise.race([firstScreen, timeout]).then(() => whenIdle(fn))
}

/** Home has painted its content: mark it once, then warm the Gallery up at idle. */
export async function homePainted(): Promise<void> {
  await afterPaint()
  if (warmed) return
  warmed = true
  if (performance.getEntriesByName(HOME_PAINTED).length === 0) performance.mark(HOME_PAINTED)
  painted()
  whenIdle(() => {
    void import('@/views/GalleryView.vue').catch(() => {})
    void useGalleryStore().prefetch().catch(() => {})
  })
}
