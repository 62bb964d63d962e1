// Accounts: sign-in is optional (the app opens on Home, signed out), reached from Home, the account menu
// and Settings; the sign-in link always shows with Copy and Cancel; each failure has its own words and
// Try again; each profile has its own library (the gallery empties and refills on a switch, a job of the
// profile left behind never shows); removing asks first; a build without sign-in says so. Screenshots of
// the Login view (idle, waiting, an error) and the open menu at both widths, light and dark.
import assert from 'node:assert/strict'
import { join } from 'node:path'

const ADA = 'Ada Lovelace'
const ADA_EMAIL = 'ada.lovelace@example.com'

/** The mock core's accounts controls (src/mocks/accounts.ts). */
const control = (page, fn, arg) => page.evaluate(fn, arg)
const setOutcome = (page, outcome) => control(page, (o) => { window.__NANOFORGE_ACCOUNTS__.outcome = o }, outcome)
const accountName = async (page) => (await page.getByTestId('account-name').textContent()).trim()
/** Waits until the account button names `name` (the name itself is hidden on phones, where only the avatar shows). */
const waitForAccount = (page, name) => page.waitForFunction(
  (n) => document.querySelector('[data-testid="account-name"]')?.textContent.trim() === n, name, { timeout: 10_000 })

async function openMenu(page) {
  await page.getByTestId('account-button').click()
  await page.getByTestId('account-menu').waitFor({ timeout: 5_000 })
}

/** Opens `name` from the account menu and waits until the window shows it. */
async function switchTo(page, name) {
  await openMenu(page)
  await page.getByTestId('account-profile').filter({ hasText: name }).click()
  await waitForAccount(page, name)
  await page.getByTestId('profile-switching').waitFor({ state: 'detached', timeout: 5_000 })
}

async function galleryCount(page) {
  await page.waitForFunction(() => document.querySelector('[data-testid="gallery-empty"]')
    || document.querySelectorAll('[data-testid="gallery-item"]').length > 0, null, { timeout: 10_000 })
  return page.getByTestId('gallery-item').count()
}

