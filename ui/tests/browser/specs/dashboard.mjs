// Dashboard: the figures are the mock library's (computed here from its in-page state, formatted like the
// UI does), recent images render and open the Gallery, quick actions navigate, the balance shows with a key
// (and degrades softly offline), a finished job refreshes the numbers, and an empty library shows zeros.
import assert from 'node:assert/strict'

/** The mock core's totals, formatted with the same Intl settings as src/lib/format.ts (en-US, whatever the system's). */
function expectedFigures() {
  const s = window.__NANOFORGE_MOCK__
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 4, minimumFractionDigits: 2 })
  const count = new Intl.NumberFormat('en-US')
  const live = s.images.filter((i) => i.deletedAt == null)
  const done = s.jobs.filter((j) => j.status === 'COMPLETED')
  const avg = done.length ? done.reduce((a, j) => a + (j.durationMs ?? 0), 0) / done.length : null
  const duration = (ms) => {
    if (ms == null) return '—'
    if (ms < 1000) return `${Math.round(ms)} ms`
    const sec = ms / 1000
    if (sec < 60) return `${sec.toFixed(1)} s`
    const m = Math.floor(sec / 60)
    return `${m} min ${Math.round(sec - m * 60)} s`
  }
  const monthStart = Date.UTC(2026, 10, 1)
  return {
    images: count.format(live.length),
    cost: money.format(s.jobs.reduce((a, j) => a + (j.cost ?? 0), 0)),
    avgDuration: duration(avg),
    month: count.format(live.filter((i) => (i.createdAt ?? 0) >= monthStart).length),
    monthCost: money.format(s.jobs.filter((j) => (j.createdAt ?? 0) >= monthStart).reduce((a, j) => a + (j.cost ?? 0), 0)),
    jobs: s.jobs.length,
  }
}

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim()

/** Before the app starts: pretend an API key is set, optionally make the balance call fail like offline. */
function withApiKey(offline) {
  let state
  Object.defineProperty(window, '__NANOFORGE_MOCK__', {
    configurable: true,
    get: () => state,
    set: (s) => {
      s.key = { configured: true, masked: '••••••••abcd', source: 'keychain', provider: 'nanobanana', keychainError: null }
      state = s
      if (offline) {
        const internals = window.__TAURI_INTERNALS__
        const invoke = internals.invoke
        internals.invoke = (cmd, args, opts) => (cmd === 'credits'
          ? Promise.reject({ kind: 'network', message: 'could not reach the service' })
          : invoke(cmd, args, opts))
      }
    },
  })
}

