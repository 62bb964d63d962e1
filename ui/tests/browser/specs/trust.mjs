// Trust at 1280 and 390 px: closing the window while a paid Gemini call is in flight blocks it with
// "Finishing 1 paid request…" until the answer is stored (or Quit now); another device's mass "delete
// forever" held back by an automatic sync and asked about in a dialog on any view (Not now, then Apply from
// Sync status, naming what went to the Trash instead; or Apply in the dialog); a bucket library claimed for
// this account; the secret asked again for another bucket; and in History, the credits a job took and
// "Possibly charged (CSV)".
import assert from 'node:assert/strict'
import { join } from 'node:path'

export default async function ({ check, widths, openPage, shot, shots, settle, noHorizontalOverflow }) {
  // The shell's sticky bar and the phone's tab bar would sit over an element scrolled into view: hidden for the shot.
  const elementShot = (locator, name) => locator.screenshot({
    path: join(shots, `${name}.png`), style: '.sidebar, .app-nav { visibility: hidden !important; }',
  })
  const exitOf = (page) => page.evaluate(() => window.__NANOFORGE_EXIT__ ?? null)

  /** A page with a Gemini key, on the Generator, a slow paid generation started and its call in flight. */
  async function slowGemini(viewport) {
    const page = await openPage(viewport, '/settings')
    const card = page.getByTestId('key-card-geminiKey')
    await card.getByTestId('api-key-input').fill('AIza-test-key-5678')
    await card.getByTestId('api-key-save').click()
    await card.getByTestId('api-key-status').filter({ hasText: '5678' }).waitFor({ timeout: 5_000 })
    await page.getByTestId('nav-generator').click()
    await page.getByTestId('provider-select').waitFor({ timeout: 10_000 })
    assert.equal(await page.getByTestId('provider-select').inputValue(), 'gemini')
    await page.getByTestId('prompt-input').fill('@slow a lighthouse in a storm, oil on canvas')
    await page.getByTestId('generate-button').click()
    const job = page.locator('[data-testid^="job-job-"]').first()
    await job.and(page.locator('[data-stage="generating"]')).waitFor({ timeout: 10_000 })
    return { page, job }
  }

  for (const [label, viewport] of Object.entries(widths)) {
    await check(`${label}: closing the window during a paid Gemini call blocks it until the answer is stored, then it exits`, async () => {
      const { page, job } = await slowGemini(viewport)
      await page.evaluate(() => window.__NANOFORGE_CLOSE_WINDOW__())
      const overlay = page.getByTestId('quitting-overlay')
      await overlay.waitFor({ timeout: 5_000 })
      assert.equal((await page.getByTestId('quitting-title').textContent()).trim(), 'Finishing 1 paid request…')
      assert.equal(await page.evaluate(() => document.querySelector('.shell').inert), true, 'the window behind still works')
      assert.equal(await exitOf(page), null, 'exited with the paid call in flight')
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      // The overlay covers the window (a full-page shot would stretch the viewport under it).
      await page.screenshot({ path: join(shots, `trust-quitting-${label}.png`) })
      await page.waitForFunction(() => window.__NANOFORGE_EXIT__ === 'finished', null, { timeout: 20_000 })
      assert.equal(await page.evaluate(() => window.__NANOFORGE_MOCK__.jobs.at(-1).status), 'COMPLETED')
      assert.equal(await job.getAttribute('data-stage'), 'done')
      assert.deepEqual(page.errors, [])
      await page.close()
    })

    await check(`${label}: Quit now stops at once; with nothing paid in flight the window closes without asking`, async () => {
      const { page } = await slowGemini(viewport)
      await page.evaluate(() => window.__NANOFORGE_CLOSE_WINDOW__())
      await page.getByTestId('quit-now').click()
      await page.waitForFunction(() => window.__NANOFORGE_EXIT__ === 'quit-now', null, { timeout: 5_000 })
      await page.close()

      const idle = await openPage(viewport, '/gallery')
      await idle.getByTestId('nav-gallery').waitFor({ timeout: 10_000 })
      await idle.evaluate(() => window.__NANOFORGE_CLOSE_WINDOW__())
      assert.equal(await exitOf(idle), 'closed')
      assert.equal(await idle.getByTestId('quitting-overlay').count(), 0)
      await idle.close()
    })

    const synced = await openPage(viewport, '/gallery', '?synced')
    const byId = (id) => synced.getByTestId(id)

    await check(`${label}: an automatic sync holds Pixel 8's mass delete forever and the window asks in a dialog, on any view`, async () => {
      await synced.locator('[data-testid="gallery-item"]').first().waitFor({ timeout: 10_000 })
      const before = await synced.evaluate(() => window.__NANOFORGE_MOCK__.images.length)
      await synced.evaluate(() => {
        window.__NANOFORGE_MOCK__.sync.massDelete = { by: 'dev-pixel-8', keep: 2, onlyHere: 3 }
        return window.__NANOFORGE_AUTO_SYNC__()
      })
      const dialog = byId('pending-deletions-dialog')
      await dialog.waitFor({ timeout: 10_000 })
      // The phone's finished job arrived with the same pull; nothing was deleted here yet.
      const total = before + 1
      assert.equal((await dialog.getByTestId('pending-deletions-question').textContent()).trim(),
        `Pixel 8 deleted ${total - 2} of ${total} images forever — apply?`)
      const device = dialog.getByTestId('pending-deletions-device')
      assert.equal(await device.count(), 1)
      assert.match(await device.textContent(), new RegExp(`^Pixel 8\\s*android\\s*${total - 2} images$`))
      assert.equal((await dialog.getByTestId('pending-deletions-stay').textContent()).trim(), '2 images stay in this library.')
      assert.equal(await synced.evaluate(() => document.activeElement?.dataset.testid), 'pending-deletions-later')
      assert.equal(await synced.evaluate(() => window.__NANOFORGE_MOCK__.images.length), total)
      assert.ok(await noHorizontalOverflow(synced), 'page scrolls horizontally')
      await settle(synced)
      await synced.screenshot({ path: join(shots, `trust-pending-dialog-${label}.png`) })
      await dialog.getByTestId('pending-deletions-later').click()
      await dialog.waitFor({ state: 'detached', timeout: 5_000 })
    })

    await check(`${label}: Sync status keeps them with Apply; Apply deletes them and names what went to the Trash`, async () => {
      await byId('nav-settings').click()
      const panel = byId('pending-deletions-panel')
      await panel.waitFor({ timeout: 10_000 })
      assert.equal(await byId('pending-deletions-dialog').count(), 0, 'asked again after Not now')
      await panel.scrollIntoViewIfNeeded()
      await settle(synced)
      await elementShot(byId('sync-status'), `trust-pending-status-${label}`)
      await panel.getByTestId('pending-deletions-apply').click()
      const applied = byId('pending-applied')
      await applied.waitFor({ timeout: 5_000 })
      assert.match(await applied.textContent(), /^Deleted \d+ images forever\. 3 went to the Trash instead: their originals existed only on this device\.$/)
      assert.equal(await panel.count(), 0)
      const mock = await synced.evaluate(() => ({
        live: window.__NANOFORGE_MOCK__.images.filter((i) => i.deletedAt == null).length,
        trashed: window.__NANOFORGE_MOCK__.images.filter((i) => i.deletedAt != null).length,
      }))
      assert.deepEqual(mock, { live: 2, trashed: 3 })
    })

    await check(`${label}: a sync that claims an ownerless bucket library says so in one line`, async () => {
      await synced.evaluate(() => { window.__NANOFORGE_MOCK__.sync.unowned = true })
      await byId('sync-now').click()
      await byId('sync-claimed').waitFor({ timeout: 10_000 })
      assert.match(await byId('sync-claimed').textContent(), /it now belongs to this account/)
      // Said on any view too, as a toast (an automatic sync may be the one that claims it).
      assert.match(await byId('toast').textContent(), /it now belongs to this account/)
    })

    await check(`${label}: another bucket needs the secret again: the field says why and Save waits for it`, async () => {
      await byId('sync-bucket').fill('nanoforge-archive')
      const again = byId('sync-secret-again')
      await again.waitFor({ timeout: 5_000 })
      assert.match(await again.textContent(), /type the secret access key again/)
      await byId('sync-save').click()
      await again.and(synced.locator('[data-missing="true"]')).waitFor({ timeout: 5_000 })
      assert.equal(await byId('sync-secret').getAttribute('aria-invalid'), 'true')
      assert.equal(await synced.evaluate(() => document.activeElement?.dataset.testid), 'sync-secret')
      assert.equal(await synced.evaluate(() => window.__NANOFORGE_MOCK__.sync.setup.bucket), 'nanoforge-photos', 'saved without the secret')
      await settle(synced)
      await elementShot(byId('sync-form'), `trust-secret-again-${label}`)
      await byId('sync-secret').fill('r2-secret-for-the-archive')
      await byId('sync-save').click()
      await byId('sync-saved').waitFor({ timeout: 5_000 })
      assert.equal(await synced.evaluate(() => window.__NANOFORGE_MOCK__.sync.setup.bucket), 'nanoforge-archive')
    })

    await check(`${label}: no console errors with sync set up`, async () => assert.deepEqual(synced.errors, []))
    await synced.close()

    await check(`${label}: Apply in the dialog applies them at once, and a toast says so`, async () => {
      const page = await openPage(viewport, '/history', '?synced')
      await page.getByTestId('history-row').first().waitFor({ timeout: 10_000 })
      await page.evaluate(() => {
        window.__NANOFORGE_MOCK__.sync.massDelete = { by: 'dev-pixel-8', keep: 5, onlyHere: 0 }
        return window.__NANOFORGE_AUTO_SYNC__()
      })
      const dialog = page.getByTestId('pending-deletions-dialog')
      await dialog.getByTestId('pending-deletions-apply').click()
      await dialog.waitFor({ state: 'detached', timeout: 5_000 })
      assert.match(await page.getByTestId('toast').textContent(), /^\s*Deleted \d+ images forever\.\s*$/)
      assert.equal(await page.evaluate(() => window.__NANOFORGE_MOCK__.images.filter((i) => i.deletedAt == null).length), 5)
      assert.deepEqual(page.errors, [])
      await page.close()
    })

    const history = await openPage(viewport, '/history')
    await check(`${label}: History shows the credits a job took and saves the possibly charged jobs as CSV`, async () => {
      const newest = history.locator('[data-testid="history-row"][data-id="job-0001"]')
      await newest.waitFor({ timeout: 10_000 })
      assert.equal((await newest.getByTestId('charged-credits').textContent()).trim(), 'charged 18 credits')
      const recoverable = history.locator('[data-testid="history-row"][data-id="job-0003"]')
      assert.equal((await recoverable.getByTestId('charged-credits').textContent()).trim(), 'charged 18 credits')
      const expected = await history.evaluate(() => window.__NANOFORGE_MOCK__.jobs
        .filter((j) => j.mayBeCharged && !(j.cost > 0)).length)
      await history.getByTestId('history-charged-csv').click()
      const message = history.getByTestId('history-message')
      await message.waitFor({ timeout: 5_000 })
      assert.equal((await message.textContent()).trim(), `Saved ${expected} possibly charged jobs to the CSV file.`)
      assert.ok(await noHorizontalOverflow(history), 'page scrolls horizontally')
      await settle(history)
      await shot(history, `trust-history-${label}`)
      // Cancelled in the save dialog: nothing is said.
      await history.evaluate(() => { window.__NANOFORGE_MOCK__.saveCancelled = true })
      await history.getByTestId('history-charged-csv').click()
      await message.waitFor({ state: 'detached', timeout: 5_000 })
    })
    await check(`${label}: no console errors in History`, async () => assert.deepEqual(history.errors, []))
    await history.close()
  }
}
