// The prompt library and the wildcard lists at 1280 and 390 px: in the Generator, "Prompts" opens the saved
// prompts; the prompt being written is saved with a name and tags (a taken name asks before replacing), found by
// words and by tag, put in at the cursor or in place of the prompt, and removed after a confirmation. In Batch
// mode the template shows which `__name__` lists exist; a list edited as lines and a new one are what the batch
// plan draws from at once.
import assert from 'node:assert/strict'
import { join } from 'node:path'

const HERO = 'a matte {black|white} mug on walnut, morning light'

async function openGenerator(openPage, viewport) {
  const page = await openPage(viewport, '/')
  await page.waitForFunction(() => !!window.__NANOFORGE_MOCK__)
  await page.evaluate(() => {
    const s = window.__NANOFORGE_MOCK__
    const key = (purpose) => ({ purpose, configured: true, masked: '••••1234', source: 'keychain', provider: 'nanobanana', keychainError: null })
    s.key = key('nanoBananaKey')
    s.keys.geminiKey = key('geminiKey')
  })
  await page.getByTestId('nav-generator').click()
  await page.getByTestId('prompt-input').waitFor()
  return page
}

const names = (page) => page.locator('[data-testid^="saved-prompt-"] .name').allTextContents()
const promptText = (page) => page.getByTestId('prompt-input').inputValue()
const waitCount = (page, n) => page.waitForFunction((c) => document.querySelector('[data-testid="batch-count"]')?.dataset.count === String(c), n)

