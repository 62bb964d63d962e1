// The gallery benchmark (`make bench`, scripts/bench-gallery.sh): the release app in a real window over a
// library of $NANOFORGE_E2E_IMAGES synthetic images with a thousand distinct thumbnails. Every time is taken
// inside the page (performance marks, load events and a MutationObserver, img.decode()); WebDriver only starts
// each measurement and fetches its result. Writes $NANOFORGE_BENCH_OUT (target/bench/gallery.json) and prints
// it. It asserts only that the measurement ran: the goals are compared in BENCHMARKS.md, not here.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { openApp, until } from '../lib/app.mjs'

const IMAGES = Number(process.env.NANOFORGE_E2E_IMAGES)
const OUT = process.env.NANOFORGE_BENCH_OUT
const APP = realpathSync(process.env.NANOFORGE_APP_BIN)
const CLK_TCK = 100
let browser
before(async () => { browser = await openApp() })
after(async () => { await browser?.deleteSession() })

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function stat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return text.slice(text.lastIndexOf(')') + 2).split(' ')
}
const pids = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number)
function exeOf(pid) { try { return readlinkSync(`/proc/${pid}/exe`) } catch { return null } }
function commOf(pid) { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() } catch { return null } }
function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))
  return line ? Number(line.split(/\s+/)[1]) / 1024 : 0
}
/** The newest process running the app binary. */
function appPid() {
  const mine = pids().filter((p) => exeOf(p) === APP)
  assert.ok(mine.length > 0, `no process runs ${APP}`)
  return mine.sort((a, b) => Number(stat(b)[19]) - Number(stat(a)[19]))[0]
}
/** When a process started, in epoch milliseconds (10 ms resolution). */
function startedAtMs(pid) {
  const uptimeS = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0])
  const bootMs = Date.now() - uptimeS * 1000
  return bootMs + (Number(stat(pid)[19]) / CLK_TCK) * 1000
}
/** WebKit's web content processes started by the app (its children, or theirs). */
function webProcesses(app) {
  const parent = new Map(pids().map((p) => { try { return [p, Number(stat(p)[1])] } catch { return [p, 0] } }))
  const descends = (p) => { for (let q = parent.get(p); q > 1; q = parent.get(q)) if (q === app) return true; return false }
  return [...parent.keys()].filter((p) => commOf(p)?.startsWith('WebKitWebProces') && descends(p))
}
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

