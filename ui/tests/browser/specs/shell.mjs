// The shell: navigation reaches every view at both widths (sidebar on desktop, bottom tab bar on phones),
// the document title follows the route, nothing scrolls sideways, the theme toggle works, no errors.
import assert from 'node:assert/strict'

const views = [['home', 'Nanoforge'], ['dashboard', 'Dashboard'], ['generator', 'Generate'], ['gallery', 'Gallery'],
  ['history', 'History'], ['analytics', 'Analytics'], ['settings', 'Settings']]

export default async function ({ check, widths, openPage, shot, noHorizontalOverflow }) {
  for (const [label, viewport] of Object.entries(widths)) {
    const page = await openPage(viewport)
    await check(`${label}: shell shows the version from IPC`, async () => {
      await page.getByTestId('app-version').waitFor({ state: 'attached', timeout: 10_000 })
      assert.equal((await page.getByTestId('app-version').textContent()).trim(), 'v0.0.0-mock')
    })
    await check(`${label}: every navigation link is visible and inside the viewport`, async () => {
      for (const [route] of views) {
        const box = await page.getByTestId(`nav-${route}`).boundingBox()
        assert.ok(box, `nav-${route} is not rendered`)
        assert.ok(box.x >= 0 && box.x + box.width <= viewport.width + 0.5, `nav-${route} sticks out: ${JSON.stringify(box)}`)
        assert.ok(box.y >= 0 && box.y + box.height <= viewport.height + 0.5, `nav-${route} is off screen`)
        assert.ok(box.width >= 40 && box.height >= 40, `nav-${route} is too small to tap: ${JSON.stringify(box)}`)
      }
    })
    for (const [route, title] of views) {
      await check(`${label}: ${route} view is reachable from the navigation`, async () => {
        await page.getByTestId(`nav-${route}`).click()
        await page.waitForURL(new RegExp(`#/${route === 'home' ? '$' : route}`))
        await page.locator('main h1').first().waitFor({ timeout: 5_000 })
        const link = page.getByTestId(`nav-${route}`)
        assert.equal(await link.getAttribute('aria-current'), 'page', 'the active link is not marked current')
        assert.ok((await page.title()).startsWith(title), `document.title is "${await page.title()}"`)
        assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
        await shot(page, `shell-${route}-${label}`)
      })
    }
    await check(`${label}: the theme toggle cycles system → light → dark`, async () => {
      const theme = () => page.evaluate(() => document.documentElement.dataset.theme)
      const toggle = page.getByTestId('theme-toggle')
      await toggle.click()
      assert.equal(await theme(), 'light')
      await toggle.click()
      assert.equal(await theme(), 'dark')
      assert.equal(await page.evaluate(() => localStorage.getItem('nanoforge.theme')), 'dark')
      await page.getByTestId('nav-home').click()
      await shot(page, `shell-home-${label}-dark`)
      await toggle.click()
      assert.equal(await page.evaluate(() => localStorage.getItem('nanoforge.theme')), 'system')
    })
    await check(`${label}: no console errors`, async () => assert.deepEqual(page.errors, []))
    await page.close()
  }

  await check('phone: an empty library shows the welcome with its call to action', async () => {
    const page = await openPage(widths.phone, '/', '?empty')
    await page.getByTestId('welcome').waitFor({ timeout: 10_000 })
    assert.ok(await noHorizontalOverflow(page), 'page scrolls horizontally')
    await shot(page, 'shell-welcome-phone')
    await page.getByTestId('cta-first-image').click()
    await page.waitForURL(/#\/generator/)
    assert.deepEqual(page.errors, [])
    await page.close()
  })
  await check('desktop: an empty library shows the welcome, its Settings link works', async () => {
    const page = await openPage(widths.desktop, '/', '?empty')
    await page.getByTestId('welcome').waitFor({ timeout: 10_000 })
    await shot(page, 'shell-welcome-desktop')
    await page.getByTestId('welcome-settings-link').click()
    await page.waitForURL(/#\/settings/)
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}
