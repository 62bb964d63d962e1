// Google Gemini once and sync, in the real window against real local servers (the local library, fresh):
// the Gemini key set in Settings, one generation with provider Gemini that lands in the Gallery with its
// cost; then Settings → Sync against the S3 test server (test, save), a demo image, Sync now followed
// through its upload stage to its result; and the CLI, on a second data folder, syncs the same bucket
// and prefix and gets both images, byte for byte.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  openApp, screenshot, textOf, goTo, click, until, byTestId, imagesLoaded, startJob, followJob,
} from '../lib/app.mjs'
import { S3_KEYS, choose, runCli, sha256File, startGate, startGemini, startS3 } from '../lib/services.mjs'

const GEMINI_KEY = 'AIza-e2e-gemini-4821'
const GEMINI_MODEL = 'gemini-2.5-flash-image'
const GEMINI_PROMPT = 'a red fox asleep in fresh snow, watercolour'
const DEMO_PROMPT = 'a paper boat on a rain puddle'
const BUCKET = 'nanoforge-e2e'

let browser
let gemini
let s3
let gate
let scratch
/** The bucket folder the app syncs to, as the Sync card shows it. */
let prefixInUse

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'nanoforge-e2e-services-'))
  ;[gemini, s3] = await Promise.all([startGemini(GEMINI_KEY), startS3(join(scratch, 's3'), BUCKET)])
  gate = await startGate(s3.url)
  browser = await openApp()
})
after(async () => {
  await browser?.deleteSession()
  await Promise.all([gemini?.stop(), gate?.stop(), s3?.stop()])
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

/** Generates with what the form holds; resolves with the job card's test id once the job is done and
 * its result image has loaded (a failed job fails the test with the card's error). */
async function generateNow() {
  const id = await startJob(browser)
  const { stage } = await followJob(browser, id, ['done', 'failed'])
  if (stage === 'failed') assert.fail(`the job failed: ${await (await browser.$(`[data-testid="${id}"] [data-testid="job-error"]`)).getText()}`)
  await until(browser, 'the result image to load', () => imagesLoaded(browser, `[data-testid="${id}"] [data-testid="result-image"]`))
  return id
}

async function generate(provider, prompt, model) {
  await goTo(browser, 'generator')
  await choose(browser, 'provider-select', provider)
  if (model) await choose(browser, 'model-select', model)
  const input = await byTestId(browser, 'prompt-input')
  await input.waitForDisplayed({ timeout: 15_000 })
  await input.setValue(prompt)
  return generateNow()
}

/** The Gallery's tiles (id → full sha256 as the viewer shows it), opening each one. */
async function galleryShas() {
  await goTo(browser, 'gallery')
  await until(browser, 'the tiles', () => imagesLoaded(browser, '[data-testid="gallery-item"] img'))
  const ids = await browser.execute(() => [...document.querySelectorAll('[data-testid="gallery-item"]')].map((t) => t.dataset.id))
  const shas = {}
  for (const id of ids) {
    await (await browser.$(`[data-testid="gallery-item"][data-id="${id}"]`)).click()
    const sha = await until(browser, 'the sha256 in the viewer', async () => {
      const dd = await browser.$('[data-testid="viewer-meta"] [data-key="sha"] dd')
      return (await dd.isExisting()) ? dd.getAttribute('title') : null
    })
    shas[id] = sha
    await click(browser, 'viewer-close')
    await (await byTestId(browser, 'viewer')).waitForDisplayed({ reverse: true, timeout: 15_000 })
  }
  return shas
}

test('Gemini: the key is saved in its own card and shown masked', async () => {
  await goTo(browser, 'settings')
  const card = await byTestId(browser, 'key-card-geminiKey')
  await card.waitForDisplayed({ timeout: 15_000 })
  const status = await card.$('[data-testid="api-key-status"]')
  await until(browser, 'the Gemini key status', async () => /not set/i.test(await status.getText()))
  await (await card.$('[data-testid="api-key-input"]')).setValue(GEMINI_KEY)
  await (await card.$('[data-testid="api-key-save"]')).click()
  const text = await until(browser, 'the masked Gemini key', async () => {
    const t = await status.getText()
    return t.includes('4821') ? t : null
  })
  assert.ok(!text.includes(GEMINI_KEY), 'the whole key is never shown')
})

test('Gemini: one generation with provider Gemini shows in the Gallery with its cost', async () => {
  const id = await generate('gemini', GEMINI_PROMPT, GEMINI_MODEL)
  // 1290 image tokens at $30 per million, plus a few text and prompt tokens.
  const cost = (await (await browser.$(`[data-testid="${id}"] [data-testid="result-cost"]`)).getText()).trim()
  assert.match(cost, /^\$0\.03[89]\d?$/, `the job's cost: ${cost}`)
  await screenshot(browser, 'services-gemini-done')

  // Exactly one call reached the service, with the key from the keychain and the chosen model.
  const log = await gemini.requests()
  assert.equal(log.generateCount, 1, 'one generateContent call')
  assert.deepEqual(log.modelCounts, { [GEMINI_MODEL]: 1 })
  const call = log.requests.find((r) => r.endpoint === 'generateContent')
  assert.equal(call.keyValid, true)
  assert.equal(call.status, 200)

  await goTo(browser, 'gallery')
  await until(browser, 'the Gemini tile', () => imagesLoaded(browser, '[data-testid="gallery-item"] img'))
  assert.equal((await browser.$$('[data-testid="gallery-item"]')).length, 1)
  await (await browser.$('[data-testid="gallery-item"]')).click()
  await until(browser, 'the full image', () => imagesLoaded(browser, '[data-testid="viewer-image"]'))
  const meta = async (key) => (await (await browser.$(`[data-testid="viewer-meta"] [data-key="${key}"] dd`)).getText()).trim()
  assert.equal(await meta('cost'), cost, 'the Gallery shows the same cost')
  assert.match(await meta('provider'), /Gemini/)
  assert.ok((await textOf(browser, 'viewer-prompt')).includes(GEMINI_PROMPT))
  await screenshot(browser, 'services-gemini-viewer')
  await click(browser, 'viewer-close')
})

test('Sync: Settings → Sync against the S3 test server: test the connection, save', async () => {
  await goTo(browser, 'settings')
  await until(browser, 'the Sync card, not set up', async () => (await byTestId(browser, 'sync-not-configured')).isExisting())
  await (await byTestId(browser, 'sync-endpoint')).setValue(gate.url)
  await (await byTestId(browser, 'sync-bucket')).setValue(BUCKET)
  await (await byTestId(browser, 'sync-access-key-id')).setValue(S3_KEYS.accessKeyId)
  await (await byTestId(browser, 'sync-secret')).setValue(S3_KEYS.secretAccessKey)
  // Syncs start from Sync now only: an automatic one after the next job would race it.
  const auto = await byTestId(browser, 'sync-auto')
  if (await auto.isSelected()) await auto.click()
  await until(browser, 'automatic sync off', async () => !(await auto.isSelected()))
  await click(browser, 'sync-test')
  await textOf(browser, 'sync-test-ok', 30_000)
  await click(browser, 'sync-save')
  await textOf(browser, 'sync-saved', 30_000)
  const location = await textOf(browser, 'sync-location')
  assert.equal(location, `${BUCKET} · nanoforge/local/`, 'signed out, the local library syncs to its own folder')
  prefixInUse = location.split(' · ')[1]
  assert.equal(await (await byTestId(browser, 'sync-secret')).getValue(), '', 'the secret is not shown again')
  assert.equal(await textOf(browser, 'sync-last'), 'Not synced yet')
})

test('Sync: a new image, then Sync now shows the upload in progress and the result', async () => {
  await generate('demo', DEMO_PROMPT)
  await goTo(browser, 'settings')
  const now = await byTestId(browser, 'sync-now')
  await now.waitForEnabled({ timeout: 15_000, timeoutMsg: 'Sync now stays disabled' })
  // The card from its title down, for the screenshots (the window keeps its width).
  // Two frames after the scroll, so the screenshot shows where it went.
  const showCard = () => browser.executeAsync((done) => {
    document.querySelector('[data-testid="sync-section"]').scrollIntoView({ block: 'start' })
    requestAnimationFrame(() => requestAnimationFrame(() => done()))
  })

  gate.hold()
  await now.click()
  // The first image upload waits at the gate: the card shows the upload stage until it is let through.
  const progress = await browser.$('[data-testid="sync-progress"][data-stage="uploading"]')
  await progress.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'no upload stage shown' })
  await until(browser, 'an upload held at the gate', () => gate.seen.held > 0)
  const stage = await textOf(browser, 'sync-stage')
  assert.match(stage, /^Uploading images · 0 of \d+$/, stage)
  assert.equal(await now.isEnabled(), false, 'no second sync while one runs')
  await showCard()
  await screenshot(browser, 'services-sync-progress')
  gate.release()

  const result = await textOf(browser, 'sync-result', 60_000)
  const uploaded = Number(/(\d+) uploaded/.exec(result)?.[1])
  assert.ok(uploaded >= 2, `two originals (and their thumbnails) went up: ${result}`)
  assert.match(await textOf(browser, 'sync-last'), /^Last synced /)
  await until(browser, 'nothing left to upload', async () =>
    (await (await byTestId(browser, 'sync-pending')).getText()).trim() === 'To upload: 0 · to download: 0')
  await showCard()
  await screenshot(browser, 'services-sync-done')
})

