import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { THEME_STORAGE_KEY } from '@/stores/theme'

// index.html's inline script runs in <head> before anything else: the saved theme is on <html> before the
// first paint. Here that script runs as the browser would run it, against a saved choice.
// vitest runs from ui/.
const html = readFileSync(join(process.cwd(), 'index.html'), 'utf8')
const head = html.slice(0, html.indexOf('</head>'))
/** The inline (classic, src-less) scripts of <head>. */
const inline = [...head.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1])
const boot = () => new Function(inline[0])()

function systemDark(dark: boolean) {
  vi.stubGlobal('matchMedia', vi.fn(() => ({ matches: dark })))
}

describe('theme before the first paint', () => {
  beforeEach(() => {
    localStorage.clear()
    delete document.documentElement.dataset.theme
  })
  afterEach(() => vi.unstubAllGlobals())

  it('is inline in <head> (nothing to fetch first), before the app\'s module', () => {
    expect(inline).toHaveLength(1)
    expect(inline[0]).toContain(THEME_STORAGE_KEY)
    expect(html.indexOf(inline[0])).toBeLessThan(html.indexOf('src/main.ts'))
  })

  it('applies a saved choice under the store\'s key, whatever the system says', () => {
    systemDark(false)
    localStorage.setItem(THEME_STORAGE_KEY, 'dark')
    boot()
    expect(document.documentElement.dataset.theme).toBe('dark')
    systemDark(true)
    localStorage.setItem(THEME_STORAGE_KEY, 'light')
    boot()
    expect(document.documentElement.dataset.theme).toBe('light')
  })

  it('follows the system for "system", nothing saved, or an unknown value', () => {
    systemDark(true)
    localStorage.setItem(THEME_STORAGE_KEY, 'system')
    boot()
    expect(document.documentElement.dataset.theme).toBe('dark')
    localStorage.setItem(THEME_STORAGE_KEY, 'purple')
    systemDark(false)
    boot()
    expect(document.documentElement.dataset.theme).toBe('light')
  })

  it('still applies the system theme when storage refuses', () => {
    systemDark(true)
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => { throw new Error('denied') })
    boot()
    expect(document.documentElement.dataset.theme).toBe('dark')
    vi.restoreAllMocks()
  })
})
