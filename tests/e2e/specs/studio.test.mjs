// The whole studio in the real window against the fake Nano Banana server: set the API key, generate
// with live progress, find the image in the Gallery, Dashboard and search, open it, favourite it, drag
// it out, delete and undo; copy it and paste it into the Generator as an input; a failing task shows
// its error; then offline after a restart: the gallery, search and full image still work, and
// generating says why it cannot.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, sep } from 'node:path'
import {
  openApp, screenshot, textOf, goTo, click, until, byTestId, imagesLoaded, startFakeServer, startJob, followJob,
} from '../lib/app.mjs'

const KEY = 'e2e-secret-key-7391'
const PROMPT = 'a lighthouse on a basalt cliff at dusk'
let browser
let fake

before(async () => {
  fake = await startFakeServer(KEY)
  browser = await openApp()
})
after(async () => {
  await browser?.deleteSession()
  await fake?.stop()
})

/** The dragged copy under the profile's outgoing/ folder (its name and bytes as latin1), or null. */
function draggedCopy() {
  const found = []
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (dir.includes(`${sep}outgoing${sep}`)) found.push({ name: entry.name, path })
    }
  }
  walk(process.env.NANOFORGE_DATA_DIR)
  return found.length === 1 ? { name: found[0].name, bytes: readFileSync(found[0].path, 'latin1') } : null
}

async function typePrompt(text) {
  const input = await byTestId(browser, 'prompt-input')
  await input.waitForDisplayed({ timeout: 15_000 })
  await input.setValue(text)
}

test('the API key is saved through Settings (keychain) and shown masked', async () => {
  await goTo(browser, 'settings')
  assert.match(await textOf(browser, 'api-key-status'), /not set/i)
  await (await byTestId(browser, 'api-key-input')).setValue(KEY)
  await click(browser, 'api-key-save')
  const status = await until(browser, 'the masked key', async () => {
    const text = await (await byTestId(browser, 'api-key-status')).getText()
    return text.includes('••••7391') ? text : null
  })
  assert.ok(!status.includes(KEY), 'the whole key is never shown')
  await screenshot(browser, 'studio-settings-key')
})

test('a generation shows live progress and its result', async () => {
  await goTo(browser, 'generator')
  assert.equal(await (await byTestId(browser, 'generate-button')).isEnabled(), false, 'disabled while blank')
  assert.equal(await (await byTestId(browser, 'demo-badge')).isExisting(), false, 'a key is set: no demo')
  // The fake keeps the task pending for 2.5 s, so the generating stage is visible.
  await typePrompt(`@fake{"pendingMs":2500} ${PROMPT}`)
  const id = await startJob(browser)
  const { seen } = await followJob(browser, id, 'generating')
  // The card fades in; WebDriver reads no text until it is visible.
  const stageText = await browser.$(`[data-testid="${id}"] [data-testid="job-stage-text"]`)
  const text = await until(browser, 'the stage described', async () => (await stageText.getText()).trim())
  assert.match(text, /generating|downloading|saving|done/i)
  await screenshot(browser, 'studio-generating')
  await followJob(browser, id, 'done', seen)
  assert.ok(seen.includes('generating'), `stages: ${seen.join(' → ')}`)
  await until(browser, 'the result image to load', () => imagesLoaded(browser, `[data-testid="${id}"] [data-testid="result-image"]`))
  // The default model (Nano Banana 2) at 1K, at the catalog's price.
  assert.match(await textOf(browser, 'result-cost'), /^\$0\.067$/)
  await screenshot(browser, 'studio-done')
})

