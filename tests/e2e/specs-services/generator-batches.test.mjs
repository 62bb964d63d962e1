// Batches in the real window against the fake Gemini server (after gemini-sync, which saved the Gemini key):
// a template from the Generator's Batch mode with its count and whole total on Start, the batch grid filling
// in, the expected time once this library has history, and the Batch API toggle ("half price") whose jobs wait
// for Google's batch and complete when it succeeds. Screenshots at desktop and phone width.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { openApp, screenshot, goTo, click, until, byTestId, imagesLoaded } from '../lib/app.mjs'
import { startGemini } from '../lib/services.mjs'

const GEMINI_KEY = 'AIza-e2e-gemini-4821'
let browser
let gemini

before(async () => {
  gemini = await startGemini(GEMINI_KEY)
  browser = await openApp()
})
after(async () => {
  await browser?.deleteSession()
  await gemini?.stop()
})

/** Brings the Start bar (count, total, budget, expected time) into view for a screenshot. */
const showStart = async () => browser.execute((el) => el.scrollIntoView({ block: 'center' }), await byTestId(browser, 'batch-start'))
const startText = async () => (await byTestId(browser, 'batch-start')).getText()
/** The whole total on Start ("Start 6 images · $0.2340"). */
const total = (text) => Number(/\$([0-9.]+)/.exec(text)?.[1] ?? NaN)

/** The Generator in Batch mode with `template` on one Gemini model; resolves with that model's id. */
async function batchOf(template, count) {
  await goTo(browser, 'generator')
  await click(browser, 'mode-batch')
  await (await byTestId(browser, 'batch-form')).waitForDisplayed({ timeout: 15_000 })
  const template$ = await byTestId(browser, 'batch-template')
  await template$.clearValue()
  await template$.setValue(template)
  const models = await until(browser, 'the batch models', () => browser.execute(() =>
    [...document.querySelectorAll('[data-testid^="batch-model-"]')].map((b) => ({ id: b.dataset.testid.slice('batch-model-'.length), on: b.checked }))))
  const gemini = models.find((m) => m.id === 'gemini-2.5-flash-image') ?? models.find((m) => m.id.startsWith('gemini-'))
  assert.ok(gemini, `a Gemini model to choose: ${JSON.stringify(models)}`)
  for (const m of models) {
    if (m.on !== (m.id === gemini.id)) await (await byTestId(browser, `batch-model-${m.id}`)).click()
  }
  await until(browser, `${count} jobs counted`, async () => (await (await byTestId(browser, 'batch-count')).getAttribute('data-count')) === String(count))
  return gemini.id
}

async function startAndOpen() {
  await click(browser, 'batch-start')
  await (await byTestId(browser, 'batch-view')).waitForDisplayed({ timeout: 15_000 })
}

const batchState = async () => (await byTestId(browser, 'batch-view')).getAttribute('data-state')

async function atPhoneWidth(name) {
  const { width, height } = await browser.getWindowSize()
  await browser.setWindowSize(390, 844)
  try {
    await until(browser, 'the narrow layout', () => browser.execute(() => window.innerWidth <= 420))
    if (await (await byTestId(browser, 'batch-start')).isExisting()) await showStart()
    const overflow = await browser.execute(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`)
    await screenshot(browser, name)
  } finally {
    await browser.setWindowSize(width, height)
  }
}

test('batches: a template on a Gemini model, its total on Start, the grid of results filling in', async () => {
  await batchOf('A {red|blue|green} mug on a {marble|oak} table', 6)
  assert.match(await (await byTestId(browser, 'batch-count')).getText(), /6 jobs/)
  const text = await startText()
  assert.match(text, /Start 6 images · \$[0-9.]+/)
  assert.ok(total(text) > 0, text)
  await showStart()
  await screenshot(browser, 'services-batch-form')
  await atPhoneWidth('services-batch-form-phone')

  await startAndOpen()
  await until(browser, 'the batch to complete', async () => (await batchState()) === 'completed', 120_000)
  const cells = await browser.execute(() => [...document.querySelectorAll('[data-testid="batch-cell"]')].map((c) => c.dataset.state))
  assert.deepEqual(cells, Array(6).fill('done'))
  await until(browser, 'the grid thumbnails', () => imagesLoaded(browser, '[data-testid="batch-cell"] img'))
  assert.match(await (await byTestId(browser, 'batch-counts')).getText(), /6 done · 0 running · 0 waiting · 0 failed/)
  assert.match(await (await browser.$('[data-testid="batch-cell-cost"]')).getText(), /\$[0-9.]+/)
  await screenshot(browser, 'services-batch-grid')
  await atPhoneWidth('services-batch-grid-phone')
})

test('batches: with history the expected time shows; the Batch API halves the total and its jobs complete with Google\'s batch', async () => {
  await batchOf('A {small|large} paper lantern', 2)
  // Six finished jobs of this model and size (the batch above) are enough to expect a time.
  const expected = await byTestId(browser, 'batch-expected')
  await expected.waitForDisplayed({ timeout: 15_000 })
  assert.match(await expected.getText(), /Usually done in about .+ here \(9 in 10 within .+\)/)
  const full = total(await startText())
  await click(browser, 'batch-api')
  await until(browser, 'the half-price total', async () => Math.abs(total(await startText()) - full / 2) < 0.00011)
  await showStart()
  await screenshot(browser, 'services-batch-api')

  await startAndOpen()
  // The jobs wait for Google's batch: created once, not done until it succeeds.
  await (await byTestId(browser, 'batch-remote')).waitForDisplayed({ timeout: 30_000 })
  const created = await until(browser, 'the batch created at the fake', async () => {
    const answer = await (await fetch(`${gemini.url}/__control/batches`)).json()
    return answer.created > 0 ? answer : null
  }, 30_000)
  assert.equal(created.created, 1, 'one create for two jobs')
  assert.notEqual(await batchState(), 'completed')
  await screenshot(browser, 'services-batch-api-waiting')
  const advanced = await fetch(`${gemini.url}/__control/batches/advance`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'succeeded' }),
  })
  assert.equal(advanced.status, 200, await advanced.text())
  await until(browser, 'the Batch API jobs to complete', async () => (await batchState()) === 'completed', 180_000)
  const cells = await browser.execute(() => [...document.querySelectorAll('[data-testid="batch-cell"]')].map((c) => c.dataset.state))
  assert.deepEqual(cells, ['done', 'done'])
  await until(browser, 'the grid thumbnails', () => imagesLoaded(browser, '[data-testid="batch-cell"] img'))
  await screenshot(browser, 'services-batch-api-done')
})