export default async function ({ check, widths, openPage, shot, shots, noHorizontalOverflow }) {
  // Dialogs are fixed to the window: a full-page shot would show the page below them undimmed.
  const screenShot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`) })
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/')

    await check(`${label}: the app opens on Home with the local library, no sign-in asked`, async () => {
      await page.getByTestId('dashboard').waitFor({ timeout: 10_000 })
      assert.match(page.url(), /#\/$/)
      await page.getByTestId('account-button').and(page.locator(':enabled')).waitFor({ timeout: 5_000 })
      assert.equal(await accountName(page), 'Local library')
      assert.equal(await page.getByTestId('nav-login').count(), 0, 'the Login view is not a navigation destination')
    })

    await check(`${label}: sign in from Home: the link shows, then the account opens on its own (empty) library`, async () => {
      await page.getByTestId('home-signin').click()
      await page.waitForURL(/#\/login/)
      await page.getByTestId('signin-google').click()
      const link = page.getByTestId('signin-link')
      await link.waitFor({ timeout: 5_000 })
      assert.match(await link.inputValue(), /^https:\/\/accounts\.google\.com\/o\/oauth2\/v2\/auth\?/)
      assert.ok(await page.getByTestId('signin-copy').isVisible())
      assert.ok(await page.getByTestId('signin-cancel').isVisible())
      // The mock's browser comes back once the link was shown; the new library is empty, so Home welcomes.
      await page.getByTestId('welcome').waitFor({ timeout: 10_000 })
      assert.match(page.url(), /#\/$/)
      assert.equal(await accountName(page), ADA)
      assert.match(await page.getByTestId('home-account').textContent(), /Ada Lovelace’s library/)
      await page.getByTestId('toast').filter({ hasText: `Signed in as ${ADA}` }).waitFor({ timeout: 5_000 })
      await shot(page, `accounts-home-signed-in-${label}`)
    })

    await check(`${label}: the account menu shows the account, the libraries on this device and its actions`, async () => {
      await openMenu(page)
      const menu = page.getByTestId('account-menu')
      assert.match(await page.getByTestId('account-menu-detail').textContent(), new RegExp(ADA_EMAIL.replace('.', '\\.')))
      const profiles = await menu.getByTestId('account-profile').allTextContents()
      assert.equal(profiles.length, 2)
      assert.match(profiles[0], /Local library/)
      assert.match(profiles[1], /Ada Lovelace/)
      assert.equal(await menu.locator('[aria-current="true"]').getAttribute('data-id'), await control(page, () => window.__NANOFORGE_ACCOUNTS__.currentId()))
      for (const id of ['account-signin', 'account-signout', 'account-remove', 'account-settings']) {
        assert.ok(await page.getByTestId(id).isVisible(), `${id} is missing`)
      }
      assert.match(await page.getByTestId('account-signin').textContent(), /Add another account/)
      const box = await menu.boundingBox()
      assert.ok(box.x >= 0 && box.x + box.width <= viewport.width + 0.5 && box.y >= 0 && box.y + box.height <= viewport.height + 0.5,
        `the menu sticks out of the window: ${JSON.stringify(box)}`)
      await page.keyboard.press('Escape')
      await menu.waitFor({ state: 'detached' })
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'account-button', 'focus goes back to the button')
    })

    await check(`${label}: each library is its own: the gallery empties and refills on a switch`, async () => {
      await page.getByTestId('nav-gallery').click()
      await page.waitForURL(/#\/gallery/)
      assert.equal(await galleryCount(page), 0, 'the new account starts with an empty gallery')
      await switchTo(page, 'Local library')
      assert.ok(await galleryCount(page) > 0, 'the local gallery is back')
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="gallery-item"] img')]
        .slice(0, 4).every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 5_000 })
      const src = await page.getByTestId('gallery-item').first().locator('img').getAttribute('src')
      // Cacheable: by profile, the opening's key and the original's hash.
      assert.match(src, /\/nf\/local\/key-local\/thumb\/[0-9a-f]{64}$/, `thumbnail URL by profile, key and hash: ${src}`)
      // An image URL of another profile is not served while this one is open (as the shell's nf:// handler),
      // by id or by hash.
      const adaId = await control(page, () => window.__NANOFORGE_ACCOUNTS__.profiles()[1].summary.id)
      assert.equal(await page.evaluate((id) => fetch(`/nf/${id}/thumb/img-0001`).then((r) => r.status), adaId), 404)
      const sha = src.split('/').pop()
      assert.equal(await page.evaluate(([id, h]) => fetch(`/nf/${id}/key-${id}/thumb/${h}`).then((r) => r.status), [adaId, sha]), 404)
      assert.equal(await page.evaluate((h) => fetch(`/nf/local/key-other/thumb/${h}`).then((r) => r.status), sha), 404)
      // That refusal is the point, not an error of the page.
      page.errors.splice(0, page.errors.length, ...page.errors.filter((e) => !/status of 404/.test(e)))
      await switchTo(page, ADA)
      assert.equal(await galleryCount(page), 0, 'the account’s gallery is empty again')
    })

    await check(`${label}: a job of the library left behind does not show in the one opened`, async () => {
      await page.getByTestId('nav-generator').click()
      await page.getByTestId('prompt-input').fill('@slow a lighthouse for Ada')
      await page.getByTestId('generate-button').click()
      const card = page.locator('[data-testid^="job-job-ada-"]').first()
      await card.waitFor({ timeout: 5_000 })
      await switchTo(page, 'Local library')
      await page.getByTestId('prompt-input').waitFor()
      // Ada's job keeps reporting (with Ada's profile id) while the local library is open.
      const before = await control(page, () => window.__NANOFORGE_ACCOUNTS__.profiles()[1].library.jobs.at(-1).status)
      await page.waitForFunction((s) => window.__NANOFORGE_ACCOUNTS__.profiles()[1].library.jobs.at(-1).status !== s, before, { timeout: 10_000 })
      assert.equal(await page.locator('[data-testid^="job-job-ada-"]').count(), 0, 'Ada’s job shows in the local library')
      await switchTo(page, ADA)
    })

    await check(`${label}: remove the account from this device: asked first, then gone, back to the local library`, async () => {
      await openMenu(page)
      await page.getByTestId('account-remove').click()
      const dialog = page.getByTestId('confirm-dialog')
      await dialog.waitFor({ timeout: 5_000 })
      const text = await dialog.textContent()
      assert.match(text, /Remove Ada Lovelace from this device\?/)
      assert.match(text, /library folder/)
      assert.match(text, /keys/)
      await screenShot(page, `accounts-remove-confirm-${label}`)
      await page.getByTestId('confirm-ok').click()
      await page.getByTestId('toast').filter({ hasText: `Removed ${ADA} from this device.` }).waitFor({ timeout: 5_000 })
      await waitForAccount(page, 'Local library')
      await openMenu(page)
      assert.equal(await page.getByTestId('account-profile').count(), 1)
      assert.equal(await page.getByTestId('account-remove').count(), 0, 'the local library cannot be removed')
      assert.equal(await page.getByTestId('account-signout').count(), 0)
      await page.keyboard.press('Escape')
    })

    await check(`${label}: no horizontal overflow and no console errors`, async () => {
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      assert.deepEqual(page.errors, [])
    })
    await page.close()
  }

  // The Login view's states and the open menu, for the eye: both widths, light and dark.
  for (const [label, viewport] of Object.entries(widths)) {
    for (const scheme of ['light', 'dark']) {
      const name = `${label}-${scheme}`
      const page = await openPage(viewport, '/login', '?accounts&signin=hold', { colorScheme: scheme })
      await check(`${name}: Login idle, waiting with the link (Copy, Cancel), an error; the open menu`, async () => {
        await page.getByTestId('signin-google').waitFor({ timeout: 10_000 })
        assert.match(await page.getByTestId('login-honest').textContent(), /nothing is uploaded/)
        assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
        await shot(page, `accounts-login-${name}`)

        await page.getByTestId('signin-google').click()
        await page.getByTestId('signin-link').waitFor({ timeout: 5_000 })
        assert.match(await page.getByTestId('signin-browser-note').textContent(), /browser opened/)
        assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally while waiting')
        await shot(page, `accounts-login-waiting-${name}`)
        await page.getByTestId('signin-copy').click()
        await page.getByTestId('signin-copy').filter({ hasText: 'Link copied' }).waitFor({ timeout: 3_000 })
        assert.equal(await control(page, () => window.__NANOFORGE_ACCOUNTS__.copied), await page.getByTestId('signin-link').inputValue())
        await page.getByTestId('signin-cancel').click()
        await page.getByTestId('signin-google').waitFor({ timeout: 3_000 })
        assert.ok((await control(page, () => window.__NANOFORGE_ACCOUNTS__.calls)).includes('cancel_sign_in'))

        await setOutcome(page, 'sign_in_denied')
        await page.getByTestId('signin-google').click()
        await page.locator('[data-testid="signin-error"][data-kind="sign_in_denied"]').waitFor({ timeout: 5_000 })
        assert.match(await page.getByTestId('signin-google').textContent(), /Try again/)
        await shot(page, `accounts-login-error-${name}`)

        await openMenu(page)
        assert.equal(await page.getByTestId('account-profile').count(), 3)
        await shot(page, `accounts-menu-local-${name}`)
        await page.keyboard.press('Escape')

        // The menu of a signed-in account (Ada's library has a few images of its own).
        await switchTo(page, ADA)
        await page.getByTestId('signin-google').waitFor({ timeout: 5_000 })
        await openMenu(page)
        assert.ok(await page.getByTestId('account-signout').isVisible())
        await shot(page, `accounts-menu-${name}`)
        await page.keyboard.press('Escape')
        assert.deepEqual(page.errors, [])
      })
      await page.close()
    }
  }

  await check('desktop: every sign-in failure has its own message and Try again; then signing in works', async () => {
    const page = await openPage(widths.desktop, '/login')
    await page.getByTestId('signin-google').waitFor({ timeout: 10_000 })
    const expected = {
      sign_in_denied: /declined/, sign_in_failed: /did not complete/, invalid_token: /could not be verified/,
      clock_skew: /clock looks wrong/, network: /Can’t reach Google/, timeout: /not finished in time/,
      cancelled: /cancelled/, sign_in_not_configured: /not set up in this build/,
    }
    for (const [kind, title] of Object.entries(expected)) {
      await setOutcome(page, kind)
      await page.getByTestId('signin-google').click()
      const error = page.locator(`[data-testid="signin-error"][data-kind="${kind}"]`)
      await error.waitFor({ timeout: 5_000 })
      assert.match(await error.getByTestId('signin-error-title').textContent(), title, kind)
      assert.match(await error.textContent(), /Details: /, `${kind} shows the core's details`)
      assert.equal(await accountName(page), 'Local library', `${kind}: the local library stays open`)
    }
    await setOutcome(page, 'ok')
    await page.getByTestId('signin-google').click()
    await waitForAccount(page, ADA)
    await page.waitForURL(/#\/$/)
    assert.deepEqual(page.errors, [])
    await page.close()
  })

  await check('phone: when the browser did not open, the page says so and the link is there to copy', async () => {
    const page = await openPage(widths.phone, '/login', '?nobrowser&signin=hold')
    await page.getByTestId('signin-google').click()
    await page.getByTestId('signin-link').waitFor({ timeout: 5_000 })
    assert.match(await page.getByTestId('signin-browser-note').textContent(), /did not open/)
    await shot(page, 'accounts-login-no-browser-phone')
    await control(page, () => window.__NANOFORGE_ACCOUNTS__.release())
    await waitForAccount(page, ADA)
    assert.deepEqual(page.errors, [])
    await page.close()
  })

  for (const [label, viewport] of Object.entries(widths)) {
    await check(`${label}: a build without sign-in says so on the Login view and in the menu; the local library works`, async () => {
      const page = await openPage(viewport, '/', '?nosignin')
      await page.getByTestId('dashboard').waitFor({ timeout: 10_000 })
      await openMenu(page)
      assert.match(await page.getByTestId('account-signin-unavailable').textContent(), /not set up in this build/)
      await page.getByTestId('account-signin').click()
      await page.getByTestId('signin-not-configured').waitFor({ timeout: 5_000 })
      assert.equal(await page.getByTestId('signin-google').count(), 0)
      assert.match(await page.getByTestId('signin-not-configured').textContent(), /NANOFORGE_OIDC_CLIENT_ID/)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await shot(page, `accounts-login-not-configured-${label}`)
      await page.getByTestId('signin-without').click()
      await page.getByTestId('dashboard').waitFor({ timeout: 5_000 })
      assert.equal(await accountName(page), 'Local library')
      assert.deepEqual(page.errors, [])
      await page.close()
    })
  }

  for (const [label, viewport] of Object.entries(widths)) {
    await check(`${label}: Settings shows the account and opens, signs out of and lists the libraries on this device`, async () => {
      const page = await openPage(viewport, '/settings', '?accounts')
      const card = page.getByTestId('account-section')
      await card.locator('[data-testid="account-card-kind"][data-kind="local"]').waitFor({ timeout: 10_000 })
      assert.equal(await card.getByTestId('account-card-other').count(), 2)
      await card.getByTestId('account-card-other').filter({ hasText: ADA }).getByTestId('account-card-open').click()
      await card.getByTestId('account-card-email').filter({ hasText: ADA_EMAIL }).waitFor({ timeout: 5_000 })
      assert.match(await card.getByTestId('account-card-kind').textContent(), /Google account/)
      assert.match(await card.getByTestId('account-card-issuer').textContent(), /accounts\.google\.com/)
      assert.match(page.url(), /#\/settings/)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await page.getByTestId('toast').filter({ hasText: 'Now showing' }).waitFor({ timeout: 5_000 })
      await page.getByTestId('toast').getByRole('button', { name: 'Dismiss' }).click()
      await page.getByTestId('toast').waitFor({ state: 'detached' })
      await card.scrollIntoViewIfNeeded()
      await screenShot(page, `accounts-settings-card-${label}`)
      await card.getByTestId('account-card-signout').click()
      await card.locator('[data-testid="account-card-kind"][data-kind="local"]').waitFor({ timeout: 5_000 })
      await page.getByTestId('toast').filter({ hasText: /Signed out/ }).waitFor({ timeout: 5_000 })
      assert.deepEqual(page.errors, [])
      await page.close()
    })
  }
}
