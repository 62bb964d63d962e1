// History: rows from the mock library (every outcome: recoverable, possibly charged, failed, cancelled),
// search and the status and money filters, Run again with a live row, Recover in place, lineage, the empty
// state, at desktop and phone widths. Screens of the money rows in both themes are in money.mjs.
import assert from 'node:assert/strict'
import { join } from 'node:path'

/** Waits until History shows `n` rows. */
const waitRows = (page, n) => page.waitForFunction((count) => document.querySelectorAll('[data-testid="history-row"]').length === count, n)

export default async function ({ check, widths, openPage, shot, shots, settle, noHorizontalOverflow }) {
  // The first screen as a person sees it (full-page phone shots smear the sticky bars).
  const screenShot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`) })
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/history')
    const rows = page.getByTestId('history-row')
    const mock = (fn, arg) => page.evaluate(fn, arg)

    await check(`${label}: history lists the jobs, newest first, each outcome as it is`, async () => {
      await page.locator('[data-testid="history-table"][data-complete="true"]').waitFor({ timeout: 10_000 })
      assert.equal(await rows.count(), 36)
      assert.equal(await rows.first().getAttribute('data-id'), 'job-0001')
      const failed = page.locator('[data-testid="history-row"][data-status="FAILED"]')
      assert.equal(await failed.count(), 2)
      assert.match(await failed.first().getByTestId('history-error').textContent(), /content policy/)
      // The interrupted submit is explained as possibly charged and not resent, not as an error.
      const interrupted = page.locator('[data-id="job-0011"]')
      assert.match(await interrupted.getByTestId('job-money-note').textContent(), /may have reached the service.*not sent again/s)
      assert.equal(await page.locator('[data-testid="history-row"][data-status="RECOVERABLE"]').count(), 2)
      assert.equal(await page.locator('[data-testid="history-row"][data-status="RECOVERABLE"] [data-testid="history-recover"]').count(), 2)
      assert.equal(await page.locator('[data-testid="history-row"][data-status="COMPLETED"] [data-testid="history-run-again"]').count(), 30)
      assert.equal(await page.locator('[data-testid="history-row"][data-status="RECOVERABLE"] [data-testid="history-run-again"]').count(), 0)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await shot(page, `history-${label}`)
      await screenShot(page, `history-screen-${label}`)
    })

    await check(`${label}: search narrows the rows to matching prompts`, async () => {
      await page.getByTestId('history-search').fill('lighthouse')
      const expected = await mock(() => window.__NANOFORGE_MOCK__.jobs.filter((j) => /lighthouse/i.test(j.prompt)).length)
      await waitRows(page, expected)
      for (const text of await rows.locator('.prompt').allTextContents()) assert.match(text, /lighthouse/i)
      await shot(page, `history-search-${label}`)
      await page.getByTestId('history-search').fill('no such words anywhere')
      await page.getByTestId('history-empty').waitFor({ timeout: 3_000 })
      assert.match(await page.getByTestId('history-empty').textContent(), /No jobs match/)
      await page.getByTestId('history-search').fill('')
      await waitRows(page, 36)
    })

    await check(`${label}: the status filter shows only failed, or only recoverable, jobs`, async () => {
      await page.getByTestId('history-status-filter').selectOption('FAILED')
      await waitRows(page, 2)
      assert.equal(await page.locator('[data-testid="history-row"]:not([data-status="FAILED"])').count(), 0)
      await shot(page, `history-failed-${label}`)
      await page.getByTestId('history-status-filter').selectOption({ label: 'Recoverable' })
      await waitRows(page, 2)
      assert.equal(await page.locator('[data-testid="history-row"]:not([data-status="RECOVERABLE"])').count(), 0)
      await page.getByTestId('history-status-filter').selectOption({ label: 'All statuses' })
      await waitRows(page, 36)
    })

    await check(`${label}: "Possibly charged" shows the jobs that may have cost money without a result`, async () => {
      await page.getByTestId('history-charged-filter').click()
      await waitRows(page, 3)
      const ids = await rows.evaluateAll((els) => els.map((e) => e.dataset.id))
      assert.deepEqual(ids, ['job-0003', 'job-0011', 'job-0023'])
      assert.equal(await page.getByTestId('possibly-charged').count(), 3)
      await page.getByTestId('history-charged-filter').click()
      await waitRows(page, 36)
    })

    await check(`${label}: opening a row shows its lineage (a run again of an older job)`, async () => {
      await page.locator('[data-id="job-0002"] button.prompt').click()
      const family = page.locator('[data-id="job-0002"] [data-testid="job-family"][data-loaded="true"]')
      await family.waitFor({ timeout: 5_000 })
      assert.equal(await family.getByTestId('job-family-parent').getByTestId('job-family-member').getAttribute('data-id'), 'job-0014')
      await page.locator('[data-id="job-0002"] button.prompt').click()
    })

    await check(`${label}: Recover fetches a recoverable job's result in place`, async () => {
      const before = await rows.count()
      await page.locator('[data-id="job-0003"] [data-testid="history-recover"]').click()
      await page.getByTestId('history-message').filter({ hasText: 'Nothing is paid again' }).waitFor({ timeout: 5_000 })
      await page.locator('[data-testid="history-row"][data-id="job-0003"][data-status="COMPLETED"]').waitFor({ timeout: 10_000 })
      assert.equal(await rows.count(), before, 'Recover added a row')
    })

    await check(`${label}: Run again states the price, asks, then a new job completes live on top`, async () => {
      // Run again keeps the old job's provider, which needs its key.
      await mock(() => { window.__NANOFORGE_MOCK__.key = { purpose: 'nanoBananaKey', configured: true, masked: '••••••••abcd', source: 'keychain', provider: 'nanobanana', keychainError: null } })
      await page.locator('[data-id="job-0007"] [data-testid="history-run-again"]').click()
      const dialog = page.getByTestId('spend-dialog')
      await dialog.waitFor()
      assert.match(await dialog.getByTestId('spend-message').textContent(), /paid again: about \$0\.067 \(estimate\) for 1 image/)
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'spend-cancel')
      await dialog.getByTestId('spend-confirm').click()
      await page.getByTestId('history-message').waitFor({ timeout: 5_000 })
      await waitRows(page, 37)
      await page.locator('[data-testid="history-row"]').first().and(page.locator('[data-status="COMPLETED"]')).waitFor({ timeout: 10_000 })
      const top = await rows.first().getAttribute('data-id')
      assert.notEqual(top, 'job-0001')
      assert.equal(await mock((id) => window.__NANOFORGE_MOCK__.jobs.find((j) => j.id === id).parentJobId, top), 'job-0007')
      await rows.first().getByTestId('history-linked').waitFor()
    })

    await check(`${label}: no console errors`, async () => assert.deepEqual(page.errors, []))
    await page.close()

    const emptyPage = await openPage(viewport, '/history', '?empty')
    await check(`${label}: an empty library shows the first-run state`, async () => {
      await emptyPage.getByTestId('history-empty').waitFor({ timeout: 10_000 })
      assert.match(await emptyPage.getByTestId('history-empty').textContent(), /Generate your first image/)
      await shot(emptyPage, `history-empty-${label}`)
      assert.deepEqual(emptyPage.errors, [])
    })
    await emptyPage.close()
  }
}
