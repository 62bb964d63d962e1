// Chart colours come from the theme's CSS variables, so charts match light/dark and the accent. chart.js paints
// on a canvas and cannot use CSS variables itself: we resolve them to rgb() and re-resolve when the theme
// changes (<html data-theme> or the OS scheme), bumping `version` so charts can re-render.
import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'

export interface ChartPalette {
  text: string
  muted: string
  grid: string
  panel: string
  border: string
  accent: string
  /** The accent, translucent: area fills. */
  accentFill: string
  success: string
  danger: string
  /** Money that may have been charged without a result. */
  warning: string
  /** Four steps of the accent, light to dark against the panel (one per size, smallest first). */
  ramp: string[]
  font: string
}

type Rgb = [number, number, number]

const FALLBACK: Record<string, Rgb> = {
  '--text': [29, 27, 34], '--muted': [107, 103, 118], '--panel': [255, 255, 255], '--border': [228, 225, 217],
  '--accent': [242, 183, 5], '--success': [30, 142, 78], '--danger': [192, 57, 43], '--warning': [184, 110, 0],
}

let probe: CanvasRenderingContext2D | null | undefined

/** Any CSS colour the browser understands → rgb, by painting one pixel (handles hex, rgb(), color-mix, oklch). */
function toRgb(color: string): Rgb | null {
  if (!color) return null
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((c) => c + c).join('') : hex[1]
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)]
  }
  if (probe === undefined) {
    try {
      const canvas = document.createElement('canvas')
      canvas.width = canvas.height = 1
      probe = canvas.getContext('2d', { willReadFrequently: true })
    } catch {
      probe = null
    }
  }
  if (!probe) return null
  probe.clearRect(0, 0, 1, 1)
  probe.fillStyle = '#000'
  probe.fillStyle = color
  probe.fillRect(0, 0, 1, 1)
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data
  return [r, g, b]
}

function mix(a: Rgb, b: Rgb, weightOfA: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i] * weightOfA + b[i] * (1 - weightOfA))) as Rgb
}

const css = ([r, g, b]: Rgb, alpha = 1) => (alpha === 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`)

export function readPalette(): ChartPalette {
  const style = typeof document !== 'undefined' ? getComputedStyle(document.documentElement) : null
  const read = (name: string): Rgb => toRgb(style?.getPropertyValue(name).trim() ?? '') ?? FALLBACK[name]
  const text = read('--text')
  const muted = read('--muted')
  const panel = read('--panel')
  const border = read('--border')
  const accent = read('--accent')
  return {
    text: css(text), muted: css(muted), panel: css(panel), border: css(border),
    grid: css(mix(border, panel, 0.8)),
    accent: css(accent), accentFill: css(accent, 0.18),
    success: css(read('--success')), danger: css(read('--danger')), warning: css(read('--warning')),
    ramp: [css(mix(accent, panel, 0.45)), css(mix(accent, panel, 0.72)), css(accent), css(mix(accent, text, 0.55))],
    font: style?.fontFamily || 'system-ui, sans-serif',
  }
}

/** The current palette, and a counter that changes whenever the theme does. */
export function useChartTheme() {
  const palette = shallowRef<ChartPalette>(readPalette())
  const version = ref(0)
  let observer: MutationObserver | null = null
  let media: MediaQueryList | null = null

  const update = () => {
    palette.value = readPalette()
    version.value++
  }

  onMounted(() => {
    // Read again once mounted: styles may have loaded after setup ran.
    update()
    observer = new MutationObserver(update)
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] })
    media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null
    media?.addEventListener?.('change', update)
  })
  onBeforeUnmount(() => {
    observer?.disconnect()
    media?.removeEventListener?.('change', update)
  })

  return { palette, version }
}

/** True on phone widths, where charts show fewer axis labels and the legend moves below. */
export function useNarrow(query = '(max-width: 600px)') {
  const narrow = ref(false)
  let media: MediaQueryList | null = null
  const update = () => { narrow.value = media?.matches ?? false }
  onMounted(() => {
    media = typeof window.matchMedia === 'function' ? window.matchMedia(query) : null
    update()
    media?.addEventListener?.('change', update)
  })
  onBeforeUnmount(() => media?.removeEventListener?.('change', update))
  return narrow
}
