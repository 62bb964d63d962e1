// The Gallery at both widths: the virtualised grid and its paging, search, the viewer with keyboard
// navigation, favourite, delete + undo, select → compare and export, the trash, a dropped file's
// metadata, the lineage in the viewer, state kept when coming back, and a 1,000-image library that keeps
// the DOM small with the real count in the header.
import assert from 'node:assert/strict'

const liveCount = (page) => page.evaluate(() => window.__NANOFORGE_MOCK__.images.filter((i) => i.deletedAt == null).length)
const grid = (page) => page.getByTestId('gallery-grid')
const tiles = (page) => page.getByTestId('gallery-item')

async function waitComplete(page, loaded) {
  await page.waitForFunction((n) => {
    const g = document.querySelector('[data-testid="gallery-grid"]')
    return g && g.dataset.complete === 'true' && (n == null || Number(g.dataset.loaded) === n)
  }, loaded, { timeout: 10_000 })
}

/** Scrolls the grid down until the last page is in; returns the most tiles the DOM held at once. */
async function scrollToEnd(page) {
  let maxTiles = 0
  for (let i = 0; i < 200; i++) {
    const state = await page.evaluate(() => {
      const g = document.querySelector('[data-testid="gallery-grid"]')
      g.scrollTop = g.scrollHeight
      return { complete: g.dataset.complete === 'true', tiles: g.querySelectorAll('[data-testid="gallery-item"]').length, loaded: g.dataset.loaded }
    })
    maxTiles = Math.max(maxTiles, state.tiles)
    if (state.complete) break
    // The next page has come in (or the list is complete) before scrolling further.
    await page.waitForFunction((before) => {
      const g = document.querySelector('[data-testid="gallery-grid"]')
      return g.dataset.complete === 'true' || g.dataset.loaded !== before
    }, state.loaded, { timeout: 5_000 })
  }
  return maxTiles
}

/** Resolves once every IPC call made before it has answered (the mock core answers in order). */
const ipcRoundTrip = (page) => page.evaluate(() => window.__TAURI_INTERNALS__.invoke('app_info'))

async function dragFile(page, name, size, types) {
  await page.evaluate(({ name, size, types }) => {
    const dt = new DataTransfer()
    dt.items.add(new File([new Uint8Array(size).fill(7)], name, { type: 'image/png' }))
    window.__dropData = dt
    for (const type of types) {
      document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }))
    }
  }, { name, size, types })
}

