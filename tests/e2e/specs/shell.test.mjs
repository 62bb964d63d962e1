// The shell in the real window: the version and library location shown come from the Rust core.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { openApp, screenshot, textOf } from '../lib/app.mjs'

const cargoToml = readFileSync(new URL('../../../Cargo.toml', import.meta.url), 'utf8')
const VERSION = /\[workspace\.package\][^[]*?version\s*=\s*"([^"]+)"/.exec(cargoToml)[1]

let browser
before(async () => { browser = await openApp() })
after(async () => { await browser?.deleteSession() })

test('home shows the core version and the fresh library folder', async () => {
  assert.equal(await textOf(browser, 'core-version'), VERSION)
  assert.equal(await textOf(browser, 'core-library'), `${process.env.NANOFORGE_DATA_DIR}/profiles/local`)
  assert.equal(await textOf(browser, 'core-jobs'), '0')
  await screenshot(browser, 'home')
})

test('every view is reachable from the navigation', async () => {
  for (const [name, heading] of [['dashboard', 'Dashboard'], ['generator', 'Generator'], ['gallery', 'Gallery'],
    ['history', 'History'], ['analytics', 'Analytics'], ['settings', 'Settings'], ['home', 'Welcome to Nanoforge']]) {
    await (await browser.$(`[data-testid="nav-${name}"]`)).click()
    const h1 = await browser.$('main h1')
    await browser.waitUntil(async () => (await h1.getText()) === heading, { timeout: 10_000, timeoutMsg: `no ${heading} heading` })
    await screenshot(browser, `view-${name}`)
  }
  assert.equal(await textOf(browser, 'app-version'), `v${VERSION}`)
})
