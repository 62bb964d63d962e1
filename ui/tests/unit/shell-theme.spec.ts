import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { THEME_STORAGE_KEY, useThemeStore } from '@/stores/theme'

// A controllable prefers-color-scheme: tests flip it and fire "change" like the OS would.
function fakeColorScheme(dark: boolean) {
  const listeners = new Set<(e: { matches: boolean }) => void>()
  const query = {
    matches: dark,
    media: '(prefers-color-scheme: dark)',
    addEventListener: (_: string, cb: (e: { matches: boolean }) => void) => listeners.add(cb),
    removeEventListener: (_: string, cb: (e: { matches: boolean }) => void) => listeners.delete(cb),
  }
  vi.stubGlobal('matchMedia', vi.fn(() => query))
  return {
    set(next: boolean) {
      query.matches = next
      for (const cb of listeners) cb({ matches: next })
    },
  }
}

const htmlTheme = () => document.documentElement.dataset.theme

describe('theme store', () => {
  beforeEach(() => {
    localStorage.clear()
    delete document.documentElement.dataset.theme
    setActivePinia(createPinia())
  })
  afterEach(() => vi.unstubAllGlobals())

  it('defaults to system and resolves it from prefers-color-scheme', () => {
    fakeColorScheme(true)
    const theme = useThemeStore()
    expect(theme.choice).toBe('system')
    expect(theme.resolved).toBe('dark')
    expect(htmlTheme()).toBe('dark')
  })

  it('follows the OS live while on system', async () => {
    const os = fakeColorScheme(false)
    const theme = useThemeStore()
    expect(htmlTheme()).toBe('light')
    os.set(true)
    await nextTick()
    expect(theme.resolved).toBe('dark')
    expect(htmlTheme()).toBe('dark')
  })

  it('an explicit choice wins over the OS and is persisted', async () => {
    const os = fakeColorScheme(true)
    const theme = useThemeStore()
    theme.setChoice('light')
    await nextTick()
    expect(theme.resolved).toBe('light')
    expect(htmlTheme()).toBe('light')
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light')
    os.set(false)
    os.set(true)
    await nextTick()
    expect(htmlTheme()).toBe('light')
    theme.setChoice('dark')
    await nextTick()
    expect(htmlTheme()).toBe('dark')
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark')
  })

  it('restores the saved choice on start and ignores garbage', () => {
    fakeColorScheme(false)
    localStorage.setItem(THEME_STORAGE_KEY, 'dark')
    expect(useThemeStore().resolved).toBe('dark')
    expect(htmlTheme()).toBe('dark')

    setActivePinia(createPinia())
    localStorage.setItem(THEME_STORAGE_KEY, 'purple')
    const theme = useThemeStore()
    expect(theme.choice).toBe('system')
    expect(theme.resolved).toBe('light')
  })

  it('works without matchMedia or storage (light, not an error)', () => {
    vi.stubGlobal('matchMedia', undefined)
    vi.stubGlobal('localStorage', {
      getItem: () => { throw new Error('denied') },
      setItem: () => { throw new Error('denied') },
    })
    const theme = useThemeStore()
    expect(theme.resolved).toBe('light')
    theme.setChoice('dark')
    expect(theme.choice).toBe('dark')
  })
})
