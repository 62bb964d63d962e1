// Settings at both widths: the account, API key round trip (masked status), defaults saved with the core's
// refusal shown, theme switch, library check. Prices and the budget are in money.mjs, the Gemini key in
// gemini.mjs, the Sync card in sync.mjs.
import assert from 'node:assert/strict'

export default async function ({ check, widths, openPage, shot: fullShot, noHorizontalOverflow }) {
  // Full-page shots from the top, so the sticky bars sit where a person sees them.
  const shot = async (page, name) => { await page.evaluate(() => window.scrollTo(0, 0)); await fullShot(page, name) }
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/settings')
    // One key card per provider; these checks use Nano Banana's.
    const card = page.getByTestId('key-card-nanoBananaKey')
    const status = card.getByTestId('api-key-status')

    await check(`${label}: settings shows the key status, library facts and placeholders`, async () => {
      await status.waitFor({ timeout: 10_000 })
      assert.match(await status.textContent(), /Not set/)
      await page.getByTestId('library-disk-use').filter({ hasText: 'images' }).waitFor({ timeout: 5_000 })
      assert.match(await page.getByTestId('library-location').textContent(), /\/mock\/nanoforge/)
      assert.match(await page.getByTestId('trash-count').textContent(), /in the trash/)
      assert.equal((await page.getByTestId('core-version').textContent()).trim(), '0.0.0-mock')
      await page.locator('[data-testid="account-card-kind"][data-kind="local"]').waitFor({ timeout: 5_000 })
      assert.match(await page.getByTestId('account-card-signin').textContent(), /Sign in with Google/)
      assert.match(await page.getByTestId('sync-section').textContent(), /Cloudflare R2/)
      assert.match(await page.getByTestId('key-card-geminiKey').getByTestId('api-key-status').textContent(), /Not set/)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await shot(page, `settings-${label}`)
    })

    await check(`${label}: saving an API key shows it masked, removing it goes back to the demo`, async () => {
      await card.getByTestId('api-key-input').fill('nb-test-key-9876')
      await card.getByTestId('api-key-save').click()
      await status.filter({ hasText: '9876' }).waitFor({ timeout: 5_000 })
      const text = await status.textContent()
      assert.match(text, /••••••••9876/)
      assert.doesNotMatch(text, /nb-test-key/, 'the full key must never be shown')
      assert.match(text, /keychain/)
      assert.equal(await card.getByTestId('api-key-input').inputValue(), '', 'the input is cleared after saving')
      await card.getByTestId('api-key-clear').click()
      await status.filter({ hasText: 'Not set' }).waitFor({ timeout: 5_000 })
      // Leave a key set for the screenshots below.
      await card.getByTestId('api-key-input').fill('nb-test-key-1234')
      await card.getByTestId('api-key-input').press('Enter')
      await status.filter({ hasText: '1234' }).waitFor({ timeout: 5_000 })
    })

    await check(`${label}: the core refuses a value it cannot honour with its own words; a valid one saves`, async () => {
      await page.getByTestId('settings-concurrency').fill('12')
      await page.getByTestId('settings-save').click()
      await page.getByTestId('settings-error').filter({ hasText: 'concurrency must be between 1 and 8' }).waitFor({ timeout: 5_000 })
      await page.getByTestId('settings-concurrency').fill('2')
      await page.getByTestId('settings-default-size').selectOption('2K')
      await page.getByTestId('settings-save').click()
      await page.getByTestId('settings-saved').waitFor({ timeout: 5_000 })
      const saved = await page.evaluate(() => window.__NANOFORGE_MOCK__.preferences)
      assert.equal(saved.concurrency, 2)
      assert.equal(saved.defaultSize, '2K')
      await shot(page, `settings-saved-${label}`)
    })

    await check(`${label}: switching the theme to dark applies it at once and persists`, async () => {
      await page.getByTestId('settings-theme').selectOption('dark')
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark')
      assert.equal(await page.evaluate(() => localStorage.getItem('nanoforge.theme')), 'dark')
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
      assert.equal(bg, 'rgb(19, 18, 23)')
      await page.reload()
      await status.waitFor({ timeout: 10_000 })
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark')
      assert.equal(await page.getByTestId('settings-theme').inputValue(), 'dark')
      await shot(page, `settings-dark-${label}`)
      await page.getByTestId('settings-theme').selectOption('light')
      await shot(page, `settings-light-${label}`)
      await page.getByTestId('settings-theme').selectOption('system')
    })

    await check(`${label}: the library check reports, emptying the trash asks first`, async () => {
      await page.getByTestId('check-library').click()
      await page.getByTestId('library-report').waitFor({ timeout: 5_000 })
      const images = await page.evaluate(() => window.__NANOFORGE_MOCK__.images.length)
      assert.match(await page.getByTestId('library-report').textContent(), new RegExp(`${images} images checked`))
      // Put two images in the mock library's trash, then come back so Settings reads fresh stats.
      await page.evaluate(() => { for (const i of window.__NANOFORGE_MOCK__.images.slice(0, 2)) i.deletedAt = Date.now() })
      // Wait for History to be shown: a click on Settings while its navigation is still pending (its chunk
      // loading on a busy machine) cancels it, Settings is never left and keeps the counts it read first.
      await page.getByTestId('nav-history').click()
      await page.waitForURL(/#\/history/)
      await page.getByTestId('nav-settings').click()
      await page.waitForURL(/#\/settings/)
      const trash = page.getByTestId('trash-count')
      await trash.filter({ hasText: '2 images in the trash' }).waitFor({ timeout: 5_000 })
      await page.getByTestId('empty-trash').click()
      await page.getByTestId('empty-trash-confirm').waitFor()
      assert.match(await trash.textContent(), /^2 images/, 'the trash was emptied before confirming')
      await shot(page, `settings-empty-trash-${label}`)
      await page.getByTestId('empty-trash-confirm').click()
      await trash.filter({ hasText: /^0 images/ }).waitFor({ timeout: 5_000 })
      assert.ok(await page.getByTestId('empty-trash').isDisabled())
    })

    await check(`${label}: no console errors`, async () => assert.deepEqual(page.errors, []))
    await page.close()
  }
}
