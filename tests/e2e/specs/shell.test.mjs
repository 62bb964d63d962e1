// The shell in the real window on a fresh library: the welcome, the navigation, and facts from the core.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { openApp, screenshot, textOf, goTo, click, until } from '../lib/app.mjs'

const cargoToml = readFileSync(new URL('../../../Cargo.toml', import.meta.url), 'utf8')
const VERSION = /\[workspace\.package\][^[]*?version\s*=\s*"([^"]+)"/.exec(cargoToml)[1]

let browser
before(async () => { browser = await openApp() })
after(async () => { await browser?.deleteSession() })

test('a fresh library opens on the welcome with a first-image call to action', async () => {
  await textOf(browser, 'welcome')
  await screenshot(browser, 'shell-welcome')
  await click(browser, 'cta-first-image')
  await until(browser, 'the generator', async () => (await browser.getUrl()).includes('#/generator'))
})

test('every view is reachable and Settings shows the core version and library folder', async () => {
  for (const view of ['dashboard', 'generator', 'gallery', 'history', 'analytics', 'settings']) {
    await goTo(browser, view)
    await screenshot(browser, `shell-${view}`)
  }
  assert.equal(await textOf(browser, 'core-version'), VERSION)
  // The data folder, for display; each profile's library is a folder in it, reached by the core only.
  assert.ok((await textOf(browser, 'library-location')).includes(process.env.NANOFORGE_DATA_DIR))
  assert.equal(await textOf(browser, 'app-version'), `v${VERSION}`)
})
