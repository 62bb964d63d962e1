// Quitting never drops a paid request, in the real window: with the fake Gemini server answering slowly, a
// generation starts, and the window is closed (as a window manager's × does) while the paid call is in
// flight. The window says "Finishing 1 paid request…", the app keeps running until the answer is stored,
// then exits by itself; afterwards the real CLI on the same data folder finds the job COMPLETED with its
// image, and the service saw exactly one call. Runs after gemini-sync.test.mjs in the same data folder
// (the Gemini key is set here if it is not yet); the app exits at the end, so the next spec starts it again.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { openApp, screenshot, textOf, goTo, byTestId, until, startJob } from '../lib/app.mjs'
import { choose, runCli, sha256File, startGemini } from '../lib/services.mjs'
import { appPid, closeWindowOf, isRunning } from '../lib/window.mjs'

const GEMINI_KEY = 'AIza-e2e-gemini-4821'
const GEMINI_MODEL = 'gemini-2.5-flash-image'
const PROMPT = 'a lighthouse keeper closing the shutters before a storm'
/** How long the fake holds its answer: time enough to close the window while the call is in flight. */
const DELAY_MS = 8_000

let browser
let gemini

before(async () => {
  gemini = await startGemini(GEMINI_KEY)
  browser = await openApp()
})
after(async () => {
  // The app has exited by itself: the session may already be gone with it.
  await Promise.race([browser?.deleteSession().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))])
  await gemini?.stop()
})

/** The fake's log of generateContent calls. */
const generateCalls = async () => (await gemini.requests()).requests.filter((r) => r.endpoint === 'generateContent')

async function ensureGeminiKey() {
  await goTo(browser, 'settings')
  const card = await byTestId(browser, 'key-card-geminiKey')
  await card.waitForDisplayed({ timeout: 15_000 })
  const status = await card.$('[data-testid="api-key-status"]')
  const text = await until(browser, 'the Gemini key status', async () => (await status.getText()).trim() || null)
  if (text.includes('4821')) return
  await (await card.$('[data-testid="api-key-input"]')).setValue(GEMINI_KEY)
  await (await card.$('[data-testid="api-key-save"]')).click()
  await until(browser, 'the masked Gemini key', async () => (await status.getText()).includes('4821'))
}

test('closing the window during a paid Gemini call keeps the app until the answer is stored, then it exits', async () => {
  await ensureGeminiKey()
  // A fresh log, and the next generation answered only after DELAY_MS.
  const control = await fetch(`${gemini.url}/__control/scenario`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ reset: true, faults: [{ target: 'generate', times: 1, action: { kind: 'delay', ms: DELAY_MS } }] }),
  })
  assert.equal(control.status, 200)

  await goTo(browser, 'generator')
  await choose(browser, 'provider-select', 'gemini')
  await choose(browser, 'model-select', GEMINI_MODEL)
  const input = await byTestId(browser, 'prompt-input')
  await input.waitForDisplayed({ timeout: 15_000 })
  await input.setValue(PROMPT)
  const card = await startJob(browser)
  // The paid call reached the service and waits there for its answer.
  await until(browser, 'the Gemini call in flight', async () => {
    const calls = await generateCalls()
    return calls.length === 1 && calls[0].status == null
  }, 30_000)

  const pid = appPid()
  assert.ok(pid, 'the app process')
  await closeWindowOf(pid)

  // The window stays (the shell refused the close) and says why.
  assert.equal(await textOf(browser, 'quitting-title'), 'Finishing 1 paid request…')
  assert.ok(await (await byTestId(browser, 'quit-now')).isDisplayed(), 'Quit now is offered')
  // The job's card behind it has finished coming in (its enter transition), for the screenshot.
  await until(browser, 'the job card to settle', () => browser.execute(
    (id) => !/job-enter/.test(document.querySelector(`[data-testid="${id}"]`)?.className ?? 'job-enter'), card), 15_000)
  await screenshot(browser, 'services-quitting')
  const [inFlight] = await generateCalls()
  assert.ok(inFlight.status == null, 'the answer came before the window said so: nothing was waited for')
  assert.ok(isRunning(pid), 'the app exited with the paid call in flight')

  // It exits by itself once the answer is stored.
  const deadline = Date.now() + DELAY_MS + 60_000
  while (isRunning(pid)) {
    assert.ok(Date.now() < deadline, 'the app is still running a minute after the answer')
    await new Promise((r) => setTimeout(r, 100))
  }
  const calls = await generateCalls()
  assert.equal(calls.length, 1, 'exactly one paid call: nothing was sent again')
  assert.equal(calls[0].status, 200)

  // The library on disk, as the real CLI reads it.
  const jobs = JSON.parse(await runCli(['list', '--json', '--search', 'lighthouse keeper shutters'], {}))
  const job = jobs.find((j) => j.prompt === PROMPT)
  assert.ok(job, `the job is in the library: ${JSON.stringify(jobs)}`)
  assert.equal(job.status, 'COMPLETED', JSON.stringify(job))
  assert.equal(job.provider, 'gemini')
  assert.equal(job.images.length, 1, JSON.stringify(job))
  const [image] = job.images
  assert.ok(existsSync(image.path), `its image is on disk: ${image.path}`)
  assert.equal(sha256File(image.path), image.sha256)
})