export default async function ({ check, widths, openPage, settle, shots, noHorizontalOverflow }) {
  for (const [label, viewport] of Object.entries(widths)) {
    await check(`${label}: a prompt saved, refused when taken, found, inserted, used and removed`, async () => {
      const page = await openGenerator(openPage, viewport)
      await page.getByTestId('prompt-input').fill(HERO)
      await page.getByTestId('prompts-button').click()
      await page.getByTestId('prompt-library').waitFor()
      assert.deepEqual(await names(page), ['Studio product'])

      await page.getByTestId('prompt-save-name').fill('Hero mug')
      await page.getByTestId('prompt-save-tags').fill('Mugs, studio')
      await page.getByTestId('prompt-save').click()
      await page.getByTestId('prompt-saved').waitFor()
      assert.deepEqual(await names(page), ['Hero mug', 'Studio product'])
      assert.deepEqual(await page.locator('[data-testid="saved-prompt-Hero mug"] .tag').allTextContents(), ['mugs', 'studio'])
      assert.equal(await page.locator('[data-testid="saved-prompt-Hero mug"] .badge').count(), 1, 'a template says so')

      // A taken name (any case) is the core's refusal, offered as a replace.
      await page.getByTestId('prompt-input').fill('a plain mug')
      await page.getByTestId('prompt-save-name').fill('HERO MUG')
      await page.getByTestId('prompt-save-tags').fill('mugs, studio')
      await page.getByTestId('prompt-save').click()
      assert.match(await page.getByTestId('prompt-save-taken').textContent(), /Hero mug.*Replace it/)
      assert.match(await page.locator('[data-testid="saved-prompt-Hero mug"] .preview').textContent(), /matte/)
      await page.getByTestId('prompt-save-replace').click()
      await page.getByTestId('prompt-saved').waitFor()
      await page.waitForFunction(() => /plain mug/.test(document.querySelector('[data-testid="saved-prompt-HERO MUG"] .preview')?.textContent ?? ''))

      // Found by words and by tag.
      await page.getByTestId('prompt-search').fill('sneaker')
      assert.deepEqual(await names(page), ['Studio product'])
      await page.getByTestId('prompt-search').fill('')
      await page.getByTestId('prompt-tag-mugs').click()
      assert.deepEqual(await names(page), ['HERO MUG'])
      await page.getByTestId('prompt-tag-studio').click()
      assert.deepEqual(await names(page), ['HERO MUG', 'Studio product'])

      // Insert at the cursor; Use replaces the whole prompt.
      const input = page.getByTestId('prompt-input')
      await input.fill('Intro. Outro.')
      await input.evaluate((el) => { el.focus(); el.setSelectionRange(7, 7) })
      await page.locator('[data-testid="saved-prompt-HERO MUG"] [data-testid="prompt-insert"]').click()
      assert.equal(await promptText(page), 'Intro. a plain mugOutro.')
      await page.locator('[data-testid="saved-prompt-Studio product"] [data-testid="prompt-use"]').click()
      assert.equal(await promptText(page), 'a {red|blue} sneaker on a white studio background, soft light')
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await page.screenshot({ path: join(shots, `prompts-library-${label}.png`), fullPage: true })

      // Removed after a confirmation.
      await page.locator('[data-testid="saved-prompt-Studio product"] [data-testid="prompt-remove"]').click()
      await page.getByTestId('prompt-remove-yes').click()
      await page.waitForFunction(() => !document.querySelector('[data-testid="saved-prompt-Studio product"]'))
      assert.deepEqual(await names(page), ['HERO MUG'])
    })

    await check(`${label}: wildcard lists shown beside the template, edited and made, and used by the batch plan`, async () => {
      const page = await openGenerator(openPage, viewport)
      await page.getByTestId('mode-batch').click()
      await page.getByTestId('batch-form').waitFor()
      await page.getByTestId('wildcard-colour').waitFor()
      assert.match(await page.getByTestId('wildcard-lists').textContent(), /__animal__.*__colour__/)
      for (const box of await page.locator('[data-testid^="batch-model-"]').all()) {
        const id = (await box.getAttribute('data-testid')).replace('batch-model-', '')
        if ((await box.isChecked()) !== (id === 'nano-banana-2')) await box.click()
      }
      await page.getByTestId('batch-template').fill('A __colour__ mug')
      await waitCount(page, 3)

      // Edited as lines: blank and `#` lines are skipped, and the plan counts again.
      await page.getByTestId('wildcard-edit-colour').click()
      assert.equal(await page.getByTestId('wildcard-lines').inputValue(), 'red\nblue\ngreen')
      await page.getByTestId('wildcard-lines').fill('red\n# not this\n\nteal\ngold\nivory')
      await page.getByTestId('wildcard-save').click()
      await waitCount(page, 4)

      // A new list, put in the template from its chip.
      await page.getByTestId('wildcard-new').click()
      await page.getByTestId('wildcard-name').fill('size')
      await page.getByTestId('wildcard-lines').fill('small\nlarge')
      await page.getByTestId('wildcard-save').click()
      await page.locator('[data-testid="wildcard-size"] .token').click()
      assert.equal(await page.getByTestId('batch-template').inputValue(), 'A __colour__ mug __size__')
      await waitCount(page, 8)
      // A saved template goes into the batch's template too.
      await page.getByTestId('batch-prompts-button').click()
      await page.locator('[data-testid="saved-prompt-Studio product"] [data-testid="prompt-use"]').click()
      assert.equal(await page.getByTestId('batch-template').inputValue(), 'a {red|blue} sneaker on a white studio background, soft light')
      await waitCount(page, 2)
      await page.getByTestId('batch-prompts-button').click()
      await page.getByTestId('batch-template').fill('A __colour__ mug __size__')
      await waitCount(page, 8)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await settle(page)
      await page.screenshot({ path: join(shots, `prompts-wildcards-${label}.png`), fullPage: true })

      // Removed: the template's wildcard is now the core's refusal.
      await page.getByTestId('wildcard-remove').click()
      await page.waitForFunction(() => !document.querySelector('[data-testid="wildcard-size"]'))
      await page.waitForFunction(() => /no wildcard `size`/.test(document.querySelector('[data-testid="batch-form"]')?.textContent ?? ''))
    })
  }
}
