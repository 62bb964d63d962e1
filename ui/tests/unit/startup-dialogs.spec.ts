import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { ApiKeyStatus, CrashReport, SecretPurpose } from '@/api'
import { fakeCoreEvents } from './core-events'

// The window's start over the src/api boundary: the last run's crash report first, then the first-run
// welcome (never both), each told to the core when closed; the welcome's keys checked before they are saved.
const api = vi.hoisted(() => ({
  appInfo: vi.fn(),
  accountsState: vi.fn(),
  catalog: vi.fn(),
  onCoreChanged: vi.fn(),
  listJobs: vi.fn(),
  syncStatus: vi.fn(),
  unseenCrashes: vi.fn(),
  acknowledgeCrashes: vi.fn(),
  dismissWelcome: vi.fn(),
  diagnosticsReport: vi.fn(),
  openLogsFolder: vi.fn(),
  copyText: vi.fn(),
  getPreferences: vi.fn(),
  keyStatus: vi.fn(),
  availableProviders: vi.fn(),
  checkAndSetKey: vi.fn(),
}))
vi.mock('@/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api')>()
  return { ...real, api }
})

import { ApiError } from '@/api'
import App from '@/App.vue'
import { useToast } from '@/components/shared/toast'
import { makeI18n } from '@/i18n'
import { MOCK_CATALOG } from '@/mocks/catalog'
import { defaultPreferences } from '@/mocks/backend'
import { routes } from '@/router'

const Stub = { render: () => h('h1', 'view') }
const LOCAL = { id: 'local', kind: 'local', displayName: 'Local library', email: null, name: null, issuer: null, emailVerified: null, current: true }
const CRASH: CrashReport = {
  file: 'crash-1-2.json', version: '1.2.3', at: Date.UTC(2026, 10, 25, 11, 0), thread: 'main',
  message: 'index out of bounds: the len is 0 but the index is 3', location: 'core/src/queue/ledger.rs:88:17',
  backtrace: '   0: nanoforge_core::queue::ledger::lease\n   1: tokio::runtime::task::raw::poll',
}
const noKey = (purpose: SecretPurpose): ApiKeyStatus => ({ purpose, configured: false, masked: null, source: null, provider: 'demo', keychainError: null })
const saved = (purpose: SecretPurpose): ApiKeyStatus => ({ ...noKey(purpose), configured: true, masked: '••••••••1234', source: 'keychain' })

