import { describe, it, expect, vi, afterEach } from 'vitest'

// Amounts must read the same whatever the system's locale: the page says "$1,234.50" next to English words.
// A German navigator and an Intl whose default locale is German stand in for such a system.
describe('money and numbers under another locale', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  it('formats with the fixed locale, not the system one', async () => {
    const RealNumberFormat = Intl.NumberFormat
    const german = function (locales?: string | string[], options?: Intl.NumberFormatOptions) {
      return new RealNumberFormat(locales ?? 'de-DE', options)
    } as unknown as typeof Intl.NumberFormat
    vi.stubGlobal('navigator', { ...navigator, language: 'de-DE', languages: ['de-DE'] })
    vi.stubGlobal('Intl', { ...Intl, NumberFormat: german })
    // The system default really is German here.
    expect(new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(1234.5)).toMatch(/^1\.234,50\s\$$/)

    vi.resetModules()
    const { formatCost, formatCount, formatCredits, formatPercent } = await import('@/lib/format')
    expect(formatCost(1234.5)).toBe('$1,234.50')
    expect(formatCost(0.0125)).toBe('$0.0125')
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatCredits(42.5)).toBe('42.5')
    expect(formatPercent(0.851)).toBe('85.1%')
  })
})
