// Starts the real Nanoforge window through tauri-driver and gives back a WebdriverIO browser, plus
// small helpers that poll with deadlines (never sleep) on data-testid attributes.
import { remote } from 'webdriverio'
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

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
        connectionRetryTimeout: 60_000,
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

export const byTestId = (browser, id) => browser.$(`[data-testid="${id}"]`)

/** Waits for a test id to be displayed with non-empty text and returns the text. */
export async function textOf(browser, testId, timeout = 15_000) {
  const el = await byTestId(browser, testId)
  await el.waitForDisplayed({ timeout, timeoutMsg: `${testId} not displayed` })
  await browser.waitUntil(async () => (await el.getText()).trim() !== '', { timeout, timeoutMsg: `${testId} has no text` })
  return (await el.getText()).trim()
}

export async function click(browser, testId, timeout = 15_000) {
  const el = await byTestId(browser, testId)
  await el.waitForClickable({ timeout, timeoutMsg: `${testId} not clickable` })
  await el.click()
  return el
}

/** Polls `fn` until it returns a truthy value; returns that value. */
export async function until(browser, what, fn, timeout = 30_000) {
  let value
  await browser.waitUntil(async () => { value = await fn(); return Boolean(value) }, { timeout, interval: 100, timeoutMsg: `timed out waiting for ${what}` })
  return value
}

/** True when every <img> matching `selector` has loaded and decoded real pixels (so a screenshot
 * taken next shows them, not a placeholder). */
export async function imagesLoaded(browser, selector) {
  return browser.executeAsync((sel, done) => {
    const imgs = [...document.querySelectorAll(sel)]
    if (imgs.length === 0 || !imgs.every((i) => i.complete && i.naturalWidth > 0)) return done(false)
    Promise.all(imgs.map((i) => i.decode().catch(() => null)))
      .then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))
  }, selector)
}

export async function goTo(browser, view, heading) {
  await click(browser, `nav-${view}`)
  await until(browser, `the ${view} view`, async () => (await browser.getUrl()).includes(view === 'home' ? '#/' : `#/${view}`))
  if (heading) await until(browser, `the ${view} heading`, async () => (await (await browser.$('main h1')).getText()).includes(heading))
}

/** The Generator's job cards (their test ids), newest first. */
export const jobCardIds = (browser) => browser.execute(
  () => [...document.querySelectorAll('[data-testid="job-list"] [data-stage]')].map((c) => c.dataset.testid))

/** Clicks Generate and returns the test id of the card of the job it started: a card that was not
 * listed before the click (the newest card may still be the previous job's for a moment). */
export async function startJob(browser) {
  const before = new Set(await jobCardIds(browser))
  await click(browser, 'generate-button')
  return until(browser, 'the new job card', async () => (await jobCardIds(browser)).find((id) => !before.has(id)) ?? null)
}

/** Follows job card `id` until its stage is one of `stages`; returns every stage seen (added to
 * `seen`). The card is looked up afresh each time: the list may render its cards again. */
export async function followJob(browser, id, stages, seen = [], timeout = 60_000) {
  const wanted = [stages].flat()
  let stage
  await browser.waitUntil(async () => {
    stage = await browser.execute((tid) => document.querySelector(`[data-testid="${tid}"]`)?.dataset.stage ?? null, id)
    if (stage && seen.at(-1) !== stage) seen.push(stage)
    return wanted.includes(stage)
  }, { timeout, interval: 50, timeoutMsg: `${id} never reached ${wanted.join(' or ')}; saw ${seen.join(' → ')}` })
  return { stage, seen }
}

/** The fake Nano Banana server as a process on the port the app was told about. */
export async function startFakeServer(apiKey) {
  const child = spawn(process.env.NANOFORGE_FAKE_BIN, ['--port', process.env.NANOFORGE_FAKE_PORT, '--api-key', apiKey],
    { stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout })
    rl.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`fake server exited with ${code}`)))
  })
  if (!line.startsWith('http://127.0.0.1:')) throw new Error(`fake server said: ${line}`)
  return { url: line, stop: () => new Promise((r) => { child.once('exit', r); child.kill() }) }
}
