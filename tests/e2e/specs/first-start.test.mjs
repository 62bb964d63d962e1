// The first start of the real window on a fresh data folder whose last run crashed: a crash file is
// planted in logs/ as the core's panic hook writes it (core/src/diagnostics/crash.rs); the window opens
// with "Nanoforge closed unexpectedly" (never together with the welcome), Close moves the file to
// logs/crashes-seen/, then the first-run welcome shows and is dismissed; after a restart neither returns.
// Runs first in its suite (the folder is fresh; shell.test.mjs then finds Home's own welcome).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openApp, screenshot, textOf, click, until, byTestId } from '../lib/app.mjs'

const dataDir = process.env.NANOFORGE_DATA_DIR
const logs = join(dataDir, 'logs')
const CRASH_FILE = 'crash-1764068400000-4242.json'
const CRASH = {
  file: '',
  version: '0.0.1-e2e',
  at: 1764068400000,
  thread: 'tokio-runtime-worker',
  message: 'e2e: a planted panic',
  location: 'core/src/library/thumbs.rs:212:41',
  backtrace: '   0: nanoforge_core::library::thumbs::render\n             at ./core/src/library/thumbs.rs:212:41',
}

let browser
before(async () => {
  mkdirSync(logs, { recursive: true })
  writeFileSync(join(logs, CRASH_FILE), JSON.stringify(CRASH, null, 2))
  browser = await openApp()
})
after(async () => { await browser?.deleteSession() })

/** Waits until the window shows `expected` at start: 'crash', 'welcome', or 'none' once both are known
 * ('reading' before; App.vue's `data-startup`). */
const startupIs = (expected) => until(browser, `the start to show ${expected}`,
  async () => (await browser.execute(() => document.querySelector('.shell')?.dataset.startup ?? null)) === expected)

test('the last run\'s crash is reported at start, before the welcome; Close acknowledges it', async () => {
  await startupIs('crash')
  assert.equal(await textOf(browser, 'crash-message'), CRASH.message)
  assert.equal(await textOf(browser, 'crash-location'), CRASH.location)
  assert.equal(await textOf(browser, 'crash-version'), CRASH.version)
  assert.equal(await (await byTestId(browser, 'first-run-welcome')).isExisting(), false, 'both dialogs at once')
  await screenshot(browser, 'first-start-crash')
  await click(browser, 'crash-close')
  await until(browser, 'the crash file moved to crashes-seen', () => existsSync(join(logs, 'crashes-seen', CRASH_FILE)))
  assert.ok(!readdirSync(logs).includes(CRASH_FILE))
})

test('then the first-run welcome shows; dismissed, it is gone', async () => {
  await startupIs('welcome')
  assert.match(await textOf(browser, 'first-run-welcome'), /Welcome to Nanoforge/)
  await screenshot(browser, 'first-start-welcome')
  await click(browser, 'welcome-done')
  await startupIs('none')
})

test('after a restart neither the crash report nor the welcome returns', async () => {
  await browser.deleteSession()
  browser = await openApp()
  await textOf(browser, 'app-version')
  await startupIs('none')
  assert.equal(await (await byTestId(browser, 'crash-dialog')).isExisting(), false)
  assert.equal(await (await byTestId(browser, 'first-run-welcome')).isExisting(), false)
})
