// Starts the real Nanoforge window through tauri-driver and gives back a WebdriverIO browser.
import { remote } from 'webdriverio'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

export const SCREENSHOTS = new URL('../screenshots/', import.meta.url).pathname

export async function openApp() {
  const port = Number(process.env.NANOFORGE_WEBDRIVER_PORT)
  // tauri-driver may need a moment to listen: retry the session until a deadline rather than sleeping.
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      return await remote({
        hostname: '127.0.0.1',
        port,
        logLevel: 'error',
        connectionRetryCount: 0,
        connectionRetryTimeout: 30_000,
        capabilities: {
          'tauri:options': { application: process.env.NANOFORGE_APP_BIN },
          'wdio:enforceWebDriverClassic': true,
        },
      })
    } catch (e) {
      if (Date.now() > deadline) throw e
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}

export async function screenshot(browser, name) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await browser.saveScreenshot(join(SCREENSHOTS, `${name}.png`))
}

/** Waits for a test id to show text and returns it. */
export async function textOf(browser, testId, timeout = 15_000) {
  const el = await browser.$(`[data-testid="${testId}"]`)
  await el.waitForDisplayed({ timeout })
  await browser.waitUntil(async () => (await el.getText()).trim() !== '', { timeout })
  return (await el.getText()).trim()
}
