// Batches at 1280 and 390 px: the Generator's Batch mode counts a template's jobs live across several models
// and shows the whole batch's total on Start with the month's budget left beside it; the Batch API toggle
// halves the Gemini jobs' price; a refused plan (over 500 jobs, an unknown wildcard) shows the core's typed
// error; over the budget Start asks first (nothing recorded until confirmed); the batch view shows a grid of
// prompt × model whose cells fill in with thumbnails, cost and time, "Compare" on two cells opens the compare
// view on those two images, "Edit this" opens the editor, the Generator's "This session" shows the batch as one
// row that opens it, Cancel batch stops the jobs still waiting, and a batch of 120 keeps only the rows near the
// screen in the page.
import assert from 'node:assert/strict'
import { join } from 'node:path'

const TEMPLATE = 'A {red|blue|green} mug on a {marble|oak} table'

/** Opens the Generator in Batch mode with both keys set and `budget` (USD above this month's spend, or null). */
async function openBatch(openPage, viewport, budgetAbove = 100) {
  const page = await openPage(viewport, '/')
  await page.waitForFunction(() => !!window.__NANOFORGE_MOCK__)
  await page.evaluate(async (above) => {
    const s = window.__NANOFORGE_MOCK__
    const key = (purpose) => ({ purpose, configured: true, masked: '••••1234', source: 'keychain', provider: 'nanobanana', keychainError: null })
    s.key = key('nanoBananaKey')
    s.keys.geminiKey = key('geminiKey')
    const b = await window.__TAURI_INTERNALS__.invoke('budget_status', {})
    s.preferences.monthlyBudgetUsd = above == null ? null : (b.spentConfirmed ?? 0) + (b.spentPossible ?? 0) + above
  }, budgetAbove)
  await page.getByTestId('nav-generator').click()
  await page.getByTestId('mode-batch').click()
  await page.getByTestId('batch-form').waitFor()
  return page
}

async function fill(page, template, models) {
  await page.getByTestId('batch-template').fill(template)
  for (const box of await page.locator('[data-testid^="batch-model-"]').all()) {
    const id = (await box.getAttribute('data-testid')).replace('batch-model-', '')
    if ((await box.isChecked()) !== models.includes(id)) await box.click()
  }
}

const startText = (page) => page.getByTestId('batch-start').textContent()
const waitCount = (page, n) => page.waitForFunction((c) => document.querySelector('[data-testid="batch-count"]')?.dataset.count === String(c), n)