test(`gallery benchmark over ${IMAGES} images`, async () => {
  await browser.setTimeout({ script: 30 * 60_000 })
  const app = appPid()
  const processStart = startedAtMs(app)
  // Home marks itself once its figures and recent images are painted (ui/src/lib/warmup.ts). A build from
  // before that mark (a re-baseline of an old commit, NANOFORGE_BENCH_NO_MARK=1) has no cold start figure.
  let coldStartMs = null
  let coldStartParts = null
  if (process.env.NANOFORGE_BENCH_NO_MARK === '1') {
    await until(browser, 'the app', () => browser.execute(() => !!document.querySelector('[data-testid="nav-gallery"]')), 60_000)
  } else {
    const homePaintedAt = await until(browser, 'Home painted', () => browser.execute(() => {
      const mark = performance.getEntriesByName('nanoforge:home-painted')[0]
      return mark ? performance.timeOrigin + mark.startTime : 0
    }), 60_000)
    coldStartMs = homePaintedAt - processStart
    // Where the start's time goes: process start → the page's navigation (the native side and the web
    // view's start), then inside the page (navigation timing, then Home's mark).
    const page = await browser.execute(() => {
      const nav = performance.getEntriesByType('navigation')[0]
      const marks = Object.fromEntries(performance.getEntriesByType('mark')
        .filter((m) => m.name.startsWith('nanoforge:')).map((m) => [m.name.slice('nanoforge:'.length), m.startTime]))
      return { origin: performance.timeOrigin, dcl: nav?.domContentLoadedEventEnd ?? null, marks }
    })
    // Milliseconds from the page's start: its script, the app mounted, Home's figures, recent images and the
    // provider's balance in (the balance does not hold Home's mark back), Home painted.
    coldStartParts = { native_ms: Math.round(page.origin - processStart) }
    if (page.dcl != null) coldStartParts.dom_content_loaded_ms = Math.round(page.dcl)
    for (const [name, at] of Object.entries(page.marks)) coldStartParts[`${name.replaceAll('-', '_')}_ms`] = Math.round(at)
  }

  // The web process's memory at each stage, to tell what the scroll adds to what Home and one screen cost.
  const webRssMb = () => Math.round(webProcesses(appPid()).reduce((sum, p) => sum + rssMb(p), 0))
  const webRssHome = webRssMb()

  // Click on Gallery → the first screen of thumbnails loaded and decoded, then painted.
  const first = await browser.executeAsync((done) => {
    const t0 = performance.now()
    let finished = false
    const visible = () => {
      const grid = document.querySelector('[data-testid="gallery-grid"]')
      if (!grid) return null
      const box = grid.getBoundingClientRect()
      return [...grid.querySelectorAll('[data-testid="gallery-item"] img')]
        .filter((i) => { const r = i.getBoundingClientRect(); return r.bottom > box.top && r.top < box.bottom })
    }
    const check = () => {
      const imgs = visible()
      if (finished || !imgs || imgs.length === 0 || !imgs.every((i) => i.complete && i.naturalWidth > 0)) return
      finished = true
      observer.disconnect()
      document.removeEventListener('load', check, true)
      Promise.all(imgs.map((i) => i.decode().catch(() => null)))
        .then(() => requestAnimationFrame(() => done({ ms: performance.now() - t0, tiles: imgs.length })))
    }
    const observer = new MutationObserver(check)
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['src'] })
    document.addEventListener('load', check, true)
    document.querySelector('[data-testid="nav-gallery"]').click()
  })

  const webRssFirstScreen = webRssMb()

  // Scroll to the end one page at a time: each step jumps to the bottom and ends when the next page is in the
  // list and every tile on screen is decoded.
  const scroll = await browser.executeAsync((done) => {
    const grid = document.querySelector('[data-testid="gallery-grid"]')
    const pages = []
    // Per page, also when its records were in the list (the listing and the render, before any thumbnail).
    const listed = []
    const started = performance.now()
    const visibleImgs = () => {
      const box = grid.getBoundingClientRect()
      return [...grid.querySelectorAll('[data-testid="gallery-item"] img')]
        .filter((i) => { const r = i.getBoundingClientRect(); return r.bottom > box.top && r.top < box.bottom })
    }
    const step = () => {
      if (grid.dataset.complete === 'true') return finish()
      const before = Number(grid.dataset.loaded)
      const t0 = performance.now()
      let settled = false
      let listedAt = null
      const check = () => {
        if (settled) return
        const grew = Number(grid.dataset.loaded) > before || grid.dataset.complete === 'true'
        if (grew && listedAt == null) listedAt = performance.now()
        const imgs = visibleImgs()
        if (!grew || !imgs.every((i) => i.complete && i.naturalWidth > 0)) return
        settled = true
        observer.disconnect()
        grid.removeEventListener('load', check, true)
        Promise.all(imgs.map((i) => i.decode().catch(() => null))).then(() => {
          pages.push(performance.now() - t0)
          listed.push(listedAt - t0)
          // The next step starts on the next frame, as a person's next flick would.
          requestAnimationFrame(step)
        })
      }
      const observer = new MutationObserver(check)
      observer.observe(grid, { childList: true, subtree: true, attributes: true, attributeFilter: ['src', 'data-loaded', 'data-complete'] })
      grid.addEventListener('load', check, true)
      grid.scrollTop = grid.scrollHeight
      check()
    }
    const finish = () => done({ pages, listed, totalMs: performance.now() - started, loaded: Number(grid.dataset.loaded) })
    step()
  })
  // The batch's 500 demo images are in the library too.
  assert.equal(scroll.loaded, IMAGES + (process.env.NANOFORGE_BENCH_BATCH_ID ? 500 : 0), 'every image reached')

  const webRssAfterScroll = webRssMb()

  // A finished batch of 500 (run.sh made it): from the link → its grid's first screen decoded.
  let batchGridMs = null
  let batchCells = null
  let batchScreens = null
  if (process.env.NANOFORGE_BENCH_BATCH_ID) {
    batchGridMs = await browser.executeAsync((id, done) => {
      const t0 = performance.now()
      let finished = false
      const check = () => {
        const view = document.querySelector('[data-testid="batch-view"]')
        if (finished || !view || view.dataset.state !== 'completed') return
        const imgs = [...document.querySelectorAll('[data-testid="batch-cell"] img')]
          .filter((i) => { const r = i.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight })
        if (imgs.length === 0 || !imgs.every((i) => i.complete && i.naturalWidth > 0)) return
        finished = true
        observer.disconnect()
        document.removeEventListener('load', check, true)
        Promise.all(imgs.map((i) => i.decode().catch(() => null))).then(() => requestAnimationFrame(() => done(performance.now() - t0)))
      }
      const observer = new MutationObserver(check)
      observer.observe(document.body, { childList: true, subtree: true, attributes: true })
      document.addEventListener('load', check, true)
      location.hash = `#/batches/${id}`
    }, process.env.NANOFORGE_BENCH_BATCH_ID)
    batchCells = await browser.execute(() => document.querySelectorAll('[data-testid="batch-cell"]').length)
    // Then down the grid a screen at a time: each step ends when rendered rows cover the screen again and every
    // thumbnail on it is decoded (the gallery's page, for a grid scrolled by the window), checked every frame.
    // Forty screens per WebDriver call keep each call short.
    batchScreens = []
    for (let more = true; more;) {
      const chunk = await browser.executeAsync((done) => {
        const steps = []
        const covered = () => {
          const rows = [...document.querySelectorAll('[data-testid="batch-row"]')].map((r) => r.getBoundingClientRect())
            .filter((r) => r.bottom > 0 && r.top < innerHeight)
          if (rows.length === 0) return false
          const gridBottom = document.querySelector('[data-testid="batch-grid"]').getBoundingClientRect().bottom
          return Math.min(...rows.map((r) => r.top)) <= 16 && Math.max(...rows.map((r) => r.bottom)) >= Math.min(innerHeight, gridBottom) - 16
        }
        const visibleImgs = () => [...document.querySelectorAll('[data-testid="batch-cell"] img')]
          .filter((i) => { const r = i.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight })
        const atEnd = () => scrollY >= document.documentElement.scrollHeight - innerHeight - 1
        const step = () => {
          if (atEnd() || steps.length >= 40) return done({ steps, end: atEnd() })
          const t0 = performance.now()
          const check = () => {
            const imgs = visibleImgs()
            const ready = covered() && imgs.every((i) => i.complete && i.naturalWidth > 0)
            // A screen that never settles is recorded at its 5 s rather than stalling the benchmark.
            if (!ready && performance.now() - t0 < 5000) return requestAnimationFrame(check)
            Promise.all(imgs.map((i) => i.decode().catch(() => null)))
              .then(() => requestAnimationFrame(() => { steps.push(performance.now() - t0); requestAnimationFrame(step) }))
          }
          window.scrollBy(0, innerHeight)
          requestAnimationFrame(check)
        }
        step()
      })
      batchScreens.push(...chunk.steps)
      more = !chunk.end && chunk.steps.length > 0
    }
  }
  const webRssAfterBatch = batchGridMs == null ? null : webRssMb()
  const app2 = appPid()
  const web = webProcesses(app2)
  assert.ok(web.length > 0, 'a web process was found')

  const sorted = [...scroll.pages].sort((a, b) => a - b)
  const listedSorted = [...scroll.listed].sort((a, b) => a - b)
  const round = (x) => Math.round(x * 10) / 10
  const report = {
    images: IMAGES,
    distinct_thumbnails: Number(process.env.NANOFORGE_BENCH_DISTINCT ?? 1000),
    build: process.env.NANOFORGE_BENCH_BUILD ?? 'release',
    commit: process.env.NANOFORGE_BENCH_COMMIT ?? null,
    first_paint_ms: round(first.ms),
    first_screen_tiles: first.tiles,
    page_ms_p50: round(percentile(sorted, 50)),
    page_ms_p95: round(percentile(sorted, 95)),
    pages: sorted.length,
    page_listed_ms_p50: round(percentile(listedSorted, 50)),
    page_listed_ms_p95: round(percentile(listedSorted, 95)),
    scroll_total_ms: Math.round(scroll.totalMs),
    cold_start_ms: coldStartMs == null ? null : Math.round(coldStartMs),
    cold_start_parts: coldStartParts,
    batch_grid_500_ms: batchGridMs == null ? null : Math.round(batchGridMs),
    batch_grid_cells_in_dom: batchCells,
    batch_grid_screens: batchScreens?.length ?? null,
    batch_grid_screen_ms_p50: batchScreens?.length ? round(percentile([...batchScreens].sort((a, b) => a - b), 50)) : null,
    batch_grid_screen_ms_p95: batchScreens?.length ? round(percentile([...batchScreens].sort((a, b) => a - b), 95)) : null,
    web_rss_mb_home: webRssHome,
    web_rss_mb_first_screen: webRssFirstScreen,
    web_rss_mb_after_scroll: webRssAfterScroll,
    web_rss_mb_after_batch_grid: webRssAfterBatch,
    app_rss_mb_after_scroll: Math.round(rssMb(app2)),
  }
  console.log(`gallery benchmark: ${JSON.stringify(report)}`)
  mkdirSync(dirname(OUT), { recursive: true })
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`)
})