let wrapper: VueWrapper | null = null
async function mountApp(welcomeDismissed: boolean, path = '/gallery') {
  api.appInfo.mockResolvedValue({ version: '1.2.3', profileId: 'local', imageUrlKey: 'key-local', dataDir: '/data', jobCount: 0, welcomeDismissed })
  const light = routes.map((r) => (r.name ? { ...r, component: Stub } : r))
  const router = createRouter({ history: createMemoryHistory(), routes: light as typeof routes })
  await router.push(path)
  wrapper = mount(App, { global: { plugins: [createPinia(), router, makeI18n()] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}
const inBody = (testId: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testId}"]`)
const click = async (testId: string) => {
  inBody(testId)!.click()
  await flushPromises()
}
async function typeKey(purpose: SecretPurpose, key: string) {
  const box = inBody(`welcome-key-${purpose}`)!
  const input = box.querySelector<HTMLInputElement>('[data-testid="welcome-key-input"]')!
  input.value = key
  input.dispatchEvent(new Event('input'))
  await flushPromises()
  box.querySelector('form')!.dispatchEvent(new Event('submit'))
  await flushPromises()
  return box.querySelector<HTMLElement>('[data-testid="welcome-key-result"]')
}

describe('the window at start', () => {
  beforeEach(() => {
    for (const fn of Object.values(api)) fn.mockReset()
    const events = fakeCoreEvents()
    api.onCoreChanged.mockImplementation(events.onCoreChanged)
    api.accountsState.mockResolvedValue({ current: LOCAL, profiles: [LOCAL], signInConfigured: true, issuer: null })
    api.catalog.mockResolvedValue(MOCK_CATALOG)
    api.listJobs.mockResolvedValue({ items: [], nextCursor: null })
    api.syncStatus.mockResolvedValue({ configured: false, endpoint: null, bucket: null, prefix: null, deviceId: 'd', lastSyncMs: null, pendingUploads: 0, pendingDownloads: 0, devices: [], pendingDeletions: null })
    api.unseenCrashes.mockResolvedValue([])
    api.acknowledgeCrashes.mockResolvedValue(1)
    api.dismissWelcome.mockResolvedValue(undefined)
    api.diagnosticsReport.mockResolvedValue('Nanoforge 1.2.3\nOS: Debian\nkey=••••')
    api.openLogsFolder.mockResolvedValue(undefined)
    api.copyText.mockResolvedValue(undefined)
    api.getPreferences.mockResolvedValue(defaultPreferences())
    api.keyStatus.mockImplementation(async (p: SecretPurpose) => noKey(p))
    api.availableProviders.mockResolvedValue(['demo'])
  })
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
    useToast().dismissToast()
  })

  it('a first start shows the welcome: the demo, a key per provider with its price, sign-in and sync optional', async () => {
    await mountApp(false)
    const welcome = inBody('first-run-welcome')!
    expect(welcome.getAttribute('aria-modal')).toBe('true')
    expect(welcome.textContent).toContain('Generate now, no key needed')
    expect(welcome.textContent).toContain('Sign-in and sync are optional')
    expect(inBody('welcome-key-nanoBananaKey')?.textContent).toContain('nanobananaapi.ai')
    expect(inBody('welcome-key-geminiKey')?.textContent).toContain('aistudio.google.com/apikey')
    expect(inBody('welcome-key-nanoBananaKey')?.querySelector('[data-testid="welcome-price"]')?.textContent?.trim())
      .toBe('A first 1K image with Nano Banana 2 costs about $0.067.')
    expect(document.activeElement).toBe(inBody('welcome-generate'))
    expect(inBody('crash-dialog')).toBeNull()
  })

  it('the welcome is dismissed for good: the core is told, and a start that says so shows none', async () => {
    const { router } = await mountApp(false)
    await click('welcome-generate')
    expect(api.dismissWelcome).toHaveBeenCalledTimes(1)
    expect(inBody('first-run-welcome')).toBeNull()
    expect(router.currentRoute.value.path).toBe('/generator')
    wrapper?.unmount()
    await mountApp(true)
    expect(api.unseenCrashes).toHaveBeenCalled()
    expect(inBody('first-run-welcome')).toBeNull()
  })

  it('a dismissal the core refuses still closes it and says it may come back', async () => {
    api.dismissWelcome.mockRejectedValue(new ApiError({ kind: 'io', message: 'read-only data folder' }))
    await mountApp(false)
    await click('welcome-done')
    expect(inBody('first-run-welcome')).toBeNull()
    expect(useToast().current.value?.message).toContain('read-only data folder')
  })

  it('keys are checked before they are saved: taken, saved offline with the reason, or refused', async () => {
    await mountApp(false)
    api.checkAndSetKey.mockResolvedValueOnce({ status: saved('nanoBananaKey'), check: 'accepted', reason: null })
    api.availableProviders.mockResolvedValue(['nanobanana', 'demo'])
    let result = await typeKey('nanoBananaKey', ' nb-1234 ')
    expect(api.checkAndSetKey).toHaveBeenCalledWith('nanoBananaKey', 'nb-1234')
    expect(result?.dataset.check).toBe('accepted')
    expect(result?.textContent?.trim()).toBe('Checked ✓ — Nano Banana took the key, and it is saved.')
    // With a key, the demo's button no longer promises a free image.
    expect(inBody('welcome-generate')?.textContent?.trim()).toBe('Open the Generator')

    api.checkAndSetKey.mockResolvedValueOnce({ status: saved('geminiKey'), check: 'notChecked', reason: 'Can\'t reach generativelanguage.googleapis.com' })
    result = await typeKey('geminiKey', 'AIza-1')
    expect(result?.dataset.check).toBe('notChecked')
    expect(result?.textContent?.trim()).toBe('Saved, not checked yet (offline): Can\'t reach generativelanguage.googleapis.com')

    api.checkAndSetKey.mockRejectedValueOnce(new ApiError({ kind: 'api_key_rejected', message: 'Gemini rejected the API key' }))
    result = await typeKey('geminiKey', 'AIza-bad')
    expect(result?.dataset.check).toBe('refused')
    expect(result?.getAttribute('role')).toBe('alert')
    expect(result?.textContent?.trim()).toBe('Not saved: Gemini rejected the API key')
    const input = inBody('welcome-key-geminiKey')!.querySelector<HTMLInputElement>('input')!
    expect(input.value).toBe('AIza-bad')
    expect(input.type).toBe('password')
  })

  it('a crash of the last run comes first; Close acknowledges it, then the welcome shows', async () => {
    api.unseenCrashes.mockResolvedValue([CRASH])
    await mountApp(false)
    const dialog = inBody('crash-dialog')!
    expect(dialog.getAttribute('role')).toBe('alertdialog')
    expect(inBody('first-run-welcome')).toBeNull()
    expect(dialog.textContent).toContain('Nanoforge closed unexpectedly')
    expect(inBody('crash-message')?.textContent?.trim()).toBe(CRASH.message)
    expect(inBody('crash-location')?.textContent?.trim()).toBe(CRASH.location)
    expect(inBody('crash-version')?.textContent?.trim()).toBe('1.2.3')
    const backtrace = inBody('crash-backtrace') as HTMLDetailsElement
    expect(backtrace.open).toBe(false)
    expect(backtrace.querySelector('pre')?.textContent).toContain('nanoforge_core::queue::ledger::lease')
    expect(document.activeElement).toBe(inBody('crash-close'))

    await click('crash-close')
    expect(api.acknowledgeCrashes).toHaveBeenCalledTimes(1)
    expect(inBody('crash-dialog')).toBeNull()
    expect(inBody('first-run-welcome')).not.toBeNull()
  })

  it('Escape closes the crash report too, and it is not shown again', async () => {
    api.unseenCrashes.mockResolvedValue([CRASH, { ...CRASH, file: 'crash-2-2.json' }])
    await mountApp(true)
    expect(inBody('crash-dialog')?.textContent).toContain('It happened 2 times')
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await flushPromises()
    expect(api.acknowledgeCrashes).toHaveBeenCalledTimes(1)
    expect(inBody('crash-dialog')).toBeNull()
    expect(inBody('first-run-welcome')).toBeNull()
  })

  it('Copy diagnostics puts the core\'s masked report on the clipboard; Open logs folder asks the shell', async () => {
    api.unseenCrashes.mockResolvedValue([CRASH])
    await mountApp(true)
    await click('copy-diagnostics')
    expect(api.diagnosticsReport).toHaveBeenCalledTimes(1)
    expect(api.copyText).toHaveBeenCalledWith('Nanoforge 1.2.3\nOS: Debian\nkey=••••')
    expect(inBody('diagnostics-note')?.textContent).toContain('Diagnostics copied')
    await click('open-logs-folder')
    expect(api.openLogsFolder).toHaveBeenCalledTimes(1)

    api.copyText.mockRejectedValue(new ApiError({ kind: 'internal', message: 'clipboard not allowed' }))
    await click('copy-diagnostics')
    expect(inBody('diagnostics-note')?.getAttribute('role')).toBe('alert')
    expect(inBody('diagnostics-note')?.textContent).toContain('Could not copy the diagnostics: clipboard not allowed')
  })

  it('crash files that cannot be read do not hold the welcome back', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    api.unseenCrashes.mockRejectedValue(new ApiError({ kind: 'io', message: 'permission denied' }))
    await mountApp(false)
    expect(inBody('crash-dialog')).toBeNull()
    expect(inBody('first-run-welcome')).not.toBeNull()
    warn.mockRestore()
  })
})
