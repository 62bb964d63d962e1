// Money, at 1280 and 390 px, light and dark: the Generator's catalog sizes and prices with the balance and
// the budget warning, "Generate anyway" over the budget, an empty balance, a paid job cancelled and
// recovered; History's recoverable and possibly charged rows and filters; the Dashboard's budget card and
// its links; Settings' prices and budget with the core's refusals; amounts that read the same under a
// German locale; the saved theme applied before the first paint.
import assert from 'node:assert/strict'
import { join } from 'node:path'

const KEY = { purpose: 'nanoBananaKey', configured: true, masked: '••••••••abcd', source: 'keychain', provider: 'nanobanana', keychainError: null }

/**
 * Runs before the app starts: every library the mock publishes gets a key, and `money` applied: `budget`
 * as a share of this month's spend (0.85: past the 80 % warning; 'over': a few cents left), a `balance`,
 * and preferences fields.
 */
function withMoney([key, money]) {
  let state
  Object.defineProperty(window, '__NANOFORGE_MOCK__', {
    configurable: true,
    get: () => state,
    set: (s) => {
      s.key = key
      if (money.balance != null) s.balance = money.balance
      Object.assign(s.preferences, money.preferences ?? {})
      if (money.budget != null) {
        const start = Date.UTC(2026, 10, 1)
        const month = s.jobs.filter((j) => (j.createdAt ?? 0) >= start)
        const spent = month.reduce((a, j) => a + (j.cost ?? 0) + (j.mayBeCharged && !j.cost ? j.estimatedCost ?? 0 : 0), 0)
        s.preferences.monthlyBudgetUsd = Math.round((money.budget === 'over' ? spent + 0.03 : spent / money.budget) * 100) / 100
      }
      state = s
    },
  })
}

