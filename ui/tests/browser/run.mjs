// Browser tests of the built UI (test build with mocked IPC, see src/mocks/) in Debian's chromium,
// at desktop and phone widths. Each file in specs/ exports `default async (ctx)` and registers its
// checks with `ctx.check`. Screenshots go to tests/browser/screenshots/ (git-ignored): look at them.
//   BROWSER_SPECS=gallery,generator  runs only those spec files
//   BROWSER_DIST=dist-test-x         serves another test build folder (default dist-test)
import { chromium } from 'playwright-core'
import { spawn } from 'node:child_process'
import { mkdirSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createServer } from 'node:net'

const here = new URL('.', import.meta.url).pathname
const uiDir = join(here, '../..')
const shots = join(here, 'screenshots')
mkdirSync(shots, { recursive: true })
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
if (!existsSync(CHROMIUM)) {
  console.error(`browser tests: ${CHROMIUM} is missing (apt-get install chromium)`)
  process.exit(1)
}
const dist = process.env.BROWSER_DIST || 'dist-test'
const only = (process.env.BROWSER_SPECS || '').split(',').filter(Boolean)
const specFiles = readdirSync(join(here, 'specs')).filter((f) => f.endsWith('.mjs'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.mjs$/, ''))).sort()

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) })
})

const port = await freePort()
const server = spawn(join(uiDir, 'node_modules/.bin/vite'),
  ['preview', '--outDir', dist, '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
  { cwd: uiDir, stdio: ['ignore', 'ignore', 'inherit'] })
// Nothing here may hang a CI run: a watchdog ends everything after ten minutes.
const watchdog = setTimeout(() => { console.error('browser tests: watchdog timeout'); server.kill(); process.exit(1) }, 600_000)
const base = `http://127.0.0.1:${port}/`
for (const deadline = Date.now() + 20_000; ;) {
  try { if ((await fetch(base)).ok) break } catch { /* not listening yet */ }
  if (Date.now() > deadline) { server.kill(); throw new Error('vite preview did not start') }
  await new Promise((r) => setTimeout(r, 100))
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  // Playwright gives every launch a fresh temporary profile of its own.
  timeout: 30_000,
})

let passed = 0
let failed = 0
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok - ${name}`) } catch (e) { failed++; console.log(`not ok - ${name}\n  ${e.stack ?? e.message}`) }
}

/**
 * A fresh page at `width`, collecting page errors and console errors. `path` is a hash route; `options`
 * go to playwright's newPage (e.g. `{ colorScheme: 'dark' }`, which the app's "system" theme follows).
 */
async function openPage(viewport, path = '/', query = '', options = {}) {
  const page = await browser.newPage({ viewport, ...options })
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  await page.goto(`${base}${query}#${path}`)
  page.errors = errors
  return page
}

/**
 * Waits until the page has stopped moving: fonts loaded, every <img> decoded, every finite CSS animation or
 * transition finished (spinners and pulses loop forever and are left alone) and every chart drawn.
 */
async function settle(page, timeout = 5_000) {
  await page.waitForFunction(() => {
    const fonts = document.fonts.status === 'loaded'
    const images = [...document.images].every((img) => img.complete)
    const moving = document.getAnimations().some((a) => a.playState === 'running'
      && a.effect?.getComputedTiming().endTime !== Infinity)
    const charts = [...document.querySelectorAll('canvas')].every((c) => c.dataset.drawn !== 'false')
    return fonts && images && !moving && charts
  }, null, { timeout, polling: 'raf' })
}

const widths = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } }
const ctx = {
  browser, base, check, shots, widths, openPage, settle,
  shot: (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true }),
  noHorizontalOverflow: (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
}

try {
  for (const file of specFiles) {
    console.log(`# ${file}`)
    const spec = await import(join(here, 'specs', file))
    await spec.default(ctx)
  }
} finally {
  await browser.close()
  server.kill()
  clearTimeout(watchdog)
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
