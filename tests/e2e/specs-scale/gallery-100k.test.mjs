// A library of 100k images (seeded through the core by `nanoforge seed-synthetic`): the Gallery
// opens, scrolls to the very end without errors, and we report how long its first paint took.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openApp, screenshot, until, byTestId, imagesLoaded, SCREENSHOTS } from '../lib/app.mjs'

// The shell logs each file it serves at debug level (run.sh turns that on for this suite).
const LOG = join(process.env.NANOFORGE_DATA_DIR, 'logs', 'nanoforge.log')
/** How many times the shell served each of `paths` (request paths of nf:// URLs). */
function timesServed(paths) {
  const lines = readFileSync(LOG, 'utf8').split('\n').filter((l) => l.includes('image served'))
  return paths.map((p) => lines.filter((l) => l.includes(`"${p}"`)).length)
}
const thumbSrcs = (browser) => browser.execute(() => [...document.querySelectorAll('[data-testid="gallery-item"] img')].map((i) => i.getAttribute('src')))

const EXPECTED = Number(process.env.NANOFORGE_E2E_IMAGES)
let browser
before(async () => { browser = await openApp() })
after(async () => { await browser?.deleteSession() })

test(`the gallery of ${EXPECTED} images paints fast and scrolls to the end`, async () => {
  await until(browser, 'the app', async () => (await byTestId(browser, 'nav-gallery')).isExisting())
  // Time from the click to the first thumbnails decoded on screen, measured inside the page.
  await browser.execute(() => { window.__galleryClick = performance.now() })
  await (await byTestId(browser, 'nav-gallery')).click()
  await until(browser, 'the first thumbnails', () => imagesLoaded(browser, '[data-testid="gallery-item"] img'))
  const firstPaintMs = await browser.execute(() => performance.now() - window.__galleryClick)
  await screenshot(browser, 'scale-gallery-top')

  // Thumbnails are content-addressed and cached by the web view: scrolling back over pages already
  // seen asks the shell for none of them again.
  const grid = await byTestId(browser, 'gallery-grid')
  const firstScreen = (await thumbSrcs(browser)).map((src) => decodeURIComponent(new URL(src).pathname))
  for (const path of firstScreen) assert.match(path, /^\/[^/]+\/[0-9a-f]{32}\/thumb\/[0-9a-f]{64}$/)
  await until(browser, 'the first screen served', async () => timesServed(firstScreen).every((n) => n >= 1))
  assert.deepEqual(timesServed(firstScreen), firstScreen.map(() => 1), 'each first-screen thumbnail served once')
  for (let screen = 1; screen <= 6; screen++) {
    await browser.execute((el, k) => { el.scrollTop = el.clientHeight * k }, grid, screen)
    await until(browser, `screen ${screen} decoded`, () => imagesLoaded(browser, '[data-testid="gallery-item"] img'))
  }
  const seenLower = await thumbSrcs(browser)
  assert.ok(seenLower.every((src) => !firstScreen.includes(decodeURIComponent(new URL(src).pathname))), 'scrolled past the first screen')
  await browser.execute((el) => { el.scrollTop = 0 }, grid)
  await until(browser, 'the first screen again', () => imagesLoaded(browser, '[data-testid="gallery-item"] img'))
  assert.deepEqual(timesServed(firstScreen), firstScreen.map(() => 1), 'scrolling back refetched no thumbnail')

  const started = Date.now()
  let loaded = 0
  let scrolls = 0
  while ((await grid.getAttribute('data-complete')) !== 'true') {
    await browser.execute((el) => { el.scrollTop = el.scrollHeight }, grid)
    scrolls++
    const before = loaded
    loaded = await until(browser, `more than ${before} images`, async () => {
      const n = Number(await grid.getAttribute('data-loaded'))
      return n > before || (await grid.getAttribute('data-complete')) === 'true' ? n : 0
    }, 30_000)
  }
  const scrollMs = Date.now() - started
  await browser.execute((el) => { el.scrollTop = el.scrollHeight }, grid)
  assert.equal(Number(await grid.getAttribute('data-loaded')), EXPECTED)
  await until(browser, 'the last thumbnails', () => imagesLoaded(browser, '[data-testid="gallery-item"] img'))
  const domTiles = (await browser.$$('[data-testid="gallery-item"]')).length
  assert.ok(domTiles < 1000, `virtualised: ${domTiles} tiles in the DOM`)
  const errors = await browser.execute(() => document.querySelectorAll('[data-testid="gallery-error"]').length)
  assert.equal(errors, 0)
  await screenshot(browser, 'scale-gallery-end')

  const report = { images: EXPECTED, firstPaintMs: Math.round(firstPaintMs), scrollToEndMs: scrollMs, scrolls, domTiles }
  console.log(`gallery at scale: ${JSON.stringify(report)}`)
  writeFileSync(join(SCREENSHOTS, 'scale-report.json'), `${JSON.stringify(report, null, 2)}\n`)
})
