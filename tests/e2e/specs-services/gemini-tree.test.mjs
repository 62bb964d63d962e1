// The editor in the real window against the fake Gemini server (the Gemini key gemini-sync saved is in the
// keychain; set here when this file runs alone): a Gemini image, "Edit this" on its result, an instruction
// sent, the editor moving to the new image, seen in the lineage tree; the second request continues the
// conversation (the first turn replayed with the model's signed answer); a painted region edited; the editor
// at desktop and phone widths.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { openApp, screenshot, goTo, click, until, byTestId, imagesLoaded, startJob, followJob } from '../lib/app.mjs'
import { choose, startGemini } from '../lib/services.mjs'

const GEMINI_KEY = 'AIza-e2e-gemini-4821'
const MODEL = 'gemini-3.1-flash-image'

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

const editorImage = () => browser.execute(() => document.querySelector('[data-testid="editor"]')?.dataset.image ?? null)

/** Waits until the editor shows another image than `before`, current in the tree; returns its id. */
function movedFrom(before) {
  return until(browser, 'the editor on the new image', () => browser.execute((b) => {
    const id = document.querySelector('[data-testid="editor"]')?.dataset.image
    const current = document.querySelector('[data-testid="lineage-node"][data-current="true"]')
    return id && id !== b && current?.dataset.image === id ? id : null
  }, before), 90_000)
}

const generateRequests = async () => (await gemini.requests()).requests.filter((r) => r.endpoint === 'generateContent')

test('editing: Edit this on a Gemini result, an instruction, the new image in the tree; the conversation is continued', async () => {
  await goTo(browser, 'settings')
  const card = await byTestId(browser, 'key-card-geminiKey')
  const status = await card.$('[data-testid="api-key-status"]')
  await until(browser, 'the Gemini key status', async () => (await status.getText()).trim())
  if (!(await status.getText()).includes('4821')) {
    await (await card.$('[data-testid="api-key-input"]')).setValue(GEMINI_KEY)
    await (await card.$('[data-testid="api-key-save"]')).click()
    await until(browser, 'the masked Gemini key', async () => (await status.getText()).includes('4821'))
  }

  await goTo(browser, 'generator')
  await choose(browser, 'provider-select', 'gemini')
  await choose(browser, 'model-select', MODEL)
  await (await byTestId(browser, 'prompt-input')).setValue('a lighthouse on a basalt cliff, watercolour')
  const job = await startJob(browser)
  const { stage } = await followJob(browser, job, ['done', 'failed'])
  assert.equal(stage, 'done')
  await until(browser, 'the result image', () => imagesLoaded(browser, `[data-testid="${job}"] [data-testid="result-image"]`))
  const calls = (await generateRequests()).length

  await (await browser.$(`[data-testid="${job}"] [data-testid="result-edit"]`)).click()
  await until(browser, 'the editor', async () => (await browser.getUrl()).includes('#/edit/'))
  const first = await until(browser, 'the editor\'s image', editorImage)
  await until(browser, 'the tree', async () => (await (await byTestId(browser, 'lineage-tree')).getAttribute('data-loaded')) === 'true')
  // The image is this model's answer in its own conversation: the edit goes on with it.
  await until(browser, 'the quote', async () => /continues the conversation · 1 image replayed/
    .test(await (await byTestId(browser, 'edit-quote-conversation')).getText()))
  await until(browser, 'the editor\'s image to load', () => imagesLoaded(browser, '[data-testid="editor-image"]'))
  await screenshot(browser, 'editing-editor-desktop')

  await (await byTestId(browser, 'edit-instruction')).setValue('Make it night; keep the lighthouse exactly as it is')
  await click(browser, 'edit-send')
  const edited = await movedFrom(first)
  const nodes = await browser.execute(() => [...document.querySelectorAll('[data-testid="lineage-node"]')]
    .map((n) => ({ image: n.dataset.image, depth: Number(n.dataset.depth), purpose: n.querySelector('[data-testid="job-purpose"]')?.dataset.purpose ?? null })))
  assert.deepEqual(nodes.map((n) => [n.image, n.depth, n.purpose]), [[first, 0, null], [edited, 1, 'edit']])

  // Turn 2 replayed turn 1 (the user's prompt, the model's answer with its signatures) before the instruction.
  const sent = (await generateRequests()).slice(calls)
  assert.equal(sent.length, 1, 'one call for the edit')
  assert.deepEqual(sent[0].payload.contents.map((c) => c.role), ['user', 'model', 'user'])
  assert.equal(sent[0].thoughtSignatureEchoed, true, 'the model turn went back with its signatures')
  assert.equal(sent[0].thoughtSignaturesKnown, true)
  assert.equal(sent[0].status, 200)
  await until(browser, 'the new image to load', () => imagesLoaded(browser, '[data-testid="editor-image"], [data-testid="lineage-node"] img'))
  await screenshot(browser, 'editing-tree-desktop')
})

test('editing: a painted region is edited and lands in the tree as a region edit', async () => {
  const before = await editorImage()
  await click(browser, 'editor-mode-region')
  const canvas = await byTestId(browser, 'mask-canvas')
  await canvas.waitForDisplayed({ timeout: 15_000 })
  await canvas.scrollIntoView()
  const size = await canvas.getSize()
  // A rectangle over the middle of the image (offsets from the canvas's centre).
  await click(browser, 'mask-tool-rect')
  await browser.action('pointer', { parameters: { pointerType: 'mouse' } })
    .move({ origin: canvas, x: Math.round(-size.width * 0.2), y: Math.round(-size.height * 0.15) })
    .down()
    .move({ origin: canvas, x: Math.round(size.width * 0.1), y: Math.round(size.height * 0.15), duration: 200 })
    .up()
    .perform()
  const painted = await until(browser, 'a painted mask', async () => {
    const p = Number(await canvas.getAttribute('data-painted'))
    return p > 0 ? p : null
  })
  assert.ok(painted > 0.05 && painted < 0.2, `painted ${painted}`)
  await screenshot(browser, 'editing-mask-desktop')
  await (await byTestId(browser, 'edit-instruction')).setValue('A full moon in the painted region')
  await click(browser, 'edit-send')
  const made = await movedFrom(before)
  const purpose = await browser.execute((id) => document.querySelector(`[data-testid="lineage-node"][data-image="${id}"] [data-testid="job-purpose"]`)?.dataset.purpose, made)
  assert.equal(purpose, 'masked_edit')
})

test('editing: the editor fits a phone-width window', async () => {
  const { width, height } = await browser.getWindowSize()
  await browser.setWindowSize(390, 844)
  try {
    await until(browser, 'the narrow layout', () => browser.execute(() => window.innerWidth <= 420))
    await click(browser, 'editor-mode-whole')
    const overflow = await browser.execute(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`)
    await browser.execute(() => window.scrollTo(0, 0))
    await screenshot(browser, 'editing-editor-phone')
  } finally {
    await browser.setWindowSize(width, height)
  }
})