export default async function ({ check, widths, openPage, shot, shots, settle, noHorizontalOverflow }) {
  /** A page with a key set and `money` applied before the app reads anything. */
  async function moneyPage(viewport, path, money = {}, options = {}) {
    const page = await openPage(viewport, path, '', options)
    await page.addInitScript(withMoney, [KEY, money])
    await page.reload()
    return page
  }
  const themes = { light: {}, dark: { colorScheme: 'dark' } }

  for (const [label, viewport] of Object.entries(widths)) {
    for (const [theme, options] of Object.entries(themes)) {
      const name = (what) => `money-${what}-${label}-${theme}`

      await check(`${label} ${theme}: the Generator shows catalog prices (estimates marked), the balance in credits and the budget warning`, async () => {
        const page = await moneyPage(viewport, '/generator', { budget: 0.85, preferences: { creditsPerImage: 2 } }, options)
        const byId = (id) => page.getByTestId(id)
        await byId('cost-balance').waitFor({ timeout: 10_000 })
        const sizes = (await byId('size-select').locator('option').allTextContents()).map((s) => s.trim())
        assert.deepEqual(sizes, ['1K · ≈$0.067', '2K · ≈$0.101', '4K · ≈$0.151'])
        await byId('model-select').selectOption('nano-banana-pro')
        await byId('size-select').selectOption('4K')
        await byId('count-input').fill('2')
        // The total is the core's quote, asked once the form rests.
        const estimate = page.locator('[data-testid="cost-estimate"][data-pending="false"]').filter({ hasText: '≈$0.48' })
        await estimate.waitFor({ timeout: 5_000 })
        assert.match(await estimate.textContent(), /≈\$0\.48.*\$0\.24 × 2 · estimate/s)
        assert.match(await byId('cost-balance').textContent(), /42\.5 credits\s*needs 4/)
        await byId('budget-warning').waitFor()
        assert.match(await byId('budget-warning').getAttribute('data-level'), /warning|over/)
        await byId('prompt-input').fill('A lighthouse on a basalt cliff at dusk, volumetric fog, cinematic')
        assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
        await settle(page)
        await shot(page, name('generator'))
        assert.deepEqual(page.errors, [])
        await page.close()
      })

      if (theme === 'light') {
        await check(`${label}: the Generator shows how long a generation usually takes here once five have finished`, async () => {
          const page = await moneyPage(viewport, '/generator', {}, options)
          const byId = (id) => page.getByTestId(id)
          await byId('cost-balance').waitFor({ timeout: 10_000 })
          await byId('model-select').selectOption('nano-banana-pro')
          await byId('size-select').selectOption('2K')
          // With fewer than five finished 2K Nano Banana Pro jobs, nothing is guessed.
          await page.evaluate(() => {
            const lib = window.__NANOFORGE_MOCK__
            lib.jobs = lib.jobs.filter((j) => !(j.model === 'nano-banana-pro' && j.imageSize === '2K' && j.status === 'COMPLETED'))
          })
          await byId('count-input').fill('3')
          await page.locator('[data-testid="cost-estimate"][data-pending="false"]').filter({ hasText: '× 3' }).waitFor()
          assert.equal(await byId('cost-expected').count(), 0)
          await page.evaluate(() => {
            const lib = window.__NANOFORGE_MOCK__
            const model = lib.jobs.find((j) => j.model === 'nano-banana-pro') ?? lib.jobs[0]
            ;[10_000, 12_000, 14_000, 16_000, 60_000].forEach((ms, i) => lib.jobs.push({
              ...model, id: `timed-${i}`, model: 'nano-banana-pro', imageSize: '2K', status: 'COMPLETED', durationMs: ms,
              createdAt: Date.now() - i * 1000,
            }))
          })
          await byId('count-input').fill('2')
          const expected = byId('cost-expected')
          await expected.waitFor({ timeout: 5_000 })
          // Median 14 s and p90 60 s of the five (two images fit in one round of the four at a time).
          assert.match(await expected.textContent(), /Usually takes\s*about 14\.0 s\s*9 in 10 within 1 min 0 s \(last 5 here\)/)
          await page.close()
        })
      }

      await check(`${label} ${theme}: History shows recoverable and possibly charged jobs, and filters them`, async () => {
        const page = await moneyPage(viewport, '/history', {}, options)
        await page.locator('[data-testid="history-table"][data-complete="true"]').waitFor({ timeout: 10_000 })
        const recoverable = page.locator('[data-id="job-0003"]')
        assert.equal(await recoverable.getByTestId('job-status-badge').textContent().then((t) => t.trim()), 'Recoverable')
        assert.match(await recoverable.getByTestId('possibly-charged').textContent(), /~\$0\.067\s*possibly charged/)
        assert.match(await page.getByTestId('history-spend-possible').textContent(), /\$0\.\d+/)
        await settle(page)
        await shot(page, name('history'))
        await page.getByTestId('history-spend-possible').click()
        await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-row"]').length === 3)
        assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
        await settle(page)
        await shot(page, name('history-charged'))
        assert.deepEqual(page.errors, [])
        await page.close()
      })

      await check(`${label} ${theme}: the Dashboard shows the month against the budget, confirmed and possibly charged`, async () => {
        const page = await moneyPage(viewport, '/dashboard', { budget: 0.85 }, options)
        const card = page.getByTestId('budget-card')
        await card.and(page.locator('[data-level="warning"]')).waitFor({ timeout: 10_000 })
        await page.getByTestId('recent-images').waitFor()
        const status = await page.evaluate(() => window.__TAURI_INTERNALS__.invoke('budget_status'))
        const money = (v) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(v)
        assert.equal((await page.getByTestId('budget-confirmed').textContent()).trim(), money(status.spentConfirmed))
        assert.equal((await page.getByTestId('budget-possible').textContent()).trim(), money(status.spentPossible))
        await page.getByTestId('budget-warn-mark').waitFor()
        assert.match(await page.getByTestId('dashboard-recoverable').textContent(), /2\s*jobs to recover/)
        assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
        await settle(page)
        await shot(page, name('dashboard'))
        assert.deepEqual(page.errors, [])
        await page.close()
      })

      await check(`${label} ${theme}: Settings has a price per model and size, and the budget`, async () => {
        const page = await moneyPage(viewport, '/settings', { preferences: { monthlyBudgetUsd: 20, creditsPerImage: 2, priceOverrides: [{ model: 'nano-banana-pro', size: '4K', usd: 0.2 }] } }, options)
        await page.getByTestId('settings-prices').waitFor({ timeout: 10_000 })
        assert.equal(await page.getByTestId('price-nano-banana-pro-4K').inputValue(), '0.2')
        assert.equal(await page.getByTestId('settings-budget').inputValue(), '20')
        assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
        await page.getByTestId('settings-money').scrollIntoViewIfNeeded()
        await settle(page)
        await page.locator('#settings-budget').screenshot({ path: shotPath(name('settings-budget')) })
        await page.locator('#settings-prices').screenshot({ path: shotPath(name('settings-prices')) })
        assert.deepEqual(page.errors, [])
        await page.close()
      })
    }

    await check(`${label}: over the budget the core refuses; "Generate anyway" sends it for this one generation`, async () => {
      const page = await moneyPage(viewport, '/generator', { budget: 'over' })
      const byId = (id) => page.getByTestId(id)
      await byId('cost-balance').waitFor({ timeout: 10_000 })
      await byId('budget-warning').and(page.locator('[data-level="over"]')).waitFor()
      await byId('prompt-input').fill('Minimalist poster of a mountain range at sunrise, flat colors')
      const jobs = () => page.evaluate(() => window.__NANOFORGE_MOCK__.jobs.length)
      const before = await jobs()
      await byId('generate-button').click()
      const dialog = byId('spend-dialog')
      await dialog.waitFor()
      assert.match(await dialog.textContent(), /would take this month's spending to \$[\d.]+ of your \$[\d.]+ budget/)
      assert.equal(await jobs(), before, 'a refused generation was recorded')
      await settle(page)
      // The dialog is fixed to the window: a full-page shot would cut its backdrop.
      await page.screenshot({ path: shotPath(`money-over-budget-${label}`) })
      await dialog.getByTestId('spend-confirm').click()
      await page.locator('[data-testid^="job-job-"][data-stage="done"]').first().waitFor({ timeout: 10_000 })
      assert.equal(await jobs(), before + 1)
      assert.deepEqual(page.errors, [])
      await page.close()
    })

    await check(`${label}: an empty balance is shown before generating and refused clearly`, async () => {
      const page = await moneyPage(viewport, '/generator', { balance: 0 })
      await page.getByTestId('cost-balance-warning').waitFor({ timeout: 10_000 })
      await page.getByTestId('prompt-input').fill('A red fox curled up in fresh snow')
      await page.getByTestId('generate-button').click()
      const error = page.getByTestId('submit-error')
      await error.waitFor()
      assert.equal(await error.getAttribute('data-kind'), 'out_of_credits')
      assert.match(await error.textContent(), /Out of credits/)
      await settle(page)
      await shot(page, `money-out-of-credits-${label}`)
      assert.deepEqual(page.errors, [])
      await page.close()
    })

    await check(`${label}: a paid job cancelled after the submit may be charged; Recover fetches its result`, async () => {
      const page = await moneyPage(viewport, '/generator')
      await page.getByTestId('prompt-input').fill('@slow Retro-futuristic banana-shaped spaceship over a desert', { timeout: 10_000 })
      await page.getByTestId('generate-button').click()
      const card = page.locator('[data-stage="generating"]').first()
      await card.waitFor({ timeout: 10_000 })
      const id = await card.getAttribute('data-testid')
      await card.getByTestId('job-cancel').click()
      const cancelled = page.locator(`[data-testid="${id}"][data-stage="cancelled"]`)
      await cancelled.getByTestId('job-money-note').waitFor({ timeout: 5_000 })
      assert.match(await cancelled.getByTestId('job-money-note').textContent(), /may still finish and charge ~\$0\.067/)
      assert.match(await cancelled.getByTestId('possibly-charged').textContent(), /~\$0\.067/)
      await cancelled.getByTestId('job-error-action').and(page.locator('[data-action="recover"]')).click()
      await page.locator(`[data-testid="${id}"][data-stage="done"]`).waitFor({ timeout: 10_000 })
      assert.deepEqual(page.errors, [])
      await page.close()
    })

    await check(`${label}: without a budget the Dashboard says so and links to it; recoverable jobs link to History`, async () => {
      const page = await moneyPage(viewport, '/dashboard')
      await page.getByTestId('budget-none').waitFor({ timeout: 10_000 })
      assert.equal(await page.getByTestId('budget-bar').count(), 0)
      await page.getByTestId('budget-set').click()
      await page.waitForURL(/#\/settings#settings-budget$/)
      await page.getByTestId('settings-money').waitFor()
      await page.waitForFunction(() => {
        const top = document.getElementById('settings-budget')?.getBoundingClientRect().top
        return top != null && top >= 0 && top < window.innerHeight / 2
      })
      await page.getByTestId('nav-dashboard').click()
      await page.getByTestId('dashboard-recoverable').click()
      await page.waitForURL(/#\/history\?status=RECOVERABLE$/)
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-testid="history-row"]')]
        return rows.length === 2 && rows.every((r) => r.dataset.status === 'RECOVERABLE')
      })
      assert.equal(await page.getByTestId('history-status-filter').inputValue(), 'RECOVERABLE')
      assert.deepEqual(page.errors, [])
      await page.close()
    })

    await check(`${label}: the Generator's total is the core's quote: a price saved in Settings, or elsewhere, changes it`, async () => {
      const page = await moneyPage(viewport, '/settings')
      const byId = (id) => page.getByTestId(id)
      await byId('settings-prices').waitFor({ timeout: 10_000 })
      await byId('price-nano-banana-2-1K').fill('0.5')
      await byId('prices-save').click()
      await byId('prices-saved').waitFor()
      await byId('nav-generator').click()
      const estimate = (text) => page.locator('[data-testid="cost-estimate"][data-pending="false"]').filter({ hasText: text })
      await estimate('$0.50').waitFor({ timeout: 10_000 })
      assert.equal(await byId('cost-estimate').getAttribute('data-estimate'), 'false', 'one\'s own price is no estimate')
      assert.equal((await byId('size-select').locator('option').first().textContent()).trim(), '1K · $0.50')
      await byId('count-input').fill('3')
      await estimate('$1.50').waitFor({ timeout: 5_000 })
      // Another window (or the CLI) saves a price while the Generator is open: the core says the preferences
      // changed, and the catalog and the quote are asked again.
      await page.evaluate(() => {
        window.__NANOFORGE_MOCK__.preferences.priceOverrides = [{ model: 'nano-banana-2', size: '1K', usd: 0.25 }]
        window.__NANOFORGE_LIBRARY_CHANGED__({ preferences: true })
      })
      await estimate('$0.75').waitFor({ timeout: 5_000 })
      assert.match(await byId('cost-estimate').textContent(), /\$0\.25 × 3/)
      assert.deepEqual(page.errors, [])
      await page.close()
    })

    await check(`${label}: Settings saves own prices and the budget; the core's refusals are shown as they are`, async () => {
      const page = await moneyPage(viewport, '/settings')
      const byId = (id) => page.getByTestId(id)
      await byId('settings-prices').waitFor({ timeout: 10_000 })
      assert.equal(await byId('price-nano-banana-2-1K').getAttribute('placeholder'), '0.067')
      await byId('price-nano-banana-2-1K').fill('0.05')
      await byId('prices-save').click()
      await byId('prices-saved').waitFor()
      const saved = () => page.evaluate(() => window.__NANOFORGE_MOCK__.preferences)
      assert.deepEqual((await saved()).priceOverrides, [{ model: 'nano-banana-2', size: '1K', usd: 0.05 }])
      await byId('price-nano-banana-2-1K-reset').click()
      await byId('prices-save').click()
      await byId('prices-saved').waitFor()
      assert.deepEqual((await saved()).priceOverrides, [])
      await byId('price-nano-banana-2-2K').fill('500')
      await byId('prices-save').click()
      await byId('prices-error').filter({ hasText: 'must be between $0 and $100' }).waitFor()
      await byId('prices-discard').click()

      await byId('settings-budget-on').check()
      await byId('settings-budget').fill('25')
      await byId('settings-recovery-days').fill('90')
      await byId('money-save').click()
      await byId('money-error').filter({ hasText: 'between 1 and 60 days' }).waitFor()
      await byId('settings-recovery-days').fill('30')
      await byId('money-save').click()
      await byId('money-saved').waitFor()
      const s = await saved()
      assert.equal(s.monthlyBudgetUsd, 25)
      assert.equal(s.recoveryWindowDays, 30)
      assert.deepEqual(page.errors, [])
      await page.close()
    })
  }

  await check('amounts read the same under a German locale', async () => {
    const page = await openPage(widths.desktop, '/dashboard', '', { locale: 'de-DE' })
    assert.equal(await page.evaluate(() => navigator.language), 'de-DE')
    await page.getByTestId('stat-cost').waitFor({ timeout: 10_000 })
    const total = await page.evaluate(() => window.__NANOFORGE_MOCK__.jobs.reduce((a, j) => a + (j.cost ?? 0), 0))
    const expected = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(total)
    assert.equal((await page.getByTestId('stat-cost').textContent()).trim(), expected)
    assert.match(expected, /^\$\d+\.\d{2,4}$/)
    assert.deepEqual(page.errors, [])
    await page.close()
  })

  await check('the saved theme is on <html> before the body is parsed (no light flash)', async () => {
    const page = await openPage(widths.desktop, '/')
    await page.evaluate(() => localStorage.setItem('nanoforge.theme', 'dark'))
    // Records the theme the moment <body> appears, before any module script (Vue) has run.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (!document.body) return
        window.__themeAtBody = document.documentElement.dataset.theme ?? null
        observer.disconnect()
      }).observe(document, { childList: true, subtree: true })
    })
    await page.reload()
    await page.locator('main h1').first().waitFor({ timeout: 10_000 })
    assert.equal(await page.evaluate(() => window.__themeAtBody), 'dark')
    assert.deepEqual(page.errors, [])
    await page.close()
  })

  function shotPath(name) {
    return join(shots, `${name}.png`)
  }
}
