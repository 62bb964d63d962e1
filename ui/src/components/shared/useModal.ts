// Modal behaviour shared by the viewer, the compare view and the small dialogs: focus moves into
// the dialog and stays there (Tab wraps), Escape closes, the page behind does not scroll, and
// focus returns to where it was when the dialog closes. Keys are heard on the document, so they
// still work after the focused element went away (e.g. a toast's button); only the topmost modal
// answers them.
import { nextTick, onBeforeUnmount, onMounted, type Ref } from 'vue'

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

const stack: symbol[] = []

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0)
}

export interface ModalOptions {
  /** Where focus goes first (default: the first focusable element). */
  initialFocus?: () => HTMLElement | null
  /** Other keys for the dialog (arrows, shortcuts); called only while it is the topmost one. */
  onKey?: (e: KeyboardEvent) => void
}

export function useModal(root: Ref<HTMLElement | null>, close: () => void, options: ModalOptions = {}) {
  const me = Symbol('modal')
  let returnFocus: HTMLElement | null = null

  function trapTab(e: KeyboardEvent, el: HTMLElement) {
    const list = focusables(el)
    if (list.length === 0) {
      e.preventDefault()
      el.focus()
      return
    }
    const first = list[0]
    const last = list[list.length - 1]
    const active = document.activeElement as HTMLElement | null
    const inside = !!active && el.contains(active)
    if (e.shiftKey && (active === first || !inside)) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && (active === last || !inside)) {
      e.preventDefault()
      first.focus()
    }
  }

  function onKeydown(e: KeyboardEvent) {
    const el = root.value
    if (!el || stack[stack.length - 1] !== me || e.defaultPrevented) return
    if (e.key === 'Escape') {
      e.preventDefault()
      close()
      return
    }
    if (e.key === 'Tab') {
      trapTab(e, el)
      return
    }
    options.onKey?.(e)
  }

  onMounted(async () => {
    returnFocus = document.activeElement as HTMLElement | null
    stack.push(me)
    document.documentElement.style.overflow = 'hidden'
    document.addEventListener('keydown', onKeydown)
    await nextTick()
    const el = root.value
    if (!el) return
    const target = options.initialFocus?.() ?? focusables(el)[0] ?? el
    target.focus({ preventScroll: true })
  })

  onBeforeUnmount(() => {
    document.removeEventListener('keydown', onKeydown)
    const at = stack.indexOf(me)
    if (at >= 0) stack.splice(at, 1)
    if (stack.length === 0) document.documentElement.style.overflow = ''
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus({ preventScroll: true })
  })
}
