// Shipping to people at 1280 and 390 px: the first-run welcome (keys checked before they are saved: taken,
// refused, saved offline; dismissed for good, also after a reload), the crash report of the last run shown
// once at the next start (before the welcome, never with it) with Copy diagnostics and Open logs folder, the
// Login view of a build without a sign-in client leading to Settings → "Use your own Google client" (save,
// test, a keychain that cannot take the secret, clear), and Settings → About's diagnostics.
import assert from 'node:assert/strict'
import { join } from 'node:path'

const device = (page) => page.evaluate(() => window.__NANOFORGE_DEVICE__)
const copied = (page) => page.evaluate(() => window.__NANOFORGE_ACCOUNTS__.copied)
/** Waits until the window has decided what it opens with (it read the crash files and the core's word on the welcome). */
const startRead = (page) => page.waitForFunction(() => {
  const startup = document.querySelector('.shell')?.dataset.startup
  return startup != null && startup !== 'reading' && document.querySelector('[data-testid="app-version"]')?.textContent.trim() !== ''
}, null, { timeout: 10_000 })

export default async function ({ check, widths, openPage, shots, settle, noHorizontalOverflow }) {
  // Dialogs are fixed to the window: a full-page shot would show the page below them undimmed.
  const screenShot = async (page, name) => {
    await settle(page)
    await page.screenshot({ path: join(shots, `${name}.png`) })
  }
  // The shell's sticky bar and the phone's tab bar would sit over an element scrolled into view: hidden for the shot.
  // A card taller than the window is shot whole in a window made tall enough for it, for that shot only.
  const elementShot = async (locator, name) => {
    const page = locator.page()
    const viewport = page.viewportSize()
    const height = Math.ceil((await locator.boundingBox())?.height ?? 0) + 120
    if (height > viewport.height) await page.setViewportSize({ width: viewport.width, height })
    await settle(page)
    await locator.screenshot({ path: join(shots, `${name}.png`), style: '.sidebar, .app-nav { visibility: hidden !important; }' })
    if (height > viewport.height) await page.setViewportSize(viewport)
  }

  for (const [label, viewport] of Object.entries(widths)) {
    await check(`${label}: the first start welcomes with the demo, checked keys and their prices; dismissed, it never returns`, async () => {
      const page = await openPage(viewport, '/', '?firstrun&empty')
      const welcome = page.getByTestId('first-run-welcome')
      await welcome.waitFor({ timeout: 10_000 })
      assert.equal(await page.getByTestId('crash-dialog').count(), 0)
      assert.match(await welcome.textContent(), /Welcome to Nanoforge/)
      assert.match(await welcome.textContent(), /Sign-in and sync are optional/)
      const nb = page.getByTestId('welcome-key-nanoBananaKey')
      const gemini = page.getByTestId('welcome-key-geminiKey')
      // The price of a first image, from the catalog: the model and size the Generator starts with.
      await nb.getByTestId('welcome-price').waitFor({ timeout: 5_000 })
      assert.equal((await nb.getByTestId('welcome-price').textContent()).trim(), 'A first 1K image with Nano Banana 2 costs about $0.067.')
      assert.match(await gemini.getByTestId('welcome-price').textContent(), /A first 1K image with Nano Banana 2 \(Gemini\) costs \$0\.0672\./)
      assert.match(await nb.textContent(), /nanobananaapi\.ai/)
      assert.match(await gemini.textContent(), /aistudio\.google\.com\/apikey/)
      assert.equal(await nb.getByTestId('welcome-key-input').getAttribute('type'), 'password')
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'welcome-generate', 'focus starts on the demo')
      assert.match(await page.getByTestId('welcome-generate').textContent(), /Generate now, no key needed/)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await screenShot(page, `ship-welcome-${label}`)

      // A key the service refuses is not saved.
      await nb.getByTestId('welcome-key-input').fill('nb-bad-key-0000')
      await nb.getByTestId('welcome-key-check').click()
      const nbResult = nb.getByTestId('welcome-key-result')
      await nbResult.and(page.locator('[data-check="refused"]')).waitFor({ timeout: 5_000 })
      assert.match(await nbResult.textContent(), /Not saved: Nano Banana rejected the API key/)
      assert.equal(await page.evaluate(() => window.__NANOFORGE_MOCK__.key.configured), false)
      // Offline: saved, not checked yet, with the reason.
      await gemini.getByTestId('welcome-key-input').fill('AIza-offline-5678')
      await gemini.getByTestId('welcome-key-check').click()
      const geminiResult = gemini.getByTestId('welcome-key-result')
      await geminiResult.and(page.locator('[data-check="notChecked"]')).waitFor({ timeout: 5_000 })
      assert.match(await geminiResult.textContent(), /Saved, not checked yet \(offline\): Can't reach generativelanguage\.googleapis\.com/)
      assert.equal(await page.evaluate(() => window.__NANOFORGE_MOCK__.keys.geminiKey?.configured), true)
      // A key the service takes.
      await nb.getByTestId('welcome-key-input').fill('nb-good-key-1234')
      await nb.getByTestId('welcome-key-input').press('Enter')
      await nbResult.and(page.locator('[data-check="accepted"]')).waitFor({ timeout: 5_000 })
      assert.equal((await nbResult.textContent()).trim(), 'Checked ✓ — Nano Banana took the key, and it is saved.')
      assert.equal(await page.evaluate(() => window.__NANOFORGE_MOCK__.key.masked), '••••••••1234')
      assert.equal(await nb.getByTestId('welcome-key-input').inputValue(), '', 'the field is emptied once saved')
      assert.doesNotMatch(await welcome.textContent(), /nb-good-key/)
      // With a key, the first button no longer promises the free demo.
      await page.getByTestId('welcome-generate').filter({ hasText: 'Open the Generator' }).waitFor({ timeout: 5_000 })
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await elementShot(welcome, `ship-welcome-keys-${label}`)

      await page.getByTestId('welcome-generate').click()
      await page.waitForURL(/#\/generator/)
      await welcome.waitFor({ state: 'detached', timeout: 5_000 })
      assert.equal((await device(page)).welcomeDismissed, true)
      // A restart (a reload of the page, the mock keeps the core's marker) does not show it again.
      await page.reload()
      await startRead(page)
      await page.getByTestId('generate-button').waitFor({ timeout: 10_000 })
      assert.equal(await welcome.count(), 0, 'the welcome came back')
      assert.deepEqual(page.errors, [])
      await page.close()
    })

    await check(`${label}: a crash of the last run is reported at start, before the welcome; Close shows it no more`, async () => {
      const page = await openPage(viewport, '/gallery', '?crash&firstrun')
      const dialog = page.getByTestId('crash-dialog')
      await dialog.waitFor({ timeout: 10_000 })
      assert.equal(await page.getByTestId('first-run-welcome').count(), 0, 'both dialogs at once')
      assert.match(await dialog.textContent(), /Nanoforge closed unexpectedly/)
      assert.equal((await page.getByTestId('crash-message').textContent()).trim(), 'called `Option::unwrap()` on a `None` value')
      assert.equal((await page.getByTestId('crash-location').textContent()).trim(), 'core/src/library/thumbs.rs:212:41')
      assert.equal((await page.getByTestId('crash-version').textContent()).trim(), '0.0.0-mock')
      const backtrace = page.getByTestId('crash-backtrace')
      assert.equal(await backtrace.evaluate((d) => d.open), false, 'the backtrace starts folded')
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'crash-close')
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await screenShot(page, `ship-crash-${label}`)

      await backtrace.locator('summary').click()
      await backtrace.locator('pre').filter({ hasText: 'nanoforge_core::library::thumbs::render' }).waitFor({ timeout: 3_000 })
      await page.getByTestId('copy-diagnostics').click()
      await page.getByTestId('diagnostics-note').filter({ hasText: 'Diagnostics copied' }).waitFor({ timeout: 5_000 })
      const report = await copied(page)
      assert.match(report, /^Nanoforge 0\.0\.0-mock\n/)
      assert.match(report, /Crashes not yet seen: 1\n {2}0\.0\.0-mock at core\/src\/library\/thumbs\.rs:212:41/)
      await page.getByTestId('open-logs-folder').click()
      await page.waitForFunction(() => window.__NANOFORGE_DEVICE__.calls.includes('open_logs_folder'), null, { timeout: 3_000 })
      await screenShot(page, `ship-crash-details-${label}`)

      await page.getByTestId('crash-close').click()
      await dialog.waitFor({ state: 'detached', timeout: 5_000 })
      assert.ok((await device(page)).calls.includes('acknowledge_crashes'))
      // Then, and only then, the welcome of a first start.
      const welcome = page.getByTestId('first-run-welcome')
      await welcome.waitFor({ timeout: 5_000 })
      await page.keyboard.press('Escape')
      await welcome.waitFor({ state: 'detached', timeout: 5_000 })
      await page.reload()
      await startRead(page)
      await page.getByTestId('nav-gallery').waitFor({ timeout: 10_000 })
      assert.equal(await dialog.count(), 0, 'the crash report came back')
      assert.equal(await welcome.count(), 0, 'the welcome came back')
      assert.deepEqual(page.errors, [])
      await page.close()
    })

    await check(`${label}: without a sign-in client, Login leads to "Use your own Google client"; saved, signing in works`, async () => {
      const page = await openPage(viewport, '/login', '?nosignin')
      const note = page.getByTestId('signin-not-configured')
      await note.waitFor({ timeout: 10_000 })
      assert.match(await note.textContent(), /use one of your own/)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await screenShot(page, `ship-login-no-client-${label}`)
      await page.getByTestId('signin-set-up-client').click()
      await page.waitForURL(/#\/settings#settings-signin-client$/)
      const card = page.getByTestId('signin-client-card')
      await card.getByTestId('signin-client-none').waitFor({ timeout: 5_000 })
      assert.equal(await card.getByTestId('signin-client-guide').evaluate((d) => d.open), true, 'the guide is open while no client is set')
      assert.match(await card.getByTestId('signin-client-guide').textContent(), /Desktop app/)
      assert.match(await card.getByTestId('signin-client-guide').textContent(), /openid, email and profile/)
      assert.equal(await card.getByTestId('signin-client-secret').getAttribute('type'), 'password')
      assert.ok(await card.getByTestId('signin-client-test').isDisabled())
      assert.ok(await card.getByTestId('signin-client-clear').isDisabled())
      assert.ok(await card.isVisible())
      await elementShot(card, `ship-client-card-${label}`)

      await card.getByTestId('signin-client-id').fill('4242-mine.apps.googleusercontent.com')
      await card.getByTestId('signin-client-secret').fill('GOCSPX-very-secret')
      await card.getByTestId('signin-client-save').click()
      const outcome = card.getByTestId('signin-client-outcome')
      await outcome.and(page.locator('[data-ok="true"][data-action="save"]')).waitFor({ timeout: 5_000 })
      assert.equal((await card.getByTestId('signin-client-source').textContent()).trim(), 'set up on this device')
      assert.equal((await card.getByTestId('signin-client-has-secret').textContent()).trim(), 'stored (OS keychain)')
      assert.equal(await card.getByTestId('signin-client-secret').inputValue(), '')
      assert.doesNotMatch(await page.content(), /GOCSPX-very-secret/, 'the secret is shown back')
      assert.ok(await card.getByTestId('signin-client-save').isDisabled(), 'saving the same client again would drop its secret')

      await card.getByTestId('signin-client-test').click()
      await outcome.and(page.locator('[data-ok="true"][data-action="test"]')).waitFor({ timeout: 5_000 })
      assert.match(await outcome.textContent(), /Discovery OK: accounts\.google\.com answered/)
      await page.evaluate(() => { window.__NANOFORGE_DEVICE__.discovery = 'network' })
      await card.getByTestId('signin-client-test').click()
      await outcome.and(page.locator('[data-ok="false"][data-action="test"]')).waitFor({ timeout: 5_000 })
      assert.match(await outcome.textContent(), /The test failed: Can't reach accounts\.google\.com/)
      await page.evaluate(() => { window.__NANOFORGE_DEVICE__.discovery = 'ok' })
      await card.getByTestId('signin-client-test').click()
      await outcome.and(page.locator('[data-ok="true"][data-action="test"]')).waitFor({ timeout: 5_000 })
      await elementShot(card, `ship-client-saved-${label}`)

      // Sign-in works now: the Login view offers Google.
      await page.evaluate(() => window.history.back())
      await page.waitForURL(/#\/login/)
      await page.getByTestId('signin-google').waitFor({ timeout: 5_000 })
      assert.equal(await page.getByTestId('signin-not-configured').count(), 0)

      await page.goto(page.url().replace(/#.*$/, '#/settings#settings-signin-client'))
      await card.getByTestId('signin-client-in-use').filter({ hasText: '4242-mine' }).waitFor({ timeout: 10_000 })
      await card.getByTestId('signin-client-clear').click()
      await card.getByTestId('signin-client-none').waitFor({ timeout: 5_000 })
      assert.match(await outcome.textContent(), /Cleared/)
      assert.deepEqual(page.errors, [])
      await page.close()
    })

    await check(`${label}: a system without a keychain says so and saves nothing; an environment client wins`, async () => {
      const page = await openPage(viewport, '/settings', '?nosignin&nokeychain')
      const card = page.getByTestId('signin-client-card')
      await card.getByTestId('signin-client-none').waitFor({ timeout: 10_000 })
      await card.getByTestId('signin-client-id').fill('4242-mine.apps.googleusercontent.com')
      await card.getByTestId('signin-client-secret').fill('GOCSPX-very-secret')
      await card.getByTestId('signin-client-save').click()
      const outcome = card.getByTestId('signin-client-outcome')
      await outcome.and(page.locator('[data-ok="false"]')).waitFor({ timeout: 5_000 })
      assert.match(await outcome.textContent(), /No keychain could take the secret: .*NANOFORGE_OIDC_CLIENT_SECRET.*Nothing was saved\./)
      assert.equal(await card.getByTestId('signin-client-none').count(), 1)
      await elementShot(card, `ship-client-keychain-${label}`)
      await page.close()

      const env = await openPage(viewport, '/settings', '?envclient')
      const envCard = env.getByTestId('signin-client-card')
      await envCard.getByTestId('signin-client-source').filter({ hasText: 'from the environment' }).waitFor({ timeout: 10_000 })
      assert.match(await envCard.textContent(), /NANOFORGE_OIDC_CLIENT_ID is set in the environment/)
      assert.equal(await envCard.getByTestId('signin-client-guide').evaluate((d) => d.open), false)
      assert.deepEqual(env.errors, [])
      await env.close()
    })

    await check(`${label}: Settings → About has the version, Copy diagnostics and Open logs folder`, async () => {
      const page = await openPage(viewport, '/settings')
      const about = page.locator('section[aria-labelledby="settings-about"]')
      await about.getByTestId('core-version').filter({ hasText: '0.0.0-mock' }).waitFor({ timeout: 10_000 })
      await about.getByTestId('copy-diagnostics').click()
      await about.getByTestId('diagnostics-note').filter({ hasText: 'Diagnostics copied' }).waitFor({ timeout: 5_000 })
      assert.match(await copied(page), /^Nanoforge 0\.0\.0-mock\nOS: .*\nWeb view: WebKitGTK/)
      await about.getByTestId('open-logs-folder').click()
      await page.waitForFunction(() => window.__NANOFORGE_DEVICE__.calls.includes('open_logs_folder'), null, { timeout: 3_000 })
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await about.scrollIntoViewIfNeeded()
      await elementShot(about, `ship-about-${label}`)
      assert.deepEqual(page.errors, [])
      await page.close()
    })
  }
}