test('the image is in the Dashboard stats and the Gallery, and search finds it', async () => {
  await goTo(browser, 'dashboard')
  await until(browser, 'one image in the stats', async () => (await textOf(browser, 'stat-images')) === '1')
  await until(browser, 'the recent thumbnail', () => imagesLoaded(browser, '[data-testid="recent-image"] img'))
  await screenshot(browser, 'studio-dashboard')

  // Charts draw in the real WebView too (chart.js on canvas, under the app's CSP).
  await goTo(browser, 'analytics')
  const drawn = await until(browser, 'the charts to draw', () => browser.execute(() => {
    const canvases = [...document.querySelectorAll('[data-testid^="chart-"] canvas')]
    return canvases.length === 4 && canvases.every((c) => c.width > 0 && c.height > 0) ? canvases.length : 0
  }))
  assert.equal(drawn, 4)
  await screenshot(browser, 'studio-analytics')

  await goTo(browser, 'gallery')
  await until(browser, 'the gallery tile', () => imagesLoaded(browser, '[data-testid="gallery-item"] img'))
  const search = await byTestId(browser, 'gallery-search')
  await search.setValue('basalt')
  await until(browser, 'one search hit', async () => (await browser.$$('[data-testid="gallery-item"]')).length === 1)
  await search.setValue('zebra')
  await until(browser, 'no search hits', async () => (await browser.$$('[data-testid="gallery-item"]')).length === 0)
  await search.setValue('lighthouse')
  await until(browser, 'the hit again', async () => (await browser.$$('[data-testid="gallery-item"]')).length === 1)
  await screenshot(browser, 'studio-gallery-search')
})

test('the viewer shows the full image; favourite, delete and undo work', async () => {
  await (await browser.$('[data-testid="gallery-item"]')).click()
  await (await byTestId(browser, 'viewer')).waitForDisplayed({ timeout: 15_000 })
  await until(browser, 'the full image', () => imagesLoaded(browser, '[data-testid="viewer-image"]'))
  assert.ok((await textOf(browser, 'viewer-prompt')).includes(PROMPT))
  const fav = await click(browser, 'viewer-favourite')
  await until(browser, 'favourite pressed', async () => (await fav.getAttribute('aria-pressed')) === 'true')
  await screenshot(browser, 'studio-viewer')
  // Dragging out: the button press starts a native drag of a copy under the library's outgoing/ folder,
  // named from the prompt and carrying its settings (a PNG's "parameters" text).
  const handle = await byTestId(browser, 'viewer-drag-out')
  await handle.scrollIntoView()
  await browser.action('pointer', { parameters: { pointerType: 'mouse' } })
    .move({ origin: handle }).down({ button: 0 }).move({ x: 5, y: 5, origin: 'pointer' }).up({ button: 0 }).perform()
  const copy = await until(browser, 'the dragged copy', () => draggedCopy())
  // The name is the prompt's first six words (the fake's @fake{…} directive included).
  assert.equal(copy.name, 'fake-pendingms-2500-a-lighthouse-on.png')
  assert.ok(copy.bytes.includes('parameters') && copy.bytes.includes(PROMPT), 'the dragged copy carries the prompt')
  assert.doesNotMatch(await browser.execute(() => document.body.innerText), /could not be dragged/)
  // Delete must really take the image out (a delete that does nothing fails here), and Undo bring it back.
  const tiles = async () => (await browser.$$('[data-testid="gallery-item"]')).length
  assert.equal(await tiles(), 1)
  await click(browser, 'viewer-delete')
  await until(browser, 'the trashed toast', async () => /Moved 1 image to the trash/.test(await textOf(browser, 'toast')))
  await until(browser, 'the tile to leave the gallery', async () => (await tiles()) === 0)
  await click(browser, 'toast-undo')
  await until(browser, 'the restored toast', async () => /Restored 1 image/.test(await textOf(browser, 'toast')))
  if (await (await byTestId(browser, 'viewer')).isDisplayed()) await click(browser, 'viewer-close')
  await until(browser, 'the restored tile', async () => (await tiles()) === 1)
  await goTo(browser, 'gallery')
  await (await byTestId(browser, 'filter-favourites')).click()
  await until(browser, 'the favourite stays after undo', async () => (await browser.$$('[data-testid="gallery-item"]')).length === 1)
  await (await byTestId(browser, 'filter-favourites')).click()
})

