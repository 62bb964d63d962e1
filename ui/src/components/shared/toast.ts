// The window's one toast at a time (any view: the Gallery's Undo, account switches): a short message,
// optionally with an action.
import { ref } from 'vue'

export interface Toast {
  id: number
  message: string
  tone: 'info' | 'error'
  action?: { label: string; run: () => unknown }
}

const current = ref<Toast | null>(null)
let seq = 0
let timer: ReturnType<typeof setTimeout> | undefined

/** Shows `message` (replacing any toast) for a few seconds; longer when it offers an action. */
export function showToast(message: string, options: { action?: Toast['action']; tone?: Toast['tone']; ms?: number } = {}) {
  clearTimeout(timer)
  const toast: Toast = { id: ++seq, message, tone: options.tone ?? 'info', action: options.action }
  current.value = toast
  const ms = options.ms ?? (options.action ? 8000 : 4000)
  timer = setTimeout(() => { if (current.value?.id === toast.id) current.value = null }, ms)
}

export function dismissToast() {
  clearTimeout(timer)
  current.value = null
}

export function useToast() {
  return { current, showToast, dismissToast }
}
