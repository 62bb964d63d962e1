// The app as installed from the .deb (tests/package/run.sh): a first start with an empty home folder
// opens on Home and creates the library in the platform data folder.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { openApp, screenshot, textOf, until } from '../../e2e/lib/app.mjs'

const libraryDir = process.env.NANOFORGE_EXPECT_LIBRARY_DIR

let browser
before(async () => { browser = await openApp() })
after(async () => { await browser?.deleteSession() })

test('the installed app opens on Home and creates its library folder', async () => {
  assert.ok(libraryDir, 'NANOFORGE_EXPECT_LIBRARY_DIR is set by run.sh')
  await textOf(browser, 'welcome')
  assert.match(await browser.getUrl(), /#\/$/)
  await until(browser, `the library in ${libraryDir}`, () => existsSync(join(libraryDir, 'library.sqlite')))
  await screenshot(browser, 'package-installed-home')
})
