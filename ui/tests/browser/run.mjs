// Browser tests of the built UI (test build with mocked IPC) in Debian's chromium, at desktop and
// phone widths. Screenshots go to tests/browser/screenshots/ (git-ignored): look at them.
import { chromium } from 'playwright-core'
import { spawn } from 'node:child_process'
import { mkdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { createServer } from 'node:net'
import assert from 'node:assert/strict'

const here = new URL('.', import.meta.url).pathname
const uiDir = join(here, '../..')
const shots = join(here, 'screenshots')
mkdirSync(shots, { recursive: true })
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
if (!existsSync(CHROMIUM)) {
  console.error(`browser tests: ${CHROMIUM} is missing (apt-get install chromium)`)
  process.exit(1)
}

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) })
})

const port = await freePort()
const server = spawn(join(uiDir, 'node_modules/.bin/vite'),
  ['preview', '--outDir', 'dist-test', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
  { cwd: uiDir, stdio: ['ignore', 'ignore', 'inherit'] })
// Nothing here may hang a CI run: a watchdog ends everything after three minutes.
const watchdog = setTimeout(() => { console.error('browser tests: watchdog timeout'); server.kill(); process.exit(1) }, 180_000)
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

const views = [['home', 'Welcome to Nanoforge'], ['dashboard', 'Dashboard'], ['generator', 'Generator'],
  ['gallery', 'Gallery'], ['history', 'History'], ['analytics', 'Analytics'], ['settings', 'Settings']]
const widths = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } }
let passed = 0
let failed = 0
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok - ${name}`) } catch (e) { failed++; console.log(`not ok - ${name}\n  ${e.message}`) }
}

try {
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await browser.newPage({ viewport })
    const errors = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
    await page.goto(base)
    await check(`${label}: home shows the core facts from IPC`, async () => {
      await page.getByTestId('core-version').waitFor({ timeout: 10_000 })
      assert.equal(await page.getByTestId('core-version').textContent(), '0.0.0-mock')
      assert.equal((await page.getByTestId('core-library').textContent()).trim(), '/mock/profiles/local')
    })
    for (const [route, heading] of views) {
      await check(`${label}: ${route} view`, async () => {
        await page.getByTestId(`nav-${route}`).click()
        await page.locator('main h1', { hasText: heading }).waitFor({ timeout: 5_000 })
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)
        assert.equal(overflow, false, 'page scrolls horizontally')
        await page.screenshot({ path: join(shots, `${route}-${label}.png`), fullPage: true })
      })
    }
    await check(`${label}: no console errors`, async () => assert.deepEqual(errors, []))
    await page.close()
  }
} finally {
  await browser.close()
  server.kill()
  clearTimeout(watchdog)
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
