// Options every per-day chart shares: theme colours, quiet grid, tooltips that look like the app's popovers.
import type { AnimationEvent, ChartOptions } from 'chart.js'
import type { ChartPalette } from './useChartTheme'

/**
 * The entry animation, marking the canvas `data-drawn` once it has finished (`false` while it runs), so a
 * test or a screenshot can wait for the finished drawing instead of guessing how long it takes.
 */
export function drawAnimation(duration = 300) {
  return {
    duration,
    onProgress: ({ chart }: AnimationEvent) => { chart.canvas.dataset.drawn = 'false' },
    onComplete: ({ chart }: AnimationEvent) => { chart.canvas.dataset.drawn = 'true' },
  }
}

export function tooltipStyle(p: ChartPalette) {
  return {
    backgroundColor: p.panel, titleColor: p.text, bodyColor: p.text, borderColor: p.border, borderWidth: 1,
    padding: 10, cornerRadius: 8, boxPadding: 4, titleFont: { family: p.font, weight: 'bold' as const },
    bodyFont: { family: p.font }, displayColors: true, usePointStyle: true,
  }
}

/** Axes and defaults for a chart with one bar/point per day. `yTick` formats the value axis. */
export function dailyOptions<T extends 'bar' | 'line'>(
  p: ChartPalette, compact: boolean, yTick: (v: number) => string, stacked = false,
): ChartOptions<T> {
  const options: ChartOptions<'bar' | 'line'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: drawAnimation(),
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { display: false, labels: { color: p.muted, font: { family: p.font }, usePointStyle: true, pointStyle: 'circle', boxWidth: 8, boxHeight: 8, padding: 14 } },
      tooltip: tooltipStyle(p),
    },
    scales: {
      x: {
        stacked,
        grid: { display: false },
        border: { color: p.border },
        ticks: { color: p.muted, font: { family: p.font, size: 11 }, maxRotation: 0, autoSkip: true, maxTicksLimit: compact ? 4 : 8 },
      },
      y: {
        stacked,
        beginAtZero: true,
        grace: '5%',
        grid: { color: p.grid },
        border: { display: false },
        ticks: { color: p.muted, font: { family: p.font, size: 11 }, maxTicksLimit: 5, callback: (v) => yTick(Number(v)) },
      },
    },
  } as ChartOptions<'bar' | 'line'>
  return options as ChartOptions<T>
}