export default async function ({ check, widths, openPage, shot, settle, noHorizontalOverflow }) {
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/gallery')
    await page.waitForFunction(() => window.__NANOFORGE_MOCK__)
    let total = await liveCount(page)

    await check(`${label}: gallery grid renders every image of the mock with thumbnails`, async () => {
      await waitComplete(page, total)
      assert.ok(total >= 30, `mock has ${total} images`)
      await tiles(page).first().waitFor()
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="gallery-item"] img')]
        .slice(0, 6).every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 5000 })
      const columns = Number(await grid(page).getAttribute('data-columns'))
      if (label === 'phone') assert.equal(columns, 3)
      else assert.ok(columns >= 4, `desktop columns ${columns}`)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      // The grid scrolls, not the page: the view fits the window.
      assert.ok(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1), 'page scrolls vertically')
      await shot(page, `gallery-grid-${label}`)
    })

    await check(`${label}: arrow keys move between tiles; only one tile is in the Tab order`, async () => {
      const columns = Number(await grid(page).getAttribute('data-columns'))
      assert.equal(await page.locator('[data-testid="gallery-item"][tabindex="0"]').count(), 1)
      await tiles(page).first().focus()
      await page.keyboard.press('ArrowRight')
      await page.keyboard.press('ArrowDown')
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.index), String(1 + columns))
      assert.equal(await page.locator('[data-testid="gallery-item"][tabindex="0"]').getAttribute('data-index'), String(1 + columns))
      await page.keyboard.press('Control+End')
      await page.waitForFunction((n) => document.activeElement?.dataset.index === String(n - 1), total)
      await page.keyboard.press('Control+Home')
      await page.waitForFunction(() => document.activeElement?.dataset.index === '0')
    })

    if (label === 'desktop') {
      await check('desktop: a narrower window re-flows the grid into fewer columns', async () => {
        const before = Number(await grid(page).getAttribute('data-columns'))
        await page.setViewportSize({ width: 900, height: 800 })
        await page.waitForFunction((b) => Number(document.querySelector('[data-testid="gallery-grid"]').dataset.columns) < b, before)
        assert.ok(await noHorizontalOverflow(page))
        await page.setViewportSize(viewport)
        await page.waitForFunction((b) => Number(document.querySelector('[data-testid="gallery-grid"]').dataset.columns) === b, before)
      })
    }

    await check(`${label}: search narrows the results and an empty search says so`, async () => {
      await page.getByTestId('gallery-search').fill('fox')
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="gallery-grid"]').dataset.loaded) < n, total)
      const labels = await tiles(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))
      assert.ok(labels.length > 0 && labels.every((l) => /fox/i.test(l)), labels.join(' | '))
      await page.getByTestId('gallery-search').fill('zzzqqq')
      await page.getByTestId('gallery-no-results').waitFor()
      assert.match(await page.getByTestId('gallery-no-results').textContent(), /No results for “zzzqqq”/)
      await shot(page, `gallery-no-results-${label}`)
      await page.getByTestId('gallery-clear-filters').click()
      await waitComplete(page, total)
      assert.equal(await page.getByTestId('gallery-search').inputValue(), '')
    })

    await check(`${label}: filters narrow by size and favourites`, async () => {
      if (label === 'phone') await page.getByRole('button', { name: 'Filters' }).click()
      await page.getByTestId('filter-size').selectOption('512')
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="gallery-grid"]').dataset.loaded) < n, total)
      const fast = await page.evaluate(() => window.__NANOFORGE_MOCK__.images.filter((i) => i.deletedAt == null && i.imageSize === '512').length)
      await waitComplete(page, fast)
      await page.getByTestId('filter-favourites').click()
      const favFast = await page.evaluate(() => window.__NANOFORGE_MOCK__.images.filter((i) => i.deletedAt == null && i.imageSize === '512' && i.favourite).length)
      await page.waitForFunction((n) => {
        const g = document.querySelector('[data-testid="gallery-grid"]')
        return g.dataset.complete === 'true' && Number(g.dataset.loaded) === n && document.querySelector('[data-testid="filter-favourites"]').getAttribute('aria-pressed') === 'true'
      }, favFast)
      if (label === 'phone') await shot(page, 'gallery-filters-phone')
      await page.getByTestId('filter-clear').click()
      await waitComplete(page, total)
      if (label === 'phone') await page.getByRole('button', { name: 'Filters' }).click()
    })

    await check(`${label}: an empty date filter reads "Any date"; a start date narrows the results`, async () => {
      if (label === 'phone') await page.getByRole('button', { name: 'Filters' }).click()
      const from = page.getByTestId('filter-from')
      assert.equal(await from.getAttribute('type'), 'text')
      assert.equal(await from.getAttribute('placeholder'), 'Any date')
      await from.focus()
      assert.equal(await from.getAttribute('type'), 'date')
      await from.fill('2026-11-15')
      await from.blur()
      await page.waitForFunction((n) => {
        const g = document.querySelector('[data-testid="gallery-grid"]')
        return g.dataset.complete === 'true' && Number(g.dataset.loaded) > 0 && Number(g.dataset.loaded) < n
      }, total)
      assert.equal(await from.getAttribute('type'), 'date', 'a set date keeps the picker')
      await page.getByTestId('filter-clear').click()
      await waitComplete(page, total)
      if (label === 'phone') await page.getByRole('button', { name: 'Filters' }).click()
    })

    await check(`${label}: the viewer opens from the keyboard and ←/→ move through the images`, async () => {
      await grid(page).evaluate((g) => { g.scrollTop = 0 })
      const ids = await tiles(page).evaluateAll((els) => els.slice(0, 3).map((e) => e.dataset.id))
      await tiles(page).first().focus()
      await page.keyboard.press('Enter')
      const viewer = page.getByTestId('viewer')
      await viewer.waitFor()
      assert.equal(await viewer.getAttribute('data-id'), ids[0])
      assert.match(page.url(), new RegExp(`image=${ids[0]}`))
      await page.waitForFunction(() => document.querySelector('[data-testid="viewer-image"]')?.naturalWidth > 0)
      const meta = await page.getByTestId('viewer-meta').textContent()
      assert.match(meta, /Nano Banana/)
      assert.match(meta, /(1K|2K|4K) · \d+ × \d+/)
      assert.match(meta, /\$0\.\d/)
      assert.ok((await page.getByTestId('viewer-prompt').textContent()).trim().length > 10)
      await page.keyboard.press('ArrowRight')
      await page.waitForFunction((id) => document.querySelector('[data-testid="viewer"]')?.dataset.id === id, ids[1])
      await page.getByTestId('viewer-next').click()
      await page.waitForFunction((id) => document.querySelector('[data-testid="viewer"]')?.dataset.id === id, ids[2])
      await page.keyboard.press('ArrowLeft')
      await page.waitForFunction((id) => document.querySelector('[data-testid="viewer"]')?.dataset.id === id, ids[1])
      assert.ok(await page.getByTestId('viewer-prev').isEnabled())
      await page.locator('[data-testid="viewer-image"].ready').waitFor()
      await settle(page)
      await shot(page, `gallery-viewer-${label}`)
    })

    await check(`${label}: favourite and rating in the viewer`, async () => {
      const fav = page.getByTestId('viewer-favourite')
      const before = await fav.getAttribute('aria-pressed')
      await fav.click()
      await page.waitForFunction((b) => document.querySelector('[data-testid="viewer-favourite"]').getAttribute('aria-pressed') !== b, before)
      const id = await page.getByTestId('viewer').getAttribute('data-id')
      const stored = await page.evaluate((i) => window.__NANOFORGE_MOCK__.images.find((x) => x.id === i).favourite, id)
      assert.equal(String(stored), before === 'true' ? 'false' : 'true')
      await page.getByTestId('viewer-rating').getByRole('button', { name: 'Rate 4 of 5' }).click()
      await page.waitForFunction(() => document.querySelector('[data-testid="viewer-rating"]').dataset.rating === '4')
      assert.equal(await page.evaluate((i) => window.__NANOFORGE_MOCK__.images.find((x) => x.id === i).rating, id), 4)
    })

    await check(`${label}: viewer file actions (copy, save as, open, reveal, drag out) confirm without errors`, async () => {
      for (const [button, text] of [['viewer-copy-prompt', 'Prompt copied'], ['viewer-copy-image', 'Image copied'], ['viewer-save', 'Saved']]) {
        await page.getByTestId(button).click()
        await page.getByTestId('toast').filter({ hasText: text }).waitFor()
      }
      await page.getByTestId('viewer-open').click()
      await page.getByTestId('viewer-reveal').click()
      // Dragging out starts on the button press (the native drag needs the button down), with this image's id.
      const id = await page.getByTestId('viewer').getAttribute('data-id')
      await page.getByTestId('viewer-drag-out').hover()
      await page.mouse.down()
      await page.mouse.up()
      await page.waitForFunction((i) => (window.__NANOFORGE_MOCK__.draggedOut ?? []).at(-1) === i, id)
      await ipcRoundTrip(page)
      assert.equal(await page.getByTestId('toast').filter({ hasText: 'did not work' }).count(), 0)
    })

    await check(`${label}: delete from the viewer moves to the next image; undo restores`, async () => {
      const id = await page.getByTestId('viewer').getAttribute('data-id')
      await page.getByTestId('viewer-delete').click()
      await page.getByTestId('toast').waitFor()
      assert.match(await page.getByTestId('toast').textContent(), /Moved 1 image to the trash/)
      await page.waitForFunction((i) => document.querySelector('[data-testid="viewer"]')?.dataset.id !== i, id)
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="gallery-grid"]').dataset.loaded) === n - 1, total)
      await page.getByTestId('toast-undo').click()
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="gallery-grid"]').dataset.loaded) === n, total)
      assert.equal(await page.evaluate((i) => window.__NANOFORGE_MOCK__.images.find((x) => x.id === i).deletedAt, id), null)
      await page.keyboard.press('Escape')
      await page.getByTestId('viewer').waitFor({ state: 'detached' })
      assert.doesNotMatch(page.url(), /image=/)
    })

    await check(`${label}: select two images → compare side by side and with the slider`, async () => {
      await page.getByTestId('select-mode').click()
      await tiles(page).nth(0).click()
      await tiles(page).nth(1).click()
      assert.match(await page.getByTestId('bulk-bar').textContent(), /2 images selected/)
      await page.getByTestId('bulk-compare').click()
      const compare = page.getByTestId('compare-view')
      await compare.waitFor()
      assert.equal(await page.getByTestId('compare-item').count(), 2)
      await settle(page)
      await shot(page, `gallery-compare-${label}`)
      await page.getByTestId('compare-mode-slider').click()
      const range = page.getByTestId('compare-range')
      await range.focus()
      await page.keyboard.press('ArrowRight')
      await page.keyboard.press('ArrowRight')
      assert.equal(await range.inputValue(), '52')
      await settle(page)
      await shot(page, `gallery-compare-slider-${label}`)
      await page.keyboard.press('Escape')
      await compare.waitFor({ state: 'detached' })
    })

    await check(`${label}: export the selection shows the confirmation`, async () => {
      await page.getByTestId('bulk-export').click()
      await page.getByTestId('toast').filter({ hasText: 'Exported 2 images' }).waitFor()
      await page.getByTestId('select-mode').click()
      assert.equal(await page.getByTestId('bulk-bar').count(), 0)
    })

    await check(`${label}: bulk delete goes to the trash, which restores per image`, async () => {
      await page.getByTestId('select-mode').click()
      const id = await tiles(page).nth(2).getAttribute('data-id')
      await tiles(page).nth(2).click()
      await page.getByTestId('bulk-delete').click()
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="gallery-grid"]').dataset.loaded) === n - 1, total)
      await page.getByTestId('select-mode').click()
      await page.getByTestId('view-trash').click()
      await page.waitForFunction(() => {
        const g = document.querySelector('[data-testid="gallery-grid"]')
        return g.dataset.complete === 'true' && g.dataset.loaded === '1'
      })
      assert.equal(await tiles(page).first().getAttribute('data-id'), id)
      assert.equal(await page.getByTestId('select-mode').getAttribute('aria-pressed'), 'false')
      assert.equal(await page.getByTestId('view-trash').getAttribute('aria-pressed'), 'true')
      await settle(page)
      await shot(page, `gallery-trash-${label}`)
      await page.getByTestId('gallery-item-restore').click()
      await page.getByTestId('gallery-trash-empty').waitFor()
      await page.getByTestId('view-trash').click()
      await waitComplete(page, total)
    })

    await check(`${label}: emptying the trash asks first, then deletes for good`, async () => {
      await page.getByTestId('select-mode').click()
      const id = await tiles(page).nth(0).getAttribute('data-id')
      await tiles(page).nth(0).click()
      await page.getByTestId('bulk-delete').click()
      await page.getByTestId('select-mode').click()
      await page.getByTestId('view-trash').click()
      await page.waitForFunction(() => document.querySelector('[data-testid="gallery-grid"]').dataset.loaded === '1')
      await page.getByTestId('empty-trash-button').click()
      await page.getByTestId('confirm-dialog').waitFor()
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'confirm-cancel')
      await shot(page, `gallery-empty-trash-confirm-${label}`)
      await page.getByTestId('confirm-ok').click()
      await page.getByTestId('gallery-trash-empty').waitFor()
      assert.equal(await page.evaluate((i) => window.__NANOFORGE_MOCK__.images.some((x) => x.id === i), id), false)
      await page.getByTestId('view-trash').click()
      total -= 1
      await waitComplete(page, total)
    })

    await check(`${label}: dropping an image file shows its generation settings; reuse opens the Generator`, async () => {
      await dragFile(page, 'castle.png', 64, ['dragenter', 'dragover'])
      await page.getByTestId('metadata-drop').waitFor()
      await settle(page)
      assert.match(await page.getByTestId('metadata-drop').textContent(), /Drop an image to read its generation settings/)
      await shot(page, `gallery-drop-overlay-${label}`)
      await page.evaluate(() => document.body.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: window.__dropData })))
      const panel = page.getByTestId('metadata-panel')
      await panel.waitFor()
      await page.waitForFunction(() => document.querySelector('[data-testid="metadata-panel"]').dataset.state === 'found')
      const text = await panel.textContent()
      for (const part of ['AUTOMATIC1111', 'a castle in the clouds, matte painting', 'blurry', 'sdxl_base', '1024 × 768', 'DPM++ 2M']) {
        assert.ok(text.includes(part), `panel lacks ${part}`)
      }
      await page.getByTestId('metadata-drop').waitFor({ state: 'detached' })
      await settle(page)
      await shot(page, `gallery-metadata-${label}`)
      await page.getByTestId('metadata-reuse').click()
      await page.waitForURL(/#\/generator/)
      await page.getByTestId('metadata-panel').waitFor({ state: 'detached' })
    })

    await check(`${label}: a file without settings says so`, async () => {
      await dragFile(page, 'tiny.png', 4, ['dragenter', 'dragover', 'drop'])
      await page.waitForFunction(() => document.querySelector('[data-testid="metadata-panel"]')?.dataset.state === 'none')
      assert.match(await page.getByTestId('metadata-panel').textContent(), /No generation settings found in this file/)
      await page.keyboard.press('Escape')
      await page.getByTestId('metadata-panel').waitFor({ state: 'detached' })
    })

    await check(`${label}: no horizontal overflow and no console errors`, async () => {
      assert.ok(await noHorizontalOverflow(page))
      assert.deepEqual(page.errors, [])
    })
    await page.close()

    await check(`${label}: /gallery?image=<id> opens the viewer on that image; remix goes to the Generator`, async () => {
      const p = await openPage(viewport, '/gallery?image=img-0005')
      await p.getByTestId('viewer').waitFor()
      assert.equal(await p.getByTestId('viewer').getAttribute('data-id'), 'img-0005')
      await p.getByTestId('viewer-remix').click()
      await p.waitForURL(/#\/generator/)
      await p.getByTestId('viewer').waitFor({ state: 'detached' })
      assert.deepEqual(p.errors, [])
      await p.close()
    })

    await check(`${label}: an empty library shows the empty state with Generate`, async () => {
      const p = await openPage(viewport, '/gallery', '?empty')
      await p.getByTestId('gallery-empty').waitFor()
      assert.equal(await grid(p).getAttribute('data-complete'), 'true')
      assert.equal(await grid(p).getAttribute('data-loaded'), '0')
      await shot(p, `gallery-empty-${label}`)
      await p.getByTestId('gallery-empty-generate').click()
      await p.waitForURL(/#\/generator/)
      assert.deepEqual(p.errors, [])
      await p.close()
    })

    await check(`${label}: dark theme`, async () => {
      const p = await openPage(viewport, '/gallery')
      await p.evaluate(() => localStorage.setItem('nanoforge.theme', 'dark'))
      await p.reload()
      await p.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
      await waitComplete(p)
      await settle(p)
      await shot(p, `gallery-grid-dark-${label}`)
      await tiles(p).nth(3).click()
      await p.getByTestId('viewer').waitFor()
      await p.locator('[data-testid="viewer-image"].ready').waitFor()
      await p.locator('[data-testid="job-family"][data-loaded="true"]').waitFor()
      await settle(p)
      await shot(p, `gallery-viewer-dark-${label}`)
      await p.evaluate(() => localStorage.removeItem('nanoforge.theme'))
      assert.deepEqual(p.errors, [])
      await p.close()
    })

    await check(`${label}: coming back keeps the filters, the selection and the scroll position`, async () => {
      const p = await openPage(viewport, '/gallery')
      await waitComplete(p)
      await p.getByTestId('gallery-search').fill('fox')
      await p.waitForFunction(() => document.querySelector('[data-testid="gallery-grid"]').dataset.loaded !== '0'
        && [...document.querySelectorAll('[data-testid="gallery-item"]')].every((t) => /fox/i.test(t.getAttribute('aria-label'))))
      await waitComplete(p)
      await p.getByTestId('gallery-search').fill('')
      await waitComplete(p, await liveCount(p))
      await p.getByTestId('select-mode').click()
      const picked = await tiles(p).nth(1).getAttribute('data-id')
      await tiles(p).nth(1).click()
      const top = await grid(p).evaluate((g) => { g.scrollTop = 160; return g.scrollTop })
      assert.ok(top > 0, 'the grid does not scroll at this size')
      await p.getByTestId('nav-history').click()
      await p.getByTestId('history-row').first().waitFor()
      await p.getByTestId('nav-gallery').click()
      await waitComplete(p)
      await p.waitForFunction((t) => document.querySelector('[data-testid="gallery-grid"]')?.scrollTop === t, top, { timeout: 5_000 })
      assert.match(await p.getByTestId('bulk-bar').textContent(), /1 image selected/)
      assert.equal(await p.locator(`[data-testid="gallery-item"][data-id="${picked}"]`).getAttribute('aria-pressed'), 'true')
      await p.getByTestId('select-mode').click()
      // Filters are kept too.
      await p.getByTestId('gallery-search').fill('fox')
      await p.waitForFunction(() => [...document.querySelectorAll('[data-testid="gallery-item"]')].every((t) => /fox/i.test(t.getAttribute('aria-label'))))
      await p.getByTestId('nav-history').click()
      await p.getByTestId('history-row').first().waitFor()
      await p.getByTestId('nav-gallery').click()
      assert.equal(await p.getByTestId('gallery-search').inputValue(), 'fox')
      assert.match(await p.getByTestId('gallery-count').textContent(), /of \d+ match/)
      assert.deepEqual(p.errors, [])
      await p.close()
    })

    await check(`${label}: what another window or device changes reaches the open Gallery in place, the scroll kept`, async () => {
      const p = await openPage(viewport, '/gallery')
      await waitComplete(p)
      const before = await liveCount(p)
      await p.getByTestId('gallery-count').filter({ hasText: `${before} images` }).waitFor({ timeout: 5_000 })
      const top = await grid(p).evaluate((g) => { g.scrollTop = 260; return g.scrollTop })
      await ipcRoundTrip(p)
      const statsBefore = await p.evaluate(() => window.__NANOFORGE_STATS_CALLS__ ?? 0)
      await p.waitForFunction(() => document.querySelectorAll('[data-testid="gallery-item"]').length > 4)
      // Two images on screen: one is favourited elsewhere, one trashed; a third, new, arrives above.
      const { fav, gone, added } = await p.evaluate(() => {
        const s = window.__NANOFORGE_MOCK__
        const shown = [...document.querySelectorAll('[data-testid="gallery-item"]')].map((t) => t.dataset.id)
        const record = (id) => s.images.find((i) => i.id === id)
        const fav = shown.find((id) => !record(id).favourite)
        const gone = shown.find((id) => id !== fav)
        record(fav).favourite = true
        record(gone).deletedAt = Date.UTC(2026, 10, 25, 13)
        const newest = s.images.reduce((a, i) => ((i.createdAt ?? 0) > (a.createdAt ?? 0) ? i : a))
        const added = { ...newest, id: 'img-from-the-phone', createdAt: (newest.createdAt ?? 0) + 60_000, favourite: false }
        s.images.push(added)
        window.__NANOFORGE_LIBRARY_CHANGED__({ images: { updated: [fav, gone], added: [added.id] }, stats: true })
        return { fav, gone, added: added.id }
      })
      await p.locator(`[data-testid="gallery-item"][data-id="${gone}"]`).waitFor({ state: 'detached', timeout: 5_000 })
      await p.locator(`[data-testid="gallery-item"][data-id="${fav}"] .star`).waitFor({ timeout: 5_000 })
      // The new image is in the list (above the scrolled-to part) and the header's count is asked again.
      await p.waitForFunction((n) => document.querySelector('[data-testid="gallery-grid"]').dataset.loaded === String(n), before)
      await p.waitForFunction((n) => (window.__NANOFORGE_STATS_CALLS__ ?? 0) > n, statsBefore, { timeout: 5_000 })
      await p.getByTestId('gallery-count').filter({ hasText: `${before} images` }).waitFor({ timeout: 5_000 })
      assert.equal(await grid(p).evaluate((g) => g.scrollTop), top, 'the grid was scrolled back')
      await grid(p).evaluate((g) => { g.scrollTop = 0 })
      await p.locator(`[data-testid="gallery-item"][data-id="${added}"]`).waitFor({ timeout: 5_000 })
      assert.equal(await tiles(p).first().getAttribute('data-id'), added)
      assert.deepEqual(p.errors, [])
      await p.close()
    })

    await check(`${label}: the viewer shows the image's lineage; its remix goes to the Generator linked to it`, async () => {
      // job-0014's image was run again as job-0002.
      const id = await openPage(viewport, '/dashboard').then(async (p) => {
        await p.waitForFunction(() => window.__NANOFORGE_MOCK__)
        const found = await p.evaluate(() => window.__NANOFORGE_MOCK__.images.find((i) => i.jobId === 'job-0014').id)
        await p.close()
        return found
      })
      const p = await openPage(viewport, `/gallery?image=${id}`)
      const family = p.locator('[data-testid="job-family"][data-loaded="true"]')
      await family.waitFor({ timeout: 10_000 })
      assert.equal(await family.getByTestId('job-family-children').getByTestId('job-family-member').first().getAttribute('data-id'), 'job-0002')
      await p.getByTestId('viewer-remix').click()
      await p.waitForURL(/#\/generator/)
      await p.getByTestId('generator-parent').waitFor()
      assert.match(await p.getByTestId('generator-parent').textContent(), /image from your library/)
      assert.deepEqual(p.errors, [])
      await p.close()
    })

    await check(`${label}: a star set in a viewer opened from a link, on an image outside the loaded pages, shows at once`, async () => {
      // The grid's first page is 60 images; the oldest of 100 more is outside it.
      const p = await openPage(viewport, '/history')
      await p.waitForFunction(() => window.__NANOFORGE_MOCK__)
      const id = await p.evaluate(() => {
        const s = window.__NANOFORGE_MOCK__
        const base = s.images[0]
        let last = ''
        for (let n = 0; n < 100; n++) {
          const sha = `e${String(n).padStart(5, '0')}${'7c'.repeat(29)}`.slice(0, 64)
          last = `img-far-${String(n).padStart(5, '0')}`
          s.images.push({ ...base, id: last, sha256: sha, path: `images/${sha.slice(0, 2)}/${sha}.png`,
            thumbPath: `thumbs/256/${sha}.webp`, previewPath: `thumbs/512/${sha}.webp`, favourite: false, rating: 0,
            deletedAt: null, createdAt: (base.createdAt ?? 0) - 90 * 86_400_000 - n * 60_000 })
        }
        return last
      })
      await p.getByTestId('nav-gallery').click()
      await p.waitForFunction(() => Number(document.querySelector('[data-testid="gallery-grid"]')?.dataset.loaded) >= 60)
      // A link to it (the app's own `?image=` URL) opens the viewer.
      await p.evaluate((target) => { location.hash = `#/gallery?image=${target}` }, id)
      const fav = p.getByTestId('viewer-favourite')
      await fav.waitFor({ timeout: 10_000 })
      assert.equal(await p.locator(`[data-testid="gallery-item"][data-id="${id}"]`).count(), 0, 'outside the loaded pages')
      assert.equal(await fav.getAttribute('aria-pressed'), 'false')
      await fav.click()
      await p.waitForFunction(() => document.querySelector('[data-testid="viewer-favourite"]').getAttribute('aria-pressed') === 'true',
        null, { timeout: 5_000 })
      assert.equal(await p.evaluate((target) => window.__NANOFORGE_MOCK__.images.find((i) => i.id === target).favourite, id), true)
      assert.deepEqual(p.errors, [])
      await p.close()
    })

    await check(`${label}: 1,000+ images page in with keyset cursors and the DOM stays small`, async () => {
      // Opened on History: Home would prefetch the Gallery's first page at idle, before the images below are put
      // in the fake core's library (without the change event a real core sends).
      const p = await openPage(viewport, '/history')
      await p.waitForFunction(() => window.__NANOFORGE_MOCK__)
      const count = await p.evaluate(() => {
        const s = window.__NANOFORGE_MOCK__
        const base = s.images[0]
        for (let n = 0; n < 1000; n++) {
          const sha = `f${String(n).padStart(5, '0')}${'9e'.repeat(29)}`.slice(0, 64)
          s.images.push({ ...base, id: `img-big-${String(n).padStart(5, '0')}`, sha256: sha, path: `images/${sha.slice(0, 2)}/${sha}.png`,
            thumbPath: `thumbs/256/${sha}.webp`, previewPath: `thumbs/512/${sha}.webp`, favourite: false,
            createdAt: (base.createdAt ?? 0) - 40 * 86_400_000 - n * 60_000 })
        }
        return s.images.filter((i) => i.deletedAt == null).length
      })
      await p.getByTestId('nav-gallery').click()
      // The first page is about two screens (60 images); scrolling brings pages of 200.
      await p.waitForFunction(() => Number(document.querySelector('[data-testid="gallery-grid"]')?.dataset.loaded) >= 60)
      assert.equal(await grid(p).getAttribute('data-complete'), 'false')
      // The header counts the library, not the pages loaded so far.
      await p.getByTestId('gallery-count').filter({ hasText: `${count.toLocaleString('en-US')} images` }).waitFor({ timeout: 5_000 })
      await ipcRoundTrip(p)
      const statsCalls = () => p.evaluate(() => window.__NANOFORGE_STATS_CALLS__ ?? 0)
      const statsBefore = await statsCalls()
      const maxTiles = await scrollToEnd(p)
      await waitComplete(p, count)
      assert.ok(maxTiles < 300, `DOM held ${maxTiles} tiles`)
      // Pages loaded by scrolling are not changes to the library: the stats are not asked again.
      await ipcRoundTrip(p)
      assert.equal(await statsCalls(), statsBefore)
      await grid(p).evaluate((g) => { g.scrollTop = g.scrollHeight })
      await p.waitForFunction(() => !!document.querySelector('[data-id="img-big-00999"]'), null, { timeout: 5000 })
      await shot(p, `gallery-scrolled-end-${label}`)
      // A link to an image far beyond the first page, arriving from another view.
      await p.getByTestId('nav-dashboard').click()
      await p.evaluate(() => { location.hash = '#/gallery?image=img-big-00999' })
      await p.getByTestId('viewer').waitFor()
      assert.equal(await p.getByTestId('viewer').getAttribute('data-id'), 'img-big-00999')
      await p.keyboard.press('Escape')
      await p.getByTestId('viewer').waitFor({ state: 'detached' })
      assert.deepEqual(p.errors, [])
      await p.close()
    })
  }
}