test('Sync: the CLI on a second data folder syncs the same bucket and prefix and gets both images', async () => {
  const shas = await galleryShas()
  assert.equal(Object.keys(shas).length, 2)
  const env = {
    NANOFORGE_DATA_DIR: join(scratch, 'second-device'),
    // Straight to the server: the bucket itself holds the library, not the gate.
    NANOFORGE_SYNC_ENDPOINT: s3.url,
    NANOFORGE_SYNC_BUCKET: BUCKET,
    NANOFORGE_SYNC_ACCESS_KEY_ID: S3_KEYS.accessKeyId,
    NANOFORGE_SYNC_SECRET_ACCESS_KEY: S3_KEYS.secretAccessKey,
    NANOFORGE_SYNC_PREFIX: prefixInUse,
  }
  const report = JSON.parse(await runCli(['sync', '--json'], env))
  assert.equal(report.new_images, 2, JSON.stringify(report))
  assert.equal(report.files_left, 0, JSON.stringify(report))
  const images = JSON.parse(await runCli(['images', '--json'], env))
  assert.deepEqual(images.map((i) => i.sha256).sort(), Object.values(shas).sort())
  for (const image of images) {
    assert.ok(image.path, `the original of ${image.id} is on the second device`)
    assert.equal(sha256File(image.path), image.sha256, 'the bytes arrived intact')
  }
  assert.deepEqual(images.map((i) => i.prompt).sort(), [DEMO_PROMPT, GEMINI_PROMPT].sort())
})
