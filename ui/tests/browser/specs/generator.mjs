// The Generator: the form's rules (from the catalog), a generation followed to its images, a slow one
// cancelled, a failing one with the action that fixes it, a recoverable one recovered in place, result
// actions, at desktop and phone widths. Money (prices, balance, budget) has its own spec: money.mjs.
import assert from 'node:assert/strict'
import { join } from 'node:path'

const PROMPT = 'A lighthouse on a basalt cliff at dusk, volumetric fog, cinematic'

export default async function ({ check, widths, openPage, shot, shots, settle, noHorizontalOverflow }) {
  // Full-page shots of a phone smear sticky bars over the page; these show one element or the first screen.
  const elementShot = (locator, name) => locator.screenshot({ path: join(shots, `${name}.png`) })
  const screenShot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`) })
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport, '/generator')
    const byId = (id) => page.getByTestId(id)

    await check(`${label}: generator form starts with the defaults and the demo badge`, async () => {
      await byId('prompt-input').waitFor({ timeout: 10_000 })
      await byId('demo-badge').waitFor({ timeout: 5_000 })
      assert.equal(await byId('size-select').inputValue(), '1K')
      const sizes = await byId('size-select').locator('option').allTextContents()
      // Without a key the core offers only the demo: its own sizes, free.
      assert.deepEqual(sizes.map((s) => s.trim()), ['512 · free', '1K · free', '2K · free'])
      assert.deepEqual((await byId('provider-select').locator('option').allTextContents()).map((s) => s.trim()), ['Demo — not AI'])
      assert.equal(await byId('watermark-input').getAttribute('placeholder'), 'e.g., © 2026')
      assert.ok(await byId('model-select').isDisabled(), 'the demo has one model')
      // The demo takes no input images.
      assert.equal(await byId('input-images').count(), 0)
      assert.ok(await byId('generate-button').isDisabled(), 'generate is disabled while the prompt is blank')
      assert.match(await byId('cost-estimate').textContent(), /free \(demo\)/)
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await shot(page, `generator-empty-${label}`)
      if (label === 'phone') await screenShot(page, 'generator-empty-phone-screen')
    })

    await check(`${label}: the counter follows the prompt`, async () => {
      await byId('prompt-input').fill(PROMPT)
      assert.equal((await byId('prompt-counter').textContent()).trim(), `${PROMPT.length} / 20,000`)
      assert.ok(!(await byId('generate-button').isDisabled()))
    })

    await check(`${label}: a generation runs to done and shows its image, cost and time`, async () => {
      await byId('generate-button').click()
      const card = page.locator('[data-testid^="job-job-"]').first()
      await card.waitFor({ timeout: 5_000 })
      await card.locator('[data-stage="done"]').or(card.and(page.locator('[data-stage="done"]'))).waitFor({ timeout: 10_000 })
      await card.getByTestId('result-image').first().waitFor({ timeout: 5_000 })
      assert.match(await card.getByTestId('job-stage-text').textContent(), /Done in .* · free/)
      assert.equal((await card.getByTestId('result-cost').textContent()).trim(), 'free')
      assert.match(await card.getByTestId('result-duration').textContent(), /\d/)
      assert.ok(await card.getByTestId('result-image').first().evaluate((img) => img.complete && img.naturalWidth > 0))
      await shot(page, `generator-done-${label}`)
    })

    await check(`${label}: result actions give feedback`, async () => {
      const card = page.locator('[data-stage="done"]').first()
      await card.getByTestId('result-copy-prompt').click()
      await card.getByTestId('result-feedback').getByText('Copied').waitFor({ timeout: 3_000 })
      await card.getByTestId('result-save').click()
      await card.getByTestId('result-feedback').getByText('Saved').waitFor({ timeout: 3_000 })
      await card.getByTestId('result-open').click()
      await card.getByTestId('result-reveal').click()
      await card.getByTestId('result-copy-image').click()
    })

    await check(`${label}: remix fills the form with the job's settings`, async () => {
      await byId('prompt-input').fill('')
      await byId('size-select').selectOption('2K')
      await page.locator('[data-stage="done"]').first().getByTestId('result-remix').click()
      assert.equal(await byId('prompt-input').inputValue(), PROMPT)
      assert.equal(await byId('size-select').inputValue(), '1K')
      // The new job will point at the image it started from.
      await byId('generator-parent').waitFor()
      await byId('generator-parent').getByRole('button').click()
      await byId('generator-parent').waitFor({ state: 'detached' })
    })

    await check(`${label}: a slow job shows live progress and can be cancelled`, async () => {
      await byId('count-input').fill('2')
      await byId('prompt-input').fill('@slow Isometric cozy coffee shop interior, warm light')
      await byId('prompt-input').press('Control+Enter')
      const card = page.locator('[data-stage="generating"]').first()
      await card.waitFor({ timeout: 10_000 })
      assert.match(await card.getByTestId('job-stage-text').textContent(), /Generating… \d+ s/)
      await shot(page, `generator-progress-${label}`)
      await elementShot(byId('job-list'), `generator-progress-list-${label}`)
      await card.getByTestId('job-cancel').click()
      const cancelled = page.locator('[data-stage="cancelled"]').first()
      await cancelled.waitFor({ timeout: 5_000 })
      // The demo provider has no task at a service: nothing can be charged (money.mjs cancels a paid one).
      assert.match(await cancelled.getByTestId('job-cancel-message').textContent(), /nothing was charged/)
      assert.equal(await cancelled.getByTestId('job-money-note').count(), 0)
      await byId('count-input').fill('1')
    })

    await check(`${label}: a rejected key shows the typed error and a way to fix it`, async () => {
      await byId('prompt-input').fill('@fail:api_key_rejected A red fox curled up in fresh snow')
      await byId('generate-button').click()
      const card = page.locator('[data-stage="failed"]').first()
      await card.waitFor({ timeout: 10_000 })
      assert.match(await card.getByTestId('job-error').textContent(), /rejected/)
      assert.equal((await card.getByTestId('job-error-action').textContent()).trim(), 'Set your API key')
      assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
      await shot(page, `generator-failed-${label}`)
      await elementShot(byId('job-list'), `generator-failed-list-${label}`)
      await card.getByTestId('job-error-action').click()
      await page.waitForURL(/#\/settings/)
    })

    await check(`${label}: a recoverable job offers Recover, which finishes the same job (nothing new is sent)`, async () => {
      await page.goto(page.url().replace(/#.*$/, '#/generator'))
      await byId('prompt-input').fill('@fail:timeout Steampunk owl made of brass gears')
      await byId('generate-button').click()
      const card = page.locator('[data-stage="recoverable"]', { hasText: 'Steampunk owl' }).first()
      await card.waitFor({ timeout: 10_000 })
      const id = await card.getAttribute('data-testid')
      assert.match(await card.getByTestId('job-stage-text').textContent(), /recoverable/)
      // A demo job costs nothing; its result is fetched again all the same.
      assert.match(await card.getByTestId('job-money-note').textContent(), /nothing is sent again/)
      assert.equal((await card.getByTestId('job-error-action').textContent()).trim(), 'Recover')
      await settle(page)
      await shot(page, `generator-recoverable-${label}`)
      const before = await page.locator('[data-testid^="job-job-"]').count()
      await card.getByTestId('job-error-action').click()
      await page.locator(`[data-testid="${id}"][data-stage="done"]`).waitFor({ timeout: 10_000 })
      assert.equal(await page.locator('[data-testid^="job-job-"]').count(), before, 'Recover made another job')
    })

    await check(`${label}: no console errors`, async () => assert.deepEqual(page.errors, []))
    await check(`${label}: clicking a result opens it in the Gallery`, async () => {
      await byId('prompt-input').fill('Macro photo of a dew drop on a fern leaf')
      await byId('generate-button').click()
      const img = page.locator('[data-stage="done"]').first().getByTestId('result-image').first()
      await img.waitFor({ timeout: 10_000 })
      const id = await img.getAttribute('data-id')
      await img.click()
      // Only the navigation is ours; what the Gallery does with it is its own spec's business.
      await page.waitForURL(new RegExp(`#/gallery\\?image=${id}`))
    })

    await page.close()
  }

  await check('desktop dark: generator with results', async () => {
    const page = await openPage(widths.desktop, '/generator')
    // The theme store follows the OS while "system" is chosen.
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
    await page.getByTestId('prompt-input').fill(PROMPT)
    await page.getByTestId('count-input').fill('2')
    await page.getByTestId('generate-button').click()
    await page.locator('[data-stage="done"] [data-testid="result-image"]').nth(1).waitFor({ timeout: 10_000 })
    await page.getByTestId('prompt-input').fill('@fail:out_of_credits Aerial view of terraced rice fields')
    await page.getByTestId('generate-button').click()
    await page.locator('[data-stage="failed"]').waitFor({ timeout: 10_000 })
    assert.equal((await page.getByTestId('job-error-action').textContent()).trim(), 'Check credits')
    await settle(page)
    await shot(page, 'generator-dark-desktop')
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}
