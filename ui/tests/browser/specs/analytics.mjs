// Analytics: four chart.js canvases with a real size, KPIs from the mock library, range switching, the
// theme followed live (canvas pixels change with data-theme), an empty state, and no console errors.
import assert from 'node:assert/strict'

const CHARTS = ['chart-cost', 'chart-images', 'chart-sizes', 'chart-success']

/** Every chart container holds a canvas with a non-zero drawing size. */
async function canvasSizes(page) {
  return page.evaluate((ids) => ids.map((id) => {
    const c = document.querySelector(`[data-testid="${id}"] canvas`)
    return c ? { id, w: c.getBoundingClientRect().width, h: c.getBoundingClientRect().height } : { id, w: 0, h: 0 }
  }), CHARTS)
}

/** A cheap fingerprint of what a canvas shows. */
function canvasPrint(id) {
  return document.querySelector(`[data-testid="${id}"] canvas`).toDataURL().length
    + document.querySelector(`[data-testid="${id}"] canvas`).toDataURL().slice(-64)
}

/** The chart in `id` is a new canvas (not `old`) and has finished drawing. */
function redrawn([id, old]) {
  const c = document.querySelector(`[data-testid="${id}"] canvas`)
  return !!c && c !== window[old] && c.dataset.drawn === 'true'
}

export default async function ({ check, widths, openPage, shot, settle, noHorizontalOverflow }) {
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/analytics')
    await check(`${label}: analytics draws four charts`, async () => {
      await page.locator('[data-testid="chart-success"] canvas').waitFor({ timeout: 10_000 })
      await settle(page)
      for (const s of await canvasSizes(page)) {
        assert.ok(s.w > 100 && s.h > 100, `${s.id} canvas is ${s.w}×${s.h}`)
      }
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await shot(page, `analytics-${label}`)
    })
    await check(`${label}: charts stack one per row on phones, two per row on desktop`, async () => {
      const lefts = await page.evaluate((ids) => ids.map((id) => Math.round(document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect().left)), CHARTS)
      const columns = new Set(lefts).size
      assert.equal(columns, label === 'phone' ? 1 : 2, `chart columns: ${lefts}`)
    })
    await check(`${label}: all-time KPIs match the mock library`, async () => {
      await page.getByTestId('range-all').click()
      assert.equal(await page.getByTestId('range-all').getAttribute('aria-pressed'), 'true')
      const exp = await page.evaluate(() => {
        const s = window.__NANOFORGE_MOCK__
        const done = s.jobs.filter((j) => j.status === 'COMPLETED').length
        const failed = s.jobs.filter((j) => j.status === 'FAILED').length
        return new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(done / (done + failed))
      })
      await page.waitForFunction((v) => document.querySelector('[data-testid="stat-success-rate"]')?.textContent.trim() === v, exp, { timeout: 5_000 })
      assert.match((await page.getByTestId('stat-avg-duration').textContent()).trim(), /^\d+(\.\d)? s$/)
      assert.notEqual((await page.getByTestId('stat-range-images').textContent()).trim(), '0')
    })
    await check(`${label}: the 7-day range redraws with fewer days`, async () => {
      const before = await page.evaluate(() => document.querySelector('[data-testid="stat-range-images"]').textContent.trim())
      await page.getByTestId('range-7d').click()
      await page.waitForFunction((b) => document.querySelector('[data-testid="stat-range-images"]').textContent.trim() !== b, before, { timeout: 5_000 })
      for (const s of await canvasSizes(page)) assert.ok(s.w > 100 && s.h > 100, `${s.id} after range change`)
    })
    await check(`${label}: no console errors`, async () => assert.deepEqual(page.errors, []))
    await page.close()

    const empty = await openPage(viewport, '/analytics', '?empty')
    await check(`${label}: an empty library shows the analytics empty state`, async () => {
      await empty.getByTestId('analytics-empty').waitFor({ timeout: 10_000 })
      assert.equal(await empty.locator('canvas').count(), 0)
      assert.ok(await noHorizontalOverflow(empty), 'page scrolls horizontally')
      await shot(empty, `analytics-empty-${label}`)
      assert.deepEqual(empty.errors, [])
    })
    await empty.close()
  }

  const page = await openPage(widths.desktop, '/analytics')
  await check('desktop: charts re-render in the theme when it changes', async () => {
    await page.locator('[data-testid="chart-cost"] canvas').waitFor({ timeout: 10_000 })
    // A theme change draws every chart again on a new canvas: wait for that one to finish drawing.
    const retheme = async (theme) => {
      await page.evaluate(([t]) => {
        window.__oldSizes = document.querySelector('[data-testid="chart-sizes"] canvas')
        document.documentElement.dataset.theme = t
      }, [theme])
      await page.waitForFunction(redrawn, ['chart-sizes', '__oldSizes'])
      return page.evaluate(canvasPrint, 'chart-sizes')
    }
    const light = await retheme('light')
    const dark = await retheme('dark')
    assert.notEqual(light, dark, 'the doughnut did not change with the theme')
    await settle(page)
    await shot(page, 'analytics-dark-desktop')
    assert.deepEqual(page.errors, [])
  })
  await page.close()

  const phoneDark = await openPage(widths.phone, '/analytics')
  await check('phone: analytics in the dark theme from a saved preference', async () => {
    await phoneDark.evaluate(() => localStorage.setItem('nanoforge.theme', 'dark'))
    await phoneDark.reload()
    await phoneDark.locator('[data-testid="chart-success"] canvas').waitFor({ timeout: 10_000 })
    await settle(phoneDark)
    await shot(phoneDark, 'analytics-dark-phone')
    assert.deepEqual(phoneDark.errors, [])
  })
  await phoneDark.close()
}
