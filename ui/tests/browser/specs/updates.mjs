// Updates at 1280 and 390 px: the check after the window opens offers a newer version in a corner card (notes as
// text, never HTML), Update installs with progress and then offers Restart to update; a refused signature says
// why and keeps the running version (Try again); Skip this version silences background checks for it (Check now
// still finds it); Later hides it; Settings → Updates saves "check automatically" and an https address (plain
// http elsewhere is refused), says "up to date", and shows why a quiet background check failed.
import assert from 'node:assert/strict'
import { join } from 'node:path'

const control = (page) => page.evaluate(() => window.__NANOFORGE_UPDATES__)

export default async function ({ check, widths, openPage, shots, settle, noHorizontalOverflow }) {
  for (const [label, viewport] of Object.entries(widths)) {
    await check(`${label}: a background check offers the update; it installs with progress, then Restart to update`, async () => {
      const page = await openPage(viewport, '/', '?update')
      const prompt = page.getByTestId('update-prompt')
      await prompt.waitFor({ timeout: 10_000 })
      assert.match(await prompt.textContent(), /Nanoforge 0\.2\.0 is available/)
      assert.match(await prompt.textContent(), /You have 0\.1\.0\./)
      const notes = page.getByTestId('update-notes')
      assert.match(await notes.textContent(), /<b>Not bold<\/b>/, 'notes are text')
      assert.equal(await notes.locator('b').count(), 0)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await page.screenshot({ path: join(shots, `updates-offered-${label}`) + '.png' })

      // A refused signature: the running version stays, the reason is shown, Try again is offered.
      await page.evaluate(() => { window.__NANOFORGE_UPDATES__.installFails = { kind: 'update_refused', message: 'the update was refused: its signature does not match this app\'s key' } })
      await page.getByTestId('update-install').click()
      await page.getByTestId('update-error').waitFor()
      assert.match(await page.getByTestId('update-error').textContent(), /this version keeps running.*signature does not match/)
      assert.equal((await control(page)).installed, null)
      assert.match(await page.getByTestId('update-install').textContent(), /Try again/)

      await page.evaluate(() => { window.__NANOFORGE_UPDATES__.installFails = null })
      await page.getByTestId('update-install').click()
      await page.waitForFunction(() => document.querySelector('[data-testid="update-prompt"]')?.dataset.phase === 'installed')
      assert.equal((await control(page)).installed, '0.2.0')
      assert.match(await prompt.textContent(), /Nanoforge 0\.2\.0 is installed/)
      await settle(page)
      await page.screenshot({ path: join(shots, `updates-installed-${label}`) + '.png' })
      await page.getByTestId('update-restart').click()
      await page.waitForFunction(() => window.__NANOFORGE_UPDATES__.restarted === true)
    })

    await check(`${label}: Skip this version keeps background checks quiet about it; Check now still finds it`, async () => {
      const page = await openPage(viewport, '/', '?update')
      await page.getByTestId('update-prompt').waitFor({ timeout: 10_000 })
      await page.getByTestId('update-skip').click()
      await page.getByTestId('update-prompt').waitFor({ state: 'detached' })
      assert.equal((await control(page)).settings.preferences.skippedVersion, '0.2.0')
      // A background check of the same version offers nothing.
      const again = await page.evaluate(() => window.__TAURI_INTERNALS__.invoke('check_for_update', { background: true }))
      assert.equal(again, null)

      await page.getByTestId('nav-settings').click()
      const card = page.getByTestId('updates-card')
      await card.waitFor()
      assert.match(await page.getByTestId('updates-skipped').textContent(), /Skipped version 0\.2\.0/)
      await page.getByTestId('updates-check-now').click()
      await page.getByTestId('update-prompt').waitFor()
      assert.match(await page.getByTestId('update-prompt').textContent(), /0\.2\.0 is available/)
      await page.getByTestId('update-later').click()
      await page.getByTestId('update-prompt').waitFor({ state: 'detached' })
    })

    await check(`${label}: Settings → Updates saves the address and auto-check, refuses plain http, says up to date and why a check failed`, async () => {
      const page = await openPage(viewport, '/settings')
      const card = page.getByTestId('updates-card')
      await card.waitFor({ timeout: 10_000 })
      assert.equal(await page.getByTestId('updates-auto-check').isChecked(), true, 'on by default')
      assert.match(await page.getByTestId('updates-endpoint').getAttribute('placeholder'), /^https:\/\/github\.com\/.*latest\.json$/)

      await page.getByTestId('updates-endpoint').fill('http://updates.example.org/latest.json')
      await page.getByTestId('updates-save').click()
      await page.getByTestId('updates-settings-error').waitFor()
      assert.match(await page.getByTestId('updates-settings-error').textContent(), /must start with https:\/\//)
      assert.equal((await control(page)).settings.preferences.endpoint, null, 'nothing saved')

      await page.getByTestId('updates-endpoint').fill('https://updates.example.org/nf/latest.json')
      await page.getByTestId('updates-auto-check').uncheck()
      await page.getByTestId('updates-save').click()
      await page.waitForFunction(() => window.__NANOFORGE_UPDATES__.settings.preferences.endpoint === 'https://updates.example.org/nf/latest.json')
      assert.equal((await control(page)).settings.preferences.autoCheck, false)

      await page.getByTestId('updates-check-now').click()
      await page.getByTestId('updates-check-outcome').waitFor()
      assert.match(await page.getByTestId('updates-check-outcome').textContent(), /up to date/)

      await page.evaluate(() => { window.__NANOFORGE_UPDATES__.checkFails = 'the update server could not be asked: connection refused' })
      await page.getByTestId('updates-check-now').click()
      await page.waitForFunction(() => /Could not check for updates: the update server could not be asked/.test(document.querySelector('[data-testid="updates-check-outcome"]')?.textContent ?? ''))
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await card.screenshot({ path: join(shots, `updates-settings-${label}.png`), style: '.sidebar, .app-nav { visibility: hidden !important; }' })
    })
  }
}
