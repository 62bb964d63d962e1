import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { THEME_STORAGE_KEY } from '@/stores/theme'

// public/theme-boot.js runs in <head> before anything else (index.html): the saved theme is on <html>
// before the first paint. Here it runs as the browser would run it, against a saved choice.
// vitest runs from ui/.
const source = readFileSync(join(process.cwd(), 'public/theme-boot.js'), 'utf8')
const html = readFileSync(join(process.cwd(), 'index.html'), 'utf8')
const boot = () => new Function(source)()

function systemDark(dark: boolean) {
  vi.stubGlobal('matchMedia', vi.fn(() => ({ matches: dark })))
}

describe('theme before the first paint', () => {
  beforeEach(() => {
    localStorage.clear()
    delete document.documentElement.dataset.theme
  })
  afterEach(() => vi.unstubAllGlobals())

  it('is loaded from <head>, before the app\'s module', () => {
    const head = html.slice(0, html.indexOf('</head>'))
    expect(head).toContain('<script src="/theme-boot.js"></script>')
    expect(html.indexOf('theme-boot.js')).toBeLessThan(html.indexOf('src/main.ts'))
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
