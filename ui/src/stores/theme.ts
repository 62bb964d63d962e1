import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'

/** What a person picks; "system" follows the OS and changes with it live. */
export type ThemeChoice = 'system' | 'light' | 'dark'
export type ResolvedTheme = 'light' | 'dark'

export const THEME_STORAGE_KEY = 'nanoforge.theme'
export const THEME_CHOICES: ThemeChoice[] = ['system', 'light', 'dark']

const DARK_QUERY = '(prefers-color-scheme: dark)'

function isThemeChoice(v: unknown): v is ThemeChoice {
  return typeof v === 'string' && (THEME_CHOICES as string[]).includes(v)
}

// Storage can be missing or throw (private modes, sandboxed webviews): the theme is a preference, never an error.
function readStoredChoice(): ThemeChoice {
  try {
    const v = globalThis.localStorage?.getItem(THEME_STORAGE_KEY)
    return isThemeChoice(v) ? v : 'system'
  } catch {
    return 'system'
  }
}

function storeChoice(choice: ThemeChoice) {
  try {
    globalThis.localStorage?.setItem(THEME_STORAGE_KEY, choice)
  } catch {
    /* not persisted; still applied for this session */
  }
}

function darkQuery(): MediaQueryList | null {
  return typeof globalThis.matchMedia === 'function' ? globalThis.matchMedia(DARK_QUERY) : null
}

/**
 * Light/dark/system theme. The resolved theme is written to `<html data-theme>`, which style.css keys its
 * variables on. Kept in localStorage rather than the core's settings: it is per-device and must apply before
 * the core answers.
 */
export const useThemeStore = defineStore('theme', () => {
  const choice = ref<ThemeChoice>(readStoredChoice())
  const query = darkQuery()
  const systemDark = ref(query?.matches ?? false)

  const resolved = computed<ResolvedTheme>(() =>
    choice.value === 'system' ? (systemDark.value ? 'dark' : 'light') : choice.value,
  )

  function setChoice(next: ThemeChoice) {
    if (!isThemeChoice(next)) return
    choice.value = next
    storeChoice(next)
  }

  function apply(theme: ResolvedTheme) {
    if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme
  }

  // Follow the OS while "system" is chosen (the listener is cheap; resolution ignores it otherwise).
  query?.addEventListener?.('change', (e) => {
    systemDark.value = e.matches
  })

  watch(resolved, apply, { immediate: true })

  return { choice, resolved, systemDark, setChoice }
})
