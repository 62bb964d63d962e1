// Organising the Gallery at both widths: the filters (rating, tag, album, model) and sorts against the
// in-page core's data, the filters as removable chips kept when leaving and coming back, the date filters'
// label beside (not under) their box, an album made from the bulk bar, the album view (title, remove from
// it, rename, delete), and tags added and removed in the viewer, a tag chip filtering the Gallery.
import assert from 'node:assert/strict'

const grid = (page) => page.getByTestId('gallery-grid')
const tiles = (page) => page.getByTestId('gallery-item')

/** The list is complete with `n` images loaded. */
async function waitLoaded(page, n) {
  await page.waitForFunction((want) => {
    const g = document.querySelector('[data-testid="gallery-grid"]')
    return g && g.dataset.complete === 'true' && Number(g.dataset.loaded) === want
  }, n, { timeout: 10_000 })
}

/** Live images of the mock library that pass `test` (run in the page on each record and its labels). */
const countWhere = (page, test) => page.evaluate((src) => {
  const s = window.__NANOFORGE_MOCK__
  const o = s.organise
  const fn = new Function('i', 'o', `return (${src})(i, o)`)
  return s.images.filter((i) => i.deletedAt == null && fn(i, o)).length
}, test.toString())

async function openFilters(page, label) {
  if (label === 'phone' && !(await page.getByTestId('filter-sort').isVisible())) {
    await page.getByRole('button', { name: 'Filters' }).click()
  }
}