export default async function ({ check, widths, openPage, shot, noHorizontalOverflow }) {
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/dashboard')
    await check(`${label}: dashboard shows the mock library's figures`, async () => {
      await page.getByTestId('stat-images').waitFor({ timeout: 10_000 })
      const exp = await page.evaluate(expectedFigures)
      assert.equal(exp.jobs, 36, 'the seeded mock has 36 jobs')
      assert.equal(await text(page, 'stat-images'), exp.images)
      assert.equal(await text(page, 'stat-cost'), exp.cost)
      assert.equal(await text(page, 'stat-avg-duration'), exp.avgDuration)
      assert.equal(await text(page, 'stat-month'), exp.month)
      assert.equal(await text(page, 'stat-month-cost'), exp.monthCost)
      assert.notEqual(exp.images, '0')
    })
    await check(`${label}: recent images render as thumbnails`, async () => {
      await page.getByTestId('recent-images').waitFor({ timeout: 5_000 })
      const tiles = page.getByTestId('recent-image')
      assert.equal(await tiles.count(), 8)
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="recent-image"] img')]
        .every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 5_000 })
    })
    await check(`${label}: demo mode note instead of a balance, no overflow`, async () => {
      assert.equal(await page.getByTestId('credit-balance').count(), 0)
      assert.ok(await page.getByTestId('demo-note').isVisible())
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await shot(page, `dashboard-${label}`)
    })
    await check(`${label}: a finished job refreshes the figures`, async () => {
      const before = Number((await text(page, 'stat-images')).replace(/\D/g, ''))
      await page.evaluate(() => window.__TAURI_INTERNALS__.invoke('generate', { request: { prompt: 'refresh check', count: 2 }, options: {} }))
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="stat-images"]').textContent.replace(/\D/g, '')) === n,
        before + 2, { timeout: 5_000 })
      const exp = await page.evaluate(expectedFigures)
      assert.equal(await text(page, 'stat-images'), exp.images)
    })
    await check(`${label}: quick generate opens the generator`, async () => {
      await page.getByTestId('quick-generate').click()
      await page.waitForURL(/#\/generator$/)
    })
    await check(`${label}: quick settings opens settings`, async () => {
      await page.getByTestId('nav-dashboard').click()
      await page.getByTestId('quick-settings').click()
      await page.waitForURL(/#\/settings$/)
    })
    await check(`${label}: a recent image opens in the gallery`, async () => {
      await page.getByTestId('nav-dashboard').click()
      const first = page.getByTestId('recent-image').first()
      const id = await first.getAttribute('data-id')
      await first.click()
      await page.waitForURL(new RegExp(`#/gallery\\?image=${id}$`))
    })
    await check(`${label}: no console errors`, async () => assert.deepEqual(page.errors, []))
    await page.close()

    const keyed = await openPage(viewport, '/dashboard')
    await check(`${label}: with an API key the credit balance shows`, async () => {
      await keyed.addInitScript(withApiKey, false)
      await keyed.reload()
      await keyed.getByTestId('credit-balance-value').waitFor({ timeout: 10_000 })
      assert.equal(await text(keyed, 'credit-balance-value'), '42.5')
      assert.equal(await keyed.getByTestId('demo-note').count(), 0)
      await keyed.getByTestId('recent-images').waitFor()
      await shot(keyed, `dashboard-key-${label}`)
      assert.deepEqual(keyed.errors, [])
    })
    await keyed.close()

    const offline = await openPage(viewport, '/dashboard')
    await check(`${label}: an unreachable balance is a soft note, the rest still works`, async () => {
      await offline.addInitScript(withApiKey, true)
      await offline.reload()
      await offline.getByTestId('credit-balance-error').waitFor({ timeout: 10_000 })
      assert.match(await text(offline, 'credit-balance-error'), /offline/i)
      assert.notEqual(await text(offline, 'stat-images'), '0')
      assert.equal(await offline.getByTestId('dashboard-error').count(), 0)
    })
    await offline.close()

    const empty = await openPage(viewport, '/dashboard', '?empty')
    await check(`${label}: an empty library shows zeros and an empty recent strip`, async () => {
      await empty.getByTestId('stat-images').waitFor({ timeout: 10_000 })
      assert.equal(await text(empty, 'stat-images'), '0')
      assert.equal(await text(empty, 'stat-cost'), '$0.00')
      assert.equal(await text(empty, 'stat-avg-duration'), '—')
      assert.equal(await text(empty, 'stat-month'), '0')
      assert.equal(await empty.getByTestId('recent-image').count(), 0)
      assert.ok(await noHorizontalOverflow(empty), 'page scrolls horizontally')
      await shot(empty, `dashboard-empty-${label}`)
      assert.deepEqual(empty.errors, [])
    })
    await empty.close()
  }

  const dark = await openPage(widths.desktop, '/dashboard')
  await check('desktop: dashboard in the dark theme', async () => {
    await dark.evaluate(() => localStorage.setItem('nanoforge.theme', 'dark'))
    await dark.reload()
    await dark.getByTestId('recent-images').waitFor({ timeout: 10_000 })
    assert.equal(await dark.evaluate(() => document.documentElement.dataset.theme), 'dark')
    await shot(dark, 'dashboard-dark-desktop')
    assert.deepEqual(dark.errors, [])
  })
  await dark.close()
}
