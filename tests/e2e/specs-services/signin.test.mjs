// Signing in, in the real window against the local OpenID provider (tests/oidc-provider). The app has no client
// (none in the environment, none compiled in): the Login view leads to Settings → "Use your own Google client",
// where the provider's client id and secret are saved (the secret to the keychain, in no file of the data
// folder) and tested. Then the app shows
// the provider's link (no browser opens: NANOFORGE_NO_BROWSER), the test plays the browser with it, and
// the account opens on its own library. Alice generates an image and sees it; signing out brings the local
// library back as it was; Bob (a second account) starts empty, and while he is open neither Alice's
// image URLs nor the library's database are served; back on Alice, her image is served again.
// Runs after gemini-sync.test.mjs in the same data folder, so the local library usually holds images;
// it only assumes that the local library is open at the start.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  openApp, screenshot, textOf, goTo, click, until, byTestId, imagesLoaded, startJob, followJob,
} from '../lib/app.mjs'
import { choose, loadExact, loadNf, startOidc } from '../lib/services.mjs'
import { CLIENT, playBrowser } from '../../oidc-provider/testkit.mjs'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const ALICE_PROMPT = 'a lantern-lit library in the mountains'
let browser
let provider
/** What each library holds: profile id and image ids. */
let localIds
const alice = {}
const bob = {}

before(async () => {
  provider = await startOidc()
  browser = await openApp()
})
after(async () => {
  await browser?.deleteSession()
  await provider?.stop()
})

/** The name on the account button (its text content: WebKit's driver reads the ellipsised name as empty). */
const accountName = () => browser.execute(() => document.querySelector('[data-testid="account-name"]')?.textContent.trim() ?? null)
/** Waits until the window shows `name`'s library: the account button names it and the switch is over
 * (the name changes the moment the switch starts, together with the "opening…" note). */
async function waitForAccount(name) {
  await until(browser, `the account ${name}`, async () => (await accountName()) === name)
  await until(browser, 'the switch to end', async () => !(await (await byTestId(browser, 'profile-switching')).isExisting()))
}

/** The Gallery's tile ids once it has settled on its content (empty or with loaded thumbnails). */
async function galleryIds() {
  await goTo(browser, 'gallery')
  await until(browser, 'the gallery content', async () => (await (await byTestId(browser, 'gallery-empty')).isExisting())
    || imagesLoaded(browser, '[data-testid="gallery-item"] img'))
  return browser.execute(() => [...document.querySelectorAll('[data-testid="gallery-item"]')].map((t) => t.dataset.id).sort())
}

async function openMenu() {
  await click(browser, 'account-button')
  await (await byTestId(browser, 'account-menu')).waitForDisplayed({ timeout: 15_000 })
}

/** The account button toggles its menu. */
async function closeMenu() {
  const menu = await byTestId(browser, 'account-menu')
  if (await menu.isExisting()) await click(browser, 'account-button')
  await menu.waitForExist({ reverse: true, timeout: 15_000, timeoutMsg: 'the account menu stayed open' })
}

/** From the Login view: Continue with Google, then the test plays the browser with the link shown. */
async function signInOnLoginView(knobs = {}) {
  await until(browser, 'the Login view', async () => (await browser.getUrl()).includes('#/login'))
  await click(browser, 'signin-google')
  const field = await byTestId(browser, 'signin-link')
  await field.waitForDisplayed({ timeout: 15_000 })
  const link = await field.getValue()
  const url = new URL(link)
  assert.equal(`${url.origin}${url.pathname}`, `${provider.issuer}/authorize`)
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256')
  assert.match(url.searchParams.get('redirect_uri'), /^http:\/\/127\.0\.0\.1:\d+\/callback$/)
  assert.match(await textOf(browser, 'signin-browser-note'), /did not open/)
  for (const [k, v] of Object.entries(knobs)) url.searchParams.set(k, v)
  return { url, play: () => playBrowser(url) }
}

/** Files of the data folder (logs included) that contain `text`. */
function filesContaining(text) {
  const hits = []
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (readFileSync(path).includes(text)) hits.push(path)
    }
  }
  walk(process.env.NANOFORGE_DATA_DIR)
  return hits
}

test('with no client, Login leads to Settings, where the provider\'s client is saved and tested', async () => {
  await goTo(browser, 'home')
  await click(browser, 'home-signin')
  await until(browser, 'the Login view', async () => (await browser.getUrl()).includes('#/login'))
  await click(browser, 'signin-set-up-client')
  const card = await byTestId(browser, 'signin-client-card')
  await card.waitForDisplayed({ timeout: 15_000 })
  await (await byTestId(browser, 'signin-client-id')).setValue(CLIENT.id)
  await (await byTestId(browser, 'signin-client-secret')).setValue(CLIENT.secret)
  await click(browser, 'signin-client-save')
  await until(browser, 'the client in use', async () => (await textOf(browser, 'signin-client-in-use')) === CLIENT.id)
  assert.match(await textOf(browser, 'signin-client-source'), /this device/i)
  await click(browser, 'signin-client-test')
  await until(browser, 'the tested client', async () => /127\.0\.0\.1/.test(await textOf(browser, 'signin-client-outcome')))
  await screenshot(browser, 'services-own-client')
  assert.deepEqual(filesContaining(CLIENT.secret), [], 'the secret is in no file of the data folder')
})

