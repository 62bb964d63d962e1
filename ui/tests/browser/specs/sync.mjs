// Sync at 1280 and 390 px: the Settings card set up from nothing (a refused key read as what to do, a test
// that passes, a save whose secret is never shown again), Sync now followed stage by stage through the
// core's events to its result, a bucket written by a newer version, and, with `?synced`, the other devices
// in the card and their jobs in History, read-only, until an automatic sync brings what the phone finished.
import assert from 'node:assert/strict'
import { join } from 'node:path'

const SECRET = 'r2-secret-0123456789abcdef'

export default async function ({ check, widths, openPage, shots, settle, noHorizontalOverflow }) {
  // The shell's sticky bar and the phone's tab bar would sit over an element scrolled into view: hidden for the shot.
  const cardShot = (page, name) => page.getByTestId('sync-section').screenshot({
    path: join(shots, `${name}.png`), style: '.sidebar, .app-nav { visibility: hidden !important; }',
  })
  const mock = (page) => page.evaluate(() => window.__NANOFORGE_MOCK__.sync)

  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/settings')
    const byId = (id) => page.getByTestId(id)

    await check(`${label}: the Sync card starts not set up, tests the typed settings and says what a refusal means`, async () => {
      await byId('sync-not-configured').waitFor({ timeout: 10_000 })
      assert.equal(await byId('sync-region').inputValue(), 'auto')
      assert.match(await byId('sync-prefix').getAttribute('placeholder'), /this profile’s own folder/)
      assert.equal(await byId('sync-secret').getAttribute('type'), 'password')
      assert.ok(await byId('sync-now').isDisabled(), 'Sync now before anything is set up')
      await byId('sync-endpoint').fill('https://0123abcd.r2.cloudflarestorage.com')
      await byId('sync-bucket').fill('nanoforge-photos')
      await byId('sync-access-key-id').fill('WRONG')
      await byId('sync-secret').fill(SECRET)
      await byId('sync-test').click()
      const error = byId('sync-error').and(page.locator('[data-kind="sync_credentials"]'))
      await error.waitFor({ timeout: 5_000 })
      assert.match(await error.textContent(), /check the access key ID and the secret access key/)
      await byId('sync-access-key-id').fill('a1b2c3d4e5')
      await byId('sync-test').click()
      await byId('sync-test-ok').waitFor({ timeout: 5_000 })
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
    })

    await check(`${label}: Save keeps the secret in the keychain only; it is never shown again`, async () => {
      await byId('sync-save').click()
      await byId('sync-saved').waitFor({ timeout: 5_000 })
      const saved = await mock(page)
      assert.equal(saved.secretStored, true)
      assert.equal(saved.setup.bucket, 'nanoforge-photos')
      assert.equal(JSON.stringify(saved).includes(SECRET), false, 'the secret was kept with the settings')
      assert.equal(await byId('sync-secret').inputValue(), '')
      assert.match(await byId('sync-secret').getAttribute('placeholder'), /Stored in the keychain/)
      assert.equal(await page.evaluate((s) => document.documentElement.outerHTML.includes(s), SECRET), false)
      await byId('sync-location').filter({ hasText: 'nanoforge-photos · nanoforge/local/' }).waitFor({ timeout: 5_000 })
      assert.match(await byId('sync-prefix-in-use').textContent(), /In use: nanoforge\/local\//)
    })

    await check(`${label}: Sync now shows its stage and progress from the core's events, then the result`, async () => {
      await page.evaluate(() => { window.__NANOFORGE_MOCK__.sync.hold = true })
      await byId('sync-now').click()
      await page.locator('[data-testid="sync-progress"][data-stage="uploading"]').waitFor({ timeout: 5_000 })
      assert.match(await byId('sync-stage').textContent(), /Uploading images · \d of 3/)
      assert.ok(await byId('sync-now').isDisabled(), 'a second sync while one runs')
      await settle(page)
      await cardShot(page, `sync-running-${label}`)
      await page.evaluate(() => { window.__NANOFORGE_MOCK__.sync.hold = false })
      await byId('sync-result').waitFor({ timeout: 10_000 })
      assert.match(await byId('sync-result').textContent(), /3 uploaded, 1 downloaded, 1 new images/)
      assert.match(await byId('sync-last').textContent(), /Last synced/)
      assert.equal((await byId('sync-pending').textContent()).trim(), 'To upload: 0 · to download: 0')
    })

    await check(`${label}: a bucket written by a newer Nanoforge fails the sync with "update Nanoforge"`, async () => {
      await byId('sync-bucket').fill('from-the-future')
      // Another bucket: the saved secret does not go there until it is typed again.
      await byId('sync-secret-again').waitFor({ timeout: 5_000 })
      await byId('sync-secret').fill(SECRET)
      await byId('sync-save').click()
      await byId('sync-saved').waitFor({ timeout: 5_000 })
      await byId('sync-now').click()
      const error = byId('sync-error').and(page.locator('[data-kind="sync_format_too_new"]'))
      await error.waitFor({ timeout: 10_000 })
      assert.match(await error.textContent(), /update Nanoforge/)
      await settle(page)
      await cardShot(page, `sync-failed-${label}`)
    })

    await check(`${label}: no console errors`, async () => assert.deepEqual(page.errors, []))
    await page.close()

    const synced = await openPage(viewport, '/settings', '?synced')
    await check(`${label}: with sync set up, the card lists the other devices with their platform and when they were seen`, async () => {
      const devices = synced.getByTestId('sync-device')
      await devices.nth(1).waitFor({ timeout: 10_000 })
      assert.match(await devices.nth(0).textContent(), /Pixel 8\s*android\s*last seen/)
      assert.match(await devices.nth(1).textContent(), /Studio iMac\s*macos/)
      assert.match(await synced.getByTestId('sync-pending').textContent(), /To upload: 2 · to download: 1/)
      assert.match(await synced.getByTestId('sync-secret').getAttribute('placeholder'), /Stored in the keychain/)
      assert.ok(await noHorizontalOverflow(synced), 'page scrolls horizontally')
      await synced.getByTestId('sync-section').scrollIntoViewIfNeeded()
      await settle(synced)
      await cardShot(synced, `sync-card-${label}`)
    })

    await check(`${label}: History shows another device's jobs read-only: where they run, no cancel or recover`, async () => {
      await synced.getByTestId('nav-history').click()
      const running = synced.locator('[data-testid="history-row"][data-id="job-pixel-1"]')
      await running.getByTestId('job-elsewhere').filter({ hasText: 'Running on Pixel 8' }).waitFor({ timeout: 10_000 })
      assert.equal(await running.getByTestId('history-cancel').count(), 0)
      const stuck = synced.locator('[data-testid="history-row"][data-id="job-pixel-2"]')
      assert.match(await stuck.getByTestId('job-elsewhere').textContent(), /From Pixel 8/)
      assert.equal(await stuck.getByTestId('history-recover').count(), 0)
      assert.equal(await stuck.getByTestId('history-run-again').count(), 0)
      assert.match(await stuck.getByTestId('job-money-note').textContent(), /Pixel 8 runs it/)
      // This device's own recoverable jobs keep Recover.
      assert.equal(await synced.locator('[data-testid="history-row"][data-id="job-0003"] [data-testid="history-recover"]').count(), 1)
      assert.ok(await noHorizontalOverflow(synced), 'page scrolls horizontally')
      await settle(synced)
      await synced.screenshot({ path: join(shots, `sync-history-${label}.png`) })
    })

    await check(`${label}: the Generator lists the other device's running job without a cancel`, async () => {
      await synced.getByTestId('nav-generator').click()
      const card = synced.getByTestId('job-job-pixel-1')
      await card.getByTestId('job-stage-text').filter({ hasText: 'Running on Pixel 8' }).waitFor({ timeout: 10_000 })
      assert.equal(await card.getByTestId('job-cancel').count(), 0)
    })

    await check(`${label}: an automatic sync brings what the phone finished: its job card, History and the Gallery follow`, async () => {
      // The Generator is open with the phone's job running; the core syncs on its own.
      const card = synced.getByTestId('job-job-pixel-1')
      await synced.evaluate(() => window.__NANOFORGE_AUTO_SYNC__())
      await card.getByTestId('job-stage-text').filter({ hasText: /^Done/ }).waitFor({ timeout: 10_000 })
      await synced.getByTestId('nav-history').click()
      const row = synced.locator('[data-testid="history-row"][data-id="job-pixel-1"]')
      await row.and(synced.locator('[data-status="COMPLETED"]')).waitFor({ timeout: 10_000 })
      await synced.getByTestId('nav-gallery').click()
      await synced.locator('[data-testid="gallery-item"][data-id="img-pixel-1"]').waitFor({ timeout: 10_000 })
    })

    await check(`${label}: no console errors with sync set up`, async () => assert.deepEqual(synced.errors, []))
    await synced.close()
  }
}