export default async function ({ check, widths, openPage, shots, settle, noHorizontalOverflow }) {
  for (const [label, viewport] of Object.entries(widths)) {
    await check(`${label}: the count and total on Start, the budget left, the Batch API halving Gemini's price, refusals`, async () => {
      const page = await openBatch(openPage, viewport)
      await fill(page, TEMPLATE, ['nano-banana-2', 'gemini-3.1-flash-image'])
      await waitCount(page, 12)
      assert.match(await page.getByTestId('batch-count').textContent(), /12 jobs\s*6 prompts × 2 models/)
      // 6 × $0.067 (Nano Banana 2) + 6 × $0.0672 (Gemini 3.1 Flash Image at 1K)
      assert.match(await startText(page), /Start 12 images · \$0\.8052/)
      assert.match(await page.getByTestId('batch-budget-left').textContent(), /\$100\.00 left this month/)
      assert.match(await page.getByTestId('batch-per-model').textContent(), /Nano Banana 2: 6 × \$0\.067 \(1K\).*Nano Banana 2 \(Gemini\): 6 × \$0\.0672 \(1K\)/)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await page.screenshot({ path: join(shots, `batches-form-${label}.png`), fullPage: true })

      // A size every chosen model offers prices at that size: 6 × $0.101 + 6 × $0.1008.
      await page.getByTestId('batch-size').selectOption('2K')
      await page.waitForFunction(() => /Start 12 images · \$1\.2108/.test(document.querySelector('[data-testid="batch-start"]')?.textContent ?? ''))
      await page.getByTestId('batch-size').selectOption({ index: 0 })
      await page.waitForFunction(() => /Start 12 images · \$0\.8052/.test(document.querySelector('[data-testid="batch-start"]')?.textContent ?? ''))

      // Gemini alone: the Batch API halves the whole total.
      await fill(page, TEMPLATE, ['gemini-3.1-flash-image'])
      await waitCount(page, 6)
      assert.match(await startText(page), /Start 6 images · \$0\.4032/)
      await page.getByTestId('batch-api').check()
      await page.waitForFunction(() => /\$0\.2016/.test(document.querySelector('[data-testid="batch-start"]')?.textContent ?? ''))
      // Mixed: only the Gemini jobs go at half price.
      await fill(page, TEMPLATE, ['nano-banana-2', 'gemini-3.1-flash-image'])
      await page.waitForFunction(() => /Start 12 images · \$0\.6036/.test(document.querySelector('[data-testid="batch-start"]')?.textContent ?? ''))

      // Random N with a seed: N prompts on each model.
      await page.getByTestId('batch-mode-random').check()
      await page.getByTestId('batch-random-n').fill('2')
      await waitCount(page, 4)
      await page.getByTestId('batch-mode-all').check()
      await waitCount(page, 12)

      // A CSV file's rows fill ${column}; each row goes with every alternative.
      await page.getByTestId('batch-template').fill('A {red|blue} mug in ${city}')
      await page.getByTestId('batch-csv').setInputFiles({ name: 'cities.csv', mimeType: 'text/csv', buffer: Buffer.from('city\nParis\nRome\nOslo\n') })
      await page.getByTestId('batch-csv-loaded').waitFor()
      assert.match(await page.getByTestId('batch-csv-loaded').textContent(), /cities\.csv · 3 rows/)
      await waitCount(page, 12)
      assert.match(await page.getByTestId('batch-count').textContent(), /6 prompts × 2 models/)
      await page.getByTestId('batch-csv-loaded').getByRole('button').click()
      await page.getByTestId('batch-plan-error').waitFor()
      assert.match(await page.getByTestId('batch-plan-error').textContent(), /no CSV file/)

      // The core's refusals, typed: an unknown wildcard, and more than 500 jobs.
      await page.getByTestId('batch-template').fill('A __nope__ mug')
      await page.waitForFunction(() => /wildcard/.test(document.querySelector('[data-testid="batch-plan-error"]')?.textContent ?? ''))
      assert.equal(await page.getByTestId('batch-plan-error').getAttribute('data-kind'), 'invalid_template')
      assert.match(await page.getByTestId('batch-plan-error').textContent(), /there is no wildcard `nope`/)
      assert.ok(await page.getByTestId('batch-start').isDisabled())
      const big = `{${Array.from({ length: 16 }, (_, i) => `a${i}`).join('|')}} {${Array.from({ length: 16 }, (_, i) => `b${i}`).join('|')}}`
      await page.getByTestId('batch-template').fill(big)
      await page.waitForFunction(() => document.querySelector('[data-testid="batch-plan-error"]')?.dataset.kind === 'batch_too_large')
      assert.match(await page.getByTestId('batch-plan-error').textContent(), /512 prompts, more than the limit of 500/)
      assert.equal((await startText(page)).trim(), 'Start batch')
      assert.ok(await page.getByTestId('batch-start').isDisabled())
      await settle(page)
      await page.screenshot({ path: join(shots, `batches-refused-${label}.png`), fullPage: true })
      assert.deepEqual(page.errors, [])
    })

    await check(`${label}: over the budget Start asks first; confirmed, the batch view fills its grid; Edit this opens the editor`, async () => {
      const page = await openBatch(openPage, viewport, 0.1)
      await fill(page, TEMPLATE, ['nano-banana-2', 'gemini-3.1-flash-image'])
      await waitCount(page, 12)
      assert.match(await page.getByTestId('batch-budget-left').textContent(), /Over this month’s budget by \$0\.7052/)
      const before = await page.evaluate(() => window.__NANOFORGE_MOCK__.jobs.length)
      await page.getByTestId('batch-start').click()
      const dialog = page.getByTestId('spend-dialog')
      await dialog.waitFor()
      assert.match(await dialog.textContent(), /would take this month's spending/)
      assert.equal(await page.evaluate(() => window.__NANOFORGE_MOCK__.jobs.length), before, 'nothing recorded before the confirmation')
      await settle(page)
      await page.screenshot({ path: join(shots, `batches-over-budget-${label}.png`) })
      assert.match(await page.getByTestId('spend-confirm').textContent(), /Start anyway/)
      await page.getByTestId('spend-confirm').click()

      await page.getByTestId('batch-view').waitFor()
      assert.equal(await page.evaluate(() => window.__NANOFORGE_MOCK__.jobs.length), before + 12)
      await page.waitForFunction(() => document.querySelector('[data-testid="batch-view"]')?.dataset.state === 'completed', null, { timeout: 10_000 })
      assert.equal(await page.getByTestId('batch-row').count(), 6)
      assert.equal(await page.getByTestId('batch-cell').count(), 12)
      assert.equal(await page.locator('[data-testid="batch-cell"][data-state="done"] img').count(), 12)
      const header = await page.locator('[data-testid="batch-grid"] thead').textContent()
      assert.match(header, /Nano Banana 2.*Nano Banana 2 \(Gemini\)/)
      assert.match(await page.getByTestId('batch-cell-cost').first().textContent(), /\$0\.067/)
      assert.match(await page.getByTestId('batch-counts').textContent(), /12 done · 0 running · 0 waiting · 0 failed/)
      assert.equal(await page.getByTestId('batch-cancel').count(), 0, 'nothing to cancel once done')
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      // The thumbnails load lazily: bring each row into view once so the full-page shot has them all.
      for (const row of await page.getByTestId('batch-row').all()) await row.scrollIntoViewIfNeeded()
      await page.evaluate(() => window.scrollTo(0, 0))
      await settle(page)
      await page.screenshot({ path: join(shots, `batches-grid-${label}.png`), fullPage: true })

      // Compare: two cells picked open the Gallery's compare view on exactly those two images.
      const compare = page.getByTestId('batch-cell-compare')
      await compare.nth(0).click()
      assert.match(await page.getByTestId('batch-compare-bar').textContent(), /1 image picked/)
      assert.ok(await page.getByTestId('batch-compare-open').isDisabled(), 'one image is nothing to compare')
      await compare.nth(1).click()
      assert.equal(await compare.nth(1).getAttribute('aria-pressed'), 'true')
      assert.match(await page.getByTestId('batch-compare-open').textContent(), /Compare 2/)
      await settle(page)
      await page.screenshot({ path: join(shots, `batches-compare-picked-${label}.png`) })
      await page.getByTestId('batch-compare-open').click()
      const compareView = page.getByTestId('compare-view')
      await compareView.waitFor()
      assert.equal(await compareView.getAttribute('data-count'), '2')
      const items = await page.getByTestId('compare-item').allTextContents()
      assert.equal(items.length, 2)
      assert.match(items[0], /A red mug on a marble table[\s\S]*Nano Banana 2/)
      assert.match(items[1], /A red mug on a marble table[\s\S]*Nano Banana 2 \(Gemini\)/)
      await settle(page)
      await page.screenshot({ path: join(shots, `batches-compare-${label}.png`) })
      await page.getByTestId('compare-close').click()
      await compareView.waitFor({ state: 'detached' })
      await page.getByTestId('batch-compare-clear').click()
      assert.equal(await page.getByTestId('batch-compare-bar').count(), 0)

      // The Generator's "This session" shows the batch as one row, not twelve cards, and Open leads back.
      const batchUrl = await page.evaluate(() => location.hash)
      await page.getByTestId('nav-generator').click()
      const sessionBatch = page.getByTestId('session-batch')
      await sessionBatch.waitFor()
      assert.equal(await sessionBatch.count(), 1)
      assert.match(await sessionBatch.textContent(), /Batch of 12\s*— 12 done, 0 failed/)
      assert.equal(await page.locator('[data-testid="job-list"] article.job').count(), 0, 'no card per batch job')
      await sessionBatch.scrollIntoViewIfNeeded()
      await settle(page)
      await page.screenshot({ path: join(shots, `batches-session-${label}.png`), fullPage: true })
      await page.getByTestId('session-batch-open').click()
      await page.waitForFunction((h) => location.hash === h, batchUrl)

      // History lists it and leads back to its grid.
      await page.getByTestId('nav-history').click()
      const recent = page.getByTestId('recent-batch').first()
      await recent.waitFor()
      assert.match(await recent.textContent(), /A \{red\|blue\|green\} mug.*12 jobs · Nano Banana 2, Nano Banana 2 \(Gemini\) · about \$0\.8052/)
      await recent.click()
      await page.waitForFunction((h) => location.hash === h, batchUrl)
      await page.getByTestId('batch-cell-edit').first().waitFor()

      await page.getByTestId('batch-cell-edit').first().click()
      await page.waitForFunction(() => location.hash.startsWith('#/edit/img-'))
      assert.deepEqual(page.errors, [])
    })

    await check(`${label}: a batch of 120 keeps only the rows near the screen in the page, each thumbnail at its cacheable URL`, async () => {
      const page = await openBatch(openPage, viewport)
      // 12 × 10 = 120 prompts on one model.
      await fill(page, 'Mug {1|2|3|4|5|6|7|8|9|10|11|12} in colour {a|b|c|d|e|f|g|h|i|j}', ['nano-banana-2'])
      await waitCount(page, 120)
      await page.getByTestId('batch-start').click()
      await page.getByTestId('batch-view').waitFor()
      await page.waitForFunction(() => document.querySelector('[data-testid="batch-view"]')?.dataset.state === 'completed', null, { timeout: 20_000 })
      const rows = () => page.getByTestId('batch-row').allTextContents()
      const top = await rows()
      assert.ok(top.length >= 3 && top.length <= 20, `rows in the page at the top: ${top.length}`)
      assert.match(top[0], /Mug 1 in colour a/)
      // Every thumbnail shown is content-addressed by its image's hash (the web view caches it).
      const srcs = await page.locator('[data-testid="batch-cell"] img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')))
      assert.equal(srcs.length, top.length)
      for (const src of srcs) assert.match(src, /\/thumb\/[0-9a-f]{64}$/)
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="batch-cell"] img')].every((i) => i.complete && i.naturalWidth > 0))
      // Scrolled to the end: the last prompt is there, the first is not, and the page stays as small.
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
      await page.waitForFunction(() => /Mug 12 in colour j/.test([...document.querySelectorAll('[data-testid="batch-row"]')].at(-1)?.textContent ?? ''))
      const bottom = await rows()
      assert.ok(bottom.length <= 20, `rows in the page at the end: ${bottom.length}`)
      assert.ok(!bottom.some((r) => /Mug 1 in colour a/.test(r)), 'the first row left the page')
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="batch-cell"] img')].every((i) => i.complete && i.naturalWidth > 0))
      await settle(page)
      await page.screenshot({ path: join(shots, `batches-grid-120-end-${label}.png`) })
      // Back to the top: the first row again.
      await page.evaluate(() => window.scrollTo(0, 0))
      await page.waitForFunction(() => /Mug 1 in colour a/.test(document.querySelector('[data-testid="batch-row"]')?.textContent ?? ''))
      assert.deepEqual(page.errors, [])
    })

    await check(`${label}: Cancel batch stops the waiting jobs; Batch API jobs wait for their results`, async () => {
      const page = await openBatch(openPage, viewport)
      await fill(page, `@slow ${TEMPLATE}`, ['nano-banana-2', 'gemini-3.1-flash-image'])
      await page.getByTestId('batch-api').check()
      await page.waitForFunction(() => /Start 12 images/.test(document.querySelector('[data-testid="batch-start"]')?.textContent ?? ''))
      await page.getByTestId('batch-start').click()
      await page.getByTestId('batch-view').waitFor()
      await page.getByTestId('batch-cancel').waitFor()
      assert.match(await page.getByTestId('batch-remote').textContent(), /1 batch, results within 24 h/)
      // The Gemini jobs are with the Batch API (submitted); the others run.
      const withBatchApi = page.locator('[data-testid="batch-cell"][data-model="gemini-3.1-flash-image"][data-state="running"]')
      assert.equal(await withBatchApi.count(), 6)
      assert.match(await withBatchApi.first().textContent(), /With the Batch API/)
      // Scrolled sideways (a phone's two models do not fit), the prompts stay in view.
      await page.getByTestId('batch-grid').evaluate((el) => { el.scrollLeft = el.scrollWidth })
      // The prompt column sticks only where the models overflow sideways (a phone's two models).
      const position = await page.locator('[data-testid="batch-grid"] tbody th').first().evaluate((el) => getComputedStyle(el).position)
      assert.equal(position, label === 'phone' ? 'sticky' : 'static')
      await settle(page)
      await page.screenshot({ path: join(shots, `batches-running-${label}.png`), fullPage: true })
      await page.getByTestId('batch-cancel').click()
      await page.waitForFunction(() => document.querySelector('[data-testid="batch-view"]')?.dataset.state === 'cancelled')
      assert.equal(await page.locator('[data-testid="batch-cell"][data-state="cancelled"]').count(), 12)
      assert.equal(await page.getByTestId('batch-cancel').count(), 0)
      assert.match(await page.getByTestId('batch-state').textContent(), /Cancelled/)
      assert.deepEqual(page.errors, [])
    })
  }
}