test('the local library is open; sign in from Home: the link shows, the browser comes back, Alice opens on an empty library', async () => {
  await waitForAccount('Local library')
  localIds = await galleryIds()
  await goTo(browser, 'home')
  await click(browser, 'home-signin')
  const { play } = await signInOnLoginView()
  await screenshot(browser, 'services-signin-waiting')
  const answer = await play()
  assert.equal(answer.status, 302, `the provider answered ${JSON.stringify(answer)}`)
  await waitForAccount('Alice')
  await until(browser, 'the signed-in toast', async () => /Signed in as Alice/.test(await textOf(browser, 'toast')))
  assert.deepEqual(await galleryIds(), [], 'a new account starts with an empty library')
  await screenshot(browser, 'services-signin-alice')
})

test('Alice generates an image and sees it in her library', async () => {
  await goTo(browser, 'generator')
  await choose(browser, 'provider-select', 'demo')
  await (await byTestId(browser, 'prompt-input')).setValue(ALICE_PROMPT)
  await followJob(browser, await startJob(browser), 'done')
  const ids = await galleryIds()
  assert.equal(ids.length, 1)
  const src = await (await browser.$('[data-testid="gallery-item"] img')).getAttribute('src')
  // nf://localhost/<profile>/<key>/thumb/<sha256> (http://nf.localhost/... on some platforms): cacheable.
  const [profile, key, kind, sha] = decodeURIComponent(new URL(src).pathname).split('/').slice(-4)
  assert.equal(kind, 'thumb')
  assert.match(key, /^[0-9a-f]{32}$/)
  assert.match(sha, /^[0-9a-f]{64}$/)
  assert.notEqual(profile, 'local')
  // Shown on screen, so in the web view's cache.
  await until(browser, 'Alice\'s thumbnail', () => imagesLoaded(browser, '[data-testid="gallery-item"] img'))
  Object.assign(alice, { profile, image: ids[0], thumbSrc: src })
  await openMenu()
  const current = await browser.$('[data-testid="account-profile"][aria-current="true"]')
  assert.equal(await current.getAttribute('data-id'), alice.profile)
  assert.match(await textOf(browser, 'account-menu-detail'), /alice@example\.test/)
  await closeMenu()
})

test('signing out brings the local library back as it was', async () => {
  await openMenu()
  await click(browser, 'account-signout')
  await waitForAccount('Local library')
  await until(browser, 'the signed-out toast', async () => /Signed out/.test(await textOf(browser, 'toast')))
  assert.deepEqual(await galleryIds(), localIds)
})

test('Bob signs in as a second account: an empty library; Alice\'s image URLs and the database are refused', async () => {
  await openMenu()
  await click(browser, 'account-signin')
  const { play } = await signInOnLoginView({ nf_sub: 'bob' })
  assert.equal((await play()).status, 302)
  await waitForAccount('Bob')
  assert.deepEqual(await galleryIds(), [], 'Bob\'s library is empty')
  await openMenu()
  bob.profile = await (await browser.$('[data-testid="account-profile"][aria-current="true"]')).getAttribute('data-id')
  const profiles = await browser.execute(() => [...document.querySelectorAll('[data-testid="account-profile"]')].map((p) => p.dataset.id))
  assert.deepEqual(profiles.sort(), ['local', alice.profile, bob.profile].sort())
  await screenshot(browser, 'services-signin-bob')
  await closeMenu()

  const refused = [
    // Alice's image, by her profile and by Bob's.
    `${alice.profile}/thumb/${alice.image}`, `${alice.profile}/original/${alice.image}`,
    `${bob.profile}/thumb/${alice.image}`, `${bob.profile}/original/${alice.image}`,
    // The databases, named as an image or reached by climbing out of the image folders.
    `${bob.profile}/original/library.sqlite`, `${alice.profile}/original/library.sqlite`,
    `${bob.profile}/thumb/..%2Flibrary.sqlite`, `${bob.profile}/original/..%2F..%2F${alice.profile}%2Flibrary.sqlite`,
    `${bob.profile}/library.sqlite/${alice.image}`, '..%2Fprofiles.json/thumb/x',
  ]
  if (localIds.length) refused.push(`local/thumb/${localIds[0]}`)
  assert.deepEqual(await loadNf(browser, refused), refused.map(() => 'refused'), refused.join('\n'))
  // Alice's thumbnail at the very URL her gallery showed (cached then, `immutable`): the caches were cleared
  // when Bob's library opened, and the shell refuses that URL now.
  assert.deepEqual(await loadExact(browser, [alice.thumbSrc]), ['refused'])
})

test('back on Alice (no network needed), her image is served again and Bob\'s URL is not', async () => {
  await openMenu()
  await (await browser.$(`[data-testid="account-profile"][data-id="${alice.profile}"]`)).click()
  await waitForAccount('Alice')
  assert.deepEqual(await galleryIds(), [alice.image])
  const paths = [`${alice.profile}/thumb/${alice.image}`, `${alice.profile}/original/${alice.image}`, `${bob.profile}/thumb/${alice.image}`]
  assert.deepEqual(await loadNf(browser, paths), ['loaded', 'loaded', 'refused'])
  // A new opening, a new key: her gallery shows a new URL, and the one from before stays dead.
  const src = await (await browser.$('[data-testid="gallery-item"] img')).getAttribute('src')
  assert.notEqual(src, alice.thumbSrc)
  assert.deepEqual(await loadExact(browser, [src, alice.thumbSrc]), ['loaded', 'refused'])
  // Leave the device on its local library, as it was found.
  await openMenu()
  await click(browser, 'account-signout')
  await waitForAccount('Local library')
})
