import { describe, it, expect, afterEach } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { readPalette, useChartTheme } from '@/components/analytics/useChartTheme'

const root = document.documentElement

describe('chart theme', () => {
  afterEach(() => {
    root.removeAttribute('style')
    delete root.dataset.theme
  })

  it('reads the theme variables as canvas colours', () => {
    root.style.setProperty('--accent', '#112233')
    root.style.setProperty('--text', '#fff')
    const p = readPalette()
    expect(p.accent).toBe('rgb(17, 34, 51)')
    expect(p.accentFill).toBe('rgba(17, 34, 51, 0.18)')
    expect(p.text).toBe('rgb(255, 255, 255)')
    expect(p.ramp).toHaveLength(4)
    expect(p.ramp[2]).toBe(p.accent)
  })

  it('re-reads the palette when <html data-theme> changes, and stops watching on unmount', async () => {
    let theme!: ReturnType<typeof useChartTheme>
    const Probe = defineComponent({ setup() { theme = useChartTheme(); return () => h('div') } })
    const wrapper = mount(Probe)
    const before = theme.version.value
    root.style.setProperty('--accent', '#00ff00')
    root.dataset.theme = 'dark'
    await new Promise((r) => setTimeout(r, 0))
    await nextTick()
    expect(theme.version.value).toBeGreaterThan(before)
    expect(theme.palette.value.accent).toBe('rgb(0, 255, 0)')

    wrapper.unmount()
    const after = theme.version.value
    root.dataset.theme = 'light'
    await new Promise((r) => setTimeout(r, 0))
    expect(theme.version.value).toBe(after)
  })
})