test('an image copied in the viewer pastes into the Generator as an input image', async () => {
  await goTo(browser, 'gallery')
  await (await browser.$('[data-testid="gallery-item"]')).click()
  await (await byTestId(browser, 'viewer')).waitForDisplayed({ timeout: 15_000 })
  await click(browser, 'viewer-copy-image')
  await until(browser, 'the copied toast', async () => /Image copied/.test(await textOf(browser, 'toast')))
  await click(browser, 'viewer-close')
  await goTo(browser, 'generator')
  // The system clipboard holds the pixels (the app put them there); Ctrl+V in the prompt pastes them as a file.
  await click(browser, 'prompt-input')
  await browser.keys(['Control', 'v'])
  await until(browser, 'the pasted input image', async () => (await browser.$$('[data-testid="input-image"]')).length === 1)
  await until(browser, 'its thumbnail', () => imagesLoaded(browser, '[data-testid="input-image"] img'))
  await screenshot(browser, 'studio-pasted-input')
  await click(browser, 'input-image-remove')
  await until(browser, 'the input removed', async () => (await browser.$$('[data-testid="input-image"]')).length === 0)
})

test('nf:// serves the open profile\'s images by id, and nothing else', async () => {
  await goTo(browser, 'gallery')
  const id = await until(browser, 'a gallery tile', async () => browser.execute(
    () => document.querySelector('[data-testid="gallery-item"]')?.dataset.id ?? null))
  // The same way the page builds them (ui/src/api/platform.ts): the scheme's base from Tauri, then the path.
  const result = await browser.executeAsync((imageId, done) => {
    const base = window.__TAURI_INTERNALS__.convertFileSrc('', 'nf')
    const load = (path) => new Promise((resolve) => {
      const img = new Image()
      img.onload = () => resolve('loaded')
      img.onerror = () => resolve('refused')
      img.src = `${base}${path}`
    })
    Promise.all([
      `local/thumb/${imageId}`, `local/original/${imageId}`,
      // Another profile's URL, an unknown id, and something that is not an image kind.
      `g-000000000000000000000000/thumb/${imageId}`, 'local/thumb/no-such-image', `local/library.sqlite/${imageId}`,
    ].map(load)).then(done)
  }, id)
  assert.deepEqual(result, ['loaded', 'loaded', 'refused', 'refused', 'refused'])
})

test('a task the service fails shows the service message', async () => {
  await goTo(browser, 'generator')
  await typePrompt('@fake{"outcome":"generationFailed","errorMessage":"flagged by the fake service"} a forbidden thing')
  const id = await startJob(browser)
  await followJob(browser, id, 'failed')
  const error = await browser.$(`[data-testid="${id}"] [data-testid="job-error"]`)
  await error.waitForDisplayed({ timeout: 15_000 })
  assert.match(await error.getText(), /flagged by the fake service/)
  await screenshot(browser, 'studio-failed')
  await goTo(browser, 'history')
  await until(browser, 'two history rows', async () => (await browser.$$('[data-testid="history-row"]')).length === 2)
  const statuses = await browser.execute(() => [...document.querySelectorAll('[data-testid="history-row"]')].map((r) => r.dataset.status))
  assert.deepEqual(statuses.sort(), ['COMPLETED', 'FAILED'])
})

test('offline after a restart: gallery, search and the full image still work; generating explains why not', async () => {
  await fake.stop()
  fake = null
  await browser.deleteSession()
  browser = await openApp()
  await until(browser, 'the dashboard on start', async () => (await browser.$('[data-testid="stat-images"]')).isExisting())
  await goTo(browser, 'gallery')
  await until(browser, 'the tile offline', () => imagesLoaded(browser, '[data-testid="gallery-item"] img'))
  await (await byTestId(browser, 'gallery-search')).setValue('basalt lighthouse')
  await until(browser, 'the search hit offline', async () => (await browser.$$('[data-testid="gallery-item"]')).length === 1)
  await (await browser.$('[data-testid="gallery-item"]')).click()
  await until(browser, 'the full image offline', () => imagesLoaded(browser, '[data-testid="viewer-image"]'))
  await screenshot(browser, 'studio-offline-viewer')
  await click(browser, 'viewer-close')

  await goTo(browser, 'generator')
  await typePrompt('a picture while offline')
  await click(browser, 'generate-button')
  // Either the queue records the job and it fails, or the credit check refuses it at once.
  const message = await until(browser, 'an error in the UI', async () => {
    for (const id of ['job-error', 'generate-error']) {
      const el = await byTestId(browser, id)
      if ((await el.isExisting()) && (await el.isDisplayed())) return el.getText()
    }
    return null
  }, 90_000)
  assert.match(message, /network|connect|reach|offline/i)
  await screenshot(browser, 'studio-offline-error')
})
