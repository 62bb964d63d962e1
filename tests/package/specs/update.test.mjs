// The installed app updates itself in place (tests/package/run.sh serves the update on loopback): Settings →
// Updates → Check now finds the newer version; a package whose bytes do not match its signature is refused
// and the installed version stays; the genuine one is verified, installed through pkexec (a shim in PATH that
// runs dpkg) and dpkg reports the new version; then the prompt offers Restart to update.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, existsSync } from 'node:fs'
import { openApp, screenshot, textOf, until, byTestId, click, goTo } from '../../e2e/lib/app.mjs'

const { NANOFORGE_UPDATE_BASE: base, NANOFORGE_UPDATE_FROM: from, NANOFORGE_UPDATE_TO: to, NANOFORGE_PACKAGE: pkg,
  NANOFORGE_PKEXEC_LOG: pkexecLog } = process.env
const installed = () => execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).trim()

let browser
before(async () => { browser = await openApp() })
after(async () => { await browser?.deleteSession() })

async function checkAt(endpoint) {
  await goTo(browser, 'settings')
  const field = await byTestId(browser, 'updates-endpoint')
  await field.waitForDisplayed({ timeout: 15_000 })
  await field.setValue(endpoint)
  await click(browser, 'updates-save')
  await until(browser, 'the address saved', async () => !(await (await byTestId(browser, 'updates-save')).isEnabled()))
  await click(browser, 'updates-check-now')
  const prompt = await until(browser, 'the update offered', async () => {
    const el = await byTestId(browser, 'update-prompt')
    return (await el.isExisting()) && (await el.getAttribute('data-phase')) === 'offered' ? el : null
  })
  assert.match(await prompt.getText(), new RegExp(`Nanoforge ${to.replaceAll('.', '\\.')} is available`))
}

test('the installed app refuses a tampered update, then installs the genuine one in place', async () => {
  assert.ok(base && from && to && pkg && pkexecLog, 'run.sh sets the update server and versions')
  assert.equal(installed(), from)
  await until(browser, 'the window', async () => (await browser.getTitle()) === 'Nanoforge')
  // The welcome comes once the start is decided (App.vue's `data-startup`), which can be after the
  // window and Home show: checking for it before then missed it, and it then covered the navigation.
  const startup = await until(browser, 'the start to be decided', async () => {
    const state = await browser.execute(() => document.querySelector('.shell')?.dataset.startup ?? null)
    return state && state !== 'reading' ? state : null
  })
  assert.notEqual(startup, 'crash', 'the first start left no crash report')
  if (startup === 'welcome') {
    await click(browser, 'welcome-close')
    await until(browser, 'the welcome closed', async () =>
      (await browser.execute(() => document.querySelector('.shell')?.dataset.startup ?? null)) === 'none')
  }

  await checkAt(`${base}/tampered/latest.json`)
  await click(browser, 'update-install')
  const refused = await textOf(browser, 'update-error', 60_000)
  assert.match(refused, /this version keeps running.*signature/i)
  assert.equal(installed(), from, 'the tampered package was never installed')
  assert.ok(!existsSync(pkexecLog), 'nothing was handed to pkexec')
  await screenshot(browser, 'package-update-refused')

  await checkAt(`${base}/genuine/latest.json`)
  await click(browser, 'update-install')
  await until(browser, 'the update installed', async () =>
    (await (await byTestId(browser, 'update-prompt')).getAttribute('data-phase')) === 'installed', 120_000)
  assert.equal(installed(), to, 'dpkg has the new version')
  assert.match(readFileSync(pkexecLog, 'utf8'), /^dpkg -i \S+\.deb$/m)
  assert.match(await textOf(browser, 'update-prompt'), new RegExp(`Nanoforge ${to.replaceAll('.', '\\.')} is installed`))
  assert.ok(await (await byTestId(browser, 'update-restart')).isDisplayed())
  await screenshot(browser, 'package-update-installed')
})