export default async function ({ check, widths, openPage, shot, settle, noHorizontalOverflow }) {
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/gallery')
    await page.waitForFunction(() => window.__NANOFORGE_MOCK__)
    const total = await countWhere(page, () => true)
    await waitLoaded(page, total)

    if (label === 'desktop') {
      await check('desktop: the date filters draw their box beside their "From"/"To" label, not over it', async () => {
        for (const id of ['filter-from', 'filter-to']) {
          const box = await page.getByTestId(id).evaluate((input) => {
            const span = input.closest('label').querySelector('span')
            const rect = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right } }
            return {
              text: rect(span), field: rect(input), frame: rect(input.closest('label')),
              // The label's text is whole (WebKitGTK shrank it under a full-width input before).
              clipped: span.scrollWidth > Math.ceil(span.getBoundingClientRect().width),
              // The box is the labelled frame's, not a second bordered box of the input's own.
              border: getComputedStyle(input).borderLeftWidth,
            }
          })
          assert.ok(box.text.right + 4 <= box.field.left, `${id}: label ends at ${box.text.right}, box starts at ${box.field.left}`)
          assert.ok(box.field.right <= box.frame.right + 0.5, `${id}: the box stays inside its frame`)
          assert.ok(box.text.left >= box.frame.left, `${id}: the label stays inside its frame`)
          assert.equal(box.clipped, false, `${id}: the label's text is cut`)
          assert.equal(box.border, '0px', `${id}: the input draws a box of its own inside the frame`)
        }
      })
    }

    await check(`${label}: "at least N stars" and the rating sort narrow and order the list, shown as a removable chip`, async () => {
      await openFilters(page, label)
      await page.getByTestId('filter-rating').selectOption('4')
      const rated = await countWhere(page, (i) => i.rating >= 4)
      assert.ok(rated > 0 && rated < total)
      await waitLoaded(page, rated)
      assert.match(await page.getByTestId('chip-rating').textContent(), /★ 4\+/)
      await page.getByTestId('filter-sort').selectOption('rating')
      await page.waitForFunction(() => document.querySelector('[data-testid="filter-sort"]').value === 'rating')
      await waitLoaded(page, rated)
      const ratings = await tiles(page).evaluateAll((els) => els.map((e) => e.dataset.id))
        .then((ids) => page.evaluate((list) => list.map((id) => window.__NANOFORGE_MOCK__.images.find((i) => i.id === id).rating), ids))
      assert.deepEqual(ratings, [...ratings].sort((a, b) => b - a), 'most stars first')
      await shot(page, `organise-filters-${label}`)
      await page.getByTestId('chip-remove-rating').click()
      await waitLoaded(page, total)
      assert.equal(await page.getByTestId('chip-rating').count(), 0)
    })

    await check(`${label}: oldest first starts with the oldest image`, async () => {
      await openFilters(page, label)
      await page.getByTestId('filter-sort').selectOption('oldest')
      const oldest = await page.evaluate(() => [...window.__NANOFORGE_MOCK__.images].filter((i) => i.deletedAt == null)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))[0].id)
      await page.waitForFunction((id) => document.querySelector('[data-testid="gallery-item"]')?.dataset.id === id, oldest)
      await page.getByTestId('filter-sort').selectOption('newest')
      await waitLoaded(page, total)
    })

    await check(`${label}: a tag filter (suggested from the library's tags) and a model filter narrow the list; the state stays after leaving`, async () => {
      await openFilters(page, label)
      const options = await page.locator('#gallery-tag-suggestions option').evaluateAll((els) => els.map((e) => e.value))
      assert.ok(options.includes('sea'), options.join(','))
      await page.getByTestId('filter-tag').fill('Sea ')
      await page.getByTestId('filter-tag').press('Enter')
      const sea = await countWhere(page, (i, o) => o.tags.get(i.id)?.has('sea') ?? false)
      await waitLoaded(page, sea)
      assert.match(await page.getByTestId('chip-tag').textContent(), /Tag: sea/)
      await page.getByTestId('filter-model').selectOption('nano-banana-pro')
      const seaPro = await countWhere(page, (i, o) => (o.tags.get(i.id)?.has('sea') ?? false) && i.model === 'nano-banana-pro')
      await waitLoaded(page, seaPro)
      // Away and back: the filters, their chips and the list are as they were.
      await page.evaluate(() => { location.hash = '#/history' })
      await page.waitForFunction(() => !document.querySelector('[data-testid="gallery-grid"]'))
      await page.evaluate(() => { location.hash = '#/gallery' })
      await waitLoaded(page, seaPro)
      assert.equal(await page.getByTestId('filter-chips').locator('li.chip').count(), 2)
      await page.getByTestId('filter-clear').click()
      await waitLoaded(page, total)
      assert.equal(await page.getByTestId('filter-chips').count(), 0)
    })

    await check(`${label}: the albums menu lists albums with counts and opens the album view`, async () => {
      await page.getByTestId('albums-menu').click()
      const trips = await countWhere(page, (i, o) => o.members.get('album-0001')?.has(i.id) ?? false)
      assert.match(await page.getByTestId('album-open-Trips').textContent(), new RegExp(`Trips\\s*${trips}`))
      await shot(page, `organise-albums-menu-${label}`)
      await page.getByTestId('album-open-Trips').click()
      await waitLoaded(page, trips)
      assert.equal((await page.getByTestId('album-title').textContent()).trim(), 'Trips')
      await shot(page, `organise-album-${label}`)
      await page.getByTestId('album-back').click()
      await waitLoaded(page, total)
    })

    const name = `Dogs ${label}`
    await check(`${label}: "Add to album…" in the bulk bar makes an album and puts the selection in it`, async () => {
      await grid(page).evaluate((g) => { g.scrollTop = 0 })
      await page.getByTestId('select-mode').click()
      const picked = await tiles(page).evaluateAll((els) => els.slice(0, 3).map((e) => e.dataset.id))
      for (let n = 0; n < 3; n++) await tiles(page).nth(n).click()
      await page.getByTestId('bulk-add-to-album').click()
      await page.getByTestId('album-picker').waitFor()
      await settle(page)
      await shot(page, `organise-album-picker-${label}`)
      await page.getByTestId('album-new-name').fill(name)
      await page.getByTestId('album-create').click()
      await page.getByTestId('toast').filter({ hasText: `Added 3 images to ${name}` }).waitFor()
      const members = await page.evaluate((n) => {
        const o = window.__NANOFORGE_MOCK__.organise
        const album = o.albums.find((a) => a.name === n)
        return [...(o.members.get(album.id) ?? [])].sort()
      }, name)
      assert.deepEqual(members, [...picked].sort())
      await page.getByTestId('select-mode').click()
    })

    await check(`${label}: in the album view one image is taken out, the album renamed, then deleted (its images stay)`, async () => {
      await page.getByTestId('albums-menu').click()
      await page.getByTestId(`album-open-${name}`).click()
      await waitLoaded(page, 3)
      await page.getByTestId('select-mode').click()
      await tiles(page).nth(0).click()
      await page.getByTestId('bulk-remove-from-album').click()
      await waitLoaded(page, 2)
      await page.getByTestId('select-mode').click()
      await page.getByTestId('album-rename').click()
      await page.getByTestId('album-rename-input').fill(`${name} 2`)
      await page.getByTestId('album-rename-save').click()
      await page.waitForFunction((n) => document.querySelector('[data-testid="album-title"]')?.textContent.trim() === n, `${name} 2`)
      await page.getByTestId('album-delete').click()
      await page.getByTestId('confirm-ok').click()
      await waitLoaded(page, total)
      assert.equal(await page.getByTestId('album-title').count(), 0)
      assert.equal(await countWhere(page, () => true), total)
    })

    await check(`${label}: the viewer adds and removes a tag; a tag chip filters the Gallery`, async () => {
      await grid(page).evaluate((g) => { g.scrollTop = 0 })
      await tiles(page).first().click()
      await page.getByTestId('viewer').waitFor()
      const id = await page.getByTestId('viewer').getAttribute('data-id')
      await page.getByTestId('viewer-tag-input').fill('Golden Hour')
      await page.getByTestId('viewer-tag-add').click()
      await page.getByTestId('viewer-tag-golden hour').waitFor()
      assert.ok(await page.evaluate((i) => window.__NANOFORGE_MOCK__.organise.tags.get(i)?.has('golden hour'), id))
      await settle(page)
      await shot(page, `organise-viewer-${label}`)
      await page.getByTestId('viewer-tag-remove-golden hour').click()
      await page.getByTestId('viewer-tag-golden hour').waitFor({ state: 'detached' })
      assert.equal(await page.evaluate((i) => window.__NANOFORGE_MOCK__.organise.tags.get(i)?.has('golden hour') ?? false, id), false)
      await page.getByTestId('viewer-tag-input').fill('dusk')
      await page.getByTestId('viewer-tag-add').click()
      await page.getByTestId('viewer-tag-dusk').click()
      await page.getByTestId('viewer').waitFor({ state: 'detached' })
      await waitLoaded(page, 1)
      assert.match(await page.getByTestId('chip-tag').textContent(), /Tag: dusk/)
      assert.equal(await tiles(page).first().getAttribute('data-id'), id)
      await page.getByTestId('chip-remove-tag').click()
      await waitLoaded(page, total)
    })

    await check(`${label}: no horizontal overflow and no page errors`, async () => {
      assert.ok(await noHorizontalOverflow(page))
      assert.deepEqual(page.errors, [])
    })
    await page.close()
  }
}
