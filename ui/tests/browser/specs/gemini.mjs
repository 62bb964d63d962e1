// Google Gemini at 1280 and 390 px: the key set in Settings (masked, under its own purpose), the Generator's
// provider choice (only providers the core says can run), each model's own sizes, ratios and token prices,
// input images added with the picker and by dropping a file's bytes, shown as removable thumbnails and sent
// by id with the request.
import assert from 'node:assert/strict'
import { join } from 'node:path'

const texts = async (locator) => (await locator.allTextContents()).map((s) => s.trim())

export default async function ({ check, widths, openPage, shot, shots, settle, noHorizontalOverflow }) {
  const elementShot = (locator, name) => locator.screenshot({ path: join(shots, `${name}.png`) })
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/settings')
    const byId = (id) => page.getByTestId(id)

    await check(`${label}: a Gemini key is saved in its own card and shown masked`, async () => {
      const card = byId('key-card-geminiKey')
      await card.getByTestId('api-key-status').waitFor({ timeout: 10_000 })
      await card.getByTestId('api-key-input').fill('AIza-test-key-5678')
      await card.getByTestId('api-key-save').click()
      await card.getByTestId('api-key-status').filter({ hasText: '5678' }).waitFor({ timeout: 5_000 })
      assert.doesNotMatch(await card.textContent(), /AIza-test-key/)
      assert.match(await byId('key-card-nanoBananaKey').getByTestId('api-key-status').textContent(), /Not set/)
      assert.equal(await page.evaluate(() => window.__NANOFORGE_MOCK__.keys.geminiKey?.configured), true)
    })

    await check(`${label}: the Generator offers the providers that can run, and the Gemini models' own sizes and prices`, async () => {
      await byId('nav-generator').click()
      await byId('provider-select').waitFor({ timeout: 10_000 })
      assert.deepEqual(await texts(byId('provider-select').locator('option')), ['Google Gemini', 'Demo — not AI'])
      // The default model's provider has no key: the core's first choice is used.
      assert.equal(await byId('provider-select').inputValue(), 'gemini')
      assert.deepEqual(await texts(byId('model-select').locator('option')), [
        'Nano Banana 2 (Gemini)', 'Nano Banana Pro (Gemini)', 'Nano Banana (Gemini)', 'Nano Banana 2 Lite (Gemini)',
      ])
      assert.deepEqual(await texts(byId('size-select').locator('option')), ['512 · $0.0448', '1K · $0.0672', '2K · $0.1008', '4K · $0.1512'])
      await byId('size-select').selectOption('4K')
      await byId('model-select').selectOption('gemini-2.5-flash-image')
      assert.deepEqual(await texts(byId('size-select').locator('option')), ['1K · $0.0387'])
      assert.equal(await byId('size-select').inputValue(), '1K', 'a size the model does not offer gives way to its default')
      assert.equal((await byId('input-image-count').textContent()).trim(), '0 / 3')
      await byId('model-select').selectOption('gemini-3.1-flash-image')
      assert.equal((await byId('input-image-count').textContent()).trim(), '0 / 14')
      // The demo shows its own model and sizes, and takes no input images.
      await byId('provider-select').selectOption('demo')
      assert.deepEqual(await texts(byId('size-select').locator('option')), ['512 · free', '1K · free', '2K · free'])
      assert.equal(await byId('input-images').count(), 0)
      await byId('provider-select').selectOption('gemini')
    })

    await check(`${label}: input images come from the picker and from dropped bytes, show as thumbnails, and go by id`, async () => {
      await byId('input-image-add').click()
      await page.locator('[data-testid="input-image"]').nth(1).waitFor({ timeout: 5_000 })
      // A dropped file reaches the core as its bytes: the page never has its path.
      await byId('input-image-drop').evaluate((zone) => {
        const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0))
        const data = new DataTransfer()
        data.items.add(new File([png], 'fox.png', { type: 'image/png' }))
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
      })
      await page.locator('[data-testid="input-image"]').nth(2).waitFor({ timeout: 5_000 })
      assert.equal((await byId('input-image-count').textContent()).trim(), '3 / 14')
      // The window's own drop zone (read a PNG's settings) left this drop alone.
      assert.equal(await page.getByTestId('metadata-panel').count(), 0)
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="input-image"] img')]
        .every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 5_000 })
      const ids = await page.locator('[data-testid="input-image"]').evaluateAll((els) => els.map((e) => e.dataset.id))
      await page.locator('[data-testid="input-image-remove"]').first().click()
      await byId('prompt-input').fill('The same fox, now in watercolour')
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await shot(page, `gemini-generator-${label}`)
      await elementShot(byId('input-images'), `gemini-input-images-${label}`)
      await byId('generate-button').click()
      const card = page.locator('[data-testid^="job-job-"]').first()
      await card.and(page.locator('[data-stage="done"]')).waitFor({ timeout: 10_000 })
      const job = await page.evaluate(() => window.__NANOFORGE_MOCK__.jobs.at(-1))
      assert.equal(job.provider, 'gemini')
      assert.equal(job.model, 'gemini-3.1-flash-image')
      assert.deepEqual(job.inputImageIds, ids.slice(1))
      assert.equal(job.taskType, 'IMAGE_TO_IMAGE')
      assert.match(await card.getByTestId('job-stage-text').textContent(), /Done in .* · \$0\.0672/)
    })

    await check(`${label}: Nano Banana takes local input images only through sync: without it the core says so`, async () => {
      await byId('nav-settings').click()
      const nb = byId('key-card-nanoBananaKey')
      await nb.getByTestId('api-key-input').fill('nb-test-key-1234')
      await nb.getByTestId('api-key-save').click()
      await nb.getByTestId('api-key-status').filter({ hasText: '1234' }).waitFor({ timeout: 5_000 })
      await byId('nav-generator').click()
      await byId('provider-select').selectOption('nanobanana')
      // The inputs kept from before are still there, counted against this model's limit.
      await page.locator('[data-testid="input-image"]').first().waitFor({ timeout: 5_000 })
      await byId('prompt-input').fill('A fox in a snowy forest')
      await byId('generate-button').click()
      const error = byId('submit-error')
      await error.waitFor({ timeout: 5_000 })
      assert.equal(await error.getAttribute('data-kind'), 'invalid_input')
      assert.match(await error.textContent(), /set up sync \(Settings → Sync\)/)
    })

    await check(`${label}: no console errors`, async () => assert.deepEqual(page.errors, []))
    await page.close()
  }
}
