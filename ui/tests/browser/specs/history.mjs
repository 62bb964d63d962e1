// History: rows from the mock library, errors on failed rows, search and status filter, retry with a live
// row, the empty state, at desktop and phone widths.
import assert from 'node:assert/strict'
import { join } from 'node:path'

export default async function ({ check, widths, openPage, shot, shots, noHorizontalOverflow }) {
  // The first screen as a person sees it (full-page phone shots smear the sticky bars).
  const screenShot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`) })
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/history')
    const rows = page.getByTestId('history-row')

    await check(`${label}: history lists the jobs, newest first, with failed rows' errors`, async () => {
      await page.locator('[data-testid="history-table"][data-complete="true"]').waitFor({ timeout: 10_000 })
      assert.equal(await rows.count(), 36)
      assert.equal(await rows.first().getAttribute('data-id'), 'job-0001')
      const failed = page.locator('[data-testid="history-row"][data-status="FAILED"]')
      assert.equal(await failed.count(), 2)
      assert.match(await failed.first().getByTestId('history-error').textContent(), /content policy/)
      assert.equal(await page.locator('[data-status="COMPLETED"] [data-testid="history-retry"]').count(), 33)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await shot(page, `history-${label}`)
      await screenShot(page, `history-screen-${label}`)
    })

    await check(`${label}: search narrows the rows to matching prompts`, async () => {
      await page.getByTestId('history-search').fill('lighthouse')
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-row"]').length === 3)
      for (const text of await rows.locator('.prompt').allTextContents()) assert.match(text, /lighthouse/i)
      await shot(page, `history-search-${label}`)
      await page.getByTestId('history-search').fill('no such words anywhere')
      await page.getByTestId('history-empty').waitFor({ timeout: 3_000 })
      assert.match(await page.getByTestId('history-empty').textContent(), /No jobs match/)
      await page.getByTestId('history-search').fill('')
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-row"]').length === 36)
    })

    await check(`${label}: the status filter shows only failed jobs`, async () => {
      await page.getByTestId('history-status-filter').selectOption('FAILED')
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-row"]').length === 2)
      assert.equal(await page.locator('[data-testid="history-row"]:not([data-status="FAILED"])').count(), 0)
      assert.equal(await page.getByTestId('history-error').count(), 2)
      await shot(page, `history-failed-${label}`)
      await page.getByTestId('history-status-filter').selectOption({ label: 'All statuses' })
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-row"]').length === 36)
    })

    await check(`${label}: retry starts a new job that completes live on top`, async () => {
      const failed = page.locator('[data-testid="history-row"][data-status="FAILED"]').first()
      await failed.getByTestId('history-retry').click()
      await page.getByTestId('history-message').waitFor({ timeout: 5_000 })
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-row"]').length === 37)
      await page.locator('[data-testid="history-row"]').first().and(page.locator('[data-status="COMPLETED"]')).waitFor({ timeout: 10_000 })
      assert.notEqual(await rows.first().getAttribute('data-id'), 'job-0001')
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
